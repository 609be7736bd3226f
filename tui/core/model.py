"""The incident session in memory: its fields, meta data and masking options.

The file format lives in tui.core.sessionfile, the store of files in tui.core.store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.errors import IncidentTuiError
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

DEFAULT_TEMPLATE = "incident-response"


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
    cleaned = value.strip()
    for severity in SEVERITIES:
        if cleaned.lower() == severity.lower():
            return severity
    if not cleaned:
        return UNKNOWN_SEVERITY
    raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {value!r}")


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
        from tui.core.sessionfile import session_to_toml

        return session_to_toml(self)
