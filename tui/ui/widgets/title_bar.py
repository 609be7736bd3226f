"""The incident's title, severity and status, in the wizard's top bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from tui.core.sanitize import visible_controls

if TYPE_CHECKING:
    from textual.timer import Timer

#: Seconds a typed title or summary may wait before the bar shows it.
TYPING_DELAY = 0.15


class IncidentTitle(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: tuple[str, str, str] | None = None
        self._soon: Timer | None = None

    def show_soon(self, refresh: Callable[[], None]) -> None:
        """Typing in the title or the summary: the bar follows within TYPING_DELAY rather than
        at every key, where its update was a second frame per key, drawn across the screen's
        width (every widget under that row rendered again)."""
        if self._soon is None:
            self._soon = self.set_timer(TYPING_DELAY, lambda: self._now(refresh))

    def _now(self, refresh: Callable[[], None]) -> None:
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
