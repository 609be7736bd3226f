"""The incident field schema: declared once, used by the forms, the file, the prompt and the CLI.

Every other module asks this one which fields exist, what they are called, which step of the
wizard they belong to and where they live in the session file. Nothing else lists fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

#: "line" is a single line, "text" and "large" are multi-line ("large" may hold a pasted log),
#: "choice" is one of the field's `choices`.
Kind = Literal["line", "text", "large", "choice"]
Place = Literal["meta", "fields"]


def normalize_choice(name: str, choices: tuple[str, ...], default: str, value: str) -> str:
    """`value` as one of `choices` in its declared spelling, any case; blank is `default`.

    Raises ValueError, naming `name`, for a value it does not offer."""
    cleaned = value.strip()
    if not cleaned:
        return default
    for choice in choices:
        if cleaned.lower() == choice.lower():
            return choice
    raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


#: What a blank value says about most fields: nothing, so they count as unknown.
BLANK_IS_UNKNOWN: frozenset[str] = frozenset({""})
NEVER_UNKNOWN: frozenset[str] = frozenset()


class Step(NamedTuple):
    key: str
    title: str


class Field(NamedTuple):
    key: str
    #: The label as the seed prompt spells it; also the form label.
    label: str
    step: str
    kind: Kind
    #: One line that tells a stressed engineer what to paste here.
    help: str
    #: "meta" fields sit at the top of the session file, "fields" ones in its [fields] table.
    place: Place = "fields"
    #: Position in the prompt's context list (the seed's order), or None when not a context line.
    seed_position: int | None = None
    #: Rendered into the prompt's context list (the preview follows it there).
    in_prompt: bool = True
    #: For a "choice" field, the values it may take, in the order the form offers them.
    choices: tuple[str, ...] = ()
    #: The value of a new incident (a choice field's blank value too).
    default: str = ""
    #: The stripped values that say nothing about the incident: the field is then an unknown.
    unknown_values: frozenset[str] = BLANK_IS_UNKNOWN
    #: Long lines wrap in the editor. Logs scroll sideways instead: at 80×24 a wrapped log line
    #: takes 3–5 rows and the log cannot be read.
    wrap: bool = True

    def normalize(self, value: str) -> str:
        """The value as stored: a choice in its declared spelling, a blank choice its default.

        Raises ValueError for a choice it does not offer."""
        if self.kind != "choice":
            return value
        return normalize_choice(self.key.replace("_", " "), self.choices, self.default, value)


STEPS: tuple[Step, ...] = (
    Step("context", "Context"),
    Step("evidence", "Evidence"),
    Step("changes", "Changes"),
    Step("recovery", "Rollback & done"),
)

UNKNOWN_SEVERITY = "unknown"
#: The template a new incident renders with.
DEFAULT_TEMPLATE = "incident-response"
STATUSES: tuple[str, ...] = ("investigating", "identified", "monitoring", "mitigated", "resolved")

# Wizard order. `seed_position` gives the prompt order, which the seed fixes differently.
FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        "Title",
        "context",
        "line",
        "A short name for lists; left blank, the first line of the summary is used.",
        place="meta",
        in_prompt=False,
        unknown_values=NEVER_UNKNOWN,
    ),
    Field(
        "severity",
        "Severity",
        "context",
        "choice",
        "SEV1 is a full outage or data loss; SEV4 a minor annoyance. 'unknown' is fine.",
        place="meta",
        choices=("SEV1", "SEV2", "SEV3", "SEV4", UNKNOWN_SEVERITY),
        default=UNKNOWN_SEVERITY,
        unknown_values=frozenset({"", UNKNOWN_SEVERITY}),
    ),
    Field(
        "started_at",
        "Started at",
        "context",
        "line",
        'When it started, as precisely as you know: "14:07 UTC, maybe earlier".',
        place="meta",
    ),
    Field(
        "incident_summary",
        "Incident summary",
        "context",
        "text",
        "One or two sentences: what is broken, since when, how badly.",
        seed_position=2,
    ),
    Field(
        "project_context",
        "Project context",
        "context",
        "text",
        "The service, its language and framework, the repo and how it is deployed.",
        seed_position=1,
    ),
    Field(
        "affected_systems",
        "Affected users or systems",
        "context",
        "text",
        "Who or what is hurting: which users, regions, tenants, services, endpoints.",
        seed_position=3,
    ),
    Field(
        "environment",
        "Environment",
        "context",
        "text",
        "production / staging, region, cluster, versions, feature flags in play.",
        seed_position=9,
    ),
    Field(
        "expected_behavior",
        "Expected behavior",
        "context",
        "text",
        "What should happen when it works.",
        seed_position=7,
    ),
    Field(
        "current_behavior",
        "Current broken behavior",
        "context",
        "text",
        "What happens instead: status codes, wrong data, timeouts, error pages.",
        seed_position=8,
    ),
    Field(
        "error_logs",
        "Error messages or logs",
        "evidence",
        "large",
        "Paste the stack traces and log lines, or load them from a file (large logs are fine).",
        seed_position=4,
        wrap=False,
    ),
    Field(
        "monitoring",
        "Monitoring or alert data",
        "evidence",
        "text",
        "The alert that fired, dashboards, error-rate and latency numbers, with times.",
        seed_position=10,
        wrap=False,
    ),
    Field(
        "recent_changes",
        "Recent deployments or changes",
        "changes",
        "text",
        "Deploys, merges, config or flag flips, infra changes, with times and versions.",
        seed_position=5,
    ),
    Field(
        "suspected_files",
        "Changed files or suspected files",
        "changes",
        "text",
        "Paths, diffs or commit SHAs that look related.",
        seed_position=6,
    ),
    Field(
        "database_changes",
        "Database or migration changes",
        "changes",
        "text",
        "Migrations run or pending, schema or data changes, backfills, their reversibility.",
        seed_position=11,
    ),
    Field(
        "external_dependencies",
        "External APIs or dependencies",
        "changes",
        "text",
        "Third-party APIs, payment providers, queues, caches and their status pages.",
        seed_position=12,
    ),
    Field(
        "rollback_options",
        "Rollback options",
        "recovery",
        "text",
        "How you can roll back: previous release, feature flag, config revert, and its cost.",
        seed_position=13,
    ),
    Field(
        "testing_commands",
        "Testing commands",
        "recovery",
        "text",
        "The commands that prove it works: test suites, smoke checks, curl calls.",
        seed_position=14,
    ),
    Field(
        "definition_of_done",
        "Definition of done",
        "recovery",
        "text",
        "What must be true to call the incident resolved.",
        seed_position=15,
    ),
)

#: Fields of the incident's story that the wizard does not show yet: in the file, the template
#: context and the CLI. None is a seed variable, and none counts as an unknown when blank.
STORY_FIELDS: tuple[Field, ...] = (
    Field(
        "status",
        "Status",
        "context",
        "choice",
        "Where the response is: " + ", ".join(STATUSES) + ".",
        place="meta",
        in_prompt=False,
        choices=STATUSES,
        default=STATUSES[0],
        unknown_values=NEVER_UNKNOWN,
    ),
    Field(
        "question",
        "Question for the agent",
        "context",
        "text",
        'The decision you need now: "is it safe to wipe the replica\'s data dir?"',
        in_prompt=False,
        unknown_values=NEVER_UNKNOWN,
    ),
    Field(
        "agent_scope",
        "Agent scope",
        "context",
        "text",
        "What the agent may read, run and change: the checkout repo, read only; never production.",
        in_prompt=False,
        unknown_values=NEVER_UNKNOWN,
    ),
)

#: Settings of the session rather than facts of the incident: in the file and the CLI, never
#: a form field or a template variable, never unknown.
SETTING_FIELDS: tuple[Field, ...] = (
    Field(
        "template",
        "Template",
        "context",
        "line",
        "The template the prompt is rendered with (incident-tui templates lists them).",
        place="meta",
        in_prompt=False,
        default=DEFAULT_TEMPLATE,
        unknown_values=NEVER_UNKNOWN,
    ),
    Field(
        "digest",
        "Log digest",
        "context",
        "choice",
        "true: a log over its share of the prompt is digested (repeats collapsed, errors kept) "
        "before it is trimmed; false: only trimmed.",
        place="meta",
        in_prompt=False,
        choices=("true", "false"),
        default="true",
        unknown_values=NEVER_UNKNOWN,
    ),
)

#: Every field a session holds: the wizard's, the story's, then the settings.
ALL_FIELDS: tuple[Field, ...] = FIELDS + STORY_FIELDS + SETTING_FIELDS
FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in ALL_FIELDS}
STEPS_BY_KEY: dict[str, Step] = {s.key: s for s in STEPS}

#: The seed prompt's 15 variables, in the seed's order.
CONTEXT_FIELDS: tuple[Field, ...] = tuple(
    sorted((f for f in FIELDS if f.seed_position is not None), key=lambda f: f.seed_position or 0)
)
#: Keys stored in the session file's [fields] table.
FIELD_TABLE_KEYS: frozenset[str] = frozenset(f.key for f in ALL_FIELDS if f.place == "fields")
#: Fields stored at the top of the session file, and their keys.
META_FIELDS: tuple[Field, ...] = tuple(f for f in ALL_FIELDS if f.place == "meta")
META_KEYS: frozenset[str] = frozenset(f.key for f in META_FIELDS)
#: The severity field's choices, for the forms.
SEVERITIES: tuple[str, ...] = FIELDS_BY_KEY["severity"].choices


def fields_of_step(step: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.step == step)


def is_unknown(field: Field, value: str) -> bool:
    """A field counts as unknown when its value says nothing (see Field.unknown_values)."""
    # A pasted log is not stripped, which would copy it (20 MB more at the peak of opening
    # one): when its first and last 4 KB hold more than whitespace, what strip() would leave is
    # longer than any value that says nothing.
    if len(value) > 3 * 4096 and value[:4096].strip() and value[-4096:].strip():
        return False
    return value.strip() in field.unknown_values


def unknowns(values: Mapping[str, str]) -> list[Field]:
    """The fields these values leave unknown, in wizard order: the one place they are counted."""
    return [f for f in ALL_FIELDS if is_unknown(f, values.get(f.key, ""))]
