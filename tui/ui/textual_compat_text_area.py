"""The part of textual_compat.py that needs Textual's TextArea, whose import (its document and
history modules) waits until a multi-line field or the prompt is first shown; the compat module
itself is imported before the first frame. The same rules apply: tests/ui/test_textual_compat.py
covers it.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import TextArea


class FullBoxTextArea(TextArea):
    """A TextArea that lays the screen out only when its text can change its box.

    Textual 8.2.8's `TextArea._refresh_size` sets `virtual_size` (a layout reactive) to the
    wrapped text's height after every edit that adds or removes a wrapped line: in a field
    already scrolling at its max-height, a word moving to the next line laid out the whole
    screen, the slowest keys typed. While the text overflows the box before and after the edit,
    its height is clamped and the vertical scrollbar shown either way: only the scroll range
    changes, which `Widget._scroll_update` (what a layout would call) brings up to date.
    """

    def _refresh_size(self) -> None:
        new = Size(0, self.wrapped_document.height)
        old = self.virtual_size
        shown = self.scrollable_content_region.height
        if not self.soft_wrap or new == old or not (0 < shown < min(old.height, new.height)):
            super()._refresh_size()
            return
        self.set_reactive(Widget.virtual_size, new)
        self._scroll_update(new)
        self.refresh()
