"""The session file format: TOML, schema_version 1, and the migrations of older versions.

The file keeps exactly what the user typed; masking happens on the way out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.model import DEFAULT_TEMPLATE, Session, SessionError, normalize_severity
from tui.core.sanitize import normalize_newlines
from tui.core.schema import FIELD_TABLE_KEYS, FIELDS, META_KEYS

SCHEMA_VERSION = 1
_KNOWN_TOP_KEYS = META_KEYS | {
    "schema_version",
    "template",
    "created_at",
    "updated_at",
    "fields",
    "masking",
}


def session_to_toml(session: Session) -> str:
    import tomli_w  # only saving needs it; `list` and `render` start faster without

    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    data["title"] = session.title
    data["severity"] = session.severity
    data["started_at"] = session.started_at
    data["template"] = session.template
    data["created_at"] = session.created_at
    data["updated_at"] = session.updated_at
    data.update(session.extra)
    data["masking"] = {
        **session.extra_masking,
        "emails": session.mask_emails,
        "ips": session.mask_ips,
        "unmasked": sorted(set(session.unmasked)),
    }
    head = tomli_w.dumps(data, multiline_strings=True)
    # [fields] in schema order, so that two saves of one incident diff cleanly.
    lines = [
        _toml_assignment(f.key, session.fields[f.key]) for f in FIELDS if session.fields.get(f.key)
    ]
    extra = tomli_w.dumps({"fields": session.extra_fields}, multiline_strings=True)
    extra = extra.removeprefix("[fields]\n")
    return f"{head}\n[fields]\n" + "".join(lines) + extra


# Control characters a TOML literal string cannot hold (tab and newline it can).
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _has_match(pattern: re.Pattern[str], text: str, chunk: int = 256 * 1024) -> bool:
    """pattern.search over text, a slice at a time.

    One regex call holds the GIL throughout, and the UI thread cannot draw while an autosave of a
    big log runs in its worker; slices of 256 KB keep each hold short. (The pattern matches
    single characters, so no match can straddle two slices.)
    """
    return any(pattern.search(text, start, start + chunk) for start in range(0, len(text), chunk))


def _toml_assignment(key: str, value: str) -> str:
    """`key = value` for the [fields] table.

    A multi-line value is written as a TOML literal string (triple single quotes), verbatim, when
    it can be: a pasted log stays readable in the file and in a diff, with no escaping, and Python's
    TOML reader parses a literal string many times faster than an escaped one. Anything else falls
    back to tomli-w's escaped form.
    """
    literal_ok = "\n" in value and "'''" not in value and not value.endswith("'")
    if literal_ok and not _has_match(_NOT_LITERAL, value):
        # The newline right after the opening quotes is dropped by TOML readers.
        return f"{key} = '''\n{value}'''\n"
    import tomli_w

    return tomli_w.dumps({key: value}, multiline_strings=True)


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
    when: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        when.astimezone(UTC)  # ages and sorting compare in UTC: it must have one
    except (OverflowError, ValueError):
        raise SessionError(path, f"{key} is out of range: {when}") from None
    return when


def session_from_text(
    text: str, path: Path, session_id: str, file_time: datetime | None = None
) -> Session:
    """The session a file's text describes. `file_time` (the file's modification time) stands in
    for the times a hand-written file does not give. Raises SessionError, and only that."""
    import tomllib  # here: `incident-tui new` reads no file

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SessionError(path, f"not valid TOML: {exc}") from None
    except RecursionError:
        raise SessionError(path, "not valid TOML: nested too deeply") from None
    except (ValueError, OverflowError) as exc:  # dates TOML allows but Python cannot hold
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
