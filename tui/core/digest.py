"""A digest of a large log for the prompt: repeats collapsed, errors and stack traces kept.

The session keeps the raw text; only a value that does not fit its share of the prompt budget is
digested, and the digest is deterministic (the same text and budget give the same bytes).

- Lines that differ only in numbers, hex ids, UUIDs and timestamps have one *shape*. A shape is
  shown once, where it first occurs, followed by `[×12,408 similar, 14:05:01–14:19:44]`.
- A line that looks like an error is an *event* together with the stack trace that follows it
  (Python, Java `at …`/`Caused by`, Go goroutines), kept whole up to a cap, with a few lines of
  context. An event repeated with the same shape is shown once, with its count.
- The first and last lines are kept; a first line says what was collapsed and what was left out,
  and `[… N lines left out …]` marks where lines of no kept shape were dropped to fit.

Every kept line is a line of the log, verbatim: the digest goes on to the same cleaning and
masking as any value, so a secret in a sample line is masked like one anywhere else.

The log is held once: the analysis keeps each line's offset and the number of its shape, never the
lines themselves, and reads the text a chunk at a time. A log larger than FULL_LIMIT is analysed
in two windows, its first HEAD_WINDOW and last TAIL_WINDOW characters (a prompt holds about a
tenth of that), and the digest says how many lines in the middle it did not search.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, count, islice
from operator import add

__all__ = ["HEAD_LINES", "TAIL_LINES", "digest", "digest_span", "left_out"]

HEAD_LINES = 10
TAIL_LINES = 20
#: Lines kept before and after an error.
CONTEXT_LINES = 3
#: The longest stack trace kept whole; the rest of a longer one is counted.
TRACE_CAP = 80
#: The largest log analysed whole, in characters; a larger one is analysed in two windows.
FULL_LIMIT = 32 * 1024 * 1024
HEAD_WINDOW = 256 * 1024
TAIL_WINDOW = 768 * 1024
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
_TIME = re.compile(r"(\d{4}-\d\d-\d\d[T ])?(\d\d:\d\d:\d\d)")


@dataclass(frozen=True)
class _Event:
    start: int
    #: One past the event's last line (the error line and its trace).
    end: int
    count: int
    last_start: int


@dataclass
class _Analysis:
    text: str
    #: starts[i]: where line i starts in text; one more entry, one past the last line's end.
    starts: array[int]
    #: The number of each line's shape (lines of one shape have one number).
    ids: array[int]
    #: Where the head window's last line ends (a huge log), else the end of the text.
    head_end: int
    #: The first line of the tail window (a huge log), else the number of lines.
    skip_at: int
    #: Lines between the windows, not analysed.
    skipped: int
    counts: Counter[int]
    first: dict[int, int]
    last: dict[int, int]
    #: Distinct events (by shape), in the order they first occur.
    events: list[_Event]
    #: Lines that belong to some event (kept ones and their repeats): no per-line count there.
    in_event: bytearray

    @property
    def n(self) -> int:
        return len(self.ids)

    def end(self, i: int) -> int:
        return self.head_end if i + 1 == self.skip_at else self.starts[i + 1] - 1

    def line(self, i: int) -> str:
        starts = self.starts
        return self.text[starts[i] : self.head_end if i + 1 == self.skip_at else starts[i + 1] - 1]

    def size(self, i: int) -> int:
        return self.end(i) - self.starts[i]


def digest(value: str, budget: int) -> str:
    """`value` itself when it fits `budget` characters; otherwise its digest, which aims to fit.

    What still does not fit (a log of nothing but distinct errors) is left to the trim after it.
    """
    if len(value) <= budget:
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    # A last newline ends the last line; it starts none.
    digested = digest_span(text, 0, len(text) - text.endswith("\n"), budget)
    # Nothing collapsed and no error kept (one huge line, a log of distinct lines): the
    # trim's head and tail show more of it than a digest would.
    return value if digested is None else digested


def digest_span(
    text: str, start: int, end: int, budget: int, newlines: int | None = None
) -> str | None:
    """The digest of text[start:end] (LF line ends only), read in place; None when it fits
    `budget` or a digest would show less of it than the trim. `newlines`: the span's, if known.
    """
    if end - start <= budget:
        return None
    key = (id(text), start, end)
    entry = _DONE.get(key)
    if entry is None or entry[0] is not text:
        analysis = _analyse(text, start, end, newlines)
        entry = (text, analysis, {})
        _DONE.pop(key, None)
        _DONE[key] = entry
        for old in list(_DONE)[:-2]:
            _DONE.pop(old, None)
    _, analysis, done = entry
    if budget not in done:
        done[budget] = None if analysis is None else _render(analysis, budget)
    return done[budget]


# The preview renders again after every pause in typing, with the same budgets each time, and
# fitting a prompt tries several budgets: the analyses of the last two values digested (a log and
# a monitoring dump), with their digests by budget. Each entry holds its text (the value itself,
# which the session holds anyway), so an id is never taken for another string's; only two, so an
# edited 5 MB log does not keep its old versions alive.
_DONE: dict[tuple[int, int, int], tuple[str, _Analysis | None, dict[int, str | None]]] = {}


def forget() -> None:
    """Drop what is remembered of the last values digested."""
    _DONE.clear()


# The lines a digest adds: its summary, the markers of what was left out, a trace's count.
_MARKER_LINE = re.compile(r"^\[(?:incident-tui log digest|… |×)", re.MULTILINE)


def left_out(raw: str, shown: str, totals: tuple[int, int] | None = None) -> tuple[int, int]:
    """(lines, bytes) of `raw` that `shown` (its digest, maybe trimmed) does not hold verbatim:
    the log's lines less the log lines shown, and its size less the size shown. `totals` are
    raw's (newlines, UTF-8 bytes) when already counted (raw is then not read)."""
    lines, size = totals if totals is not None else (raw.count("\n"), _utf8_len(raw))
    shown_lines = shown.count("\n") + 1 - len(_MARKER_LINE.findall(shown))
    return max(0, lines + 1 - shown_lines), max(0, size - _utf8_len(shown))


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _analyse(text: str, start: int, end: int, newlines: int | None) -> _Analysis | None:
    """Everything that does not depend on the budget; None when a huge log has no line break
    near its ends (a few huge lines: the trim shows them better)."""
    starts: array[int] = array("q")
    ids: array[int] = array("l")
    numbers: dict[bytes, int] = {}
    head_end, skipped = end, 0
    if end - start > FULL_LIMIT:
        head_end = text.rfind("\n", start, start + HEAD_WINDOW)
        tail = text.find("\n", end - TAIL_WINDOW, end) + 1
        if head_end == -1 or tail == 0:
            return None
        _scan(text, start, head_end, starts, ids, numbers)
        skip_at = len(ids)
        _scan(text, tail, end, starts, ids, numbers)
        if newlines is None:
            newlines = text.count("\n", start, end)
        skipped = newlines + 1 - len(ids)
    else:
        _scan(text, start, end, starts, ids, numbers)
        skip_at = len(ids)
    del numbers  # the shapes themselves: only their numbers are needed from here
    starts.append(end + 1)
    n = len(ids)
    counts = Counter(ids)
    # dict() keeps the last value given for a key: forwards that is the last index, backwards
    # the first.
    last = dict(zip(ids, range(n), strict=True))
    first = dict(zip(reversed(ids), range(n - 1, -1, -1), strict=True))
    a = _Analysis(
        text, starts, ids, head_end, skip_at, skipped, counts, first, last, [], bytearray(n)
    )
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
            skip = _TIME.search(a.line(at)) is not None
            key = tuple(ids[at + skip : min(stop, at + TRACE_CAP)])
        seen = found.get(key)
        if seen is None:
            found[key] = [at, stop, 1, at]
        else:
            seen[2] += 1
            seen[3] = at
    a.events.extend(_Event(*e) for e in found.values())
    return a


def _scan(
    text: str, start: int, end: int, starts: array[int], ids: array[int], numbers: dict[bytes, int]
) -> None:
    """Add the lines of text[start:end]: where each starts, and its shape's number (`numbers`:
    the shapes seen so far). A chunk at a time, so that only the offsets outlive it."""
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
        for shape in dict.fromkeys(shapes):  # new shapes numbered in the order they occur
            if shape not in numbers:
                numbers[shape] = len(numbers)
        ids.extend(map(numbers.__getitem__, shapes))
        if stop >= end:
            break
        pos = stop + 1


def _error_lines(a: _Analysis) -> bytearray:
    """1 for each line that looks like an error (a byte a line: a log can be all errors)."""
    firsts = list(a.first.values())
    samples = [a.line(i) for i in firsts]
    # Where each sample starts in them joined: after the samples before it and their newlines.
    sample_starts = list(map(add, accumulate(map(len, samples), initial=0), count()))
    joined = "\n".join(samples).lower()
    hits = _find_lines(joined, sample_starts, [(0, len(joined))], _ERROR_WORDS)
    flagged = {a.ids[firsts[h]] for h in hits}
    found = bytearray(map(flagged.__contains__, a.ids))
    spans = [(a.starts[0], a.head_end)]
    if a.skip_at < a.n:
        spans.append((a.starts[a.skip_at], a.starts[-1] - 1))
    for line in _find_lines(a.text, a.starts, spans, _STATUS_WORDS):
        found[line] = 1
    return found


def _find_lines(
    text: str,
    starts: Sequence[int],
    spans: list[tuple[int, int]],
    words: tuple[tuple[str, bool], ...],
) -> set[int]:
    """The lines that hold one of `words` in the spans of `text`; starts[i] is where line i
    starts. Each word is found with str.find; a line found once is skipped for that word."""
    found: set[int] = set()
    for lo, hi in spans:
        for word, at_start in words:
            status = word.endswith("5")
            pos = text.find(word, lo, hi)
            while pos != -1:
                line = bisect_right(starts, pos) - 1
                end = pos + len(word)
                if status:
                    two, third = text[end : min(end + 2, hi)], text[end + 2 : min(end + 3, hi)]
                    ok = two.isdigit() and not third.isdigit()
                else:
                    ok = not at_start or pos == 0 or not text[pos - 1].isalpha()
                if ok:
                    found.add(line)
                    pos = text.find(word, starts[line + 1], hi)
                else:
                    pos = text.find(word, pos + 1, hi)
    return found


def _is_trace(line: str) -> bool:
    return line[:1] in _TRACE_FIRST and _TRACE_LINE.match(line) is not None


def _trace_end(a: _Analysis, start: int) -> int:
    """One past the last line of the stack trace that follows the error line at `start`."""
    n = a.n
    end = start + 1
    python = a.line(start).startswith("Traceback")
    go = False
    while end < n:
        line = a.line(end)
        if _is_trace(line):
            python = python or line.startswith("Traceback")
            go = go or line.startswith("goroutine ")
        elif go and (not line or _GO_FRAME.match(line)):
            pass
        elif (not line or end == start + 1) and end + 1 < n and _is_trace(a.line(end + 1)):
            pass  # a blank line inside a trace, or a Java exception line under its log line
        elif python and a.line(end - 1)[:1] in (" ", "\t"):
            end += 1  # the exception line that ends a Python traceback
            python = False
            continue
        else:
            break
        end += 1
    while end > start + 1 and not a.size(end - 1):
        end -= 1
    return end


def _time(a: _Analysis, index: int) -> re.Match[str] | None:
    """The time on a line, or on the line before it (a trace's own lines seldom have one)."""
    found = _TIME.search(a.line(index))
    return found if found is not None or index == 0 else _TIME.search(a.line(index - 1))


def _times(a: _Analysis, first: int, last: int) -> str:
    """`, 14:05:01–14:19:44`: when the first and last of a group were seen, if the lines say."""
    x, y = _time(a, first), _time(a, last)
    if x is None or y is None:
        return ""
    if x.group(1) != y.group(1):
        return f", {x.group()}–{y.group()}"
    return f", {x.group(2)}–{y.group(2)}"


class _Picker:
    """The lines kept, and what they cost, while the budget lasts."""

    def __init__(self, a: _Analysis, budget: int) -> None:
        self.size = a.size
        self.left = budget
        self.kept: set[int] = set()

    def take(self, indexes: range | list[int], extra: int = 0) -> bool:
        new = [i for i in indexes if i not in self.kept]
        cost = sum(self.size(i) + 1 for i in new) + extra
        if cost > self.left:
            return False
        self.left -= cost
        self.kept.update(new)
        return True

    def take_while(self, indexes: list[int]) -> None:
        """As many of these as fit, in order (in bulk: they can be most lines of a log)."""
        new = [i for i in indexes if i not in self.kept]
        spent = list(accumulate(self.size(i) + 1 for i in new))
        count = bisect_right(spent, self.left)
        if count:
            self.left -= spent[count - 1]
            self.kept.update(new[:count])


def _render(a: _Analysis, budget: int) -> str | None:
    n = a.n
    # Room for the summary line, the count markers and the markers of what was left out.
    picker = _Picker(a, int(budget * 0.9) - 400)
    picker.take(range(min(HEAD_LINES, n)))
    picker.take(range(max(0, n - TAIL_LINES), n))
    # Traces first, then the rarest errors (the one that matters is seldom the noisiest), each
    # with its context; an event that does not fit is left out whole.
    order = sorted(a.events, key=lambda e: (e.end - e.start == 1, e.count, e.start))
    kept_events = [e for e in order if picker.take(_with_context(e, n), 60)]
    # One sample of each repeated shape, the most frequent first, then lines seen once; never a
    # line of an error left out (a stack frame alone says nothing).
    outside = [(s, c) for s, c in a.counts.items() if not a.in_event[a.first[s]]]
    repeated = sorted((s for s, c in outside if c > 1), key=lambda s: (-a.counts[s], a.first[s]))
    for shape in repeated:
        picker.take([a.first[shape]], 40)
    picker.take_while(sorted(a.first[s] for s, c in outside if c == 1))
    return _assemble(a, picker.kept, kept_events, len(a.events) - len(kept_events))


def _with_context(e: _Event, n: int) -> list[int]:
    """An event's lines (up to the cap) with the lines around it."""
    shown = range(max(0, e.start - CONTEXT_LINES), min(e.end, e.start + TRACE_CAP))
    return [*shown, *range(e.end, min(n, e.end + CONTEXT_LINES))]


def _assemble(a: _Analysis, kept: set[int], events: list[_Event], events_out: int) -> str | None:
    ids, n = a.ids, a.n
    kept_shapes = {ids[i] for i in kept}
    # 1 for a line shown, or like one shown; C-speed, no Python code per line.
    shown = bytes(map(kept_shapes.__contains__, ids))
    left_total = n - sum(shown)
    # The count of a repeated event: on its line when it is one line, else below its trace.
    inline: dict[int, str] = {}
    below: dict[int, list[str]] = {}
    repeats = 0
    for e in events:
        cap = min(e.end, e.start + TRACE_CAP)
        notes = below.setdefault(cap - 1, [])
        if e.end > cap:
            notes.append(f"[… {e.end - cap:,} more lines of this trace …]")
        if e.count > 1:
            repeats += e.count - 1
            times = _times(a, e.start, e.last_start)
            if e.end - e.start == 1:
                inline[e.start] = f"[×{e.count:,} similar{times}]"
            else:
                notes.append(f"[×{e.count:,} this error and its trace{times}]")

    def gap(lo: int, hi: int) -> None:
        """The markers for lines lo to hi - 1, none of them kept."""
        if a.skipped and lo <= a.skip_at <= hi:
            if left := a.skip_at - lo - sum(shown[lo : a.skip_at]):
                out.append(_left_out(left))
            out.append(f"[… {_many(a.skipped, 'line')} not searched (a huge log's middle) …]")
            lo = a.skip_at
        if hi > lo and (left := hi - lo - sum(shown[lo:hi])):
            out.append(_left_out(left))

    out: list[str] = []
    previous = -1
    for i in sorted(kept):
        gap(previous + 1, i)
        previous = i
        shape = ids[i]
        if i in inline:
            out.append(f"{a.line(i)} {inline[i]}")
        elif not a.in_event[i] and a.counts[shape] > 1 and a.first[shape] == i:
            times = _times(a, i, a.last[shape])
            out.append(f"{a.line(i)} [×{a.counts[shape]:,} similar{times}]")
        else:
            out.append(a.line(i))
        out.extend(below.get(i, ()))
    gap(previous + 1, n)
    collapsed = n - len(kept) - left_total
    if not collapsed and not events:
        return None
    summary = (
        f"[incident-tui log digest: {_many(n + a.skipped, 'line')}, {len(kept):,} shown; "
        f"{_many(collapsed, 'repeat')} collapsed (see ×count); "
        f"{_many(len(events), 'distinct error')} shown with context"
        + (f" ({events_out:,} more left out)" if events_out else "")
        + f", {_many(repeats, 'repeat')} of them; {_many(left_total, 'line')} left out (see […])"
        + (f"; {_many(a.skipped, 'line')} in the middle not searched" if a.skipped else "")
        + "]"
    )
    return "\n".join([summary, *out])


def _left_out(lines: int) -> str:
    return f"[… {_many(lines, 'line')} left out …]"


def _many(count: int, what: str) -> str:
    return f"{count:,} {what}{'' if count == 1 else 's'}"
