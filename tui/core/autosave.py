"""Saving a session off the UI thread without ever writing an older state over a newer one.

The UI bumps a generation number on every edit and hands the saver a snapshot (a copy of the
session taken on the UI thread). Saves run in worker threads, possibly overlapping; the lock and the
generation check make the file always end at the newest snapshot that was saved.

The saver also owns the session file's lock. When another instance holds it, or the file changed
on disk behind our back, nothing is clobbered: the edits go to a copy under a new id, and every
later save follows them there.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import IncidentTuiError
from tui.core.lock import LockUnavailable, SessionLock
from tui.core.model import Item, Session, SessionConflict, add_missing
from tui.core.store import SessionStore


def snapshot(session: Session) -> Session:
    """A copy that the UI thread can keep editing the original of while a worker writes this one."""
    return session.copy()


@dataclass(frozen=True)
class Saved:
    path: Path
    #: Why the edits went to a copy instead of the file they came from, if they did.
    moved_because: str | None = None


class Saver:
    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._written = -1
        self._file_lock: SessionLock | None = None
        self._held_by_other: str | None = None
        self._cannot_lock: str | None = None
        self._store_problem: str | None = None
        # Where a conflict sent the edits: original path -> (new id, new path).
        self._moved: dict[Path, tuple[str, Path]] = {}
        # List items another writer appended to the file, merged into our saves (take_merged).
        self._merged: dict[str, list[Item]] = {}

    @property
    def written_generation(self) -> int:
        return self._written

    @property
    def read_only_because(self) -> str | None:
        """Why the opened file is not written ("pid 42 on bastion", or the lock problem)."""
        return self._held_by_other

    def read_only_message(self) -> str | None:
        """The sentence that tells the user why the incident is read-only, or None."""
        if self._held_by_other is None:
            return None
        if self._store_problem is not None:
            return (
                f"Your incidents directory cannot be used ({self._store_problem}). This incident "
                "is open read-only: nothing is saved; copy or export the prompt instead."
            )
        if self._cannot_lock is not None:
            return (
                f"This incident cannot be locked for editing ({self._cannot_lock}). It is open "
                "read-only: your edits will be saved as a new incident in your own store."
            )
        return (
            f"Another incident-tui ({self._held_by_other}) is editing this incident. "
            "It is open read-only here: your edits will be saved as a new incident."
        )

    def open(self, path: Path | None) -> str | None:
        """Lock the session file we are about to edit.

        Returns None when we may write it; otherwise why not (who holds it, or why the lock or the
        store cannot be used), and the session stays read-only: nothing there is written."""
        self._cannot_lock = self._store_problem = None
        if path is None or not path.exists():
            # A new incident: its file goes in the store, which must be usable.
            try:
                self.store.ensure_dirs()
            except IncidentTuiError as exc:
                self._store_problem = str(exc)
                self._held_by_other = self._store_problem
                return self._held_by_other
            return None
        try:
            if self._take_lock(path):
                return None
        except LockUnavailable as exc:
            self._cannot_lock = str(exc)
            self._held_by_other = self._cannot_lock
            return self._held_by_other
        holder = SessionLock(path).holder()
        self._held_by_other = holder
        return holder

    def close(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None

    def _take_lock(self, path: Path) -> bool:
        if self._file_lock is not None and self._file_lock.path == SessionLock(path).path:
            return True
        lock = SessionLock(path)
        if not lock.acquire():
            return False
        self.close()
        self._file_lock = lock
        return True

    def save(self, session: Session, generation: int) -> Saved | None:
        """Write `session` (a snapshot of edit number `generation`).

        Returns where it went, or None when a newer generation is already on disk (nothing
        written). Raises OSError, or an IncidentTuiError (an unsafe directory), when the file
        cannot be written; the caller keeps the data and retries.
        """
        with self._lock:
            if generation <= self._written:
                return None
            if session.path in self._moved:
                session.id, session.path = self._moved[session.path]
            original = session.path
            moved_because = None
            if self._store_problem is not None:
                self.store.ensure_dirs()  # raises while the store stays unusable
                self._store_problem = self._held_by_other = None
            try:
                if self._cannot_lock is not None:
                    raise SessionConflict(original or "", f"cannot be locked: {self._cannot_lock}")
                if self._held_by_other is not None:
                    raise SessionConflict(
                        original or "", f"open in another incident-tui ({self._held_by_other})"
                    )
                path = self._save_merging(session)
                if original is not None and path != original:
                    # The first save chose the id: later snapshots of the old path follow it.
                    self._moved[original] = (session.id, path)
            except SessionConflict as conflict:
                path = self.store.save_copy(session)
                if original is not None:
                    self._moved[original] = (session.id, path)
                self._held_by_other = self._cannot_lock = None
                moved_because = conflict.reason
            # Written but not locked (a lock file we may not use): the next edit saves again.
            with contextlib.suppress(LockUnavailable):
                self._take_lock(path)
            self._written = generation
            return Saved(path, moved_because)

    #: How many times a save re-reads a file that keeps gaining items under it before giving up
    #: and saving a copy.
    MERGE_ATTEMPTS = 5

    def _save_merging(self, session: Session) -> Path:
        """store.save, but when another writer only appended list items to the file (a
        `note` from a second terminal), those items are merged in and the file is saved with both
        sides' data. Any other change is a SessionConflict, as before."""
        for table, items in self._merged.items():
            add_missing(session, table, items)
        for _ in range(self.MERGE_ATTEMPTS):
            try:
                return self.store.save(session)
            except SessionConflict:
                added = self.store.merge_from_disk(session)
                if added is None:
                    raise
                for table, items in added.items():
                    self._merged.setdefault(table, []).extend(items)
        return self.store.save(session)

    def take_merged(self) -> dict[str, list[Item]]:
        """The items merged in from the file since the last call, for the UI to add to the
        session it edits. Until it takes them, every save adds them to its snapshot itself, so
        a snapshot taken before the merge never drops them."""
        with self._lock:
            merged, self._merged = self._merged, {}
            return merged
