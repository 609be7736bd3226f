"""Start-up order and work: the whole first step is laid out before the prompt preview's work
starts, and nothing is styled or focused twice on the way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.css.stylesheet import Stylesheet
from ui_helpers import settle, wizard

from tui.core.list_schema import TABLES
from tui.core.schema import FIELDS_BY_KEY, STEPS, fields_of_step
from tui.ui.app import IncidentApp
from tui.ui.screens.wizard import WizardScreen
from tui.ui.widgets.choice_badge import ChoiceBadge
from tui.ui.widgets.field_editor import FieldEditor
from tui.ui.widgets.item_row import ItemRow
from tui.ui.widgets.preview import PreviewPane
from tui.ui.widgets.step_form import StepForm
from tui.ui.widgets.step_list import StepList

MakeApp = Callable[..., IncidentApp]


async def test_the_preview_starts_rendering_once_the_whole_first_step_is_on_screen(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render runs in a thread that shares the interpreter with the UI thread: started
    while the first step is being completed, it delays the step a person is waiting for."""
    seen: list[tuple[bool, list[str]]] = []
    render_now = PreviewPane.render_now

    def spy(self: PreviewPane) -> None:
        screen = wizard(self.app)
        missing = [f.key for f in fields_of_step(STEPS[0].key) if screen.editor(f.key) is None]
        seen.append((screen.forms_settled, missing))
        render_now(self)

    monkeypatch.setattr(PreviewPane, "render_now", spy)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert wizard(app).rendered is not None
    assert seen and seen[0] == (True, [])


async def test_the_whole_first_step_is_composed_with_the_screen(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every field of the first step is there when the screen mounts, before its first frame:
    a field mounted after it costs a layout and a frame more before the step is whole."""
    mounted: list[str] = []
    on_mount = WizardScreen.on_mount

    async def spy(self: WizardScreen) -> None:
        mounted.extend(f.key for f in fields_of_step(STEPS[0].key) if self.editor(f.key))
        await on_mount(self)

    monkeypatch.setattr(WizardScreen, "on_mount", spy)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
    assert mounted == [f.key for f in fields_of_step(STEPS[0].key)]


async def test_focus_starts_in_the_first_field_without_passing_through_the_step_list(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Focus that lands on the step list and then moves on restyles both and costs the start
    a whole frame more."""
    focused: list[str] = []
    monkeypatch.setattr(
        StepList, "on_focus", lambda self, event: focused.append("steps"), raising=False
    )
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        first = fields_of_step(STEPS[0].key)[0].key
        assert app.focused is not None and app.focused.id == f"input-{first}"
    assert focused == []


async def test_editors_get_their_styles_once_when_mounted_not_before(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A class set on a widget that is not mounted yet makes Textual apply the whole stylesheet
    to it, for nothing: it is applied again on mount."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        applied: list[object] = []
        apply = Stylesheet.apply

        def counting(self: Stylesheet, node: object, **kwargs: object) -> None:
            applied.append(node)
            apply(self, node, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Stylesheet, "apply", counting)
        unknown = FieldEditor(FIELDS_BY_KEY["incident_summary"], "")
        form = StepForm(STEPS[0].key, wizard(app).session, current=True)
        list(form.compose())
        table = TABLES[0]
        row = ItemRow(table, {c.key: "" for c in table.columns}, blink=False)
        row._input(next(c for c in table.columns if not c.choices))
        badge = ChoiceBadge(next(c for t in TABLES for c in t.columns if c.choices), "")
        badge.show(badge.column.choices[0])
        assert unknown.has_class("-unknown")
        assert applied == []


async def test_a_field_is_its_head_and_its_editor(make_app: MakeApp) -> None:
    """Every widget in the form is styled, laid out and drawn on every frame: a field's label,
    UNKNOWN badge and help line are one widget."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        for field in fields_of_step(STEPS[0].key):
            editor = wizard(app).editor(field.key)
            assert editor is not None
            head, widget = editor.widgets()
            assert widget.id == editor.input_id
            assert head is editor and head.has_class("field-head")
            # Side by side in the form, no box around them.
            assert widget.parent is head.parent and not head.children
            first, *rest = str(head.render()).split("\n")
            badge = "  UNKNOWN " if editor.has_class("-unknown") else ""
            assert first == field.label + badge
            assert " ".join(rest) == field.help
