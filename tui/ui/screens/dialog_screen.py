"""The base of the app's modal dialogs: their styles (later.tcss) are added before they show."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from tui.ui.styles import load_later_styles

DialogResult = TypeVar("DialogResult")


class DialogScreen(ModalScreen[DialogResult]):
    """A ModalScreen centred as the app's dialogs are (.dialog-screen), whose styles are in the
    app's stylesheet before it is styled itself: a dialog opened before the first screen has
    finished drawing is styled like any other. `classes`: any besides dialog-screen."""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str = "") -> None:
        super().__init__(name=name, id=id, classes=f"dialog-screen {classes}".rstrip())
        load_later_styles(self.app)
