"""The summary index behind `list`, `resume` and the picker: a cache that shows what parsing the
files would show, is refreshed when a file changes, and is never trusted for more than display."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from index_file import dump_index, load_index

from tui import cli
from tui.core import store_files, store_index
from tui.core.session import Session, SessionStore
from tui.core.store_index import COLUMNS, INDEX_NAME

#: An hour ago, in ns: older than the index's "racily clean" window, so the files are indexed.
HOUR_NS = 3600 * 10**9


def age(path: Path, by_ns: int = HOUR_NS) -> None:
    """Set the file's mtime back (as if saved a while ago), keeping it distinct per call."""
    now = os.stat(path).st_mtime_ns
    os.utime(path, ns=(now - by_ns, now - by_ns))


def saved(store: SessionStore, title: str, summary: str = "") -> Path:
    session = store.create(title)
    if summary:
        session.set("incident_summary", summary)
    path = store.save(session)
    age(path)
    return path


def index_path(store: SessionStore) -> Path:
    return store.cache_dir / INDEX_NAME


def indexed(store: SessionStore) -> dict[str, dict[str, object]]:
    """The index file's entries: per file name, its values by column."""
    data = load_index(index_path(store))
    return {name: {c: data[c][n] for c in COLUMNS} for n, name in enumerate(data["name"])}


def rows(store: SessionStore) -> list[tuple[object, ...]]:
    good, _ = store.list()
    return [(s.id, s.path, s.title, s.severity, s.status, s.updated_at, s.unknowns) for s in good]


def parsed_rows(store: SessionStore) -> list[tuple[object, ...]]:
    """The same rows from a fresh parse of every file (the listing without an index)."""
    out = []
    for path in store.iter_paths():
        s = store.load(path)
        out.append(
            (s.id, path, s.display_title, s.severity, s.status, s.updated_at, len(s.unknowns()))
        )
    return sorted(out, key=lambda r: (r[5], r[0]), reverse=True)  # type: ignore[no-any-return]


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    real = store_files.read_session

    def counting(path: Path, stamp: object) -> Session:
        parsed.append(path)
        return real(path, stamp)  # type: ignore[arg-type]

    monkeypatch.setattr(store_files, "read_session", counting)
    return parsed


def test_the_index_shows_what_parsing_shows_and_spares_the_parse(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved(store, "Checkout 500s", "Checkout returns 500")
    saved(store, "", "Login e-mails late\nsecond line")  # the title comes from the summary
    first = rows(store)
    assert index_path(store).is_file()
    assert first == parsed_rows(store)
    parsed = count_parses(monkeypatch)
    assert rows(store) == first
    assert parsed == []  # both came from the index


def test_an_edited_file_is_parsed_again_and_its_entry_refreshed(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved(store, "Before")
    rows(store)
    session = store.load(path)
    session.title = "Aftr!!"  # same length as "Before": the size alone would not tell
    session.set("severity", "SEV1")
    store.save(session, touch=False)
    age(path, HOUR_NS // 2)
    parsed = count_parses(monkeypatch)
    [row] = rows(store)
    assert row[2:4] == ("Aftr!!", "SEV1")
    assert parsed == [path]
    assert rows(store)[0][2] == "Aftr!!"
    assert parsed == [path]  # the refreshed entry serves the next listing


def test_a_file_replaced_with_the_same_size_and_time_is_parsed_again(
    store: SessionStore,
) -> None:
    path = saved(store, "AAAA")
    rows(store)
    info = os.stat(path)
    text = path.read_text(encoding="utf-8").replace('"AAAA"', '"BBBB"')
    replacement = path.with_name(".new")
    replacement.write_text(text, encoding="utf-8")
    os.utime(replacement, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(replacement, path)  # a new inode: same name, size and time
    assert os.stat(path).st_size == info.st_size
    assert rows(store)[0][2] == "BBBB"


def test_a_deleted_file_disappears(store: SessionStore) -> None:
    keep = saved(store, "Keep")
    gone = saved(store, "Gone")
    assert len(rows(store)) == 2
    gone.unlink()
    assert [r[1] for r in rows(store)] == [keep]
    assert list(indexed(store)) == [keep.name]


def test_a_file_saved_just_now_is_not_indexed(store: SessionStore) -> None:
    """Its time may not change on a second write within the file system's clock granularity."""
    session = store.create("Now")
    store.save(session)
    assert rows(store)[0][2] == "Now"
    if index_path(store).exists():
        assert indexed(store) == {}


def test_the_index_is_private_and_plain_data(store: SessionStore) -> None:
    saved(store, "Private")
    rows(store)
    info = os.lstat(index_path(store))
    assert stat.S_ISREG(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert stat.S_IMODE(os.lstat(store.cache_dir).st_mode) == 0o700
    data = load_index(index_path(store))
    assert data["about"]["sessions_dir"] == str(store.sessions_dir)


def forge(store: SessionStore, path: Path, **changes: object) -> dict[str, list[object]]:
    """The index as written for `path`, with the entry's values replaced by `changes`."""
    rows(store)
    data = load_index(index_path(store))
    n = data["name"].index(path.name)
    for name, value in changes.items():
        data[name][n] = value
    return data  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "changes",
    [
        {"severity": "\x1b]52;c;ZXZpbA==\x07SEV1"},
        {"status": "pwned"},
        {"unknowns": 10**9},
        {"unknowns": True},
        {"title": ["not", "text"]},
        {"title": ""},
        {"updated": 2**62},  # after the last time a datetime can hold
        {"updated": -(2**62)},
        {"keys": "not hex"},
        {"keys": "00"},  # not 8 bytes for each column of each entry
        {"keys": ""},
        {"keys": "\u00e9" * 160},
        {"keys": "00\n00"},  # four lines
        {"name": "x.toml"},
    ],
)
def test_a_hostile_index_is_ignored_and_rebuilt(
    store: SessionStore, changes: dict[str, object]
) -> None:
    path = saved(store, "The real title")
    changes = dict(changes)
    keys = changes.pop("keys", None)  # the second line as it is, not packed from columns
    name = changes.pop("name", None)
    data = forge(store, path, **changes)
    for column in COLUMNS:  # a second entry, for a file that does not exist
        data[column].append("other.toml" if column == "name" else data[column][0])
    first, packed, shown = dump_index(data, keys=keys).split("\n", 2)
    if name is not None:
        first = json.dumps(dict(json.loads(first), name=name))
    index_path(store).write_bytes("\n".join((first, packed, shown)).encode())
    good, broken = store.list()
    assert [(s.title, s.severity, s.status) for s in good] == [
        ("The real title", "unknown", "investigating")
    ]
    assert broken == []
    rebuilt = indexed(store)
    assert list(rebuilt) == [path.name]
    assert rebuilt[path.name]["title"] == "The real title"
    assert rebuilt[path.name]["severity"] == "unknown"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not json",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"about": 1}',
        b'{"name": []}',
    ],
)
def test_an_unreadable_index_is_ignored(store: SessionStore, content: bytes) -> None:
    path = saved(store, "Still listed")
    store.cache_dir.mkdir(mode=0o700)
    index_path(store).write_bytes(content)
    assert rows(store)[0][1:3] == (path, "Still listed")
    assert indexed(store)[path.name]["title"] == "Still listed"


def test_an_index_of_another_directory_or_version_is_ignored(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved(store, "Mine")
    data = forge(store, path, title="Forged")
    for about in ({"sessions_dir": "/elsewhere"}, {"version": "0.0.1"}, {"format": 0}):
        forged = dict(data, about=dict(data["about"], **about))  # type: ignore[call-overload]
        index_path(store).write_text(dump_index(forged))
        assert rows(store)[0][2] == "Mine", about


def test_an_index_readable_by_others_or_through_a_symlink_is_not_read(
    store: SessionStore, tmp_path: Path
) -> None:
    path = saved(store, "Mine")
    forged = dump_index(forge(store, path, title="Forged"))
    index = index_path(store)
    index.write_text(forged)
    index.chmod(0o644)
    assert rows(store)[0][2] == "Mine"
    elsewhere = tmp_path / "planted.json"
    elsewhere.write_text(forged)
    elsewhere.chmod(0o600)
    index.unlink()
    index.symlink_to(elsewhere)
    assert rows(store)[0][2] == "Mine"
    # The link itself was replaced by our own file; what it pointed to is untouched.
    assert stat.S_ISREG(os.lstat(index).st_mode)
    assert elsewhere.read_text() == forged


def test_an_index_that_cannot_be_written_changes_nothing(store: SessionStore) -> None:
    path = saved(store, "Listed anyway")
    store.cache_dir.mkdir(mode=0o700)
    index_path(store).mkdir()  # a directory where the index goes
    assert rows(store)[0][1:3] == (path, "Listed anyway")
    assert index_path(store).is_dir()


def test_list_shows_an_indexed_title_sanitized_like_a_parsed_one(
    store: SessionStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = saved(store, "Evil \x1b]52;c;ZXZpbA==\x07 title\u202e")
    assert cli.main(["list"]) == 0
    from_file = capsys.readouterr().out
    assert indexed(store)[path.name]["title"] == "Evil \x1b]52;c;ZXZpbA==\x07 title\u202e"
    assert cli.main(["list"]) == 0
    from_index = capsys.readouterr().out
    assert from_index == from_file
    assert "\x1b" not in from_index and "\u202e" not in from_index
    assert "Evil" in from_index


def test_latest_is_what_list_puts_first_from_the_index_or_not(store: SessionStore) -> None:
    paths = [saved(store, f"Incident {n}") for n in range(4)]
    same = store.load(paths[1])
    same.updated_at = store.load(paths[2]).updated_at  # a tie: the larger id wins, as in list
    store.save(same, touch=False)
    age(paths[1])
    good, _ = store.list()
    assert store.latest() == good[0].path  # from the index
    index_path(store).unlink()
    assert store.latest() == good[0].path  # parsed
    paths[0].unlink()
    assert store.latest() == store.list()[0][0].path


def test_resume_picks_the_latest_from_the_index_parsing_nothing_and_writing_nothing(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`resume` without an id runs this before its first frame, over every file of the store:
    with the index up to date it costs one stat per file, and only the chosen file is read (by
    the caller, through the safe reader)."""
    paths = [saved(store, f"Incident {n}") for n in range(3)]
    expected = store.list()[0][0].path
    written = os.stat(index_path(store)).st_mtime_ns
    session = store.load(paths[0])
    later = store.load(paths[2]).updated_at + timedelta(minutes=1)
    parsed = count_parses(monkeypatch)
    assert store.latest() == expected
    assert parsed == []
    assert os.stat(index_path(store)).st_mtime_ns == written
    session.title = "Edited since the listing"
    session.updated_at = later
    store.save(session, touch=False)
    age(paths[0])
    assert store.latest() == paths[0]  # saved last: the newest now
    assert parsed == [paths[0]]  # the one file the index no longer describes


def test_resume_without_an_id_reads_the_file_it_opens_once(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The incident resumed is usually the one edited last, saved since the index was written:
    choosing it parses it, and the wizard opens on that parse instead of a second one (a big
    log costs its parse once before the first frame)."""
    import gc
    import sys

    import tui.ui.app

    paths = [saved(store, f"Incident {n}") for n in range(3)]
    rows(store)  # the index is written
    session = store.load(paths[0])
    session.updated_at = store.load(paths[2]).updated_at + timedelta(minutes=1)
    store.save(session, touch=False)
    age(paths[0])
    opened: dict[str, object] = {}

    def run_tui(_store: SessionStore, **kwargs: object) -> int:
        opened.update(kwargs)
        gc.enable()  # as the app does after its first frame
        return 0

    monkeypatch.setattr(tui.ui.app, "run_tui", run_tui)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    parsed = count_parses(monkeypatch)
    assert cli.main(["resume"]) == 0
    assert opened["path"] == paths[0]
    assert isinstance(opened["session"], Session)
    assert opened["session"].title == "Incident 0"
    assert parsed == [paths[0]]


def test_resume_leaves_the_index_for_the_one_file_it_opens_and_builds_a_missing_one(
    store: SessionStore,
) -> None:
    """Rewriting 10,000 entries for the incident being opened, whose next save makes its entry
    stale again, would only delay the first frame; an index missing many files is written."""
    paths = [saved(store, f"Incident {n}") for n in range(3)]
    rows(store)
    written = os.stat(index_path(store)).st_mtime_ns
    session = store.load(paths[0])
    session.updated_at = store.load(paths[2]).updated_at + timedelta(minutes=1)
    store.save(session, touch=False)
    age(paths[0])
    opened = store.latest_opened()
    assert opened is not None and opened[0] == paths[0]
    assert os.stat(index_path(store)).st_mtime_ns == written
    assert rows(store)[0][1] == paths[0]  # a listing brings it up to date
    assert indexed(store)[paths[0].name]["updated"] == store_index.micros(session.updated_at)
    index_path(store).unlink()
    assert store.latest_opened() is not None
    assert sorted(indexed(store)) == sorted(p.name for p in paths)
