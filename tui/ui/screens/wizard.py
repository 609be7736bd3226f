"""The wizard: step list, the current step's fields, the live prompt preview, and Review.

The keystroke path is kept cheap: a change updates the in-memory session, the field's unknown mark
and its step's count, and (re)starts two timers. Rendering the preview and saving the file happen
later, in thread workers, on copies of the data taken on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.events import DescendantFocus
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.worker import get_current_worker

from tui.core.autosave import Saver, snapshot
from tui.core.errors import IncidentTuiError
from tui.core.sanitize import visible_controls
from tui.core.schema import FIELDS, FIELDS_BY_KEY, STEPS, fields_of_step, is_unknown
from tui.core.session import Session, SessionStore
from tui.core.textfile import human_size
from tui.ui.actions import bindings
from tui.ui.screens.field_commands import FieldCommands, RenderRequest
from tui.ui.screens.review import ReviewPanel
from tui.ui.screens.wizard_keys import (
    REVIEW,
    STEP_KEYS,
    WIZARD_STEPS,
)
from tui.ui.widgets.big_value import BigValueView
from tui.ui.widgets.field_editor import FieldEditor
from tui.ui.widgets.inputs import BigPaste
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.preview import PreviewPane
from tui.ui.widgets.save_status import SaveStatus
from tui.ui.widgets.step_form import StepForm
from tui.ui.widgets.step_list import StepList

if TYPE_CHECKING:
    from tui.core.prompt import RenderedPrompt, TemplateLibrary


class WizardScreen(FieldCommands):
    class Leave(Message):
        """Saved; go to the list of incidents (handled by the app)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual's type)

    #: Seconds after the last keystroke before the preview is rendered / the file is saved.
    PREVIEW_DELAY = 0.15
    AUTOSAVE_DELAY = 1.5
    #: Fields of the first step in the first frame; the rest follow at once, before a person
    #: could reach them.
    FIRST_FRAME_FIELDS = 1

    # Declared in tui.ui.actions (keys, palette titles, F1 rows, Review buttons).
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("wizard")]

    def __init__(
        self,
        session: Session,
        store: SessionStore,
        library: TemplateLibrary | None = None,
        *,
        blink: bool = True,
        fresh: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self.store = store
        self._library = library
        self.saver = Saver(store)
        self._blink = blink
        self.current_step = STEP_KEYS[0]
        self._current_key: str | None = None
        self._unknown = {f.key: is_unknown(f, session.get(f.key)) for f in FIELDS}
        # Edits made (generation) and the latest one known to be on disk.
        self._generation = 1 if fresh and session.title.strip() else 0
        self._saved_generation = 0
        self._on_disk = session.path is not None and session.path.exists()
        self._save_error: str | None = None
        self._preview_timer: Timer | None = None
        self._save_timer: Timer | None = None
        self._preview_hidden = False
        # Review has its own: it shows the prompt until hidden there (ctrl+t gives it the room).
        self._review_preview_hidden = False
        self._shown_title: tuple[str, str] | None = None
        # The width class now, not on the first resize: that would restyle and lay out the whole
        # form a second time before the first frame.
        width = self.app.size.width
        for threshold, name in reversed(self.HORIZONTAL_BREAKPOINTS):
            if width >= threshold:
                self.add_class(name)
                break
        self._shown_generation = -1
        self.rendered: RenderedPrompt | None = None
        #: Every editor of the first step is mounted and laid out.
        self.forms_settled = False

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static("", id="incident-title", markup=False)
            yield SaveStatus(id="save-status")
        with Horizontal(id="body"):
            yield StepList(list(WIZARD_STEPS), id="steps")
            with Container(id="main"):
                # The first step is composed with the screen, not mounted after it: one layout
                # pass less before the first frame. Its first fields only: see complete_forms.
                first = STEP_KEYS[0]
                with ContentSwitcher(id="forms", initial=f"step-{first}"):
                    yield StepForm(
                        first, self.session, blink=self._blink, first_frame=self.FIRST_FRAME_FIELDS
                    )
                yield PreviewPane(id="preview")
        yield KeyBar()

    async def on_mount(self) -> None:
        if self.saver.open(self.session.path) is not None:
            self.notify(
                visible_controls(self.saver.read_only_message() or ""),
                title="Read-only",
                severity="warning",
                timeout=15,
                markup=False,
            )
        self._refresh_counts()
        self._refresh_title()
        self._refresh_status()
        await self.go_to_step(STEP_KEYS[0])
        # After the first frame: the rest of the first step, then the preview (its render
        # imports jinja2 and the masking rules). The wizard is on screen before that work starts.
        self.call_after_refresh(self.complete_forms)
        self.call_after_refresh(self._render_preview)
        if self._generation > self._saved_generation:
            self._schedule_save(self.AUTOSAVE_DELAY)

    def _form(self, step: str) -> StepForm | ReviewPanel | None:
        switcher = self.query_one("#forms", ContentSwitcher)
        found = switcher.query_children(f"#step-{step}")
        widget = found.first() if found else None
        return widget if isinstance(widget, StepForm | ReviewPanel) else None

    async def _ensure_form(self, step: str) -> StepForm | ReviewPanel:
        form = self._form(step)
        if form is None:
            # Steps are mounted on first visit: the app starts fast, whatever the session holds.
            if step == REVIEW:
                form = ReviewPanel(id=f"step-{REVIEW}")
            else:
                form = StepForm(step, self.session, blink=self._blink)
            await self.query_one("#forms", ContentSwitcher).mount(form)
        return form

    async def complete_forms(self) -> None:
        """Mount the editors a form left out of the first frame (Tab and jumps need them)."""
        for form in self.query_one("#forms", ContentSwitcher).query_children(StepForm):
            await form.complete()
        if not self.forms_settled:
            self.call_after_refresh(self._settled)

    def _settled(self) -> None:
        self.forms_settled = True

    async def _complete_form(self, step: str) -> None:
        form = await self._ensure_form(step)
        if isinstance(form, StepForm):
            await form.complete()

    def editor(self, key: str) -> FieldEditor | None:
        found = self.query(f"#field-{key}")
        widget = found.first() if found else None
        return widget if isinstance(widget, FieldEditor) else None

    # --- steps -----------------------------------------------------------------------------------

    async def go_to_step(self, step: str, *, focus: bool = True) -> None:
        form = await self._ensure_form(step)
        previous, self.current_step = self.current_step, step
        self.query_one("#forms", ContentSwitcher).current = form.id
        self.query_one("#steps", StepList).set_current(step)
        self.set_class(step == REVIEW, "-review")
        self._update_preview_visibility()
        if isinstance(form, ReviewPanel):
            self._current_key = None
            form.show_unknowns([f for f in FIELDS if self._unknown[f.key]])
            form.show_findings(self.rendered.findings if self.rendered is not None else ())
            if focus:
                form.focus_first()
        else:
            fields = fields_of_step(step)
            self._current_key = fields[0].key if fields else None
            if focus:
                form.focus_first()
                form.scroll_home(animate=False)
        if previous != step:
            self._schedule_save(0)

    async def action_next_step(self) -> None:
        index = STEP_KEYS.index(self.current_step)
        await self.go_to_step(STEP_KEYS[min(index + 1, len(STEP_KEYS) - 1)])

    async def action_previous_step(self) -> None:
        index = STEP_KEYS.index(self.current_step)
        await self.go_to_step(STEP_KEYS[max(index - 1, 0)])

    async def action_go_step(self, index: int) -> None:
        if 0 <= index < len(STEP_KEYS):
            await self.go_to_step(STEP_KEYS[index])

    def action_focus_steps(self) -> None:
        self.query_one("#steps", StepList).focus()

    @on(OptionList.OptionSelected, "#steps")
    async def _step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            await self.go_to_step(event.option.id)

    async def focus_field(self, key: str) -> None:
        field = FIELDS_BY_KEY[key]
        await self.go_to_step(field.step, focus=False)
        await self._complete_form(field.step)
        editor = self.editor(key)
        if editor is not None:
            editor.focus_input()
            self._current_key = key

    @on(ReviewPanel.JumpTo)
    async def _jump(self, event: ReviewPanel.JumpTo) -> None:
        await self.focus_field(event.key)

    @on(ReviewPanel.ToggleMask)
    def _toggle_mask(self, event: ReviewPanel.ToggleMask) -> None:
        if not self.session.set_unmasked(event.fingerprint, event.unmask):
            return
        self._generation += 1
        self._refresh_status()
        self._render_preview()
        self._schedule_save(self.AUTOSAVE_DELAY)

    @on(ReviewPanel.Action)
    async def _review_action(self, event: ReviewPanel.Action) -> None:
        await self.run_action(event.action)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        editor = next(
            (n for n in event.widget.ancestors_with_self if isinstance(n, FieldEditor)), None
        )
        if editor is None:
            return
        self._current_key = editor.field.key
        for other in self.query(".field.-current"):
            other.remove_class("-current")
        editor.add_class("-current")
        field = editor.field
        self.query_one("#preview", PreviewPane).follow(field.label if field.in_prompt else None)

    # --- edits -----------------------------------------------------------------------------------

    @on(FieldEditor.Changed)
    def _field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self.apply_change(event.key, event.value)

    def apply_change(self, key: str, value: str) -> None:
        """Take a new value into the session. Runs on every keystroke: keep it cheap."""
        if self.session.get(key) == value:
            return
        try:
            self.session.set(key, value)
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._generation += 1
        if self._cleared is not None and self._cleared[0] == key and value:
            self._cleared = None  # typed in again: that is the value now
        field = FIELDS_BY_KEY[key]
        unknown = is_unknown(field, self.session.get(key))
        if unknown != self._unknown[key]:
            self._unknown[key] = unknown
            self._refresh_counts()
        if key in ("title", "incident_summary", "severity"):
            self._refresh_title()
        self._refresh_status()
        self._schedule_preview()
        self._schedule_save(self.AUTOSAVE_DELAY)

    async def set_field(self, key: str, value: str) -> None:
        """Replace a value from outside the editor (file, $EDITOR, clear, a huge paste)."""
        field = FIELDS_BY_KEY[key]
        await self._complete_form(field.step)
        editor = self.editor(key)
        if editor is not None:
            await editor.set_value(value)
        self.apply_change(key, value)

    @on(BigPaste)
    async def _big_paste(self, event: BigPaste) -> None:
        event.stop()
        editor = next((a for a in event.text_area.ancestors if isinstance(a, FieldEditor)), None)
        if editor is None:
            return
        current = editor.value
        joiner = "\n" if current and not current.endswith("\n") else ""
        await self.set_field(editor.field.key, current + joiner + event.text)
        self.notify(
            f"Pasted {human_size(len(event.text))} into {editor.field.label}: "
            "too large to edit here, so it is shown read-only.",
            markup=False,
        )

    @on(BigValueView.Requested)
    async def _big_value_action(self, event: BigValueView.Requested) -> None:
        event.stop()
        editor = next((a for a in event.view.ancestors if isinstance(a, FieldEditor)), None)
        if editor is None:
            return
        self._current_key = editor.field.key
        if event.action == "load":
            self.action_load_from_file()
        elif event.action == "edit":
            await self.action_edit_in_editor()
        elif event.action == "clear":
            await self.action_clear_field()

    def _refresh_counts(self) -> None:
        steps = self.query_one("#steps", StepList)
        total = 0
        for step in STEPS:
            count = sum(1 for f in fields_of_step(step.key) if self._unknown[f.key])
            steps.set_count(step.key, count)
            total += count
        steps.set_count(REVIEW, total)

    def unknown_count(self, step: str) -> int:
        return self.query_one("#steps", StepList).count(step)

    def _refresh_title(self) -> None:
        severity = self.session.severity
        shown = (self.session.display_title, severity)
        if shown == self._shown_title:
            return  # typing in the summary calls this on every key
        self._shown_title = shown
        # A fixed-width bar: the new title needs a repaint, not a layout pass.
        self.query_one("#incident-title", Static).update(
            Content.assemble(
                (visible_controls(shown[0]), "bold"),
                ("  ", ""),
                (severity, "$text-warning" if severity == "unknown" else "$text-error bold"),
            ),
            layout=False,
        )

    # Every @work below names itself: without a description, Textual builds one from repr() of the
    # arguments, on the UI thread, and a snapshot holding a 5 MB log took ~20 ms to repr.

    # --- preview ---------------------------------------------------------------------------------

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

    def _schedule_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(self.PREVIEW_DELAY, self._render_preview)

    def _render_preview(self) -> None:
        self._preview_timer = None
        self._preview_job(self.render_request(), self._generation)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False, description="preview")
    def _preview_job(self, request: RenderRequest, generation: int) -> None:
        worker = get_current_worker()
        try:
            result: RenderedPrompt | str = request.render()
        except IncidentTuiError as exc:
            result = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown in the pane, never a traceback
            result = f"unexpected {type(exc).__name__}: {exc}"
        if not worker.is_cancelled:
            self._to_ui(self._show_preview, result, generation)

    def _show_preview(self, result: RenderedPrompt | str, generation: int) -> None:
        if generation < self._shown_generation:
            return
        self._shown_generation = generation
        preview = self.query_one("#preview", PreviewPane)
        if isinstance(result, str):
            preview.show_error(visible_controls(result))
            return
        self.rendered = result
        preview.show(result)
        review = self._form(REVIEW)
        if isinstance(review, ReviewPanel):
            review.show_findings(result.findings)

    def action_toggle_preview(self) -> None:
        if self.current_step == REVIEW:
            self._review_preview_hidden = not self._review_preview_hidden
        else:
            self._preview_hidden = not self._preview_hidden
        self._update_preview_visibility()

    def _update_preview_visibility(self) -> None:
        # Review shows the prompt (the thing being reviewed) even when the steps hide it.
        on_review = self.current_step == REVIEW
        hidden = self._review_preview_hidden if on_review else self._preview_hidden
        self.query_one("#preview", PreviewPane).display = not hidden
        self.set_class(hidden, "-preview-hidden")

    # --- saving ----------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._generation > self._saved_generation

    def _schedule_save(self, delay: float) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(max(delay, 0.001), self._start_save)

    def _start_save(self, announce: bool = False) -> None:
        self._save_timer = None
        if not self.dirty and not announce:
            return
        self._save_job(snapshot(self.session), self._generation, announce)

    @work(thread=True, group="save", exit_on_error=False, description="save")
    def _save_job(self, snap: Session, generation: int, announce: bool) -> None:
        try:
            saved = self.saver.save(snap, generation)
        except OSError as exc:
            self._to_ui(self._save_failed, exc.strerror or str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - reported in the status line, data kept
            self._to_ui(self._save_failed, f"{type(exc).__name__}: {exc}")
            return
        if saved is not None:
            self._to_ui(self._save_succeeded, generation, snap, announce, saved.moved_because)

    def _save_succeeded(
        self, generation: int, snap: Session, announce: bool, moved_because: str | None = None
    ) -> None:
        self._saved_generation = max(self._saved_generation, generation)
        self._on_disk = True
        self._save_error = None
        self.session.updated_at = snap.updated_at
        self.session.id = snap.id
        self.session.path = snap.path
        self._refresh_status()
        if moved_because is not None:
            self.notify(
                f"{visible_controls(moved_because)}: nothing there was overwritten. Your edits are "
                f"saved as a new incident, {visible_controls(snap.id)}.",
                title="Saved as a copy",
                severity="warning",
                timeout=15,
                markup=False,
            )
        elif announce:
            self.notify(f"Saved to {visible_controls(str(snap.path))}", markup=False)

    def _save_failed(self, reason: str) -> None:
        first = self._save_error != reason
        self._save_error = reason
        self._refresh_status()
        if first:
            self.notify(
                f"Could not save the incident: {visible_controls(reason)}. Your edits are kept in "
                "memory and saving is retried on the next change; export the prompt to be safe.",
                title="NOT SAVED",
                severity="error",
                timeout=10,
                markup=False,
            )

    def _refresh_status(self) -> None:
        status = self.query_one("#save-status", SaveStatus)
        if self._save_error is not None and self.dirty:
            status.show("failed", visible_controls(self._save_error))
        elif self.saver.read_only_because is not None:
            status.show("read-only")
        elif self.dirty:
            status.show("dirty")
        elif not self._on_disk:
            status.show("new")
        else:
            status.show("saved")

    def action_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        if self._generation == 0 and not self._on_disk:
            self._generation = 1  # an explicit save of an empty new incident writes it
        if not self.dirty:
            self.notify(
                f"No changes since the last save: {visible_controls(str(self.session.path))}",
                markup=False,
            )
            return
        self._start_save(announce=True)

    def save_before_exit(self) -> str | None:
        """Save now, on the UI thread (the app is leaving). Returns the reason it failed, if so."""
        for timer in (self._save_timer, self._preview_timer):
            if timer is not None:
                timer.stop()
        if not self.dirty:
            return None
        snap = snapshot(self.session)
        try:
            saved = self.saver.save(snap, self._generation)
        except OSError as exc:
            self._save_failed(exc.strerror or str(exc))
            return self._save_error
        self._save_succeeded(self._generation, snap, False, saved.moved_because if saved else None)
        return None

    # --- elsewhere -------------------------------------------------------------------------------

    def on_unmount(self) -> None:
        self.saver.close()  # another instance may edit this incident now

    def action_open_picker(self) -> None:
        error = self.save_before_exit()
        if error is not None:
            return  # the NOT SAVED notification is up; stay with the data
        self.post_message(self.Leave())
