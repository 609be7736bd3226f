"""The wizard: step list, the current step's fields, the live prompt preview, and Review.

The keystroke path is kept cheap: a change updates the in-memory session, the field's unknown mark
and its step's count, and (re)starts two timers. Rendering the preview (the preview pane's job) and
saving the file (a SaveController's, tui.core.save_controller) happen later, in thread workers, on
copies of the data taken on the UI thread. The field and prompt commands are in field_commands,
those of the story's lists (timeline, changes, hypotheses) in list_commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal
from textual.message import Message
from textual.widgets import ContentSwitcher

from tui.core.list_schema import TABLES_BY_KEY
from tui.core.sanitize import visible_controls
from tui.core.save_controller import SaveController
from tui.core.schema import FIELDS, FIELDS_BY_KEY, fields_of_step, is_unknown
from tui.core.session import Session, SessionStore
from tui.ui.actions import bindings
from tui.ui.screens.gather_commands import GatherCommands
from tui.ui.screens.list_commands import ListCommands
from tui.ui.screens.loop_commands import LoopCommands
from tui.ui.screens.wizard_forms import make_form, mount_lists
from tui.ui.screens.wizard_keys import (
    CHECKLIST,
    FIELD_STEP,
    REVIEW,
    STEP_KEYS,
    WIZARD_STEPS,
)
from tui.ui.styles import load_later_styles
from tui.ui.textual_compat import paint_only_dirty_rows
from tui.ui.widgets.field_editor import FieldEditor
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.preview import PreviewPane
from tui.ui.widgets.save_status import SaveStatus
from tui.ui.widgets.step_form import StepForm
from tui.ui.widgets.step_list import StepList
from tui.ui.widgets.title_bar import IncidentTitle

if TYPE_CHECKING:
    from tui.core.prompt import RenderedPrompt, TemplateLibrary
    from tui.ui.screens.review import ReviewPanel
    from tui.ui.screens.wizard_forms import StepWidget
    from tui.ui.widgets.checklist_step import ChecklistStep
    from tui.ui.widgets.list_step import ListStep


class WizardScreen(GatherCommands, ListCommands, LoopCommands):
    class Settled(Message):
        """The wizard has built and shown what it was building (its first step, a step on its
        first visit): what exists now lives as long as the wizard."""

    class Leave(Message):
        """Saved; go to the list of incidents (handled by the app)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual's type)

    #: Seconds after the last keystroke before the preview is rendered / the file is saved.
    PREVIEW_DELAY = 0.15
    AUTOSAVE_DELAY = 1.5
    #: Seconds after the first edit not yet saved by which it is saved, typing or not.
    AUTOSAVE_LONGEST = 5.0
    #: Textual focuses this once the screen is composed: the first field, not the first focusable
    #: widget (the step list), whose focus moving on cost a restyle and a whole frame more.
    AUTO_FOCUS = f"#input-{fields_of_step(STEP_KEYS[0])[0].key}"

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
        super().__init__(library)
        paint_only_dirty_rows(self)
        self.session = session
        self.store = store
        self.saving = SaveController(session, store, fresh=fresh)
        self._blink = blink
        self.current_step = STEP_KEYS[0]
        self._current_key: str | None = None
        self._unknown = {f.key: is_unknown(f, session.get(f.key)) for f in FIELDS}
        self._preview_hidden = False
        # Review has its own: it shows the prompt until hidden there (ctrl+t gives it the room).
        self._review_preview_hidden = False
        # The width class now, not on the first resize: that would restyle and lay out the whole
        # form a second time before the first frame.
        width = self.app.size.width
        for threshold, name in reversed(self.HORIZONTAL_BREAKPOINTS):
            if width >= threshold:
                self.add_class(name)
                break
        #: The first step has been on screen: the preview's first render has started.
        self.forms_settled = False

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield IncidentTitle(id="incident-title")
            yield SaveStatus(self.saving, id="save-status")
        with Horizontal(id="body"):
            yield StepList(list(WIZARD_STEPS), id="steps")
            with Container(id="main"):
                # The first step is composed with the screen, whole: one layout and one frame
                # show it (mounted after the first frame, it cost a layout and a frame more).
                first = STEP_KEYS[0]
                with ContentSwitcher(id="forms", initial=f"step-{first}"):
                    yield StepForm(first, self.session, blink=self._blink, current=True)
                yield PreviewPane(
                    self.render_request,
                    on_rendered=self._list_findings,
                    delay=self.PREVIEW_DELAY,
                    id="preview",
                )
        yield KeyBar()

    async def on_mount(self) -> None:
        read_only = self.saving.open()
        if read_only is not None:
            self.notify(
                visible_controls(read_only),
                title="Read-only",
                severity="warning",
                timeout=15,
                markup=False,
            )
        self._refresh_counts()
        self._refresh_badges()
        self._refresh_title()
        self._refresh_status()
        await self.go_to_step(STEP_KEYS[0])
        # After the first frame: the preview (its render imports jinja2 and the masking rules,
        # in a thread that would otherwise hold the GIL while the step is being drawn).
        self.call_after_refresh(self._settled)
        if self.saving.dirty:
            self._schedule_save(self.AUTOSAVE_DELAY)
        self.start_watching_file()

    def _form(self, step: str) -> StepWidget | None:
        switcher = self.query_one("#forms", ContentSwitcher)
        found = switcher.query_children(f"#step-{step}")
        # Every child of #forms is a step's widget (make_form); the widgets of the steps not shown
        # first are imported when first shown, so they are not named here.
        return cast("StepWidget", found.first()) if found else None

    async def _ensure_form(self, step: str) -> StepWidget:
        form = self._form(step)
        if form is None:
            # A step visited before the first screen was drawn: its styles are not added yet.
            load_later_styles(self.app)
            # Steps are mounted on first visit: the app starts fast, whatever the session holds.
            form = make_form(step, self.session, self._stamp, blink=self._blink)
            # One frame for the new step: between its mounts, the screen was laid out and
            # painted for a step that is not shown yet.
            with self.app.batch_update():
                await self.query_one("#forms", ContentSwitcher).mount(form)
                if isinstance(form, StepForm):
                    await mount_lists(form, self.session, blink=self._blink)
            if self.forms_settled:
                self.call_after_refresh(self.post_message, self.Settled())
        return form

    def _settled(self) -> None:
        if not self.forms_settled:
            self.forms_settled = True
            self._preview.render_now()
            self.call_after_refresh(self.post_message, self.Settled())

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
        self.set_class(step == CHECKLIST, "-checklist")
        self._update_preview_visibility()
        if isinstance(form, StepForm):
            fields = fields_of_step(step)
            self._current_key = fields[0].key if fields else None
            if focus:
                form.focus_first()
                # After the refresh: focusing scrolls to the field once the step is laid out,
                # and a list still mounting can leave that a line down.
                self.call_after_refresh(form.scroll_home, animate=False)
        elif step == REVIEW:
            form = cast("ReviewPanel", form)
            self._current_key = None
            form.show_unknowns([f for f in FIELDS if self._unknown[f.key]])
            form.show_findings(self.rendered.findings if self.rendered is not None else ())
            form.show_story(self.session)
            if focus:
                form.focus_first()
        else:
            self._current_key = None
            self._preview.follow(None)
            if focus:
                form.focus_first()
                if step != CHECKLIST:
                    # Focus scrolls to the item while the lists may still be mounting, and
                    # where it ends depends on how far they got: once laid out, from the top.
                    self.call_after_refresh(self._scroll_to_focus, form)
        if previous != step:
            self._schedule_save(0)

    def _scroll_to_focus(self, form: ListStep) -> None:
        """The step from its top, scrolled only as far as its focused widget needs."""
        form.scroll_home(animate=False)
        focused = self.focused
        if focused is not None and form in focused.ancestors:
            form.scroll_to_widget(focused, animate=False)

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

    @on(StepList.Chosen)
    async def _step_chosen(self, event: StepList.Chosen) -> None:
        event.stop()
        await self.go_to_step(event.key)

    async def focus_field(self, key: str) -> None:
        step = FIELD_STEP.get(key, FIELDS_BY_KEY[key].step)
        await self.go_to_step(step, focus=False)
        editor = self.editor(key)
        if editor is not None:
            editor.focus_input()
            self._current_key = key

    # Named handlers, not @on(ReviewPanel...): Review's module is imported when it is first
    # shown, not with the first frame.
    async def on_review_panel_jump_to(self, event: ReviewPanel.JumpTo) -> None:
        await self.focus_field(event.key)

    def on_review_panel_toggle_mask(self, event: ReviewPanel.ToggleMask) -> None:
        if not self.session.set_unmasked(event.fingerprint, event.unmask):
            return
        self.saving.edited()
        self._refresh_status()
        self._preview.render_now()
        self._schedule_save(self.AUTOSAVE_DELAY)

    async def on_review_panel_action(self, event: ReviewPanel.Action) -> None:
        await self.run_action(event.action)

    @on(FieldEditor.Focused)
    def _field_focused(self, event: FieldEditor.Focused) -> None:
        event.stop()
        self._current_key = event.key
        for other in self.query(".field-head.-current"):
            if other is not event.editor and isinstance(other, FieldEditor):
                other.set_current(False)
        event.editor.set_current(True)
        field = FIELDS_BY_KEY[event.key]
        self._preview.follow(field.label if field.in_prompt else None)

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
        self.saving.edited()
        if self._cleared is not None and self._cleared[0] == key and value:
            self._cleared = None  # typed in again: that is the value now
        field = FIELDS_BY_KEY[key]
        unknown = is_unknown(field, self.session.get(key))
        # The story's fields (question, agent scope) are never unknown: not counted.
        if key in self._unknown and unknown != self._unknown[key]:
            self._unknown[key] = unknown
            self._refresh_counts()
        if key == "severity":
            self._refresh_title()
        elif key in ("title", "incident_summary"):
            self.query_one("#incident-title", IncidentTitle).show_soon(self._refresh_title)
        self._refresh_status()
        self._preview.schedule()
        self._schedule_save(self.AUTOSAVE_DELAY)

    def lists_changed(self) -> None:
        """Items were added to the session's lists (gathered change items): show and save them."""
        self.list_edited()
        self.call_later(self._sync_lists)

    async def _sync_lists(self) -> None:
        for table in TABLES_BY_KEY:
            item_list = self.item_list(table)
            if item_list is not None:
                await item_list.sync()
        self.refresh_review()

    async def set_field(self, key: str, value: str) -> None:
        """Replace a value from outside the editor (file, $EDITOR, clear, a huge paste)."""
        await self._ensure_form(FIELD_STEP.get(key, FIELDS_BY_KEY[key].step))
        editor = self.editor(key)
        if editor is not None:
            await editor.set_value(value)
        self.apply_change(key, value)

    def list_edited(self) -> None:
        """The session's lists (or its status) changed: the same path as a field's edit."""
        self.saving.edited()
        self._refresh_status()
        self._refresh_badges()
        self._preview.schedule()
        self._schedule_save(self.AUTOSAVE_DELAY)

    def refresh_review(self) -> None:
        """The lists changed behind the step widgets (a merge, a new answer): show them."""
        review = cast("ReviewPanel | None", self._form(REVIEW))
        if review is not None and self.current_step == REVIEW:
            review.show_story(self.session)
        checklist = cast("ChecklistStep | None", self._form(CHECKLIST))
        if checklist is not None:
            checklist.sync()
        self._refresh_badges()

    def _refresh_counts(self) -> None:
        self.query_one("#steps", StepList).show_unknowns(self._unknown, REVIEW)

    def unknown_count(self, step: str) -> int:
        return self.query_one("#steps", StepList).count(step)

    def _refresh_title(self) -> None:
        title = self.query_one("#incident-title", IncidentTitle)
        title.show(self.session.display_title, self.session.severity, self.session.status)

    # --- preview ---------------------------------------------------------------------------------

    @property
    def _preview(self) -> PreviewPane:
        return self.query_one("#preview", PreviewPane)

    @property
    def rendered(self) -> RenderedPrompt | None:
        """The prompt shown in the preview, once one is."""
        return self._preview.rendered

    def _list_findings(self, rendered: RenderedPrompt) -> None:
        review = cast("ReviewPanel | None", self._form(REVIEW))
        if review is not None:
            review.show_findings(rendered.findings)

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
        self._preview.display = not hidden
        self.set_class(hidden, "-preview-hidden")

    # --- saving (what and when: SaveController; the timer, worker and words: SaveStatus) ------

    @property
    def _status(self) -> SaveStatus:
        return self.query_one("#save-status", SaveStatus)

    @property
    def dirty(self) -> bool:
        return self.saving.dirty

    def _schedule_save(self, delay: float) -> None:
        self._status.schedule(delay, self.AUTOSAVE_LONGEST)

    def _refresh_status(self) -> None:
        self._status.refresh_status()

    def action_save(self) -> None:
        self._status.save()

    def save_before_exit(self) -> str | None:
        """Save now, on the UI thread (the app is leaving). Returns the reason it failed, if so."""
        self._preview.cancel()
        self.apply_pending_item_edits()
        return self._status.save_now()

    # --- elsewhere -------------------------------------------------------------------------------

    def on_unmount(self) -> None:
        self.saving.close()  # another instance may edit this incident now

    def action_open_picker(self) -> None:
        error = self.save_before_exit()
        if error is not None:
            return  # the NOT SAVED notification is up; stay with the data
        self.post_message(self.Leave())
