"""The fields of one wizard step, built from the schema."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.core.schema import fields_of_step
from tui.core.session import Session
from tui.ui.textual_compat import LaidOutVerticalScroll
from tui.ui.widgets.field_editor import FieldEditor, FieldHost


class StepForm(FieldHost, LaidOutVerticalScroll, can_focus=False):
    """Every field of the step, composed with the form: the whole step is in one frame."""

    def __init__(
        self, step: str, session: Session, *, blink: bool = True, current: bool = False
    ) -> None:
        super().__init__(id=f"step-{step}", classes="step-form")
        self.step = step
        self._session = session
        self._blink = blink
        # The form shown first has its first field styled as the current one from the start
        # (restyled when the focus arrives, it cost a frame more).
        self._current = current

    def compose(self) -> ComposeResult:
        for index, field in enumerate(fields_of_step(self.step)):
            editor = FieldEditor(field, self._session.get(field.key), blink=self._blink)
            editor.set_current(self._current and index == 0)
            yield from editor.widgets()

    @property
    def editors(self) -> list[FieldEditor]:
        return list(self.query_children(FieldEditor))

    def focus_first(self) -> None:
        editors = self.editors
        if editors:
            editors[0].focus_input()
