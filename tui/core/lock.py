"""One writer per session: a second instance on the same incident opens it read-only.

The lock is an advisory `flock` on a hidden file beside the session. The kernel drops it when the
holding process dies, however it dies, so a crash or a kill -9 never leaves an incident locked.
The file itself stays and says who held it last; only the flock counts.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; every instance may write (conflicts are still caught).
    fcntl = None  # type: ignore[assignment]


def lock_path(session_path: Path) -> Path:
    return session_path.with_name(f".{session_path.name}.lock")


class SessionLock:
    def __init__(self, session_path: Path) -> None:
        self.path = lock_path(session_path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when a live process holds it."""
        if self._fd is not None:
            return True
        if fcntl is None:
            return True
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        import socket  # here: only a process that edits needs its host name

        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        """Who holds (or last held) the lock, for the warning: 'pid 4242 on bastion-1'."""
        try:
            return self.path.read_text(encoding="utf-8", errors="replace").strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
