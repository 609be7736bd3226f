"""Private keys: whole PEM blocks, and blocks cut short."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.core.redact._engine import (
    _Lazy,
    _Span,
)

# --- Private keys -----------------------------------------------------------------------------

_PEM_LABEL = r"((?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?)"
_PEM_BEGIN = _Lazy(f"-----BEGIN {_PEM_LABEL}-----")
_PEM_END = _Lazy(f"-----END {_PEM_LABEL}-----")
# A key cut short (a trimmed log, a truncated paste): mask the base64 that follows, across real
# newlines only while the next line is pure base64, and across escaped "\n" in a JSON string.
_PEM_REST = _Lazy(r"(?:\\[nr]|[A-Za-z0-9+/=]|\r?\n[ \t]*(?=[A-Za-z0-9+/=]+\r?$))*", re.MULTILINE)
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_BASE64_LINE = _Lazy(r"[ \t]*[A-Za-z0-9+/=]+\r?")
# The largest PEM keys (RSA 8192, with headers) are under 7 KB.
_PEM_MAX = 20_000


def _find_pem(text: str, hay: str) -> Iterator[_Span]:
    for m in _PEM_BEGIN.finditer(text):
        end_marker = f"-----END {m.group(1)}-----"
        close = text.find(end_marker, m.end(), m.end() + _PEM_MAX)
        if close != -1:
            end = close + len(end_marker)
        else:
            rest = _PEM_REST.match(text, m.end())
            end = rest.end() if rest else m.end()
        yield m.start(), end, "private-key"
    # An END whose BEGIN was cut off (a log trimmed in the middle of a key): mask the base64
    # before it. An END of a whole block overlaps that block's span and is dropped by the scan.
    for m in _PEM_END.finditer(text):
        yield _pem_body_start(text, m.start()), m.end(), "private-key"


def _pem_body_start(text: str, end_marker: int) -> int:
    i = end_marker
    floor = max(0, end_marker - _PEM_MAX)
    while i > floor:
        if text[i - 2 : i] in ("\\n", "\\r"):
            i -= 2  # an escaped newline in a JSON string
        elif text[i - 1] in _BASE64:
            i -= 1
        elif text[i - 1] == "\n":
            line_start = text.rfind("\n", floor, i - 1) + 1
            if not _BASE64_LINE.fullmatch(text, line_start, i - 1):
                break
            i = line_start
        else:
            break
    return i
