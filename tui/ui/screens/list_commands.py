"""The wizard's commands on the story's lists: add a timeline entry (from any step), a change or
a hypothesis; cycle an item's kind, relation or status; set an entry's time to now; sort the
timeline; delete an item (asking first); set the status. And the other writer: list items that
`incident-tui note` appends to the open incident's file are taken in and shown.

Every edit goes into the session's list of dicts and through the SaveController, as a field's
does: marked unsaved, previewed, and saved atomically a moment later.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.widgets import Select

from tui.core.list_schema import TABLES_BY_KEY, TIME_FORMAT
from tui.core.model import Item
from tui.core.sanitize import visible_controls
from tui.core.schema import STATUSES
from tui.core.story import in_time_order
from tui.ui.screens.field_commands import FieldCommands
from tui.ui.screens.wizard_keys import LIST_STEP, NOUNS, STATUS_ID, STEP_LISTS, TIME_KEYS, TIMELINE

if TYPE_CHECKING:
    from tui.core.save_controller import SaveController
    from tui.ui.widgets.item_list import ItemList
    from tui.ui.widgets.item_row import ItemRow

#: The actions that act on the focused list item.
ITEM_ACTIONS = frozenset({"cycle_item", "restamp_item", "sort_timeline", "delete_item"})


class ListCommands(FieldCommands):
    """A base of WizardScreen (which provides what is declared here), above FieldCommands."""

    saving: SaveController
    current_step: str
    AUTOSAVE_DELAY: float
    #: Seconds between two looks at the file for entries another writer appended.
    DISK_CHECK_INTERVAL = 2.0

    async def go_to_step(self, step: str, *, focus: bool = True) -> None:
        raise NotImplementedError

    def list_edited(self) -> None:
        """The session's lists changed: unsaved, previewed and saved, as for a field."""
        raise NotImplementedError

    def _refresh_title(self) -> None:
        raise NotImplementedError

    # --- finding the lists and the focused item ---------------------------------------------------

    # The list widgets are known by their CSS classes here, not by isinstance: their modules are
    # imported when a step of lists is first shown, not with the wizard's first frame.

    def item_list(self, table: str) -> ItemList | None:
        found = self.query(f"#list-{table}.item-list")
        return cast("ItemList", found.first()) if found else None

    def focused_row(self) -> ItemRow | None:
        focused = self.focused
        if focused is None:
            return None
        rows = (n for n in focused.ancestors_with_self if n.has_class("item-row"))
        return cast("ItemRow | None", next(rows, None))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ITEM_ACTIONS:
            row = self.focused_row()
            if row is None:
                return False
            if action == "restamp_item":
                return row.table.key in TIME_KEYS
            if action == "sort_timeline":
                return row.table.key == TIMELINE
            return True
        if action == "add_item_here":
            return self.current_step in STEP_LISTS
        return super().check_action(action, parameters)

    def on_descendant_focus(self) -> None:
        # In a list item, the field commands (load, $EDITOR, clear) have no field to act on.
        if self.focused_row() is not None:
            self._current_key = None

    # --- adding -----------------------------------------------------------------------------------

    def _now(self) -> str:
        return str(self.app.clock().strftime(TIME_FORMAT))  # type: ignore[attr-defined]

    async def add_list_item(self, table: str, **values: str) -> ItemRow | None:
        """Append an item to `table` on its step, and focus its main text, ready to type."""
        await self.go_to_step(LIST_STEP[table], focus=False)
        item_list = self.item_list(table)
        if item_list is None:
            return None
        self.session.add_item(table, **values)
        self.list_edited()
        await item_list.sync()
        row = item_list.rows[-1]
        row.focus_key()
        return row

    async def action_add_timeline_entry(self) -> None:
        await self.add_list_item(TIMELINE, at=self._now())

    async def action_add_item(self, table: str) -> None:
        await self.add_list_item(table)

    async def action_add_item_here(self) -> None:
        row = self.focused_row()
        if row is not None:
            table = row.table.key
        else:
            lists = STEP_LISTS.get(self.current_step, ())
            if not lists:
                return
            table = lists[0][0]
        if table == TIMELINE:
            await self.action_add_timeline_entry()
        else:
            await self.add_list_item(table)

    # --- editing ----------------------------------------------------------------------------------

    def on_item_row_changed(self, event: ItemRow.Changed) -> None:
        event.stop()
        self.store_item_value(event.row, event.key, event.value)

    def store_item_value(self, row: ItemRow, key: str, value: str) -> None:
        item = row.item
        column = row.table.columns_by_key[key]
        try:
            value = column.normalize(value)
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if item.get(key, "" if not column.choices else None) == value:
            return
        if value or column.choices:
            item[key] = value
        else:
            item.pop(key, None)  # as the file writes it: a blank text key is left out
        self.list_edited()

    def apply_pending_item_edits(self) -> None:
        """What the item inputs show but no Changed message has brought yet (quit, hang-up)."""
        for node in self.query(".item-row"):
            row = cast("ItemRow", node)
            for key in row.table.columns_by_key:
                widget = row.input_of(key)
                if widget is not None and widget.value != row.shown(key):
                    row.remember(key, widget.value)
                    self.store_item_value(row, key, widget.value)

    def action_cycle_item(self) -> None:
        row = self.focused_row()
        if row is not None:
            row.cycle()

    def action_restamp_item(self) -> None:
        row = self.focused_row()
        if row is None or row.table.key not in TIME_KEYS:
            return
        key, now = TIME_KEYS[row.table.key], self._now()
        row.show_value(key, now)
        self.store_item_value(row, key, now)

    async def action_sort_timeline(self) -> None:
        item_list = self.item_list(TIMELINE)
        if item_list is None:
            return
        row = self.focused_row()
        keep = row.item if row is not None else None
        items = item_list.items
        ordered = list(in_time_order(items))
        if all(a is b for a, b in zip(ordered, items, strict=True)):
            self.notify("The timeline is in time order already.", timeout=3)
            return
        items[:] = ordered  # type: ignore[assignment]
        self.list_edited()
        await item_list.sync()
        moved = item_list.row_of(keep) if keep is not None else None
        if moved is not None and moved.badge is not None:
            moved.badge.focus()
            moved.scroll_visible(animate=False)

    def action_delete_item(self) -> None:
        from tui.ui.screens.dialogs import ConfirmDialog

        row = self.focused_row()
        if row is None:
            return
        one, _ = NOUNS.get(row.table.key, ("item", "items"))
        summary = " · ".join(
            visible_controls(row.value(c.key))
            for c in row.table.columns
            if row.value(c.key).strip()
        )
        self.app.push_screen(
            ConfirmDialog(
                f"Delete this {one}?",
                summary[:300] or f"(an empty {one})",
                yes="Delete",
                no="Keep",
                danger=True,
            ),
            lambda yes: self._delete(row, yes),
        )

    async def _delete(self, row: ItemRow, yes: bool | None) -> None:
        if not yes:
            return
        items = self.session.items(row.table.key)
        index = next((i for i, item in enumerate(items) if item is row.item), None)
        if index is None:
            return
        del items[index]
        self.list_edited()
        parent = row.parent
        await row.remove()
        if parent is not None and parent.has_class("item-list"):
            item_list = cast("ItemList", parent)
            item_list.refresh_heading()
            rows = item_list.rows
            if rows:
                rows[min(index, len(rows) - 1)].focus_key()

    # --- status -----------------------------------------------------------------------------------

    async def action_set_status(self) -> None:
        await self.go_to_step(TIMELINE, focus=False)
        found = self.query(f"#{STATUS_ID}")
        if found:
            select = found.first(Select)
            select.focus()
            select.scroll_visible(animate=False)
            select.action_show_overlay()

    @on(Select.Changed, f"#{STATUS_ID}")
    def _status_chosen(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        if not isinstance(value, str) or value not in STATUSES or value == self.session.status:
            return
        self.session.set("status", value)
        self._refresh_title()
        self.list_edited()

    # --- another writer's items ----------------------------------------------------------------

    def start_watching_file(self) -> None:
        """Show what `incident-tui note` appends while the incident is open here."""
        self.saving.on_merged = self._merged_in
        self.set_interval(self.DISK_CHECK_INTERVAL, self._check_disk)

    def _check_disk(self) -> None:
        path = self.saving.disk_path()
        if path is not None:
            self._disk_job(path)

    @work(thread=True, exclusive=True, group="disk", exit_on_error=False, description="disk")
    def _disk_job(self, path: Path) -> None:
        if self.saving.check_disk(path):
            self._to_ui(self.saving.take_merged)

    def _merged_in(self, added: dict[str, list[Item]]) -> None:
        self.call_later(self._show_merged, added)

    async def _show_merged(self, added: dict[str, list[Item]]) -> None:
        for table, items in added.items():
            item_list = self.item_list(table)
            if item_list is not None:
                await item_list.sync()
            one, many = NOUNS.get(table, ("item", "items"))
            noun = one if len(items) == 1 else many
            last = visible_controls(str(items[-1].get("text", "")))[:80]
            self.notify(
                f"{len(items)} {noun} added to the {TABLES_BY_KEY[table].label.lower()} by "
                f"another writer (an incident-tui command in another terminal): {last}",
                title="From the file",
                timeout=8,
                markup=False,
            )
        self.refresh_review()

    def refresh_review(self) -> None:
        """Review shows the lists: the wizard updates it when it is on screen."""
