"""Time a program's start in a real terminal: a private tmux server driven in control mode.

tests/terminal/harness.py (TmuxTerminal) polls the screen with one `tmux capture-pane` process
per look and runs the program under a small Python parent that records its exit status. Both are
right for tests and wrong for a stopwatch: a `tmux` client process per poll costs a few ms of the
same two CPUs the program under test is starting on, and the parent adds a second interpreter
start to every measurement. So here:

* one private server per run (`tmux -L <unique> -f /dev/null`), as in the harness;
* one control-mode client (`tmux -C`) that stays attached: commands go down its stdin, answers
  and notifications come back on its stdout, no process per command;
* the program is spawned by `new-window` directly (argv, no shell, no parent);
* the screen is captured only when the program has written something (tmux sends `%output`
  for every chunk it reads from the pane), so the program and the stopwatch never race for the
  CPU while nothing changes, and the moment the screen became ready is the time of the output
  chunk that made it so (not the time of a later poll).

Both the app and its baseline go through exactly this path.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


class TmuxError(RuntimeError):
    pass


@dataclass
class StartResult:
    #: Seconds from sending `new-window` until the output that made the screen ready arrived.
    ready: float
    #: Seconds until the capture that showed it came back (the upper bound; includes one capture).
    seen: float
    #: How many screens were captured on the way.
    captures: int
    pid: int
    screen: str
    #: Seconds until the output that made `filled` true arrived (`ready` when there is none).
    filled: float = 0.0
    #: Seconds until the output that made `whole` true arrived (`ready` when there is none).
    whole: float = 0.0


def tmux_path() -> str | None:
    return shutil.which("tmux")


class ControlTmux:
    """A private tmux server with a control-mode client; a context manager."""

    def __init__(
        self,
        env: Mapping[str, str],
        width: int = 120,
        height: int = 40,
        term: str = "tmux-256color",
    ) -> None:
        tmux = tmux_path()
        if tmux is None:
            raise TmuxError("tmux is not installed")
        self.tmux = tmux
        self.socket = f"itui-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = {k: v for k, v in env.items() if k not in ("TMUX", "TMUX_PANE")}
        self.width, self.height, self.term = width, height, term
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
        self._reader: threading.Thread | None = None
        #: time of the latest %output seen per pane id
        self.last_output: dict[str, float] = {}
        #: the programs started, waited for on close
        self._started: list[int] = []
        #: The pane of each program started here, by its pid (a pane keeps its program's pid).
        self._panes: dict[int, str] = {}

    def _base(self) -> list[str]:
        return [self.tmux, "-L", self.socket, "-f", os.devnull]

    def __enter__(self) -> ControlTmux:
        # A holder session that stays put, so the server lives between the program's windows.
        subprocess.run(
            [
                *self._base(),
                "new-session", "-d", "-s", "hold", "-x", str(self.width), "-y", str(self.height),
                "sleep 86400", ";",
                "set-option", "-g", "remain-on-exit", "on", ";",
                "set-option", "-g", "default-terminal", self.term,
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=10,
        )  # fmt: skip
        self._proc = subprocess.Popen(
            [*self._base(), "-C", "attach-session", "-t", "hold"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        # The attach itself answers with an empty block first; read up to our own answer.
        token = uuid.uuid4().hex
        self._send("display-message", "-p", token)
        while self._answer(10.0, lambda stamp, line: None) != [token]:
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        subprocess.run(
            [*self._base(), "kill-server"], env=self.env, capture_output=True, timeout=10
        )
        # A program that lost its terminal saves its session on the way out: its home may be
        # removed only once it is gone (it would write into it, or make it again).
        for pid in self._started:
            _wait_gone(pid, 10.0)
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._reader is not None:
                self._reader.join(timeout=5)  # it ends at the client's end of output
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    with contextlib.suppress(BrokenPipeError):
                        stream.close()
            self._proc = None
        tmpdir = os.environ.get("TMUX_TMPDIR") or "/tmp"
        Path(tmpdir, f"tmux-{os.getuid()}", self.socket).unlink(missing_ok=True)

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            now = time.perf_counter()
            if line.startswith(b"%output "):
                pane = line.split(b" ", 2)[1].decode()
                self.last_output[pane] = now
            self._lines.put((now, line))
        self._lines.put(None)

    def _send(self, *args: str) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write((" ".join(_quote(a) for a in args) + "\n").encode())
        self._proc.stdin.flush()

    def _answer(self, timeout: float, on_line: Callable[[float, bytes], None]) -> list[str]:
        """Read up to the end of the next command block, passing notifications to on_line."""
        deadline = time.perf_counter() + timeout
        body: list[str] | None = None
        ours = False
        while True:
            try:
                item = self._lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise TmuxError("tmux did not answer") from None
            if item is None:
                raise TmuxError("the tmux control client exited")
            stamp, line = item
            if body is None:
                if line.startswith(b"%begin "):
                    body = []
                    # flags 1: the answer to a command of this client (0: e.g. the attach's own)
                    ours = line.split()[-1] == b"1"
                else:
                    on_line(stamp, line)
                continue
            if line.startswith((b"%end ", b"%error ")):
                if not ours:
                    body = None
                    continue
                if line.startswith(b"%error "):
                    raise TmuxError("tmux: " + " ".join(body))
                return body
            body.append(line.decode("utf-8", "replace").rstrip("\n"))

    def command(
        self, *args: str, timeout: float = 10.0, outputs: list[float] | None = None
    ) -> list[str]:
        """Run a tmux command; its answer's lines. `outputs`, if given, gets the arrival time of
        each output of a program read while waiting (for wait_screen: a fast program's output
        can arrive before tmux has answered the command that sent it a key)."""
        self._send(*args)
        if outputs is None:
            return self._answer(timeout, lambda stamp, line: None)
        return self._answer(timeout, _output_noter(outputs))

    def start_and_wait(
        self,
        argv: Sequence[str],
        ready: Callable[[str], bool],
        *,
        filled: Callable[[str], bool] | None = None,
        whole: Callable[[str], bool] | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> StartResult:
        """Spawn argv in a new window (pane size as configured) and wait for `ready(screen)`,
        then, if given, for `filled(screen)` and `whole(screen)` (what shows up after the first
        usable screen), each timed when it first holds.

        The clock starts just before `new-window` is sent, so it includes tmux creating the pty,
        the exec, the interpreter's start and every import.
        """
        env_args: list[str] = []
        for key, value in (env or {}).items():
            env_args += ["-e", f"{key}={value}"]
        outputs: list[float] = []
        note = _output_noter(outputs)

        # Nothing else is in flight on this client: the only notifications that follow are the
        # new window's.
        self.last_output.clear()
        t0 = time.perf_counter()
        self._send("new-window", "-d", "-P", "-F", "#{pane_id} #{pane_pid}", *env_args, "--", *argv)
        pane, pid_text = self._answer(timeout, note)[0].split()
        self._started.append(int(pid_text))
        self._panes[int(pid_text)] = pane
        captures = 0
        result: StartResult | None = None
        deadline = t0 + timeout
        screen = ""
        while True:
            # Wait for new output (or the first output) before looking.
            seen_count = len(outputs)
            while len(outputs) == seen_count:
                if time.perf_counter() > deadline:
                    raise TmuxError(f"not ready after {timeout:g} s; the screen:\n{screen}")
                try:
                    item = self._lines.get(timeout=0.5)
                except queue.Empty:
                    continue
                if item is None:
                    raise TmuxError("the tmux control client exited")
                note(*item)
            # Everything written up to here is in the capture that follows.
            upto = outputs[-1]
            self._send("capture-pane", "-p", "-t", pane)
            screen = "\n".join(self._answer(timeout, note))
            captures += 1
            if result is None and ready(screen):
                result = StartResult(
                    ready=upto - t0,
                    seen=time.perf_counter() - t0,
                    captures=captures,
                    pid=int(pid_text),
                    screen=screen,
                    filled=upto - t0,
                    whole=upto - t0,
                )
            if result is None:
                continue
            if whole is not None and whole(screen):
                result.whole, whole = upto - t0, None
            if filled is not None and filled(screen):
                result.filled, filled = upto - t0, None
            if whole is None and filled is None:
                return result

    def wait_screen(
        self,
        pid: int,
        condition: Callable[[str], bool],
        t0: float,
        timeout: float = 60.0,
        outputs: list[float] | None = None,
    ) -> tuple[float, str]:
        """Wait until the screen of pid's pane satisfies `condition`; seconds from t0 until the
        output that made it so arrived, and that screen. The screen is captured only after new
        output, as in start_and_wait. `outputs`: those already read since t0 (see command)."""
        pane = self._pane_of(pid)
        outputs = [] if outputs is None else outputs
        note = _output_noter(outputs)

        deadline = t0 + timeout
        screen = ""
        while True:
            self._send("capture-pane", "-p", "-t", pane)
            screen = "\n".join(self._answer(timeout, note))
            if condition(screen):
                # The last output before the capture made the screen so (output read before t0
                # was queued earlier: it counts as t0).
                return (max(outputs[-1], t0) if outputs else t0) - t0, screen
            seen_count = len(outputs)
            while len(outputs) == seen_count:
                if time.perf_counter() > deadline:
                    raise TmuxError(f"not there after {timeout:g} s; the screen:\n{screen}")
                try:
                    item = self._lines.get(timeout=0.5)
                except queue.Empty:
                    continue
                if item is None:
                    raise TmuxError("the tmux control client exited")
                note(*item)

    def send_keys(self, target_pid: int, *keys: str) -> None:
        pane = self._pane_of(target_pid)
        self.command("send-keys", "-t", pane, *keys)

    def capture(self, pid: int) -> str:
        """The screen of the pane that runs pid, as text."""
        return "\n".join(self.command("capture-pane", "-p", "-t", self._pane_of(pid)))

    def pane_of(self, pid: int) -> str:
        return self._pane_of(pid)

    def _pane_of(self, pid: int) -> str:
        # Remembered: asking tmux is a command, and the outputs read while waiting for its
        # answer are not the caller's to see (wait_screen would miss the one it waits for).
        if pid in self._panes:
            return self._panes[pid]
        for row in self.command("list-panes", "-a", "-F", "#{pane_id} #{pane_pid}"):
            pane, pane_pid = row.split()
            if int(pane_pid) == pid:
                self._panes[pid] = pane
                return pane
        raise TmuxError(f"no pane runs pid {pid}")

    def kill(self, pid: int) -> None:
        self.command("kill-pane", "-t", self._pane_of(pid))


def _output_noter(outputs: list[float]) -> Callable[[float, bytes], None]:
    def note(stamp: float, line: bytes) -> None:
        if line.startswith(b"%output "):
            outputs.append(stamp)

    return note


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                # After "pid (name) ": the state; a zombie has finished. The kernel's own
                # file, a line of a few hundred bytes: read no more than a page of it.
                if stat.read(4096).rpartition(b")")[2].split()[0] == b"Z":
                    return
        except (FileNotFoundError, ProcessLookupError):
            return
        time.sleep(0.02)


def _quote(arg: str) -> str:
    """Quote one argument for tmux's command parser (single quotes, as in sh)."""
    if arg and all(c.isalnum() or c in "-_./=:%@+," for c in arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"
