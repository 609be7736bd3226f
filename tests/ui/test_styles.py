"""The styles split in two (tui.ui.styles): app.tcss for the first screen, later.tcss for the rest.

What a person sees must not depend on when later.tcss was added: none of its rules may name a
widget of a first screen (it would be drawn unstyled, then restyled), and every widget it styles
must have it by the time that widget is styled, however soon it is opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from incident_demo import add_picker_sessions
from textual.app import App, ComposeResult
from textual.css.stylesheet import Stylesheet
from textual.widgets import Static

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.screens.dialogs import ConfirmDialog
from tui.ui.screens.wizard import WizardScreen
from tui.ui.styles import LATER_STYLES


def later_selectors() -> list[str]:
    stylesheet = Stylesheet(variables=App[None]().get_css_variables())
    stylesheet.add_source(LATER_STYLES.read_text(encoding="utf-8"), read_from=("later", ""))
    stylesheet.parse()
    selectors = [s.strip() for rule in stylesheet.rules for s in rule.selectors.split(",")]
    assert len(selectors) > 40  # the file was read and parsed
    return selectors


def test_app_css_and_later_css_name_different_widgets() -> None:
    # A rule for a dialog put back into app.tcss would be parsed before every first frame.
    app_css = (Path(LATER_STYLES).parent / "app.tcss").read_text(encoding="utf-8")
    for selector in later_selectors():
        # The ids and classes that name widgets (not the state classes, "-narrow").
        names = [n for n in re.findall(r"[#.][\w-]+", selector) if not n.startswith(".-")]
        assert names, selector
        assert not all(n in app_css for n in names), f"{selector!r} is styled in both files"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_no_later_rule_names_a_widget_of_the_first_screens(
    make_app: Callable[..., IncidentApp], store: SessionStore, size: tuple[int, int]
) -> None:
    app = make_app("new")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        for selector in later_selectors():
            assert not app.screen.query(selector), selector
    # The picker, first when incidents exist.
    add_picker_sessions(store)
    picker_app = make_app("picker")
    async with picker_app.run_test(size=size) as pilot:
        await pilot.pause()
        assert type(picker_app.screen).__name__ == "PickerScreen"
        for selector in later_selectors():
            assert not picker_app.screen.query(selector), selector


async def test_later_styles_are_added_once_the_first_screen_is_drawn(
    make_app: Callable[..., IncidentApp],
) -> None:
    app = make_app("new")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.stylesheet.has_source(str(LATER_STYLES))
        await pilot.press("f1")
        await pilot.pause()
        help_box = app.screen.query_one(".help")
        assert help_box.styles.width is not None and help_box.styles.width.value == 80
        assert help_box.styles.border_top[0] == "thick"


async def test_a_step_visited_at_once_is_styled(make_app: Callable[..., IncidentApp]) -> None:
    app = make_app("new")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        # As if visited before the first screen was drawn.
        if app.stylesheet.source.pop((str(LATER_STYLES), ""), None) is not None:
            app.stylesheet.parse()
        await screen.go_to_step("review")
        await pilot.pause()
        review = screen.query_one(".review")
        assert tuple(review.styles.padding) == (0, 1, 0, 1)


class BareDialogHost(App[None]):
    """An app without incident-tui's stylesheet: only the dialog can bring its styles."""

    def compose(self) -> ComposeResult:
        yield Static("host")


async def test_a_dialog_brings_its_styles_however_soon_it_opens() -> None:
    app = BareDialogHost()
    async with app.run_test(size=(100, 30)) as pilot:
        assert not app.stylesheet.has_source(str(LATER_STYLES))
        app.push_screen(ConfirmDialog("Delete?", "Really?"))
        await pilot.pause()
        box = app.screen.query_one(".dialog")
        assert box.styles.border_top[0] == "thick"
        assert box.styles.width is not None and box.styles.width.value == 72
