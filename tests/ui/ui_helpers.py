"""Helpers for the UI tests: wait for the app to settle, find the wizard, read notifications."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tui.ui.app import IncidentApp
from tui.ui.screens.wizard import WizardScreen
from tui.ui.textual_compat import notification_messages


async def settle(pilot: Pilot[Any], delay: float = 0.0) -> None:
    """Let timers fire and every worker finish, then let their UI callbacks run."""
    if delay:
        await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def wizard(app: IncidentApp) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen), f"expected the wizard, got {screen!r}"
    return screen


def notifications(app: IncidentApp) -> list[str]:
    return notification_messages(app)
