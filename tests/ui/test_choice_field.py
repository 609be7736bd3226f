"""The severity field's chooser: one widget until opened, and it answers like a Select."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList
from ui_helpers import settle, wizard

from tui.ui.app import IncidentApp
from tui.ui.screens.wizard import WizardScreen
from tui.ui.widgets.choice_field import ChoiceField

MakeApp = Callable[..., IncidentApp]


async def focus_chooser(app: IncidentApp, pilot: Pilot[Any]) -> tuple[WizardScreen, ChoiceField]:
    """The new incident's wizard settled, with the focus on the severity's chooser."""
    await settle(pilot)
    screen = wizard(app)
    choice = screen.query_one("#input-severity", ChoiceField)
    choice.focus()
    return screen, choice


async def test_the_closed_chooser_is_one_widget(make_app: MakeApp) -> None:
    """Every widget of the first step is styled, laid out and drawn with the first frame."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        editor = wizard(app).editor("severity")
        assert editor is not None
        assert list(editor.input_widget.walk_children()) == []
        # The field's head and the chooser, side by side in the form: no box around them.
        assert list(editor.children) == []
        assert editor.input_widget.parent is editor.parent


async def test_escape_closes_the_list_and_keeps_the_value(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen, choice = await focus_chooser(app, pilot)
        await pilot.press("down")  # opens, as enter, space and up do
        assert choice.is_open
        assert isinstance(app.focused, OptionList)
        await pilot.press("down", "escape")
        await pilot.pause()
        assert not choice.is_open
        assert app.focused is choice
        assert not screen.query(".choice-list")
        assert choice.value == "unknown"
        assert screen.session.severity == "unknown"


async def test_the_list_opens_on_the_current_value_and_enter_chooses(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen, choice = await focus_chooser(app, pilot)
        await pilot.press("space")
        await pilot.press("up", "enter")  # from 'unknown', the last: SEV4
        await pilot.pause()
        assert screen.session.severity == "SEV4"
        assert str(choice.render()).split()[0] == "SEV4"
        await pilot.press("enter")
        listed = screen.query_one(".choice-list", OptionList)
        assert listed.highlighted == choice.choices.index("SEV4")


async def test_leaving_the_open_list_closes_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen, choice = await focus_chooser(app, pilot)
        await pilot.press("enter")
        assert choice.is_open
        await pilot.press("tab")
        await pilot.pause()
        assert not choice.is_open
        assert not screen.query(".choice-list")
        assert app.focused is not None and app.focused.id == "input-started_at"


async def test_a_click_opens_the_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.click("#input-severity")
        await pilot.pause()
        choice = wizard(app).query_one("#input-severity", ChoiceField)
        assert choice.is_open
        assert isinstance(app.focused, OptionList)
