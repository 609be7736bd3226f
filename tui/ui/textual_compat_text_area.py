"""The part of textual_compat.py that needs Textual's TextArea, whose import (its document and
history modules) waits until a multi-line field or the prompt is first shown; the compat module
itself is imported before the first frame. The same rules apply: tests/ui/test_textual_compat.py
covers it.
"""

from __future__ import annotations

from typing import Any

from textual.cache import LRUCache
from textual.css.scalar import Unit
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import TextArea


class FullBoxTextArea(TextArea):
    """A TextArea that lays the screen out only when its text can change its box, and then once.

    Textual 8.2.8's `TextArea._refresh_size` sets `virtual_size` (a layout reactive) to the
    wrapped text's height after every edit that adds or removes a wrapped line: in a field
    already scrolling at its max-height, a word moving to the next line laid out the whole
    screen, the slowest keys typed. While the text overflows the box before and after the edit,
    its height is clamped and the vertical scrollbar shown either way: only the scroll range
    changes, which `Widget._scroll_update` (what a layout would call) brings up to date.

    In a box that grows with its text (`height: auto`), a new wrapped line first showed the
    vertical scrollbar (the text is taller than the box, until the layout grows the box), and
    the layout's `_scroll_update` hid it again: a second layout of the screen for every row a
    field grew by. While the text still fits under the max-height, the box will fit it and no
    scrollbar is shown before or after, so the scrollbars are brought up to date after the
    layout, not before it.
    """

    def _refresh_size(self) -> None:
        new = Size(0, self.wrapped_document.height)
        old = self.virtual_size
        if not self.soft_wrap or new == old:
            super()._refresh_size()
            return
        shown = self.scrollable_content_region.height
        if 0 < shown < min(old.height, new.height):
            self.set_reactive(Widget.virtual_size, new)
            self._scroll_update(new)
            self.refresh()
        elif not self.show_vertical_scrollbar and new.height <= self._auto_height_room():
            self.virtual_size = new
            self.call_after_refresh(self._refresh_scrollbars)
        else:
            super()._refresh_size()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Textual 8.2.8's `ScrollView._size_updated` compares the virtual size the layout gives
        (the box) with its own (the wrapped text's), which never match for a TextArea: every
        layout of the screen refreshed the scrollbars of every TextArea on it (the prompt's
        among them), though neither its box nor its text had changed. Edits bring the
        scrollbars up to date themselves (`_refresh_size`)."""
        if self.soft_wrap and size == self._size and container_size == self.container_size:
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _auto_height_room(self) -> int:
        """The rows of text an auto-height box can grow to show (0 for any other box)."""
        styles = self.styles
        height, max_height = styles.height, styles.max_height
        if height is None or not height.is_auto:
            return 0
        if max_height is None:
            return self.wrapped_document.height
        if max_height.unit != Unit.CELLS:
            return 0
        box = int(max_height.value)
        return box if styles.box_sizing == "content-box" else box - styles.gutter.height

    # --- rows kept across edits -------------------------------------------------------------

    #: Rows drawn, by everything a row's drawing depends on (see _row_key).
    _rows: LRUCache[tuple[Any, ...], Strip] | None = None

    def render_line(self, y: int) -> Strip:
        """Textual 8.2.8's TextArea forgets every drawn row on each edit (`_build_highlight_map`
        clears `_line_cache`) and, soft-wrapped, keys each row on the cursor's position: each
        key typed redrew every row shown, though one or two changed. Rows are kept here by what
        they show instead: their text, and the cursor, selection and bracket marks in it."""
        key = self._row_key(y)
        if key is None:
            return super().render_line(y)
        if self._rows is None:
            self._rows = LRUCache(256)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = super().render_line(y)
        return row

    def _row_key(self, y: int) -> tuple[Any, ...] | None:
        """None where a row depends on more than its own text and marks (syntax highlights,
        line numbers, tabs, a suggestion, the cursor's whole line highlighted, an empty line,
        the placeholder): Textual draws those rows itself."""
        if (
            self._highlights
            or self.show_line_numbers
            or self.highlight_cursor_line
            or self.suggestion
            or not self.soft_wrap
            or not self.text
        ):
            return None
        scroll_x, scroll_y = self.scroll_offset
        wrapped = self.wrapped_document
        try:
            line_index, section = wrapped._offset_to_line_info[scroll_y + y]
        except IndexError:
            return None
        line = self.document.get_line(line_index)
        if not line or "\t" in line:
            return None
        bounds = [0, *wrapped.get_offsets(line_index), len(line) + 1]
        lo, hi = bounds[section], bounds[section + 1]
        start, end = self.selection
        cursor = end[1] - lo if end[0] == line_index and lo <= end[1] <= hi else None
        selected = None
        if start != end:
            top, bottom = sorted((start, end))
            if top[0] <= line_index <= bottom[0]:
                first = top[1] if top[0] == line_index else 0
                last = bottom[1] if bottom[0] == line_index else len(line)
                if first <= hi and last >= lo:
                    selected = (max(first, lo) - lo, min(last, hi) - lo)
        bracket = self._matching_bracket_location
        if bracket is not None and not (bracket[0] == line_index and lo <= bracket[1] <= hi):
            bracket = None
        theme = self._theme
        return (
            self.size,
            self.scrollable_content_region.width,
            scroll_x,
            line[lo:hi],
            hi == len(line) + 1,
            cursor,
            None
            if cursor is None
            else (
                self._draw_cursor,
                self._has_cursor,
                start == end,
                self.match_cursor_bracket,
                self._matching_bracket_location is not None,
            ),
            selected,
            bracket and (bracket[1] - lo, self.match_cursor_bracket),
            self.read_only,
            self.show_cursor,
            None
            if theme is None
            else (
                theme.name,
                theme.base_style,
                theme.cursor_style,
                theme.selection_style,
                theme.bracket_matching_style,
            ),
        )
