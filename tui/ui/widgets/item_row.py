"""One item of a list (a timeline entry, a change, a hypothesis): its choice as a badge and its
text keys as single-line inputs, on two rows so that it reads at 80×24.

The row edits the item dict of the session in place only through the screen: it posts Changed
for each edit the user makes, and the screen stores it, marks the session unsaved and schedules
the save, as it does for fields.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input

from tui.core.list_schema import Column, Table
from tui.core.model import Item
from tui.core.sanitize import visible_controls
from tui.ui.widgets.choice_badge import ChoiceBadge
from tui.ui.widgets.inputs import FieldInput

#: Each list's keys on the item's two rows; the first row starts with the badge, the second is
#: indented under it. A list not
#: named here shows its choice and first two text keys, then the rest.
LAYOUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # The text gets the first row's width: at 80 columns it is what must be read.
    "timeline": (("kind", "text"), ("at", "outcome")),
    "changes": (("relation", "what", "ref"), ("when", "why")),
    "hypotheses": (("status", "text"), ("evidence",)),
}
#: What an empty input says it is for.
PLACEHOLDERS: dict[str, str] = {
    "timeline.at": "time (UTC)",
    "timeline.text": "what happened or was done",
    "timeline.outcome": "outcome (of an action)",
    "changes.when": "when",
    "changes.what": "what changed",
    "changes.ref": "commit, PR, ticket",
    "changes.why": "why suspect / why dismissed",
    "hypotheses.text": "hypothesis",
    "hypotheses.evidence": "evidence for or against",
}
#: The keys that hold a time, and the key an item is "about" (focused when it is added).
MAIN_KEYS: dict[str, str] = {"timeline": "text", "changes": "what", "hypotheses": "text"}


class ItemInput(FieldInput):
    """An item's text key: a field's single-line input (pastes cleaned), knowing its key."""

    def __init__(self, key: str, value: str, *, blink: bool = True) -> None:
        super().__init__(value, blink=blink)
        self.key = key


def layout_of(table: Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if table.key in LAYOUTS:
        return LAYOUTS[table.key]
    choices = [c.key for c in table.columns if c.choices]
    texts = [c.key for c in table.columns if not c.choices]
    return (*choices[:1], *texts[:2]), (*choices[1:], *texts[2:])


def choice_column(table: Table) -> Column | None:
    return next((c for c in table.columns if c.choices), None)


class ItemRow(Vertical):
    class Changed(Message):
        """The user changed one key of the item (typed, or cycled its choice)."""

        def __init__(self, row: ItemRow, key: str, value: str) -> None:
            super().__init__()
            self.row = row
            self.key = key
            self.value = value

    def __init__(self, table: Table, item: Item, *, blink: bool = True) -> None:
        super().__init__(classes=f"item-row -table-{table.key}")
        self.table = table
        self.item = item
        self._blink = blink
        # What each input was given, as for a field: an Input.Changed that reports it is not an
        # edit (control characters are shown as symbols, and must not reach the file unedited).
        self._shown: dict[str, str] = {}

    def value(self, key: str) -> str:
        column = self.table.columns_by_key[key]
        raw = self.item.get(key, column.default)
        return raw if isinstance(raw, str) else ""

    def compose(self) -> ComposeResult:
        columns = self.table.columns_by_key
        for number, keys in enumerate(layout_of(self.table)):
            with Horizontal(classes=f"item-line item-line-{number + 1}"):
                for key in keys:
                    column = columns[key]
                    if column.choices:
                        yield ChoiceBadge(column, self.value(key))
                    else:
                        yield self._input(column)

    def _input(self, column: Column) -> ItemInput:
        shown = visible_controls(self.value(column.key)).replace("\n", "⏎")
        self._shown[column.key] = shown
        field = ItemInput(column.key, shown, blink=self._blink)
        field.add_class("item-input", f"-key-{column.key}", update=False)  # see FieldEditor
        field.placeholder = PLACEHOLDERS.get(f"{self.table.key}.{column.key}", column.label)
        return field

    def shown(self, key: str) -> str | None:
        """What the input of `key` was given or last reported."""
        return self._shown.get(key)

    def remember(self, key: str, value: str) -> None:
        self._shown[key] = value

    # --- reading and focusing ---------------------------------------------------------------------

    def input_of(self, key: str) -> ItemInput | None:
        for widget in self.query(ItemInput):
            if widget.key == key:
                return widget
        return None

    @property
    def badge(self) -> ChoiceBadge | None:
        found = self.query(ChoiceBadge)
        return found.first() if found else None

    def focus_key(self, key: str | None = None) -> None:
        """Focus the input of `key` (default: the item's main text), cursor at its end."""
        target = self.input_of(key or MAIN_KEYS.get(self.table.key, ""))
        if target is None:
            target = next(iter(self.query(ItemInput)), None)
        if target is not None:
            target.focus()
            target.cursor_position = len(target.value)
        self.scroll_visible(animate=False)

    # --- changes from outside (cycle, re-stamp) -----------------------------------------------

    def show_value(self, key: str, value: str) -> None:
        """Show a value the screen stored (not an edit of the user's in this row)."""
        column = self.table.columns_by_key[key]
        if column.choices:
            badge = self.badge
            if badge is not None:
                badge.show(value)
            return
        target = self.input_of(key)
        if target is not None:
            shown = visible_controls(value).replace("\n", "⏎")
            self._shown[key] = shown
            target.value = shown

    # --- edits ------------------------------------------------------------------------------------

    @on(Input.Changed, ".item-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        key = event.input.key if isinstance(event.input, ItemInput) else ""
        if key not in self._shown or event.value == self._shown[key]:
            return
        self._shown[key] = event.value
        self.post_message(self.Changed(self, key, event.value))

    @on(Input.Blurred, ".item-input")
    def _home(self, event: Input.Blurred) -> None:
        # As a field does: a long text shows its start once focus leaves.
        event.stop()
        if event.input.is_attached:
            event.input.cursor_position = 0

    def cycle(self) -> str | None:
        """Move the badge to its next choice and report it; the new value, or None."""
        badge = self.badge
        if badge is None:
            return None
        value = badge.next_value()
        badge.show(value)
        self.post_message(self.Changed(self, badge.column.key, value))
        return value
