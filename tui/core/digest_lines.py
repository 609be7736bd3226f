"""The lines of a log, read in place for its digest (tui.core.digest): where each line starts,
the number of its shape, which lines are errors and where their stack traces end.

The log is held once: the analysis keeps each line's offset and its shape's number, never the
lines themselves, and reads the text a chunk at a time. A log larger than FULL_LIMIT is analysed
in two windows, its first HEAD_WINDOW and last TAIL_WINDOW characters (a prompt holds about a
sixth of that), and around the error lines that a search of the middle finds
(tui.core.digest_middle); the rest of the middle is counted, not read.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, count, islice
from operator import add, sub

from tui.core.digest_middle import Middle
from tui.core.digest_middle import search as search_middle

#: The longest stack trace kept whole; the rest of a longer one is counted.
TRACE_CAP = 80
#: The largest log analysed whole, in characters; a larger one is analysed in two windows.
FULL_LIMIT = 32 * 1024 * 1024
HEAD_WINDOW = 128 * 1024
TAIL_WINDOW = 384 * 1024
# The text is read this many characters at a time: what the analysis holds beyond its offsets.
_CHUNK = 256 * 1024

# Lines are compared with their digits and the letters a-f left out (one C-speed translate of
# the whole text, no per-line work): numbers, hex ids, UUIDs and timestamps then compare equal.
# The price: two lines that differ only in those letters ("added" and "faded") compare equal too.
_SHAPE_DROP = b"0123456789abcdefABCDEF"
#: What looks like an error, found with str.find (one fast scan each; long words scan fastest);
#: True: only at the start of a word. Searched in the lower-cased first line of each shape, and
#: a shape's lines take its answer: they differ from that line only in digits and the letters
#: a-f, so one of them could hold a word the first does not only by spelling it with those
#: ("3rror" in the first line, "error" in a later one).
_ERROR_WORDS: tuple[tuple[str, bool], ...] = (
    ("error", False),
    ("exception", False),
    ("fatal", False),
    ("panic", False),
    ("traceback", False),  # a Python traceback starts here; its exception line ends it
    ("critical", False),
    ("out of memory", False),
    ("kill", False),  # killed, OOMKilled, oom-kill, SIGKILL
    ("segfault", False),
    ("segmentation fault", False),
    ("fail", True),
)
#: HTTP 5xx: these, then 5 and two digits (`"GET / HTTP/1.1" 503 12`). Digits are what tell
#: lines of one shape apart, so these are searched in every line.
_STATUS_WORDS: tuple[tuple[str, bool], ...] = (
    ('" 5', False),
    ("status=5", False),
    ('"status":5', False),
)
# "Caused by" needs no scan: it continues a trace whose first line has an error word.
# A line that continues a stack trace (matched at the start of the line).
_TRACE_LINE = re.compile(
    r"[ \t]+\S|Caused by|Suppressed:|goroutine \d+ \[|created by |\.\.\. \d+ more"
    r"|\[signal |Traceback \(|During handling of|The above exception"
)
# The first characters _TRACE_LINE can match: a log line (a timestamp) is turned away at once.
_TRACE_FIRST = frozenset(" \tCSgc.[TD")
# A Go frame's function line: `main.handler(0xc000012345, {0x6f1e58})`.
_GO_FRAME = re.compile(r"[\w./*()\[\]-]+\(.*\)$")
TIME = re.compile(r"(\d{4}-\d\d-\d\d[T ])?(\d\d:\d\d:\d\d)")


# Only __init__ generated (eq, repr, hash and frozen each compile more code at import, and a
# render imports this module).
@dataclass(eq=False, repr=False)
class Event:
    start: int
    #: One past the event's last line (the error line and its trace).
    end: int
    count: int
    last_start: int


@dataclass(eq=False, repr=False)
class Analysis:
    text: str
    #: starts[i]: where line i starts in text; one more entry, one past the last line's end.
    starts: array[int]
    #: The number of each line's shape (lines of one shape have one number).
    ids: array[int]
    #: A huge log: the first line read after each stretch not read, in order; else empty.
    breaks: list[int]
    #: Where a line before such a stretch ends (its next line starts after the stretch).
    ends: dict[int, int]
    #: For each first line after a stretch: (start, end) of the stretch not read.
    gaps: dict[int, tuple[int, int]]
    #: Lines of a huge log's middle not read.
    skipped: int
    counts: Counter[int]
    #: By shape number: its first line.
    first: list[int]
    last: dict[int, int]
    #: Distinct events (by shape), in the order they first occur.
    events: list[Event]
    #: Lines that belong to some event (kept ones and their repeats): no per-line count there.
    in_event: bytearray
    #: What the search of a huge log's middle did; None when the log was read whole.
    middle: Middle | None = None

    @property
    def n(self) -> int:
        return len(self.ids)

    def end(self, i: int) -> int:
        ends = self.ends
        return ends[i] if ends and i in ends else self.starts[i + 1] - 1

    def line(self, i: int) -> str:
        return self.text[self.starts[i] : self.end(i)]

    def segment(self, i: int) -> tuple[int, int]:
        """The lines read in one piece with line i: (first, one past the last)."""
        breaks = self.breaks
        k = bisect_right(breaks, i)
        return breaks[k - 1] if k else 0, breaks[k] if k < len(breaks) else self.n

    def costs(self, lines: list[int]) -> list[int]:
        """What each of these lines costs in a digest: its characters and a newline (C-speed
        lookups: a digest can weigh most lines of a log)."""
        at = self.starts.__getitem__
        found = list(map(sub, map(at, map((1).__add__, lines)), map(at, lines)))
        ends = self.ends
        # A line before a stretch not read: the next line starts after the stretch.
        for i in ends.keys() & set(lines) if ends else ():
            found[lines.index(i)] = ends[i] + 1 - self.starts[i]
        return found

    def size(self, i: int) -> int:
        return self.end(i) - self.starts[i]


def analyse(text: str, start: int, end: int, newlines: int | None) -> Analysis | None:
    """Everything that does not depend on the budget; None when a huge log has no line break
    near its ends (a few huge lines: the trim shows them better)."""
    lines = _Lines()
    starts, ids = lines.starts, lines.ids
    breaks: list[int] = []
    ends: dict[int, int] = {}
    gaps: dict[int, tuple[int, int]] = {}
    middle = None
    if end - start > FULL_LIMIT:
        head_end = text.rfind("\n", start, start + HEAD_WINDOW)
        tail = text.find("\n", end - TAIL_WINDOW, end) + 1
        if head_end == -1 or tail == 0:
            return None
        spans = [(start, head_end)]
        if tail - 1 > head_end + 1:
            # Each error line found is read with its trace and the context after it.
            middle, sites = search_middle(
                text, head_end + 1, tail - 1, _ERROR_WORDS + _STATUS_WORDS, TRACE_CAP + 3
            )
            spans.extend(sites)
        spans.append((tail, end))
        previous = -1  # where the last line read so far ends
        for lo, hi in spans:
            if previous != -1 and lo <= previous + 1:
                if hi <= previous:
                    continue
                lo = previous + 1  # read on from the span before (it overlaps or touches)
            elif previous != -1:
                breaks.append(len(ids))
                ends[len(ids) - 1] = previous
                gaps[len(ids)] = (previous + 1, lo - 1)
            _scan(text, lo, hi, lines)
            previous = hi
        if newlines is None:
            newlines = text.count("\n", start, end)
        skipped = newlines + 1 - len(ids)
    else:
        _scan(text, start, end, lines)
        skipped = 0
    starts.append(end + 1)
    n = len(ids)
    # The shapes themselves are dropped here: only their numbers are needed from here.
    first = lines.first
    counts = Counter(ids)
    # dict() keeps the last value given for a key: forwards that is the last index.
    last = dict(zip(ids, range(n), strict=True))
    a = Analysis(
        text, starts, ids, breaks, ends, gaps, skipped, counts, first, last, [], bytearray(n)
    )
    a.middle = middle
    in_event = a.in_event
    text, starts = a.text, a.starts
    found: dict[tuple[int, ...], list[int]] = {}
    for at in compress(range(n), _error_lines(a)):
        if in_event[at]:
            continue
        # Most error lines have no trace: neither of the next two lines can start one. (The
        # first character of an empty line is its newline, which starts no trace.)
        here = starts[at]
        if (
            text[here : here + 1] == "T"
            or (at + 1 < n and text[starts[at + 1] : starts[at + 1] + 1] in _TRACE_FIRST)
            or (at + 2 < n and text[starts[at + 2] : starts[at + 2] + 1] in _TRACE_FIRST)
        ):
            stop = _trace_end(a, at)
        else:
            stop = at + 1
        # A trace is known by its own lines, not by the log line that announced it.
        if stop - at == 1:
            in_event[at] = 1
            key: tuple[int, ...] = (ids[at],)
        else:
            in_event[at:stop] = b"\x01" * (stop - at)
            skip = TIME.search(a.line(at)) is not None
            key = tuple(ids[at + skip : min(stop, at + TRACE_CAP)])
        seen = found.get(key)
        if seen is None:
            found[key] = [at, stop, 1, at]
        else:
            seen[2] += 1
            seen[3] = at
    a.events.extend(Event(*e) for e in found.values())
    return a


class _Lines:
    """The lines read so far: where each starts, its shape's number, and by shape number its
    first line (shapes are numbered in the order they first occur)."""

    def __init__(self) -> None:
        self.starts: array[int] = array("q")
        self.ids: array[int] = array("i")  # 4 bytes a line: fewer kinds of line than 2**31
        self.numbers: dict[bytes, int] = {}
        self.first: list[int] = []


def _scan(text: str, start: int, end: int, lines: _Lines) -> None:
    """Add the lines of text[start:end] to `lines`. A chunk at a time, so that only the offsets
    outlive it."""
    starts, ids, numbers, first = lines.starts, lines.ids, lines.numbers, lines.first
    pos = start
    while True:
        stop = end if end - pos <= _CHUNK else text.find("\n", pos + _CHUNK, end)
        stop = end if stop == -1 else stop
        chunk = text[pos:stop]
        parts = chunk.split("\n")
        # Line j of the chunk starts after the j lines before it and their newlines.
        starts.extend(
            islice(map(add, accumulate(map(len, parts), initial=pos), count()), len(parts))
        )
        del parts
        shapes = chunk.encode("utf-8", "surrogatepass").translate(None, _SHAPE_DROP).split(b"\n")
        # New shapes are numbered in the order they occur, which is the order dict.fromkeys
        # lists them in: each one's first line is found by a search on from the one before.
        at = 0
        for shape in dict.fromkeys(shapes):
            if shape not in numbers:
                numbers[shape] = len(numbers)
                at = shapes.index(shape, at)
                first.append(len(ids) + at)
        ids.extend(map(numbers.__getitem__, shapes))
        if stop >= end:
            break
        pos = stop + 1


def _error_lines(a: Analysis) -> bytearray:
    """1 for each line that looks like an error (a byte a line: a log can be all errors)."""
    firsts = a.first
    samples = [a.line(i) for i in firsts]
    # Where each sample starts in them joined: after the samples before it and their newlines.
    sample_starts = list(map(add, accumulate(map(len, samples), initial=0), count()))
    joined = "\n".join(samples).lower()
    hits = _find_lines(joined, sample_starts, [(0, len(joined))], _ERROR_WORDS)
    flagged = {a.ids[firsts[h]] for h in hits}
    found = bytearray(map(flagged.__contains__, a.ids))
    firsts_of = [0, *a.breaks]
    lasts_of = [*(b - 1 for b in a.breaks), a.n - 1]
    spans = [(a.starts[f], a.end(x)) for f, x in zip(firsts_of, lasts_of, strict=True)]
    for line in _find_lines(a.text, a.starts, spans, _STATUS_WORDS, found):
        found[line] = 1
    return found


def _find_lines(
    text: str,
    starts: Sequence[int],
    spans: list[tuple[int, int]],
    words: tuple[tuple[str, bool], ...],
    known: bytearray | None = None,
) -> set[int]:
    """The lines that hold one of `words` in the spans of `text`; starts[i] is where line i
    starts. Each word is found with str.find; a line found once is skipped for that word, and
    so is a line `known` already marks (most HTTP 5xx lines also say "error")."""
    found: set[int] = set()
    for lo, hi in spans:
        for word, at_start in words:
            status = word.endswith("5")
            pos = text.find(word, lo, hi)
            line = 0
            while pos != -1:
                # The words are found in order: the line is searched for from the last one.
                line = bisect_right(starts, pos, line) - 1
                if known is not None and known[line]:
                    pos = text.find(word, starts[line + 1], hi)
                    continue
                end = pos + len(word)
                if status:
                    two, third = text[end : min(end + 2, hi)], text[end + 2 : min(end + 3, hi)]
                    ok = len(two) == 2 and two.isdigit() and not third.isdigit()
                else:
                    ok = not at_start or pos == 0 or not text[pos - 1].isalpha()
                if ok:
                    found.add(line)
                    pos = text.find(word, starts[line + 1], hi)
                else:
                    pos = text.find(word, pos + 1, hi)
    return found


def _trace_end(a: Analysis, start: int) -> int:
    """One past the last line of the stack trace that follows the error line at `start`."""
    # A trace ends where the lines read do: the first line after a stretch not read does not
    # follow it.
    n = a.segment(start)[1]
    # The lines are read in place (no copy of each): line i is text[starts[i]:starts[i + 1] - 1],
    # but for the segment's last line, which may end before a stretch not read.
    text, starts, match = a.text, a.starts, _TRACE_LINE.match
    last_end = a.end(n - 1)

    def is_trace(i: int) -> bool:
        s, e = starts[i], starts[i + 1] - 1 if i + 1 < n else last_end
        return s < e and text[s] in _TRACE_FIRST and match(text, s, e) is not None

    end = start + 1
    python = text.startswith("Traceback", starts[start], a.end(start))
    go = False
    while end < n:
        s, e = starts[end], starts[end + 1] - 1 if end + 1 < n else last_end
        if s < e and text[s] in _TRACE_FIRST and match(text, s, e) is not None:
            python = python or text.startswith("Traceback", s, e)
            go = go or text.startswith("goroutine ", s, e)
        elif go and (s == e or _GO_FRAME.match(text[s:e])):
            pass
        elif (s == e or end == start + 1) and end + 1 < n and is_trace(end + 1):
            pass  # a blank line inside a trace, or a Java exception line under its log line
        elif python and starts[end - 1] < s - 1 and text[starts[end - 1]] in " \t":
            end += 1  # the exception line that ends a Python traceback
            python = False
            continue
        else:
            break
        end += 1
    while end > start + 1 and not a.size(end - 1):
        end -= 1
    return end
