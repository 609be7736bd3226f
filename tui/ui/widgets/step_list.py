"""The wizard's step list: each step with its count of unknowns (or, for a step that has none,
what it holds: "4" timeline entries, "3/7" checklist items done), the current one marked.

One widget that draws its seven lines itself, and looks and answers like Textual's OptionList
(up and down wrap, home, end, page up and down, enter or a click to go there, a hover line): an
OptionList is styled for six kinds of line and draws each of its rows through them, which made
it the largest part of the wizard's first frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from tui.core.schema import STEPS, fields_of_step

# The looks of OptionList's highlighted and hovered lines (its DEFAULT_CSS, Textual 8.2.8).
_HIGHLIGHT_FOCUSED = "bold $block-cursor-foreground on $block-cursor-background"
_HIGHLIGHT = "$foreground on $block-cursor-blurred-background"
_HOVER = "on $block-hover-background"


class StepList(Widget, can_focus=True):
    """Steps in order; enter (or a click) on one jumps there. Counts are updated in place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        # Seven lines are one page.
        Binding("pageup", "first", "Page Up", show=False),
        Binding("pagedown", "last", "Page Down", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    class Chosen(Message):
        """A step was chosen (enter or a click)."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, steps: list[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._steps = steps
        self._counts: dict[str, int] = {key: 0 for key, _ in steps}
        #: A step's words in place of its count (set_badge).
        self._badges: dict[str, str] = {}
        self._current = steps[0][0]
        #: The line the keys move (the current step's until they do), and the one under the mouse.
        self.highlighted = 0
        self._hover: int | None = None

    def _prompt(self, index: int) -> Content:
        key, title = self._steps[index]
        marker = "▶ " if key == self._current else "  "
        count = self._counts[key]
        if key in self._badges:
            badge = (f" {self._badges[key]}", "$text-muted")
        elif count:
            badge = (f" ({count})", "$text-warning bold")
        else:
            badge = (" ✓", "$text-success")
        return Content.assemble(
            (marker, "bold"),
            (f"{index + 1} {title}", "bold" if key == self._current else ""),
            badge,
        )

    def render(self) -> Content:
        width = self.content_region.width
        lines = []
        for index in range(len(self._steps)):
            line = self._prompt(index)
            line = line.append(" " * max(0, width - cell_len(line.plain)))
            if index == self.highlighted:
                line = line.stylize_before(_HIGHLIGHT_FOCUSED if self.has_focus else _HIGHLIGHT)
            elif index == self._hover:
                line = line.stylize_before(_HOVER)
            lines.append(line)
        return Content("\n").join(lines)

    def set_count(self, key: str, count: int) -> None:
        if self._counts.get(key) == count:
            return
        self._counts[key] = count
        self.refresh()

    def set_badge(self, key: str, text: str) -> None:
        """Show `text` after the step's title instead of its count of unknowns (or ✓)."""
        if self._badges.get(key) == text:
            return
        self._badges[key] = text
        self.refresh()

    def badge(self, key: str) -> str | None:
        return self._badges.get(key)

    def count(self, key: str) -> int:
        return self._counts[key]

    def set_current(self, key: str) -> None:
        self._current = key
        self._move_to(next(i for i, (k, _) in enumerate(self._steps) if k == key))

    def show_unknowns(self, unknown: Mapping[str, bool], total: str) -> None:
        """Each step's count of unknown fields, and all of them on the step `total` (Review)."""
        overall = 0
        for step in STEPS:
            count = sum(1 for f in fields_of_step(step.key) if unknown[f.key])
            self.set_count(step.key, count)
            overall += count
        self.set_count(total, overall)

    # --- keys and the mouse ------------------------------------------------------------------

    def _move_to(self, line: int) -> None:
        self.highlighted = line
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._move_to((self.highlighted + step) % len(self._steps))

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self._steps) - 1)

    def action_select(self) -> None:
        self.post_message(self.Chosen(self._steps[self.highlighted][0]))

    def on_click(self, event: events.Click) -> None:
        line = self._line_at(event.y)
        if line is not None:
            self._move_to(line)
            self.action_select()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        line = self._line_at(event.y)
        if line != self._hover:
            self._hover = line
            self.refresh()

    def on_leave(self, _: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _line_at(self, y: int) -> int | None:
        line = y - self.styles.gutter.top
        return line if 0 <= line < len(self._steps) else None
