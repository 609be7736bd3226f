"""Another writer's list items (`incident-tui note`) and the open incident's saves, driven
without an app: the items reach the session the UI edits, and no save drops them."""

from __future__ import annotations

from pathlib import Path

from tui.core.model import Item
from tui.core.save_controller import SaveController
from tui.core.session import SessionStore


def saved_incident(store: SessionStore) -> Path:
    session = store.create("replica behind")
    session.add_item("timeline", at="2026-11-29 14:05", kind="detected", text="lag alert")
    return store.save(session)


def note(path: Path, text: str) -> None:
    """What `incident-tui note` does, from a second terminal's own store."""
    other = SessionStore(path.parent.parent)
    session = other.load(path)
    session.add_item("timeline", at="2026-11-29 14:30", kind="observation", text=text)
    other.save(session)


def texts(items: list[Item]) -> list[str]:
    return [str(item.get("text")) for item in items]


def test_a_note_is_seen_by_the_file_check_and_taken_into_the_session_without_a_write(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    controller = SaveController(store.load(path), store)
    assert controller.open() is None
    told: list[dict[str, list[Item]]] = []
    controller.on_merged = told.append
    assert controller.check_disk(path) is False  # nothing new
    note(path, "db2 caught up")
    before = path.read_bytes()
    assert controller.check_disk(path) is True
    added = controller.take_merged()
    assert texts(added["timeline"]) == ["db2 caught up"]
    assert told == [added]
    assert texts(controller.session.items("timeline")) == ["lag alert", "db2 caught up"]
    assert not controller.dirty  # the file has it: nothing to write
    assert path.read_bytes() == before
    assert controller.check_disk(path) is False  # taken once
    controller.close()


def test_a_file_changed_otherwise_is_read_once_and_left_for_the_save_to_find(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    controller = SaveController(store.load(path), store)
    controller.open()
    other = SessionStore(tmp_path)
    theirs = other.load(path)
    theirs.set("incident_summary", "edited elsewhere")
    other.save(theirs)
    assert controller.check_disk(path) is False
    assert controller.take_merged() == {}
    controller.session.set("environment", "prod")
    controller.edited()
    job = controller.job()
    assert controller.finish(job, controller.run(job)) == "moved"  # a copy, as before
    assert other.load(path).get("incident_summary") == "edited elsewhere"
    controller.close()


def test_a_save_of_a_snapshot_taken_before_the_ui_had_the_note_keeps_it(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    path = saved_incident(store)
    controller = SaveController(store.load(path), store)
    controller.open()
    note(path, "db2 caught up")
    # Two edits, each with its save job, both snapshots taken before anyone read the note.
    controller.session.set("environment", "prod")
    controller.edited()
    first = controller.job()
    controller.session.set("rollback_options", "fail back")
    controller.edited()
    second = controller.job()
    # The first save finds the note on disk, merges it, and the UI takes it.
    controller.finish(first, controller.run(first))
    assert texts(controller.session.items("timeline")) == ["lag alert", "db2 caught up"]
    # The second job's snapshot never had it; its save must not drop it from the file.
    controller.finish(second, controller.run(second))
    on_disk = store.load(path)
    assert texts(on_disk.items("timeline")) == ["lag alert", "db2 caught up"]
    assert on_disk.get("rollback_options") == "fail back"
    # The user deletes the note afterwards: a later save does not bring it back.
    del controller.session.items("timeline")[1]
    controller.edited()
    third = controller.job()
    controller.finish(third, controller.run(third))
    assert texts(store.load(path).items("timeline")) == ["lag alert"]
    controller.close()
