"""The checklist as a list: one row per item with its state, time, section and note.

Space (or x) cycles the highlighted item's state (todo → done → failed → skipped) and stamps the
time; n asks for a note. The items are the session's own dicts: changed in place, then
`Changed` is posted so the screen can save and re-render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.checklist import next_state, set_state
from tui.core.model import Item
from tui.core.sanitize import visible_controls

#: How each state reads in the list: a mark and a style.
STATE_MARKS = {
    "todo": ("[ ]", ""),
    "done": ("[x]", "$text-success"),
    "failed": ("[!]", "$text-error"),
    "skipped": ("[-]", "$text-muted"),
}


def item_row(item: Item) -> Content:
    state = str(item.get("state", "todo"))
    mark, style = STATE_MARKS.get(state, STATE_MARKS["todo"])
    text = visible_controls(str(item.get("text", "")))
    details = [visible_controls(str(item.get("section", "")))]
    if item.get("at"):
        details.append(f"{state} {visible_controls(str(item['at']))}")
    if item.get("note"):
        details.append("note: " + visible_controls(str(item["note"])))
    return Content.assemble(
        (f"{mark} {state:<7} ", style),
        text,
        "\n",
        ("        " + " · ".join(d for d in details if d), "$text-muted"),
    )


class ChecklistList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,x", "cycle", "Tick", tooltip="Cycle the state: todo, done, failed, skipped"),
        Binding("n", "note", "Note", tooltip="Add or change the item's note"),
    ]

    class Changed(Message):
        """An item's state or note changed."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class NoteRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self, items: list[Item], clock: Callable[[], str], *, id: str | None = None
    ) -> None:
        super().__init__(*(Option(item_row(i)) for i in items), id=id)
        self.items = items
        self._clock = clock

    def refresh_item(self, index: int) -> None:
        self.replace_option_prompt_at_index(index, item_row(self.items[index]))

    def action_cycle(self) -> None:
        index = self.highlighted
        if index is None or not self.items:
            return
        item = self.items[index]
        set_state(item, next_state(str(item.get("state", "todo"))), self._clock())
        self.refresh_item(index)
        self.post_message(self.Changed(index))

    def action_note(self) -> None:
        if self.highlighted is not None and self.items:
            self.post_message(self.NoteRequested(self.highlighted))
