"""The Textual app: which screen to start on, app-wide keys, the command palette, quitting.

Screens and widgets live in tui/screens and tui/widgets; this module only wires them together.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.screen import Screen
from textual.widgets import Input, TextArea

from tui.core.sanitize import visible_controls
from tui.core.session import Session, SessionError, SessionStore, now_utc
from tui.ui.actions import bindings
from tui.ui.collector import CollectorSettling
from tui.ui.commands import ActionCommands
from tui.ui.screens.wizard import WizardScreen
from tui.ui.settings import AppSettings
from tui.ui.styles import load_later_styles
from tui.ui.textual_compat import (
    CrashReportingApp,
    give_default_screen_a_result_callback,
    install_paste_parser,
    isolate_thread_worker_contexts,
    release_style_caches,
)
from tui.ui.textual_compat_driver import frames_first
from tui.ui.widgets.choice_field import ChoiceField
from tui.ui.widgets.field_editor import FieldEditor

if TYPE_CHECKING:
    from tui.core.prompt import TemplateLibrary
    from tui.ui.screens.help import Section
    from tui.ui.screens.picker import PickerScreen

#: How long a hang-up may take to shut down in order before the process just exits.
HANGUP_GRACE_SECONDS = 2.0


class IncidentApp(CrashReportingApp[int]):
    CSS_PATH = "app.tcss"
    TITLE = "incident-tui"

    # The palette lists tui.ui.actions (and the Textual commands of get_system_commands).
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ActionCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        # Quit, Help and the palette key: declared in tui.ui.actions.
        *bindings("app"),
        # Priority, so focus moves before the next key is dispatched: otherwise a Tab bubbles up
        # through the form while keys typed right after it (a fast typist, a tmux send-keys)
        # still land in the field it was leaving.
        Binding("tab", "focus_field(1)", show=False, priority=True),
        Binding("shift+tab", "focus_field(-1)", show=False, priority=True),
    ]

    def __init__(
        self,
        store: SessionStore,
        *,
        start: str = "picker",
        path: Path | None = None,
        title: str = "",
        library: TemplateLibrary | None = None,
        clock: Callable[[], datetime] = now_utc,
        blink: bool = True,
        session: Session | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.crash_home = store.home
        #: The garbage collector's settling (run_tui's, interpreter-wide; tests: None).
        self.collector: CollectorSettling | None = None
        self.start = start
        self.start_path = path
        self.start_session = session
        #: Set by run_tui, the real program: never inside a test process.
        self.hard_exit_on_hangup = False
        self.start_title = title
        #: None: the wizard makes its own (tui.core.prompt is imported after the first frame)
        self.library = library
        self.clock = clock
        self.blink = blink
        #: why the session asked for could not be opened (shown once the picker is up)
        self._start_problem = ""
        #: config.toml: its [keymap] (action id → keys) and theme, applied before the first frame.
        self.settings = AppSettings(store.home)
        self.keymap = self.settings.keymap
        self.settings.apply(self)

    def get_default_screen(self) -> Screen[None]:
        # The first screen is the app's default screen rather than one pushed over a blank
        # default: one screen and one full frame less before the wizard shows.
        screen = self._first_screen()
        # switch_screen (see _show) drops the result callback that push_screen gives a screen;
        # Textual gives the default screen none.
        give_default_screen_a_result_callback(self, screen)
        return screen

    def _first_screen(self) -> Screen[None]:
        if self.start == "resume":
            session = self.start_session
            if session is None and self.start_path is not None:
                try:
                    session = self.store.load(self.start_path)
                except SessionError as exc:
                    self._start_problem = str(exc)
                    return self._picker()
            if session is not None:
                return self._wizard(session)
        # Any file, readable or not, is for the picker to show; reading them is its job, after
        # its first frame.
        if self.start != "new" and any(self.store.iter_paths()):
            return self._picker()
        # A new incident may come pre-filled from a service profile (tui/cli_gather.py).
        session = self.start_session or self.store.create(self.start_title)
        return self._wizard(session, fresh=True)

    def on_load(self) -> None:
        isolate_thread_worker_contexts()

    def on_mount(self) -> None:
        if self.collector is not None:
            self.call_after_refresh(self.collector.settle)
        # Once the first screen is drawn: what it does not show is styled from then on.
        self.call_after_refresh(load_later_styles, self, parse=True)
        self._catch_hangup()
        self.settings.start(self)
        if self._start_problem:
            self.notify(visible_controls(self._start_problem), severity="error", markup=False)

    def _catch_hangup(self) -> None:
        """A dropped SSH connection (SIGHUP) or a kill (SIGTERM) saves before the app goes."""
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self.on_hangup)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A screen that uses Tab itself (the path dialogs complete paths) gets it.
        return action != "focus_field" or not getattr(self.screen, "COMPLETES_ON_TAB", False)

    def action_focus_field(self, direction: int) -> None:
        """Tab / shift+Tab."""
        if direction < 0:
            self.action_focus_previous()
        else:
            self.action_focus_next()

    def on_unmount(self) -> None:
        stop_template_renders()
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            for number in (signal.SIGHUP, signal.SIGTERM):
                loop.remove_signal_handler(number)

    def on_hangup(self) -> None:
        wizard = self.wizard
        if wizard is not None:
            apply_pending_edits(wizard)
            wizard.save_before_exit()
        stop_template_renders()
        # With the terminal gone, Textual's shutdown can block for ever writing to it (seen: a
        # process left behind after a dropped connection). The incident is saved; if the orderly
        # exit has not finished in a moment, leave without it.
        if self.hard_exit_on_hangup:
            watchdog = threading.Timer(HANGUP_GRACE_SECONDS, os._exit, args=(1,))
            watchdog.daemon = True
            watchdog.start()
        self.exit(1, return_code=1)

    # --- screens ---------------------------------------------------------------------------------

    def _show(self, screen: Screen[None]) -> None:
        # The picker or the wizard is always the bottom screen (see get_default_screen).
        self.switch_screen(screen)
        release_style_caches()
        if self.collector is not None:
            self.collector.release()

    @on(WizardScreen.Settled)
    def _settled(self) -> None:
        if self.collector is not None:
            self.collector.settle()

    def _picker(self) -> PickerScreen:
        from tui.ui.screens.picker import PickerScreen

        return PickerScreen(self.store, self.clock)

    def _wizard(self, session: Session, *, fresh: bool = False) -> WizardScreen:
        return WizardScreen(session, self.store, self.library, blink=self.blink, fresh=fresh)

    def open_picker(self) -> None:
        self._show(self._picker())

    def open_session(self, session: Session, *, fresh: bool = False) -> None:
        self._show(self._wizard(session, fresh=fresh))

    def open_path(self, path: Path) -> None:
        try:
            session = self.store.load(path)
        except SessionError as exc:
            self.notify(visible_controls(str(exc)), severity="error", markup=False)
            from tui.ui.screens.picker import PickerScreen

            if not isinstance(self.screen, PickerScreen):
                self.open_picker()
            return
        self.open_session(session)

    def new_incident(self, title: str = "") -> None:
        self.open_session(self.store.create(title), fresh=True)

    # Named handlers, not @on(PickerScreen...): that would import the picker before the
    # wizard's first frame.
    def on_picker_screen_open(self, event: PickerScreen.Open) -> None:
        self.open_path(event.path)

    def on_picker_screen_new(self, event: PickerScreen.New) -> None:
        self.new_incident()

    @on(WizardScreen.Leave)
    def _leave(self) -> None:
        self.open_picker()

    @property
    def wizard(self) -> WizardScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, WizardScreen)), None)

    # --- actions ---------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Save (synchronously: the app is leaving) and quit. Never drops edits silently."""
        wizard = self.wizard
        error = None
        if wizard is not None:
            apply_pending_edits(wizard)
            error = wizard.save_before_exit()
        if error is None:
            stop_template_renders()
            self.exit(0)
            return

        from tui.ui.screens.dialogs import ConfirmDialog

        def decide(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit(1, return_code=1)

        self.push_screen(
            ConfirmDialog(
                "NOT SAVED",
                f"The incident could not be saved: {error}.\n\nQuit anyway and lose the unsaved "
                "edits? (Stay, and export the prompt or free some space first.)",
                yes="Quit without saving",
                no="Stay",
                danger=True,
            ),
            decide,
        )

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.key_sections(), self.keymap))

    def key_sections(self) -> list[Section]:
        """F1: tui.ui.actions' keys, as this run's keymap has them."""
        from tui.ui.screens.help import TEXT_KEYS, binding_rows
        from tui.ui.widgets.checklist import ChecklistList

        rows = partial(binding_rows, display=self.get_key_display)
        return [
            ("Everywhere", rows(bindings("app", self.keymap))),
            ("Wizard", rows(bindings("wizard", self.keymap))),
            ("In a field", list(TEXT_KEYS)),
            ("On the Checklist", rows(b for b in ChecklistList.BINDINGS if isinstance(b, Binding))),
            ("Saved incidents list", rows(bindings("picker", self.keymap))),
        ]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The Textual commands the palette keeps (tui.ui.commands adds the app's actions).

        Not Quit and Keys (Save and quit, F1 do that here), nor Screenshot (it would write the
        incident, secrets unmasked, to a world-readable file in Downloads).
        """
        yield SystemCommand("Theme", "Change the current theme", self.action_change_theme)
        if screen.maximized is not None:
            yield SystemCommand(
                "Minimize", "Minimize the widget and restore to normal size", screen.action_minimize
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand("Maximize", "Maximize the focused widget", screen.action_maximize)


def apply_pending_edits(wizard: WizardScreen) -> None:
    """Take into the session what the fields show but the wizard has not heard of yet.

    A key changes its field at once, and the news reaches the wizard as messages, a moment
    later. A hang-up or a quit in that moment would save without the edit already on screen.
    """
    session = wizard.session
    for editor in wizard.query(FieldEditor):
        key = editor.field.key
        value = editor.value
        widget = editor.input_widget
        shown: object = None
        if isinstance(widget, TextArea):
            shown = widget.text
        elif isinstance(widget, Input | ChoiceField):
            shown = widget.value
        # The field shows control characters as symbols: unchanged text is not an edit.
        if isinstance(shown, str) and shown != visible_controls(value):
            value = shown
        if value != session.get(key):
            wizard.apply_change(key, value)


def stop_template_renders() -> None:
    """End a user template's render under way, so that it cannot hold the exit up (Textual
    waits for its thread workers). Nothing to do when no template was ever rendered."""
    templates = sys.modules.get("tui.core.templates")
    if templates is not None:
        templates.stop_rendering()


@contextlib.contextmanager
def ui_interpreter() -> Iterator[None]:
    """The interpreter-wide settings the UI runs under (the benchmark's in-process harness uses
    them too). Here and not in the App, because tests create apps in one process.

    The UI thread shares the GIL with the save and render workers, and at Python's default
    switch interval an autosave of a big log held the screen visibly; a shorter one lets it go
    sooner. The collector may have been left off for the start (see tui.ui.collector).
    """
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        yield
    finally:
        sys.setswitchinterval(switch_interval)
        gc.enable()


def run_tui(
    store: SessionStore,
    *,
    start: str = "picker",
    path: Path | None = None,
    title: str = "",
    session: Session | None = None,
) -> int:
    """Run the terminal UI; the exit status (0 unless the user quit without saving).

    `session` is `path` already loaded (resume), so a big log is not parsed twice.
    """
    app = IncidentApp(store, start=start, path=path, title=title, session=session)
    app.hard_exit_on_hangup = True
    app.collector = CollectorSettling()
    app.driver_class = frames_first(app.driver_class)
    install_paste_parser()
    with ui_interpreter():
        try:
            result = app.run()
        finally:
            app.collector.stop()
    if app.crash_report is not None:
        print(app.crash_report, file=sys.stderr)
    if isinstance(result, int):
        return result
    return app.return_code or 0
