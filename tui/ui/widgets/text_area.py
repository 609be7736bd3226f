"""The multi-line editor of a field (see inputs.py for why pastes are cleaned)."""

from __future__ import annotations

from textual import events
from textual.geometry import Region
from textual.strip import Strip

from tui.core.sanitize import strip_controls
from tui.core.textfile import BIG_VALUE_CHARS
from tui.ui.textual_compat import forget_watchers_of
from tui.ui.textual_compat_text_area import FullBoxTextArea
from tui.ui.widgets.inputs import BigPaste


class QuietTextArea(FullBoxTextArea):
    """A TextArea whose cursor moves stay with it: the fields' editors and the prompt's view."""

    def on_text_area_selection_changed(self, event: FullBoxTextArea.SelectionChanged) -> None:
        # Posted on every key typed in a field and every update of the prompt; nothing above
        # them follows their cursor, and each container it bubbled through to the app was one
        # more message handled before the key was echoed.
        event.stop()


class FieldTextArea(QuietTextArea):
    """A multi-line field editor: soft-wrapped, Tab moves focus, pastes cleaned."""

    def __init__(self, text: str = "", *, id: str | None = None, blink: bool = True) -> None:
        super().__init__(
            text,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            id=id,
        )
        self.cursor_blink = blink

    def on_paste(self, event: events.Paste) -> None:
        # prevent_default: TextArea's own paste handler (a base class's) does not run.
        event.prevent_default()
        event.stop()
        if self.read_only or not event.text:
            return
        text = strip_controls(event.text)
        if len(text) + len(self.text) > BIG_VALUE_CHARS:
            self.post_message(BigPaste(self, text))
            return
        start, end = self.selection
        result = self.replace(text, start, end, maintain_selection_offset=False)
        self.move_cursor(result.end_location)

    def on_unmount(self) -> None:
        # TextArea watches the app's theme; without this the app keeps every field ever shown.
        forget_watchers_of(self, self.app)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual can paint a widget once more after removing it (which drops its component
        # styles) and before the next layout; TextArea's theme then raises KeyError and the app
        # dies. A field swaps its TextArea for a read-only view on a huge paste: the benchmark's
        # paste runs hit this. Removed, there is nothing to show.
        if not self.is_attached:
            return [Strip.blank(crop.width)] * crop.height
        return super().render_lines(crop)
