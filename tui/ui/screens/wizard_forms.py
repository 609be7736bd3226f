"""What each wizard step shows (see wizard_keys): Review, the Checklist, a step of the schema's
fields (with its lists), or a step of lists. A step with a widget of its own is one case in
make_form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.core.list_schema import TABLES_BY_KEY
from tui.core.schema import FIELDS_BY_KEY
from tui.core.session import Session
from tui.ui.screens.wizard_keys import (
    CHECKLIST,
    REVIEW,
    STEP_FIELDS,
    STEP_LISTS,
    TIMELINE,
    is_field_step,
)
from tui.ui.widgets.step_form import StepForm

if TYPE_CHECKING:
    from typing import TypeAlias

    from tui.ui.screens.review import ReviewPanel
    from tui.ui.widgets.checklist_step import ChecklistStep
    from tui.ui.widgets.list_step import ListStep

    #: A step's widget: its fields (and lists), its lists only, the Checklist, or Review.
    StepWidget: TypeAlias = StepForm | ListStep | ChecklistStep | ReviewPanel


def make_form(step: str, session: Session, stamp: Callable[[], str], *, blink: bool) -> StepWidget:
    # The widgets of the steps not shown first are imported here, when first shown.
    if is_field_step(step):
        return StepForm(step, session, blink=blink)
    if step == REVIEW:
        from tui.ui.screens.review import ReviewPanel

        return ReviewPanel(id=f"step-{REVIEW}")
    if step == CHECKLIST:
        from tui.ui.widgets.checklist_step import ChecklistStep

        return ChecklistStep(CHECKLIST, session, stamp)
    from tui.ui.widgets.list_step import ListStep

    tables = tuple(table for table, _ in STEP_LISTS.get(step, ()))
    fields = tuple(FIELDS_BY_KEY[key] for key in STEP_FIELDS.get(step, ()))
    return ListStep(step, session, tables, fields, status=step == TIMELINE, blink=blink)


async def mount_lists(form: StepForm, session: Session, *, blink: bool) -> None:
    """The lists a step of fields shows (STEP_LISTS), each after its field."""
    from tui.ui.widgets.item_list import ItemList

    for table, after in STEP_LISTS.get(form.step, ()):
        item_list = ItemList(TABLES_BY_KEY[table], session, blink=blink)
        # After the field's editor, which follows the field's head.
        anchor = form.query_children(f"#input-{after}") if after else None
        if anchor:
            await form.mount(item_list, after=anchor.first())
        else:
            await form.mount(item_list)
