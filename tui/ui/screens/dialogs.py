"""Modal dialogs that dismiss with a result: a yes/no confirmation and a file path prompt."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.core.sanitize import visible_controls


class ConfirmDialog(ModalScreen[bool]):
    """A question with two buttons. Escape (or No) dismisses with False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("y", "dismiss(True)", "Yes", show=False),
        Binding("n", "dismiss(False)", "No", show=False),
    ]

    def __init__(
        self, title: str, message: str, *, yes: str = "Yes", no: str = "No", danger: bool = False
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._message = message
        self._yes = yes
        self._no = no
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(visible_controls(self._title)), classes="dialog-title")
            yield Static(Content(visible_controls(self._message)), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Content(self._yes), id="yes", variant="error" if self._danger else "primary"
                )
                yield Button(Content(self._no), id="no")

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter on a reflex must not delete anything.
        self.query_one("#no" if self._danger else "#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class PathDialog(ModalScreen[str | None]):
    """Asks for a file path. Enter accepts, Escape cancels (dismisses with None)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str, *, action: str, note: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._value = value
        self._action = action
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(visible_controls(self._title)), classes="dialog-title")
            yield Input(visible_controls(self._value), id="path", select_on_focus=False)
            if self._note:
                yield Static(Content(visible_controls(self._note)), classes="dialog-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(self._action), id="ok", variant="primary")
                yield Button(Content("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def _accept(self) -> None:
        value = self.query_one("#path", Input).value.strip()
        self.dismiss(value or None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._accept()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._accept()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
