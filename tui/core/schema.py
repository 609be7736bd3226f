"""The incident field schema: declared once, used by the forms, the file, the prompt and the CLI.

Every other module asks this one which fields exist, what they are called, which step of the
wizard they belong to and where they live in the session file. Nothing else lists fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["line", "text", "large", "choice"]
Place = Literal["meta", "fields"]


@dataclass(frozen=True)
class Step:
    key: str
    title: str


@dataclass(frozen=True)
class Field:
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
    #: Rendered into the prompt (and so counted as an unknown when blank).
    in_prompt: bool = True
    #: Long lines wrap in the editor. Logs scroll sideways instead: at 80×24 a wrapped log line
    #: takes 3–5 rows and the log cannot be read.
    wrap: bool = True


STEPS: tuple[Step, ...] = (
    Step("context", "Context"),
    Step("evidence", "Evidence"),
    Step("changes", "Changes"),
    Step("recovery", "Rollback & done"),
)

SEVERITIES: tuple[str, ...] = ("SEV1", "SEV2", "SEV3", "SEV4", "unknown")
UNKNOWN_SEVERITY = "unknown"

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
    ),
    Field(
        "severity",
        "Severity",
        "context",
        "choice",
        "SEV1 is a full outage or data loss; SEV4 a minor annoyance. 'unknown' is fine.",
        place="meta",
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

FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
STEPS_BY_KEY: dict[str, Step] = {s.key: s for s in STEPS}

#: The seed prompt's 15 variables, in the seed's order.
CONTEXT_FIELDS: tuple[Field, ...] = tuple(
    sorted((f for f in FIELDS if f.seed_position is not None), key=lambda f: f.seed_position or 0)
)
#: Keys stored in the session file's [fields] table.
FIELD_TABLE_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS if f.place == "fields")
#: Keys stored at the top of the session file.
META_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS if f.place == "meta")


def fields_of_step(step: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.step == step)


def is_unknown(field: Field, value: str) -> bool:
    """A field counts as unknown when it is in the prompt and its value says nothing."""
    if not field.in_prompt:
        return False
    if field.kind == "choice":
        return value.strip() in ("", UNKNOWN_SEVERITY)
    return not value.strip()
