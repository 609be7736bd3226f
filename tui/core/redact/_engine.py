"""The engine: lazily compiled patterns, rules, the scan that keeps the first claim, and the
placeholders that are never secrets."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator

# --- The scan ---------------------------------------------------------------------------------
#
# Speed: Python's re finds a pattern fast when it starts with a literal ("ghp_", "eyJ", "@") and
# slowly when it starts with a lookbehind or re.IGNORECASE. So patterns start with their literal,
# boundaries are checked in code, and case-insensitive rules match lowercase patterns against the
# lowercased text. Each rule also has a substring pre-check that skips its pass altogether.

_Span = tuple[int, int, str]  # start, end, kind


class _Lazy:
    """A regular expression compiled on first use. Compiling every rule took ~5 ms at import,
    a third of `incident-tui render` beyond its baseline, and most rules never run on a given
    incident (their keywords are absent)."""

    __slots__ = ("_flags", "_pattern", "_rx")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._rx: re.Pattern[str] | None = None

    @property
    def rx(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = re.compile(self._pattern, self._flags)
        return self._rx

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.rx.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.fullmatch(text, pos, endpos)


class _Rule:
    """One rule of the scan. A plain class, not a dataclass: the dataclass machinery's generated
    methods cost each render's start more than the rules ever use."""

    __slots__ = ("find", "fold", "keywords")

    def __init__(
        self,
        find: Callable[[str, str], Iterator[_Span]],
        keywords: tuple[str, ...] = (),
        fold: bool = False,
    ) -> None:
        #: Called with the text and the haystack to match in: the text itself, or for a `fold`
        #: rule the text lowercased (same length, so offsets agree). Spans are offsets into the
        #: text.
        self.find = find
        #: The rule can only match text holding one of these. Empty: always run.
        self.keywords = keywords
        #: Match the lowercased text with lowercase patterns.
        self.fold = fold


def _fold(text: str) -> str:
    # U+0130 is the one character whose lowercase is two characters long.
    return text.replace("\u0130", "i").lower()


def _scan(text: str, rules: tuple[_Rule, ...]) -> list[_Span]:
    """Non-overlapping spans, sorted; a stretch claimed by an earlier rule is not taken again."""
    folded: str | None = None
    claimed: bytearray | None = None
    spans: list[_Span] = []
    for rule in rules:
        hay = text
        if rule.fold:
            folded = _fold(text) if folded is None else folded
            hay = folded
        if rule.keywords and not any(k in hay for k in rule.keywords):
            continue
        for start, end, kind in rule.find(text, hay):
            if claimed is None:
                claimed = bytearray(len(text))
            if claimed.find(1, start, end) != -1:
                continue
            claimed[start:end] = b"\x01" * (end - start)
            spans.append((start, end, kind))
    spans.sort()
    return spans


_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _starts_token(text: str, start: int) -> bool:
    """Not the tail of a longer token ("xghp_…", "task-…")."""
    return start == 0 or text[start - 1] not in _TOKEN_CHARS


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def _regex_rule(kind: str, pattern: str, keywords: tuple[str, ...], group: str = "") -> _Rule:
    """A token found by its shape alone. `group`, if given, is the part that is secret."""
    rx = _Lazy(pattern, re.VERBOSE)

    def find(text: str, hay: str) -> Iterator[_Span]:
        for m in rx.finditer(hay):
            if _starts_token(text, m.start()):
                start, end = m.span(group) if group else m.span()
                yield start, end, kind

    return _Rule(find, keywords)


# --- Placeholders: values that are not secrets ------------------------------------------------

_PLACEHOLDER = _Lazy(
    r"""
      [*xX#•._-]*                   # ***, xxxx, ..., ---
    | <[^<>\n]*>                    # <redacted>, <your-password>
    | \$\{[^}\n]*\}                 # ${DB_PASSWORD}
    | \$[A-Za-z_][A-Za-z0-9_]*      # $DB_PASSWORD
    | \$\([^\n]*                    # $(cat /run/secrets/pg): the shell reads it at run time
    | %[A-Za-z_][A-Za-z0-9_]*%      # %DB_PASSWORD%
    | \{\{[^\n]*\}\}                # {{ .Values.password }}
    | %(?:\([A-Za-z0-9_]*\))?s      # %s, %(password)s
    | \[[A-Za-z0-9\ _:\#.-]*\]      # [REDACTED], [FILTERED], our own labels
    | (?i:redacted|masked|hidden|filtered|removed|null|none|nil|undefined|true|false|deleted)
    | [0-9]{1,3}                    # counts and flags, not secrets
    | [|>][+-]?                     # a YAML block scalar: the value is on the next lines
    """,
    re.VERBOSE,
)


def _is_placeholder(value: str) -> bool:
    # A value that starts with one of our labels was masked already ("[REDACTED:jwt#1]\\n").
    return value.startswith("[REDACTED:") or _PLACEHOLDER.fullmatch(value) is not None


def _trim(text: str, start: int, end: int, chars: str) -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


_LINE_LOOKBACK = 1024


class _OnLine:
    """Whether `program` occurs earlier on the line of a position (at most 1 KB back).

    Positions come in increasing order; what was searched is remembered, so a line of many
    options is searched once. (A pattern that scans forward from each program name to its option
    would rescan a long line once per name.)"""

    def __init__(self, hay: str, program: re.Pattern[str]) -> None:
        self._hay = hay
        self._program = program
        self._line_end = -1  # the end of the line searched so far
        self._searched_to = 0
        self._found = False

    def before(self, pos: int) -> bool:
        hay = self._hay
        if pos > self._line_end:  # a new line
            line_start = hay.rfind("\n", max(0, pos - _LINE_LOOKBACK), pos) + 1
            end = hay.find("\n", pos)
            self._line_end = len(hay) if end == -1 else end
            self._searched_to = line_start
            self._found = False
        if not self._found:
            # Back up a little: the name may straddle where the last search stopped.
            start = max(0, self._searched_to - 16)
            self._found = self._program.search(hay, start, pos) is not None
            self._searched_to = pos
        return self._found
