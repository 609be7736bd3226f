"""The checklist as a list, grouped by section: a heading per section with its count done, then
one row per item with its state, its text (wrapped under itself), and the time its state was set
and its note below.

Space (or x) cycles the highlighted item's state (todo → done → failed → skipped → todo) and
stamps the time; n (or Enter) asks for a note. The items are the session's own dicts: changed
in place, then `Changed` is posted so the wizard saves and re-renders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import events, on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.checklist import next_state, set_state
from tui.core.list_schema import checklist_progress
from tui.core.model import Item, Session
from tui.core.sanitize import visible_controls

#: How each state reads in the list: a mark and a style.
STATE_MARKS = {
    "todo": ("[ ]", ""),
    "done": ("[x]", "$text-success"),
    "failed": ("[!]", "$text-error"),
    "skipped": ("[-]", "$text-muted"),
}
#: An item's text starts this far in; its wrapped lines and its details line up under it.
INDENT = 4
#: Room kept on the right for the vertical scrollbar, which may come after the rows are made.
SCROLLBAR = 2


def state_of(item: Item) -> str:
    state = str(item.get("state", "todo"))
    return state if state in STATE_MARKS else "todo"


def counts_text(items: Sequence[Item]) -> str:
    """ "2/7 done · 1 failed · 1 skipped": how far the list is worked through."""
    counts = Counter(state_of(item) for item in items)
    parts = [f"{checklist_progress(items)} done"]
    parts += [f"{counts[s]} {s}" for s in ("failed", "skipped") if counts[s]]
    return " · ".join(parts)


def sections(items: Sequence[Item]) -> dict[str, list[int]]:
    """The items' indexes by section, sections in the order they first appear."""
    grouped: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        grouped.setdefault(str(item.get("section", "")) or "Checklist", []).append(index)
    return grouped


def item_row(item: Item, width: int) -> Content:
    """The mark, the text wrapped to `width` under itself, then "done 2026-11-29 14:26 · note"."""
    state = state_of(item)
    mark, style = STATE_MARKS[state]
    room = max(12, width - INDENT)
    pad = " " * INDENT
    wrapped = Content(visible_controls(str(item.get("text", "")))).wrap(room) or [Content("")]
    lines = [Content.assemble((f"{mark} ", style), wrapped[0])]
    lines += [Content.assemble(pad, line) for line in wrapped[1:]]
    details: list[Content] = []
    if item.get("at") and state != "todo":
        details.append(Content.styled(f"{state} {visible_controls(str(item['at']))}", style))
    if item.get("note"):
        details.append(Content.styled(visible_controls(str(item["note"])), "$text-muted"))
    if details:
        detail = Content.styled(" · ", "$text-muted").join(details)
        lines += [Content.assemble(pad, line) for line in detail.wrap(room)]
    return Content("\n").join(lines)


def heading_row(section: str, items: Sequence[Item]) -> Content:
    """The section and its items done ("2/3 done"): its failed and skipped show in its rows."""
    return Content.assemble(
        (visible_controls(section), "bold $text-accent"),
        (f"  {checklist_progress(items)} done", "$text-muted"),
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
        self, session: Session, clock: Callable[[], str], *, id: str | None = None
    ) -> None:
        super().__init__(id=id, compact=True)
        self._session = session
        self._clock = clock
        #: Per option: the index of its item, or the section of a heading.
        self._rows: list[int | str] = []
        self._width = 60
        self.sync()

    @property
    def items(self) -> list[Item]:
        # The session's list, looked up each time: a merge may have replaced it.
        return self._session.items("checklist")

    def sync(self) -> None:
        """Rows for the items as the session has them now (a new answer's, another writer's),
        keeping the highlighted item."""
        items = self.items
        keep = self.highlighted_item
        if keep is not None and keep >= len(items):
            keep = len(items) - 1
        self._rows, options = [], []
        for section, indexes in sections(items).items():
            self._rows.append(section)
            options.append(Option(self._heading(section), disabled=True))
            for index in indexes:
                self._rows.append(index)
                options.append(Option(item_row(items[index], self._width)))
        self.clear_options()
        self.add_options(options)
        if items:
            self.highlighted = self._rows.index(
                keep if keep is not None and keep < len(items) else 0
            )

    def _heading(self, section: str) -> Content:
        items = self.items
        return heading_row(section, [items[i] for i in sections(items).get(section, ())])

    @property
    def highlighted_item(self) -> int | None:
        """The index in the checklist of the highlighted item."""
        if self.highlighted is None or self.highlighted >= len(self._rows):
            return None
        row = self._rows[self.highlighted]
        return row if isinstance(row, int) else None

    def highlight_item(self, index: int) -> None:
        if index in self._rows:
            self.highlighted = self._rows.index(index)

    def refresh_item(self, index: int) -> None:
        items = self.items
        if index >= len(items) or index not in self._rows:
            return
        self.replace_option_prompt_at_index(
            self._rows.index(index), item_row(items[index], self._width)
        )
        section = str(items[index].get("section", "")) or "Checklist"
        if section in self._rows:
            self.replace_option_prompt_at_index(self._rows.index(section), self._heading(section))

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width - SCROLLBAR
        if width > 0 and width != self._width:
            self._width = width
            for option_index, row in enumerate(self._rows):
                if isinstance(row, int) and row < len(self.items):
                    self.replace_option_prompt_at_index(
                        option_index, item_row(self.items[row], width)
                    )

    def action_cycle(self) -> None:
        index = self.highlighted_item
        if index is None:
            return
        item = self.items[index]
        set_state(item, next_state(state_of(item)), self._clock())
        self.refresh_item(index)
        self.post_message(self.Changed(index))

    def action_note(self) -> None:
        index = self.highlighted_item
        if index is not None:
            self.post_message(self.NoteRequested(index))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        # Enter on an item writes its note too (n does the same).
        if event.option_list is self:
            event.stop()
            self.action_note()
