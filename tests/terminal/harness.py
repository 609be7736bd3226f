"""Drive a program in a real terminal: a private, detached tmux server that a test types into.

    with TmuxTerminal(["incident-tui", "new"], env=cli_env) as term:
        term.wait_for("Context")
        term.send_keys("Checkout is down", literal=True)
        term.send_keys("Enter")
        screen = term.capture()

Each terminal is its own tmux server on its own socket (`tmux -L <unique> -f /dev/null`): no user
configuration, no sharing with the user's tmux or with other tests, and `kill-server` on the way
out whatever happened. Tests are skipped when tmux is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import pytest

# A tmux command answers in milliseconds; this only stops a wedged server from hanging the suite.
_TMUX_TIMEOUT = 10.0
_SESSION = "main"

# The pane runs the program under this small parent, which writes the exit status to a file
# (argv[1]) when the program ends. tmux's own #{pane_dead_status} is not enough: tmux 3.3a now and
# then misses the SIGCHLD and leaves the exited program a zombie with no status. The parent
# catches the keyboard's signals (not ignores: an ignored signal would be inherited) so C-c
# reaches only the program, and the parent lives to record how it ended.
_RECORD_EXIT = """
import os, signal, subprocess, sys
for number in (signal.SIGINT, signal.SIGQUIT):
    signal.signal(number, lambda *_: None)
try:
    code = subprocess.call(sys.argv[2:])
except OSError as error:
    print(f"{sys.argv[2]}: {error.strerror}", file=sys.stderr)
    code = 127
with open(sys.argv[1] + ".part", "w") as file:
    file.write(str(code))
os.replace(sys.argv[1] + ".part", sys.argv[1])
"""


class ScreenTimeout(AssertionError):
    """`wait_for` gave up. The message ends with the screen as it was, to see what went wrong."""


def require_tmux() -> str:
    """The tmux executable, or skip the calling test."""
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip("tmux is not installed")
    return tmux


class TmuxTerminal:
    """A program running in an 80x24 (by default) tmux pane, as a context manager.

    `command` is an argv list (run directly) or a string (run by the shell). `env` is the whole
    environment of the program (default: this process's); `TMUX` is dropped from it so the
    server starts fresh even when the tests themselves run inside tmux. `options` are global tmux
    options set before the program starts, e.g. {"set-clipboard": "on"}. The pane stays on screen
    after the program exits (`remain-on-exit`), so its exit status and last screen can be read
    (the top of that screen with `capture(scrollback=True)`). The program's parent in the pane
    is a small Python process that records the exit status (see _RECORD_EXIT).
    """

    def __init__(
        self,
        command: Sequence[str] | str,
        *,
        env: Mapping[str, str] | None = None,
        width: int = 80,
        height: int = 24,
        cwd: str | os.PathLike[str] | None = None,
        options: Mapping[str, str] | None = None,
    ) -> None:
        self.tmux = require_tmux()
        self.socket_name = f"itui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.command = ["/bin/sh", "-c", command] if isinstance(command, str) else list(command)
        environment = dict(os.environ if env is None else env)
        for name in ("TMUX", "TMUX_PANE"):
            environment.pop(name, None)
        self.env = environment
        self.width = width
        self.height = height
        self.cwd = cwd
        self.options = dict(options or {})
        self._socket_path: Path | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._status_file: Path | None = None
        self._started = False

    # Lifecycle ---------------------------------------------------------------------------------

    def __enter__(self) -> TmuxTerminal:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        if self._started:
            raise RuntimeError("this terminal is already started")
        self._started = True
        self._scratch = tempfile.TemporaryDirectory(prefix="itui-terminal-")
        self._status_file = Path(self._scratch.name, "exit-status")
        # One client invocation: the options are in place before the program can run (or exit).
        args: list[str] = []
        for name, value in self.options.items():
            args += ["set-option", "-g", name, value, ";"]
        args += ["set-option", "-g", "remain-on-exit", "on", ";"]
        args += ["new-session", "-d", "-s", _SESSION, "-x", str(self.width), "-y", str(self.height)]
        if self.cwd is not None:
            args += ["-c", os.fspath(self.cwd)]
        args += ["--", sys.executable, "-I", "-c", _RECORD_EXIT, str(self._status_file)]
        args += self.command
        try:
            self.tmux_command(*args)
            self._socket_path = Path(self.tmux_command("display-message", "-p", "#{socket_path}"))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Kill the server and remove its socket. Safe to call twice, or after a failed start."""
        if not self._started:
            return
        self._started = False
        subprocess.run(
            [self.tmux, "-L", self.socket_name, "kill-server"],
            env=self.env,
            capture_output=True,
            timeout=_TMUX_TIMEOUT,
            check=False,
        )
        # tmux leaves the socket file behind after kill-server.
        if self._socket_path is not None:
            self._socket_path.unlink(missing_ok=True)
        if self._scratch is not None:
            self._scratch.cleanup()

    # Talking to tmux ---------------------------------------------------------------------------

    def tmux_command(self, *args: str) -> str:
        """Run one tmux command against this terminal's server; its stdout, without the last \\n."""
        result = subprocess.run(
            [self.tmux, "-L", self.socket_name, "-f", os.devnull, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=_TMUX_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"tmux {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result.stdout.removesuffix("\n")

    def send_keys(self, *keys: str, literal: bool = False) -> None:
        """Press keys by tmux name ("Enter", "C-c", "Escape", "Tab", "F2", "Down"), or with
        `literal=True` type each argument as text."""
        if not keys:
            return
        flags = ["-l"] if literal else []
        self.tmux_command("send-keys", "-t", _SESSION, *flags, "--", *keys)

    def type(self, text: str) -> None:
        self.send_keys(text, literal=True)

    def resize(self, width: int, height: int) -> None:
        self.tmux_command("resize-window", "-t", _SESSION, "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    # Reading the screen ------------------------------------------------------------------------

    def capture(self, *, escapes: bool = False, scrollback: bool = False) -> str:
        """The visible screen, one line per row, trailing blanks trimmed (`capture-pane -p`).
        `escapes=True` keeps colours and attributes as escape sequences (`-e`); `scrollback=True`
        starts at the oldest line of the history (`-S -`), where tmux's "Pane is dead" line pushes
        the top of a dead program's screen."""
        flags = ["-e"] if escapes else []
        if scrollback:
            flags += ["-S", "-"]
        return self.tmux_command("capture-pane", "-p", "-t", _SESSION, *flags)

    def wait_for(
        self,
        expected: str | Callable[[str], bool],
        timeout: float = 10.0,
        *,
        interval: float = 0.05,
    ) -> str:
        """Poll the screen until it contains `expected` (or `expected(screen)` is true); return
        that screen. Raises ScreenTimeout, with the last screen, after `timeout` seconds."""
        matches: Callable[[str], bool]
        if isinstance(expected, str):
            text = expected
            matches = lambda screen: text in screen  # noqa: E731
            description = repr(expected)
        else:
            matches = expected
            description = getattr(expected, "__name__", "the predicate")
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            if matches(screen):
                return screen
            if time.monotonic() >= deadline:
                raise ScreenTimeout(
                    f"{description} not on screen after {timeout:g} s. The screen:\n{screen}"
                )
            time.sleep(interval)

    def show_buffer(self) -> str | None:
        """The top tmux paste buffer (what a copy put there), or None when there is none."""
        result = subprocess.run(
            [self.tmux, "-L", self.socket_name, "show-buffer"],
            env=self.env,
            capture_output=True,
            timeout=_TMUX_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            return None
        return result.stdout.decode("utf-8", "replace")

    # The program -------------------------------------------------------------------------------

    def is_dead(self) -> bool:
        """True once the program has exited (the pane stays, thanks to remain-on-exit)."""
        return self._status_file is not None and self._status_file.exists()

    def exit_status(self, timeout: float = 10.0) -> int:
        """Wait for the program to exit and return its exit status (-N: killed by signal N,
        127: not found)."""
        deadline = time.monotonic() + timeout
        while True:
            if self._status_file is not None and self._status_file.exists():
                return int(self._status_file.read_text())
            if time.monotonic() >= deadline:
                raise ScreenTimeout(
                    f"the program still runs after {timeout:g} s. The screen:\n{self.capture()}"
                )
            time.sleep(0.05)
