"""Modal dialogs that dismiss with a result: a yes/no confirmation and a file path prompt."""

from __future__ import annotations

import os
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from tui.core.sanitize import visible_controls
from tui.ui.screens.dialog_screen import DialogScreen


class ConfirmDialog(DialogScreen[bool]):
    """A question with two buttons. Escape (or No) dismisses with False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("y", "dismiss(True)", "Yes", show=False),
        Binding("n", "dismiss(False)", "No", show=False),
    ]

    def __init__(
        self, title: str, message: str, *, yes: str = "Yes", no: str = "No", danger: bool = False
    ) -> None:
        super().__init__()
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


#: A directory is read this far for completion: a huge one must not stall the UI.
SCAN_LIMIT = 5000
#: Candidates named under the path; the rest are counted.
SHOWN_CANDIDATES = 30


def full_path(text: str) -> str:
    """The absolute path a typed one stands for (~ expanded, relative to the current directory)."""
    return os.path.abspath(os.path.expanduser(text)) if text else ""


def complete_path(text: str) -> tuple[str, list[str]]:
    """Shell-style completion of a typed path: (the text extended by the longest common prefix of
    the matching names, the matching names when more than one is left; directories end in /).
    What the user typed (a ~, a relative path) is kept as typed."""
    head, sep, stem = text.rpartition(os.sep)
    directory = os.path.expanduser(head + sep) if sep else "."
    names: list[str] = []
    kinds: dict[str, bool] = {}
    try:
        with os.scandir(directory or os.sep) as entries:
            for count, entry in enumerate(entries):
                if count >= SCAN_LIMIT:
                    break
                if not entry.name.startswith(stem):
                    continue
                if entry.name.startswith(".") and not stem.startswith("."):
                    continue
                names.append(entry.name)
                try:
                    kinds[entry.name] = entry.is_dir()
                except OSError:
                    kinds[entry.name] = False
    except OSError:
        return text, []
    if not names:
        return text, []
    names.sort()
    if len(names) == 1:
        name = names[0]
        return head + sep + name + (os.sep if kinds[name] else ""), []
    common = os.path.commonprefix(names)  # noqa: RUF071 - names, not paths: by character
    return head + sep + common, [n + (os.sep if kinds[n] else "") for n in names]


class PathDialog(DialogScreen[str | None]):
    """Asks for a file path. Enter accepts, Escape cancels (dismisses with None). Tab completes
    the path as a shell does; the full path it stands for is shown under it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("tab", "complete", "Complete", show=False),
    ]
    #: The app's own Tab binding (which moves between fields) steps aside for this screen.
    COMPLETES_ON_TAB = True

    def __init__(self, title: str, value: str, *, action: str, note: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._action = action
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(visible_controls(self._title)), classes="dialog-title")
            yield Input(visible_controls(self._value), id="path", select_on_focus=False)
            yield Static("", id="path-full", classes="dialog-note", markup=False)
            candidates = Static("", id="path-candidates", markup=False)
            candidates.display = False
            yield candidates
            if self._note:
                yield Static(Content(visible_controls(self._note)), classes="dialog-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(self._action), id="ok", variant="primary")
                yield Button(Content("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self._show_full(self.query_one("#path", Input).value)

    @on(Input.Changed, "#path")
    def _path_changed(self, event: Input.Changed) -> None:
        self._show_full(event.value)

    def _show_full(self, value: str) -> None:
        shown = full_path(value.strip())
        # The field scrolls a long path out of sight, and ~ or a relative path hide where it is.
        self.query_one("#path-full", Static).update(
            Content(f"Full path: {visible_controls(shown)}") if shown else ""
        )

    def action_complete(self) -> None:
        path = self.query_one("#path", Input)
        if not path.has_focus:
            self.focus_next()
            return
        completed, candidates = complete_path(path.value)
        listing = self.query_one("#path-candidates", Static)
        listing.display = bool(candidates)
        if completed == path.value and not candidates:
            self.focus_next()  # nothing to complete: Tab moves on, as everywhere else
            return
        if completed != path.value:
            path.value = completed
            path.action_end()
        if candidates:
            more = len(candidates) - SHOWN_CANDIDATES
            text = "  ".join(visible_controls(c) for c in candidates[:SHOWN_CANDIDATES])
            listing.update(text + (f"  … and {more} more" if more > 0 else ""))

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
