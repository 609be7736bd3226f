"""One writer per session: a second instance on the same incident opens it read-only.

The lock is an advisory `flock` on a hidden file beside the session. The kernel drops it when the
holding process dies, however it dies, so a crash or a kill -9 never leaves an incident locked.
The file itself stays and says who held it last; only the flock counts.

The lock file sits beside a session that may come from a shared folder or a cloned repository,
so it is opened with O_NOFOLLOW (a planted symlink is refused, its target never touched) and
checked with fstat on the opened descriptor: it must be a regular file owned by us. Anything else
raises LockUnavailable, and the session opens read-only.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from tui.core.errors import IncidentTuiError
from tui.core.fsio import FileRefused, read_regular

try:
    import fcntl
except ImportError:  # Windows: no flock; every instance may write (conflicts are still caught).
    fcntl = None  # type: ignore[assignment]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class LockUnavailable(IncidentTuiError):
    """The lock file cannot be created or is not ours: the session can only be opened read-only."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def lock_path(session_path: Path) -> Path:
    return session_path.with_name(f".{session_path.name}.lock")


def _open_lock_file(path: Path) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LockUnavailable(path, "the lock file is a symlink; it was left alone") from None
        if exc.errno == errno.EISDIR:
            raise LockUnavailable(path, "the lock file is a directory") from None
        raise LockUnavailable(path, f"cannot create the lock file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LockUnavailable(path, "the lock file is not a regular file")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            owner = info.st_uid
            raise LockUnavailable(path, f"the lock file belongs to another user (uid {owner})")
    except BaseException:
        os.close(fd)
        raise
    return fd


class SessionLock:
    def __init__(self, session_path: Path) -> None:
        self.path = lock_path(session_path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when a live process holds it.

        Raises LockUnavailable when the lock file cannot be made ours (a read-only directory,
        a symlink, a directory, another user's file)."""
        if self._fd is not None:
            return True
        if fcntl is None:
            return True
        fd = _open_lock_file(self.path)
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
            raw = read_regular(self.path, limit=4096, follow=False)
        except FileRefused:
            return "unknown"
        return raw.decode("utf-8", errors="replace").strip() or "unknown"

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
