"""The garbage collector's settling (what run_tui gives the real program): full collections
walk little while a wizard is open, and a closed wizard is still freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import AsyncIterator, Callable

import pytest
from incident_demo import add_picker_sessions
from ui_helpers import settle, wizard

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.collector import CollectorSettling
from tui.ui.screens.picker import PickerScreen
from tui.ui.screens.wizard import WizardScreen

MakeApp = Callable[..., IncidentApp]


@pytest.fixture
async def collector() -> AsyncIterator[CollectorSettling]:
    settling = CollectorSettling()
    try:
        yield settling
    finally:  # interpreter-wide: leave the next test the collector it had
        settling.stop()
        gc.unfreeze()
        gc.enable()


def walked_by_a_full_pass() -> int:
    """Objects the next full collection walks (the frozen ones it skips)."""
    return len(gc.get_objects())


async def test_full_collections_while_typing_walk_few_objects(
    make_app: MakeApp, collector: CollectorSettling
) -> None:
    app = make_app()
    app.collector = collector
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        assert screen.forms_settled
        for step in ("f6", "f7", "f8", "f9", "f5"):  # each step built on its first visit
            await pilot.press(step)
            await settle(pilot)
        await screen.focus_field("incident_summary")
        for word in ("checkout ", "returns ", "500 ", "since ", "the deploy "):
            await pilot.press(*word)
            await settle(pilot)
            gc.collect()  # a full pass, as the collector makes one now and then
        await pilot.press(*"after the deploy")
        await settle(pilot)
        walked = walked_by_a_full_pass()
    # Without the settling, a full pass walked every widget's cached lines: 40,000-70,000 objects.
    assert walked < 10_000, walked


async def test_a_closed_wizard_is_freed_when_the_next_one_settles(
    make_app: MakeApp, store: SessionStore, collector: CollectorSettling
) -> None:
    add_picker_sessions(store)
    app = make_app("picker")
    app.collector = collector
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        first = weakref.ref(wizard(app))
        app.open_picker()
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen) and app.screen is not first()
        # No collection by the test: the settling of the new wizard collected what was unfrozen.
        assert first() is None
