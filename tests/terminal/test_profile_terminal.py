"""`incident-tui new` in a service's directory opens an incident pre-filled from its profile."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal

pytestmark = pytest.mark.terminal


def test_new_in_a_service_directory_is_prefilled_from_its_profile(
    installed_command: str, cli_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    service = tmp_path / "checkout"
    (service / "src").mkdir(parents=True)
    (service / ".incident-tui.toml").write_text(
        'project_context = "checkout: Django 5, deployed by Argo CD"\n'
        "[[gather]]\n"
        'name = "pods"\n'
        'argv = ["touch", "ran-pods"]\n'
        'into = "monitoring"\n',
        encoding="utf-8",
    )
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "new"], env=env, cwd=service / "src") as term:
        # Project context is filled in: Context counts 7 unknowns, not 8.
        term.wait_for("Context (7)")
        term.send_keys("C-s")
        term.wait_for("Saved", 10)
        term.send_keys("C-q")
        assert term.exit_status() == 0
    files = list((home / "sessions").glob("*.toml"))
    assert len(files) == 1
    data = tomllib.loads(files[0].read_text(encoding="utf-8"))
    assert data["fields"]["project_context"] == "checkout: Django 5, deployed by Argo CD"
    assert not (service / "ran-pods").exists()  # pre-filling never runs a gather command
