"""Dialogs of gathering: review text offered for a field that has text, choose a gather command.

Both are ModalScreen[T] that dismiss with the choice; Escape is always the safe answer (skip,
nothing chosen).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.sanitize import visible_controls
from tui.ui.screens.dialog_screen import DialogScreen

#: The review shows at most this much of the offered text (it is all added when accepted).
SHOWN_CHARS = 4000


class ReviewOfferDialog(DialogScreen[bool]):
    """Text gathered for a field that already has text: add it below (True) or skip (False)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Skip"),
        Binding("a", "dismiss(True)", "Add", show=False),
        Binding("s", "dismiss(False)", "Skip", show=False),
    ]

    def __init__(self, label: str, text: str, header: str) -> None:
        super().__init__()
        self._label = label
        self._text = text
        self._header = header

    def compose(self) -> ComposeResult:
        shown = self._text
        if len(shown) > SHOWN_CHARS:
            shown = shown[:SHOWN_CHARS] + f"\n… ({len(self._text) - SHOWN_CHARS:,} more characters)"
        with Vertical(classes="dialog"):
            yield Static(
                Content(visible_controls(f"{self._label} already has text")),
                classes="dialog-title",
            )
            yield Static(
                Content(f"Add this below it, under “{visible_controls(self._header)}”?"),
                classes="dialog-body",
            )
            with VerticalScroll(id="offered"):
                yield Static(Content(visible_controls(shown)), id="offered-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Add below"), id="add", variant="primary")
                yield Button(Content("Skip"), id="skip")

    def on_mount(self) -> None:
        self.query_one("#add", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "add")


class ChooseCommandDialog(DialogScreen[str | None]):
    """The profile's gather commands, each with its exact command line; dismisses with a name."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, commands: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._commands = commands

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(visible_controls(self._title)), classes="dialog-title")
            yield OptionList(
                *(
                    Option(Content(f"{visible_controls(name)}: {shown}"), id=name)
                    for name, shown in self._commands
                ),
                id="commands",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
