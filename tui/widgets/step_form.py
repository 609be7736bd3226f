"""The fields of one wizard step, built from the schema."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from tui.schema import fields_of_step
from tui.session import Session
from tui.widgets.field_editor import FieldEditor


class StepForm(VerticalScroll, can_focus=False):
    def __init__(self, step: str, session: Session, *, blink: bool = True) -> None:
        super().__init__(id=f"step-{step}", classes="step-form")
        self.step = step
        self._session = session
        self._blink = blink

    def compose(self) -> ComposeResult:
        for field in fields_of_step(self.step):
            yield FieldEditor(field, self._session.get(field.key), blink=self._blink)

    @property
    def editors(self) -> list[FieldEditor]:
        return list(self.query_children(FieldEditor))

    def focus_first(self) -> None:
        editors = self.editors
        if editors:
            editors[0].focus_input()
