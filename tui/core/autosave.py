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
from pathlib import Path
from typing import NamedTuple

from tui.core.errors import IncidentTuiError
from tui.core.lock import LockUnavailable, SessionLock
from tui.core.model import Item, Session, SessionConflict, add_missing
from tui.core.store import SessionStore


def snapshot(session: Session) -> Session:
    """A copy that the UI thread can keep editing the original of while a worker writes this one."""
    return session.copy()


class Saved(NamedTuple):
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
        # List items another writer appended to the file (a `note`), with the edit number at
        # which the UI took them into its session (None: not yet). A save adds them to its
        # snapshot unless that snapshot is younger than the take (see take_merged).
        self._merged: list[tuple[str, Item, int | None]] = []
        # The file as the last check_disk saw it, so a change it could not merge is read once.
        self._checked: tuple[int, int] | None = None

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
                path = self._save_merging(session, generation)
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
            # Every snapshot from now on is at least this young: items the UI took before it are
            # in them (or were deleted there on purpose).
            self._merged = [m for m in self._merged if m[2] is None or m[2] >= generation]
            return Saved(path, moved_because)

    #: How many times a save re-reads a file that keeps gaining items under it before giving up
    #: and saving a copy.
    MERGE_ATTEMPTS = 5

    def _save_merging(self, session: Session, generation: int) -> Path:
        """store.save, but when another writer only appended list items to the file (a
        `note` from a second terminal), those items are merged in and the file is saved with both
        sides' data. Any other change is a SessionConflict, as before."""
        for table, item, taken in self._merged:
            # A snapshot taken after the UI took the item has it, unless the user deleted it.
            if taken is None or generation <= taken:
                add_missing(session, table, [item])
        for _ in range(self.MERGE_ATTEMPTS):
            try:
                return self.store.save(session)
            except SessionConflict:
                added = self.store.merge_from_disk(session)
                if added is None:
                    raise
                self._remember(added)
        return self.store.save(session)

    def _remember(self, added: dict[str, list[Item]]) -> None:
        for table, items in added.items():
            self._merged.extend((table, dict(item), None) for item in items)

    def check_disk(self, path: Path) -> bool:
        """Take in the list items another writer appended to the file since we last read or
        wrote it (`incident-tui note` from a second terminal), without writing anything: True
        when there are some for take_merged. Any other change is left for the next save to find
        (a conflict, as before); such a file is read once, not on every check."""
        with self._lock:
            if self._held_by_other is not None:
                return False
            try:
                st = path.stat()
            except OSError:
                return False
            stamp = (st.st_mtime_ns, st.st_size)
            if stamp == self._checked:
                return False
            try:
                self.store.check_unchanged(path)
                return False
            except SessionConflict:
                pass
            self._checked = stamp
            added = self.store.merge_from_disk(Session(id=path.stem, path=path))
            if not added or not any(added.values()):
                return False
            self._remember(added)
            return True

    def take_merged(self, generation: int | None = None) -> dict[str, list[Item]]:
        """The items merged in from the file since the last call, for the UI to add to the
        session it edits (at edit number `generation`; default: the last one written). Saves of
        snapshots up to that edit keep adding them, so a snapshot taken before the UI had them
        never drops them."""
        with self._lock:
            if generation is None:
                generation = self._written
            merged: dict[str, list[Item]] = {}
            kept: list[tuple[str, Item, int | None]] = []
            for table, item, taken in self._merged:
                if taken is None:
                    merged.setdefault(table, []).append(dict(item))
                    taken = generation
                kept.append((table, item, taken))
            self._merged = kept
            return merged
