"""The saved / unsaved / NOT SAVED indicator in the wizard's top bar."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class SaveStatus(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: str | None = None

    def show(self, state: str, reason: str = "") -> None:
        """state: "saved", "dirty", "new", "read-only" or "failed" (with the reason)."""
        text = {
            "saved": "✓ Saved",
            "dirty": "● Unsaved changes",
            "new": "New · not saved yet",
            "failed": f"✗ NOT SAVED: {reason}",
            "read-only": "Read-only · edits go to a copy",
        }[state]
        if text == self._shown:
            return  # called on every keystroke: an update would cost a layout pass each time
        self._shown = text
        for name in ("saved", "dirty", "new", "failed", "read-only"):
            self.set_class(name == state, f"-{name}")
        self.update(Content(text))
