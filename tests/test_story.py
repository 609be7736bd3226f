"""Schema version 2: status, the timeline, change items, hypotheses, the question and the agent's
scope; the migration of version-1 files; `incident-tui note`, and its merge with an open wizard."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.autosave import Saver, snapshot
from tui.core.list_schema import MAX_ITEMS, TABLES, TABLES_BY_KEY
from tui.core.lock import SessionLock
from tui.core.masking import RedactOptions
from tui.core.schema import ALL_FIELDS, FIELDS_BY_KEY, META_FIELDS, STATUSES, is_unknown, unknowns
from tui.core.session import SCHEMA_VERSION, Session, SessionError, SessionStore

# The example of the README's "Session files" section as it stood at version 1.
V1_EXAMPLE = """\
schema_version = 1
title = "Checkout returns 500 after the 14:05 deploy"
severity = "SEV1"            # SEV1 … SEV4, or "unknown"
started_at = "2026-11-29 14:07 UTC"
template = "incident-response"
created_at = 2026-11-29T14:12:03Z
updated_at = 2026-11-29T14:20:44Z

[masking]
emails = true                # mask email addresses on the way out
ips = false                  # mask IP addresses on the way out
unmasked = []                # fingerprints of false positives you un-masked (never the values)

[fields]
incident_summary = "Checkout API returns HTTP 500 for ~30% of requests."
error_logs = '''
Traceback (most recent call last):
...
'''
"""


def in_store(store: SessionStore, name: str, text: str) -> Path:
    store.ensure_dirs()
    path = store.sessions_dir / name
    path.write_text(text, encoding="utf-8")
    return path


def story_session(store: SessionStore) -> Session:
    session = store.create("Replica lag")
    session.set("incident_summary", "db2 replica is 40 minutes behind")
    session.set("status", "Mitigated")
    session.set("question", "Is it safe to wipe the replica's data dir?")
    session.set("agent_scope", "the db-ops repo, read only; never production")
    session.add_item("timeline", at="2026-11-29 14:07", kind="detected", text="lag alert fired")
    session.add_item(
        "timeline",
        at="~14:20",
        kind="action",
        text="raised max_wal_senders, restarted db1 twice",
        outcome="no change",
    )
    session.add_item(
        "changes", when="13:55", what="deploy 4.2.1", ref="PR 812", relation="suspect", why=""
    )
    session.add_item("hypotheses", text="disk full on db2", status="ruled-out", evidence="df: 41%")
    return session


# --- A: the schema is the single source ---------------------------------------------------------


def test_meta_fields_carry_their_kind_choices_and_unknowns() -> None:
    severity = FIELDS_BY_KEY["severity"]
    assert severity.kind == "choice"
    assert severity.choices == ("SEV1", "SEV2", "SEV3", "SEV4", "unknown")
    assert severity.normalize("sev2") == "SEV2"
    assert severity.normalize("  ") == "unknown"
    with pytest.raises(ValueError, match="severity must be one of"):
        severity.normalize("critical")
    assert is_unknown(severity, "unknown") and not is_unknown(severity, "SEV3")
    assert not is_unknown(FIELDS_BY_KEY["title"], "")
    assert [f.key for f in META_FIELDS] == [
        "title",
        "severity",
        "started_at",
        "status",
        "template",
        "digest",
    ]


def test_unknowns_are_counted_in_one_place_and_the_story_fields_never_count() -> None:
    blank = {f.key: "" for f in ALL_FIELDS}
    labels = [f.label for f in unknowns(blank)]
    # The 15 seed variables, the severity and the start time: as before version 2.
    assert len(labels) == 17
    assert "Question for the agent" not in labels and "Agent scope" not in labels
    assert "Status" not in labels
    session = Session(id="x")
    assert [f.key for f in session.unknowns()] == [f.key for f in unknowns(session.values())]


def test_the_session_holds_its_masking_options_as_one_value(store: SessionStore) -> None:
    session = store.create()
    assert session.redact_options() == RedactOptions()
    assert session.set_unmasked("sha256:ab", True)
    assert not session.set_unmasked("sha256:ab", True)  # already un-masked: nothing changes
    assert session.masking.allow == frozenset({"sha256:ab"})
    loaded = store.load(store.save(session))
    assert loaded.masking == session.masking


# --- B1: version 2 and the migration -------------------------------------------------------------


def test_a_version_1_file_opens_renders_and_is_saved_as_version_2_with_nothing_lost(
    store: SessionStore,
) -> None:
    from tui.core.prompt import TemplateLibrary, prompt_for

    path = in_store(store, "20261129-1412-checkout.toml", V1_EXAMPLE)
    before = tomllib.loads(V1_EXAMPLE)
    session = store.load(path)
    assert session.status == "investigating"
    assert session.title == before["title"]
    prompt = prompt_for(session.values(), TemplateLibrary(store.templates_dir), session.template)
    assert "Checkout API returns HTTP 500" in prompt.text
    store.save(session, touch=False)
    after = tomllib.loads(path.read_text(encoding="utf-8"))
    assert after["schema_version"] == SCHEMA_VERSION == 2
    for key, value in before.items():
        if key != "schema_version":
            assert after[key] == value, key
    assert after["status"] == "investigating"
    assert store.load(path).values() == session.values()


def test_a_file_from_a_newer_version_is_refused_and_left_untouched(store: SessionStore) -> None:
    text = V1_EXAMPLE.replace("schema_version = 1", f"schema_version = {SCHEMA_VERSION + 1}")
    path = in_store(store, "newer.toml", text)
    with pytest.raises(SessionError, match="newer incident-tui"):
        store.load(path)
    assert path.read_text(encoding="utf-8") == text


def test_every_list_and_the_new_fields_round_trip_under_their_documented_names(
    store: SessionStore,
) -> None:
    session = story_session(store)
    session.add_item("changes", what="flag flip", relation="dismissed", why="staging only")
    path = store.save(session)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["status"] == "mitigated"
    assert data["fields"]["question"] == "Is it safe to wipe the replica's data dir?"
    assert data["fields"]["agent_scope"].startswith("the db-ops repo")
    assert data["timeline"][1] == {
        "at": "~14:20",
        "kind": "action",
        "text": "raised max_wal_senders, restarted db1 twice",
        "outcome": "no change",
    }
    assert data["changes"][1] == {
        "what": "flag flip",
        "relation": "dismissed",
        "why": "staging only",
    }
    assert data["hypotheses"] == [
        {"text": "disk full on db2", "status": "ruled-out", "evidence": "df: 41%"}
    ]
    assert "[[timeline]]" in path.read_text(encoding="utf-8")
    loaded = store.load(path)
    assert loaded.tables == session.tables
    assert loaded.values() == session.values()


def test_lists_written_by_hand_take_defaults_and_keep_keys_this_version_does_not_know(
    store: SessionStore,
) -> None:
    path = in_store(
        store,
        "hand.toml",
        'schema_version = 2\n[[timeline]]\nat = "14:05"\ntext = "paged"\nby = "ana"\n'
        '[[changes]]\nwhat = "deploy"\nrelation = "SUSPECT"\n'
        '[[hypotheses]]\ntext = "dns"\nscore = [1, 2]\n',
    )
    session = store.load(path)
    assert session.items("timeline") == [
        {"at": "14:05", "text": "paged", "by": "ana", "kind": "note"}
    ]
    assert session.items("changes")[0]["relation"] == "suspect"
    assert session.items("hypotheses")[0]["status"] == "open"
    store.save(session)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["timeline"][0]["by"] == "ana"
    assert data["hypotheses"][0]["score"] == [1, 2]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('timeline = "yesterday"\n', "timeline must be a list of tables"),
        ("timeline = [1, 2]\n", "timeline item 1 must be a table, not int"),
        ("[[timeline]]\ntext = 3\n", "timeline item 1: text must be a string, not int"),
        ('[[timeline]]\nkind = "panic"\n', "timeline item 1: kind must be one of"),
        ('[[changes]]\nrelation = "maybe"\n', "changes item 1: relation must be one of"),
        ('[[hypotheses]]\nstatus = ["open"]\n', "hypotheses item 1: status must be a string"),
        ('status = "on fire"\n', "status must be one of investigating"),
        ("status = 1\n", "status must be a string"),
        ("[fields]\nquestion = 1\n", "fields.question must be a string"),
        ("changes = [" + "{}," * (MAX_ITEMS + 1) + "]\n", f"at most {MAX_ITEMS:,}"),
    ],
)
def test_hostile_lists_are_refused_with_the_file_and_the_reason_and_left_untouched(
    store: SessionStore, content: str, reason: str
) -> None:
    text = "schema_version = 2\n" + content
    path = in_store(store, "hostile.toml", text)
    with pytest.raises(SessionError) as caught:
        store.load(path)
    assert reason in str(caught.value)
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8") == text
    good, broken = store.list()
    assert not good and [b.path for b in broken] == [path]


def test_every_list_is_declared_once_in_the_schema() -> None:
    assert [t.key for t in TABLES] == ["timeline", "changes", "hypotheses", "answers", "checklist"]
    timeline = TABLES_BY_KEY["timeline"].columns_by_key
    assert set(timeline["kind"].choices) == {
        "detected",
        "acknowledged",
        "action",
        "observation",
        "mitigated",
        "resolved",
        "note",
    }
    relation = TABLES_BY_KEY["changes"].columns_by_key["relation"]
    assert set(relation.choices) == {"suspect", "caused", "unrelated", "dismissed", "unknown"}
    assert set(FIELDS_BY_KEY["status"].choices) == set(STATUSES)


# --- B2: `incident-tui note` and the merge --------------------------------------------------------


def test_note_appends_a_timeline_entry_stamped_now_in_utc(
    store: SessionStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = store.save(story_session(store))
    assert main(["note", path.stem, "failed over to us-west"]) == 0
    assert main(["note", str(path), "rolled back 4.2.1", "--kind", "Action", "--at", "~15:02"]) == 2
    assert "invalid choice" in capsys.readouterr().err  # kinds are spelled as documented
    assert main(["note", str(path), "rolled back 4.2.1", "--kind", "action", "--at", "~15:02"]) == 0
    assert "added a timeline entry (action, ~15:02)" in capsys.readouterr().err
    entries = store.load(path).items("timeline")
    assert entries[-2]["text"] == "failed over to us-west"
    assert entries[-2]["kind"] == "note"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", entries[-2]["at"])
    assert entries[-1] == {"at": "~15:02", "kind": "action", "text": "rolled back 4.2.1"}
    assert len(entries) == 4


def test_note_refuses_an_empty_text_and_a_broken_file_in_one_line(
    store: SessionStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = store.save(story_session(store))
    before = path.read_bytes()
    assert main(["note", str(path), "  "]) == 2
    broken = in_store(store, "broken.toml", "schema_version = 2\ntimeline = 3\n")
    assert main(["note", str(broken), "x"]) == 1
    err = capsys.readouterr().err
    assert "TEXT is empty" in err and "timeline must be a list" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    assert broken.read_text(encoding="utf-8") == "schema_version = 2\ntimeline = 3\n"


def test_note_writes_while_another_process_holds_the_lock(store: SessionStore) -> None:
    path = store.save(story_session(store))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from tui.core.lock import SessionLock\n"
            "assert SessionLock(Path(sys.argv[1])).acquire(); print('held', flush=True)\n"
            "time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert not SessionLock(path).acquire()  # really held by the other process
        assert main(["note", str(path), "from the second terminal"]) == 0
    finally:
        holder.kill()
        holder.wait()
    assert store.load(path).items("timeline")[-1]["text"] == "from the second terminal"


def test_an_open_wizard_keeps_its_edits_and_the_note_when_it_saves_next(tmp_path: Path) -> None:
    wizard_store = SessionStore(tmp_path)
    session = story_session(wizard_store)
    saver = Saver(wizard_store)
    assert saver.open(None) is None
    first = saver.save(snapshot(session), generation=1)
    assert first is not None
    path = first.path
    assert saver.open(path) is None  # the wizard holds the lock
    # A second terminal: another process's store, the lock held by the wizard.
    os.environ["INCIDENT_TUI_HOME"] = str(tmp_path)
    try:
        assert main(["note", str(path), "db2 caught up", "--kind", "observation"]) == 0
    finally:
        del os.environ["INCIDENT_TUI_HOME"]
    # The wizard goes on typing, from a session that does not have the note.
    session.set("rollback_options", "fail back to us-east")
    saved = saver.save(snapshot(session), generation=2)
    assert saved is not None
    assert saved.path == path and saved.moved_because is None
    on_disk = SessionStore(tmp_path).load(path)
    assert on_disk.get("rollback_options") == "fail back to us-east"
    texts = [e["text"] for e in on_disk.items("timeline")]
    assert texts.count("db2 caught up") == 1 and len(texts) == 3
    # A later snapshot taken from the wizard's own session still keeps the note.
    session.set("testing_commands", "make smoke")
    assert saver.save(snapshot(session), generation=3) is not None
    again = SessionStore(tmp_path).load(path)
    assert [e["text"] for e in again.items("timeline")] == texts
    merged = saver.take_merged()
    assert [e["text"] for e in merged["timeline"]] == ["db2 caught up"]
    assert sorted(os.listdir(tmp_path / "sessions")) == [f".{path.name}.lock", path.name]
    saver.close()


def test_a_field_changed_on_disk_is_still_a_conflict_saved_as_a_copy(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = story_session(store)
    saver = Saver(store)
    first = saver.save(snapshot(session), generation=1)
    assert first is not None
    other = SessionStore(tmp_path)
    theirs = other.load(first.path)
    theirs.set("incident_summary", "edited elsewhere")
    other.save(theirs)
    session.set("environment", "prod eu-1")
    saved = saver.save(snapshot(session), generation=2)
    assert saved is not None and saved.path != first.path
    assert saved.moved_because is not None
    assert other.load(first.path).get("incident_summary") == "edited elsewhere"
    saver.close()


def test_list_shows_the_status(store: SessionStore, capsys: pytest.CaptureFixture[str]) -> None:
    store.save(story_session(store))
    assert main(["list"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[:3] == ["ID", "SEV", "STATUS"]
    assert row.split()[1:3] == ["unknown", "mitigated"]


def test_the_readme_example_is_a_version_2_file_that_loads_with_every_list(
    store: SessionStore,
) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\nschema_version", 1)[1].split("```", 1)[0]
    example = "schema_version" + example
    session = store.load(in_store(store, "readme.toml", example))
    assert session.status == "mitigated"
    assert [e["kind"] for e in session.items("timeline")] == ["detected", "action"]
    assert session.items("changes")[0]["relation"] == "suspect"
    assert session.items("hypotheses")[0]["status"] == "open"
    assert session.get("agent_scope").endswith("never production")


def test_the_timeline_is_put_in_time_order_and_free_text_times_keep_their_place() -> None:
    from tui.core.story import in_time_order

    entries = [
        {"at": "2026-11-29 14:30", "text": "c"},
        {"at": "~14:05", "text": "free"},
        {"at": "2026-11-29 14:07", "text": "a"},
        {"at": "2026-11-29 14:20 UTC", "text": "b"},
    ]
    assert [e["text"] for e in in_time_order(entries)] == ["a", "free", "b", "c"]


def test_render_on_the_command_line_shows_the_story(
    store: SessionStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = store.save(story_session(store))
    assert main(["note", str(path), "db2 caught up", "--at", "2026-11-29 15:00"]) == 0
    assert main(["render", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Status: mitigated" in out
    assert "- 2026-11-29 15:00 [note] db2 caught up" in out
    assert "Is it safe to wipe the replica's data dir?" in out


def test_the_wizard_render_request_carries_the_lists(store: SessionStore) -> None:
    from tui.core.prompt import TemplateLibrary
    from tui.ui.screens.field_commands import RenderRequest

    session = story_session(store)
    request = RenderRequest(
        session.values(),
        TemplateLibrary(store.templates_dir),
        session.template,
        session.redact_options(),
        session.tables,
    )
    assert "raised max_wal_senders" in request.render().text


def test_fields_lists_the_new_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fields"]) == 0
    keys = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert keys[-5:] == ["status", "question", "agent_scope", "template", "digest"]
    assert len(keys) == 23


def test_a_note_written_while_a_big_save_is_being_serialised_is_not_overwritten(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = story_session(store)
    path = store.save(session)
    real = Session.to_toml_parts

    def slow_to_toml(self: Session) -> list[str]:
        parts = real(self)
        # Meanwhile, a second terminal: `note` (its own store) writes the file.
        other = SessionStore(store.home)
        theirs = other.load(path)
        theirs.add_item("timeline", text="from the second terminal")
        monkeypatch.setattr(Session, "to_toml_parts", real)
        other.save(theirs)
        return parts

    monkeypatch.setattr(Session, "to_toml_parts", slow_to_toml)
    session.set("environment", "prod")
    with pytest.raises(SessionError, match="changed on disk"):
        store.save(session)
    assert store.load(path).items("timeline")[-1]["text"] == "from the second terminal"


def test_note_refuses_a_planted_lock_symlink_and_leaves_the_file_alone(
    store: SessionStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = store.save(story_session(store))
    before = path.read_bytes()
    target = tmp_path / "victim"
    target.write_text("keep me", encoding="utf-8")
    (path.parent / f".{path.name}.lock").symlink_to(target)
    assert main(["note", str(path), "x"]) == 1
    err = capsys.readouterr().err
    assert "symlink" in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert target.read_text(encoding="utf-8") == "keep me"
