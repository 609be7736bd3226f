"""Saving the open incident, driven without an app: edits, late workers, failures, conflicts."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.core.lock import SessionLock
from tui.core.save_controller import SaveController, SaveResult
from tui.core.session import SessionStore


def saved_incident(store: SessionStore) -> Path:
    session = store.create("db down")
    session.set("incident_summary", "card payments fail")
    return store.save(session)


def test_an_edit_is_dirty_until_its_save_is_finished(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    controller = SaveController(store.load(path), store)
    assert controller.open() is None
    assert controller.status.kind == "saved"
    controller.session.set("affected_systems", "checkout")
    controller.edited()
    assert controller.dirty and controller.status.kind == "dirty"
    job = controller.job()
    assert controller.finish(job, controller.run(job)) == "none"  # an autosave says nothing
    assert not controller.dirty and controller.status.kind == "saved"
    assert store.load(path).get("affected_systems") == "checkout"
    controller.close()


def test_a_late_save_of_an_older_edit_changes_nothing(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    controller = SaveController(store.load(path), store)
    controller.open()
    controller.session.set("affected_systems", "old")
    controller.edited()
    older = controller.job()
    controller.session.set("affected_systems", "new")
    controller.edited()
    newer = controller.job()
    controller.finish(newer, controller.run(newer))
    controller.finish(older, controller.run(older))  # its worker finished last
    assert store.load(path).get("affected_systems") == "new"
    assert controller.status.kind == "saved"
    controller.close()


def test_a_failed_save_is_reported_once_and_cleared_by_the_next_success(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    controller = SaveController(store.load(path), store)
    controller.open()
    controller.session.set("affected_systems", "checkout")
    controller.edited()
    job = controller.job()
    failed = SaveResult(error="No space left on device")
    assert controller.finish(job, failed) == "failed"
    assert controller.status.kind == "failed"
    assert controller.status.detail == "No space left on device"
    assert controller.finish(job, failed) == "none"  # the same reason again: told once
    assert controller.dirty
    assert controller.finish(job, controller.run(job)) == "none"
    assert controller.status.kind == "saved"
    controller.close()


def test_a_write_that_fails_becomes_a_reason_not_an_exception(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    controller = SaveController(store.load(path), store)
    controller.open()
    controller.edited()
    shutil.rmtree(path.parent)
    path.parent.write_text("not a directory any more")
    result = controller.run(controller.job())
    assert result.saved is None and result.error
    controller.close()


def test_an_incident_open_elsewhere_is_read_only_and_saves_to_a_copy(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    before = path.read_bytes()
    other = SessionLock(path)
    assert other.acquire()
    try:
        controller = SaveController(store.load(path), store)
        message = controller.open()
        assert message is not None and "read-only" in message
        assert controller.status.kind == "read-only"
        controller.session.set("affected_systems", "checkout")
        controller.edited()
        job = controller.job()
        assert controller.finish(job, controller.run(job)) == "moved"
        assert path.read_bytes() == before
        assert controller.session.path not in (None, path)
        assert controller.status.kind == "saved"
        controller.close()
    finally:
        other.release()


def test_an_explicit_save_writes_an_empty_new_incident(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    controller = SaveController(store.create(""), store)
    controller.open()
    assert controller.status.kind == "new" and not controller.dirty
    assert controller.request_save()
    job = controller.job(announce=True)
    assert controller.finish(job, controller.run(job)) == "saved"
    assert controller.session.path is not None and controller.session.path.exists()
    assert not controller.request_save()  # nothing changed since
    controller.close()
