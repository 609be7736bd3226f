"""The loop's dialogs: adding an agent's answer, and a note for a checklist item.

The answer dialog takes a paste, a file or $EDITOR and dismisses with the text; the note dialog
is opened from the Checklist step (tui.ui.widgets.checklist_step).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from tui.core.sanitize import visible_controls
from tui.ui.screens.dialog_screen import DialogScreen


class NoteDialog(DialogScreen[str | None]):
    """One line of note for a checklist item. Enter keeps it, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, item_text: str, note: str) -> None:
        super().__init__()
        self._item_text = item_text
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Note", classes="dialog-title")
            yield Static(visible_controls(self._item_text), classes="dialog-body")
            yield Input(self._note, id="note", placeholder="what you saw, who did it")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AnswerDialog(DialogScreen[str | None]):
    """Paste the agent's answer, load it from a file, or write it in $EDITOR; Store keeps it.

    `load` and `edit` are the wizard's: they get the current text and a callback for the new."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "store", "Store", priority=True),
    ]

    def __init__(
        self,
        load: Callable[[Callable[[str], None]], None],
        edit: Callable[[str, Callable[[str], None]], None],
    ) -> None:
        super().__init__(classes="answer-dialog")
        self._load = load
        self._edit = edit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Add agent answer", classes="dialog-title")
            yield Static(
                "Paste the answer below (or load it from a file, or write it in $EDITOR). "
                "ctrl+s stores it; its action lists become checklist items.",
                classes="dialog-body",
            )
            yield TextArea(id="answer-text", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Store", id="store", variant="primary")
                yield Button("Load file…", id="load")
                yield Button("$EDITOR", id="edit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#answer-text", TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one("#answer-text", TextArea).text

    def set_text(self, text: str) -> None:
        self.query_one("#answer-text", TextArea).load_text(text)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "store":
            self.action_store()
        elif event.button.id == "load":
            self._load(self.set_text)
        elif event.button.id == "edit":
            self._edit(self.text, self.set_text)
        else:
            self.action_cancel()

    def action_store(self) -> None:
        if self.text.strip():
            self.dismiss(self.text)
        else:
            self.notify("Nothing to store: paste the answer first.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
