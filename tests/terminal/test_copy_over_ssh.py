"""Copy over SSH in a real terminal: the one route to the laptop is OSC 52, through tmux."""

from __future__ import annotations

from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal
from tui.core.session import SessionStore

pytestmark = pytest.mark.terminal

CLOSING = "Begin the production incident root cause and hotfix planning now."
LINE = (
    "2026-11-29T14:07:12Z WARN checkout: the payment provider declined the request because the "
    "idempotency key was already used by another session of the same customer\n"
)


def test_copy_over_ssh_with_a_5_mb_log_puts_a_complete_prompt_on_the_clipboard(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    store = SessionStore(home)
    session = store.create("big log over ssh")
    session.fields["incident_summary"] = "Checkout declines every card"
    session.fields["error_logs"] = LINE * (5_000_000 // len(LINE))
    session.set("digest", "false")  # digested, this log is one line with its count
    store.save(session)
    # Over SSH, with no tmux of its own (the harness drops TMUX): the app's OSC 52 is the only
    # route, and tmux (set-clipboard on) stands for the laptop's terminal.
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color", "SSH_TTY": "/dev/pts/7"}
    with TmuxTerminal(
        [installed_command, "resume", session.id],
        env=env,
        width=120,
        height=40,
        options={"set-clipboard": "on"},
    ) as term:
        term.wait_for("Context", 20)
        term.send_keys("C-o")
        screen = term.wait_for("trimmed to fit the terminal", 30)
        buffer = term.show_buffer()
        assert buffer is not None, screen
        assert buffer.rstrip().endswith(CLOSING)
        assert "Incident summary: Checkout declines every card" in buffer
        assert LINE.strip() in buffer
        assert len(buffer.encode("utf-8")) <= 100_000
        term.send_keys("C-q")
        assert term.exit_status(20) == 0
