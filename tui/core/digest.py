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
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress
from operator import add

__all__ = ["HEAD_LINES", "TAIL_LINES", "digest", "left_out"]

HEAD_LINES = 10
TAIL_LINES = 20
#: Lines kept before and after an error.
CONTEXT_LINES = 3
#: The longest stack trace kept whole; the rest of a longer one is counted.
TRACE_CAP = 80

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


@dataclass(frozen=True)
class _Analysis:
    lines: list[str]
    shapes: list[bytes]
    counts: Counter[bytes]
    first: dict[bytes, int]
    last: dict[bytes, int]
    #: Distinct events (by shape), in the order they first occur.
    events: list[_Event]
    #: Lines that belong to some event (kept ones and their repeats): no per-line count there.
    in_event: bytearray


def digest(value: str, budget: int) -> str:
    """`value` itself when it fits `budget` characters; otherwise its digest, which aims to fit.

    What still does not fit (a log of nothing but distinct errors) is left to the trim after it.
    """
    if len(value) <= budget:
        return value
    entry = _DONE.get(id(value))
    done = entry[1] if entry is not None and entry[0] is value else {}
    digested = done.get(budget)
    if digested is None:
        digested = _render(_analyse(value), budget)
        # Nothing collapsed and no error kept (one huge line, a log of distinct lines): the
        # trim's head and tail show more of it than a digest would.
        digested = value if digested is None else digested
        _DONE[id(value)] = (value, {**done, budget: digested})
        for old in list(_DONE)[:-2]:
            _DONE.pop(old, None)
    return digested


# The preview renders again after every pause in typing, with the same budgets each time: the
# digests of the last two values digested (a log and a monitoring dump), by budget. Each entry
# holds its value, so an id is never taken for another string's; only two, so an edited 5 MB
# log does not keep its old versions alive.
_DONE: dict[int, tuple[str, dict[int, str]]] = {}


# The lines a digest adds: its summary, the markers of what was left out, a trace's count.
_MARKER_LINE = re.compile(r"^\[(?:incident-tui log digest|… |×)", re.MULTILINE)


def left_out(raw: str, shown: str, totals: tuple[int, int] | None = None) -> tuple[int, int]:
    """(lines, bytes) of `raw` that `shown` (its digest, maybe trimmed) does not hold verbatim:
    the log's lines less the log lines shown, and its size less the size shown. `totals` are
    raw's (newlines, UTF-8 bytes) when already counted."""
    lines, size = totals if totals is not None else (raw.count("\n"), _utf8_len(raw))
    shown_lines = shown.count("\n") + 1 - len(_MARKER_LINE.findall(shown))
    return max(0, lines + 1 - shown_lines), max(0, size - _utf8_len(shown))


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


@lru_cache(maxsize=2)
def _analyse(value: str) -> _Analysis:
    """Everything that does not depend on the budget: fitting a prompt tries several budgets."""
    text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    text = text.removesuffix("\n")  # a last newline ends the last line; it starts none
    lines = text.split("\n")
    raw = text.encode("utf-8", "surrogatepass")
    shapes = raw.translate(None, _SHAPE_DROP).split(b"\n")
    n = len(lines)
    counts = Counter(shapes)
    # dict() keeps the last value given for a key: forwards that is the last index, backwards
    # the first.
    last = dict(zip(shapes, range(n), strict=True))
    first = dict(zip(reversed(shapes), range(n - 1, -1, -1), strict=True))
    in_event = bytearray(n)
    found: dict[bytes, list[int]] = {}
    for start in _error_lines(text, lines, shapes, first):
        if in_event[start]:
            continue
        # Most error lines have no trace: neither of the next two lines can start one.
        after = lines[start + 1 : start + 3]
        if any(line[:1] in _TRACE_FIRST for line in after) or lines[start][:1] == "T":
            end = _trace_end(lines, start)
        else:
            end = start + 1
        # A trace is known by its own lines, not by the log line that announced it.
        if end - start == 1:
            in_event[start] = 1
            key = shapes[start]
        else:
            in_event[start:end] = b"\x01" * (end - start)
            skip = _TIME.search(lines[start]) is not None
            key = b"\n".join(shapes[start + skip : min(end, start + TRACE_CAP)])
        seen = found.get(key)
        if seen is None:
            found[key] = [start, end, 1, start]
        else:
            seen[2] += 1
            seen[3] = start
    events = [_Event(*e) for e in found.values()]
    return _Analysis(lines, shapes, counts, first, last, events, in_event)


def _error_lines(
    text: str, lines: list[str], shapes: list[bytes], first: dict[bytes, int]
) -> list[int]:
    """The indexes of the lines that look like errors, in order."""
    firsts = list(first.values())
    samples = [lines[i] for i in firsts]
    hits = _find_lines("\n".join(samples).lower(), samples, _ERROR_WORDS)
    flagged = {shapes[firsts[h]] for h in hits}
    found = set(compress(range(len(shapes)), map(flagged.__contains__, shapes)))
    found.update(_find_lines(text, lines, _STATUS_WORDS))
    return sorted(found)


def _find_lines(text: str, lines: list[str], words: tuple[tuple[str, bool], ...]) -> set[int]:
    """The lines of `text` (which is `lines` joined) that hold one of `words`. Each word is
    found with str.find over the whole text; a line found once is skipped for that word."""
    # ends[i]: the offset just past line i's newline.
    ends = list(map(add, accumulate(map(len, lines)), range(1, len(lines) + 1)))
    found: set[int] = set()
    for word, at_start in words:
        status = word.endswith("5")
        pos = text.find(word)
        while pos != -1:
            line = bisect_right(ends, pos)
            end = pos + len(word)
            if status:
                ok = text[end : end + 2].isdigit() and not text[end + 2 : end + 3].isdigit()
            else:
                ok = not at_start or pos == 0 or not text[pos - 1].isalpha()
            if ok:
                found.add(line)
                pos = text.find(word, ends[line])
            else:
                pos = text.find(word, pos + 1)
    return found


def _is_trace(line: str) -> bool:
    return line[:1] in _TRACE_FIRST and _TRACE_LINE.match(line) is not None


def _trace_end(lines: list[str], start: int) -> int:
    """One past the last line of the stack trace that follows the error line at `start`."""
    n = len(lines)
    end = start + 1
    python = lines[start].startswith("Traceback")
    go = False
    while end < n:
        line = lines[end]
        if _is_trace(line):
            python = python or line.startswith("Traceback")
            go = go or line.startswith("goroutine ")
        elif go and (not line or _GO_FRAME.match(line)):
            pass
        elif (not line or end == start + 1) and end + 1 < n and _is_trace(lines[end + 1]):
            pass  # a blank line inside a trace, or a Java exception line under its log line
        elif python and lines[end - 1][:1] in (" ", "\t"):
            end += 1  # the exception line that ends a Python traceback
            python = False
            continue
        else:
            break
        end += 1
    while end > start + 1 and not lines[end - 1]:
        end -= 1
    return end


def _time(lines: list[str], index: int) -> re.Match[str] | None:
    """The time on a line, or on the line before it (a trace's own lines seldom have one)."""
    found = _TIME.search(lines[index])
    return found if found is not None or index == 0 else _TIME.search(lines[index - 1])


def _times(lines: list[str], first: int, last: int) -> str:
    """`, 14:05:01–14:19:44`: when the first and last of a group were seen, if the lines say."""
    a, b = _time(lines, first), _time(lines, last)
    if a is None or b is None:
        return ""
    if a.group(1) != b.group(1):
        return f", {a.group()}–{b.group()}"
    return f", {a.group(2)}–{b.group(2)}"


class _Picker:
    """The lines kept, and what they cost, while the budget lasts."""

    def __init__(self, lines: list[str], budget: int) -> None:
        self.lines = lines
        self.left = budget
        self.kept: set[int] = set()

    def take(self, indexes: range | list[int], extra: int = 0) -> bool:
        new = [i for i in indexes if i not in self.kept]
        cost = sum(len(self.lines[i]) + 1 for i in new) + extra
        if cost > self.left:
            return False
        self.left -= cost
        self.kept.update(new)
        return True

    def take_while(self, indexes: list[int]) -> None:
        """As many of these as fit, in order (in bulk: they can be most lines of a log)."""
        new = [i for i in indexes if i not in self.kept]
        spent = list(accumulate(len(self.lines[i]) + 1 for i in new))
        count = bisect_right(spent, self.left)
        if count:
            self.left -= spent[count - 1]
            self.kept.update(new[:count])


def _render(a: _Analysis, budget: int) -> str | None:
    lines, n = a.lines, len(a.lines)
    # Room for the summary line, the count markers and the markers of what was left out.
    picker = _Picker(lines, int(budget * 0.9) - 400)
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
    lines, shapes, n = a.lines, a.shapes, len(a.lines)
    kept_shapes = {shapes[i] for i in kept}
    # True for a line shown, or like one shown; C-speed, no Python code per line.
    shown = list(map(kept_shapes.__contains__, shapes))
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
            times = _times(lines, e.start, e.last_start)
            if e.end - e.start == 1:
                inline[e.start] = f"[×{e.count:,} similar{times}]"
            else:
                notes.append(f"[×{e.count:,} this error and its trace{times}]")
    out: list[str] = []
    previous = -1
    for i in sorted(kept):
        if i > previous + 1 and (gap := i - previous - 1 - sum(shown[previous + 1 : i])):
            out.append(_left_out(gap))
        previous = i
        shape = shapes[i]
        if i in inline:
            out.append(f"{lines[i]} {inline[i]}")
        elif not a.in_event[i] and a.counts[shape] > 1 and a.first[shape] == i:
            out.append(
                f"{lines[i]} [×{a.counts[shape]:,} similar{_times(lines, i, a.last[shape])}]"
            )
        else:
            out.append(lines[i])
        out.extend(below.get(i, ()))
    if gap := n - previous - 1 - sum(shown[previous + 1 :]):
        out.append(_left_out(gap))
    collapsed = n - len(kept) - left_total
    if not collapsed and not events:
        return None
    summary = (
        f"[incident-tui log digest: {_many(n, 'line')}, {len(kept):,} shown; "
        f"{_many(collapsed, 'repeat')} collapsed (see ×count); "
        f"{_many(len(events), 'distinct error')} shown with context"
        + (f" ({events_out:,} more left out)" if events_out else "")
        + f", {_many(repeats, 'repeat')} of them; {_many(left_total, 'line')} left out (see […])]"
    )
    return "\n".join([summary, *out])


def _left_out(lines: int) -> str:
    return f"[… {_many(lines, 'line')} left out …]"


def _many(count: int, what: str) -> str:
    return f"{count:,} {what}{'' if count == 1 else 's'}"
