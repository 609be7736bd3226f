"""Copy the prompt to wherever the user's clipboard might be, and say truthfully what happened.

The app cannot know where the clipboard is: on the laptop at the far end of SSH (reachable only
through the terminal, by OSC 52), in tmux, or on this machine's display. So `copy_text` tries every
route that is safe here and reports which ones took the text and which failed.

Textual-free on purpose: it runs in a worker thread and is tested without an app.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# The largest prompt, in UTF-8 bytes, sent through the terminal as OSC 52. Base64 makes it 4/3 as
# big: 100 KB becomes ~133 KB of escape sequence. Why that size:
# - tmux parses every sequence an application writes and silently drops one over its input buffer
#   (1 MiB by default), and the SSH link carries it all at once.
# - Terminals cap lower, and silently: hterm's osc52.sh stops at 100,000 bytes, st's patched
#   buffer holds ~43 KB of text, Termux ~6 KB; xterm and kitty take megabytes.
# - 100 KB of text is ~25k tokens, more than most incident prompts; a larger one goes to Export.
# Under the limit a terminal may still drop it, which is why the report says "sent", not "copied".
OSC52_MAX_BYTES = 100_000

# Every clipboard tool gets this long. They answer in milliseconds; a tool that hangs (xclip
# waiting on a display that is not there) must not freeze the copy. Tests lower it.
TIMEOUT_SECONDS = 2.0

ROUTE_OSC52 = "terminal clipboard (OSC 52)"
ROUTE_TMUX = "tmux buffer"
ROUTE_WINDOWS = "Windows clipboard"

_SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
_EXPORT_HINT = "use Export or `incident-tui render`"


@dataclass(frozen=True)
class CopyReport:
    """What `copy_text` did: the routes that took the text, and what the user should know."""

    chars: int
    routes: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return bool(self.routes)

    @property
    def message(self) -> str:
        """One line for a notification. Names only the routes that took the text."""
        if not self.ok:
            reasons = "; ".join(self.problems) or "no clipboard route is available"
            hint = "" if "Export" in reasons else f"; {_EXPORT_HINT}"
            return f"Not copied: {reasons}{hint}."
        amount = f"{self.chars:,} character{'' if self.chars == 1 else 's'}"
        confirmed = [route for route in self.routes if route != ROUTE_OSC52]
        done = []
        if confirmed:
            done.append(f"copied to {', '.join(confirmed)}")
        if ROUTE_OSC52 in self.routes:
            # OSC 52 has no acknowledgement: the terminal may have ignored it.
            done.append(f"sent to {ROUTE_OSC52}")
        line = f"{amount} {' and '.join(done)}"
        if not confirmed:
            line += " (unconfirmed: if the paste is empty, use Export)"
        if self.problems:
            count = len(self.problems)
            line += f"; {count} other route{'' if count == 1 else 's'} failed or skipped"
        return line + "."


def copy_text(
    text: str,
    *,
    osc52: Callable[[str], None] | None,
    env: Mapping[str, str] | None = None,
) -> CopyReport:
    """Put `text` on every clipboard route that is safe here. Blocking; never raises for a route.

    `osc52` writes the OSC 52 sequence through the running terminal (None: there is none). `env`
    decides everything else (tmux, SSH, display, PATH) and defaults to `os.environ`.
    """
    env = os.environ if env is None else env
    if not text:
        return CopyReport(0, (), ("nothing to copy: the prompt is empty",))
    data = text.encode("utf-8")
    routes: list[str] = []
    problems: list[str] = []
    # Expected skips: said only when nothing worked, to explain why.
    explanations: list[str] = []
    small = len(data) <= OSC52_MAX_BYTES

    if osc52 is None:
        explanations.append("the terminal clipboard (OSC 52) is not available")
    elif not small:
        problems.append(
            f"OSC 52 skipped: {_size(len(data))} is over the {_size(OSC52_MAX_BYTES)} limit; "
            "use Export"
        )
    else:
        try:
            osc52(text)
        except Exception as error:  # noqa: BLE001 - whatever the terminal raised, other routes go on
            problems.append(f"OSC 52 failed: {error or type(error).__name__}")
        else:
            routes.append(ROUTE_OSC52)

    if env.get("TMUX"):
        _copy_to_tmux(data, env, forward=small, routes=routes, problems=problems)

    if any(env.get(name) for name in _SSH_VARIABLES):
        # The user pastes on their own machine. A display here is this server's, or an X11
        # forward whose xclip can stall on the tunnel and whose selection dies with the session:
        # a copy there would "succeed" and the paste would be empty. OSC 52 and tmux reach them.
        explanations.append("no local clipboard over SSH")
    elif sys.platform == "win32":
        _copy_with_pyperclip(text, routes=routes, problems=problems)
    else:
        tool = _local_tool(env)
        if tool is None:
            explanations.append("no local display (DISPLAY and WAYLAND_DISPLAY are unset)")
        elif isinstance(tool, str):
            problems.append(tool)
        else:
            name, argv = tool
            failure = _run(argv, data, env)
            if failure is None:
                routes.append(name)
            else:
                problems.append(f"{name} failed: {failure}")

    if not routes:
        problems.extend(explanations)
    return CopyReport(len(text), tuple(routes), tuple(problems))


def _copy_to_tmux(
    data: bytes, env: Mapping[str, str], *, forward: bool, routes: list[str], problems: list[str]
) -> None:
    """`tmux load-buffer -w -`: the buffer, and through tmux the outer terminal's clipboard.

    `-w` makes tmux send OSC 52 itself, which works with tmux's default `set-clipboard external`
    (that setting ignores the app's own OSC 52). Over the size limit `-w` is left out, so nothing
    too big goes to the terminal this way either. tmux before 3.2 has no `-w`, and `-w` fails
    when no client is attached: either way the buffer alone is still worth having.
    """
    tmux = shutil.which("tmux", path=env.get("PATH", ""))
    if tmux is None:
        problems.append("tmux buffer failed: tmux is not on PATH")
        return
    if forward:
        failure = _run([tmux, "load-buffer", "-w", "-"], data, env)
        if failure is None:
            routes.append(ROUTE_TMUX)
            return
        if failure.startswith("timed out"):  # a second try would only wait as long again
            problems.append(f"tmux buffer failed: {failure}")
            return
    retry = _run([tmux, "load-buffer", "-"], data, env)
    if retry is None:
        routes.append(ROUTE_TMUX)
    else:
        problems.append(f"tmux buffer failed: {retry}")


def _local_tool(env: Mapping[str, str]) -> tuple[str, list[str]] | str | None:
    """The clipboard tool of this machine's display: (name, argv), a problem line, or None.

    On Linux the tool is run here rather than through pyperclip: pyperclip lets xclip print to
    the terminal (over the TUI) and can hang when the display is gone. pbcopy is run the same way
    for the same timeout and silence.
    """
    path = env.get("PATH", "")
    if sys.platform == "darwin":
        candidates = [("pbcopy", ["pbcopy"])]
    else:
        candidates = []
        if env.get("WAYLAND_DISPLAY"):
            candidates.append(("wl-copy", ["wl-copy"]))
        if env.get("DISPLAY"):
            candidates.append(("xclip", ["xclip", "-selection", "clipboard"]))
            candidates.append(("xsel", ["xsel", "--clipboard", "--input"]))
        if not candidates:
            return None
    for name, argv in candidates:
        found = shutil.which(argv[0], path=path)
        if found is not None:
            return name, [found, *argv[1:]]
    names = " or ".join(name for name, _ in candidates)
    return f"no local clipboard tool: {names} is not installed"


def _copy_with_pyperclip(text: str, *, routes: list[str], problems: list[str]) -> None:
    # On Windows pyperclip talks to the clipboard API directly: no subprocess, nothing printed.
    try:
        import pyperclip  # type: ignore[import-untyped]

        pyperclip.copy(text)
    except Exception as error:  # noqa: BLE001 - pyperclip raises its own and OS errors alike
        problems.append(f"{ROUTE_WINDOWS} failed: {error}")
    else:
        routes.append(ROUTE_WINDOWS)


def _run(argv: Sequence[str], data: bytes, env: Mapping[str, str]) -> str | None:
    """Run a clipboard tool with `data` on stdin. None if it worked, else why not.

    stdout goes nowhere and stderr to a file, never to the terminal (the TUI owns it), and never
    to a pipe: xclip, xsel and wl-copy fork a child that keeps serving the selection, and that
    child would hold a pipe open until the timeout. A new session keeps the tool off the
    terminal entirely (no /dev/tty, no Ctrl-C from the keyboard).
    """
    with tempfile.TemporaryFile() as stderr:
        try:
            result = subprocess.run(
                list(argv),
                input=data,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=dict(env),
                timeout=TIMEOUT_SECONDS,
                start_new_session=True,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"timed out after {TIMEOUT_SECONDS:g} s"
        except OSError as error:
            return error.strerror or str(error)
        if result.returncode == 0:
            return None
        stderr.seek(0)
        said = _first_line(stderr.read(4096).decode("utf-8", "replace"))
        return f"exit status {result.returncode}" + (f": {said}" if said else "")


def _first_line(text: str, limit: int = 160) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _size(count: int) -> str:
    # Rounded up, so a text just over the limit never reads as "100 KB is over the 100 KB limit".
    if count >= 1_000_000:
        return f"{math.ceil(count / 100_000) / 10:.1f} MB"
    if count >= 1_000:
        return f"{math.ceil(count / 1_000)} KB"
    return f"{count} bytes"
