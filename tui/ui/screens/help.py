"""F1: every key the app answers to, grouped by where it works."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.ui.actions import ACTIONS_BY_ID, keys_of
from tui.ui.screens.dialog_screen import DialogScreen

#: (keys, what they do) rows, in a titled section.
Section = tuple[str, Sequence[tuple[str, str]]]

#: The editor keys worth knowing while production burns (TextArea's own bindings).
TEXT_KEYS: Sequence[tuple[str, str]] = (
    ("tab / shift+tab", "Next / previous field"),
    ("ctrl+z / ctrl+y", "Undo / redo"),
    ("ctrl+a / ctrl+e", "Start / end of line"),
    ("ctrl+k / ctrl+u", "Delete to end / start of line"),
    ("ctrl+x / ctrl+c / ctrl+v", "Cut / copy / paste (inside the app)"),
    ("shift+arrows", "Select text"),
    ("enter (on Severity)", "Open the list of severities"),
)


class HelpScreen(DialogScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss(None)", "Close"),
    ]

    def __init__(
        self, sections: Sequence[Section], keymap: Mapping[str, str] | None = None
    ) -> None:
        super().__init__()
        self._sections = sections
        #: config.toml's [keymap], for the keys the notes name.
        self._keymap = keymap or {}

    def _key(self, action_id: str) -> str:
        return keys_of(ACTIONS_BY_ID[action_id], self._keymap).replace(",", " or ")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(Content("Keys · Esc closes"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                for title, rows in self._sections:
                    yield Static(Content(title), classes="help-section")
                    width = max((len(keys) for keys, _ in rows), default=0)
                    lines = [
                        Content.assemble((keys.ljust(width), "bold $accent"), "  ", what)
                        for keys, what in rows
                    ]
                    yield Static(Content("\n").join(lines), classes="help-rows")
                yield Static(
                    Content(
                        f"Every action is also in the command palette "
                        f"({self._key('command_palette')}): type a few letters of its name."
                    ),
                    classes="help-note",
                )
                yield Static(
                    Content(
                        "Logs with colour codes or other escape sequences: load them from a "
                        f"file ({self._key('load_from_file')}) or paste them in $EDITOR "
                        f"({self._key('edit_in_editor')}). A terminal paste of such "
                        "text can arrive mangled, and escape sequences are dropped from pastes."
                    ),
                    classes="help-note",
                )

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()


def binding_rows(
    bindings: Iterable[Binding], display: Callable[[Binding], str]
) -> list[tuple[str, str]]:
    """Rows for the bindings that have a description, keys merged per description."""
    rows: dict[str, list[str]] = {}
    for binding in bindings:
        if not binding.description:
            continue
        keys = rows.setdefault(binding.tooltip or binding.description, [])
        shown = display(binding)
        if shown not in keys:
            keys.append(shown)
    return [
        (" / ".join(keys) if len(keys) <= 2 else f"{keys[0]} … {keys[-1]}", label)
        for label, keys in rows.items()
    ]
