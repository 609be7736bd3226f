"""Incident sessions and the store that keeps them as TOML files.

The file keeps exactly what the user typed; masking happens on the way out. Saves are atomic
(temp file in the same directory, fsync, os.replace), and a file we cannot read is never written.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.errors import IncidentTuiError
from tui.core.lock import lock_path
from tui.core.masking import RedactOptions
from tui.core.sanitize import normalize_newlines
from tui.core.schema import (
    FIELD_TABLE_KEYS,
    FIELDS,
    META_KEYS,
    SEVERITIES,
    UNKNOWN_SEVERITY,
    Field,
    is_unknown,
)

SCHEMA_VERSION = 1
DEFAULT_TEMPLATE = "incident-response"
_KNOWN_TOP_KEYS = META_KEYS | {
    "schema_version",
    "template",
    "created_at",
    "updated_at",
    "fields",
    "masking",
}


class SessionError(IncidentTuiError):
    """A session file that cannot be used, with the path and the reason, for a one-line message."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class SessionConflict(SessionError):
    """The file changed or vanished on disk since this process last read or wrote it."""


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def age_text(when: datetime, now: datetime | None = None) -> str:
    """'3d', '5h', '12m' or 'now': how long ago, short enough for a list column."""
    seconds = int(((now or now_utc()) - when).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return "now"


@dataclass
class Session:
    id: str
    title: str = ""
    severity: str = UNKNOWN_SEVERITY
    started_at: str = ""
    template: str = DEFAULT_TEMPLATE
    created_at: datetime = field(default_factory=now_utc)
    updated_at: datetime = field(default_factory=now_utc)
    fields: dict[str, str] = field(default_factory=dict)
    #: Top-level keys and [fields] keys this version does not know: kept so a newer tool's data
    #: survives a save by an older one.
    extra: dict[str, Any] = field(default_factory=dict)
    extra_fields: dict[str, Any] = field(default_factory=dict)
    extra_masking: dict[str, Any] = field(default_factory=dict)
    #: How the prompt is masked on the way out; stored as the file's [masking] table.
    mask_emails: bool = True
    mask_ips: bool = False
    #: Fingerprints (never the values) of what the user un-masked as false positives.
    unmasked: list[str] = field(default_factory=list)
    path: Path | None = None

    def redact_options(self) -> RedactOptions:
        return RedactOptions(
            emails=self.mask_emails, ips=self.mask_ips, allow=frozenset(self.unmasked)
        )

    def get(self, key: str) -> str:
        if key in META_KEYS:
            return str(getattr(self, key))
        if key not in FIELD_TABLE_KEYS:
            raise KeyError(key)
        return self.fields.get(key, "")

    def set(self, key: str, value: str) -> None:
        value = normalize_newlines(value)
        if key == "severity":
            value = normalize_severity(value)
        if key in META_KEYS:
            setattr(self, key, value)
        elif key in FIELD_TABLE_KEYS:
            self.fields[key] = value
        else:
            raise KeyError(key)

    def values(self) -> dict[str, str]:
        return {f.key: self.get(f.key) for f in FIELDS}

    def unknowns(self) -> list[Field]:
        return [f for f in FIELDS if is_unknown(f, self.get(f.key))]

    @property
    def display_title(self) -> str:
        if self.title.strip():
            return self.title.strip()
        summary = self.fields.get("incident_summary", "").strip()
        first_line = summary.splitlines()[0] if summary else ""
        if len(first_line) > 72:
            first_line = first_line[:71].rstrip() + "…"
        return first_line or "Untitled incident"

    def to_toml(self) -> str:
        import tomli_w  # only saving needs it; `list` and `render` start faster without

        data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        data["title"] = self.title
        data["severity"] = self.severity
        data["started_at"] = self.started_at
        data["template"] = self.template
        data["created_at"] = self.created_at
        data["updated_at"] = self.updated_at
        data.update(self.extra)
        data["masking"] = {
            **self.extra_masking,
            "emails": self.mask_emails,
            "ips": self.mask_ips,
            "unmasked": sorted(set(self.unmasked)),
        }
        head = tomli_w.dumps(data, multiline_strings=True)
        # [fields] in schema order, so that two saves of one incident diff cleanly.
        lines = [
            _toml_assignment(f.key, self.fields[f.key]) for f in FIELDS if self.fields.get(f.key)
        ]
        extra = tomli_w.dumps({"fields": self.extra_fields}, multiline_strings=True)
        extra = extra.removeprefix("[fields]\n")
        return f"{head}\n[fields]\n" + "".join(lines) + extra


# Control characters a TOML literal string cannot hold (tab and newline it can).
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _has_match(pattern: re.Pattern[str], text: str, chunk: int = 256 * 1024) -> bool:
    """pattern.search over text, a slice at a time.

    One regex call holds the GIL throughout: over a 5 MB log that is ~13 ms in which the UI thread
    cannot draw while an autosave runs in its worker. Slices of 256 KB keep each hold under 1 ms.
    (The pattern matches single characters, so no match can straddle two slices.)
    """
    return any(pattern.search(text, start, start + chunk) for start in range(0, len(text), chunk))


def _toml_assignment(key: str, value: str) -> str:
    """`key = value` for the [fields] table.

    A multi-line value is written as a TOML literal string (triple single quotes), verbatim, when
    it can be: a pasted log stays readable in the file and in a diff, with no escaping, and Python's
    TOML reader parses a literal string many times faster than an escaped one (a 5 MB log: ~10 ms
    instead of ~450 ms). Anything else falls back to tomli-w's escaped form.
    """
    literal_ok = "\n" in value and "'''" not in value and not value.endswith("'")
    if literal_ok and not _has_match(_NOT_LITERAL, value):
        # The newline right after the opening quotes is dropped by TOML readers.
        return f"{key} = '''\n{value}'''\n"
    import tomli_w

    return tomli_w.dumps({key: value}, multiline_strings=True)


def normalize_severity(value: str) -> str:
    cleaned = value.strip()
    for severity in SEVERITIES:
        if cleaned.lower() == severity.lower():
            return severity
    if not cleaned:
        return UNKNOWN_SEVERITY
    raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {value!r}")


# --- reading -------------------------------------------------------------------------------------


def _migrate_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 is a hand-written file with no schema_version: fields may sit at the top level."""
    table = dict(data.get("fields", {})) if isinstance(data.get("fields"), dict) else {}
    migrated = {k: v for k, v in data.items() if k not in FIELD_TABLE_KEYS}
    for key in FIELD_TABLE_KEYS:
        if key in data:
            table.setdefault(key, data[key])
    migrated["fields"] = table
    migrated["schema_version"] = 1
    return migrated


#: MIGRATIONS[n] turns a version-n document into a version-(n+1) one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1}


def migrate(data: dict[str, Any], path: Path) -> dict[str, Any]:
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise SessionError(path, f"schema_version must be a whole number, not {version!r}")
    if version > SCHEMA_VERSION:
        raise SessionError(
            path,
            f"written by a newer incident-tui (schema_version {version}; this one reads up to "
            f"{SCHEMA_VERSION}); upgrade incident-tui to open it",
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return data


def _expect_str(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise SessionError(path, f"{key} must be a string, not {type(value).__name__}")
    return value


def _expect_datetime(path: Path, key: str, value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise SessionError(path, f"{key} must be a date-time, not {type(value).__name__}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def session_from_text(
    text: str, path: Path, session_id: str, file_time: datetime | None = None
) -> Session:
    """The session a file's text describes. `file_time` (the file's modification time) stands in
    for the times a hand-written file does not give."""
    import tomllib  # here: `incident-tui new` reads no file, and this is ~1.3 ms of its start

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SessionError(path, f"not valid TOML: {exc}") from None
    data = migrate(data, path)
    session = Session(id=session_id, path=path)
    table = data.get("fields", {})
    if not isinstance(table, dict):
        raise SessionError(path, "[fields] must be a table")
    for key, value in table.items():
        if key in FIELD_TABLE_KEYS:
            session.fields[key] = normalize_newlines(_expect_str(path, f"fields.{key}", value))
        else:
            session.extra_fields[key] = value
    for key in ("title", "started_at", "template"):
        if key in data:
            setattr(session, key, _expect_str(path, key, data[key]))
    if not session.template.strip():
        session.template = DEFAULT_TEMPLATE
    if "severity" in data:
        try:
            session.severity = normalize_severity(_expect_str(path, "severity", data["severity"]))
        except ValueError as exc:
            raise SessionError(path, str(exc)) from None
    for key in ("created_at", "updated_at"):
        if key in data:
            setattr(session, key, _expect_datetime(path, key, data[key]))
        elif file_time is not None:
            setattr(session, key, file_time)
    _read_masking(session, data.get("masking", {}), path)
    session.extra = {k: v for k, v in data.items() if k not in _KNOWN_TOP_KEYS}
    return session


def _read_masking(session: Session, table: Any, path: Path) -> None:
    if not isinstance(table, dict):
        raise SessionError(path, "[masking] must be a table")
    for key, attribute in (("emails", "mask_emails"), ("ips", "mask_ips")):
        if key in table:
            if not isinstance(table[key], bool):
                raise SessionError(path, f"masking.{key} must be true or false")
            setattr(session, attribute, table[key])
    unmasked = table.get("unmasked", [])
    if not isinstance(unmasked, list) or not all(isinstance(u, str) for u in unmasked):
        raise SessionError(path, "masking.unmasked must be a list of strings")
    session.unmasked = list(unmasked)
    session.extra_masking = {
        k: v for k, v in table.items() if k not in ("emails", "ips", "unmasked")
    }


# --- the store -----------------------------------------------------------------------------------


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
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "incident-tui"


def slugify(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "incident"


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a whole file or nothing: a crash leaves the old file or the new one, never half."""
    import tempfile  # here, not at the top: commands that only read start faster

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, and not fatal.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class SessionSummary:
    id: str
    path: Path
    title: str
    severity: str
    updated_at: datetime
    unknowns: int


@dataclass(frozen=True)
class BrokenSession:
    id: str
    path: Path
    reason: str


Stamp = tuple[int, int]  # (st_mtime_ns, st_size): what the file looked like when we last saw it


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


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

    def ensure_dirs(self) -> None:
        for directory in (self.home, self.sessions_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdir's mode is filtered by the umask, and an existing directory keeps its own.
        os.chmod(self.sessions_dir, 0o700)

    def path_for(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.toml"

    def new_id(self, title: str, when: datetime | None = None) -> str:
        stamp = (when or now_utc()).strftime("%Y%m%d-%H%M")
        base = f"{stamp}-{slugify(title)}"
        candidate, n = base, 2
        while self.path_for(candidate).exists():
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def create(self, title: str = "") -> Session:
        """A new session with a fresh id; not on disk until the first save."""
        self.ensure_dirs()
        session = Session(id=self.new_id(title), title=title)
        session.path = self.path_for(session.id)
        return session

    def resolve(self, ref: str) -> Path:
        """SESSION on the command line: a path to a .toml file, or an id in the store."""
        as_path = Path(ref).expanduser()
        if ref.endswith(".toml") or os.sep in ref or as_path.is_file():
            if not as_path.is_file():
                raise SessionError(as_path, "no such session file")
            return as_path
        candidate = self.path_for(ref)
        if candidate.is_file():
            return candidate
        matches = sorted(self.sessions_dir.glob(f"{glob_escape(ref)}*.toml"))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(m.stem for m in matches[:5])
            raise SessionError(ref, f"ambiguous session id; it matches {names}")
        raise SessionError(ref, f"no such session in {self.sessions_dir}")

    def load(self, path: Path) -> Session:
        stamp = _stamp(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise SessionError(path, "no such session file") from None
        except OSError as exc:
            raise SessionError(path, f"cannot read: {exc.strerror or exc}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SessionError(path, f"not UTF-8 text (byte {exc.start})") from None
        file_time = datetime.fromtimestamp(stamp[0] // 10**9, UTC) if stamp else None
        session = session_from_text(text, path, path.stem, file_time)
        self._seen[path] = stamp
        return session

    def save(self, session: Session, *, touch: bool = True, force: bool = False) -> Path:
        """Write the session atomically.

        Raises SessionConflict, and writes nothing, when the file changed on disk since this store
        last read or wrote it (another editor, a `git checkout`): that change is not ours to
        clobber. A file deleted meanwhile is simply written again. `force` skips the check.
        """
        if session.path is None:
            session.path = self.path_for(session.id)
        path = session.path
        if path.parent == self.sessions_dir:
            self.ensure_dirs()
        if not force:
            self.check_unchanged(path)
        if touch:
            session.updated_at = now_utc()
        atomic_write(path, session.to_toml().encode("utf-8"))
        self._seen[path] = _stamp(path)
        return path

    def check_unchanged(self, path: Path) -> None:
        """Raise SessionConflict if the file on disk is not the one this store last saw."""
        now = _stamp(path)
        if now is None:
            return
        if path not in self._seen:
            raise SessionConflict(path, "a file with this name appeared on disk meanwhile")
        if self._seen[path] not in (None, now):
            raise SessionConflict(path, "changed on disk since it was opened")

    def save_copy(self, session: Session) -> Path:
        """Save under a new id beside the original: the way out of a conflict, losing nothing."""
        session.id = self.new_id(f"{session.display_title} copy")
        session.path = self.path_for(session.id)
        return self.save(session)

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
        import stat
        import time

        now = time.time() if now is None else now
        removed = 0
        if not self.sessions_dir.is_dir():
            return 0
        for path in self.sessions_dir.glob(".*.toml.*.tmp"):
            with contextlib.suppress(OSError):
                info = path.lstat()
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > self.STALE_TEMP_SECONDS:
                    path.unlink()
                    removed += 1
        return removed

    def iter_paths(self) -> Iterator[Path]:
        if self.sessions_dir.is_dir():
            yield from self.sessions_dir.glob("*.toml")

    def list(self) -> tuple[list[SessionSummary], list[BrokenSession]]:
        """Every session, most recently updated first, and the files that could not be read."""
        good: list[SessionSummary] = []
        broken: list[BrokenSession] = []
        for path in self.iter_paths():
            try:
                session = self.load(path)
            except SessionError as exc:
                broken.append(BrokenSession(path.stem, path, exc.reason))
                continue
            good.append(
                SessionSummary(
                    id=session.id,
                    path=path,
                    title=session.display_title,
                    severity=session.severity,
                    updated_at=session.updated_at,
                    unknowns=len(session.unknowns()),
                )
            )
        good.sort(key=lambda s: (s.updated_at, s.id), reverse=True)
        broken.sort(key=lambda b: b.id)
        return good, broken

    def latest(self) -> Path | None:
        good, _ = self.list()
        return good[0].path if good else None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
