"""config.toml in the running app: its keymap and theme applied, its problems shown, the theme
chosen in the palette written back. Reading and writing the file is tui.core.config's job."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App
from textual.theme import Theme

from tui.core.config import ConfigProblem, ConfigReadError, load_config, save_setting
from tui.core.sanitize import visible_controls
from tui.ui.actions import keymap_from


class AppSettings:
    """The settings of one app run. A broken file means defaults, and a line saying why."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.config = load_config(home)
        #: Action id → keys, as applied with App.set_keymap (only entries that were valid).
        self.keymap, problems = keymap_from(self.config)
        self.problems: list[ConfigProblem] = [*self.config.problems, *problems]
        self._theme = self.config.theme

    def apply(self, app: App[Any]) -> None:
        """Keymap and theme, before the first frame."""
        if self.keymap:
            app.set_keymap(self.keymap)
        theme = self.config.theme
        if theme is None:
            return
        if theme in app.available_themes:
            app.theme = theme
        else:
            known = ", ".join(sorted(app.available_themes))
            self.problems.append(
                self.config.problem(
                    self.config.theme_line, f"theme {theme!r} does not exist ({known})"
                )
            )

    def start(self, app: App[Any]) -> None:
        """Once mounted: say what was wrong; remember the themes chosen from now on."""
        for problem in self.problems:
            app.notify(
                visible_controls(str(problem)),
                title="Settings: defaults used",
                severity="warning",
                timeout=20,
                markup=False,
            )
        app.theme_changed_signal.subscribe(app, partial(self._theme_changed, app))

    def _theme_changed(self, app: App[Any], theme: Theme) -> None:
        if theme.name == self._theme:
            return
        self._theme = theme.name
        app.run_worker(
            partial(self._save_theme, app, theme.name),
            thread=True,
            group="settings",
            exit_on_error=False,
            description="remember theme",
        )

    def _save_theme(self, app: App[Any], name: str) -> None:
        try:
            save_setting(self.home, "theme", name)
        except (ConfigReadError, OSError) as exc:
            reason = str(exc) if isinstance(exc, ConfigReadError) else exc.strerror or str(exc)
            app.call_from_thread(
                app.notify,
                f"The theme is not remembered: {visible_controls(reason)}",
                severity="warning",
                markup=False,
            )
