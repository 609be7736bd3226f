"""A field's styles are kept between keys and follow every restyle: focus, a class on an
ancestor, the theme."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button, Input
from ui_helpers import settle

from tui.ui.app import IncidentApp
from tui.ui.textual_compat import FixedBoxInput

MakeApp = Callable[..., IncidentApp]


async def test_a_key_typed_works_out_no_style_again(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each key repainted the field, which emptied its styles, and drawing its line worked out
    its own style and its cursor's again across all its ancestors."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")  # the first key: the field is no longer unknown (restyled)
        await settle(pilot)
        editor = app.query_one("#input-title", Input)
        worked_out: list[object] = []
        component = Widget.get_component_styles
        whole = DOMNode.rich_style.fget

        def spy_component(self: Widget, *names: str) -> Any:
            if self is editor:
                worked_out.append(names)
            return component(self, *names)

        def spy_whole(self: DOMNode) -> Any:
            if self is editor:
                worked_out.append("rich_style")
            return whole(self)  # type: ignore[misc]

        monkeypatch.setattr(Widget, "get_component_styles", spy_component)
        monkeypatch.setattr(DOMNode, "rich_style", property(spy_whole))
        await pilot.press(*"bcdef")
        await settle(pilot)
        monkeypatch.undo()
        assert editor.value == "abcdef"
        assert worked_out == []


class _OneField(App[None]):
    """A field in a box that can be given a class, and a button to take the focus."""

    CSS = """
    Vertical { height: 3; }
    Vertical.alert Input { background: $error; color: $text-error; }
    Input { border: none; height: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield FixedBoxInput(id="field")
        yield Button("elsewhere")


async def test_kept_styles_follow_focus_a_class_and_the_theme() -> None:
    app = _OneField()
    async with app.run_test(size=(40, 8)) as pilot:
        field = app.query_one(FixedBoxInput)
        field.cursor_blink = False

        def drawn() -> list[tuple[str, object]]:
            return [(segment.text, segment.style) for segment in field.render_line(0)]

        def as_if_new() -> list[tuple[str, object]]:
            field._kept_styles.clear()
            return drawn()

        seen = []
        field.focus()
        await pilot.press(*"abc")
        seen.append(drawn())
        assert seen[-1] == as_if_new()
        steps: list[Callable[[], object]] = [
            app.query_one(Button).focus,
            lambda: app.query_one(Vertical).add_class("alert"),
            lambda: setattr(app, "theme", "nord" if app.theme != "nord" else "gruvbox"),
            field.focus,
            lambda: app.query_one(Vertical).remove_class("alert"),
        ]
        for step in steps:
            step()
            await pilot.pause()
            seen.append(drawn())
            assert seen[-1] == as_if_new()
        # Each step changed how the field looks.
        assert all(before != after for before, after in pairwise(seen))
