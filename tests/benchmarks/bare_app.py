"""The baseline for start-up time and memory: a bare Textual app showing one Input.

Nothing but what any Textual app pays: the interpreter, Textual's imports, one screen with one
focused Input. The benchmark waits for its placeholder to appear, as it waits for incident-tui's
first field and footer.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input

PLACEHOLDER = "bare textual app ready"


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER)


if __name__ == "__main__":
    BareApp().run()
