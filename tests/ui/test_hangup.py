"""A hang-up (SIGHUP/SIGTERM) or a quit right after a keystroke keeps the edit already on screen."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, TextArea
from ui_helpers import settle, wizard

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp

MakeApp = Callable[..., IncidentApp]


async def test_an_edit_whose_news_has_not_reached_the_wizard_is_saved_on_hangup(
    make_app: MakeApp, store: SessionStore
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        screen.AUTOSAVE_DELAY = 60
        await screen.focus_field("incident_summary")
        await pilot.press(*"ssh")
        await settle(pilot)
        title = screen.editor("title")
        summary = screen.editor("incident_summary")
        assert title is not None and summary is not None
        # The keys have changed the fields (on screen); their Changed messages wait in the
        # queues, as when the hang-up arrives within milliseconds of the keystroke.
        area, line = summary.input_widget, title.input_widget
        assert isinstance(area, TextArea) and isinstance(line, Input)
        area.insert(" dropped")
        line.value = "Checkout 500s"
        app.on_hangup()
        path = screen.session.path  # named at the first save, from the title
    assert app.return_code == 1
    assert path is not None
    saved = store.load(path)
    assert saved.get("incident_summary") == "ssh dropped"
    assert saved.get("title") == "Checkout 500s"


async def test_an_edit_not_yet_applied_is_saved_on_quit(
    make_app: MakeApp, store: SessionStore
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        screen.AUTOSAVE_DELAY = 60
        await screen.focus_field("incident_summary")
        editor = screen.editor("incident_summary")
        assert editor is not None
        area = editor.input_widget
        assert isinstance(area, TextArea)
        area.insert("typed then ctrl+q")
        await app.action_quit()
        path = screen.session.path  # named at the first save, from the summary
    assert app.return_code == 0
    assert path is not None and store.load(path).get("incident_summary") == "typed then ctrl+q"


async def test_control_characters_shown_as_symbols_are_not_an_edit(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = store.create("title")
    session.set("incident_summary", "bell \x07 and an escape \x1b[31m red")
    store.save(session)
    assert session.path is not None
    app = make_app("resume", path=session.path)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.on_hangup()
    saved = store.load(session.path)
    # The field shows ␇ and ␛: saving what it shows would rewrite the file.
    assert saved.get("incident_summary") == "bell \x07 and an escape \x1b[31m red"
