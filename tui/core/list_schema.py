"""The schema of the incident's lists (timeline, changes, hypotheses, answers, checklist): each
list's name in the session file and the keys of its items, declared once as the fields are in
schema.py. The file format, the forms, the prompt and the CLI ask this module, never list keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from tui.core.schema import normalize_choice


class Column(NamedTuple):
    """One key of a list item, e.g. a timeline entry's `kind`."""

    key: str
    label: str
    #: The values it may take (the first is the default), or () for free text.
    choices: tuple[str, ...] = ()
    #: A true/false key (TOML boolean, default false) instead of a string.
    boolean: bool = False

    @property
    def default(self) -> str:
        return self.choices[0] if self.choices else ""

    def normalize(self, value: str) -> str:
        """A choice in its declared spelling (blank: the default). Raises ValueError."""
        if not self.choices:
            return value
        return normalize_choice(self.key, self.choices, self.default, value)


class Table(NamedTuple):
    """An array of tables in the session file: its TOML name and the keys of each item."""

    key: str
    label: str
    columns: tuple[Column, ...]
    #: The keys that say which item it is: a merge of two copies of the list matches on them.
    identity: tuple[str, ...]

    @property
    def columns_by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}


TIMELINE_KINDS: tuple[str, ...] = (
    "note",
    "detected",
    "acknowledged",
    "action",
    "observation",
    "mitigated",
    "resolved",
)
RELATIONS: tuple[str, ...] = ("unknown", "suspect", "caused", "unrelated", "dismissed")
HYPOTHESIS_STATUSES: tuple[str, ...] = ("open", "ruled-out", "confirmed")
#: The UTC stamp `incident-tui note` and the wizard write; `at` may also be free text ("~14:05").
TIME_FORMAT = "%Y-%m-%d %H:%M"
CHECKLIST_STATES: tuple[str, ...] = ("todo", "done", "failed", "skipped")
#: More items than this in one list is not an incident someone typed: the file is refused.
MAX_ITEMS = 5000

TABLES: tuple[Table, ...] = (
    Table(
        "timeline",
        "Timeline",
        (
            Column("at", "At"),
            Column("kind", "Kind", TIMELINE_KINDS),
            Column("text", "Text"),
            Column("outcome", "Outcome"),
        ),
        identity=("at", "kind", "text"),
    ),
    Table(
        "changes",
        "Changes",
        (
            Column("when", "When"),
            Column("what", "What"),
            Column("ref", "Ref"),
            Column("relation", "Relation", RELATIONS),
            Column("why", "Why"),
        ),
        identity=("when", "what", "ref"),
    ),
    Table(
        "hypotheses",
        "Hypotheses",
        (
            Column("text", "Text"),
            Column("status", "Status", HYPOTHESIS_STATUSES),
            Column("evidence", "Evidence"),
        ),
        identity=("text",),
    ),
    # The agent's answers, as pasted, loaded or captured by `send` (escapes stripped on the way
    # in, masked on the way out); `partial` when the agent was stopped before it finished.
    Table(
        "answers",
        "Agent answers",
        (
            Column("at", "At"),
            Column("template", "Template"),
            Column("text", "Text"),
            Column("partial", "Partial", boolean=True),
        ),
        identity=("at", "template", "text"),
    ),
    # The actions of the answers (tui.core.checklist): one item per text, whatever answer
    # repeats it, so a ticked item stays ticked.
    Table(
        "checklist",
        "Checklist",
        (
            Column("section", "Section"),
            Column("text", "Text"),
            Column("state", "State", CHECKLIST_STATES),
            Column("at", "At"),
            Column("note", "Note"),
        ),
        identity=("text",),
    ),
)
TABLES_BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}


def checklist_progress(items: Sequence[Mapping[str, object]]) -> str:
    """ "2/7": a checklist's items done, of all."""
    return f"{sum(1 for item in items if str(item.get('state', '')) == 'done')}/{len(items)}"
