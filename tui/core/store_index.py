"""The summary index: what `list`, `resume` and the picker show of each session file, kept so
that they need not parse every whole file (logs included) each time.

The index is a cache, never a source of truth:
- plain JSON data (never code, never pickle), in the private home's cache directory, written
  0600 atomically through fsio; a symlink in its place is not read, and the next write replaces
  the link itself;
- one entry per file, keyed by what the file looks like on disk (mtime in ns, size, inode,
  device): any edit, replace or touch makes the entry stale and the file is parsed again;
- an index that cannot be read, is not ours, was written by another version or holds one value
  of the wrong shape is ignored as a whole, and rebuilt;
- what it holds is used for display only (a title, a severity, a status, a time, a count), and
  every value is checked to be one the parser could have produced: a title goes through the same
  sanitizing on display as a parsed one, a severity or status outside the schema's choices
  disqualifies the index.
"""

from __future__ import annotations

import contextlib
import operator
import os
import stat
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from stat import S_ISREG, ST_DEV, ST_INO, ST_MODE, ST_SIZE
from typing import TYPE_CHECKING, Literal, TypeVar

from tui import __version__
from tui.core.errors import IncidentTuiError
from tui.core.fsio import atomic_write, private_dir, read_regular
from tui.core.schema import ALL_FIELDS, SEVERITIES, STATUSES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

T = TypeVar("T")

INDEX_NAME = "sessions-index.json"
#: Raise when what a summary holds, or how it is derived from a file, changes.
INDEX_FORMAT = 4
#: A title longer than this is not kept in the index (its file is parsed each time instead), so
#: that a hostile title cannot grow the index without bound.
MAX_TITLE = 1024
#: An index larger than this is ignored (and rebuilt) rather than read.
MAX_INDEX_BYTES = 32 * 1024 * 1024
#: A file modified this recently (seconds) is not indexed: a second write within the file
#: system's timestamp granularity could keep its size and time (git's "racily clean" entries).
RACY_SECONDS = 2.0

#: (st_mtime_ns, st_size, st_ino, st_dev) of the file the entry was made from.
Key = tuple[int, int, int, int]
#: What is kept of a file: its key, then title, severity, status, updated_at (microseconds since
#: the epoch, see micros) and unknowns. A plain tuple of plain values: an index of 10,000 entries
#: is read on every `list` and `resume`, and a datetime each would cost more than the rest.
Entry = tuple[Key, str, str, str, int, int]
#: One row of a listing: the file's id (its name less .toml), then the same values.
Row = tuple[str, str, str, str, int, int]
#: A row's place in a listing: its time, then its id (a listing shows the largest first).
BY_TIME = operator.itemgetter(4, 0)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The microseconds of the first and the last instant a datetime can hold, in UTC.
_MIN_MICROS = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_MICROS = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)

_SEVERITIES = frozenset(SEVERITIES)
_STATUSES = frozenset(STATUSES)
_MAX_UNKNOWNS = len(ALL_FIELDS)


def micros(when: datetime) -> int:
    """An aware time as whole microseconds since the epoch: exact, ordered as the times are."""
    return (when - _EPOCH) // timedelta(microseconds=1)


def from_micros(value: int) -> datetime:
    """The time micros() was given, in UTC (an equal datetime, compared as times compare)."""
    return _EPOCH + timedelta(microseconds=value)


def file_key(info: os.stat_result) -> Key:
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_dev)


def _fingerprint(sessions_dir: Path) -> dict[str, Any]:
    """What an index must have been written for: this format, this version's fields and this
    sessions directory."""
    return {
        "format": INDEX_FORMAT,
        "version": __version__,
        "fields": [f.key for f in ALL_FIELDS],
        "sessions_dir": str(sessions_dir),
        "byteorder": sys.byteorder,  # of the packed keys
    }


#: The index's columns, one list each, in this order; an entry is one position in every list.
COLUMNS = ("name", "mtime", "size", "ino", "dev", "title", "severity", "status", "updated",
           "unknowns")  # fmt: skip
#: The columns that choose (a file's key and time: all that `resume` needs to pick the latest),
#: packed as 64-bit whole numbers, each with its struct format, in this order.
_PACKED: tuple[tuple[str, Literal["q", "Q"]], ...] = (
    ("mtime", "q"),
    ("size", "Q"),
    ("ino", "Q"),
    ("dev", "Q"),
    ("updated", "q"),
)
_PACKED_AT = tuple(COLUMNS.index(name) for name, _ in _PACKED)
#: The columns only shown, kept as JSON lists on the file's third line.
_SHOWN = ("title", "severity", "status", "unknowns")
_SHOWN_AT = tuple(COLUMNS.index(name) for name in _SHOWN)
#: An mtime in ns that a signed 64-bit number holds (the years 1678 to 2262); a file outside
#: them is not indexed.
_MTIME_RANGE = range(-(2**63), 2**63)


def _types(values: list[Any]) -> set[type]:
    return set(map(type, values))


def _checked_keys(data: dict[str, Any], packed: bytes) -> list[list[Any]]:
    """The names of the first line and the keys and times of the second, the columns only
    shown empty; ValueError (or TypeError, OverflowError) when any value is not one the parser
    could have produced.

    Column by column, with map() and set(): each check runs in C over 10,000 values, where a
    loop over the entries in Python took longer than the JSON parse. The numbers are unpacked
    in C too: parsed as JSON numbers, they cost more than all the rest."""
    names = data["name"]
    if type(names) is not list:
        raise ValueError("the names are not a list")
    count = len(names)
    raw = memoryview(bytes.fromhex(packed.decode("ascii")))
    if len(raw) != 8 * count * len(_PACKED):
        raise ValueError("the keys are not one per name")
    columns: list[list[Any]] = [[] for _ in COLUMNS]
    columns[0] = names
    for n, (at, (_, form)) in enumerate(zip(_PACKED_AT, _PACKED, strict=True)):
        columns[at] = raw[8 * count * n : 8 * count * (n + 1)].cast(form).tolist()
    if not names:
        return columns
    if _types(names) != {str}:
        raise ValueError("a name that is not text")
    updated = columns[COLUMNS.index("updated")]
    if min(updated) < _MIN_MICROS or max(updated) > _MAX_MICROS:
        raise ValueError("a time no datetime can hold")
    return columns


def _checked_shown(data: dict[str, Any], count: int) -> list[list[Any]]:
    """The columns of the third line, in _SHOWN's order; ValueError (or TypeError) as above."""
    columns = [data[c] for c in _SHOWN]
    if _types(columns) != {list} or {len(c) for c in columns} != {count}:
        raise ValueError("the columns are not lists of one length")
    title, severity, status, unknowns = columns
    if not count:
        return columns
    # type() rather than isinstance: True is an int too.
    if _types(unknowns) != {int}:
        raise ValueError("a number is not a whole number")
    if min(unknowns) < 0 or max(unknowns) > _MAX_UNKNOWNS:
        raise ValueError("unknowns out of range")
    if not set(severity) <= _SEVERITIES or not set(status) <= _STATUSES:
        raise ValueError("a severity or status outside the schema's choices")
    if _types(title) != {str} or min(map(len, title)) < 1:
        raise ValueError("a title that is not text")
    if max(map(len, title)) > MAX_TITLE:
        raise ValueError("a title too long to be indexed")
    return columns


_INDEX_ERRORS = (IncidentTuiError, KeyError, ValueError, TypeError, OverflowError, RecursionError)


class Known:
    """An index as read: its columns (in COLUMNS' order) and each file name's position in them.
    No tuple per entry: `list` and `resume` look up 10,000 names and use most entries once.

    The columns only shown may wait, unparsed (`resume` chooses without them), until rows()
    or the index's next write needs them."""

    __slots__ = ("_waiting", "columns", "position")

    def __init__(
        self, columns: list[list[Any]] | None = None, waiting: bytes | None = None
    ) -> None:
        self.columns = columns if columns is not None else [[] for _ in COLUMNS]
        self.position = dict(zip(self.columns[0], range(len(self.columns[0])), strict=True))
        #: The JSON of the columns only shown while they wait (their lists are empty meanwhile).
        self._waiting = waiting

    def __len__(self) -> int:
        return len(self.columns[0])

    def load_shown(self) -> bool:
        """Parse the columns only shown if they wait; False when they are not to be trusted
        (the entries then serve choosing only, and are not written again)."""
        if self._waiting is None:
            return True
        import json

        try:
            shown = _checked_shown(json.loads(self._waiting), len(self))
        except _INDEX_ERRORS:
            return False
        for at, column in zip(_SHOWN_AT, shown, strict=True):
            self.columns[at] = column
        self._waiting = None
        return True

    def rows(self, positions: list[int]) -> list[Row]:
        """The listing's rows of the entries at these positions (see load_shown)."""
        names, _, _, _, _, title, severity, status, updated, unknowns = self.columns
        return [
            (names[n][:-5], title[n], severity[n], status[n], updated[n], unknowns[n])
            for n in positions
        ]

    def latest(self, positions: list[int]) -> tuple[int, str] | None:
        """BY_TIME of the entry at these positions a listing would put first: its time and id.
        Found over their times alone, in C; the ids are compared only on a tie."""
        names, updated = self.columns[0], self.columns[8]
        if not positions:
            return None
        times = list(map(updated.__getitem__, positions))
        top = max(times)
        if times.count(top) == 1:
            return top, names[positions[times.index(top)]][:-5]
        return top, max(
            names[n][:-5] for n, when in zip(positions, times, strict=True) if when == top
        )


class SummaryIndex:
    """The index file of one sessions directory, in three lines: what chooses, the names (JSON)
    and their keys and times (packed, in hex), then the columns only shown (JSON)."""

    def __init__(self, path: Path, sessions_dir: Path) -> None:
        self.path = path
        self.sessions_dir = sessions_dir

    def read(self, *, shown: bool = True) -> Known:
        """The entries; none when the index is missing or not to be trusted. `shown=False`
        leaves the columns only shown for later (see Known.load_shown)."""
        try:
            info = os.lstat(self.path)
        except OSError:
            return Known()
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            return Known()
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            return Known()
        try:
            raw = read_regular(self.path, MAX_INDEX_BYTES, "index", follow=False)
            import json  # here: `incident-tui new` reads no index

            first, packed, shown_text = raw.split(b"\n", 2)
            data = json.loads(first)
            if not isinstance(data, dict) or data.get("about") != _fingerprint(self.sessions_dir):
                return Known()
            known = Known(_checked_keys(data, packed), shown_text)
        except _INDEX_ERRORS:
            return Known()
        return known if not shown or known.load_shown() else Known()

    def write(self, known: Known, keep: list[int], new: dict[str, Entry]) -> bool:
        """Replace the index with the entries of `known` at the positions `keep` and the `new`
        ones; False (and nothing else) when it cannot be written."""
        if not known.load_shown():
            keep = []  # those files are parsed again by the next listing
        columns = [[column[n] for n in keep] for column in known.columns]
        for name, (key, *values) in new.items():
            for column, value in zip(columns, (name, *key, *values), strict=True):
                column.append(value)
        import json
        import struct

        try:
            packed = b"".join(
                struct.pack(f"={len(columns[at])}{form}", *columns[at])
                for at, (_, form) in zip(_PACKED_AT, _PACKED, strict=True)
            )
        except struct.error:
            return False
        first = {"about": _fingerprint(self.sessions_dir), "name": columns[0]}
        shown = {name: columns[at] for name, at in zip(_SHOWN, _SHOWN_AT, strict=True)}
        # The hex on a line of its own: as a JSON string, it was scanned once more.
        text = "\n".join(
            (
                json.dumps(first, separators=(",", ":")),
                packed.hex(),
                json.dumps(shown, separators=(",", ":")),
            )
        )
        try:
            private_dir(self.path.parent)
            atomic_write(self.path, text.encode("ascii"))
        except (IncidentTuiError, OSError):
            return False
        return True


def is_racy(info: os.stat_result, now_ns: int) -> bool:
    return info.st_mtime_ns >= now_ns - int(RACY_SECONDS * 1e9)


def scan(
    index: SummaryIndex,
    directory: Path,
    parse: Callable[[Path], tuple[Row, T] | None],
    *,
    rewrite_for: int = 0,
) -> tuple[list[Row], tuple[Row, T] | None]:
    """The row of each session file of `directory`, in no order, and of the files parsed now
    the newest with what `parse` gave with it (see _scan)."""
    known, fresh, parsed, newest, _ = _scan(index, directory, parse, rewrite_for, shown=True)
    return known.rows(fresh) + parsed, newest


def scan_latest(
    index: SummaryIndex,
    directory: Path,
    parse: Callable[[Path], tuple[Row, T] | None],
    *,
    rewrite_for: int = 0,
) -> tuple[str | None, tuple[Row, T] | None, list[str]]:
    """The id of the file a listing would put first (None: no readable file), the newest of
    the files parsed now with what `parse` gave with it, and the hidden names of the directory.

    No row is made, and of the index only what chooses is read: `resume` needs only an id."""
    known, fresh, _, newest, hidden = _scan(index, directory, parse, rewrite_for, shown=False)
    best = known.latest(fresh)
    if newest is not None and (best is None or BY_TIME(newest[0]) > best):
        best = BY_TIME(newest[0])
    return None if best is None else best[1], newest, hidden


def _scan(
    index: SummaryIndex,
    directory: Path,
    parse: Callable[[Path], tuple[Row, T] | None],
    rewrite_for: int,
    *,
    shown: bool,
) -> tuple[Known, list[int], list[Row], tuple[Row, T] | None, list[str]]:
    """The index as read, the positions of its entries that still hold, the rows of the files
    parsed now and the newest of them with what `parse` gave with it, and the names starting
    with "." (never sessions: the temp files of saves among them).

    An entry holds when the file on disk now is the one it was made from; the other files go to
    `parse` (None: it cannot be read, and `parse` says why), and the index is brought up to
    date when it changed and at least `rewrite_for` files were parsed. `shown`: the index's
    columns only shown are read too (see SummaryIndex.read)."""
    known = index.read(shown=shown)
    position = known.position
    _, mtimes, sizes, inodes, devices = known.columns[:5]
    fresh: list[int] = []
    parsed: list[Row] = []
    hidden: list[str] = []
    newest: tuple[Row, T] | None = None  # one held at a time, however many are parsed
    cache: dict[str, Entry] = {}  # what is parsed now and fit for the index
    now_ns = time.time_ns()
    # The names, then one stat each, through a descriptor of the directory: the same names as
    # glob (*.toml, no hidden files) at a fraction of the cost, and a file the index knows
    # costs one stat, a look-up and no Path.
    with contextlib.suppress(OSError), _names_and_fd(directory) as (names, fd):
        for name in names:
            if name.startswith("."):
                hidden.append(name)
                continue
            if not name.endswith(".toml"):
                continue
            try:
                # Follows a symlink, as load does. Called directly, not through a partial: a
                # partial's keyword makes a dict per call.
                info: os.stat_result | None = (
                    os.stat(name, dir_fd=fd) if fd is not None else os.stat(directory / name)
                )
            except OSError:
                info = None
            n = position.get(name)
            # Size, inode, device and mode by index (a tuple's item), the time in ns by name
            # (it has no index): an attribute of a stat result costs several times an item.
            if (
                n is not None
                and info is not None
                and info.st_mtime_ns == mtimes[n]
                and info[ST_SIZE] == sizes[n]
                and info[ST_INO] == inodes[n]
                and info[ST_DEV] == devices[n]
                and S_ISREG(info[ST_MODE])
            ):
                fresh.append(n)
                continue
            found = parse(directory / name)
            if found is None:
                continue
            row = found[0]
            parsed.append(row)
            if newest is None or BY_TIME(row) > BY_TIME(newest[0]):
                newest = found
            if (
                info is not None
                and stat.S_ISREG(info.st_mode)
                and len(row[1]) <= MAX_TITLE
                and info.st_mtime_ns in _MTIME_RANGE
                and not is_racy(info, now_ns)
            ):
                cache[name] = (file_key(info), *row[1:])
    if (cache or len(fresh) != len(known)) and len(parsed) >= rewrite_for:
        index.write(known, fresh, cache)
    return known, fresh, parsed, newest, hidden


@contextlib.contextmanager
def _names_and_fd(directory: Path) -> Iterator[tuple[list[str], int | None]]:
    """The names in a directory and a descriptor of it to stat() them through, where the
    platform allows (the kernel then resolves no path per file); else None."""
    if os.stat not in os.supports_dir_fd or os.listdir not in os.supports_fd:
        yield os.listdir(directory), None
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    try:
        yield os.listdir(fd), fd
    finally:
        os.close(fd)
