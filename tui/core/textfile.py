"""Text from files and for display: decoding, sizes, and the head-and-tail view of a huge value.

Textual-free, so the rules for "what a loaded log becomes" are testable on their own.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path

from tui.core.errors import IncidentTuiError
from tui.core.fsio import FileRefused, FileTooLarge, read_regular
from tui.core.sanitize import normalize_newlines, strip_controls

#: Values longer than this (in characters) are not put in a TextArea: once it holds a few MB each
#: keystroke stalls the screen. They are shown read-only, head and tail, instead.
BIG_VALUE_CHARS = 256 * 1024
#: A file larger than this is refused: it is not a log excerpt any more, and it would sit in
#: memory (and in the session file) for nothing; the prompt keeps ~110 KB of it at most anyway.
MAX_FILE_BYTES = 64 * 1024 * 1024


class TextFileError(IncidentTuiError):
    """A file that cannot be loaded, said in one line."""


#: Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(raw: bytes) -> str:
    """Bytes from a file or an editor as text, LF only: by its byte-order mark when it has one
    (UTF-8, UTF-16 or UTF-32, as Windows tools write logs), else UTF-8; bad bytes replaced."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return normalize_newlines(raw[len(bom) :].decode(encoding, errors="replace"))
    return normalize_newlines(raw.decode("utf-8", errors="replace"))


def read_text_file(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a file for a field. Raises TextFileError with a reason a user can act on.

    Only a regular file is read (a FIFO or /dev/zero is refused at once, never waited on)."""
    try:
        raw = read_regular(path, limit)
    except FileTooLarge:
        raise TextFileError(
            f"{path} is larger than the limit of {human_size(limit)}. "
            "Cut it down to the relevant part first (e.g. tail -n 5000)"
        ) from None
    except FileRefused as exc:
        raise TextFileError(str(exc)) from None
    return decode_text(raw)


def human_size(size: int) -> str:
    """1,234 B / 12.3 KB / 4.5 MB: sizes for a status line."""
    if size < 1024:
        return f"{size:,} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def is_big(value: str) -> bool:
    return len(value) > BIG_VALUE_CHARS


def head_and_tail(text: str, lines: int = 8, max_line: int = 200) -> tuple[str, str] | None:
    """The first and last `lines` lines of a huge value, each cut to max_line characters.

    Returns (head, tail), or None when the value is short enough to show whole. Works on slices of
    the text, never on all of it, so it stays cheap for a 20 MB value.
    """
    window = lines * (max_line + 1)
    if len(text) <= 2 * window and text.count("\n") < 2 * lines:
        return None
    head = text[:window].split("\n")[:lines]
    tail = text[-window:].split("\n")[-lines:]
    return _cut(head, max_line), _cut(tail, max_line)


def _cut(lines: list[str], max_line: int) -> str:
    return "\n".join(
        line if len(line) <= max_line else line[: max_line - 1] + "…" for line in lines
    )


def editor_command(env: Mapping[str, str] | None = None) -> list[str]:
    """$VISUAL, else $EDITOR, else vi, split like a shell would ("code --wait" works)."""
    env = os.environ if env is None else env
    command = env.get("VISUAL") or env.get("EDITOR") or "vi"
    import shlex  # here: only $EDITOR needs it

    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise TextFileError(f"cannot parse the editor command {command!r}: {exc}") from None
    return argv or ["vi"]


def edit_in_editor(
    text: str,
    name: str,
    suspend: Callable[[], AbstractContextManager[None]],
    env: Mapping[str, str] | None = None,
) -> str:
    """Let the user edit `text` in their editor; the text they saved.

    The text goes to a private temporary file (its directory is 0700), the editor runs inside
    `suspend()` (the app hands the terminal over), and what comes back is decoded like a loaded
    file, with escape sequences dropped. The final newline editors add is taken off again.
    Raises TextFileError when the editor cannot start or exits with an error.
    """
    argv = editor_command(env)
    with tempfile.TemporaryDirectory(prefix="incident-tui-") as tmp:
        path = Path(tmp) / name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(path, flags, 0o600), "wb") as handle:
            handle.write(text.encode("utf-8", "replace"))
        try:
            with suspend():
                status = subprocess.run([*argv, str(path)], check=False).returncode
        except OSError as exc:
            raise TextFileError(f"cannot start {argv[0]}: {exc.strerror or exc}") from None
        if status != 0:
            raise TextFileError(f"the editor exited with status {status}")
        try:
            new = strip_controls(decode_text(read_regular(path, MAX_FILE_BYTES)))
        except FileRefused as exc:
            raise TextFileError(str(exc)) from None
    if new.endswith("\n") and not text.endswith("\n"):
        new = new[:-1]
    return new
