"""The export and load dialogs at 80×24: a private default for exports, the full path shown,
the user's own path kept, and Tab completing paths as a shell does."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from incident_demo import checkout_session
from textual.widgets import Input, Static
from ui_helpers import settle, wizard

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.screens.dialogs import PathDialog, complete_path

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]


def shown(app: IncidentApp, widget_id: str) -> str:
    return str(app.screen.query_one(widget_id, Static).render())


async def test_export_proposes_a_private_directory_under_the_home_and_keeps_a_typed_path(
    make_app: MakeApp,
    store: SessionStore,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = checkout_session(store)
    monkeypatch.chdir(tmp_path)  # where the user happens to be, e.g. a git checkout
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        exports = home / "exports"
        proposed = exports / f"{session.id}.prompt.md"
        assert app.screen.query_one("#path", Input).value == str(proposed)
        assert exports.is_dir() and exports.stat().st_mode & 0o777 == 0o700
        # The full path is on screen even where the field is too narrow to show it.
        full = app.screen.query_one("#path-full", Static)
        assert str(proposed) in "".join(str(full.render()).split("\n"))
        assert full.region.height > 0 and app.screen.region.contains_region(full.region)
        await pilot.press("enter")
        await settle(pilot)
        assert proposed.read_text(encoding="utf-8").startswith("You are an expert")
        assert not list(tmp_path.glob("*.prompt.md"))

        mine = tmp_path / "mine.md"
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(mine)
        await pilot.press("enter")
        await settle(pilot)
        assert mine.exists()
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value == str(mine)
        await pilot.press("escape")


def test_complete_path_extends_to_the_common_prefix_and_lists_candidates(tmp_path: Path) -> None:
    (tmp_path / "app-2026.log").write_text("x")
    (tmp_path / "app-2025.log").write_text("x")
    (tmp_path / "archive").mkdir()
    (tmp_path / ".hidden").write_text("x")
    base = str(tmp_path) + os.sep
    assert complete_path(base + "ap") == (base + "app-202", ["app-2025.log", "app-2026.log"])
    assert complete_path(base + "app-2026") == (base + "app-2026.log", [])
    assert complete_path(base + "arc") == (base + "archive" + os.sep, [])
    assert complete_path(base + "zzz") == (base + "zzz", [])
    assert complete_path(base + ".h") == (base + ".hidden", [])
    assert complete_path(base + "a")[1] == ["app-2025.log", "app-2026.log", "archive/"]


async def test_tab_completes_in_the_load_dialog_at_80x24(make_app: MakeApp, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "checkout-api.log").write_text("ERROR first\n")
    (logs / "checkout-web.log").write_text("ERROR second\n")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "ctrl+f")
        await pilot.pause()
        path = app.screen.query_one("#path", Input)
        path.value = str(tmp_path / "lo")
        await pilot.press("tab")
        assert path.value == str(logs) + os.sep
        assert app.focused is path
        await pilot.press("tab")
        assert path.value == str(logs / "checkout-")
        listing = app.screen.query_one("#path-candidates", Static)
        assert "checkout-api.log" in shown(app, "#path-candidates")
        assert "checkout-web.log" in shown(app, "#path-candidates")
        assert app.screen.region.contains_region(listing.region)
        await pilot.press("w", "tab")
        assert path.value == str(logs / "checkout-web.log")
        await pilot.press("enter")
        await settle(pilot)
        assert wizard(app).session.get("error_logs") == "ERROR second\n"


async def test_export_says_so_when_the_exports_folder_is_not_private(
    make_app: MakeApp, store: SessionStore, home: Path, tmp_path: Path
) -> None:
    session = checkout_session(store)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (home / "exports").symlink_to(elsewhere)
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        notes = " ".join(str(n.render()) for n in app.screen.query(".dialog-note"))
        assert "is a symlink" in notes
        await pilot.press("escape")
