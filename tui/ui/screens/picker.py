"""The list of saved incidents, newest first: open one, start a new one, delete one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.core.sanitize import visible_controls
from tui.core.session import (
    BrokenSession,
    SessionError,
    SessionStore,
    SessionSummary,
    age_text,
)
from tui.core.store import summarize
from tui.ui.actions import bindings
from tui.ui.textual_compat import StyledOnceScreen, paint_only_dirty_rows
from tui.ui.widgets.key_bar import KeyBar

NEW = "new-incident"


class SessionList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", tooltip="Open the highlighted incident")
    ]


class PickerScreen(StyledOnceScreen):
    class Open(Message):
        """Open this saved incident (handled by the app)."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    class New(Message):
        """Start a new incident (handled by the app)."""

    # Declared in tui.ui.actions.
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("picker")]

    def __init__(self, store: SessionStore, clock: Callable[[], datetime]) -> None:
        super().__init__()
        paint_only_dirty_rows(self)
        self.store = store
        self.clock = clock
        self.summaries: list[SessionSummary] = []
        self.broken: list[BrokenSession] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(
                Content.assemble(
                    ("incident-tui", "bold"), " · saved incidents, most recently updated first"
                ),
                id="picker-title",
            )
            yield SessionList(id="sessions")
            yield Static("", id="picker-broken")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#sessions", SessionList).focus()
        self.reload()

    def reload(self, highlight: int = 0) -> None:
        """Read the saved incidents again, in a worker: hundreds of files with big logs take
        seconds to parse, and the keys (n: new incident, ctrl+q) answer meanwhile."""
        if not self.summaries:
            self.query_one("#sessions", SessionList).set_options(
                [Option(Content.styled("Reading the saved incidents…", "dim"), disabled=True)]
            )
        self._read(highlight)

    # Named: without a description, Textual builds one from repr() of the arguments.
    @work(
        thread=True,
        exclusive=True,
        group="picker",
        description="read incidents",
        exit_on_error=False,
    )
    def _read(self, highlight: int) -> None:
        found = read_incidents(self.store)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, found, highlight)

    def _show(
        self, found: tuple[list[SessionSummary], list[BrokenSession]], highlight: int
    ) -> None:
        if not self.is_attached:
            return  # left (a new incident was started) while the files were read
        summaries, self.broken = found
        now = self.clock()
        options = [Option(Content.assemble(("+ New incident", "bold $text-accent")), id=NEW)]
        self.summaries = []
        for summary in summaries:
            try:
                row = self._row(summary, now)
            except Exception as exc:  # noqa: BLE001 - one odd file never hides the others
                self.broken.append(BrokenSession(summary.id, summary.path, _reason(exc)))
                continue
            options.append(Option(row, id=f"s{len(self.summaries)}"))
            self.summaries.append(summary)
        sessions = self.query_one("#sessions", SessionList)
        sessions.set_options(options)
        sessions.highlighted = min(highlight + 1 if self.summaries else 0, len(options) - 1)
        broken = self.query_one("#picker-broken", Static)
        broken.display = bool(self.broken)
        if self.broken:
            lines = [f"Skipped {len(self.broken)} unreadable file(s):"]
            lines += [
                f"  {visible_controls(str(b.path))}: {visible_controls(b.reason)}"
                for b in self.broken
            ]
            broken.update(Content("\n".join(lines)))

    @staticmethod
    def _row(summary: SessionSummary, now: datetime) -> Content:
        severity = summary.severity
        sev_style = "$text-error bold" if severity in ("SEV1", "SEV2") else "$text-warning"
        unknown = f"{summary.unknowns} unknown" if summary.unknowns else "complete"
        title = visible_controls(summary.title).replace("\n", " ")
        return Content.assemble(
            (f"{severity:<8}", sev_style if severity != "unknown" else "dim"),
            (f"{age_text(summary.updated_at, now) + ' ago':>9}  ", "dim"),
            (f"{unknown:<11}  ", "$text-warning" if summary.unknowns else "$text-success"),
            title,
        )

    def _highlighted(self) -> SessionSummary | None:
        sessions = self.query_one("#sessions", SessionList)
        index = sessions.highlighted
        if index is None or index == 0:
            return None
        return self.summaries[index - 1]

    @on(OptionList.OptionSelected, "#sessions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == NEW:
            self.action_new_incident()
            return
        summary = self._highlighted()
        if summary is not None:
            self.post_message(self.Open(summary.path))

    def action_new_incident(self) -> None:
        self.post_message(self.New())

    def action_delete(self) -> None:
        from tui.ui.screens.dialogs import ConfirmDialog

        summary = self._highlighted()
        if summary is None:
            return
        index = self.summaries.index(summary)

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.delete(summary)
            except OSError as exc:
                self.notify(
                    f"Could not delete: {visible_controls(str(exc.strerror or exc))}",
                    severity="error",
                    markup=False,
                )
                return
            self.notify(f"Deleted {visible_controls(summary.id)}", markup=False)
            self.reload(max(0, index - 1) if index >= len(self.summaries) - 1 else index)

        self.app.push_screen(
            ConfirmDialog(
                "Delete this incident?",
                f"{summary.title}\n\nThe file {summary.path} is removed. This cannot be undone.",
                yes="Delete",
                no="Keep",
                danger=True,
            ),
            done,
        )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SessionError):
        return exc.reason
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    return f"cannot be read ({type(exc).__name__})"


def read_incidents(
    store: SessionStore,
) -> tuple[list[SessionSummary], list[BrokenSession]]:
    """The store's listing; should one file still make it fail, each file on its own, so the
    good ones are shown and each bad one is named (never a traceback)."""
    try:
        return store.list()
    except Exception:  # noqa: BLE001 - see below
        pass
    good: list[SessionSummary] = []
    broken: list[BrokenSession] = []
    try:
        paths = sorted(store.iter_paths())
    except OSError as exc:
        return [], [BrokenSession(store.sessions_dir.name, store.sessions_dir, _reason(exc))]
    for path in paths:
        try:
            good.append(summarize(path, store.load(path)))
        except Exception as exc:  # noqa: BLE001 - RecursionError, MemoryError included
            broken.append(BrokenSession(path.stem, path, _reason(exc)))
    good.sort(key=lambda s: (s.updated_at, s.id), reverse=True)
    return good, broken
