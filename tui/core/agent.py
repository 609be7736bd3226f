"""Run the configured agent command: the prompt on its stdin, its output streamed and kept.

The command is an argv list from config.toml (`[agent] command`), run without a shell, in a
process group of its own, so that the terminal's Ctrl+C reaches only us and we stop the agent's
whole group (SIGTERM, then SIGKILL). What it writes is shown as it comes, with escape sequences
and control characters dropped (a hostile log quoted back must not drive the terminal), and kept
up to a limit. Textual-free.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from tui.core.answers import MAX_ANSWER_BYTES
from tui.core.errors import IncidentTuiError
from tui.core.sanitize import strip_controls

#: How long the agent's group gets to end after SIGTERM before it is killed.
TERMINATE_SECONDS = 3.0
#: A line still unfinished after this long is shown anyway (an agent printing a progress bar).
FLUSH_SECONDS = 0.3
#: After the agent itself has exited, its output is read this much longer: a daemon it left
#: behind (in a session of its own) may hold the pipe open for ever.
EXIT_GRACE = 1.0
#: An unfinished line longer than this is shown at once (stderr has no size limit of its own).
MAX_PENDING_CHARS = 64 * 1024


class AgentError(IncidentTuiError):
    """The agent command could not be run at all (one line)."""


@dataclass(frozen=True)
class AgentResult:
    #: What the agent wrote on stdout, escapes stripped, at most MAX_ANSWER_BYTES of it.
    text: str
    #: Stopped before it ended: Ctrl+C, over the size limit, or a non-zero exit status.
    partial: bool
    #: Why it is partial, in words ("stopped with Ctrl+C"), or "" when it is not.
    reason: str
    returncode: int | None


class _Shown:
    """Decodes a stream of bytes and writes it out cleaned, a whole line at a time where it can."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._write = write

    def decode(self, data: bytes) -> str:
        """Take `data` in (shown at the next feed or flush) and return it as text."""
        text = self._decoder.decode(data)
        self._pending += text
        return text

    def feed(self, data: bytes, *, final: bool = False) -> str:
        """Take `data` in and show what is complete; returns the text decoded from `data`."""
        text = self._decoder.decode(data, final)
        self._pending += text
        cut = self._pending.rfind("\n") + 1
        if final or len(self._pending) - cut > MAX_PENDING_CHARS:
            cut = len(self._pending)  # a line that never ends is shown in pieces, not hoarded
        if cut:
            self._write(strip_controls(self._pending[:cut]))
            self._pending = self._pending[cut:]
        return text

    def flush(self) -> None:
        # An escape sequence cut in two is harmless: ESC is dropped from either half.
        if self._pending:
            self._write(strip_controls(self._pending))
            self._pending = ""


def _feed_stdin(process: subprocess.Popen[bytes], data: bytes) -> None:
    """Write the prompt and close stdin; an agent that stops reading early is not an error."""
    assert process.stdin is not None
    with contextlib.suppress(OSError):
        process.stdin.write(data)
    with contextlib.suppress(OSError):
        process.stdin.close()


def stop_group(process: subprocess.Popen[bytes], seconds: float = TERMINATE_SECONDS) -> None:
    """SIGTERM to the agent's process group, SIGKILL if it is still there after `seconds`."""
    for sig, wait in ((signal.SIGTERM, seconds), (signal.SIGKILL, seconds)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT waits until the block ends (then raises KeyboardInterrupt as usual)."""
    blocked = threading.current_thread() is threading.main_thread()
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ctrl+C waits while this runs (stopping the agent, writing its answer): a second press
    must not lose what the first one kept."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to take
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def ctrl_c_interrupts() -> Iterator[None]:
    """Ctrl+C raises KeyboardInterrupt in here, whatever handler was installed (asyncio's, under
    the app, would cancel the app's main task instead)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: signals are not ours to take
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_agent(
    argv: Sequence[str],
    prompt: str,
    show: Callable[[str], None],
    show_err: Callable[[str], None],
    *,
    limit: int = MAX_ANSWER_BYTES,
) -> AgentResult:
    """Run `argv` with `prompt` on its stdin until it ends, is over `limit` bytes of output, or
    the user presses Ctrl+C (KeyboardInterrupt here). Raises AgentError when it cannot start."""
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group: Ctrl+C is ours, and we stop all of it
            close_fds=True,
        )
    except OSError as exc:
        raise AgentError(
            f"cannot start the agent command {argv[0]!r}: {exc.strerror or exc}"
        ) from None
    assert process.stdout is not None and process.stderr is not None
    writer = threading.Thread(
        target=_feed_stdin, args=(process, prompt.encode("utf-8", "replace")), daemon=True
    )
    writer.start()
    out, err = _Shown(show), _Shown(show_err)
    kept: list[str] = []
    size = 0
    reason = ""
    selector = selectors.DefaultSelector()
    streams = {process.stdout.fileno(): out, process.stderr.fileno(): err}
    for fd in streams:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    try:
        last = time.monotonic()
        exited_at: float | None = None
        while selector.get_map():
            if exited_at is None and process.poll() is not None:
                exited_at = time.monotonic()
            if exited_at is not None and time.monotonic() - exited_at > EXIT_GRACE:
                break  # what is left holds the pipe, not the agent: its answer is complete
            events = selector.select(FLUSH_SECONDS)
            if not events and time.monotonic() - last >= FLUSH_SECONDS:
                out.flush()
                err.flush()
            for key, _ in events:
                fd = int(key.fd)
                # Ctrl+C lands in select(), never between showing a piece and keeping it: what
                # the user saw on screen is what is stored.
                with _sigint_held():
                    try:
                        data = os.read(fd, 65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        selector.unregister(fd)
                        streams[fd].feed(b"", final=True)
                        continue
                    last = time.monotonic()
                    if streams[fd] is out:
                        kept.append(out.decode(data))
                        size += len(data)
                    streams[fd].feed(data if streams[fd] is err else b"")
                if size > limit:
                    reason = f"its output passed the limit of {limit:,} bytes; it was stopped"
                    break
            if reason:
                break
    except KeyboardInterrupt:
        reason = "stopped with Ctrl+C"
    finally:
        with sigint_ignored():
            selector.close()
            out.flush()
            err.flush()
            if reason:
                stop_group(process)
            process.stdout.close()
            process.stderr.close()
    try:
        returncode = process.wait(TERMINATE_SECONDS) if not reason else process.returncode
    except subprocess.TimeoutExpired:  # it closed its output but goes on: not ours to wait for
        stop_group(process)
        returncode = process.returncode
    if not reason and returncode:
        reason = f"the agent exited with status {returncode}"
    text = strip_controls("".join(kept))
    if size > limit:
        text = text.encode("utf-8")[:limit].decode("utf-8", "ignore")
    return AgentResult(text, bool(reason), reason, returncode)
