"""The command palette (ctrl+p): every action of tui.ui.actions that works where it was opened.

One provider for all of them, so discovery lists them in one alphabetical list (as Textual's
own system commands are), with the key of each as the keymap has it now.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.types import IgnoreReturnCallbackType

from tui.ui.actions import ACTIONS, Scope, shown_keys
from tui.ui.screens.wizard import WizardScreen

#: The screen each scope's actions run on.

Command = tuple[str, str, IgnoreReturnCallbackType]


def action_commands(screen: Screen[Any], keymap: Mapping[str, str]) -> Iterator[Command]:
    """(title, help, callback) for each palette action that works on `screen`."""
    from tui.ui.screens.picker import PickerScreen

    screens: dict[Scope, type[Screen[Any]]] = {"wizard": WizardScreen, "picker": PickerScreen}
    app = screen.app
    for action in ACTIONS:
        if not action.title:
            continue
        if action.scope == "app":
            target: Any = app
        elif isinstance(screen, screens[action.scope]):
            target = screen
        else:
            continue
        keys = shown_keys(action, keymap, app.get_key_display)
        help_text = f"{action.help} ({keys})" if keys else action.help
        yield action.title, help_text, partial(target.run_action, action.action)


class ActionCommands(Provider):
    """The app's actions and the few Textual commands it keeps (IncidentApp.get_system_commands)."""

    def _commands(self) -> list[Command]:
        app = self.app
        keymap: Mapping[str, str] = getattr(app, "keymap", {})
        commands = list(action_commands(self.screen, keymap))
        commands += [(c.title, c.help, c.callback) for c in app.get_system_commands(self.screen)]
        return sorted(commands, key=lambda command: command[0])

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
