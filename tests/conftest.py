"""Fixtures shared by the whole suite: a private incident-tui home and the installed command."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from tui.core.session import SessionStore

# The suite's worker processes (pytest -n) are started with COLUMNS=80 and LINES=24. The
# programs under test must size themselves from their terminal or pipe, as they do for a user.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)
# Started in the background (`cmd &`, nohup), the suite inherits SIGINT ignored, as a shell sets
# it for background jobs, and so does every program it starts. The Ctrl+C tests need what a user
# at a terminal has: SIGINT raises KeyboardInterrupt here, and is the default in programs run.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty INCIDENT_TUI_HOME, so no test reads or writes the user's real incidents."""
    path = tmp_path / "home"
    monkeypatch.setenv("INCIDENT_TUI_HOME", str(path))
    return path


@pytest.fixture
def store(home: Path) -> SessionStore:
    return SessionStore(home)


@pytest.fixture(scope="session")
def installed_command() -> str:
    """The `incident-tui` console script of the environment running the tests."""
    beside_python = Path(sys.executable).parent / "incident-tui"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("incident-tui")
    if found is None:
        pytest.fail("incident-tui is not installed: run the test command from README.md")
    return found


@pytest.fixture
def cli_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["INCIDENT_TUI_HOME"] = str(home)
    env.pop("PYTHONPATH", None)  # the installed package, not the checkout, must answer
    return env
