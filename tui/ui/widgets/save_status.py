"""The saved / unsaved / NOT SAVED indicator in the wizard's top bar, and the saving it reports.

What to save and when it is saved is a SaveController's (tui.core.save_controller); this widget
adds the debounce timer, the thread worker that writes, and the words the user is told.
"""

from __future__ import annotations

import contextlib
from time import monotonic

from textual import work
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from tui.core.sanitize import visible_controls
from tui.core.save_controller import SaveController, SaveJob, SaveResult

#: The states shown in the fixed width of `#save-status` (the others size to their text).
FIXED_WIDTH = frozenset({"saved", "dirty"})


class SaveStatus(Static):
    def __init__(self, controller: SaveController | None = None, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: str | None = None
        self._state = ""
        self.controller = controller
        self._timer: Timer | None = None
        #: When the first edit not yet saved must be saved by (monotonic), if it must.
        self._due_by: float | None = None

    def show(self, state: str, reason: str = "") -> None:
        """state: "saved", "dirty", "new", "read-only" or "failed" (with the reason)."""
        text = {
            "saved": "✓ Saved",
            "dirty": "● Unsaved",
            "new": "New · not saved yet",
            "failed": f"✗ NOT SAVED: {reason}",
            "read-only": "Read-only · edits go to a copy",
        }[state]
        if text == self._shown:
            return  # called on every keystroke: an update would cost a layout pass each time
        # The everyday states share one fixed width (app.tcss), so going between them repaints
        # this widget only; a layout pass of the whole screen is what stalled the UI on a save.
        same_width = self._state in FIXED_WIDTH and state in FIXED_WIDTH
        self._shown, self._state = text, state
        for name in ("saved", "dirty", "new", "failed", "read-only"):
            self.set_class(name == state, f"-{name}")
        self.update(Content(text), layout=not same_width)

    # --- saving ----------------------------------------------------------------------------------

    @property
    def _saving(self) -> SaveController:
        assert self.controller is not None, "a SaveStatus that saves needs a controller"
        return self.controller

    def refresh_status(self) -> None:
        status = self._saving.status
        self.show(status.kind, visible_controls(status.detail) if status.detail else "")

    @property
    def pending(self) -> bool:
        """A save is scheduled and not started yet."""
        return self._timer is not None

    def schedule(self, delay: float, longest: float | None = None) -> None:
        """Save after `delay` seconds, restarted by every call; with `longest`, no later than
        that many seconds after the first call since the last save, so that typing that never
        pauses for `delay` still reaches the disk."""
        if longest is not None:
            now = monotonic()
            if self._due_by is None:
                self._due_by = now + longest
            delay = min(delay, self._due_by - now)
        self.cancel()
        self._timer = self.set_timer(max(delay, 0.001), self._start)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _start(self, announce: bool = False) -> None:
        self._timer = None
        self._due_by = None
        if self._saving.dirty or announce:
            self._job(self._saving.job(announce=announce))

    def save(self) -> None:
        """The user asked to save: now, and say where (or that nothing changed)."""
        self.cancel()
        if not self._saving.request_save():
            path = self._saving.session.path
            self.app.notify(
                f"No changes since the last save: {visible_controls(str(path))}", markup=False
            )
            return
        self._start(announce=True)

    def save_now(self) -> str | None:
        """Save on the UI thread (the app is leaving). Returns the reason it failed, if so."""
        self.cancel()
        self._due_by = None
        if not self._saving.dirty:
            return None
        job = self._saving.job()
        result = self._saving.run(job)
        self._done(job, result)
        return result.error

    # Named: without a description, Textual builds one from repr() of the arguments (a snapshot
    # holding a big log), on the UI thread.
    @work(thread=True, group="save", exit_on_error=False, description="save")
    def _job(self, job: SaveJob) -> None:
        result = self._saving.run(job)
        with contextlib.suppress(RuntimeError):  # the app has gone meanwhile
            self.app.call_from_thread(self._done, job, result)

    def _done(self, job: SaveJob, result: SaveResult) -> None:
        notice = self._saving.finish(job, result)
        self.refresh_status()
        if notice == "moved":
            because = result.saved.moved_because if result.saved else None
            self.app.notify(
                f"{visible_controls(because or '')}: nothing there was overwritten. Your edits "
                f"are saved as a new incident, {visible_controls(job.session.id)}.",
                title="Saved as a copy",
                severity="warning",
                timeout=15,
                markup=False,
            )
        elif notice == "saved":
            self.app.notify(f"Saved to {visible_controls(str(job.session.path))}", markup=False)
        elif notice == "failed":
            self.app.notify(
                f"Could not save the incident: {visible_controls(result.error or '')}. Your edits "
                "are kept in memory and saving is retried on the next change; export the prompt "
                "to be safe.",
                title="NOT SAVED",
                severity="error",
                timeout=10,
                markup=False,
            )
