"""No fault of disk or process loses a saved incident, and no change on disk is clobbered."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest
from store_helpers import leave_half_saves

from tui.core.lock import SessionLock
from tui.core.session import SessionConflict, SessionStore


def saved_session(store: SessionStore, summary: str = "original") -> Path:
    session = store.create("disk")
    session.set("incident_summary", summary)
    return store.save(session)


@pytest.mark.parametrize(
    ("err", "where"),
    [(errno.ENOSPC, "os.fsync"), (errno.EACCES, "tempfile.mkstemp"), (errno.EROFS, "os.replace")],
)
def test_a_failed_save_keeps_the_old_file_and_the_edit_in_memory(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch, err: int, where: str
) -> None:
    path = saved_session(store)
    before = path.read_bytes()
    session = store.load(path)
    session.set("incident_summary", "the edit that must not be lost")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(where, fail)
    with pytest.raises(OSError) as caught:
        store.save(session)
    assert caught.value.errno == err
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []
    assert session.get("incident_summary") == "the edit that must not be lost"
    store.save(session)  # the disk is back: the edit lands
    assert store.load(path).get("incident_summary") == "the edit that must not be lost"


def test_a_file_changed_on_disk_is_not_clobbered(store: SessionStore) -> None:
    path = saved_session(store)
    session = store.load(path)
    time.sleep(0.01)
    path.write_text(path.read_text(encoding="utf-8").replace("original", "edited elsewhere"))
    session.set("incident_summary", "mine")
    with pytest.raises(SessionConflict, match="changed on disk"):
        store.save(session)
    assert "edited elsewhere" in path.read_text(encoding="utf-8")
    copy = store.save_copy(session)
    assert copy != path
    assert store.load(copy).get("incident_summary") == "mine"
    assert "edited elsewhere" in path.read_text(encoding="utf-8")


def test_saving_a_snapshot_copy_does_not_look_like_a_conflict(store: SessionStore) -> None:
    import dataclasses

    path = saved_session(store)
    session = store.load(path)
    for n in range(3):
        session.set("incident_summary", f"edit {n}")
        store.save(dataclasses.replace(session, fields=dict(session.fields)))
    assert store.load(path).get("incident_summary") == "edit 2"


def test_a_file_deleted_while_open_is_written_again(store: SessionStore) -> None:
    path = saved_session(store)
    session = store.load(path)
    path.unlink()
    session.set("incident_summary", "still here")
    store.save(session)
    assert store.load(path).get("incident_summary") == "still here"


def test_a_second_instance_cannot_take_the_lock_until_the_first_dies(
    store: SessionStore, tmp_path: Path
) -> None:
    path = saved_session(store)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from tui.core.lock import SessionLock\n"
            f"lock = SessionLock(Path({str(path)!r}))\n"
            "assert lock.acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        second = SessionLock(path)
        assert not second.acquire()
        assert f"pid {holder.pid}" in second.holder()
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        # The dead process's lock file is still there, but it no longer locks anything.
        assert second.path.exists()
        assert second.acquire()
        second.release()
    finally:
        holder.kill()
        holder.wait(10)


def test_kill_9_during_a_save_loop_leaves_a_valid_file(store: SessionStore) -> None:
    path = saved_session(store)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from tui.core.session import SessionStore
        store = SessionStore(Path({str(store.home)!r}))
        session = store.load(Path({str(path)!r}))
        n = 0
        while True:
            n += 1
            session.set("error_logs", f"iteration {{n}}\\n" + "log line\\n" * (n % 5000))
            store.save(session, force=True)
            if n == 3:
                print("saving", flush=True)
        """
    )
    for _ in range(3):
        loop = subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        assert loop.stdout is not None
        assert loop.stdout.readline().strip() == "saving"
        time.sleep(0.3)
        loop.send_signal(signal.SIGKILL)
        loop.wait(10)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        logs = data["fields"]["error_logs"]
        count = int(logs.split()[1])
        assert logs == f"iteration {count}\n" + "log line\n" * (count % 5000)


def test_temp_files_of_saves_that_never_finished_are_removed(store: SessionStore) -> None:
    # A save killed mid-write leaves ".<name>.toml.<random>.tmp": a copy of the incident,
    # secrets included. An old one goes; a fresh one may be another instance's save in flight.
    path = saved_session(store)
    old, fresh = leave_half_saves(store, path)

    assert store.remove_stale_temp_files() == 1
    assert not old.exists()
    assert fresh.exists()
    assert path.exists()  # the incident itself is untouched, whatever its age
    assert store.remove_stale_temp_files(now=time.time() + 2 * store.STALE_TEMP_SECONDS) == 1
    assert not fresh.exists() and path.exists()
