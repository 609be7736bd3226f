"""The incident `resume` opens without an id: the one a listing puts first, whatever the state
of the summary index and of the files (tui.core.store.latest_opened, store_index.scan_latest)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from index_file import dump_index, load_index
from store_helpers import leave_half_saves

from tui.core.session import Session, SessionError, SessionStore
from tui.core.store_index import INDEX_NAME

HOUR_NS = 3600 * 10**9
T0 = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


def put(store: SessionStore, id_: str, minutes: int, *, age_hours: int = 1) -> Path:
    """A session file `id_`.toml updated `minutes` after T0, its mtime `age_hours` ago."""
    session = Session(id=id_, title=f"Incident {id_}")
    session.updated_at = T0 + timedelta(minutes=minutes)
    session.path = store.path_for(id_)
    store.ensure_dirs()
    path = store.save(session, touch=False, force=True)
    when = time.time_ns() - age_hours * HOUR_NS
    os.utime(path, ns=(when, when))
    return path


def rewrite(path: Path, minutes: int) -> None:
    """Edit the file in place (same inode), as an editor writing over it would."""
    text = path.read_text(encoding="utf-8")
    start = text.index("updated_at")
    end = text.index("\n", start)
    when = (T0 + timedelta(minutes=minutes)).isoformat()
    with path.open("r+", encoding="utf-8") as f:
        f.write(text[:start] + f'updated_at = "{when}"' + text[end:])
        f.truncate()


def truth(store: SessionStore) -> Path | None:
    """What a listing puts first, from a parse of every file (no index): its names end with
    .toml and do not start with a dot."""
    best: tuple[datetime, str, Path] | None = None
    for name in os.listdir(store.sessions_dir):
        if name.startswith(".") or not name.endswith(".toml"):
            continue
        path = store.sessions_dir / name
        try:
            session = SessionStore(store.home).load(path)
        except SessionError:
            continue
        key = (session.updated_at, path.stem, path)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def index(store: SessionStore) -> Path:
    return store.cache_dir / INDEX_NAME


def listed(store: SessionStore) -> None:
    SessionStore(store.home).list()  # writes the index


def no_index(store: SessionStore) -> None:
    index(store).unlink(missing_ok=True)


def garbage_index(store: SessionStore) -> None:
    listed(store)
    index(store).write_bytes(b"\xff not an index")


def hostile_index(store: SessionStore) -> None:
    """An index with a value no parse gives in a column only shown: not to be trusted."""
    listed(store)
    data = load_index(index(store))
    data["severity"][data["name"].index("20261129-1405-a.toml")] = "pwned"
    index(store).write_text(dump_index(data))


def hostile_times(store: SessionStore) -> None:
    """An index with a time no datetime holds: not to be trusted."""
    listed(store)
    data = load_index(index(store))
    data["updated"][data["name"].index("20261129-1405-a.toml")] = 2**62
    index(store).write_text(dump_index(data))


def edited_in_place(store: SessionStore) -> None:
    listed(store)
    rewrite(store.path_for("20261129-1405-a"), 500)  # the oldest becomes the newest


def edited_in_place_older(store: SessionStore) -> None:
    listed(store)
    rewrite(store.path_for("20261129-1405-c"), -500)  # the newest becomes the oldest


def broken_newest(store: SessionStore) -> None:
    listed(store)
    path = store.path_for("20261129-1405-zzz")
    path.write_text('title = "half a file', encoding="utf-8")
    path.chmod(0o600)


def symlinked(store: SessionStore) -> None:
    listed(store)
    elsewhere = put(store, "elsewhere", 900)
    outside = store.home / "outside.toml"
    os.replace(elsewhere, outside)
    store.path_for("20261129-1405-link").symlink_to(outside)  # followed, as load follows it
    store.path_for("20261129-1405-null").symlink_to(os.devnull)  # not a regular file
    store.path_for("20261129-1405-dir").mkdir()


def hidden_and_other_names(store: SessionStore) -> None:
    listed(store)
    put(store, "20261129-1405-later", 900)
    store.path_for("20261129-1405-later").rename(store.sessions_dir / ".hidden.toml")
    put(store, "20261129-1405-bak", 900)
    store.path_for("20261129-1405-bak").rename(store.sessions_dir / "x.toml.bak")


def tie_at_the_top(store: SessionStore) -> None:
    """Equal times: the larger id wins, as in a listing ("…-c-b" > "…-c", though as file
    names "…-c-b.toml" < "…-c.toml")."""
    put(store, "20261129-1405-c-b", 2)
    listed(store)


def tie_indexed_and_parsed(store: SessionStore) -> None:
    listed(store)
    put(store, "20261129-1405-c-b", 2)  # parsed now; the one it ties with comes from the index


def tie_parsed_and_indexed(store: SessionStore) -> None:
    put(store, "20261129-1405-b-b", 2)
    listed(store)
    rewrite(store.path_for("20261129-1405-a"), 2)  # parsed now, "…-a" < "…-b-b"


def just_saved(store: SessionStore) -> None:
    listed(store)
    put(store, "20261129-1405-now", 5, age_hours=0)  # too recent to be indexed


def another_users_file(store: SessionStore) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    listed(store)
    path = put(store, "20261129-1405-theirs", 700)
    os.chown(path, 4242, 4242)


SCENARIOS: dict[str, Callable[[SessionStore], None]] = {
    f.__name__: f
    for f in (
        listed,
        no_index,
        garbage_index,
        hostile_index,
        hostile_times,
        edited_in_place,
        edited_in_place_older,
        broken_newest,
        symlinked,
        hidden_and_other_names,
        tie_at_the_top,
        tie_indexed_and_parsed,
        tie_parsed_and_indexed,
        just_saved,
        another_users_file,
    )
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_resume_opens_what_a_listing_puts_first(store: SessionStore, scenario: str) -> None:
    for id_, minutes in (("a", 0), ("b", 1), ("c", 2)):
        put(store, f"20261129-1405-{id_}", minutes)
    SCENARIOS[scenario](store)
    expected = truth(store)
    assert expected is not None
    assert SessionStore(store.home).latest() == expected
    opened = SessionStore(store.home).latest_opened()
    assert opened is not None
    assert opened[0] == expected
    assert opened[1].id == expected.stem
    assert SessionStore(store.home).list()[0][0].path == expected


def test_resume_with_only_broken_files_opens_nothing(store: SessionStore) -> None:
    store.ensure_dirs()
    store.path_for("broken").write_text("= not toml", encoding="utf-8")
    assert SessionStore(store.home).latest_opened() is None
    assert SessionStore(store.home).latest() is None


def test_old_temp_files_go_after_choosing_the_latest_and_fresh_ones_stay(
    store: SessionStore,
) -> None:
    """The cleanup after the choice uses the names the choice listed, once."""
    path = put(store, "20261129-1405-a", 0)
    listed(store)
    old, fresh = leave_half_saves(store, path)
    opened = store.latest_opened()
    assert opened is not None and opened[0] == path
    later = path.parent / f".{path.name}.Later.tmp"  # after the choice listed the directory
    later.write_text("title = 'half a save", encoding="utf-8")
    hour_ago = time.time() - store.STALE_TEMP_SECONDS - 60
    os.utime(later, (hour_ago, hour_ago))
    assert store.remove_stale_temp_files() == 1
    assert not old.exists() and fresh.exists() and later.exists()
    assert store.remove_stale_temp_files() == 1  # the next one lists the directory again
    assert not later.exists() and fresh.exists() and path.exists()


def names_and_titles(store: SessionStore) -> dict[str, str]:
    data = load_index(index(store))
    return dict(zip(data["name"], data["title"], strict=True))


def test_resume_rewriting_the_index_keeps_the_entries_it_chose_without(
    store: SessionStore,
) -> None:
    """`resume` reads of the index only what chooses; when it rewrites the index (two files or
    more parsed), the entries it kept have their shown columns all the same."""
    for id_, minutes in (("a", 0), ("b", 1), ("c", 2)):
        put(store, f"20261129-1405-{id_}", minutes)
    listed(store)
    before = names_and_titles(store)
    written = os.stat(index(store)).st_mtime_ns
    put(store, "20261129-1405-d", 3)
    put(store, "20261129-1405-e", 4)
    opened = store.latest_opened()
    assert opened is not None and opened[0] == store.path_for("20261129-1405-e")
    assert os.stat(index(store)).st_mtime_ns != written
    assert names_and_titles(store) == dict(
        before,
        **{"20261129-1405-d.toml": "Incident 20261129-1405-d"},
        **{"20261129-1405-e.toml": "Incident 20261129-1405-e"},
    )


def test_resume_never_writes_back_shown_columns_it_cannot_trust(store: SessionStore) -> None:
    for id_, minutes in (("a", 0), ("b", 1), ("c", 2)):
        put(store, f"20261129-1405-{id_}", minutes)
    hostile_index(store)
    put(store, "20261129-1405-d", 3)
    put(store, "20261129-1405-e", 4)
    opened = store.latest_opened()
    assert opened is not None and opened[0] == store.path_for("20261129-1405-e")
    data = load_index(index(store))
    assert "pwned" not in data["severity"]
    assert sorted(data["name"]) == ["20261129-1405-d.toml", "20261129-1405-e.toml"]
    good, broken = SessionStore(store.home).list()
    assert broken == [] and [s.id[-1] for s in good] == ["e", "d", "c", "b", "a"]
    assert len(load_index(index(store))["name"]) == 5
