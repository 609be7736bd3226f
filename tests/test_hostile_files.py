"""Hostile paths: planted symlinks, FIFOs, devices, foreign and world-writable directories.

Nothing here may hang (blocking calls run in a thread with a deadline), follow a planted link,
or raise anything but a one-line IncidentTuiError.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.core.autosave import Saver, snapshot
from tui.core.errors import IncidentTuiError
from tui.core.lock import SessionLock, lock_path
from tui.core.session import SessionError, SessionStore, age_text, default_home, now_utc
from tui.core.textfile import TextFileError, read_text_file

NOBODY = 65534
DEADLINE = 5.0


def finishes(call: Callable[[], Any], unblock: Path | None = None) -> Any:
    """call() in a thread; fails the test if it has not returned within DEADLINE seconds.

    `unblock` is a FIFO opened for writing on a timeout, so a reader stuck in open() goes."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    if thread.is_alive():
        if unblock is not None:
            with contextlib.suppress(OSError):
                os.close(os.open(unblock, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"still blocked after {DEADLINE}s")
    if "error" in result:
        raise result["error"]
    return result.get("value")


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def saved(store: SessionStore, title: str = "disk", summary: str = "original") -> Path:
    session = store.create(title)
    session.set("incident_summary", summary)
    return store.save(session)


# --- the lock (issue 9, item 1 and item 4) ---------------------------------------------------


@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
def test_a_lock_file_planted_as_a_symlink_is_refused_and_its_target_untouched(
    store: SessionStore, tmp_path: Path, dangling: bool
) -> None:
    path = saved(store)
    target = tmp_path / "bashrc"
    if not dangling:
        target.write_text("export PATH=/usr/bin\n")
    lock_path(path).symlink_to(target)
    with pytest.raises(IncidentTuiError, match="symlink"):
        SessionLock(path).acquire()
    if dangling:
        assert not target.exists()
    else:
        assert target.read_text() == "export PATH=/usr/bin\n"


def test_a_lock_path_that_is_a_directory_is_a_clean_error(store: SessionStore) -> None:
    path = saved(store)
    lock_path(path).mkdir()
    with pytest.raises(IncidentTuiError, match="directory"):
        SessionLock(path).acquire()


def test_a_lock_file_of_another_user_is_refused_and_not_truncated(store: SessionStore) -> None:
    path = saved(store)
    lock = lock_path(path)
    lock.write_text("pid 1 on their-host\n")
    os.chown(lock, NOBODY, NOBODY)
    with pytest.raises(IncidentTuiError, match="another user"):
        SessionLock(path).acquire()
    assert lock.read_text() == "pid 1 on their-host\n"


def test_a_lock_holder_that_is_a_fifo_does_not_hang(store: SessionStore) -> None:
    path = saved(store)
    os.mkfifo(lock_path(path))
    assert finishes(SessionLock(path).holder, unblock=lock_path(path)) == "unknown"


@pytest.mark.parametrize("problem", ["directory", "symlink", "other-user", "read-only-dir"])
def test_a_session_that_cannot_be_locked_opens_read_only_and_edits_go_to_a_copy(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    colleague = tmp_path / "shared"
    colleague.mkdir()
    path = colleague / "incident.toml"
    path.write_text('schema_version = 1\ntitle = "theirs"\n')
    lock = lock_path(path)
    if problem == "directory":
        lock.mkdir()
    elif problem == "symlink":
        lock.symlink_to(tmp_path / "elsewhere")
    elif problem == "other-user":
        lock.write_text("")
        os.chown(lock, NOBODY, NOBODY)
    else:  # root ignores directory modes, so EACCES is what a read-only directory gives others
        real_open = os.open

        def no_create(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if Path(file) == lock and flags & os.O_CREAT:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", no_create)
    session = store.load(path)
    saver = Saver(store)
    reason = saver.open(path)
    assert reason is not None and str(lock) in reason
    message = saver.read_only_message()
    assert message is not None and "read-only" in message and "cannot be locked" in message
    session.set("incident_summary", "my edit")
    saved_to = saver.save(snapshot(session), 1)
    assert saved_to is not None and saved_to.path.parent == store.sessions_dir
    assert path.read_text() == 'schema_version = 1\ntitle = "theirs"\n'
    assert store.load(saved_to.path).get("incident_summary") == "my edit"
    saver.close()


# --- the home and its directories (issue 9, items 4 and 7) -----------------------------------


def test_every_directory_is_created_0700_even_under_umask_000(tmp_path: Path) -> None:
    home = tmp_path / "a" / "b" / "home"
    with umask(0):
        SessionStore(home).ensure_dirs()
    for directory in (tmp_path / "a", tmp_path / "a" / "b", home, home / "sessions"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


def test_a_world_writable_home_is_refused_with_one_line(store: SessionStore) -> None:
    store.home.mkdir()
    os.chmod(store.home, 0o777)
    with pytest.raises(IncidentTuiError) as caught:
        store.ensure_dirs()
    assert str(store.home) in str(caught.value) and "\n" not in str(caught.value)
    assert "writable by group or others" in str(caught.value)
    assert not store.sessions_dir.exists()


def test_a_home_owned_by_another_user_is_refused(store: SessionStore) -> None:
    store.home.mkdir(mode=0o700)
    os.chown(store.home, NOBODY, NOBODY)
    with pytest.raises(IncidentTuiError, match="another user"):
        store.ensure_dirs()


def test_a_sessions_symlink_is_refused_and_its_target_not_chmodded(
    store: SessionStore, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chmod(elsewhere, 0o755)
    store.home.mkdir(mode=0o700)
    store.sessions_dir.symlink_to(elsewhere)
    with pytest.raises(IncidentTuiError, match="symlink"):
        store.ensure_dirs()
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755
    good, broken = store.list()
    assert good == [] and len(broken) == 1 and "symlink" in broken[0].reason


def test_a_new_incident_in_an_unusable_home_opens_read_only(store: SessionStore) -> None:
    store.home.parent.mkdir(exist_ok=True)
    store.home.write_text("not a directory")
    session = store.create("")  # must not raise: the wizard opens on it
    saver = Saver(store)
    reason = saver.open(session.path)
    assert reason is not None and str(store.home) in reason
    message = saver.read_only_message()
    assert message is not None and "read-only" in message
    session.set("incident_summary", "typed anyway")
    with pytest.raises(IncidentTuiError):
        saver.save(snapshot(session), 1)


def test_a_relative_xdg_data_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INCIDENT_TUI_HOME", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    assert default_home() == Path.home() / ".local" / "share" / "incident-tui"
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    assert default_home() == Path("/srv/data/incident-tui")


# --- reading: FIFOs, devices, bad files (issue 9, item 5) ------------------------------------


BAD_FILES: dict[str, str] = {
    "deep-nesting": "schema_version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n",
    "date-beyond-utc": "schema_version = 1\nupdated_at = 9999-12-31T23:59:59-12:00\n",
    "date-before-utc": "schema_version = 1\nupdated_at = 0001-01-01T00:00:00+01:00\n",
    "bad-type": "schema_version = 1\ntitle = 3\n",
    "not-utf8": "\udcff",
}


def plant_bad_files(sessions: Path) -> list[Path]:
    sessions.mkdir(parents=True, exist_ok=True)
    planted = []
    for name, text in BAD_FILES.items():
        path = sessions / f"{name}.toml"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        planted.append(path)
    loop = sessions / "loop.toml"
    loop.symlink_to(loop)
    (sessions / "dir.toml").mkdir()
    fifo = sessions / "fifo.toml"
    os.mkfifo(fifo)
    return [*planted, loop, sessions / "dir.toml", fifo]


def test_one_bad_file_never_hides_the_good_ones(store: SessionStore) -> None:
    good = saved(store, "the good one")
    bad = plant_bad_files(store.sessions_dir)
    summaries, broken = finishes(store.list, unblock=store.sessions_dir / "fifo.toml")
    assert [s.path for s in summaries] == [good]
    assert sorted(b.path for b in broken) == sorted(bad)
    assert all(b.reason and "\n" not in b.reason for b in broken)
    fifo = next(b for b in broken if b.path.name == "fifo.toml")
    assert "FIFO" in fifo.reason


def test_a_fifo_session_file_is_refused_at_once(store: SessionStore, tmp_path: Path) -> None:
    fifo = tmp_path / "x.toml"
    os.mkfifo(fifo)
    with pytest.raises(SessionError, match="not a regular file"):
        finishes(lambda: store.load(fifo), unblock=fifo)


def test_loading_a_field_from_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "log"
    os.mkfifo(fifo)
    with pytest.raises(TextFileError, match="not a regular file"):
        finishes(lambda: read_text_file(fifo), unblock=fifo)


def test_loading_a_field_from_a_symlink_to_dev_zero_reads_nothing(tmp_path: Path) -> None:
    link = tmp_path / "zero.log"
    link.symlink_to("/dev/zero")
    with pytest.raises(TextFileError, match="character device"):
        finishes(lambda: read_text_file(link))


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-be-bom", "utf-32", "utf-8-sig"], ids=lambda e: e
)
def test_a_log_with_a_byte_order_mark_loads_as_text(tmp_path: Path, encoding: str) -> None:
    text = "2026-11-29 14:07 ERROR café ✓ 東京\nsecond line\n"
    raw = (
        b"\xfe\xff" + text.encode("utf-16-be")
        if encoding == "utf-16-be-bom"
        else text.encode(encoding)
    )
    path = tmp_path / "windows.log"
    path.write_bytes(raw)
    assert read_text_file(path) == text


# --- small things (issue 10) -------------------------------------------------------------------


def test_an_age_under_a_minute_reads_well_after_ago() -> None:
    now = now_utc()
    assert f"{age_text(now, now)} ago" == "<1m ago"


def test_the_id_comes_from_the_title_typed_before_the_first_save(store: SessionStore) -> None:
    session = store.create("")
    session.set("title", "Checkout returns 500")
    path = store.save(session)
    assert path.name.endswith("-checkout-returns-500.toml")
    assert session.id == path.stem and session.path == path


def test_the_id_comes_from_the_summary_when_there_is_no_title(store: SessionStore) -> None:
    saver = Saver(store)
    session = store.create("")
    assert saver.open(session.path) is None
    session.set("incident_summary", "Replica lag on db-2\nmore text")
    first = saver.save(snapshot(session), 1)
    assert first is not None and first.path.name.endswith("-replica-lag-on-db-2.toml")
    session.set("severity", "SEV2")  # a later snapshot still names the old provisional path
    second = saver.save(snapshot(session), 2)
    assert second is not None and second.path == first.path
    assert [p.name for p in store.sessions_dir.glob("*.toml")] == [first.path.name]
    saver.close()


def test_an_explicit_title_still_names_the_file(store: SessionStore) -> None:
    session = store.create("SEV1 checkout")
    assert store.save(session).name.endswith("-sev1-checkout.toml")


# --- writing a file the user chose (issue 9, item 6) --------------------------------------------


def test_export_onto_the_open_session_or_its_lock_is_refused(
    store: SessionStore, tmp_path: Path
) -> None:
    outside = tmp_path / "incident.notes"  # a session opened by path, whatever its name
    outside.write_text('schema_version = 1\ntitle = "keep me"\n')
    before = outside.read_bytes()
    with pytest.raises(IncidentTuiError, match="session file"):
        store.write_output(outside, b"prompt", open_session=outside)
    assert outside.read_bytes() == before
    lock = lock_path(outside)
    lock.write_text("pid 1 on host\n")
    with pytest.raises(IncidentTuiError, match="session file"):
        store.write_output(lock, b"prompt", open_session=outside)
    store.write_output(tmp_path / "prompt.md", b"prompt", open_session=outside)
    assert (tmp_path / "prompt.md").read_bytes() == b"prompt"
    assert stat.S_IMODE((tmp_path / "prompt.md").stat().st_mode) == 0o600


def test_export_does_not_replace_another_users_file(store: SessionStore, tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.md"
    theirs.write_text("their notes\n")
    os.chown(theirs, NOBODY, NOBODY)
    with pytest.raises(IncidentTuiError, match="another user"):
        store.write_output(theirs, b"prompt")
    assert theirs.read_text() == "their notes\n"


def test_a_session_file_of_another_user_is_not_replaced_edits_go_to_a_copy(
    store: SessionStore, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    theirs = shared / "incident.toml"
    theirs.write_text('schema_version = 1\ntitle = "theirs"\n')
    os.chown(theirs, NOBODY, NOBODY)
    session = store.load(theirs)
    saver = Saver(store)
    assert saver.open(theirs) is None  # the lock beside it is ours to create
    session.set("incident_summary", "my edit")
    saved_to = saver.save(snapshot(session), 1)
    assert saved_to is not None and saved_to.moved_because is not None
    assert "another user" in saved_to.moved_because
    assert theirs.read_text() == 'schema_version = 1\ntitle = "theirs"\n'
    assert store.load(saved_to.path).get("incident_summary") == "my edit"
    saver.close()


def test_a_save_in_pieces_replaces_a_planted_symlink_and_never_writes_its_target(
    store: SessionStore, tmp_path: Path
) -> None:
    """A session with a big log is written in pieces (the log one of its own); the pieces go to a
    temp file created O_EXCL|O_NOFOLLOW, renamed over the path: a symlink planted at the path is
    replaced, its target untouched."""
    session = store.create("checkout 500s")
    session.set("error_logs", "12:00:01 GET /checkout 500\n" * 5_000)
    path = store.save(session)
    victim = tmp_path / "victim"
    victim.write_text("keep me", encoding="utf-8")
    path.unlink()
    path.symlink_to(victim)
    session.set("incident_summary", "an edit elsewhere")
    store.save(session, force=True)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not path.is_symlink()
    assert store.load(path).get("error_logs") == session.get("error_logs")


def test_a_save_in_pieces_refuses_a_fifo_at_the_session_path(store: SessionStore) -> None:
    session = store.create("checkout 500s")
    session.set("error_logs", "12:00:01 GET /checkout 500\n" * 5_000)
    path = store.save(session)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(IncidentTuiError, match="not replaced"):
        store.save(session, force=True)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
