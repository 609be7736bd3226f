"""Two instances, or another editor, on one incident: warned, and nothing is clobbered."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import notifications, settle, wizard

from tui.core.lock import SessionLock
from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.widgets.save_status import SaveStatus

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]


def saved_incident(store: SessionStore) -> Path:
    session = store.create("payments down")
    session.set("incident_summary", "card payments fail")
    return store.save(session)


async def test_a_second_instance_opens_read_only_and_saves_edits_as_a_copy(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_incident(store)
    before = path.read_bytes()
    first_instance = SessionLock(path)
    assert first_instance.acquire()
    try:
        app = make_app("resume", path)
        async with app.run_test() as pilot:
            await settle(pilot)
            screen = wizard(app)
            assert screen.query_one(SaveStatus).has_class("-read-only")
            assert any("open read-only" in n for n in notifications(app))
            await screen.focus_field("affected_systems")
            await pilot.press(*"p99 4s")
            await settle(pilot, 0.4)
            assert path.read_bytes() == before
            assert screen.session.path != path
            assert screen.session.path is not None
            copy = store.load(screen.session.path)
            assert copy.get("affected_systems") == "p99 4s"
            assert copy.get("incident_summary") == "card payments fail"
            assert any("saved as a new incident" in n for n in notifications(app))
            assert screen.query_one(SaveStatus).has_class("-saved")
    finally:
        first_instance.release()


async def test_the_first_instance_holds_the_lock_until_it_leaves(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_incident(store)
    app = make_app("resume", path)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not SessionLock(path).acquire()
        await pilot.press("ctrl+q")
    other = SessionLock(path)
    assert other.acquire()
    other.release()


async def test_a_file_changed_on_disk_is_not_clobbered_by_autosave(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_incident(store)
    app = make_app("resume", path)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        time.sleep(0.01)
        edited_elsewhere = path.read_text(encoding="utf-8").replace(
            "card payments fail", "edited in vim meanwhile"
        )
        path.write_text(edited_elsewhere, encoding="utf-8")
        await screen.focus_field("environment")
        await pilot.press(*"prod eu-west-1")
        await settle(pilot, 0.4)
        assert path.read_text(encoding="utf-8") == edited_elsewhere
        assert screen.session.path is not None and screen.session.path != path
        assert store.load(screen.session.path).get("environment") == "prod eu-west-1"
        assert any("changed on disk" in n for n in notifications(app))
        # Later edits follow the copy and never touch the original again.
        await pilot.press(*" b")
        await settle(pilot, 0.4)
        assert store.load(screen.session.path).get("environment") == "prod eu-west-1 b"
        assert path.read_text(encoding="utf-8") == edited_elsewhere
        assert len(list(store.sessions_dir.glob("*.toml"))) == 2
