"""Snapshot tests: each step of the wizard, and the picker, at 80×24 and 120×40.

The data, timestamps and clock are fixed (tests/ui/incident_demo.py), the cursor does not blink,
and each screenshot is taken once the preview has rendered. Update after a deliberate change with
`pytest tests/ui/test_snapshots.py --snapshot-update`, then look at the SVGs in __snapshots__.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from incident_demo import NOW, add_picker_sessions, checkout_session, story_session
from textual.pilot import Pilot
from ui_helpers import settle, wizard

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
STEP_KEYS = ["context", "timeline", "evidence", "changes", "recovery", "review"]

SnapCompare = Callable[..., bool]


def resume_app(store: SessionStore) -> IncidentApp:
    session = checkout_session(store)
    return IncidentApp(store, start="resume", path=session.path, clock=lambda: NOW, blink=False)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("step", STEP_KEYS)
def test_wizard_step(
    snap_compare: SnapCompare, store: SessionStore, step: str, size: tuple[int, int]
) -> None:
    app = resume_app(store)

    async def go(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wizard(app).go_to_step(step)
        await settle(pilot)
        # A step's first layout may show a scrollbar for a frame; its text areas re-wrap after
        # the next one, so give them that frame.
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=go)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("step", ["timeline", "changes"])
def test_story_step(
    snap_compare: SnapCompare, store: SessionStore, step: str, size: tuple[int, int]
) -> None:
    """The steps with the story's lists, filled in: timeline entries, change items, hypotheses."""
    session = story_session(store)
    app = IncidentApp(store, start="resume", path=session.path, clock=lambda: NOW, blink=False)

    async def go(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wizard(app).go_to_step(step)
        await settle(pilot)
        if step == "changes":
            # The change items, under the free-text field they stand beside.
            items = wizard(app).item_list("changes")
            assert items is not None
            items.rows[0].focus_key()
            await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=go)


@pytest.mark.parametrize("size", SIZES)
def test_picker(snap_compare: SnapCompare, store: SessionStore, size: tuple[int, int]) -> None:
    add_picker_sessions(store)
    app = IncidentApp(store, start="picker", clock=lambda: NOW, blink=False)
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_huge_log_is_shown_read_only(snap_compare: SnapCompare, store: SessionStore) -> None:
    session = checkout_session(store)
    session.set("error_logs", "".join(f"{i:07d} ERROR upstream timed out\n" for i in range(20_000)))
    store.save(session, touch=False)
    app = IncidentApp(store, start="resume", path=session.path, clock=lambda: NOW, blink=False)

    async def go(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wizard(app).go_to_step("evidence")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=go)
