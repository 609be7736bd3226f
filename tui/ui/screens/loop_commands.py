"""The wizard's loop commands: choose the template, add or fetch the agent's answer, go to the
Checklist step and write an item's note, export the record. WizardScreen inherits them (after
FieldCommands); the keys and palette entries are declared in tui.ui.actions like every other
action.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import SuspendNotSupported

from tui.core.list_schema import TIME_FORMAT, checklist_progress
from tui.core.sanitize import visible_controls
from tui.core.textfile import TextFileError, edit_in_editor
from tui.ui.screens.field_commands import FieldCommands, exports_dir
from tui.ui.screens.wizard_keys import CHECKLIST, TIMELINE
from tui.ui.widgets.preview import PreviewPane, RenderRequest
from tui.ui.widgets.save_status import SaveStatus
from tui.ui.widgets.step_list import StepList

if TYPE_CHECKING:
    from tui.core.agent import AgentResult
    from tui.core.model import Session
    from tui.core.save_controller import SaveController
    from tui.ui.widgets.checklist import ChecklistList
    from tui.ui.widgets.checklist_step import ChecklistStep

#: Seconds after a change made here before the file is saved (as after typing).
SAVE_DELAY = 1.5


class LoopCommands(FieldCommands):
    saving: SaveController
    #: The template the chooser has highlighted: the preview shows it until one is chosen.
    _previewing: str | None = None

    def render_request(self) -> RenderRequest:
        request = super().render_request()
        if self._previewing is not None:
            return request._replace(template=self._previewing)
        return request

    async def go_to_step(self, step: str, *, focus: bool = True) -> None:
        raise NotImplementedError

    def list_edited(self) -> None:
        raise NotImplementedError

    def refresh_review(self) -> None:
        raise NotImplementedError

    def _stamp(self) -> str:
        return str(self.app.clock().strftime(TIME_FORMAT))  # type: ignore[attr-defined]

    def loop_changed(self) -> None:
        """The session's template, answers or checklist changed: save soon, render again."""
        self.saving.edited()
        status = self.query_one("#save-status", SaveStatus)
        status.refresh_status()
        status.schedule(SAVE_DELAY)
        self.query_one("#preview", PreviewPane).render_now()
        self.refresh_review()  # the Checklist step and the step list show the new items

    # --- Choose template… ------------------------------------------------------------------------

    def action_choose_template(self) -> None:
        from tui.core.templates import describe
        from tui.ui.screens.template_chooser import TemplateChooser

        templates = [(info.name, describe(info)) for info in self.library.available()]
        original = self.session.template
        preview = self.query_one("#preview", PreviewPane)

        def follow(name: str) -> None:
            self._previewing = name
            preview.render_now()

        def chosen(name: str | None) -> None:
            self._previewing = None
            if name and name != original:
                self.session.template = name
                self.loop_changed()
                self.notify(f"Template: {visible_controls(name)}", markup=False)
            else:
                preview.render_now()

        self.app.push_screen(TemplateChooser(templates, original, follow), chosen)

    # --- answers ---------------------------------------------------------------------------------

    def store_answer(self, text: str, *, partial: bool = False) -> bool:
        """Add an answer (and its checklist items) to the session; False, with a notification
        saying why, when it cannot be stored."""
        from tui.core.answers import AnswerError, add_answer, summary

        try:
            stored = add_answer(
                self.session, text, self.session.template, partial=partial, at=self._stamp()
            )
        except AnswerError as exc:
            self.notify(visible_controls(str(exc)), severity="error", markup=False)
            return False
        self.loop_changed()
        what = "Partial answer" if partial else "Answer"
        self.notify(f"{what} stored: {summary(stored)}.", markup=False)
        return True

    def action_add_answer(self) -> None:
        # Here, not at the top: its TextArea is not needed for the wizard's first frame.
        from tui.ui.screens.answer_dialogs import AnswerDialog

        def stored(text: str | None) -> None:
            if text:
                self.store_answer(text)

        self.app.push_screen(AnswerDialog(self._load_answer, self._edit_answer), stored)

    def _load_answer(self, into: Callable[[str], None]) -> None:
        from tui.ui.screens.dialogs import PathDialog

        def load(target: str | None) -> None:
            if not target:
                return
            from tui.core.answers import AnswerError, read_answer_file

            try:
                into(read_answer_file(Path(target).expanduser()))
            except AnswerError as exc:
                self.notify(visible_controls(str(exc)), severity="error", markup=False)

        self.app.push_screen(
            PathDialog(
                "Load agent answer from file",
                str(Path.cwd()) + "/",
                action="Load",
                note="A regular file of at most 1 MiB.",
            ),
            load,
        )

    def _edit_answer(self, text: str, into: Callable[[str], None]) -> None:
        try:
            into(edit_in_editor(text, "answer.md", self.app.suspend))
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="error")
        except TextFileError as exc:
            self.notify(visible_controls(str(exc)), severity="error", markup=False)

    # --- Send to agent ---------------------------------------------------------------------------

    def action_send_to_agent(self) -> None:
        from tui.core.agent import AgentError
        from tui.core.config import load_config

        config = load_config(self.store.home)
        if config.agent_command is None:
            self.notify(
                f'No agent command: add [agent] command = ["codex", "exec", "-"] to '
                f"{visible_controls(str(config.path))}",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return
        rendered = self.render_request().render()
        try:
            result = run_in_terminal(self.app.suspend, config.agent_command, rendered.text)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to the agent.", severity="error")
            return
        except AgentError as exc:
            self.notify(visible_controls(str(exc)), severity="error", markup=False)
            return
        if result.reason:
            self.notify(visible_controls(result.reason), severity="warning", markup=False)
        if result.text.strip():
            self.store_answer(result.text, partial=result.partial)
        else:
            self.notify("The agent wrote nothing; no answer stored.", severity="warning")

    # --- the checklist ---------------------------------------------------------------------------

    async def action_open_checklist(self) -> None:
        await self.go_to_step(CHECKLIST)

    # Named handlers, not @on(ChecklistList...): the checklist's widgets are imported when it is
    # first shown, not with the wizard's first frame.
    def on_checklist_list_changed(self, event: ChecklistList.Changed) -> None:
        event.stop()
        self.list_edited()

    async def on_checklist_step_action(self, event: ChecklistStep.Action) -> None:
        event.stop()
        await self.run_action(event.action)

    def _refresh_badges(self) -> None:
        """The steps without unknowns say what they hold in the step list: the timeline's
        entries, the checklist's items done."""
        steps = self.query_one("#steps", StepList)
        steps.set_badge(TIMELINE, str(len(self.session.items("timeline"))))
        items = self.session.items("checklist")
        steps.set_badge(CHECKLIST, checklist_progress(items) if items else "–")

    def on_checklist_list_note_requested(self, event: ChecklistList.NoteRequested) -> None:
        """A note for a checklist item: one line, saved like any list edit."""
        from tui.ui.screens.answer_dialogs import NoteDialog
        from tui.ui.widgets.checklist import ChecklistList

        event.stop()
        found = self.query("#checklist")
        checklist = found.first() if found else None
        items = self.session.items("checklist")
        if event.index >= len(items):
            return
        item = items[event.index]

        def keep(note: str | None) -> None:
            if note is None:
                return
            cleaned = " ".join(note.split())
            if cleaned == item.get("note", ""):
                return
            if cleaned:
                item["note"] = cleaned
            else:
                item.pop("note", None)
            if isinstance(checklist, ChecklistList):
                checklist.refresh_item(event.index)
            self.list_edited()

        self.app.push_screen(NoteDialog(str(item.get("text", "")), str(item.get("note", ""))), keep)

    # --- Export incident as Markdown -------------------------------------------------------------

    def action_export_record(self) -> None:
        from tui.ui.screens.dialogs import PathDialog

        directory, problem = exports_dir(self.store)
        note = "The record is masked like the prompt, written with mode 0600."
        if problem is not None:
            note = f"Check this folder: {problem}. {note}"
        self.app.push_screen(
            PathDialog(
                "Export incident as Markdown",
                str(directory / f"{self.session.id}.record.md"),
                action="Export",
                note=note,
            ),
            lambda target: self._export_record(target) if target else None,
        )

    def _export_record(self, target: str) -> None:
        self.record_job(self.session.copy(), target)

    @work(thread=True, group="export", exit_on_error=False, description="export record")
    def record_job(self, session: Session, target: str) -> None:
        from tui.core.export_md import export_markdown
        from tui.core.fsio import FileRefused

        path = Path(target).expanduser()
        try:
            record = export_markdown(session, redact=session.redact_options())
            self.store.write_output(path, record.text.encode("utf-8"), self.session.path)
        except (FileRefused, OSError) as exc:
            self.notify(
                f"Not exported: {visible_controls(str(exc))}", severity="error", markup=False
            )
            return
        self.notify(f"Record written to {visible_controls(str(path))}", markup=False)


def run_in_terminal(
    suspend: Callable[[], contextlib.AbstractContextManager[None]],
    argv: tuple[str, ...],
    prompt: str,
) -> AgentResult:
    """Hand the terminal to the agent: its output streams there, Ctrl+C stops it, and Enter
    brings the app back."""
    from tui.core.agent import ctrl_c_interrupts, run_agent

    def write(stream: object) -> Callable[[str], None]:
        def out(text: str) -> None:
            stream.write(text)  # type: ignore[attr-defined]
            stream.flush()  # type: ignore[attr-defined]

        return out

    with suspend(), ctrl_c_interrupts():
        print(f"incident-tui: sending the prompt to {argv[0]}; Ctrl+C stops it\n", flush=True)
        result = run_agent(argv, prompt, write(sys.stdout), write(sys.stderr))
        print(f"\nincident-tui: {result.reason or 'the agent finished'}.", flush=True)
        print("Press Enter to go back to incident-tui.", flush=True)
        with contextlib.suppress(KeyboardInterrupt, OSError):
            sys.stdin.readline()
    return result
