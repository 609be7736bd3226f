"""Review in a real 80×24 terminal (tmux), keyboard only, against the installed command."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal

pytestmark = pytest.mark.terminal

TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def test_review_at_80x24_unmasks_a_secret_by_keyboard(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    sessions = home / "sessions"
    sessions.mkdir(parents=True)
    log = "".join(f"14:07:{i:02d} auth failed for token {TOKEN}\n" for i in range(25))
    path = sessions / "20261129-1412-review.toml"
    path.write_text(
        'schema_version = 1\ntitle = "Checkout 500s"\nseverity = "SEV1"\n[fields]\n'
        f'incident_summary = "Checkout returns 500"\nerror_logs = {json.dumps(log)}\n',
        encoding="utf-8",
    )
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "resume"], env=env, width=80, height=24) as term:
        term.wait_for("Checkout returns 500")
        term.send_keys("F11")
        term.wait_for("▶ 7 Review")
        # Review lists the secrets once the prompt is rendered (its header then counts them);
        # a Tab before that has no list to go to.
        term.wait_for("1 secret masked")
        # Review opens on its list of unknowns; Tab goes on to the secrets masking found.
        term.send_keys("Tab")
        # The secret's row scrolls into view: its state, kind and field, never its value.
        row = "masked github-token in Error messages or logs"
        screen = term.wait_for(lambda s: row in s and "1 of 1 secret masked (25 places)" in s)
        assert TOKEN not in screen
        term.send_keys("Enter")
        screen = term.wait_for(lambda s: "SHOWN" in s and "0 of 1 secret masked" in s)
        term.send_keys("C-q")
        assert term.exit_status() == 0
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert len(data["masking"]["unmasked"]) == 1
