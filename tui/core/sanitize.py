"""Neutralise terminal escape sequences and control characters in incident text.

Logs carry ANSI colours, and a hostile log can carry OSC 52 (set the clipboard) or OSC 2 (set the
window title). The prompt drops them; what the app displays shows them as visible symbols.

Invisible format characters get the same treatment ("Trojan Source"): bidi overrides, embeddings
and isolates make text read differently from what it holds, and zero-width characters hide text
or split a word the agent would otherwise match. The prompt drops them (line and paragraph
separators become newlines); what the app displays shows each as "\ufffd" (separators as "␤").
The session file keeps them: only what leaves the app is cleaned.
"""

from __future__ import annotations

import re
from functools import cache

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings terminated by BEL or
# ESC \, and two-byte escapes. Also the 8-bit C1 forms (U+009B CSI, U+009D OSC, ...). An unended
# string stops at the end of its line: the rest of a log or answer is text (its ESCs go too).
_ESCAPE_SEQUENCE = r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                       # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?  # OSC, DCS...
  | \x1b[ -/]*[0-~]                                        # two-byte and nF escapes
    """
# Invisible format characters: Arabic letter mark, Mongolian vowel separator, zero-width space /
# non-joiner / joiner, LRM/RLM, the bidi embeddings and overrides, word joiner and invisible
# operators, the bidi isolates, the deprecated format controls, the byte-order mark, and the
# interlinear annotation marks.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_SEPARATORS = "\u2028\u2029"  # line and paragraph separators
# C0 controls except TAB and LF, DEL, and C1 controls (a lone ESC included), and the above.
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}{_SEPARATORS}]")
_DROP = f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}]"  # one pass, not two


@cache
def _stripping() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns strip_controls removes, compiled when it is first used: the terminal UI
    shows text before it strips any (its first frame does not need them)."""
    return re.compile(_ESCAPE_SEQUENCE, re.VERBOSE), re.compile(_DROP)


def normalize_newlines(text: str) -> str:
    # One search for a CR (memchr) before two replace() scans: a 50 MB log seldom has one.
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_controls(text: str) -> str:
    """Text fit for a prompt: escape sequences removed, controls other than \\n and \\t and
    invisible format characters dropped, line and paragraph separators made newlines."""
    text = normalize_newlines(text)
    if not has_controls(text):
        return text
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    escapes, drop = _stripping()
    return drop.sub("", escapes.sub("", text))


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": NUL -> ␀, ESC -> ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    if code in (0x2028, 0x2029):
        return "\u2424"  # ␤: a line break the terminal would not show
    return "\ufffd"  # C1 controls and invisible format characters have no picture


def shown(value: object) -> str:
    """A file name, path or value as a terminal may print it: control characters made visible."""
    return visible_controls(str(value))


def visible_controls(text: str) -> str:
    """Text safe to display: every control character but \\n and \\t, and every invisible format
    character, becomes a visible symbol.

    The bytes after an ESC stay, so the user can see what the log held, but without their ESC no
    terminal will act on them.
    """
    if not has_controls(text):
        return text
    return _UNSAFE.sub(_visible, text)


def has_controls(text: str) -> bool:
    """Whether strip_controls or visible_controls would change anything in the text (a CR, an
    escape, any control or invisible character): one search, for callers that check much text.

    ASCII text (Python knows without a scan) can hold only the ASCII ones: a search for each of
    those 31 characters (memchr), a slice of the text at a time so that the slice stays in the
    CPU's cache for all 31, is several times faster on a big log than the regular expression's
    character-by-character scan, which the rest still takes."""
    if len(text) <= _SHORT or not text.isascii():
        return _UNSAFE.search(text) is not None
    find = text.find
    for start in range(0, len(text), _SLICE):
        end = start + _SLICE
        for char in _ASCII_UNSAFE:
            if find(char, start, end) != -1:
                return True
    return False


#: The characters of _UNSAFE that are ASCII, the likeliest in a log first (ESC, CR, NUL).
_ASCII_UNSAFE = "\x1b\r\x00\x08\x07\x0c\x7f" + "".join(
    chr(c) for c in [*range(0x01, 0x07), *range(0x0B, 0x20)] if chr(c) not in "\x1b\r\x0c"
)
#: Below this length one regular-expression search is as quick as 31 substring searches.
_SHORT = 4096
#: What fits in a CPU's second-level cache.
_SLICE = 128 * 1024
