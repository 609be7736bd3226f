"""Pilot tests of the story's lists in the wizard: the Timeline step, change items and
hypotheses on the Changes step, the status, Review, and entries `incident-tui note` appends to
an incident open here."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from incident_demo import NOW, checkout_session, story_session
from textual.widgets import Select, Static
from ui_helpers import notifications, settle, wizard

from tui.cli import main as cli_main
from tui.core.list_schema import TIME_FORMAT
from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.screens.dialogs import ConfirmDialog
from tui.ui.screens.list_commands import ListCommands
from tui.ui.widgets.choice_badge import ChoiceBadge
from tui.ui.widgets.item_row import ItemInput, ItemRow
from tui.ui.widgets.title_bar import IncidentTitle

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]
STAMP = NOW.strftime(TIME_FORMAT)


def on_disk(app: IncidentApp) -> dict[str, Any]:
    path = wizard(app).session.path
    assert path is not None
    return tomllib.loads(path.read_text(encoding="utf-8"))


def rows(app: IncidentApp, table: str) -> list[ItemRow]:
    found = wizard(app).item_list(table)
    assert found is not None
    return found.rows


def keys(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def test_ctrl_l_adds_an_entry_stamped_now_from_any_step_ready_to_type_and_saved(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = wizard(app)
        assert screen.current_step == "context"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert screen.current_step == "timeline"
        focused = app.focused
        assert isinstance(focused, ItemInput) and focused.key == "text"
        await pilot.press(*keys("restarted db1 twice"))
        await settle(pilot, 0.4)
        assert not screen.dirty
        assert on_disk(app)["timeline"] == [
            {"at": STAMP, "kind": "note", "text": "restarted db1 twice"}
        ]
        # From another step too: a second entry, below the first.
        await pilot.press("f7", "ctrl+l")
        await settle(pilot)
        assert screen.current_step == "timeline"
        await pilot.press(*keys("db2 caught up"))
        await settle(pilot, 0.4)
        assert [e["text"] for e in on_disk(app)["timeline"]] == [
            "restarted db1 twice",
            "db2 caught up",
        ]
        assert [r.item["text"] for r in rows(app, "timeline")] == [
            "restarted db1 twice",
            "db2 caught up",
        ]


async def test_an_entry_is_edited_kind_cycled_outcome_typed_and_plain_keys_stay_text(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        # t, s and d act on an item only from its badge: in a field they are typed.
        await pilot.press(*keys("raised max_wal_senders; sd t"))
        await pilot.press(
            "ctrl+y", "ctrl+y", "ctrl+y"
        )  # note -> detected -> acknowledged -> action
        # Under the text: its time, replaced by a free-text one, and the outcome.
        await pilot.press("tab")
        focused = app.focused
        assert isinstance(focused, ItemInput) and focused.key == "at"
        await pilot.press("ctrl+u", *keys("~14:05"), "tab")
        focused = app.focused
        assert isinstance(focused, ItemInput) and focused.key == "outcome"
        await pilot.press(*keys("no change"))
        await settle(pilot, 0.4)
        assert on_disk(app)["timeline"] == [
            {
                "at": "~14:05",
                "kind": "action",
                "text": "raised max_wal_senders; sd t",
                "outcome": "no change",
            }
        ]
        badge = rows(app, "timeline")[0].badge
        assert badge is not None and badge.value == "action"
        assert "◆ action" in str(badge.render())


async def test_on_the_badge_t_restamps_s_sorts_by_time_and_free_text_times_stay(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = story_session(store)
    # Out of order: the 14:20 action first.
    timeline = session.items("timeline")
    timeline.insert(0, timeline.pop(2))
    store.save(session, touch=False)
    app = make_app(start="resume", path=session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        first = rows(app, "timeline")[0]
        assert first.item["text"] == "Restarted checkout-api pods"
        assert first.badge is not None
        first.badge.focus()
        await pilot.press("s")
        await settle(pilot, 0.4)
        assert [e["at"] for e in on_disk(app)["timeline"]] == [
            "2026-11-29 14:08",
            "2026-11-29 14:12",
            "2026-11-29 14:20",
            "~14:25",
        ]
        # The focus stayed with the entry, on its badge, now third.
        row = wizard(app).focused_row()
        assert row is not None and row.item["text"] == "Restarted checkout-api pods"
        assert isinstance(app.focused, ChoiceBadge)
        # Re-stamp the free-text one.
        last = rows(app, "timeline")[-1]
        assert last.badge is not None
        last.badge.focus()
        await pilot.press("t")
        await settle(pilot, 0.4)
        assert on_disk(app)["timeline"][-1]["at"] == STAMP
        shown = last.input_of("at")
        assert shown is not None and shown.value == STAMP


async def test_delete_asks_first_keep_is_the_default_and_delete_removes_and_saves(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = story_session(store)
    app = make_app(start="resume", path=session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        second = rows(app, "timeline")[1]
        assert second.badge is not None
        second.badge.focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # a reflex Enter keeps it
        await settle(pilot, 0.4)
        assert len(on_disk(app)["timeline"]) == 4
        second.badge.focus()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot, 0.4)
        texts = [e["text"] for e in on_disk(app)["timeline"]]
        assert "Ana on call, incident channel opened" not in texts and len(texts) == 3
        assert len(rows(app, "timeline")) == 3
        heading = app.screen.query_one("#list-timeline .item-list-title", Static)
        assert "3 entries" in str(heading.render())


async def test_changes_and_hypotheses_are_added_cycled_and_saved(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = wizard(app)
        await screen.run_action("add_item('changes')")  # the palette's "Add change"
        await settle(pilot)
        assert screen.current_step == "changes"
        focused = app.focused
        assert isinstance(focused, ItemInput) and focused.key == "what"
        await pilot.press(*keys("deploy 4711"), "ctrl+y")  # unknown -> suspect
        await pilot.press("tab", *keys("PR 12"), "tab", "tab", *keys("adds the column"))
        # f12 in the hypotheses list adds a hypothesis there.
        await screen.run_action("add_item('hypotheses')")
        await settle(pilot)
        await pilot.press(*keys("migration not applied"), "ctrl+y")  # open -> ruled-out
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press(*keys("db overloaded"))
        await settle(pilot, 0.4)
        data = on_disk(app)
        assert data["changes"] == [
            {"what": "deploy 4711", "ref": "PR 12", "relation": "suspect", "why": "adds the column"}
        ]
        assert data["hypotheses"] == [
            {"text": "migration not applied", "status": "ruled-out"},
            {"text": "db overloaded", "status": "open"},
        ]
        # The free-text field is still there, beside the items.
        assert screen.editor("recent_changes") is not None


async def test_set_status_from_the_palette_chooses_it_and_the_top_bar_shows_it(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*keys("Set status"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert wizard(app).current_step == "timeline"
        select = app.screen.query_one("#status-select", Select)
        assert select.expanded
        await pilot.press("down", "down", "enter")  # investigating -> monitoring
        await settle(pilot, 0.4)
        assert on_disk(app)["status"] == "monitoring"
        title = app.screen.query_one(IncidentTitle)
        assert "monitoring" in str(title.render())


async def test_review_shows_the_status_and_every_list_readable(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = story_session(store)
    app = make_app(start="resume", path=session.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        story = str(app.screen.query_one("#review-story", Static).render())
        assert "Status identified" in story
        assert "Timeline  4" in story and "Changes  2" in story and "Hypotheses  2" in story
        assert "Restarted checkout-api pods · no change: 500s at 31%" in story
        assert "dismissed" in story and "staging only" in story
        assert "ruled-out" in story and "Database overloaded" in story


async def test_an_answer_from_another_terminal_is_not_announced_as_a_note(
    make_app: MakeApp, store: SessionStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(ListCommands, "DISK_CHECK_INTERVAL", 0.1)
    session = checkout_session(store)
    assert session.path is not None
    answer = tmp_path / "answer.md"
    answer.write_text("## Root cause\nThe 14:05 deploy dropped the pool size.\n", "utf-8")
    app = make_app(start="resume", path=session.path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        monkeypatch.setenv("INCIDENT_TUI_HOME", str(store.home))
        assert cli_main(["answer", str(session.path), str(answer)]) == 0
        await settle(pilot, 0.4)
        told = [n for n in notifications(app) if "another writer" in n]
        assert told, notifications(app)
        assert not any("incident-tui note" in n for n in told), told


async def test_a_note_from_another_terminal_shows_in_the_open_wizard_and_both_are_saved(
    make_app: MakeApp, store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ListCommands, "DISK_CHECK_INTERVAL", 0.1)
    session = checkout_session(store)
    assert session.path is not None
    app = make_app(start="resume", path=session.path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l", *keys("ours"))
        await settle(pilot, 0.4)
        # A second terminal, while the wizard holds the incident.
        monkeypatch.setenv("INCIDENT_TUI_HOME", str(store.home))
        assert cli_main(["note", str(session.path), "theirs", "--kind", "observation"]) == 0
        await settle(pilot, 0.4)
        assert [r.item["text"] for r in rows(app, "timeline")] == ["ours", "theirs"]
        assert any("another writer" in n for n in notifications(app))
        assert not wizard(app).dirty  # the file has it already
        # The wizard's own edit next: the file keeps both, once each.
        first = rows(app, "timeline")[0].input_of("outcome")
        assert first is not None
        first.focus()
        await pilot.press(*keys("ok"))
        await settle(pilot, 0.4)
        data = on_disk(app)
        assert [(e["text"], e.get("outcome")) for e in data["timeline"]] == [
            ("ours", "ok"),
            ("theirs", None),
        ]
        assert sorted(p.name for p in store.sessions_dir.glob("*.toml")) == [session.path.name]


async def test_quit_right_after_typing_in_an_entry_saves_the_text(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        screen = wizard(app)
        path = screen.session.path
        focused = app.focused
        assert isinstance(focused, ItemInput)
        # On screen, but the message that reports it has not arrived when quit runs.
        focused.value = "typed just before ctrl+q"
        await app.action_quit()
    assert path is not None
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    assert data["timeline"][0]["text"] == "typed just before ctrl+q"


async def test_the_question_and_the_agent_scope_are_on_the_timeline_step_and_never_unknown(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = wizard(app)
        review_count = screen.unknown_count("review")
        await pilot.press("f6")
        await settle(pilot)
        question = screen.editor("question")
        scope = screen.editor("agent_scope")
        assert question is not None and scope is not None
        assert not question.has_class("-unknown")  # blank, and still not an unknown
        question.focus_input()
        await pilot.press(*keys("is it safe to wipe the replica?"))
        scope.focus_input()
        await pilot.press(*keys("read only"))
        await settle(pilot, 0.4)
        fields = on_disk(app)["fields"]
        assert fields["question"] == "is it safe to wipe the replica?"
        assert fields["agent_scope"] == "read only"
        assert screen.unknown_count("review") == review_count


async def test_list_keys_leave_a_field_its_own_redo_and_an_entry_its_delete_key(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = wizard(app)
        await screen.focus_field("incident_summary")
        await pilot.press(*keys("db down"), "ctrl+z")
        assert screen.session.get("incident_summary") != "db down"
        await pilot.press("ctrl+y")  # the editor's redo, not "cycle"
        await pilot.pause()
        assert screen.session.get("incident_summary") == "db down"
        # In an entry's text, Delete and d edit the text; no item is asked about.
        await pilot.press("ctrl+l", *keys("abd"), "left", "delete")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert [r.item["text"] for r in rows(app, "timeline")] == ["ab"]


async def test_the_question_is_found_on_the_timeline_step_by_jumps_and_loads(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = wizard(app)
        # As 'Load field from file' and undo of 'Clear field' do, before the step was visited.
        await screen.set_field("agent_scope", "the checkout repo, read only")
        await screen.focus_field("question")
        await settle(pilot)
        assert screen.current_step == "timeline"
        question = screen.editor("question")
        assert question is not None and question.input_widget.has_focus
        scope = screen.editor("agent_scope")
        assert scope is not None and scope.value == "the checkout repo, read only"
