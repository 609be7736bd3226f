"""The editable inputs of a field, hardened against what a pasted log can hold.

A bracketed paste arrives with its escape sequences intact, and Textual draws a TextArea's or an
Input's text as is: an OSC 52 or OSC 2 in a pasted log would reach the user's terminal. Pasted text
therefore loses its escape sequences and control characters (the prompt drops them anyway), and a
paste too large to edit comfortably is handed to the field as a whole instead of to the TextArea.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea

from tui.sanitize import strip_controls
from tui.textfile import BIG_VALUE_CHARS

#: A single-line field takes at most this much of a paste.
LINE_PASTE_LIMIT = 2000


class FieldTextArea(TextArea):
    """A multi-line field editor: soft-wrapped, Tab moves focus, pastes cleaned."""

    class BigPaste(Message):
        """A paste too large for the editor; the field takes it as a read-only value."""

        def __init__(self, text_area: FieldTextArea, text: str) -> None:
            super().__init__()
            self.text_area = text_area
            self.text = text

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

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        if self.read_only or not event.text:
            return
        text = strip_controls(event.text)
        if len(text) + len(self.text) > BIG_VALUE_CHARS:
            self.post_message(self.BigPaste(self, text))
            return
        if result := self._replace_via_keyboard(text, *self.selection):
            self.move_cursor(result.end_location)


class FieldInput(Input):
    """A single-line field editor: pastes cleaned, first line only, bounded."""

    def __init__(self, value: str = "", *, id: str | None = None, blink: bool = True) -> None:
        super().__init__(value, id=id, select_on_focus=False)
        self.cursor_blink = blink

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        lines = strip_controls(event.text).split("\n")
        line = next((part for part in lines if part.strip()), "")[:LINE_PASTE_LIMIT]
        if not line:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(line)
        else:
            self.replace(line, *self.selection)
