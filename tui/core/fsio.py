"""File-system rules every read and write of incident-tui goes through.

- Directories of ours are created 0700 and refused when they are a symlink, owned by another
  user, or writable by group or others (`private_dir`, `check_private_dir`).
- Files are read only when they are regular files, opened without blocking (a FIFO named x.toml
  cannot hang us), checked with fstat on the descriptor we opened, and no larger than a limit
  (`read_regular`).
- Files of ours are replaced atomically (`atomic_write`); a file the user names as an output is
  written by `write_output`, which never follows a symlink to a regular file, writes *into* a
  terminal, device or FIFO instead of replacing it, and refuses session files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from tui.core.errors import IncidentTuiError

#: A session file or a loaded log larger than this is refused instead of read into memory.
MAX_READ_BYTES = 64 * 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class FileRefused(IncidentTuiError):
    """A file we will not read or write, with its path and the reason, for a one-line message."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class FileTooLarge(FileRefused):
    """A file over the size limit of what is read."""


class UnsafeDirectory(FileRefused):
    """A directory another user could write to, or a symlink to somewhere else."""


def _euid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def _dir_problem(info: os.stat_result) -> str | None:
    """Why a directory (from lstat) is not private to us, or None when it is."""
    if stat.S_ISLNK(info.st_mode):
        return "is a symlink; use the directory it points to, or remove the link"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a directory"
    euid = _euid()
    if euid is not None and info.st_uid != euid:
        return f"is owned by another user (uid {info.st_uid}); it must be yours"
    if euid is not None and stat.S_IMODE(info.st_mode) & 0o022:
        mode = stat.S_IMODE(info.st_mode)
        return f"is writable by group or others (mode {mode:04o}); run: chmod go-w '{{path}}'"
    return None


def check_private_dir(path: Path) -> None:
    """Raise UnsafeDirectory unless `path` is a real directory (not a symlink), owned by the
    current user and not writable by group or others. Use it before loading anything (templates,
    compiled code, sessions) from a directory: what another user can write there is theirs."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise UnsafeDirectory(path, "does not exist") from None
    except OSError as exc:
        raise UnsafeDirectory(path, f"cannot be checked: {exc.strerror or exc}") from None
    problem = _dir_problem(info)
    if problem is not None:
        raise UnsafeDirectory(path, problem.replace("{path}", str(path)))


def is_private_dir(path: Path) -> bool:
    try:
        check_private_dir(path)
    except UnsafeDirectory:
        return False
    return True


def private_dir(path: Path) -> Path:
    """`path` as a verified private directory, created (with any missing parents) mode 0700
    whatever the umask. An existing one is checked, never chmod-ed. Raises UnsafeDirectory."""
    missing: list[Path] = []
    current = path
    while not os.path.lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            pass  # made meanwhile: the check below decides
        except OSError as exc:
            raise UnsafeDirectory(directory, f"cannot be created: {exc.strerror or exc}") from None
        else:
            _tighten(directory)
    check_private_dir(path)
    return path


def _tighten(directory: Path) -> None:
    """0700 on a directory we just made (mkdir's mode is filtered by the umask), through a
    descriptor opened without following links, so no symlink's target is ever chmod-ed."""
    if not hasattr(os, "fchmod"):
        return
    try:
        fd = os.open(directory, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError as exc:
        raise UnsafeDirectory(directory, f"cannot be opened: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o700)
    finally:
        os.close(fd)


# --- reading -------------------------------------------------------------------------------------


def read_regular(
    path: Path, limit: int = MAX_READ_BYTES, what: str = "file", *, follow: bool = True
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises FileRefused otherwise.

    Opened non-blocking (a FIFO does not wait for a writer), then checked with fstat on the
    descriptor itself, so what is read is what was checked: a symlink to /dev/zero, a FIFO or a
    directory is refused before a byte is read. `follow=False` refuses a symlink too."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW))
    except FileNotFoundError:
        raise FileRefused(path, f"no such {what}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(path, "is a symlink loop" if follow else "is a symlink") from None
        raise FileRefused(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused(path, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, f"is not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise FileTooLarge(path, f"is {info.st_size:,} bytes; the limit is {limit:,}")
        chunks: list[bytes] = []
        total = 0
        # The whole file in the first read, as fstat saw it (one chunk: join copies nothing; a
        # 50 MB log was read in 1 MB chunks and copied once more to join them).
        size = max(info.st_size + 1, 1024 * 1024)
        while total <= limit:
            chunk = os.read(fd, min(size if not chunks else 1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise FileTooLarge(path, f"is larger than {limit:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symlink"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a regular file"


# --- writing -------------------------------------------------------------------------------------


def atomic_write(path: Path, data: bytes | Sequence[bytes], mode: int = 0o600) -> None:
    """Write a whole file of ours or nothing: a crash leaves the old file or the new one.
    `data` is the file's bytes, or its pieces in order.

    The temp file is created with O_EXCL|O_NOFOLLOW (mkstemp) and renamed over `path`; a rename
    replaces a symlink itself, never its target. Refuses to replace anything at `path` that is
    not a regular file or a symlink (a FIFO, a device, a directory)."""
    import tempfile  # here, not at the top: commands that only read start faster

    with contextlib.suppress(FileNotFoundError):
        info = os.lstat(path)
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            raise FileRefused(path, f"is {_kind(info.st_mode)}; not replaced")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable; not possible on every platform, and not fatal."""
    try:
        fd = os.open(directory, os.O_RDONLY | _CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _same_file(a: os.stat_result, b: Path) -> bool:
    try:
        other = os.stat(b)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (other.st_dev, other.st_ino)


def _looks_like_session(path: Path) -> bool:
    if path.suffix != ".toml":
        return False
    try:
        head = read_regular(path, limit=MAX_READ_BYTES)[:65536]
    except FileRefused:
        return False
    return any(line.startswith(b"schema_version") for line in head.splitlines())


def write_output(
    path: Path, data: bytes, *, protected: Iterable[Path] = (), protected_dirs: Iterable[Path] = ()
) -> None:
    """Write a file the user chose as an output (`render -o`, the wizard's export).

    - a new path, or a regular file of the user's: replaced atomically, mode 0600;
    - a terminal, a character device or a FIFO (`-o /dev/stdout`, `-o /dev/null`): written
      into, never replaced; a FIFO with no reader is refused rather than waited for;
    - a symlink is followed only to such a device or FIFO, never to a regular file;
    - refused: a session file (any of `protected`, any file in `protected_dirs`, any .toml file
      with a schema_version line), a file owned by another user, a directory, a socket.
    Raises FileRefused with the reason, or OSError when the write itself fails."""
    dirs = list(protected_dirs)
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        link = None
    except OSError as exc:
        raise FileRefused(path, f"cannot check: {exc.strerror or exc}") from None
    parent = path.parent if link is None else None
    if parent is not None and any(_same_dir(parent, d) for d in dirs):
        raise FileRefused(path, "is in the sessions directory; choose another place")
    if link is None:
        atomic_write(path, data)
        return
    if stat.S_ISLNK(link.st_mode) or stat.S_ISCHR(link.st_mode) or stat.S_ISFIFO(link.st_mode):
        _write_into(path, data, follow=stat.S_ISLNK(link.st_mode))
        return
    if stat.S_ISDIR(link.st_mode):
        raise FileRefused(path, "is a directory")
    if not stat.S_ISREG(link.st_mode):
        raise FileRefused(path, f"is {_kind(link.st_mode)}; not replaced")
    euid = _euid()
    if euid is not None and link.st_uid != euid:
        raise FileRefused(path, f"is owned by another user (uid {link.st_uid}); not replaced")
    if any(_same_file(link, p) for p in protected) or any(_same_dir(path.parent, d) for d in dirs):
        raise FileRefused(path, "is a session file; choose another name")
    if _looks_like_session(path):
        raise FileRefused(path, "looks like a session file (it has a schema_version); not replaced")
    atomic_write(path, data)


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write_into(path: Path, data: bytes, *, follow: bool) -> None:
    flags = os.O_WRONLY | _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise FileRefused(path, "is a FIFO with no reader") from None
        if exc.errno == errno.ELOOP:
            raise FileRefused(path, "is a symlink loop") from None
        raise FileRefused(path, f"cannot write: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            what = "a regular file" if stat.S_ISREG(info.st_mode) else _kind(info.st_mode)
            raise FileRefused(
                path, f"is a symlink to {what}; give the real path instead of the link"
            )
        os.set_blocking(fd, True)  # a slow reader on a pipe waits the writer, as `cat` would
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
