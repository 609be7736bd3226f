"""Sessions survive a save and a load exactly, and files we cannot read are never written."""

from __future__ import annotations

import os
import stat
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.core.masking import RedactOptions
from tui.core.schema import FIELDS
from tui.core.session import (
    SCHEMA_VERSION,
    Session,
    SessionError,
    SessionStore,
    atomic_write,
)

SAMPLES = [
    "Checkout API returns HTTP 500 for ~30% of requests.",
    "Zahlungsfehler für Kunden in der EU – 東京 region too 🚨",
    'Traceback (most recent call last):\n  File "app.py", line 3\n    raise KeyError("currency")\n',
    'quotes " and \'\'\' and """ and backslashes \\n \\ end',
    "tabs\tand trailing spaces   \n\n\nand blank lines",
]


def filled_session(store: SessionStore) -> Session:
    session = store.create("Checkout 500s")
    for i, field in enumerate(FIELDS):
        if field.key == "severity":
            session.set("severity", "SEV2")
        elif field.key != "title":
            session.set(field.key, SAMPLES[i % len(SAMPLES)])
    return session


def file_in_store(store: SessionStore, name: str, content: str | bytes) -> Path:
    """A session file as someone wrote it, in the store's directory."""
    store.ensure_dirs()
    path = store.sessions_dir / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_every_field_round_trips(store: SessionStore) -> None:
    session = filled_session(store)
    path = store.save(session)
    loaded = store.load(path)
    assert loaded.values() == session.values()
    assert loaded.id == session.id
    assert loaded.created_at == session.created_at


def test_crlf_becomes_lf_and_nothing_else_changes(store: SessionStore) -> None:
    session = store.create()
    session.set("error_logs", "line one\r\nline two\r\n")
    loaded = store.load(store.save(session))
    assert loaded.get("error_logs") == "line one\nline two\n"


def test_the_file_is_the_documented_toml(store: SessionStore) -> None:
    session = filled_session(store)
    data = tomllib.loads(store.save(session).read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["title"] == "Checkout 500s"
    assert data["severity"] == "SEV2"
    assert isinstance(data["updated_at"], datetime)
    assert set(data["fields"]) == {f.key for f in FIELDS if f.place == "fields"}


def test_empty_fields_are_left_out_and_blank_ones_count_as_unknown(store: SessionStore) -> None:
    session = store.create()
    session.set("incident_summary", "x")
    session.set("monitoring", "   ")
    path = store.save(session)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    # The file keeps exactly what was typed, white space included.
    assert data["fields"] == {"incident_summary": "x", "monitoring": "   "}
    unknown_keys = [f.key for f in store.load(path).unknowns()]
    assert "monitoring" in unknown_keys
    assert "incident_summary" not in unknown_keys


def test_keys_this_version_does_not_know_survive_a_save(store: SessionStore) -> None:
    path = file_in_store(
        store,
        "future.toml",
        'schema_version = 1\nowner = "team-payments"\n[links]\nrunbook = "https://r"\n'
        '[fields]\nincident_summary = "x"\npager_id = "P123"\n',
    )
    session = store.load(path)
    session.set("monitoring", "alert fired")
    store.save(session)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["owner"] == "team-payments"
    assert data["links"] == {"runbook": "https://r"}
    assert data["fields"]["pager_id"] == "P123"
    assert data["fields"]["monitoring"] == "alert fired"


def test_files_are_private(store: SessionStore) -> None:
    path = store.save(filled_session(store))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.sessions_dir.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("schema_version = 1\n[fields\n", "not valid TOML"),
        ("schema_version = 1\n[fields]\nerror_logs = 42\n", "fields.error_logs must be a string"),
        ('schema_version = 1\nfields = "oops"\n', "[fields] must be a table"),
        ('schema_version = 1\nseverity = "critical"\n', "severity must be one of"),
        ("schema_version = 1\ntitle = 3\n", "title must be a string"),
        ('schema_version = 1\nupdated_at = "yesterday"\n', "updated_at must be a date-time"),
        ("schema_version = 3\n", "newer incident-tui"),
        ('schema_version = "1"\n', "schema_version must be a whole number"),
        (b"schema_version = 1\ntitle = '\xff'\n", "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_path_and_reason_and_left_untouched(
    store: SessionStore, content: str | bytes, reason: str
) -> None:
    raw = content if isinstance(content, bytes) else content.encode()
    path = file_in_store(store, "broken.toml", raw)
    with pytest.raises(SessionError) as caught:
        store.load(path)
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)
    _, broken = store.list()
    assert [b.path for b in broken] == [path]
    assert path.read_bytes() == raw


def test_a_toml_error_names_its_line(store: SessionStore) -> None:
    path = file_in_store(store, "broken.toml", 'schema_version = 1\ntitle = "a"\ntitle = "b"\n')
    with pytest.raises(SessionError, match="line 3"):
        store.load(path)


def test_a_hand_written_file_without_version_is_migrated(store: SessionStore) -> None:
    path = file_in_store(
        store,
        "hand.toml",
        'title = "DNS"\nseverity = "sev3"\nincident_summary = "resolver timeouts"\n'
        '[fields]\nmonitoring = "p99 5s"\n',
    )
    os.utime(path, (1_700_000_000, 1_700_000_000))
    session = store.load(path)
    # No times in the file: its modification time orders it in the list.
    assert session.updated_at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert session.get("incident_summary") == "resolver timeouts"
    assert session.get("monitoring") == "p99 5s"
    assert session.severity == "SEV3"
    store.save(session)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert "incident_summary" not in data
    assert data["fields"]["incident_summary"] == "resolver timeouts"


def test_ids_are_readable_and_unique(store: SessionStore) -> None:
    first = store.create("Checkout returns 500!")
    store.save(first)
    second = store.create("Checkout returns 500!")
    assert first.id.endswith("-checkout-returns-500")
    assert second.id == first.id + "-2"


def test_list_is_newest_first_with_unknown_counts(store: SessionStore) -> None:
    old = store.create("old")
    store.save(old)
    new = store.create("new")
    new.set("incident_summary", "x")
    store.save(new)
    old.updated_at = datetime(2020, 1, 1, tzinfo=UTC)
    store.save(old, touch=False)
    good, broken = store.list()
    assert [s.title for s in good] == ["new", "old"]
    assert good[0].unknowns == good[1].unknowns - 1
    assert broken == []


def test_resolve_takes_an_id_a_prefix_or_a_path(store: SessionStore, tmp_path: Path) -> None:
    session = store.create("disk full")
    path = store.save(session)
    assert store.resolve(session.id) == path
    assert store.resolve(session.id[:15]) == path
    assert store.resolve(str(path)) == path
    with pytest.raises(SessionError, match="no such session"):
        store.resolve("nothing-like-it")
    with pytest.raises(SessionError, match="no such session file"):
        store.resolve(str(tmp_path / "missing.toml"))


def test_atomic_write_leaves_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "s.toml"
    target.write_bytes(b"old")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]


def test_masking_choices_round_trip_without_storing_secrets(store: SessionStore) -> None:
    session = store.create()
    session.set("error_logs", "password=hunter2-prod")
    session.masking = RedactOptions(
        emails=False, ips=True, allow=frozenset({"sha256:0123456789abcdef"})
    )
    path = store.save(session)
    loaded = store.load(path)
    options = loaded.redact_options()
    assert (options.emails, options.ips) == (False, True)
    assert options.allow == frozenset({"sha256:0123456789abcdef"})
    masking = tomllib.loads(path.read_text(encoding="utf-8"))["masking"]
    assert masking == {"emails": False, "ips": True, "unmasked": ["sha256:0123456789abcdef"]}


def test_control_characters_in_title_and_started_at_survive_save_and_load(
    store: SessionStore,
) -> None:
    """The file keeps exactly what was typed: display-only conversions (␛, ␀) never reach it."""
    typed = {
        "title": "deploy \x1b[31mred\x1b[0m \x00nul \x7fdel",
        "started_at": "14:07\x07 UTC\x1b]2;x\x07",
        "incident_summary": "summary with \x1b[1mbold\x1b[0m",
    }
    session = store.create("")
    for key, value in typed.items():
        session.set(key, value)
    path = store.save(session)
    on_disk = tomllib.loads(path.read_text(encoding="utf-8"))
    assert on_disk["title"] == typed["title"]
    assert on_disk["started_at"] == typed["started_at"]
    loaded = store.load(path)
    assert {key: loaded.get(key) for key in typed} == typed
    store.save(loaded)  # opened and saved again without an edit: still byte for byte
    assert {key: store.load(path).get(key) for key in typed} == typed
    assert "␛" not in path.read_text(encoding="utf-8")


def test_a_big_log_is_checked_once_for_the_saves_that_follow_edits_elsewhere(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An autosave writes the whole incident after every edit: the log's scan for characters a
    TOML literal cannot hold (most of such a save's CPU with a 5 MB log) ran every time."""
    from tui.core import sessionfile

    log = "".join(f"12:00:{n % 60:02} GET /checkout 500 upstream reset\n" for n in range(40_000))
    session = store.create("checkout 500s")
    session.set("error_logs", log)
    scanned: list[int] = []
    has_match = sessionfile._has_match

    def counting(pattern: Any, text: str, chunk: int = 64 * 1024) -> bool:
        scanned.append(len(text))
        return has_match(pattern, text, chunk)

    monkeypatch.setattr(sessionfile, "_has_match", counting)
    path = store.save(session)
    for n in range(3):
        session.set("incident_summary", f"edit {n}")
        store.save(session)
    assert [size for size in scanned if size >= len(log)] == [len(log)]
    assert store.load(path).get("error_logs") == log
    assert "error_logs = '''\n12:00:00 GET" in path.read_text()
    # A changed log is scanned again, and one a literal cannot hold is escaped.
    session.set("error_logs", log + "\x1b[31mred\x1b[0m\n")
    store.save(session)
    assert store.load(path).get("error_logs") == log + "\x1b[31mred\x1b[0m\n"
    assert 'error_logs = "' in path.read_text()


def test_a_save_copies_a_big_log_once(store: SessionStore) -> None:
    """A save built the whole file as one string and then encoded it: four copies of a 5 MB log
    (the assignment, the fields, the file, its bytes), the CPU of an autosave after each edit."""
    import tracemalloc

    log = "".join(f"12:00:{n % 60:02} GET /checkout 500 upstream reset\n" for n in range(100_000))
    session = store.create("checkout 500s")
    session.set("error_logs", log)
    path = store.save(session)
    session.set("incident_summary", "an edit elsewhere")
    tracemalloc.start()
    try:
        store.save(session)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * len(log)
    assert store.load(path).get("error_logs") == log
    assert path.read_text(encoding="utf-8") == session.to_toml()
