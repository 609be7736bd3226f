"""Copy the prompt to wherever the user's clipboard might be, and say truthfully what happened.

The app cannot know where the clipboard is: on the laptop at the far end of SSH (reachable only
through the terminal, by OSC 52), in tmux, or on this machine's display. So `copy_text` tries every
route that is safe here and reports which ones took the text and which failed.

Textual-free on purpose: it runs in a worker thread and is tested without an app.
"""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.prompt import RenderedPrompt

# The largest prompt, in UTF-8 bytes, sent through the terminal as OSC 52. Base64 makes it 4/3 as
# big: 100 KB becomes ~133 KB of escape sequence. Why that size:
# - tmux 3.3a (measured) takes an OSC 52 of up to 1 MiB of base64 (about 786,000 bytes of text)
#   and silently drops a larger one; the SSH link carries it all at once.
# - Terminals cap lower, and silently: hterm's osc52.sh stops at 100,000 bytes, st's patched
#   buffer holds ~43 KB of text, Termux ~6 KB; xterm and kitty take megabytes.
# A larger prompt is rendered again with a smaller token budget, so that what is sent fits
# (see copy_prompt). Under the limit a terminal may still drop it: the report says "sent".
OSC52_MAX_BYTES = 100_000

# Every clipboard tool gets this long. They answer in milliseconds; a tool that hangs (xclip
# waiting on a display that is not there) must not freeze the copy. Tests lower it.
TIMEOUT_SECONDS = 2.0

ROUTE_OSC52 = "terminal clipboard (OSC 52)"
ROUTE_TMUX = "tmux buffer"
ROUTE_LOCAL = "local clipboard"

_SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
_EXPORT_HINT = "use Export or `incident-tui render`"


@dataclass(frozen=True)
class Fitted:
    """What was given up so that the prompt fits the terminal clipboard."""

    full_bytes: int
    full_tokens: int
    bytes: int
    tokens: int
    budget: int

    def describe(self) -> str:
        return (
            f"{_size(self.bytes)}, ≈{self.tokens:,} tokens: trimmed to fit the terminal "
            f"clipboard's {_size(OSC52_MAX_BYTES)} limit; the full prompt is "
            f"{_size(self.full_bytes)}, ≈{self.full_tokens:,} tokens: use Export for it"
        )


@dataclass(frozen=True)
class CopyReport:
    """What `copy_text` did: the routes that took the text, and what the user should know."""

    chars: int
    routes: tuple[str, ...]
    problems: tuple[str, ...]
    #: Set when the prompt was rendered again, smaller, to fit the terminal clipboard.
    fitted: Fitted | None = None

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
        if self.fitted is not None:
            line += f" ({self.fitted.describe()})"
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

    if over_ssh(env):
        # The user pastes on their own machine. A display here is this server's, or an X11
        # forward whose xclip can stall on the tunnel and whose selection dies with the session:
        # a copy there would "succeed" and the paste would be empty. OSC 52 and tmux reach them.
        explanations.append("no local clipboard over SSH")
    elif not local_clipboard_plausible(env):
        explanations.append("no local display (DISPLAY and WAYLAND_DISPLAY are unset)")
    else:
        failure, how = _copy_with_pyperclip(data, env)
        if failure is None:
            routes.append(f"{ROUTE_LOCAL} ({how})" if how else ROUTE_LOCAL)
        else:
            problems.append(f"{ROUTE_LOCAL} failed: {failure}")

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


def over_ssh(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in _SSH_VARIABLES)


def local_clipboard_plausible(env: Mapping[str, str], platform: str | None = None) -> bool:
    """Whether this machine has a clipboard the user sits at: never over SSH; on Windows, macOS
    and WSL; on other systems when a display (X11 or Wayland) is set."""
    platform = sys.platform if platform is None else platform
    if over_ssh(env):
        return False
    if platform in ("win32", "darwin", "cygwin"):
        return True
    return bool(env.get("WSL_DISTRO_NAME") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


# Run in a child Python: pyperclip starts xclip, xsel or wl-copy with the terminal as their
# stdout and stderr, and one that hangs on a gone display would hang the copy. The child's output
# goes to a file and it has TIMEOUT_SECONDS. The paste back confirms the text arrived (pyperclip
# ignores xclip's exit status). Prints the mechanism's name, e.g. "copy_xclip".
_PYPERCLIP = """
import sys, pyperclip
text = sys.stdin.buffer.read().decode("utf-8")
try:
    pyperclip.copy(text)
    pasted = pyperclip.paste()
except pyperclip.PyperclipException as error:
    if "could not find" not in str(error):
        sys.exit(str(error).split(chr(10))[0])
    sys.exit("no clipboard tool found (xclip, xsel or wl-clipboard)")
if pasted.rstrip(chr(10)) != text.rstrip(chr(10)):
    sys.exit("the clipboard did not take the text")
print(pyperclip.copy.__name__)
"""


def _copy_with_pyperclip(data: bytes, env: Mapping[str, str]) -> tuple[str | None, str]:
    """(None, how) when pyperclip copied `data`, else (why not, "")."""
    with tempfile.TemporaryFile() as out:
        failure = _run([sys.executable, "-I", "-c", _PYPERCLIP], data, env, stdout=out)
        out.seek(0)
        said = _last_line(out.read(16384).decode("utf-8", "replace"))
    if failure is not None:
        return failure, ""
    how = said.removeprefix("copy_").replace("_", " ") if said.startswith("copy_") else ""
    return None, f"pyperclip: {how}" if how else "pyperclip"


def _run(
    argv: Sequence[str], data: bytes, env: Mapping[str, str], *, stdout: IO[bytes] | None = None
) -> str | None:
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
                stdout=subprocess.DEVNULL if stdout is None else stdout,
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
        said = _last_line(stderr.read(16384).decode("utf-8", "replace"))
        return f"exit status {result.returncode}" + (f": {said}" if said else "")


def _last_line(text: str, limit: int = 160) -> str:
    """A tool's own words: the last line it wrote (a Python child ends with its error)."""
    return _first_line("\n".join(reversed(text.splitlines())), limit)


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


def copy_prompt(
    render: Callable[[int], RenderedPrompt],
    max_tokens: int,
    *,
    osc52: Callable[[str], None] | None,
    env: Mapping[str, str] | None = None,
) -> tuple[RenderedPrompt, CopyReport]:
    """Render with `max_tokens` and copy; when the terminal is the only clipboard and the prompt
    is over its limit, render again with the largest budget that fits and say so.

    Returns what was copied, and the report.
    """
    env = os.environ if env is None else env
    rendered = render(max_tokens)
    full = len(rendered.text.encode("utf-8"))
    terminal_only = not local_clipboard_plausible(env) and (osc52 is not None or env.get("TMUX"))
    if full <= OSC52_MAX_BYTES or not terminal_only:
        return rendered, copy_text(rendered.text, osc52=osc52, env=env)
    smaller = _fit_to_bytes(render, max_tokens, full, OSC52_MAX_BYTES)
    if smaller is None:
        return rendered, copy_text(rendered.text, osc52=osc52, env=env)
    report = copy_text(smaller.text, osc52=osc52, env=env)
    size = len(smaller.text.encode("utf-8"))
    fitted = Fitted(full, rendered.tokens, size, smaller.tokens, smaller.max_tokens)
    return smaller, dataclasses.replace(report, fitted=fitted)


def _fit_to_bytes(
    render: Callable[[int], RenderedPrompt], max_tokens: int, size: int, limit: int
) -> RenderedPrompt | None:
    """The prompt rendered with the largest budget found whose text is at most `limit` bytes."""
    budget = max_tokens
    for _ in range(6):
        budget = int(budget * limit / size * 0.98)
        if budget < 100:
            return None
        rendered = render(budget)
        if not rendered.fits:
            return None  # the text around the values alone is too big
        size = len(rendered.text.encode("utf-8"))
        if size <= limit:
            return rendered
    return None
