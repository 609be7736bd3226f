"""The session file format: TOML, schema_version 2, and the migrations of older versions.

The file keeps exactly what the user typed; masking happens on the way out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.list_schema import MAX_ITEMS, TABLES, Table
from tui.core.masking import RedactOptions
from tui.core.model import DEFAULT_TEMPLATE, Item, Session, SessionError
from tui.core.sanitize import normalize_newlines
from tui.core.schema import ALL_FIELDS, FIELD_TABLE_KEYS, META_FIELDS

SCHEMA_VERSION = 2
#: A setting whose choices are these is a TOML boolean in the file.
_BOOLEAN = ("true", "false")
_KNOWN_TOP_KEYS = (
    {f.key for f in META_FIELDS}
    | {t.key for t in TABLES}
    | {
        "schema_version",
        "created_at",
        "updated_at",
        "fields",
        "masking",
    }
)


def session_to_toml(session: Session) -> str:
    return "".join(session_toml_parts(session))


def session_toml_parts(session: Session) -> list[str]:
    """The file, in pieces whose concatenation is session_to_toml: a big value is one piece of
    its own, so that a save encodes it once and never copies it into a whole-file string."""
    import tomli_w  # only saving needs it; `list` and `render` start faster without

    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for meta in META_FIELDS:
        data[meta.key] = session.get(meta.key)
        if meta.choices == _BOOLEAN:
            data[meta.key] = data[meta.key] == "true"  # `digest = false`, as a person writes it
    data["created_at"] = session.created_at
    data["updated_at"] = session.updated_at
    data.update(session.extra)
    data["masking"] = {
        **session.extra_masking,
        "emails": session.masking.emails,
        "ips": session.masking.ips,
        "unmasked": session.unmasked,
    }
    head = tomli_w.dumps(data, multiline_strings=True)
    parts = [f"{head}\n[fields]\n"]
    # [fields] in schema order, so that two saves of one incident diff cleanly.
    for f in ALL_FIELDS:
        if f.place == "fields" and session.fields.get(f.key):
            parts += _assignment_parts(f.key, session.fields[f.key])
    extra = tomli_w.dumps({"fields": session.extra_fields}, multiline_strings=True)
    parts.append(extra.removeprefix("[fields]\n"))
    # The lists last, as arrays of tables: after [fields], a `[[timeline]]` header is needed
    # anyway, and a hand-written file reads best that way.
    parts += (_item_toml(t, item) for t in TABLES for item in session.tables.get(t.key, ()))
    return parts


def _item_toml(table: Table, item: Item) -> str:
    """One `[[table]]` item: its known keys in the schema's order, then those kept from a newer
    tool (a nested table among them becomes a `[table.key]` section of this item)."""
    import tomli_w

    ordered = _item_out(table, item)
    text = "".join(_toml_assignment(k, v) for k, v in ordered.items() if isinstance(v, str))
    rest = {k: v for k, v in ordered.items() if not isinstance(v, str)}
    if rest:
        more = tomli_w.dumps({table.key: rest}, multiline_strings=True)
        text += more.removeprefix(f"[{table.key}]\n")
    return f"\n[[{table.key}]]\n{text}"


def _item_out(table: Table, item: Item) -> Item:
    """An item with its known keys in the schema's order, then the keys kept from a newer tool."""
    known = {c.key: item[c.key] for c in table.columns if c.key in item}
    return {**known, **{k: v for k, v in item.items() if k not in known}}


# Control characters a TOML literal string cannot hold (tab and newline it can).
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _has_match(pattern: re.Pattern[str], text: str, chunk: int = 64 * 1024) -> bool:
    """pattern.search over text, a slice at a time.

    One regex call holds the GIL throughout, and the UI thread cannot draw while an autosave of a
    big log runs in its worker; slices of 64 KB keep each hold short. (The pattern matches
    single characters, so no match can straddle two slices.)
    """
    return any(pattern.search(text, start, start + chunk) for start in range(0, len(text), chunk))


def _fits_literal(value: str) -> bool:
    return "'''" not in value and not value.endswith("'") and not _has_match(_NOT_LITERAL, value)


#: A value this long is checked once: an autosave writes a big log again after every edit of
#: another field, and scanning 5 MB for control characters took most of that save's CPU.
_BIG_VALUE = 64 * 1024
#: Keyed by the value: a session's snapshots share its strings, so only a changed log is scanned.
_big_fits_literal = functools.lru_cache(maxsize=2)(_fits_literal)


def _toml_assignment(key: str, value: str) -> str:
    """`key = value` for the [fields] table.

    A multi-line value is written as a TOML literal string (triple single quotes), verbatim, when
    it can be: a pasted log stays readable in the file and in a diff, with no escaping, and Python's
    TOML reader parses a literal string many times faster than an escaped one. Anything else falls
    back to tomli-w's escaped form.
    """
    return "".join(_assignment_parts(key, value))


def _assignment_parts(key: str, value: str) -> list[str]:
    if "\n" in value and (
        _fits_literal(value) if len(value) < _BIG_VALUE else _big_fits_literal(value)
    ):
        # The newline right after the opening quotes is dropped by TOML readers.
        return [f"{key} = '''\n", value, "'''\n"]
    import tomli_w

    return [tomli_w.dumps({key: value}, multiline_strings=True)]


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


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds `status`, the lists and two [fields] keys; a version-1 file has none of
    them, so every value it holds keeps its place and the new ones take their defaults. Keys
    that a version-1 tool kept as unknown under the new names are read as the new data."""
    return {**data, "schema_version": 2}


#: MIGRATIONS[n] turns a version-n document into a version-(n+1) one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
}


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
    for meta in META_FIELDS:
        if meta.key in data:
            value = data[meta.key]
            if meta.choices == _BOOLEAN and not isinstance(value, str):
                if not isinstance(value, bool):
                    raise SessionError(path, f"{meta.key} must be true or false")
                value = "true" if value else "false"
            try:
                session.set(meta.key, _expect_str(path, meta.key, value))
            except ValueError as exc:
                raise SessionError(path, str(exc)) from None
    if not session.template.strip():
        session.template = DEFAULT_TEMPLATE
    for table in TABLES:
        if table.key in data:
            session.tables[table.key] = _read_items(table, data[table.key], path)
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
    flags = {}
    for key in ("emails", "ips"):
        if key in table:
            if not isinstance(table[key], bool):
                raise SessionError(path, f"masking.{key} must be true or false")
            flags[key] = table[key]
    unmasked = table.get("unmasked", [])
    if not isinstance(unmasked, list) or not all(isinstance(u, str) for u in unmasked):
        raise SessionError(path, "masking.unmasked must be a list of strings")
    session.masking = RedactOptions(**flags, allow=frozenset(unmasked))
    session.extra_masking = {
        k: v for k, v in table.items() if k not in ("emails", "ips", "unmasked")
    }


def _read_items(table: Table, value: Any, path: Path) -> list[Item]:
    """One [[list]] of the file: each item a table whose known keys are strings (choices among
    the declared ones) or booleans (a boolean column); keys this version does not know are kept
    as they are."""
    if not isinstance(value, list):
        raise SessionError(path, f"{table.key} must be a list of tables ([[{table.key}]])")
    if len(value) > MAX_ITEMS:
        raise SessionError(path, f"{table.key} has {len(value):,} items; at most {MAX_ITEMS:,}")
    columns = table.columns_by_key
    items: list[Item] = []
    for n, raw in enumerate(value, 1):
        where = f"{table.key} item {n}"
        if not isinstance(raw, dict):
            raise SessionError(path, f"{where} must be a table, not {type(raw).__name__}")
        item: Item = {}
        for key, cell in raw.items():
            column = columns.get(key)
            if column is None:
                item[key] = cell
                continue
            if column.boolean:
                if not isinstance(cell, bool):
                    raise SessionError(path, f"{where}: {key} must be true or false")
                item[key] = cell
                continue
            text = normalize_newlines(_expect_str(path, f"{where}: {key}", cell))
            try:
                item[key] = column.normalize(text)
            except ValueError as exc:
                raise SessionError(path, f"{where}: {exc}") from None
        for column in table.columns:
            if column.choices and column.key not in item:
                item[column.key] = column.default
        items.append(item)
    return items
