"""A field's choice among a few fixed values (severity): one widget until it is opened.

It looks and answers like Textual's Select (the value, an arrow; enter, space, up or down opens
the list; enter chooses, escape closes), but it is a single widget where a Select is six, each
styled, laid out and drawn with the first frame. The list is mounted only while it is open.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList


class ChoiceList(OptionList):
    """The open list of a ChoiceField; it goes when a choice is made, on escape or on blur."""

    BINDINGS = [Binding("escape", "dismiss", "Close the list", show=False)]  # noqa: RUF012

    def __init__(self, field: ChoiceField) -> None:
        super().__init__(*field.choices, classes="choice-list")
        self.field = field

    def action_dismiss(self) -> None:
        self.field.close(focus=True)

    def on_blur(self, event: events.Blur) -> None:
        self.field.close(focus=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.field.choose(event.option_index)


class ChoiceField(Widget, can_focus=True):
    BINDINGS = [Binding("enter,space,down,up", "open", "Open the list", show=False)]  # noqa: RUF012

    class Changed(Message):
        """The value changed (chosen from the list, or set)."""

        def __init__(self, choice_field: ChoiceField, value: str) -> None:
            super().__init__()
            self.choice_field = choice_field
            self.value = value

        @property
        def control(self) -> ChoiceField:
            return self.choice_field

    def __init__(self, choices: tuple[str, ...], value: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="choice-field")
        self.choices = choices
        self._value = value
        self._list: ChoiceList | None = None

    @property
    def value(self) -> str:
        return self._value

    @value.setter
    def value(self, value: str) -> None:
        if value != self._value:
            self._value = value
            self.refresh()
            self.post_message(self.Changed(self, value))

    @property
    def is_open(self) -> bool:
        return self._list is not None

    def render(self) -> Content:
        width = max(self.content_region.width, len(self._value) + 2)
        return Content.assemble(self._value.ljust(width - 1), ("▼", "$foreground 50%"))

    async def action_open(self) -> None:
        parent = self.parent
        if self._list is not None or not isinstance(parent, Widget):
            return
        self._list = ChoiceList(self)
        if self._value in self.choices:
            self._list.highlighted = self.choices.index(self._value)
        self.add_class("-open")
        await parent.mount(self._list, after=self)
        self._list.focus()

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        if self._list is None:
            self.focus()
            await self.action_open()
        else:
            self.close(focus=True)

    def close(self, *, focus: bool) -> None:
        """Close the list, if open; `focus` gives the focus back to the field."""
        shown, self._list = self._list, None
        if shown is None:
            return
        self.remove_class("-open")
        if focus:
            self.focus()
        shown.remove()

    def choose(self, index: int) -> None:
        self.close(focus=True)
        self.value = self.choices[index]
