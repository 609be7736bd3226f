"""Pilot tests of the field editors: what is shown never rewrites what is stored, clear can be
undone, long titles and log lines stay readable at 80×24."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input
from ui_helpers import settle, wizard

from tui.core.schema import FIELDS
from tui.core.session import SessionStore
from tui.ui.app import IncidentApp

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]


def hand_made_session(store: SessionStore, title: str, started_at: str, severity: str) -> Path:
    store.ensure_dirs()
    path = store.sessions_dir / "20261129-1412-controls.toml"
    # JSON escapes are valid TOML basic-string escapes: the file holds \u001b and \u0000.
    summary = "summary with a bell \u0007 in it"
    path.write_text(
        "schema_version = 1\n"
        f"title = {json.dumps(title)}\n"
        f"severity = {json.dumps(severity)}\n"
        f"started_at = {json.dumps(started_at)}\n"
        "[fields]\n"
        f"incident_summary = {json.dumps(summary)}\n",
        encoding="utf-8",
    )
    return path


async def test_opening_and_walking_every_step_leaves_the_file_byte_identical(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = hand_made_session(store, "db\x1b[31m down\x00 now", "14:07\x1b UTC\x00", severity="SEV1")
    before = path.read_bytes()
    app = make_app("resume", path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        # Shown as harmless symbols...
        assert "␛" in screen.query_one("#input-title", Input).value
        # ...but the session keeps exactly what the file holds.
        assert screen.session.title == "db\x1b[31m down\x00 now"
        for _ in range(len(FIELDS)):
            await pilot.press("tab")
        for _ in range(5):
            await pilot.press("ctrl+n")
            await settle(pilot)
            for _ in range(4):
                await pilot.press("tab")
        await settle(pilot, 0.4)
        assert not screen.dirty
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert path.read_bytes() == before
