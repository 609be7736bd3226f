"""The editable inputs of a field, hardened against what a pasted log can hold.

A bracketed paste arrives with its escape sequences intact, and Textual draws a TextArea's or an
Input's text as is: an OSC 52 or OSC 2 in a pasted log would reach the user's terminal. Pasted text
therefore loses its escape sequences and control characters (the prompt drops them anyway), and a
paste too large to edit comfortably is handed to the field as a whole instead of to the TextArea.

The multi-line editor is in text_area.py.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widget import Widget

from tui.core.sanitize import strip_controls
from tui.ui.textual_compat import FixedBoxInput

#: A single-line field takes at most this much of a paste.
LINE_PASTE_LIMIT = 2000


class BigPaste(Message):
    """A paste too large for a text editor; the field takes it as a read-only value."""

    def __init__(self, text_area: Widget, text: str) -> None:
        super().__init__()
        self.text_area = text_area
        self.text = text


class FieldInput(FixedBoxInput):
    """A single-line field editor: pastes cleaned, first line only, bounded."""

    def __init__(self, value: str = "", *, id: str | None = None, blink: bool = True) -> None:
        super().__init__(value, id=id, select_on_focus=False)
        self.cursor_blink = blink

    def on_paste(self, event: events.Paste) -> None:
        # prevent_default: Input's own paste handler (a base class's) does not run.
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
