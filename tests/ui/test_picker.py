"""Pilot tests of the start: the picker of saved incidents, and what bare `incident-tui` opens."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from incident_demo import add_picker_sessions
from textual.widgets import OptionList
from ui_helpers import settle, wizard

from tui.core.session import BrokenSession, SessionStore, SessionSummary
from tui.ui.app import IncidentApp
from tui.ui.screens.dialogs import ConfirmDialog
from tui.ui.screens.picker import PickerScreen
from tui.ui.screens.wizard import WizardScreen

MakeApp = Callable[..., IncidentApp]


def rows(app: IncidentApp) -> list[str]:
    options = app.screen.query_one("#sessions", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_no_saved_incident_opens_a_new_one(make_app: MakeApp) -> None:
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)


async def test_picker_lists_newest_first_with_severity_age_and_unknowns(
    make_app: MakeApp, store: SessionStore
) -> None:
    add_picker_sessions(store)
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        listed = rows(app)
        assert listed[0] == "+ New incident"
        assert "Checkout returns 500" in listed[1] and "SEV1" in listed[1]
        unknowns = len(store.load(store.path_for("20261129-1412-checkout-returns-500")).unknowns())
        assert "3m ago" in listed[1] and f"{unknowns} unknown" in listed[1]
        assert "Login emails arrive 20 minutes late" in listed[2]  # no title: the summary
        assert "Search p99" in listed[3] and "1d ago" in listed[3] and "SEV3" in listed[3]


async def test_enter_opens_the_highlighted_incident(make_app: MakeApp, store: SessionStore) -> None:
    add_picker_sessions(store)
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        # The newest incident is highlighted to start with: Enter resumes it.
        assert app.screen.query_one("#sessions", OptionList).highlighted == 1
        await pilot.press("down", "enter")
        await settle(pilot)
        assert wizard(app).session.id == "20261129-1101-incident"
        # ...and "Open another incident" goes back to the list.
        await app.screen.run_action("open_picker")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_n_starts_a_new_incident(make_app: MakeApp, store: SessionStore) -> None:
    add_picker_sessions(store)
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert wizard(app).session.get("incident_summary") == ""


async def test_delete_asks_first_and_keep_keeps(make_app: MakeApp, store: SessionStore) -> None:
    add_picker_sessions(store)
    path = store.path_for("20261129-1412-checkout-returns-500")
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # the focused answer is the safe one: Keep
        await pilot.pause()
        assert path.exists()

        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert not path.exists()
        assert not any("Checkout" in row for row in rows(app))
        assert len(rows(app)) == 3


async def test_a_broken_file_is_reported_not_hidden(make_app: MakeApp, store: SessionStore) -> None:
    add_picker_sessions(store)
    (store.sessions_dir / "broken.toml").write_text("title = [unclosed\n")
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#picker-broken").render())
        assert "broken.toml" in text and "not valid TOML" in text
        assert len(rows(app)) == 4


async def test_markup_in_a_title_is_shown_literally(make_app: MakeApp, store: SessionStore) -> None:
    session = store.create("[@click=app.quit]boom [bold")
    session.set("incident_summary", "x")
    store.save(session)
    evil = store.create("\x1b]2;pwned\x07 title")
    evil.set("incident_summary", "y")
    store.save(evil)
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        listed = rows(app)
        assert any("[@click=app.quit]boom [bold" in row for row in listed)
        assert all("\x1b" not in row for row in listed)
        await pilot.click("#sessions", offset=(40, 1))
        await pilot.pause()
        assert app.is_running


async def test_keys_answer_while_the_saved_incidents_are_read(
    make_app: MakeApp, store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hundreds of incidents with big logs take seconds to read: the picker says so, and "n"
    # starts a new incident without waiting for them.
    add_picker_sessions(store)
    reading = threading.Event()
    release = threading.Event()
    real_list = SessionStore.list

    def slow_list(self: SessionStore) -> tuple[list[SessionSummary], list[BrokenSession]]:
        reading.set()
        release.wait(10)
        return real_list(self)

    monkeypatch.setattr(SessionStore, "list", slow_list)
    app = make_app("picker")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert reading.wait(5)
        assert rows(app) == ["Reading the saved incidents…"]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)


async def test_one_bad_file_never_stops_the_picker_from_showing_the_good_ones(
    make_app: MakeApp, store: SessionStore
) -> None:
    add_picker_sessions(store)
    sessions = store.sessions_dir
    # Nested deeper than the TOML parser can follow, and a symlink loop.
    (sessions / "20261129-0900-deep.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000)
    (sessions / "20261129-0901-loop.toml").symlink_to(sessions / "20261129-0901-loop.toml")
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        listed = rows(app)
        assert any("Checkout returns 500" in row for row in listed)
        assert len(listed) == 4  # "+ New incident" and the three good incidents
        broken = str(app.screen.query_one("#picker-broken").render())
        assert "20261129-0900-deep.toml" in broken and "20261129-0901-loop.toml" in broken


async def test_the_picker_survives_a_listing_that_raises(
    make_app: MakeApp, store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_picker_sessions(store)

    def listing_fails() -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(store, "list", listing_fails)
    app = make_app("picker")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert len(rows(app)) == 4
