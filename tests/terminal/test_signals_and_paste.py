"""In a real terminal (tmux): a hang-up right after a keystroke, a kill while typing, and pastes
holding escapes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import tomllib
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal

pytestmark = pytest.mark.terminal

HANGUPS = 12


def app_pid(term: TmuxTerminal) -> int:
    wrapper = term.tmux_command("display-message", "-p", "#{pane_pid}")
    children = subprocess.run(
        ["pgrep", "-P", wrapper], capture_output=True, text=True, check=False
    ).stdout.split()
    assert len(children) == 1
    return int(children[0])


def saved_summaries(home: Path) -> list[str]:
    files = sorted((home / "sessions").glob("*.toml"))
    return [
        tomllib.loads(f.read_text(encoding="utf-8"))["fields"].get("incident_summary", "")
        for f in files
    ]


def test_a_hangup_right_after_a_keystroke_keeps_the_edit_on_screen(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    expected = []
    for run in range(HANGUPS):
        with TmuxTerminal([installed_command, "new"], env=env) as term:
            term.wait_for("Context")
            term.send_keys("Tab", "Tab", "Tab")
            term.type(f"run {run:02d} typed")
            term.wait_for(f"run {run:02d} typed")
            pid = app_pid(term)
            term.type("!")
            # The hang-up as soon as the last key is on screen.
            term.wait_for(f"run {run:02d} typed!", interval=0.001)
            os.kill(pid, signal.SIGHUP)
            expected.append(f"run {run:02d} typed!")
            assert term.exit_status() == 1
    # Each run is its own incident; sorted by id, they are in run order.
    assert sorted(saved_summaries(home)) == expected


def test_a_kill_while_typing_without_a_pause_keeps_what_was_typed_by_5_s(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    """A key every 0.25 s never gives the autosave its 1.5 s pause: before, nothing was on disk
    until the typing stopped, and a kill (no chance to save on the way out) lost all of it."""
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    typed = "".join(f"w{n:02d} " for n in range(9))  # 36 keys, 9 s at 4 keys a second
    with TmuxTerminal([installed_command, "new"], env=env) as term:
        term.wait_for("Context")
        term.send_keys("Tab", "Tab", "Tab")
        pid = app_pid(term)
        started = time.monotonic()
        for n, char in enumerate(typed):
            term.send_keys(char, literal=True)
            time.sleep(max(0.0, started + (n + 1) * 0.25 - time.monotonic()))
            if time.monotonic() - started > 6.5:
                break
        os.kill(pid, signal.SIGKILL)
        term.exit_status()
    [summary] = saved_summaries(home)
    assert len(summary) >= 8 and typed.startswith(summary), summary


COLOUR_LOG = (
    "orchestrator: \x1b[1mrecovery\x1b[0m promoted=mysql1-db-57\n"
    "\x1b[31mERROR\x1b[0m replica lag 412s \x1b]2;PWNED\x07tail"
)


def test_a_bracketed_paste_with_escape_sequences_arrives_intact_then_cleaned(
    installed_command: str, cli_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    # Many lines, so the paste spans several reads of the terminal.
    pasted = "\n".join(f"{i:04d} {COLOUR_LOG}" for i in range(400))
    buffer_file = tmp_path / "paste.txt"
    buffer_file.write_text(pasted, encoding="utf-8")
    with TmuxTerminal([installed_command, "new"], env=env) as term:
        term.wait_for("Context")
        term.send_keys("Tab", "Tab", "Tab")
        term.tmux_command("load-buffer", "-b", "log", str(buffer_file))
        term.tmux_command("paste-buffer", "-p", "-b", "log", "-t", "main")
        term.wait_for("0000 orchestrator: recovery promoted", timeout=20)
        time.sleep(0.3)
        term.send_keys("C-q")
        assert term.exit_status() == 0
    [summary] = saved_summaries(home)
    clean = "orchestrator: recovery promoted=mysql1-db-57\nERROR replica lag 412s tail"
    assert summary == "\n".join(f"{i:04d} {clean}" for i in range(400))
