"""The wizard's step list: each step with its count of unknowns (or, for a step that has none,
what it holds: "4" timeline entries, "3/7" checklist items done), the current one marked."""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.schema import STEPS, fields_of_step


class StepList(OptionList):
    """Steps in order; Enter (or a click) on one jumps there. Counts are updated in place."""

    def __init__(self, steps: list[tuple[str, str]], *, id: str | None = None) -> None:
        self._steps = steps
        self._counts: dict[str, int] = {key: 0 for key, _ in steps}
        #: A step's words in place of its count (set_badge).
        self._badges: dict[str, str] = {}
        self._current = steps[0][0]
        super().__init__(*[Option(self._prompt(key), id=key) for key, _ in steps], id=id)

    def _prompt(self, key: str) -> Content:
        index = next(i for i, (k, _) in enumerate(self._steps) if k == key)
        title = self._steps[index][1]
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

    def _refresh_option(self, key: str) -> None:
        self.replace_option_prompt(key, self._prompt(key))

    def set_count(self, key: str, count: int) -> None:
        if self._counts.get(key) == count:
            return
        self._counts[key] = count
        self._refresh_option(key)

    def set_badge(self, key: str, text: str) -> None:
        """Show `text` after the step's title instead of its count of unknowns (or ✓)."""
        if self._badges.get(key) == text:
            return
        self._badges[key] = text
        self._refresh_option(key)

    def badge(self, key: str) -> str | None:
        return self._badges.get(key)

    def count(self, key: str) -> int:
        return self._counts[key]

    def set_current(self, key: str) -> None:
        previous, self._current = self._current, key
        self._refresh_option(previous)
        self._refresh_option(key)
        self.highlighted = self.get_option_index(key)

    def show_unknowns(self, unknown: Mapping[str, bool], total: str) -> None:
        """Each step's count of unknown fields, and all of them on the step `total` (Review)."""
        overall = 0
        for step in STEPS:
            count = sum(1 for f in fields_of_step(step.key) if unknown[f.key])
            self.set_count(step.key, count)
            overall += count
        self.set_count(total, overall)
