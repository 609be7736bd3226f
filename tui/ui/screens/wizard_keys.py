"""The wizard's steps, in order, and the lists each shows.

Its keys and palette entries are declared with every other action in tui.ui.actions.

A step is one of: a step of the schema (its fields, tui.core.schema.STEPS), a step of lists only
(made by ListStep from STEP_LISTS, like Timeline), the Checklist (its own widget), or Review.
Adding a step is a line in WIZARD_STEPS and, for a step of lists, its entry in STEP_LISTS; a step
with a widget of its own is one more case in wizard_forms.make_form.
"""

from __future__ import annotations

from tui.core.schema import STEPS, STEPS_BY_KEY

REVIEW = "review"
TIMELINE = "timeline"
CHECKLIST = "checklist"

_SCHEMA = {s.key: s.title for s in STEPS}

#: Every step of the wizard, in order. Timeline comes right after Context: what has been done
#: and seen so far is the most decision-relevant part of the story, and it is updated all
#: through the incident, so it sits one step from the start rather than behind the logs. The
#: Checklist (the agent's actions, ticked off) comes after the facts, just before Review.
WIZARD_STEPS: tuple[tuple[str, str], ...] = (
    ("context", _SCHEMA["context"]),
    (TIMELINE, "Timeline"),
    *((s.key, s.title) for s in STEPS if s.key != "context"),
    (CHECKLIST, "Checklist"),
    (REVIEW, "Review"),
)
STEP_KEYS: tuple[str, ...] = tuple(key for key, _ in WIZARD_STEPS)

#: The lists (list_schema.TABLES) a step shows, each after one of the step's fields (None: at the
#: end). The change items sit right under the free-text "Recent deployments or changes".
STEP_LISTS: dict[str, tuple[tuple[str, str | None], ...]] = {
    TIMELINE: (("timeline", None),),
    "changes": (("changes", "recent_changes"), ("hypotheses", None)),
}
#: Fields a step of lists shows after them: the story's fields that are not in the schema's
#: steps (schema.STORY_FIELDS; status is the Timeline step's chooser).
STEP_FIELDS: dict[str, tuple[str, ...]] = {TIMELINE: ("question", "agent_scope")}
#: The step each field is on, where that is not its schema step.
FIELD_STEP: dict[str, str] = {key: step for step, keys in STEP_FIELDS.items() for key in keys}
#: The id of the Timeline step's status chooser.
STATUS_ID = "status-select"
#: What an item of each list is called, one and many.
NOUNS: dict[str, tuple[str, str]] = {
    "timeline": ("entry", "entries"),
    "changes": ("change", "changes"),
    "hypotheses": ("hypothesis", "hypotheses"),
}
#: The key that holds an item's time, in the lists that have one.
TIME_KEYS: dict[str, str] = {"timeline": "at", "changes": "when"}
#: The step each list is on.
LIST_STEP: dict[str, str] = {
    table: step for step, lists in STEP_LISTS.items() for table, _ in lists
}


def is_field_step(step: str) -> bool:
    """A step of the schema's fields (as opposed to a step of lists only, or Review)."""
    return step in STEPS_BY_KEY
