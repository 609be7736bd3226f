"""A wizard step made of the session's lists rather than its fields: the Timeline step, with the
incident's status above its entries and the question for the agent and its scope below them.

Which lists a step shows is declared in tui.ui.screens.wizard_keys.STEP_LISTS.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Select, Static

from tui.core.list_schema import TABLES_BY_KEY
from tui.core.model import Session
from tui.core.schema import FIELDS_BY_KEY, STATUSES, Field
from tui.ui.screens.wizard_keys import STATUS_ID
from tui.ui.widgets.field_editor import FieldEditor, FieldHost
from tui.ui.widgets.item_list import ItemList


class ListStep(FieldHost, VerticalScroll, can_focus=False):
    def __init__(
        self,
        step: str,
        session: Session,
        tables: tuple[str, ...],
        fields: tuple[Field, ...] = (),
        *,
        status: bool = False,
        blink: bool = True,
    ) -> None:
        super().__init__(id=f"step-{step}", classes="step-form list-step")
        self.step = step
        self._session = session
        self._tables = tables
        self._fields = fields
        self._status = status
        self._blink = blink

    def compose(self) -> ComposeResult:
        if self._status:
            with Horizontal(id="status-line"):
                yield Label(Content.styled("Status", "bold"), id="status-label")
                yield Select(
                    [(s, s) for s in STATUSES],
                    value=self._session.status if self._session.status in STATUSES else STATUSES[0],
                    allow_blank=False,
                    id=STATUS_ID,
                    compact=True,
                )
            yield Static(Content(FIELDS_BY_KEY["status"].help), classes="field-help status-help")
        for table in self._tables:
            yield ItemList(TABLES_BY_KEY[table], self._session, blink=self._blink)
        for field in self._fields:
            yield from FieldEditor(field, self._session.get(field.key), blink=self._blink).widgets()

    @property
    def lists(self) -> list[ItemList]:
        return list(self.query_children(ItemList))

    def focus_first(self) -> None:
        """The last item's main text (where the story continues), else the status."""
        for item_list in self.lists:
            rows = item_list.rows
            if rows:
                rows[-1].focus_key()
                return
        found = self.query(f"#{STATUS_ID}")
        if found:
            found.first().focus()

    def show_status(self, status: str) -> None:
        found = self.query(f"#{STATUS_ID}")
        if found:
            select = found.first(Select)
            if select.value != status:
                select.value = status
