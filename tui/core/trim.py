"""Trimming a value to fit the prompt, and the cleaned value it works on.

A value is cleaned (escapes and controls dropped, newlines normalised, outer newlines stripped)
and kept as a span of its text, so that a 50 MB log is never copied whole; trim_value keeps its
head and tail and says what it left out. The prompt (tui.core.prompt) uses both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.sanitize import strip_controls
from tui.core.tokens import utf8_len

#: The smallest share of a value kept when trimming, so every value keeps some head and tail.
MIN_KEEP = 400


# Where a cut inside a line may fall: never inside a token, so that masking, which runs on what
# is kept, still sees every secret whole (half a token would match no rule and leak).
_SEPARATOR = re.compile(r"[\s,;\"'<>()\[\]{}|]")
_SEPARATOR_WINDOW = 512


def trim_value(
    value: str,
    keep_chars: int,
    max_tokens: int,
    totals: tuple[int, int] | None = None,
    *,
    start: int = 0,
    end: int | None = None,
) -> tuple[str, int, int]:
    """Keep about 40% head and 60% tail (the last lines of a log hold the latest error).

    Cuts fall on line boundaries when there are any nearby, so no log line is half-shown, and
    otherwise between tokens. Returns the text, and the number of lines and bytes left out.
    `start` and `end` make it work on value[start:end] without copying it (a 50 MB log);
    `totals` are then that part's (newlines, UTF-8 bytes).
    """
    end = len(value) if end is None else end
    size = end - start
    keep_chars = max(keep_chars, MIN_KEEP)
    if size <= keep_chars:
        return value[start:end], 0, 0
    # Positions below are relative to `start`, as if value[start:end] were the value.
    head_end = int(keep_chars * 0.4)
    tail_start = size - (keep_chars - head_end)
    newline = value.rfind("\n", start, start + head_end) - start
    head_end = newline + 1 if newline > head_end // 2 else _separator_before(value, start, head_end)
    stop = min(start + tail_start + (keep_chars - head_end) // 2, end)
    newline = value.find("\n", start + tail_start, stop)
    tail_start = (
        newline - start + 1 if newline != -1 else _separator_after(value, start, end, tail_start)
    )
    head = value[start : start + head_end]
    tail = value[start + tail_start : end]
    if totals is None:
        omitted = value[start + head_end : start + tail_start]
        lines, size = omitted.count("\n"), utf8_len(omitted)
    else:
        # The value's own totals less what is kept: no pass over the megabytes left out.
        lines = totals[0] - head.count("\n") - tail.count("\n")
        size = totals[1] - utf8_len(head) - utf8_len(tail)
    what = f"{lines:,} lines, {size:,} bytes" if lines else f"{size:,} bytes of one line"
    marker = (
        f"[… incident-tui left out {what} here to fit the prompt budget of {max_tokens:,} tokens …]"
    )
    joiner = "" if head.endswith("\n") or not head else "\n"
    before_tail = start + tail_start - 1
    tail_joiner = "\n" if tail_start > 0 and value[before_tail] == "\n" else ""
    return f"{head}{joiner}{marker}{tail_joiner}{tail}", lines, size


def _separator_before(value: str, start: int, index: int) -> int:
    """The last cut between tokens in the 512 characters before `index` (both relative to
    `start`), or `index` when there is none."""
    first = start + max(0, index - _SEPARATOR_WINDOW)
    found = [m.end() for m in _SEPARATOR.finditer(value, first, start + index)]
    return found[-1] - start if found else index


def _separator_after(value: str, start: int, end: int, index: int) -> int:
    match = _SEPARATOR.search(value, start + index, min(start + index + _SEPARATOR_WINDOW, end))
    return match.start() - start if match else index


#: How much of each end of a value shows where it starts and ends without stripping it.
_EDGE = 4096
#: A value larger than this (a 50 MB log) is not cleaned whole when that can be put off: what the
#: trim or the digest keeps of it is cleaned instead.
HUGE = 32 * 1024 * 1024


@dataclass(frozen=True)
class Clean:
    """A value as the prompt takes it, strip_controls(raw).strip("\\n"), held as the span
    text[start:end]: a 50 MB log is neither copied to strip its end's newline nor scanned more
    than once. Only what a trim keeps of it is ever copied.

    `dirty`: text is the raw value itself (a huge ASCII one without CRs, whose cleaning keeps
    every newline where it is): what is kept of it must go through `finish`."""

    text: str
    start: int
    end: int
    dirty: bool = False

    def __len__(self) -> int:
        return self.end - self.start

    def whole(self) -> str:
        return self.finish(self.text[self.start : self.end])

    def finish(self, kept: str) -> str:
        """What was kept of the span, cleaned (once: a clean value's is already)."""
        return strip_controls(kept).strip("\n") if self.dirty else kept


def clean(raw: str) -> Clean:
    text = raw
    # Trim first, then clean what is kept: for ASCII without CRs, cleaning removes no newline
    # (escape sequences end before one) and adds none, so the lines are the same either way.
    dirty = len(raw) > HUGE and raw.isascii() and "\r" not in raw
    if not dirty:
        text = strip_controls(raw)
    start, end = 0, len(text)
    # The bounds of text.strip("\n"), from its first and last _EDGE characters when they hold
    # anything else (else from the whole text, which only a value of blank lines needs).
    edge = min(_EDGE, len(text))
    if text.startswith("\n"):
        head = text[:edge].lstrip("\n")
        start = edge - len(head) if head else len(text) - len(text.lstrip("\n"))
    if text.endswith("\n"):
        tail = text[-edge:].rstrip("\n")
        end = len(text) - (edge - len(tail)) if tail else len(text.rstrip("\n"))
    return Clean(text, start, max(start, end), dirty)
