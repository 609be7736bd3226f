"""Saving a session off the UI thread without ever writing an older state over a newer one.

The UI bumps a generation number on every edit and hands the saver a snapshot (a copy of the
session taken on the UI thread). Saves run in worker threads, possibly overlapping; the lock and the
generation check make the file always end at the newest snapshot that was saved.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from tui.session import Session, SessionStore


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


class Saver:
    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._written = -1

    @property
    def written_generation(self) -> int:
        return self._written

    def save(self, session: Session, generation: int) -> Path | None:
        """Write `session` (a snapshot of edit number `generation`).

        Returns the path, or None when a newer generation is already on disk (nothing written).
        Raises OSError when the file cannot be written; the caller keeps the data and retries.
        """
        with self._lock:
            if generation <= self._written:
                return None
            path = self.store.save(session)
            self._written = generation
            return path
