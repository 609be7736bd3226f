"""Neutralise terminal escape sequences and control characters in incident text.

Logs carry ANSI colours, and a hostile log can carry OSC 52 (set the clipboard) or OSC 2 (set the
window title). The prompt drops them; what the app displays shows them as visible symbols.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings terminated by BEL or
# ESC \, and two-byte escapes. Also the 8-bit C1 forms (U+009B CSI, U+009D OSC, ...).
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                       # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # OSC, DCS...
  | \x1b[ -/]*[0-~]                                        # two-byte and nF escapes
    """,
    re.VERBOSE,
)
# C0 controls except TAB and LF, DEL, and C1 controls (a lone ESC included).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_controls(text: str) -> str:
    """Text fit for a prompt: escape sequences removed, controls other than \\n and \\t dropped."""
    text = normalize_newlines(text)
    if not _needs_work(text):
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": NUL -> ␀, ESC -> ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no picture


def visible_controls(text: str) -> str:
    """Text safe to display: every control character but \\n and \\t becomes a visible symbol.

    The bytes after an ESC stay, so the user can see what the log held, but without their ESC no
    terminal will act on them.
    """
    if not _needs_work(text):
        return text
    return _CONTROL.sub(_visible, text)


def _needs_work(text: str) -> bool:
    return _CONTROL.search(text) is not None
