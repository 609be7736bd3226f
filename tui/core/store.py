"""The store: one TOML file per incident in $INCIDENT_TUI_HOME/sessions/, listed and summarised.

Saves are atomic (temp file in the same directory, fsync, os.replace), a file we cannot read is
never written, and one bad file never stops the listing of the others.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core import store_files
from tui.core.errors import IncidentTuiError
from tui.core.fsio import (
    atomic_write,
    check_private_dir,
    private_dir,
    write_output,
)
from tui.core.lock import lock_path
from tui.core.store_files import BrokenSession as BrokenSession
from tui.core.store_files import Listed, Stamp, file_stamp, read_for_listing
from tui.core.store_files import SessionSummary as SessionSummary
from tui.core.store_files import summarize as summarize
from tui.core.store_index import (
    BY_TIME,
    INDEX_NAME,
    Row,
    SummaryIndex,
    from_micros,
    scan,
    scan_latest,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tui.core.model import Item, Session

# The model and the file format (the TOML parser) are imported where a file is read or written:
# `list` and `resume` take what they show from the summary index, and start sooner without them.


def default_home() -> Path:
    """$INCIDENT_TUI_HOME, else the platform's per-user data directory."""
    explicit = os.environ.get("INCIDENT_TUI_HOME")
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "incident-tui"
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "incident-tui"
    # The XDG spec: a relative path in $XDG_DATA_HOME is invalid and must be ignored.
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = xdg if os.path.isabs(xdg) else str(Path.home() / ".local" / "share")
    return Path(base) / "incident-tui"


def slugify(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "incident"


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _id_source(session: Session) -> str:
    """What a new incident's id is made from: its title, else its summary's first line."""
    if session.title.strip():
        return session.title.strip()
    summary = session.fields.get("incident_summary", "").strip()
    return summary.splitlines()[0] if summary else ""


#: The temp files of saves (fsio.atomic_write: ".NAME.toml.XXXX.tmp"), as glob(".*.toml.*.tmp").
_TEMP_FILE = re.compile(r"\..*\.toml\..*\.tmp", re.DOTALL)


class SessionStore:
    def __init__(self, home: Path | None = None) -> None:
        self.home = home if home is not None else default_home()
        self.sessions_dir = self.home / "sessions"
        self.templates_dir = self.home / "templates"
        #: What can be made again: compiled templates.
        self.cache_dir = self.home / "cache"
        # Per path, the file as this store last read or wrote it. Kept here rather than on the
        # Session so that saving a snapshot copy (as the UI does, off its thread) counts too.
        self._seen: dict[Path, Stamp | None] = {}
        # Paths create() gave that no save has used yet: their id is chosen again at the first
        # save, from the title typed meanwhile.
        self._provisional: set[Path] = set()
        # Per path, the session as this store last read or wrote it: what a merge compares the
        # file on disk and the edits with (see merge_from_disk).
        self._base: dict[Path, Session] = {}
        # The hidden names of sessions/ as the last latest() or latest_opened() listed them, for
        # remove_stale_temp_files, run next, to use once rather than list the directory again.
        self._hidden_names: list[str] | None = None

    def ensure_dirs(self) -> None:
        """The home and sessions/, created 0700 or verified private. Raises UnsafeDirectory."""
        private_dir(self.home)
        private_dir(self.sessions_dir)

    def dir_problem(self) -> str | None:
        """Why the existing home or sessions/ must not be used (one line), or None."""
        for directory in (self.home, self.sessions_dir):
            if not os.path.lexists(directory):
                return None
            try:
                check_private_dir(directory)
            except IncidentTuiError as exc:
                return str(exc)
        return None

    def path_for(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.toml"

    def new_id(self, title: str, when: datetime | None = None) -> str:
        from tui.core.model import now_utc

        stamp = (when or now_utc()).strftime("%Y%m%d-%H%M")
        base = f"{stamp}-{slugify(title)}"
        candidate, n = base, 2
        while os.path.lexists(self.path_for(candidate)):
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def create(self, title: str = "") -> Session:
        """A new session with a provisional id; nothing touches the disk until the first save."""
        from tui.core.model import Session

        session = Session(id=self.new_id(title), title=title)
        session.path = self.path_for(session.id)
        self._provisional.add(session.path)
        return session

    def resolve(self, ref: str) -> Path:
        """SESSION on the command line: a path to a .toml file, or an id in the store."""
        from tui.core.model import SessionError

        as_path = Path(ref).expanduser()
        if ref.endswith(".toml") or os.sep in ref or as_path.is_file():
            if not os.path.lexists(as_path):
                raise SessionError(as_path, "no such session file")
            return as_path
        if problem := self.dir_problem():
            raise SessionError(ref, f"not looked up: {problem}")
        candidate = self.path_for(ref)
        if os.path.lexists(candidate):
            return candidate
        matches = sorted(self.sessions_dir.glob(f"{glob_escape(ref)}*.toml"))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(m.stem for m in matches[:5])
            raise SessionError(ref, f"ambiguous session id; it matches {names}")
        raise SessionError(ref, f"no such session in {self.sessions_dir}")

    def load(self, path: Path) -> Session:
        """The session in a file. Raises SessionError, and only that, naming the file."""
        stamp = file_stamp(path)
        session = store_files.read_session(path, stamp)
        self._seen[path] = stamp
        self._base[path] = session.copy()
        return session

    def save(self, session: Session, *, touch: bool = True, force: bool = False) -> Path:
        """Write the session atomically.

        Raises SessionConflict, and writes nothing, when the file changed on disk since this store
        last read or wrote it (another editor, a `git checkout`): that change is not ours to
        clobber. A file deleted meanwhile is simply written again. `force` skips the check.
        A session from create() gets its id here, at its first save, from its title or summary.
        """
        from tui.core.model import now_utc

        if session.path is None:
            session.path = self.path_for(session.id)
        if session.path in self._provisional and not os.path.lexists(session.path):
            self._provisional.discard(session.path)
            session.id = self.new_id(_id_source(session), session.created_at)
            session.path = self.path_for(session.id)
        path = session.path
        if path.parent == self.sessions_dir:
            self.ensure_dirs()
        if touch:
            session.updated_at = now_utc()
        # Serialised before the check, so that a big log's conversion does not widen the moment
        # between the check and the write, when another writer (`note`) could slip in.
        # In pieces: a big log is encoded once, never copied into a whole-file string first.
        data = [part.encode("utf-8") for part in session.to_toml_parts()]
        if not force:
            self.check_unchanged(path)
        self._check_owner(path)
        atomic_write(path, data)
        self._provisional.discard(path)
        self._seen[path] = file_stamp(path)
        self._base[path] = session.copy()
        return path

    def merge_from_disk(self, session: Session) -> dict[str, list[Item]] | None:
        """Take into `session` the list items another writer added to its file since this store
        last read or wrote it (`incident-tui note` from a second terminal), and return them by
        list: the next save may then replace the file, and neither side has lost anything.

        None, with `session` untouched, when the file changed in any other way (its fields,
        meta data or masking, or a list item edited or removed there), or cannot be read: that
        is a real conflict, which the caller resolves without replacing the file."""
        from tui.core.model import SessionError, merge_items

        path = session.path
        base = self._base.get(path) if path is not None else None
        if path is None or base is None:
            return None
        had_seen, seen = path in self._seen, self._seen.get(path)
        try:
            disk: Session | None = self.load(path)
        except SessionError:
            disk = None
        added = merge_items(session, base, disk) if disk is not None else None
        if added is None:
            # Nothing taken: the file still counts as changed, and the next save says so.
            if had_seen:
                self._seen[path] = seen
            else:
                self._seen.pop(path, None)
            self._base[path] = base
        return added

    def check_unchanged(self, path: Path) -> None:
        """Raise SessionConflict if the file on disk is not the one this store last saw."""
        from tui.core.model import SessionConflict

        now = file_stamp(path)
        if now is None:
            return
        if path not in self._seen:
            raise SessionConflict(path, "a file with this name appeared on disk meanwhile")
        if self._seen[path] not in (None, now):
            raise SessionConflict(path, "changed on disk since it was opened")

    @staticmethod
    def _check_owner(path: Path) -> None:
        """Raise SessionConflict when the file is another user's: ours replaces only our own."""
        from tui.core.model import SessionConflict

        if not hasattr(os, "geteuid"):
            return
        try:
            owner = os.lstat(path).st_uid
        except OSError:
            return
        if owner != os.geteuid():
            raise SessionConflict(path, f"the file belongs to another user (uid {owner})")

    def save_copy(self, session: Session) -> Path:
        """Save under a new id beside the original: the way out of a conflict, losing nothing."""
        session.id = self.new_id(f"{session.display_title} copy")
        session.path = self.path_for(session.id)
        return self.save(session)

    def write_output(self, path: Path, data: bytes, open_session: Path | None = None) -> None:
        """Write a file the user chose (render -o, export): see fsio.write_output. Refuses the
        store's session files, the open session and its lock. Raises FileRefused or OSError."""
        protected = [open_session, lock_path(open_session)] if open_session else []
        write_output(path, data, protected=protected, protected_dirs=[self.sessions_dir])

    def delete(self, session: Session | SessionSummary) -> None:
        if session.path is not None:
            session.path.unlink(missing_ok=True)
            lock_path(session.path).unlink(missing_ok=True)
            self._seen.pop(session.path, None)

    #: A save's temp file lives for milliseconds; one older than this was left by a process
    #: killed in the middle of a save (kill -9, power loss, a full disk).
    STALE_TEMP_SECONDS = 3600

    def remove_stale_temp_files(self, now: float | None = None) -> int:
        """Delete what saves that never finished left behind: copies of incident data (secrets
        included) that nothing will read. Returns how many files went."""
        now = time.time() if now is None else now
        removed = 0
        listed, self._hidden_names = self._hidden_names, None
        if not self.sessions_dir.is_dir() or self.dir_problem():
            return 0
        # listdir and a test of the name before any Path or stat: `resume` runs this before its
        # first frame, and the directory may hold 10,000 sessions. After choosing the latest,
        # the names it listed (a save's temp file lives for milliseconds, an old one stays).
        with contextlib.suppress(OSError):
            for name in os.listdir(self.sessions_dir) if listed is None else listed:
                if not name.startswith(".") or not _TEMP_FILE.fullmatch(name):
                    continue
                path = self.sessions_dir / name
                with contextlib.suppress(OSError):
                    info = path.lstat()
                    if stat.S_ISREG(info.st_mode) and now - info.st_mtime > self.STALE_TEMP_SECONDS:
                        path.unlink()
                        removed += 1
        return removed

    def iter_paths(self) -> Iterator[Path]:
        """The session files of the store; none when its directory is not safe to read."""
        if not self.sessions_dir.is_dir() or self.dir_problem():
            return
        with contextlib.suppress(OSError):
            yield from self.sessions_dir.glob("*.toml")

    @property
    def index(self) -> SummaryIndex:
        return SummaryIndex(self.cache_dir / INDEX_NAME, self.sessions_dir)

    def _summaries(self, rewrite_for: int = 0) -> tuple[list[Row], list[BrokenSession], Listed]:
        """The rows of the readable files, in no order, the unreadable files, and of the files
        parsed now the newest (see store_index.scan)."""
        if problem := self.dir_problem():
            return [], [BrokenSession(self.sessions_dir.name, self.sessions_dir, problem)], None
        broken: list[BrokenSession] = []
        parse = functools.partial(read_for_listing, broken=broken)
        found, newest = scan(self.index, self.sessions_dir, parse, rewrite_for=rewrite_for)
        broken.sort(key=lambda b: b.id)
        return found, broken, newest

    def rows(self) -> tuple[list[Row], list[BrokenSession]]:
        """list() as plain values (what `list` prints: no object per row); never raises."""
        found, broken, _ = self._summaries()
        found.sort(key=BY_TIME, reverse=True)
        return found, broken

    def list(self) -> tuple[list[SessionSummary], list[BrokenSession]]:
        """Every session, most recently updated first, and the files that could not be read.

        Never raises: a file that cannot be read, or an unsafe directory, is one BrokenSession."""
        found, broken = self.rows()
        directory = self.sessions_dir
        good = [
            SessionSummary(id_, directory, title, severity, from_micros(when), unknowns, status)
            for id_, title, severity, status, when, unknowns in found
        ]
        return good, broken

    def _latest(self, rewrite_for: int = 0) -> tuple[str | None, Listed]:
        """The id list() would put first, and of the files parsed now the newest."""
        if self.dir_problem():
            return None, None
        parse = functools.partial(read_for_listing, broken=[])
        best, newest, self._hidden_names = scan_latest(
            self.index, self.sessions_dir, parse, rewrite_for=rewrite_for
        )
        return best, newest

    def latest(self) -> Path | None:
        """The most recently updated session, as list() would put it first."""
        best, _ = self._latest()
        return self.path_for(best) if best is not None else None

    def latest_opened(self) -> tuple[Path, Session] | None:
        """latest() and its session, as load() gives it, its file read once: a file the index
        no longer describes (the one edited last, usually) is parsed to be compared, and that
        parse is the one returned. Raises SessionError, as load() does.

        The index is not rewritten for one file parsed: the one opened, whose entry its next
        save makes stale again; the next listing brings it up to date."""
        best, newest = self._latest(rewrite_for=2)
        if best is None:
            return None
        path = self.path_for(best)
        if newest is None or newest[0][0] != best:
            return path, self.load(path)
        _, (stamp, session) = newest
        self._seen[path] = stamp
        self._base[path] = session.copy()
        return path, session
