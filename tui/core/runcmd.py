"""Run a program without a shell, with a time limit and a cap on what it may print.

Gathering runs other people's programs on other people's data (git on a cloned repository, a
profile's `kubectl logs`): neither may hang the engineer, fill the memory or read the terminal.
The program gets no stdin, its own process group (a timeout kills its children too), and its
output is read only up to `max_bytes`.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Captured:
    """What a program printed (at most the cap) and how it ended."""

    stdout: bytes
    stderr: bytes
    returncode: int | None
    #: It printed more than the cap: it was stopped and `stdout` holds the first `max_bytes`.
    truncated: bool = False
    #: It ran longer than the timeout and was killed.
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


#: stderr is only for a one-line reason: a little is plenty.
STDERR_CAP = 64 * 1024
#: After the program itself has exited, its output is read this much longer: a daemon it left
#: behind (in a session of its own, out of reach of the group kill) may hold the pipe for ever.
EXIT_GRACE = 1.0


def run_capped(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float,
    max_bytes: int,
) -> Captured:
    """Run `argv` (no shell). Raises FileNotFoundError when the program does not exist and
    PermissionError when it cannot be run; everything else is in the answer."""
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        close_fds=True,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out: list[bytes] = []
    err: list[bytes] = []
    sizes = {"out": 0, "err": 0}
    truncated = timed_out = left_open = False
    deadline = time.monotonic() + timeout
    exited_at: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, "out")
        selector.register(proc.stderr, selectors.EVENT_READ, "err")
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            if exited_at is None and proc.poll() is not None:
                exited_at = time.monotonic()
            if exited_at is not None and time.monotonic() - exited_at > EXIT_GRACE:
                left_open = True
                break
            for key, _ in selector.select(min(left, 0.5 if exited_at is None else 0.1)):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                name = key.data
                cap = max_bytes if name == "out" else STDERR_CAP
                room = cap - sizes[name]
                (out if name == "out" else err).append(chunk[: max(room, 0)])
                sizes[name] += len(chunk)
                if name == "out" and sizes[name] > max_bytes:
                    truncated = True
            if truncated:
                break
    if timed_out or truncated or left_open:
        _kill_group(proc)
    try:
        returncode: int | None = proc.wait(timeout=max(deadline - time.monotonic(), 1.0))
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        timed_out = True
        returncode = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return Captured(
        b"".join(out)[:max_bytes],
        b"".join(err)[:STDERR_CAP],
        None if timed_out else returncode,
        truncated=truncated,
        timed_out=timed_out,
    )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # start_new_session made the child the leader of its own group: its children go with it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()


def first_line(data: bytes, limit: int = 200) -> str:
    """The first non-blank line of a program's message, for a one-line error (not yet
    sanitized: the caller cleans it)."""
    text = data.decode("utf-8", "replace")
    for line in text.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""
