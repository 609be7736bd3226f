"""The loop in the wizard: Choose template… (the preview follows, the session remembers), Add
agent answer, the Checklist step (one key cycles and stamps, a note; how to get an answer while
it is empty), Send to agent and Export incident as Markdown."""

from __future__ import annotations

import contextlib
import io
import stat
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList, TextArea
from ui_helpers import notifications, settle, wizard

from tui.cli import main as cli_main
from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.screens.answer_dialogs import AnswerDialog, NoteDialog
from tui.ui.screens.list_commands import ListCommands
from tui.ui.screens.template_chooser import TemplateChooser
from tui.ui.widgets.checklist import ChecklistList
from tui.ui.widgets.checklist_step import ChecklistStep
from tui.ui.widgets.step_list import StepList

pytestmark = pytest.mark.usefixtures("fast_timers")
MakeApp = Callable[..., IncidentApp]

ANSWER = """## Investigation Checklist
- Check the error rate
- Tail the logs

## Rollback Plan
- Roll back to 4.2.0 with password=hunter2-prod-Zx81
"""


def saved_session(store: SessionStore) -> Path:
    session = store.create("Checkout down")
    session.set("incident_summary", "Checkout returns 500")
    return store.save(session)


def file_data(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


async def test_choose_template_previews_each_and_the_session_remembers_the_choice(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_session(store)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        await screen.run_action("choose_template")
        await settle(pilot)
        chooser = app.screen
        assert isinstance(chooser, TemplateChooser)
        options = chooser.query_one("#template-options", OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert names == [
            "follow-up",
            "handoff",
            "incident-response",
            "postmortem",
            "status-update",
            "triage",
        ]
        assert "no logs" in str(options.get_option_at_index(4).prompt)
        options.highlighted = 4  # status-update
        await settle(pilot, 0.2)
        assert screen.rendered is not None and "## Next Update" in screen.rendered.text
        assert screen.session.template == "incident-response"  # not chosen yet
        await pilot.press("enter")
        await settle(pilot, 0.3)
        assert screen.session.template == "status-update"
        assert screen.rendered is not None and "## Next Update" in screen.rendered.text
        screen.action_save()
        await settle(pilot, 0.2)
        assert file_data(path)["template"] == "status-update"
        # Escape goes back to the template it opened on, preview too.
        await screen.run_action("choose_template")
        await settle(pilot)
        app.screen.query_one("#template-options", OptionList).highlighted = 5  # triage
        await settle(pilot, 0.2)
        assert "## Check First" in screen.rendered.text
        await pilot.press("escape")
        await settle(pilot, 0.2)
        assert screen.session.template == "status-update"
        assert "## Next Update" in screen.rendered.text


async def test_an_answer_pasted_in_becomes_the_checklist_ticked_with_one_key(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_session(store)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        await screen.run_action("add_answer")
        await settle(pilot)
        assert isinstance(app.screen, AnswerDialog)
        app.screen.query_one("#answer-text", TextArea).load_text(ANSWER)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Answer stored: 3 new checklist items." in notifications(app)
        await pilot.press("f10")  # the Checklist step
        await settle(pilot)
        assert screen.current_step == "checklist"
        assert isinstance(app.focused, ChecklistList)
        await pilot.press("space")  # todo -> done, stamped with the app's clock
        await pilot.press("down", "x", "x")  # todo -> done -> failed
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one("#note", Input).value = "logs   were empty"
        await pilot.press("enter")
        await settle(pilot)
        # Saved by itself, as every list edit is (no ctrl+s): the note and both states.
        await settle(pilot, 0.3)
        saved = file_data(path)["checklist"]
        assert [c["state"] for c in saved] == ["done", "failed", "todo"]  # type: ignore[index]
        assert saved[1]["note"] == "logs were empty"  # type: ignore[index]
        steps = screen.query_one("#steps", StepList)
        assert steps.badge("checklist") == "1/3"
        await screen.go_to_step("review")
        await settle(pilot)
        story = str(screen.query_one("#review-story").render())
        assert "Checklist  1/3 done · 1 failed" in story
        screen.action_save()
        await settle(pilot, 0.2)
    checklist = file_data(path)["checklist"]
    assert checklist == [
        {
            "section": "Investigation Checklist",
            "text": "Check the error rate",
            "state": "done",
            "at": "2026-11-29 14:30",
        },
        {
            "section": "Investigation Checklist",
            "text": "Tail the logs",
            "state": "failed",
            "at": "2026-11-29 14:30",
            "note": "logs were empty",
        },
        {
            "section": "Rollback Plan",
            "text": "Roll back to 4.2.0 with password=hunter2-prod-Zx81",
            "state": "todo",
        },
    ]
    [answer] = file_data(path)["answers"]  # type: ignore[misc]
    assert answer["partial"] is False and answer["template"] == "incident-response"


async def test_send_to_agent_streams_in_the_terminal_and_keeps_the_answer(
    make_app: MakeApp,
    store: SessionStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    path = saved_session(store)
    agent = tmp_path / "agent.py"
    agent.write_text(
        "import sys\nprompt = sys.stdin.read()\n"
        "print('## Verification Steps\\n- Run the smoke tests\\x1b[2J')\n"
        "print('prompt had', len(prompt), 'characters', file=sys.stderr)\n"
    )
    config = store.home / "config.toml"
    config.write_text(f'[agent]\ncommand = ["{sys.executable}", "{agent}"]\n')
    config.chmod(0o600)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        # Headless runs cannot suspend; the real path is the same minus the terminal handover.
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))  # the Enter that brings it back
        await settle(pilot, 0.2)
        screen = wizard(app)
        await screen.run_action("send_to_agent")
        await settle(pilot)
        assert "Answer stored: 1 new checklist item." in notifications(app)
        assert screen.session.items("checklist")[0]["text"] == "Run the smoke tests"
    shown = capfd.readouterr()
    assert "- Run the smoke tests" in shown.out and "\x1b[2J" not in shown.out
    assert "prompt had" in shown.err


async def test_send_to_agent_without_a_command_says_how_to_set_one(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_session(store)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 0.2)
        await wizard(app).run_action("send_to_agent")
        await settle(pilot)
        assert any('[agent] command = ["codex", "exec", "-"]' in n for n in notifications(app))
        assert wizard(app).session.items("answers") == []


async def test_export_incident_as_markdown_writes_the_masked_record(
    make_app: MakeApp, store: SessionStore, tmp_path: Path
) -> None:
    path = saved_session(store)
    app = make_app(start="resume", path=path)
    target = tmp_path / "record.md"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        assert screen.store_answer(ANSWER)
        await screen.run_action("export_record")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Checkout down\n")
    assert "- [ ] Check the error rate — todo" in text
    assert "hunter2-prod-Zx81" not in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_an_answer_loaded_from_a_file_or_written_in_the_editor(
    make_app: MakeApp, store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved_session(store)
    answer_file = tmp_path / "answer.md"
    answer_file.write_text(ANSWER)
    editor = tmp_path / "editor"
    editor.write_text('#!/bin/sh\nprintf -- "- [ ] Page the DB team\\n" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await settle(pilot, 0.2)
        screen = wizard(app)
        await screen.run_action("add_answer")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        dialog.query_one("#load").press()
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(answer_file)
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.text == ANSWER
        dialog.query_one("#edit").press()
        await settle(pilot)
        assert dialog.text.endswith("- [ ] Page the DB team\n")
        dialog.query_one("#store").press()
        await settle(pilot)
        texts = [c["text"] for c in screen.session.items("checklist")]
        assert texts[-1] == "Page the DB team" and len(texts) == 4


async def test_the_checklist_step_cycles_back_to_todo_and_enter_edits_the_note(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_session(store)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        assert screen.store_answer(ANSWER)
        await screen.run_action("open_checklist")  # the palette's "Checklist"
        await settle(pilot)
        assert screen.current_step == "checklist"
        item = screen.session.items("checklist")[0]
        states = []
        for _ in range(4):
            await pilot.press("x")
            states.append((item["state"], "at" in item))
        assert states == [("done", True), ("failed", True), ("skipped", True), ("todo", False)]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"seen")
        await pilot.press("enter")
        await settle(pilot)
        assert item["note"] == "seen"
        # The rows group the items under their section, with state, time and note.
        await pilot.press("space")
        await settle(pilot)
        checklist = screen.query_one("#checklist", ChecklistList)
        rows = [str(checklist.get_option_at_index(i).prompt) for i in range(5)]
        assert rows[0].startswith("Investigation Checklist  1/2 done")
        assert rows[1].startswith("[x] Check the error rate")
        assert "done 2026-11-29 14:30 · seen" in rows[1]
        assert rows[3].startswith("Rollback Plan  0/1 done")
        assert checklist.get_option_at_index(0).disabled  # a heading: the cursor skips it


async def test_an_empty_checklist_step_says_how_to_get_an_answer_and_its_button_gets_one(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_session(store)
    config = store.home / "config.toml"
    config.write_text('[keymap]\ncommand_palette = "f3"\n')
    config.chmod(0o600)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        steps = screen.query_one("#steps", StepList)
        assert steps.badge("checklist") == "–"
        await pilot.press("f10")
        await settle(pilot)
        step = screen.query_one("#step-checklist", ChecklistStep)
        text = str(step.query_one("#checklist-empty-text").render())
        assert "No checklist yet." in text
        assert "Send to agent (f3, “Send to agent”)" in text  # the keymap's palette key
        assert "Add agent answer (f3, “Add agent answer”)" in text
        assert not step.query_one("#checklist", ChecklistList).display
        assert app.focused is step.query_one("#checklist-send_to_agent", Button)
        await pilot.press("right")
        step.query_one("#checklist-add_answer", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, AnswerDialog)
        app.screen.query_one("#answer-text", TextArea).load_text(ANSWER)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.current_step == "checklist"
        assert not step.query_one("#checklist-empty").display
        checklist = step.query_one("#checklist", ChecklistList)
        assert checklist.display and checklist.option_count == 5  # 2 headings, 3 items
        assert steps.badge("checklist") == "0/3"
        assert app.focused is checklist  # ready to tick, not on a button that is gone


async def test_the_step_list_counts_the_timeline_entries(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = saved_session(store)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        steps = wizard(app).query_one("#steps", StepList)
        assert steps.badge("timeline") == "0"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert steps.badge("timeline") == "1"
        assert "2 Timeline 1" in steps.render_line(1).text


async def test_an_answer_stored_from_another_terminal_shows_on_the_open_checklist_step(
    make_app: MakeApp, store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not shorter: a look at the file still running when the next starts is cancelled, and
    # settle() would see that cancelled worker.
    monkeypatch.setattr(ListCommands, "DISK_CHECK_INTERVAL", 0.5)
    path = saved_session(store)
    answer_file = tmp_path / "answer.md"
    answer_file.write_text(ANSWER)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        await pilot.press("f10")
        await settle(pilot)
        checklist = screen.query_one("#checklist", ChecklistList)
        assert not checklist.display
        monkeypatch.setenv("INCIDENT_TUI_HOME", str(store.home))
        assert cli_main(["answer", str(path), str(answer_file)]) == 0
        await settle(pilot, 1.2)
        assert checklist.display and checklist.option_count == 5
        assert screen.query_one("#steps", StepList).badge("checklist") == "0/3"
        assert app.focused is checklist
        await pilot.press("space")
        await settle(pilot, 0.4)
    assert [c["state"] for c in file_data(path)["checklist"]] == ["done", "todo", "todo"]  # type: ignore[attr-defined]


async def test_a_hostile_checklist_item_shows_its_controls_as_symbols_and_no_markup(
    make_app: MakeApp, store: SessionStore
) -> None:
    # A shared incident file can hold anything: the row shows it, inert.
    session = store.create("Checkout down")
    session.add_item("checklist", section="[b]Rollback Plan", text="\x1b[2Jwipe [red]x[/red]")
    session.items("checklist")[0]["note"] = "bell\x07"
    path = store.save(session)
    app = make_app(start="resume", path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        await pilot.press("f10")
        await settle(pilot)
        checklist = wizard(app).query_one("#checklist", ChecklistList)
        heading = str(checklist.get_option_at_index(0).prompt)
        row = str(checklist.get_option_at_index(1).prompt)
        assert heading.startswith("[b]Rollback Plan")
        assert "␛[2Jwipe [red]x[/red]" in row and "\x1b" not in row
        assert "bell␇" in row
