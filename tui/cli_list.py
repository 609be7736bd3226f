"""`incident-tui list`: one line per saved incident, most recently updated first.

Among thousands of incidents its time is the summary index's read, one stat per file and the
formatting of the rows (tui/core/store_index.py): it imports no more than that needs.
"""

from __future__ import annotations

import gc
import os
import sys
import time

from tui.core.fsio import UnsafeDirectory
from tui.core.sanitize import has_controls, shown, strip_controls
from tui.core.store import SessionStore

PROG = "incident-tui"


def _list_width() -> int | None:
    """Columns to fit `list` in: the terminal's (or $COLUMNS); None in a pipe, which gets all.
    What shutil.get_terminal_size answers, without importing shutil (and its compressors)."""
    if not (sys.stdout.isatty() or os.environ.get("COLUMNS")):
        return None
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(columns, 40)


def _local_time(micros: int) -> str:
    """A listing's time (store_index.micros), in local time: time.localtime rather than a
    datetime each, which counts for 10,000 rows of `list`."""
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(micros // 1_000_000))
    except (OverflowError, ValueError, OSError):
        from tui.core.store_index import from_micros

        return from_micros(micros).strftime("%Y-%m-%d %H:%M")


def cmd_list(store: SessionStore) -> int:
    # Thousands of rows are many objects and no cycles: the collector's passes are wasted.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _print_list(store)
    finally:
        if enabled:
            gc.enable()


def _print_list(store: SessionStore) -> int:
    if problem := store.dir_problem():
        raise UnsafeDirectory(store.sessions_dir, f"not read: {problem}")
    good, broken = store.rows()
    for item in broken:
        warning = f"skipped {shown(item.path)}: {shown(item.reason)}"
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    if not good:
        print(
            f"No saved incidents in {shown(store.sessions_dir)}. Start one: {PROG} new",
            file=sys.stderr,
        )
        return 0
    ids = [row[0] for row in good]
    titles = [row[1] for row in good]
    # One search through every id and title rather than two per row: usually none needs cleaning.
    if has_controls("\n".join(ids) + "\n" + "\n".join(titles)):
        ids = [shown(i) for i in ids]
        titles = [strip_controls(t) for t in titles]
    if "\n" in "".join(titles):
        titles = [t.replace("\n", " ") for t in titles]
    width = max(map(len, ids))
    times = [_local_time(row[4]) for row in good]
    # One template for every row, in a comprehension: an f-string with a width of its own
    # parses that width's format per row, and took twice as long.
    template = f"%-{width}s  %-7s  %-13s  %-16s  %7d  %s"
    lines = [
        template % (i, sev, status, when, unknowns, title)
        for i, (_, _, sev, status, _, unknowns), when, title in zip(
            ids, good, times, titles, strict=True
        )
    ]
    columns = _list_width()
    if columns is not None:
        lines = [_fit(line, len(title), columns) for line, title in zip(lines, titles, strict=True)]
    header = f"{'ID':<{width}}  {'SEV':<7}  {'STATUS':<13}  {'UPDATED':<16}  {'UNKNOWN':>7}  TITLE"
    sys.stdout.write(header + "\n" + "\n".join(lines) + "\n")
    return 0


def _fit(line: str, title: int, columns: int) -> str:
    """A row whose last `title` characters are its title, the title cut to fit the columns."""
    if len(line) <= columns:
        return line
    room = columns - (len(line) - title)
    return line[: columns - 1] + "…" if room > 1 else line[: len(line) - title]
