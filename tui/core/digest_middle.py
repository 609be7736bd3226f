"""The search of a huge log's middle for error lines (tui.core.digest_lines reads its two ends).

The middle is cut into MIDDLE_SLICES equal slices, and each slice is searched from its start up to
its first error line, a chunk at a time (lower-cased, one `str.find` per error word; no Python
step per line, no copy of the middle): a burst of errors in one place does not hide one later.
The error lines in a few KB after each one found are counted, and the rate seen in what was
searched gives an estimate for what was not. The digest then reads each error line found with
a few lines before it and its stack trace after it, like the lines of the windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

#: The middle is searched in this many equal slices, each up to its first error line.
MIDDLE_SLICES = 48
# A slice is read this many characters at a time, the first chunk small (most logs have an
# error line soon), then doubling up to the largest.
_FIRST_CHUNK = 16 * 1024
_LAST_CHUNK = 1024 * 1024
# After the first error line of a slice, error lines are counted this far (for the estimate).
_COUNT_CHARS = 8 * 1024
# Around an error line found: lines read before it, lines read after it (its stack trace and
# the context after that), and the most characters read on either side.
_LINES_BEFORE = 3
_SITE_CHARS = 32 * 1024
# Lower-casing that keeps every offset (str.lower can lengthen a few non-ASCII letters).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(eq=False, repr=False)
class Middle:
    """What was searched of a huge log's middle and what was found there."""

    #: The middle's characters, and the spans of them searched (start, end).
    chars: int
    searched: list[tuple[int, int]]
    #: Where each error line found starts (sorted), in the spans searched.
    hits: list[int]
    #: Error lines in the whole middle: found, plus the rate found times what was not searched.
    estimate: int
    #: Where the error lines read with their context start (at most one a slice; none whose line
    #: is too long to read).
    sites: list[int]

    @property
    def exact(self) -> bool:
        return sum(b - a for a, b in self.searched) >= self.chars

    def searched_in(self, lo: int, hi: int) -> int:
        """Characters searched in text[lo:hi]."""
        return sum(max(0, min(b, hi) - max(a, lo)) for a, b in self.searched)


def search(
    text: str, lo: int, hi: int, words: tuple[tuple[str, bool], ...], after: int
) -> tuple[Middle, list[tuple[int, int]]]:
    """Search text[lo:hi] (whole lines; text[hi] ends the last) for the error lines; also the
    spans to read around those found, with up to `after` lines after each: (start of a line,
    end of a line), in order."""
    size = hi - lo
    bounds = [lo]
    for k in range(1, MIDDLE_SLICES):
        # Each slice starts at a line's start: the first one at or after its share.
        found = text.find("\n", lo + size * k // MIDDLE_SLICES - 1, hi)
        bounds.append(hi + 1 if found == -1 else found + 1)
    bounds.append(hi + 1)
    middle = Middle(size, [], [], 0, [])
    spans: list[tuple[int, int]] = []
    estimate = 0.0
    for s_lo, next_lo in pairwise(bounds):
        s_hi = next_lo - 1  # the newline before the next slice
        if s_hi <= s_lo:
            continue
        pos, step = s_lo, _FIRST_CHUNK
        while pos < s_hi:
            # A chunk ends at a line's end, unless the line runs on past twice the step (a
            # chunk is never more than that: one huge line is read in pieces).
            stop = (
                s_hi
                if s_hi - pos <= step
                else text.find("\n", pos + step, min(s_hi, pos + 2 * step))
            )
            whole = stop != -1
            stop = stop if whole else min(s_hi, pos + 2 * step)
            low = _lower(text[pos:stop])
            at = _first(low, words)
            if at != -1:
                counted = min(len(low), at + _COUNT_CHARS)
                found_lines = _error_starts(low, low.rfind("\n", 0, at) + 1, counted, words)
                middle.hits.extend(pos + x for x in found_lines)
                middle.searched.append((s_lo, pos + counted))
                estimate += len(found_lines) * (s_hi - s_lo) / (pos + counted - s_lo)
                # Where the line starts in the text (a piece of a huge line starts within it).
                line = max(s_lo, text.rfind("\n", s_lo, pos + at) + 1)
                span = _around(text, lo, hi, line, after)
                if span is not None:
                    middle.sites.append(line)
                    spans.append(span)
                break
            pos, step = stop + whole, min(step * 2, _LAST_CHUNK)
        else:
            middle.searched.append((s_lo, min(next_lo, hi)))  # with the newline that ends it
    middle.estimate = round(estimate)
    middle.hits.sort()
    return middle, spans


def _lower(chunk: str) -> str:
    low = chunk.lower()
    return low if len(low) == len(chunk) else chunk.translate(_ASCII_LOWER)


def _ok(low: str, pos: int, word: str, at_start: bool) -> bool:
    """Whether the word found at pos counts: a status is 5 and two digits, then no digit; a
    word marked at_start begins a word."""
    if word.endswith("5"):
        end = pos + len(word)
        two = low[end : end + 2]
        return len(two) == 2 and two.isdigit() and not low[end + 2 : end + 3].isdigit()
    return not at_start or pos == 0 or not low[pos - 1].isalpha()


def _first(low: str, words: tuple[tuple[str, bool], ...]) -> int:
    """Where the first error word in `low` is, or -1 (each word found with str.find, only as far
    as the earliest one found so far)."""
    best = len(low)
    for word, at_start in words:
        pos = low.find(word, 0, best + len(word))
        while pos != -1 and pos < best and not _ok(low, pos, word, at_start):
            pos = low.find(word, pos + 1, best + len(word))
        if pos != -1 and pos < best:
            best = pos
    return -1 if best == len(low) else best


def _error_starts(low: str, lo: int, hi: int, words: tuple[tuple[str, bool], ...]) -> list[int]:
    """Where the lines that start in low[lo:hi] and hold an error word start."""
    found: set[int] = set()
    for word, at_start in words:
        pos = low.find(word, lo, hi)
        while pos != -1:
            if _ok(low, pos, word, at_start):
                found.add(low.rfind("\n", 0, pos) + 1)
                after = low.find("\n", pos)
                if after == -1:
                    break
                pos = low.find(word, after + 1, hi)
            else:
                pos = low.find(word, pos + 1, hi)
    return sorted(found)


def _around(text: str, lo: int, hi: int, line: int, after: int) -> tuple[int, int] | None:
    """The span read around the error line starting at `line`: a few lines before it and its
    stack trace after it, within text[lo:hi]; None when the line itself is too long to read."""
    first = line
    for _ in range(_LINES_BEFORE):
        if first <= lo:
            break
        before = text.rfind("\n", max(lo, line - _SITE_CHARS), first - 1)
        if before == -1:
            if line - _SITE_CHARS > lo:
                break  # the line before is too long
            before = lo - 1
        first = before + 1
    last = text.find("\n", line, min(hi + 1, line + _SITE_CHARS))
    if last == -1:
        return None
    for _ in range(after):
        more = text.find("\n", last + 1, min(hi + 1, line + _SITE_CHARS))
        if more == -1:
            break
        last = more
    return first, last
