"""The incident session in memory: its fields, meta data and masking options.

The file format lives in tui.core.sessionfile, the store of files in tui.core.store.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.errors import IncidentTuiError
from tui.core.list_schema import TABLES_BY_KEY
from tui.core.masking import RedactOptions
from tui.core.sanitize import normalize_newlines
from tui.core.schema import (
    ALL_FIELDS,
    FIELD_TABLE_KEYS,
    FIELDS_BY_KEY,
    META_KEYS,
    UNKNOWN_SEVERITY,
    Field,
    unknowns,
)

#: The template a new incident renders with (the schema's default for `template`).
DEFAULT_TEMPLATE = FIELDS_BY_KEY["template"].default


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
    """'3d', '5h', '12m' or '<1m': how long ago, short enough for a list column."""
    try:
        seconds = int(((now or now_utc()) - when).total_seconds())
    except OverflowError:
        return "?"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return "<1m"


def normalize_severity(value: str) -> str:
    return FIELDS_BY_KEY["severity"].normalize(value)


#: One item of a list ([[timeline]], [[changes]], [[hypotheses]]): its known keys hold strings;
#: keys this version does not know are kept as they were read.
Item = dict[str, Any]


@dataclass
class Session:
    id: str
    # The meta fields (schema.META_FIELDS): the top of the session file.
    title: str = ""
    severity: str = UNKNOWN_SEVERITY
    started_at: str = ""
    status: str = FIELDS_BY_KEY["status"].default
    template: str = DEFAULT_TEMPLATE
    digest: str = FIELDS_BY_KEY["digest"].default
    created_at: datetime = field(default_factory=now_utc)
    updated_at: datetime = field(default_factory=now_utc)
    fields: dict[str, str] = field(default_factory=dict)
    #: The lists of list_schema.TABLES, by table key, in file order.
    tables: dict[str, list[Item]] = field(default_factory=dict)
    #: Top-level keys and [fields] keys this version does not know: kept so a newer tool's data
    #: survives a save by an older one.
    extra: dict[str, Any] = field(default_factory=dict)
    extra_fields: dict[str, Any] = field(default_factory=dict)
    extra_masking: dict[str, Any] = field(default_factory=dict)
    #: How the prompt is masked on the way out (the file's [masking] table); `allow` holds the
    #: fingerprints (never the values) of what the user un-masked as false positives.
    masking: RedactOptions = field(default_factory=RedactOptions)
    path: Path | None = None

    def redact_options(self) -> RedactOptions:
        return self.masking

    @property
    def unmasked(self) -> list[str]:
        """The un-masked fingerprints, sorted (as the file stores them)."""
        return sorted(self.masking.allow)

    def set_unmasked(self, fingerprint: str, unmasked: bool) -> bool:
        """Un-mask (or mask again) one finding; False when that changes nothing."""
        allow = (
            self.masking.allow | {fingerprint} if unmasked else self.masking.allow - {fingerprint}
        )
        if allow == self.masking.allow:
            return False
        self.masking = self.masking._replace(allow=allow)
        return True

    def get(self, key: str) -> str:
        if key in META_KEYS:
            return str(getattr(self, key))
        if key not in FIELD_TABLE_KEYS:
            raise KeyError(key)
        return self.fields.get(key, "")

    def set(self, key: str, value: str) -> None:
        """Raises KeyError for a key the schema does not know, ValueError for a bad choice."""
        value = FIELDS_BY_KEY[key].normalize(normalize_newlines(value))
        if key in META_KEYS:
            setattr(self, key, value)
        else:
            self.fields[key] = value

    def values(self) -> dict[str, str]:
        return {f.key: self.get(f.key) for f in ALL_FIELDS}

    def unknowns(self) -> list[Field]:
        return unknowns(self.values())

    def items(self, table: str) -> list[Item]:
        """The items of one list (a KeyError for a list the schema does not declare)."""
        return self.tables.setdefault(TABLES_BY_KEY[table].key, [])

    def add_item(self, table: str, **values: str) -> Item:
        """Append an item; choices are checked (ValueError) and blanks take their default."""
        columns = TABLES_BY_KEY[table].columns
        unknown = set(values) - {c.key for c in columns}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        item: Item = {}
        for column in columns:
            value = column.normalize(normalize_newlines(values.get(column.key, "")))
            if value or column.choices:
                item[column.key] = value
        self.items(table).append(item)
        return item

    def copy(self) -> Session:
        """A copy that one thread can keep editing the original of while another writes this."""
        return replace(
            self,
            fields=dict(self.fields),
            tables={k: [dict(i) for i in v] for k, v in self.tables.items()},
            extra=dict(self.extra),
            extra_fields=dict(self.extra_fields),
            extra_masking=dict(self.extra_masking),
        )

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
        from tui.core.sessionfile import session_to_toml

        return session_to_toml(self)

    def to_toml_parts(self) -> list[str]:
        """to_toml in pieces, a big value one of its own (what a save writes)."""
        from tui.core.sessionfile import session_toml_parts

        return session_toml_parts(self)


def _identity(table: str, item: Item) -> tuple[object, ...]:
    return tuple(item.get(k, "") for k in TABLES_BY_KEY[table].identity)


def merge_items(ours: Session, base: Session, theirs: Session) -> dict[str, list[Item]] | None:
    """Three-way merge of another writer's list additions into `ours`.

    `base` is the file as we last read or wrote it, `theirs` the file now. When `theirs` differs
    from `base` only by items appended to its lists, those items (unless `ours` has one with the
    same identity, e.g. a timeline entry's at, kind and text) are appended to `ours`, and they
    are returned by table. Otherwise `ours` is left alone and the answer is None."""
    added = added_items(base, theirs)
    if added is None:
        return None
    for table, items in added.items():
        add_missing(ours, table, items)
    return added


def added_items(base: Session, theirs: Session) -> dict[str, list[Item]] | None:
    """The list items `theirs` appended to `base`, by table; None when it differs otherwise."""

    def rest(s: Session) -> tuple[object, ...]:
        return (s.values(), s.template, s.masking, s.extra, s.extra_fields, s.extra_masking)

    if rest(theirs) != rest(base):
        return None
    added: dict[str, list[Item]] = {}
    for table in TABLES_BY_KEY:
        before, now = base.tables.get(table, []), theirs.tables.get(table, [])
        if any(item not in now for item in before):
            return None  # edited or removed there: not an addition
        added[table] = [item for item in now if item not in before]
    return added


def add_missing(session: Session, table: str, items: list[Item]) -> list[Item]:
    """Append the items whose identity the session's list does not have yet; returns them."""
    have = {_identity(table, item) for item in session.tables.get(table, [])}
    appended = []
    for item in items:
        if _identity(table, item) not in have:
            session.items(table).append(dict(item))
            have.add(_identity(table, item))
            appended.append(item)
    return appended
