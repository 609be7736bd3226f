"""What saving the open incident is up to: edits made, edits on disk, failures, conflicts.

Textual-free, so that unit tests drive it without an app. The wizard counts every edit here
(a generation), takes a job (a snapshot and its generation) on the UI thread, runs it in a worker,
and hands the result back on the UI thread; `status` is what the top bar shows and `finish` says
what, if anything, to tell the user. The writing itself is autosave.Saver's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, NamedTuple

from tui.core.autosave import Saved, Saver, snapshot
from tui.core.model import Item, Session, add_missing
from tui.core.store import SessionStore

StatusKind = Literal["failed", "read-only", "dirty", "new", "saved"]
#: What to tell the user about a finished save: nothing, where it went, that it went to a copy
#: (conflict), or that it failed (said once per distinct reason).
Notice = Literal["none", "saved", "moved", "failed"]


class Status(NamedTuple):
    kind: StatusKind
    detail: str | None = None


class SaveJob(NamedTuple):
    """A snapshot of the session at edit number `generation`, taken on the UI thread."""

    session: Session
    generation: int
    announce: bool = False


class SaveResult(NamedTuple):
    """What a job came to: where it went (None: a newer one was already on disk), or why not."""

    saved: Saved | None = None
    error: str | None = None


class SaveController:
    def __init__(self, session: Session, store: SessionStore, *, fresh: bool = False) -> None:
        self.session = session
        self.saver = Saver(store)
        # A new incident given a title on the command line has an edit to save already.
        self.generation = 1 if fresh and session.title.strip() else 0
        self.saved_generation = 0
        self.on_disk = session.path is not None and session.path.exists()
        self.error: str | None = None
        #: Told (on the UI thread) of the list items another writer appended to the file once
        #: they are in the session, e.g. a `note` from a second terminal: the wizard shows them.
        self.on_merged: Callable[[dict[str, list[Item]]], None] | None = None

    def open(self) -> str | None:
        """Lock the session file; the sentence saying why it is read-only, or None."""
        if self.saver.open(self.session.path) is None:
            return None
        return self.saver.read_only_message() or ""

    def close(self) -> None:
        self.saver.close()

    def edited(self) -> None:
        self.generation += 1

    @property
    def dirty(self) -> bool:
        return self.generation > self.saved_generation

    @property
    def status(self) -> Status:
        if self.error is not None and self.dirty:
            return Status("failed", self.error)
        if self.saver.read_only_because is not None:
            return Status("read-only")
        if self.dirty:
            return Status("dirty")
        if not self.on_disk:
            return Status("new")
        return Status("saved")

    def request_save(self) -> bool:
        """An explicit save: whether there is anything to write (an empty new incident is)."""
        if self.generation == 0 and not self.on_disk:
            self.generation = 1
        return self.dirty

    def job(self, *, announce: bool = False) -> SaveJob:
        return SaveJob(snapshot(self.session), self.generation, announce)

    def run(self, job: SaveJob) -> SaveResult:
        """Write the job (in a worker thread). Never raises: a failure is a reason."""
        try:
            return SaveResult(saved=self.saver.save(job.session, job.generation))
        except OSError as exc:
            return SaveResult(error=exc.strerror or str(exc))
        except Exception as exc:  # noqa: BLE001 - reported in the status line, data kept
            return SaveResult(error=f"{type(exc).__name__}: {exc}")

    def finish(self, job: SaveJob, result: SaveResult) -> Notice:
        """Take a job's result on the UI thread; what to tell the user."""
        if result.error is not None:
            first = self.error != result.error
            self.error = result.error
            return "failed" if first else "none"
        if result.saved is None:
            # This edit or a newer one is on disk already; that save reports itself.
            self.saved_generation = max(self.saved_generation, job.generation)
            return "none"
        self.saved_generation = max(self.saved_generation, job.generation)
        self.on_disk = True
        self.error = None
        snap = job.session
        self.session.updated_at = snap.updated_at
        self.session.id = snap.id
        self.session.path = snap.path
        self.take_merged()
        if result.saved.moved_because is not None:
            return "moved"
        return "saved" if job.announce else "none"

    # --- another writer's list items (`incident-tui note` while the wizard is open) -------------

    def disk_path(self) -> Path | None:
        """On the UI thread: the file check_disk should look at, or None (not saved yet)."""
        return self.session.path if self.on_disk else None

    def check_disk(self, path: Path) -> bool:
        """In a worker: whether the file gained list items from another writer (see
        Saver.check_disk); if so, take_merged on the UI thread adds them. Never raises."""
        try:
            return self.saver.check_disk(path)
        except Exception:  # noqa: BLE001 - a check that fails is left to the next save
            return False

    def take_merged(self) -> dict[str, list[Item]]:
        """On the UI thread: add to the session the list items merged in from the file that it
        does not have yet, tell on_merged, and return them by list. Nothing becomes unsaved:
        the file has them already."""
        added: dict[str, list[Item]] = {}
        for table, items in self.saver.take_merged(self.generation).items():
            new = add_missing(self.session, table, items)
            if new:
                added[table] = new
        if added and self.on_merged is not None:
            self.on_merged(added)
        return added
