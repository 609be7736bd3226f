"""The fields of one wizard step, built from the schema."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult

from tui.core.schema import Field, fields_of_step
from tui.core.session import Session
from tui.ui.textual_compat import LaidOutVerticalScroll
from tui.ui.widgets.field_editor import FieldEditor


class StepForm(LaidOutVerticalScroll, can_focus=False):
    """`first_frame` limits the editors composed with the form; `complete()` mounts the rest.

    The wizard's first step shows only its first editors in the app's first frame and the rest
    right after it: each editor costs about 4 ms of start-up, and the fields further down are
    out of reach of a person's first keystroke anyway.
    """

    def __init__(
        self, step: str, session: Session, *, blink: bool = True, first_frame: int | None = None
    ) -> None:
        super().__init__(id=f"step-{step}", classes="step-form")
        self.step = step
        self._session = session
        self._blink = blink
        # The first frame's form is the focused one: its first field is styled as focused
        # from the start (restyled when the focus arrives, it cost a frame more).
        self._current = first_frame is not None
        fields = fields_of_step(step)
        split = len(fields) if first_frame is None else first_frame
        self._first: tuple[Field, ...] = fields[:split]
        self._rest: tuple[Field, ...] = fields[split:]
        self._completed = asyncio.Event()
        if not self._rest:
            self._completed.set()

    def compose(self) -> ComposeResult:
        for index, field in enumerate(self._first):
            editor = self._editor(field)
            editor.set_current(self._current and index == 0)
            yield editor

    def _editor(self, field: Field) -> FieldEditor:
        return FieldEditor(field, self._session.get(field.key), blink=self._blink)

    async def complete(self) -> None:
        """Every editor of the step mounted (at once if they are, when they are otherwise)."""
        if self._rest:
            rest, self._rest = self._rest, ()
            try:
                await self.mount_all([self._editor(field) for field in rest])
            finally:
                self._completed.set()
        await self._completed.wait()

    @property
    def editors(self) -> list[FieldEditor]:
        return list(self.query_children(FieldEditor))

    def focus_first(self) -> None:
        editors = self.editors
        if editors:
            editors[0].focus_input()
