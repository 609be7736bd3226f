"""A value too large for a TextArea, shown read-only: its size, head and tail, and what to do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.sanitize import visible_controls
from tui.core.textfile import BIG_VALUE_CHARS, head_and_tail, human_size


class BigValueView(Vertical):
    """Read-only view of a huge value with Replace from file / Edit in $EDITOR / Clear."""

    class Requested(Message):
        """The user asked for one of the view's actions: "load", "edit" or "clear"."""

        def __init__(self, view: BigValueView, action: str) -> None:
            super().__init__()
            self.view = view
            self.action = action

    def __init__(self, value: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="big-value")
        self._value = value

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), classes="big-summary")
        with Horizontal(classes="big-actions"):
            yield Button(Content("Replace from file"), id="big-load", compact=True)
            yield Button(Content("Edit in $EDITOR"), id="big-edit", compact=True)
            yield Button(Content("Clear"), id="big-clear", compact=True, variant="warning")
        yield Static(self._excerpt(), classes="big-excerpt", markup=False)

    def _summary(self) -> Content:
        value = self._value
        size = len(value.encode("utf-8", "surrogatepass")) if not value.isascii() else len(value)
        lines = value.count("\n") + 1
        return Content.assemble(
            (f"{human_size(size)} · {lines:,} lines", "bold"),
            (
                f" · read-only here (over {human_size(BIG_VALUE_CHARS)}); "
                "the prompt keeps a digest of it",
                "dim",
            ),
        )

    def _excerpt(self) -> str:
        parts = head_and_tail(self._value, lines=5)
        if parts is None:
            return visible_controls(self._value)
        head, tail = parts
        return f"{visible_controls(head)}\n   ⋯\n{visible_controls(tail)}"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = {"big-load": "load", "big-edit": "edit", "big-clear": "clear"}.get(
            event.button.id or ""
        )
        if action:
            self.post_message(self.Requested(self, action))

    def focus_first(self) -> None:
        self.query_one("#big-load", Button).focus()
