"""Crash files: the details of an unexpected error, kept where only the user can read them.

A traceback printed on the terminal shows its locals, and locals hold incident text, secrets
included. So an unexpected error is shown as one line naming a crash file, and the details go to
`<home>/crashes/crash-<time>-<pid>.txt`: a directory created 0700 and opened without following
symlinks, refused when it belongs to someone else or others can write to it; a file created new
(O_EXCL, O_NOFOLLOW), mode 0600. Writing one never raises: a crash report must not crash.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

from tui.core.fsio import private_dir
from tui.core.sanitize import strip_controls

PROG = "incident-tui"
CRASH_DIR = "crashes"
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS |= getattr(os, "O_CLOEXEC", 0)


class _Refused(Exception):
    """The crash directory is not safe to write into."""


def crash_line(kind: str, path: Path | None) -> str:
    """The one line shown to the user (no message text: it can hold incident values)."""
    where = f"details in {path}" if path is not None else "no crash file could be written"
    return f"{PROG}: unexpected error ({strip_controls(kind)}); {strip_controls(where)}"


def write_crash_file(home: Path | None, details: str) -> Path | None:
    """Write details to a new crash file under home; its path, or None if it could not be."""
    try:
        if home is None:
            from tui.core.session import default_home

            home = default_home()
        return _write(home, details)
    except Exception:  # noqa: BLE001 - reporting a crash must never raise a second one
        return None


def _write(home: Path, details: str) -> Path:
    directory = home / CRASH_DIR
    for path in (home, directory):
        private_dir(path)  # created 0700 if missing; a symlink, others' or shared: refused
    dir_fd = os.open(directory, _DIR_FLAGS)
    try:
        _check_owned_private(os.fstat(dir_fd), directory)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        name = f"crash-{stamp}-{os.getpid()}-{os.urandom(3).hex()}.txt"
        fd = os.open(name, _FILE_FLAGS, 0o600, dir_fd=dir_fd)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _Refused(name)
            os.fchmod(fd, 0o600)
            text = (
                f"{PROG} crash report\n"
                f"time: {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC\n"
                f"python: {sys.version.split()[0]} on {sys.platform}\n\n"
                f"{strip_controls(details)}"
            )
            os.write(fd, text.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)
    return directory / name


def _check_owned_private(st: os.stat_result, path: Path) -> None:
    if not stat.S_ISDIR(st.st_mode):
        raise _Refused(f"{path} is not a directory")
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        raise _Refused(f"{path} belongs to another user")
    if st.st_mode & 0o022:
        raise _Refused(f"{path} is writable by others")
