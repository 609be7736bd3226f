"""The session files of the store, one at a time: read and parsed once, checked, and summarised
for a listing (tui.core.store lists them; tui.core.store_index keeps the summaries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tui.core.fsio import FileRefused, read_regular
from tui.core.store_index import Row, micros

if TYPE_CHECKING:
    from tui.core.model import Session


@dataclass(slots=True)
class SessionSummary:
    """What a listing shows of one session file, `directory`/`id`.toml. Not frozen, and its
    path made on demand: `list` makes 10,000 of these and shows only their text."""

    id: str
    directory: Path
    title: str
    severity: str
    updated_at: datetime
    unknowns: int
    status: str = "investigating"

    @property
    def path(self) -> Path:
        return self.directory / f"{self.id}.toml"


class BrokenSession(NamedTuple):
    id: str
    path: Path
    reason: str


Stamp = tuple[int, int]  # (st_mtime_ns, st_size): what the file looked like when we last saw it


def summarize(path: Path, session: Session) -> SessionSummary:
    """What a listing shows of the session in a file named `<id>.toml`."""
    return SessionSummary(
        id=path.name.removesuffix(".toml"),
        directory=path.parent,
        title=session.display_title,
        severity=session.severity,
        updated_at=session.updated_at,
        unknowns=len(session.unknowns()),
        status=session.status,
    )


def read_session(path: Path, stamp: Stamp | None) -> Session:
    """The session in a file, read once. Raises SessionError, and only that, naming the file."""
    from tui.core.model import SessionError
    from tui.core.sessionfile import session_from_text

    try:
        raw = read_regular(path, what="session file")
    except FileRefused as exc:
        raise SessionError(path, exc.reason) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SessionError(path, f"not UTF-8 text (byte {exc.start})") from None
    # The bytes go before the parse, whose peak holds the text and two copies of a big value:
    # freed here, the peak memory of opening a 20 MB log is 20 MB less.
    del raw
    file_time = datetime.fromtimestamp(stamp[0] // 10**9, UTC) if stamp else None
    return session_from_text(text, path, path.stem, file_time)


#: A file parsed during a listing: its row, and its stamp then and session (see latest_opened).
Parsed = tuple[Row, tuple[Stamp | None, "Session"]]
Listed = Parsed | None


def read_for_listing(path: Path, broken: list[BrokenSession]) -> Parsed | None:
    """A file parsed now; None, and why in `broken`, when it cannot be read."""
    from tui.core.model import SessionError

    try:
        stamp = file_stamp(path)
        session = read_session(path, stamp)
        s = summarize(path, session)
        row = (s.id, s.title, s.severity, s.status, micros(s.updated_at), s.unknowns)
    except SessionError as exc:
        broken.append(BrokenSession(path.stem, path, exc.reason))
        return None
    except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others
        broken.append(BrokenSession(path.stem, path, f"cannot be read ({exc!r:.200})"))
        return None
    return row, (stamp, session)


def file_stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_mtime_ns, st.st_size)
