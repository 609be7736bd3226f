"""The loop in a real terminal (tmux), against the installed command: an answer stored with
`incident-tui answer`, its items ticked on the wizard's Checklist step (F10) at 80×24, quit, and
the states are kept and the follow-up template shows them; Send to agent hands the terminal
over and Ctrl+C stops the agent and keeps its partial answer, with the app still running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal

pytestmark = pytest.mark.terminal

ANSWER = """## Investigation Checklist
- Check the error rate
- Tail the checkout logs

## Rollback Plan
- Roll back to 4.2.0
"""


def new_session(installed_command: str, env: dict[str, str], home: Path) -> Path:
    sessions = home / "sessions"
    sessions.mkdir(parents=True, mode=0o700)
    home.chmod(0o700)
    path = sessions / "20261129-1412-checkout.toml"
    path.write_text(
        'schema_version = 2\ntitle = "Checkout down"\n[fields]\nincident_summary = "500s"\n'
    )
    return path


def data(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_tick_the_checklist_quit_and_the_states_are_kept(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    path = new_session(installed_command, env, home)
    stored = subprocess.run(
        [installed_command, "answer", str(path), "-"],
        env=env,
        input=ANSWER,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert stored.returncode == 0, stored.stderr
    with TmuxTerminal(
        [installed_command, "resume", str(path)], env=env, width=80, height=24
    ) as term:
        term.wait_for("Context")
        term.send_keys("F10")  # step 6, the Checklist
        term.wait_for("▶ 6 Checklist 0/3")
        term.wait_for("Tail the checkout logs")
        term.send_keys("Space")
        term.wait_for("[x] Check the error rate")
        term.wait_for("done 2026-")  # the time it was ticked, UTC
        term.send_keys("Down", "x", "x")
        term.wait_for("[!] Tail the checkout logs")
        term.send_keys("n")
        term.wait_for("what you saw, who did it")  # the note dialog's empty field
        term.type("no KeyError since 14:20")
        term.send_keys("Enter")
        term.wait_for("KeyError since 14:20")
        term.wait_for("▶ 6 Checklist 1/3")
        term.send_keys("C-q")
        assert term.exit_status() == 0
    checklist = data(path)["checklist"]
    states = [(c["text"], c["state"], c.get("note")) for c in checklist]  # type: ignore[attr-defined]
    assert states == [
        ("Check the error rate", "done", None),
        ("Tail the checkout logs", "failed", "no KeyError since 14:20"),
        ("Roll back to 4.2.0", "todo", None),
    ]
    assert all("at" in c for c in checklist[:2])  # type: ignore[index]
    follow_up = subprocess.run(
        [installed_command, "render", str(path), "--template", "follow-up"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Done (verified):\n- Investigation Checklist: Check the error rate" in follow_up.stdout
    assert "Tail the checkout logs" in follow_up.stdout
    assert "note: no KeyError since 14:20" in follow_up.stdout


AGENT = """
import os, sys, time
sys.stdin.read()
with open(sys.argv[1], "w") as f:
    f.write(str(os.getpid()))
print("## Rollback Plan", flush=True)
print("- Roll back to 4.2.0", flush=True)
time.sleep(120)
"""


def test_send_to_agent_in_the_wizard_and_ctrl_c_keeps_a_partial_answer(
    installed_command: str, cli_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    path = new_session(installed_command, env, home)
    agent = tmp_path / "agent.py"
    agent.write_text(AGENT)
    pid_file = tmp_path / "agent.pid"
    config = home / "config.toml"
    config.write_text(f'[agent]\ncommand = ["{sys.executable}", "{agent}", "{pid_file}"]\n')
    config.chmod(0o600)
    with TmuxTerminal([installed_command, "resume", str(path)], env=env) as term:
        term.wait_for("Context")
        term.send_keys("C-p")
        term.wait_for("Search for commands")
        term.type("Send to agent")
        term.wait_for("Send to agent")
        term.send_keys("Enter")
        term.wait_for("- Roll back to 4.2.0", 20)
        term.send_keys("C-c")
        term.wait_for("Press Enter to go back", 10)
        assert "stopped with Ctrl+C" in term.capture()
        term.send_keys("Enter")
        term.wait_for("Partial answer stored", 10)
        term.send_keys("C-q")
        assert term.exit_status() == 0
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the agent is still running")
    saved = data(path)
    [answer] = saved["answers"]  # type: ignore[misc]
    assert answer["partial"] is True
    assert answer["text"] == "## Rollback Plan\n- Roll back to 4.2.0"
    assert [c["text"] for c in saved["checklist"]] == ["Roll back to 4.2.0"]  # type: ignore[attr-defined]
