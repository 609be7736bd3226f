"""The wizard's field and prompt commands: copy, export, load from a file, $EDITOR, clear (and
its undo), a paste too large to edit, and the prompt's render request and templates.

WizardScreen inherits them; it keeps layout and navigation. The keys and
palette entries that run them are declared with every other action, in tui.ui.actions. Slow
work (rendering, writing, reading) runs in thread workers, on data taken on the UI thread.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import SuspendNotSupported

from tui.core.fsio import FileRefused, private_dir
from tui.core.sanitize import strip_controls, visible_controls
from tui.core.schema import FIELDS_BY_KEY, Field
from tui.core.session import Session, SessionStore
from tui.core.textfile import TextFileError, edit_in_editor, human_size, is_big, read_text_file
from tui.ui.textual_compat import StyledOnceScreen
from tui.ui.widgets.field_editor import FieldEditor
from tui.ui.widgets.preview import RenderRequest

if TYPE_CHECKING:
    from tui.core.clipboard import CopyReport
    from tui.core.prompt import RenderedPrompt, TemplateLibrary

TEXT_KINDS = ("text", "large")


class FieldCommands(StyledOnceScreen):
    """The commands, as a base of WizardScreen, which provides what is declared here."""

    session: Session
    store: SessionStore
    #: The field the commands act on: the focused one, or the last one focused.
    _current_key: str | None

    def __init__(self, library: TemplateLibrary | None = None) -> None:
        super().__init__()
        self._library = library
        self._export_path: str | None = None
        #: (field key, value) that 'Clear field' removed, until undone or the field is typed in.
        self._cleared: tuple[str, str] | None = None

    async def set_field(self, key: str, value: str) -> None:
        raise NotImplementedError

    def editor(self, key: str) -> FieldEditor | None:
        raise NotImplementedError

    @property
    def library(self) -> TemplateLibrary:
        """The templates: the store's and the built-in ones unless given. Made on first use,
        after the first frame: tui.core.prompt is not imported before the wizard is on screen."""
        if self._library is None:
            from tui.core.prompt import TemplateLibrary

            self._library = TemplateLibrary(
                self.store.templates_dir, cache_dir=self.store.cache_dir
            )
        return self._library

    def render_request(self) -> RenderRequest:
        session = self.session
        return RenderRequest(
            session.values(),
            self.library,
            session.template,
            session.redact_options(),
            {k: [dict(i) for i in v] for k, v in session.tables.items()},
            self.app.clock(),  # type: ignore[attr-defined]
        )

    def _to_ui(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run callback on the UI thread from a worker; nothing if the app has gone meanwhile."""
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)

    @on(FieldEditor.Pasted)
    async def _big_paste(self, event: FieldEditor.Pasted) -> None:
        event.stop()
        current = event.editor.value
        joiner = "\n" if current and not current.endswith("\n") else ""
        await self.set_field(event.key, current + joiner + event.text)
        self.notify(
            f"Pasted {human_size(len(event.text))} into {FIELDS_BY_KEY[event.key].label}: "
            "too large to edit here, so it is shown read-only.",
            markup=False,
        )

    @on(FieldEditor.Requested)
    async def _big_value_action(self, event: FieldEditor.Requested) -> None:
        event.stop()
        self._current_key = event.key
        if event.action == "load":
            self.action_load_from_file()
        elif event.action == "edit":
            await self.action_edit_in_editor()
        elif event.action == "clear":
            await self.action_clear_field()

    # --- copy and export -------------------------------------------------------------------------

    def action_copy(self) -> None:
        self._copy_job(self.render_request())

    @work(thread=True, exclusive=True, group="copy", exit_on_error=False, description="copy")
    def _copy_job(self, request: RenderRequest) -> None:
        try:
            rendered, report = copy_prompt(request, self._osc52)
        except Exception as exc:  # noqa: BLE001 - a failed copy is a notification
            self.notify(
                f"Copy failed: {visible_controls(str(exc))}", severity="error", markup=False
            )
            return
        message = report.message
        if report.ok and report.problems:
            # Which routes did not take it, and why ("OSC 52 skipped: … use Export").
            message += "\n" + "\n".join(report.problems)
        if rendered.budget_note:
            message += f"\nPrompt {rendered.budget_note}."
        self.notify(
            visible_controls(message),
            title="Copy prompt",
            severity="information" if report.ok else "warning",
            timeout=8,
            markup=False,
        )

    def _osc52(self, text: str) -> None:
        self.app.call_from_thread(self.app.copy_to_clipboard, text)

    def action_export(self) -> None:
        from tui.ui.screens.dialogs import PathDialog

        # Not the current directory: often a git checkout, where a prompt full of logs must not
        # land. The user's own path, once typed, is proposed again.
        directory, problem = exports_dir(self.store)
        default = self._export_path or str(directory / f"{self.session.id}.prompt.md")
        note = "The file is written with mode 0600; an existing file is replaced."
        if problem is not None and self._export_path is None:
            note = f"Check this folder: {problem}. {note}"
        self.app.push_screen(
            PathDialog("Export prompt to file", default, action="Export", note=note),
            self._export_to,
        )

    def _export_to(self, target: str | None) -> None:
        if target:
            self._export_path = target
            self.export_job(self.render_request(), target)

    @work(thread=True, group="export", exit_on_error=False, description="export")
    def export_job(self, request: RenderRequest, target: str) -> None:
        path = Path(target).expanduser()
        try:
            if path.is_dir():
                path = path / f"{self.session.id}.prompt.md"
            rendered = request.render()
            self.store.write_output(path, rendered.text.encode("utf-8"), self.session.path)
        except OSError as exc:
            self.notify(
                f"Could not export to {visible_controls(str(path))}: {exc.strerror or exc}",
                severity="error",
                markup=False,
            )
            return
        except Exception as exc:  # noqa: BLE001
            self.notify(
                f"Could not export: {visible_controls(str(exc))}", severity="error", markup=False
            )
            return
        self.notify(
            f"Exported {rendered.chars:,} characters to {visible_controls(str(path))}",
            title="Export prompt",
            timeout=10,
            markup=False,
        )

    # --- long text: files, $EDITOR, clear --------------------------------------------------------

    def _target_field(self, kinds: tuple[str, ...], what: str) -> Field | None:
        key = self._current_key
        if key is None:
            self.notify(f"Go to a field first, then {what}.", severity="warning", markup=False)
            return None
        field = FIELDS_BY_KEY[key]
        if field.kind not in kinds:
            self.notify(
                f"{field.label} is not a text field; {what} works on text fields.",
                severity="warning",
                markup=False,
            )
            return None
        return field

    def action_load_from_file(self) -> None:
        from tui.ui.screens.dialogs import PathDialog

        field = self._target_field(TEXT_KINDS, "load it from a file")
        if field is None:
            return
        self.app.push_screen(
            PathDialog(
                f"Load “{field.label}” from file",
                str(Path.cwd()) + os.sep,
                action="Load",
                note="Replaces the field's text. Invalid UTF-8 is replaced; logs of any size "
                "are fine (large ones are shown read-only).",
            ),
            lambda target: self._load_into(field.key, target),
        )

    def _load_into(self, key: str, target: str | None) -> None:
        if target:
            self.load_job(key, target)

    @work(thread=True, group="load", exit_on_error=False, description="load")
    def load_job(self, key: str, target: str) -> None:
        path = Path(target).expanduser()
        try:
            text = strip_controls(read_text_file(path))
        except TextFileError as exc:
            self.notify(visible_controls(str(exc)), severity="error", markup=False)
            return
        self._to_ui(self._loaded, key, text, str(path))

    async def _loaded(self, key: str, text: str, path: str) -> None:
        await self.set_field(key, text)
        label = FIELDS_BY_KEY[key].label
        note = " (shown read-only: too large to edit here)" if is_big(text) else ""
        self.notify(
            f"Loaded {human_size(len(text.encode('utf-8', 'replace')))} from "
            f"{visible_controls(path)} into {label}{note}",
            markup=False,
        )

    async def action_edit_in_editor(self) -> None:
        field = self._target_field(("line", *TEXT_KINDS), "open it in $EDITOR")
        if field is None:
            return
        old = self.session.get(field.key)
        try:
            new = edit_in_editor(old, f"{field.key}.txt", self.app.suspend)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="error")
            return
        except TextFileError as exc:
            self.notify(
                f"{visible_controls(str(exc))}; {field.label} is unchanged.",
                severity="error",
                markup=False,
            )
            return
        if field.kind == "line":
            new = next((line for line in new.split("\n") if line.strip()), "")
        if new != old:
            await self.set_field(field.key, new)
        editor = self.editor(field.key)
        if editor is not None:
            editor.focus_input()

    async def action_clear_field(self) -> None:
        field = self._target_field(("line", *TEXT_KINDS), "clear it")
        if field is None:
            return
        old = self.session.get(field.key)
        await self.set_field(field.key, "")
        editor = self.editor(field.key)
        if editor is not None:
            editor.focus_input()
        if old:
            self._cleared = (field.key, old)
            self.refresh_bindings()
            self.notify(f"Cleared {field.label}: ctrl+z to undo.", title="Clear field", timeout=10)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_clear":
            # Only for the field that was cleared: elsewhere ctrl+z is the editor's own undo.
            return self._cleared is not None and self._cleared[0] == self._current_key
        return True

    async def action_undo_clear(self) -> None:
        if self._cleared is None:
            return
        (key, value), self._cleared = self._cleared, None
        await self.set_field(key, value)
        editor = self.editor(key)
        if editor is not None:
            editor.focus_input()
        self.refresh_bindings()
        self.notify(f"{FIELDS_BY_KEY[key].label} is back.", title="Undo clear", timeout=4)


def exports_dir(store: SessionStore) -> tuple[Path, str | None]:
    """$INCIDENT_TUI_HOME/exports, created 0700, and why it is not private, if so."""
    path = store.home / "exports"
    try:
        store.ensure_dirs()
        private_dir(path)
    except FileRefused as exc:
        return path, exc.reason
    except OSError as exc:
        return path, exc.strerror or str(exc)
    return path, None


def copy_prompt(
    request: RenderRequest, osc52: Callable[[str], None]
) -> tuple[RenderedPrompt, CopyReport]:
    """Copy through tui.core.clipboard: every safe route, a prompt that fits the terminal's
    clipboard when that is the only one, and a report that says which took what."""
    from tui.core.clipboard import copy_prompt as copy
    from tui.core.prompt import DEFAULT_MAX_TOKENS, prompt_for

    def render(budget: int) -> RenderedPrompt:
        return prompt_for(
            request.values,
            request.library,
            request.template,
            max_tokens=budget,
            redact=request.redact,
            tables=request.tables,
            as_of=request.as_of,
        )

    return copy(render, DEFAULT_MAX_TOKENS, osc52=osc52)
