"""Choose template…: the templates with their descriptions; the preview follows the highlight.

A ModalScreen that dismisses with the chosen name; Escape dismisses with the name it opened on,
so the preview goes back to it. The wizard stores the choice in the session (`template`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.sanitize import visible_controls
from tui.ui.screens.dialog_screen import DialogScreen


class TemplateChooser(DialogScreen[str]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        templates: Sequence[tuple[str, str]],
        current: str,
        on_highlight: Callable[[str], None] | None = None,
    ) -> None:
        """`templates` are (name, description) pairs; `on_highlight` is called with each name
        highlighted, so that the preview can follow."""
        super().__init__(classes="template-chooser")
        self._templates = list(templates)
        self._current = current
        self._on_highlight = on_highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Choose template", classes="dialog-title")
            options = [
                Option(
                    Content.assemble(
                        (visible_controls(name), "bold"),
                        "\n",
                        visible_controls(description) or "(no description)",
                    ),
                    id=name,
                )
                for name, description in self._templates
            ]
            yield OptionList(*options, id="template-options")
            yield Static(
                "Enter: use it · Escape: keep " + visible_controls(self._current),
                classes="dialog-note",
            )

    def on_mount(self) -> None:
        # At the left, not over the middle: the preview on the right must stay in sight while it
        # follows the highlight. Inline styles: the app's .dialog rules would win over DEFAULT_CSS.
        self.styles.align = ("left", "top")
        dialog = self.query_one(".dialog", Vertical)
        dialog.styles.width = "50%"
        dialog.styles.min_width = 40
        options = self.query_one("#template-options", OptionList)
        names = [name for name, _ in self._templates]
        if self._current in names:
            options.highlighted = names.index(self._current)
        options.focus()

    @on(OptionList.OptionHighlighted, "#template-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._on_highlight is not None and event.option.id:
            self._on_highlight(event.option.id)

    @on(OptionList.OptionSelected, "#template-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or self._current)

    def action_cancel(self) -> None:
        self.dismiss(self._current)
