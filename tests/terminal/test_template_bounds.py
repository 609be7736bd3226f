"""A user template that never ends, in the real app: the preview falls back, and ctrl+q quits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal
from tui.core.session import SessionStore

pytestmark = pytest.mark.terminal

LOOP = (
    "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)


def test_a_looping_template_leaves_a_prompt_and_the_app_quits(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    store = SessionStore(home)
    session = store.create("loop")
    session.template = "loop"
    store.save(session)
    store.templates_dir.mkdir(parents=True, exist_ok=True)
    (store.templates_dir / "loop.md.j2").write_text(LOOP, encoding="utf-8")
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal(
        [installed_command, "resume", session.id], env=env, width=120, height=40
    ) as term:
        term.wait_for("Context", 20)
        term.wait_for("built-in template used", 20)
        term.type("edits while it loops")  # each pause in typing asks for a new preview
        time.sleep(0.5)
        term.type(" more")
        started = time.monotonic()
        term.send_keys("C-q")
        assert term.exit_status(15) == 0
        assert time.monotonic() - started < 6
