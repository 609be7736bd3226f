"""What a key typed into a field costs the screen: the echo, and nothing across the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widgets import Input, TextArea
from ui_helpers import settle, wizard

from tui.ui.app import IncidentApp
from tui.ui.widgets.title_bar import TYPING_DELAY, IncidentTitle

MakeApp = Callable[..., IncidentApp]


async def test_the_title_bar_follows_typing_without_a_frame_per_key(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each key typed into Title redrew the top bar too: a second frame per key, across every
    widget under that row. The bar now shows the typed title within TYPING_DELAY."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        updates: list[object] = []
        update = IncidentTitle.update

        def spy(self: IncidentTitle, *args: Any, **kwargs: Any) -> None:
            updates.append(args)
            update(self, *args, **kwargs)

        monkeypatch.setattr(IncidentTitle, "update", spy)
        for char in "Checkout":  # a quick typist: all eight keys before the bar's delay
            app.post_message(events.Key(char, char))
        await pilot.pause()
        assert app.query_one("#input-title", Input).value == "Checkout"
        await settle(pilot, TYPING_DELAY + 0.1)
        assert "Checkout" in str(app.query_one(IncidentTitle).render())
        assert len(updates) <= 2


async def test_a_key_typed_in_a_multi_line_field_moves_no_message_past_it(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TextArea tells its parents of every cursor move (SelectionChanged), and it bubbled through
    each container up to the app, none of which follows a field's cursor (nor the prompt view's,
    which moves when the prompt is updated): seven messages more to handle before each key typed
    was echoed."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await wizard(app).focus_field("incident_summary")
        await settle(pilot)
        received: list[str] = []
        post_message = MessagePump.post_message

        def spy(self: MessagePump, message: Message) -> bool:
            received.append(f"{type(self).__name__} {type(message).__qualname__}")
            return post_message(self, message)

        monkeypatch.setattr(MessagePump, "post_message", spy)
        await pilot.press(*"pods restart")
        await settle(pilot, 0.3)  # the prompt shows the new text too: its view moves its cursor
        monkeypatch.undo()
        assert app.query_one("#input-incident_summary", TextArea).text.endswith("pods restart")
        assert any("SelectionChanged" in seen for seen in received)
        assert [
            seen for seen in received if "SelectionChanged" in seen and "TextArea " not in seen
        ] == []


async def test_the_title_bar_waits_for_a_pause_in_typing(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While keys kept coming, the bar was redrawn every TYPING_DELAY, and the frame it took held
    back the echo of the key typed just after it (the screen draws one frame each 1/60 s at
    most). It now waits until typing pauses."""
    delay = 1.0
    monkeypatch.setattr("tui.ui.widgets.title_bar.TYPING_DELAY", delay)
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.query_one(IncidentTitle)
        before = str(bar.render())
        for char in "Checkout api":  # a key every 0.1 s for 1.2 s, longer than the delay
            app.post_message(events.Key(char, char))
            await pilot.pause(0.1)
        assert str(bar.render()) == before
        await settle(pilot, delay + 0.1)
        assert "Checkout api" in str(bar.render())


async def test_a_key_typed_is_painted_by_the_editor_alone(make_app: MakeApp) -> None:
    """The form (its padding and scrollbar's gutter) and the field's box were painted again on
    the row of each key typed, under the editor that covers that row: widgets drawn for
    nothing before every echo."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        editor = app.query_one("#input-title", Input)
        painted: list[object] = []
        compositor = app.screen._compositor
        renders = compositor._get_renders

        def spy(crop: Any = None) -> Any:
            for found in renders(crop):
                painted.append(_widget_at(app, found[0]))
                yield found

        compositor._get_renders = spy  # type: ignore[method-assign]
        await pilot.press("x")
        await settle(pilot)
        assert editor.value == "x"
        assert editor in painted
        around = [type(w).__name__ for w in painted if w in editor.ancestors_with_self[1:]]
        assert around == []


def _widget_at(app: IncidentApp, region: Any) -> object:
    return next(w for w, (r, _) in app.screen._compositor.visible_widgets.items() if r == region)
