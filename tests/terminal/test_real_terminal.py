"""The installed `incident-tui` in a real terminal (tmux), typed at as an on-call engineer would."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal

pytestmark = pytest.mark.terminal

SUMMARY = "Checkout returns 500 since deploy 4711"


def test_type_copy_quit_and_resume_in_tmux(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "new"], env=env) as term:
        term.wait_for("Context")
        # Focus starts on the title; the summary is three fields further on.
        term.type("Checkout 500s")
        term.send_keys("Tab", "Tab", "Tab")
        term.type(SUMMARY)
        # The summary is no longer unknown: Context goes from 8 unknowns to 7.
        term.wait_for("Context (7)")
        # Copy through the command palette, by its plain name, as a first-time user would.
        term.send_keys("C-p")
        term.wait_for("Search for commands")
        term.type("Copy prompt to clipboard")
        term.wait_for("Copy prompt to clipboard")
        term.send_keys("Enter")
        term.wait_for("copied to tmux", 10)
        buffer = term.show_buffer()
        assert buffer is not None
        assert f"Incident summary: {SUMMARY}\n" in buffer
        assert buffer.rstrip().endswith(
            "Begin the production incident root cause and hotfix planning now."
        )
        # F11 jumps to Review, which lists what is still unknown.
        term.send_keys("F11")
        term.wait_for("▶ 7 Review (16)")
        term.send_keys("C-q")
        assert term.exit_status() == 0

    files = list((home / "sessions").glob("*.toml"))
    assert len(files) == 1
    data = tomllib.loads(files[0].read_text(encoding="utf-8"))
    assert data["title"] == "Checkout 500s"
    assert data["fields"]["incident_summary"] == SUMMARY

    with TmuxTerminal([installed_command, "resume"], env=env) as term:
        screen = term.wait_for(SUMMARY)
        assert "Checkout 500s" in screen
        term.send_keys("C-q")
        assert term.exit_status() == 0


def test_escape_sequences_in_a_log_cannot_touch_the_terminal(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    sessions = home / "sessions"
    sessions.mkdir(parents=True)
    # A log that, printed raw, would set the clipboard (OSC 52) and the window title (OSC 2).
    hostile = "\x1b]52;c;UFdORUQ=\x07 ERROR boom \x1b]2;PWNED-TITLE\x07 \x1b[31mred\x1b[0m"
    session = sessions / "20261129-1412-hostile.toml"
    session.write_text(
        'schema_version = 1\ntitle = "hostile log"\n[fields]\n'
        # A JSON string is a valid TOML basic string: the escapes are stored as \u001b.
        f"incident_summary = {json.dumps(hostile)}\nerror_logs = {json.dumps(hostile)}\n",
        encoding="utf-8",
    )
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    options = {"set-clipboard": "on", "set-titles": "on", "allow-rename": "on"}
    with TmuxTerminal([installed_command, "resume"], env=env, options=options) as term:
        term.tmux_command("set-buffer", "untouched")
        title_before = term.tmux_command("display-message", "-p", "#{pane_title}")
        screen = term.wait_for("ERROR boom")
        # Visible as harmless symbols, never acted on.
        assert "PWNED-TITLE" in screen
        term.send_keys("F7")  # the Evidence step shows the log itself
        term.wait_for("Error messages or logs")
        assert term.show_buffer() == "untouched"
        assert term.tmux_command("display-message", "-p", "#{pane_title}") == title_before
        assert "PWNED" not in term.tmux_command("display-message", "-p", "#{pane_title}")
        term.send_keys("C-q")
        assert term.exit_status() == 0


def test_a_dropped_connection_saves_and_leaves_no_process_behind(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    import os
    import subprocess
    import time

    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "new"], env=env) as term:
        term.wait_for("Context")
        term.send_keys("Tab", "Tab", "Tab")
        term.type("typed just before the link dropped")
        term.wait_for("Context (7)")
        wrapper = term.tmux_command("display-message", "-p", "#{pane_pid}")
        children = subprocess.run(
            ["pgrep", "-P", wrapper], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) == 1
        app_pid = int(children[0])
        # The terminal goes away, as when an SSH connection drops: the app gets SIGHUP.
        term.tmux_command("kill-server")
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{app_pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    # A zombie (already exited, not yet reaped) is gone as far as the user is concerned.
    if os.path.exists(f"/proc/{app_pid}/stat"):
        with open(f"/proc/{app_pid}/stat") as stat:
            assert stat.read().split()[2] == "Z", "incident-tui still runs after the hang-up"
    files = list((home / "sessions").glob("*.toml"))
    assert len(files) == 1
    data = tomllib.loads(files[0].read_text(encoding="utf-8"))
    assert data["fields"]["incident_summary"] == "typed just before the link dropped"
