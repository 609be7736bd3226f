"""The Timeline step in a real 80×24 terminal (tmux), against the installed command: a key adds
an entry, it survives quit and resume, and `incident-tui note` from a second terminal reaches
an incident open in the wizard without either side losing anything."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal

pytestmark = pytest.mark.terminal

ENTRY = "raised max_wal_senders"


def session_file(home: Path) -> Path:
    files = list((home / "sessions").glob("*.toml"))
    assert len(files) == 1, files
    return files[0]


def test_ctrl_l_adds_an_entry_that_survives_quit_and_resume(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "new", "--title", "replica behind"], env=env) as term:
        term.wait_for("Context")
        term.send_keys("C-l")
        term.wait_for("▶ 2 Timeline")
        term.wait_for("1 entry")
        term.type(ENTRY)
        term.wait_for(ENTRY)
        term.send_keys("C-y")  # note -> detected
        term.wait_for("◆ detected")
        term.send_keys("C-q")
        assert term.exit_status() == 0

    data = tomllib.loads(session_file(home).read_text(encoding="utf-8"))
    (entry,) = data["timeline"]
    assert entry["text"] == ENTRY and entry["kind"] == "detected"
    assert len(entry["at"]) == 16  # YYYY-MM-DD HH:MM, stamped now

    with TmuxTerminal([installed_command, "resume"], env=env) as term:
        term.wait_for("replica behind")
        term.send_keys("F6")
        screen = term.wait_for(ENTRY)
        assert "◆ detected" in screen and entry["at"] in screen
        term.send_keys("C-q")
        assert term.exit_status() == 0


def test_a_note_reaches_the_open_wizard_and_the_file_keeps_both(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "new", "--title", "replica behind"], env=env) as term:
        term.wait_for("Context")
        term.send_keys("C-l")
        term.wait_for("1 entry")
        term.type("ours")
        term.wait_for("✓ Saved")
        path = session_file(home)
        # A second terminal, while the wizard holds the incident open.
        note = subprocess.run(
            [installed_command, "note", str(path), "db2 caught up", "--kind", "observation"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert note.returncode == 0, note.stderr
        screen = term.wait_for("db2 caught up", 10)
        assert "2 entries" in screen and "◆ observation" in screen
        # The wizard's own edit next: an outcome for its entry, saved beside the note.
        # The focus stayed in our entry's text: Tab to its time, Tab to its outcome.
        term.send_keys("Tab", "Tab")
        term.type("ok")
        term.wait_for("● Unsaved")
        term.wait_for("✓ Saved")
        term.send_keys("C-q")
        assert term.exit_status() == 0

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [(e["text"], e.get("outcome")) for e in data["timeline"]] == [
        ("ours", "ok"),
        ("db2 caught up", None),
    ]
    assert [p.name for p in (home / "sessions").glob("*.toml")] == [path.name]
