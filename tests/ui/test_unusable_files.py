"""A home that cannot be used, or a session that cannot be locked: the wizard opens read-only."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import notifications, settle, wizard

from tui.core.lock import lock_path
from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.widgets.save_status import SaveStatus

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]


async def test_new_with_an_unusable_home_opens_read_only_with_the_reason(
    make_app: MakeApp, store: SessionStore
) -> None:
    store.home.mkdir()
    os.chmod(store.home, 0o777)  # another user could plant files here
    app = make_app("new")
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        assert screen.query_one(SaveStatus).has_class("-read-only")
        said = " ".join(notifications(app))
        assert "read-only" in said and str(store.home) in said
        assert "writable by group or others" in said
    assert not store.sessions_dir.exists()


@pytest.mark.parametrize("problem", ["directory", "symlink"])
async def test_resume_of_a_session_whose_lock_cannot_be_made_opens_read_only(
    make_app: MakeApp, store: SessionStore, tmp_path: Path, problem: str
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    path = shared / "incident.toml"
    path.write_text('schema_version = 1\ntitle = "theirs"\n')
    outside = tmp_path / "bashrc"
    outside.write_text("keep\n")
    if problem == "directory":
        lock_path(path).mkdir()
    else:
        lock_path(path).symlink_to(outside)
    app = make_app("resume", path)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        assert screen.query_one(SaveStatus).has_class("-read-only")
        assert any("cannot be locked" in n for n in notifications(app))
        await screen.focus_field("affected_systems")
        await pilot.press(*"p99 4s")
        await settle(pilot, 0.4)
    assert path.read_text() == 'schema_version = 1\ntitle = "theirs"\n'
    assert outside.read_text() == "keep\n"
    copies = list(store.sessions_dir.glob("*.toml"))
    assert len(copies) == 1 and "p99 4s" in copies[0].read_text()
