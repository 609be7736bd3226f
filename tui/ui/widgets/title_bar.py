"""The incident's title, severity and status, in the wizard's top bar."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from tui.core.sanitize import visible_controls

if TYPE_CHECKING:
    from textual.timer import Timer

#: The pause in typing, in seconds, after which the bar shows a typed title or summary.
TYPING_DELAY = 0.15


class IncidentTitle(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: tuple[str, str, str] | None = None
        self._soon: Timer | None = None
        self._typed_at = 0.0

    def show_soon(self, refresh: Callable[[], None]) -> None:
        """Typing in the title or the summary: the bar follows once typing pauses for
        TYPING_DELAY. Updated at every key, it was a second frame per key; updated every
        TYPING_DELAY while typing went on, its frame held back the echo of the key after it
        (the screen draws at most one frame each 1/60 s)."""
        self._typed_at = monotonic()
        if self._soon is None:
            self._soon = self.set_timer(TYPING_DELAY, lambda: self._due(refresh))

    def _due(self, refresh: Callable[[], None]) -> None:
        # One timer for a burst of keys, moved on while they keep coming (cheaper than a new
        # timer per key).
        wait = self._typed_at + TYPING_DELAY - monotonic()
        if wait > 0.005:
            self._soon = self.set_timer(wait, lambda: self._due(refresh))
            return
        self._soon = None
        refresh()

    def show(self, title: str, severity: str, status: str = "") -> None:
        shown = (title, severity, status)
        if shown == self._shown:
            return  # typing in the summary calls this on every key
        self._shown = shown
        # A fixed-width bar: the new title needs a repaint, not a layout pass.
        self.refresh()

    def render(self) -> Content:
        """A long title gives way (with an ellipsis), so that the severity and the status, what
        an on-call engineer glances at, are always shown whole."""
        title, severity, status = self._shown or ("", "", "")
        tail = Content.assemble(
            ("  ", ""),
            (severity, "$text-warning" if severity == "unknown" else "$text-error bold"),
            ("  " + status if status else "", "$text-accent"),
        )
        head = Content.styled(visible_controls(title), "bold")
        room = self.content_size.width - tail.cell_length
        if head.cell_length > room > 0:
            head = head.truncate(room, ellipsis=True)
        return head + tail
