"""Fixtures for the Pilot and snapshot tests of the terminal UI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from incident_demo import NOW

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.screens.wizard import WizardScreen


@pytest.fixture(autouse=True)
def quiet_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No tmux, no SSH, no display, no editor of the developer's leak into a test."""
    for name in (
        "TMUX",
        "SSH_CONNECTION",
        "SSH_CLIENT",
        "SSH_TTY",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "EDITOR",
        "VISUAL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fast_timers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorter debounce delays, so tests wait less (the logic is the same)."""
    monkeypatch.setattr(WizardScreen, "PREVIEW_DELAY", 0.05)
    monkeypatch.setattr(WizardScreen, "AUTOSAVE_DELAY", 0.15)


@pytest.fixture
def make_app(store: SessionStore) -> Callable[..., IncidentApp]:
    def make(start: str = "new", path: Path | None = None, title: str = "") -> IncidentApp:
        return IncidentApp(
            store, start=start, path=path, title=title, clock=lambda: NOW, blink=False
        )

    return make
