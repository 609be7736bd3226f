"""Snapshot tests of the loop's screens at 80×24 and 120×40: the Checklist step (with every
state, a time and a note; and empty, saying how to get an answer) and the template chooser.
Update with `--snapshot-update`, then look."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from incident_demo import NOW, checkout_session
from textual.pilot import Pilot
from ui_helpers import settle, wizard

from tui.core.answers import add_answer
from tui.core.checklist import set_state
from tui.core.session import Session, SessionStore
from tui.ui.app import IncidentApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]

DEMO_ANSWER = """## Investigation Checklist
- Compare the 5xx rate of checkout-api before and after the 14:05 deploy
- Confirm the currency cache is empty on every pod (redis-cli GET currency:EUR)
- Check whether the currency backfill migration has finished

## Safe Hotfix Plan
- Warm the currency cache from the database before sending traffic
- Avoid: restarting pods again (it empties the cache once more)

## Rollback Plan
- Roll back checkout to 4.2.0 with the deploy pipeline

## Verification Steps
- [ ] Run the checkout smoke tests against production
"""


def demo_with_checklist(store: SessionStore) -> Session:
    """The demo incident with one answer stored and its checklist half worked through."""
    session = checkout_session(store)
    work_through_checklist(session)
    store.save(session, touch=False)
    return session


def work_through_checklist(session: Session) -> None:
    """Store the demo answer; tick its items: two done, one failed, one skipped, three to do."""
    add_answer(session, DEMO_ANSWER, "incident-response", at="2026-11-29 14:24")
    items = session.items("checklist")
    set_state(items[0], "done", "2026-11-29 14:26")
    items[0]["note"] = "31% 5xx since 14:07, 0% before"
    set_state(items[1], "done", "2026-11-29 14:27")
    set_state(items[3], "failed", "2026-11-29 14:29")
    items[3]["note"] = "the cache empties again on restart"
    set_state(items[4], "skipped", "2026-11-29 14:29")


def checklist_app(store: SessionStore) -> IncidentApp:
    session = demo_with_checklist(store)
    return IncidentApp(store, start="resume", path=session.path, clock=lambda: NOW, blink=False)


async def go_to_checklist(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("f10")  # step 6, the Checklist
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_checklist(snap_compare: SnapCompare, store: SessionStore, size: tuple[int, int]) -> None:
    assert snap_compare(checklist_app(store), terminal_size=size, run_before=go_to_checklist)


@pytest.mark.parametrize("size", SIZES)
def test_checklist_empty(
    snap_compare: SnapCompare, store: SessionStore, size: tuple[int, int]
) -> None:
    session = checkout_session(store)
    app = IncidentApp(store, start="resume", path=session.path, clock=lambda: NOW, blink=False)
    assert snap_compare(app, terminal_size=size, run_before=go_to_checklist)


def test_template_chooser(snap_compare: SnapCompare, store: SessionStore) -> None:
    async def go(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wizard(pilot.app).run_action("choose_template")  # type: ignore[arg-type]
        await settle(pilot, 0.3)

    assert snap_compare(checklist_app(store), terminal_size=(120, 40), run_before=go)
