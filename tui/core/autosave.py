"""Saving a session off the UI thread without ever writing an older state over a newer one.

The UI bumps a generation number on every edit and hands the saver a snapshot (a copy of the
session taken on the UI thread). Saves run in worker threads, possibly overlapping; the lock and the
generation check make the file always end at the newest snapshot that was saved.

The saver also owns the session file's lock. When another instance holds it, or the file changed
on disk behind our back, nothing is clobbered: the edits go to a copy under a new id, and every
later save follows them there.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from pathlib import Path

from tui.core.lock import SessionLock
from tui.core.session import Session, SessionConflict, SessionStore


def snapshot(session: Session) -> Session:
    """A copy that the UI thread can keep editing the original of while a worker writes this one."""
    return dataclasses.replace(
        session,
        fields=dict(session.fields),
        extra=dict(session.extra),
        extra_fields=dict(session.extra_fields),
        extra_masking=dict(session.extra_masking),
        unmasked=list(session.unmasked),
    )


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
        # Where a conflict sent the edits: original path -> (new id, new path).
        self._moved: dict[Path, tuple[str, Path]] = {}

    @property
    def written_generation(self) -> int:
        return self._written

    @property
    def read_only_because(self) -> str | None:
        """Who else is editing the opened file ("pid 42 on bastion"), while that lasts."""
        return self._held_by_other

    def open(self, path: Path | None) -> str | None:
        """Lock the session file we are about to edit; who holds it when another process does."""
        if path is None or not path.exists():
            return None
        if self._take_lock(path):
            return None
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
        written). Raises OSError when the file cannot be written; the caller keeps the data and
        retries.
        """
        with self._lock:
            if generation <= self._written:
                return None
            if session.path in self._moved:
                session.id, session.path = self._moved[session.path]
            original = session.path
            moved_because = None
            try:
                if self._held_by_other is not None:
                    raise SessionConflict(
                        original or "", f"open in another incident-tui ({self._held_by_other})"
                    )
                path = self.store.save(session)
            except SessionConflict as conflict:
                path = self.store.save_copy(session)
                if original is not None:
                    self._moved[original] = (session.id, path)
                self._held_by_other = None
                moved_because = conflict.reason
            self._take_lock(path)
            self._written = generation
            return Saved(path, moved_because)
