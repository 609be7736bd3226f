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

The analysis (tui.core.digest_lines) holds the log once. A log larger than its FULL_LIMIT is read
at its two ends, and its middle only around the error lines a search of it finds
(tui.core.digest_middle); the digest says how much of the middle it searched, how many error lines
it found there (an estimate when it searched part of it), and marks each stretch not read.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate

from tui.core.digest_lines import TIME, TRACE_CAP, Analysis, Event, analyse

__all__ = ["HEAD_LINES", "TAIL_LINES", "TRACE_CAP", "digest", "digest_span", "forget", "left_out"]

HEAD_LINES = 10
TAIL_LINES = 20
#: Lines kept before and after an error.
CONTEXT_LINES = 3


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
    if end - start <= budget or _room(budget) <= 0:
        # Fits, or no line fits (every line costs at least its newline): nothing to analyse.
        # Fitting a prompt tries every long value at a stub's budget first, and analysing
        # them would push the log's analysis out of what is remembered.
        return None
    key = (id(text), start, end)
    entry = _DONE.get(key)
    if entry is None or entry[0] is not text:
        analysis = analyse(text, start, end, newlines)
        entry = (text, analysis, {})
        _DONE.pop(key, None)
        _DONE[key] = entry
        for old in list(_DONE)[:-2]:
            _DONE.pop(old, None)
    _, analysis, done = entry
    if budget in done:
        found = done.pop(budget, None)  # to the end: the latest used are the ones kept
    else:
        found = None if analysis is None else _filled(analysis, budget)
    done[budget] = found
    for unused in list(done)[:-BUDGETS_KEPT]:
        done.pop(unused, None)
    return found


# The preview renders again after every pause in typing, with the same budgets each time, and
# fitting a prompt tries several budgets: the analyses of the last two values digested (a log and
# a monitoring dump), with their digests by budget. Each entry holds its text (the value itself,
# which the session holds anyway), so an id is never taken for another string's; only two, so an
# edited 5 MB log does not keep its old versions alive.
_DONE: dict[tuple[int, int, int], tuple[str, Analysis | None, dict[int, str | None]]] = {}
#: Digests kept per value, the latest used: an edit of another field moves the value's budget.
BUDGETS_KEPT = 8


def forget() -> None:
    """Drop what is remembered of the last values digested."""
    _DONE.clear()
    _PLANS.clear()


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


def _time(a: Analysis, index: int) -> re.Match[str] | None:
    """The time on a line, or on the line before it (a trace's own lines seldom have one)."""
    found = TIME.search(a.line(index))
    return found if found is not None or index == 0 else TIME.search(a.line(index - 1))


def _times(a: Analysis, first: int, last: int) -> str:
    """`, 14:05:01–14:19:44`: when the first and last of a group were seen, if the lines say."""
    x, y = _time(a, first), _time(a, last)
    if x is None or y is None:
        return ""
    if x.group(1) != y.group(1):
        return f", {x.group()}–{y.group()}"
    return f", {x.group(2)}–{y.group(2)}"


class _Picker:
    """The lines kept, and what they cost, while the budget lasts."""

    def __init__(self, a: Analysis, budget: int) -> None:
        self.costs = a.costs
        self.left = budget
        self.kept: set[int] = set()

    def take(self, indexes: range | list[int], extra: int = 0) -> bool:
        if extra > self.left:
            return False
        new = [i for i in indexes if i not in self.kept]
        cost = sum(self.costs(new)) + extra
        if cost > self.left:
            return False
        self.left -= cost
        self.kept.update(new)
        return True

    def take_costed(self, indexes: array[int], cost: int, extra: int) -> bool:
        """take(indexes, extra) for lines whose cost, none of them kept, is `cost`."""
        if not self.kept.isdisjoint(indexes):
            return self.take(list(indexes), extra)
        if cost + extra > self.left:
            return False
        self.left -= cost + extra
        self.kept.update(indexes)
        return True

    def take_while(self, indexes: list[int]) -> None:
        """As many of these as fit, in order (in bulk: they can be most lines of a log)."""
        new = [i for i in indexes if i not in self.kept]
        spent = list(accumulate(self.costs(new)))
        count = bisect_right(spent, self.left)
        if count:
            self.left -= spent[count - 1]
            self.kept.update(new[:count])


def _room(budget: int) -> int:
    """What the lines kept may cost at first: the rest is room for the summary line, the count
    markers and the markers of what was left out."""
    return int(budget * 0.9) - 400


#: A digest shorter than this share of its budget is picked again with the room it left: the
#: markers seldom take all that _room keeps back, and a prompt fitted to its token budget takes
#: one more build for each digest that falls short of it.
FILL = 0.97


def _filled(a: Analysis, budget: int) -> str | None:
    """The digest at `budget` characters, at least FILL of it where the log has more to show."""
    room = _room(budget)
    found = _render(a, room)
    # Each line added can bring a marker of its own ([×n similar], […]): the room given is a
    # part of what is left over, and half that step after a try that did not fit.
    step = 0
    for _ in range(3):
        if found is None or len(found) >= budget * FILL:
            break
        step = (budget - len(found)) * 4 // 5 if step >= 0 else -step // 2
        more = _render(a, room + step)
        if more is not None and len(more) <= budget:
            if len(more) <= len(found):
                break  # nothing more to show
            found, room = more, room + step
        else:
            step = -step
    return found


def _render(a: Analysis, room: int) -> str | None:
    """The digest whose kept lines cost at most `room` characters."""
    n = a.n
    plan = _plan_of(a)
    picker = _Picker(a, room)
    picker.take(range(min(HEAD_LINES, n)))
    picker.take(range(max(0, n - TAIL_LINES), n))
    # Traces first, then the rarest errors (the one that matters is seldom the noisiest), each
    # with its context; an event that does not fit is left out whole.
    kept_events = [e for e, lines, cost in plan.events if picker.take_costed(lines, cost, 60)]
    # One sample of each repeated shape, the most frequent first, then lines seen once; never a
    # line of an error left out (a stack frame alone says nothing).
    for line in plan.repeated:
        picker.take([line], 40)
    picker.take_while(plan.once)
    return _assemble(a, picker.kept, kept_events, len(a.events) - len(kept_events))


class _Plan:
    """What a digest picks from, in the order it picks, at any budget: worked out once per
    analysis, as the preview digests the same log at a new budget after each pause in typing."""

    def __init__(self, a: Analysis) -> None:
        order = sorted(a.events, key=lambda e: (e.end - e.start == 1, e.count, e.start))
        contexts = [_with_context(e, a) for e in order]
        #: Each event with its lines (and context) and what they cost, none of them kept yet;
        #: the lines in an array (a log of distinct errors has as many events as lines).
        self.events = [
            (e, array("q", lines), sum(a.costs(lines)))
            for e, lines in zip(order, contexts, strict=True)
        ]
        outside = [(s, c) for s, c in a.counts.items() if not a.in_event[a.first[s]]]
        shapes = sorted((s for s, c in outside if c > 1), key=lambda s: (-a.counts[s], a.first[s]))
        #: The first line of each repeated shape, the most frequent first.
        self.repeated = [a.first[s] for s in shapes]
        #: The lines seen once, in order.
        self.once = sorted(a.first[s] for s, c in outside if c == 1)


# One plan per analysis; the analysis holds no reference to it (weak keys would need one).
_PLANS: dict[int, tuple[Analysis, _Plan]] = {}


def _plan_of(a: Analysis) -> _Plan:
    hit = _PLANS.get(id(a))
    if hit is not None and hit[0] is a:
        return hit[1]
    plan = _Plan(a)
    # Only the analyses remembered in _DONE are digested again. Copied with list() first and
    # popped, not deleted: a preview render that was superseded may still run in its thread.
    live = {id(entry[1]) for entry in list(_DONE.values())}
    for key in list(_PLANS):
        if key not in live:
            _PLANS.pop(key, None)
    _PLANS[id(a)] = (a, plan)
    return plan


def _with_context(e: Event, a: Analysis) -> list[int]:
    """An event's lines (up to the cap) with the lines around it, among the lines read with it
    (in a huge log, the lines across a stretch not read are not its neighbours)."""
    low, high = a.segment(e.start)
    shown = range(max(low, e.start - CONTEXT_LINES), min(e.end, e.start + TRACE_CAP))
    return [*shown, *range(e.end, min(high, e.end + CONTEXT_LINES))]


def _assemble(a: Analysis, kept: set[int], events: list[Event], events_out: int) -> str | None:
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
        for b in a.breaks[bisect_left(a.breaks, lo) : bisect_right(a.breaks, hi)]:
            if left := b - lo - sum(shown[lo:b]):
                out.append(_left_out(left))
            out.append(_not_read(a, *a.gaps[b]))
            lo = b
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
        + _middle(a)
        + "]"
    )
    return "\n".join([summary, *out])


def _middle(a: Analysis) -> str:
    """What the summary says of a huge log's middle: what was read, what searched, what found."""
    m = a.middle
    if m is None:
        return f"; {_many(a.skipped, 'line')} in the middle not read" if a.skipped else ""
    found = _many(m.estimate, "error line") + ("" if m.exact else " (an estimate)")
    return (
        f"; {_many(a.skipped, 'line')} in the middle not read, "
        f"{_percent(m.searched_in(0, len(a.text)), m.chars)} of it searched for error words: "
        f"{'' if m.exact else 'about '}{found} there, {len(m.sites):,} of them read with context"
    )


def _not_read(a: Analysis, lo: int, hi: int) -> str:
    """The marker for text[lo:hi], a stretch of a huge log's middle not read."""
    m = a.middle
    size = f"{hi - lo:,} characters of a huge log's middle not read"
    if m is None or not (searched := m.searched_in(lo, hi)):
        return f"[… {size}, not searched …]"
    errors = bisect_left(m.hits, hi) - bisect_left(m.hits, lo)
    return (
        f"[… {size}; {_percent(searched, hi - lo)} of them searched for error words, "
        f"{_many(errors, 'error line')} found there …]"
    )


def _percent(part: int, whole: int) -> str:
    """A share as a whole percentage: never 0% for some, never 100% for less than all."""
    if part >= whole:
        return "100%"
    return f"{min(99, max(1, round(100 * part / whole)) if part else 0)}%"


def _left_out(lines: int) -> str:
    return f"[… {_many(lines, 'line')} left out …]"


def _many(count: int, what: str) -> str:
    return f"{count:,} {what}{'' if count == 1 else 's'}"
