"""A list item's choice (a timeline entry's kind, a change's relation, a hypothesis's status) as
a badge that takes the focus: the item's handle.

With the badge focused, plain keys act on the item (t: time to now, s: sort, d: delete; see
tui.ui.actions) without ever being typed into a field.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.core.list_schema import Column


class ChoiceBadge(Static, can_focus=True):
    def __init__(self, column: Column, value: str) -> None:
        super().__init__("", classes="item-badge", markup=False)
        self.column = column
        self.value = ""
        self.show(value)

    def show(self, value: str) -> None:
        # Before mount, no style update: they are applied on mount (see FieldEditor).
        update = self.is_attached
        if self.value:
            self.remove_class(f"-value-{self.value}", update=update)
        self.value = value
        if value in self.column.choices:
            self.add_class(f"-value-{value}", update=update)
        self.update(Content(f"◆ {value}"))

    def next_value(self) -> str:
        """The choice after the current one, round the column's choices."""
        choices = self.column.choices
        if self.value not in choices:
            return choices[0]
        return choices[(choices.index(self.value) + 1) % len(choices)]
