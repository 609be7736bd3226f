"""The schema is the file format users script against: its keys and order are a promise."""

from __future__ import annotations

import re
from pathlib import Path

from tui.core.schema import CONTEXT_FIELDS, FIELDS, STEPS, fields_of_step, is_unknown

SEED = Path(__file__).parent / "data" / "incident-planner-prompt.txt"

# design.md's table: the keys of the session file's [fields] table, by wizard step.
DESIGN_KEYS = {
    "context": [
        "incident_summary",
        "project_context",
        "affected_systems",
        "environment",
        "expected_behavior",
        "current_behavior",
    ],
    "evidence": ["error_logs", "monitoring"],
    "changes": ["recent_changes", "suspected_files", "database_changes", "external_dependencies"],
    "recovery": ["rollback_options", "testing_commands", "definition_of_done"],
}


def seed_variables() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    block = text.split("Variables to Replace\n", 1)[1].split("How to Use This Prompt", 1)[0]
    return [line.removeprefix("- ").strip() for line in block.splitlines() if line.strip()]


def test_field_keys_are_those_of_the_design_in_each_step() -> None:
    for step, keys in DESIGN_KEYS.items():
        in_step = [f.key for f in fields_of_step(step) if f.place == "fields"]
        assert in_step == keys


def test_context_fields_follow_the_seed_variables_in_order() -> None:
    assert [f.label for f in CONTEXT_FIELDS] == seed_variables()
    assert len(CONTEXT_FIELDS) == 15


def test_every_field_has_a_one_line_help_and_a_known_step() -> None:
    steps = {s.key for s in STEPS}
    for field in FIELDS:
        assert field.step in steps
        assert field.help.strip() and "\n" not in field.help
        assert re.fullmatch(r"[a-z_]+", field.key)


def test_blank_and_unknown_severity_are_unknowns_but_the_title_is_not() -> None:
    by_key = {f.key: f for f in FIELDS}
    assert is_unknown(by_key["error_logs"], "  \n ")
    assert not is_unknown(by_key["error_logs"], "x")
    assert is_unknown(by_key["severity"], "unknown")
    assert not is_unknown(by_key["severity"], "SEV2")
    assert not is_unknown(by_key["title"], "")
