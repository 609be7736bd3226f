"""One list of the session (list_schema.TABLES: timeline, changes, hypotheses): a heading with its
count and keys, and a row per item, in the session's order.

The list follows the session's list of dicts: `sync` adds rows for items it does not show (added
by a key, or merged in from another writer) and drops rows of items no longer there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui.core.list_schema import Table
from tui.core.model import Item, Session
from tui.ui.actions import ACTIONS, shown_keys
from tui.ui.screens.wizard_keys import NOUNS
from tui.ui.widgets.item_row import ItemRow

#: Under each list's title: how to add to it and what the keys do (the action ids of
#: tui.ui.actions, shown with their keys as the keymap has them).
HINTS: dict[str, str] = {
    "timeline": "{add_timeline_entry} add · {cycle_item} kind · on ◆: {restamp_item} time now, "
    "{sort_timeline} sort, {delete_item} delete",
    "changes": "{add_item_here} add · {cycle_item} relation · on ◆: {restamp_item} time now, "
    "{delete_item} delete",
    "hypotheses": "{add_item_here} add · {cycle_item} status · on ◆: {delete_item} delete",
}


def hint(table: str, keymap: Mapping[str, str], display: Callable[[Binding], str]) -> str:
    keys = {
        action.id: shown_keys(action, keymap, display).split(" / ")[0] or "palette"
        for action in ACTIONS
    }
    return HINTS.get(table, "").format_map(keys)


class ItemList(Vertical):
    def __init__(self, table: Table, session: Session, *, blink: bool = True) -> None:
        super().__init__(id=f"list-{table.key}", classes="item-list")
        self.table = table
        self._session = session
        self._blink = blink

    @property
    def items(self) -> list[Item]:
        return self._session.items(self.table.key)

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), classes="item-list-title")
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        text = hint(self.table.key, keymap, self.app.get_key_display)
        yield Static(Content(text), classes="item-list-hint")
        for item in self.items:
            yield ItemRow(self.table, item, blink=self._blink)

    def _heading(self) -> Content:
        count = len(self.items)
        one, many = NOUNS.get(self.table.key, ("item", "items"))
        counted = f"{count} {one if count == 1 else many}" if count else f"no {many} yet"
        return Content.assemble((self.table.label, "bold"), "  ", (counted, "$text-muted"))

    @property
    def rows(self) -> list[ItemRow]:
        return list(self.query_children(ItemRow))

    def row_of(self, item: Item) -> ItemRow | None:
        return next((row for row in self.rows if row.item is item), None)

    async def sync(self) -> list[ItemRow]:
        """Rows for exactly the session's items, in its order; returns the rows added. Items
        appended (a key, a merge) get rows of their own; any other difference (sorted, deleted
        elsewhere) rebuilds the rows, and focus is then the caller's to restore."""
        items = self.items
        shown = [row.item for row in self.rows]
        if len(shown) <= len(items) and all(a is b for a, b in zip(shown, items, strict=False)):
            added = [ItemRow(self.table, item, blink=self._blink) for item in items[len(shown) :]]
        else:
            await self.remove_children(ItemRow)
            added = [ItemRow(self.table, item, blink=self._blink) for item in items]
        if added:
            await self.mount_all(added)
        self.refresh_heading()
        return added

    def refresh_heading(self) -> None:
        self.query_one(".item-list-title", Static).update(self._heading())
