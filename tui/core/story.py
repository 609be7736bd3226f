"""The incident as a story, for the prompt: status, "as of", the timeline in time order, change
items and hypotheses grouped, the question and the agent's scope, the agent's answers and the
checklist taken from them.

Every value a template sees passes through `clean` (escape stripping and masking, supplied by the
prompt), so the lists are masked exactly like the fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.core.list_schema import TABLES, TABLES_BY_KEY, TIME_FORMAT
from tui.core.schema import FIELDS_BY_KEY

#: (field or list key, value) -> the value as a template may see it.
Cleaner = Callable[[str, str], str]


@dataclass(frozen=True)
class StoryInput:
    """What the prompt needs beside the field values: the session's lists and the render time."""

    tables: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))


_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")


def _stamp(at: str) -> datetime | None:
    text = at.strip().removesuffix("UTC").removesuffix("Z").strip()
    if not _STAMP.fullmatch(text):
        return None
    try:
        return datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        return None


def in_time_order(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The entries with a "YYYY-MM-DD HH:MM" time sorted among themselves (stably); an entry
    with a free-text time ("~14:05") keeps the place the engineer gave it."""
    stamped = [(i, _stamp(str(e.get("at", "")))) for i, e in enumerate(entries)]
    slots = [i for i, when in stamped if when is not None]
    ordered = sorted(slots, key=lambda i: (stamped[i][1], i))
    result = list(entries)
    for slot, source in zip(slots, ordered, strict=True):
        result[slot] = entries[source]
    return result


#: Values printed as a block of their own, not as a bullet: their lines are not indented.
_BLOCKS = frozenset({"answers.text"})


def _clean_items(
    table: str, items: Sequence[Mapping[str, Any]], clean: Cleaner
) -> list[dict[str, Any]]:
    """Items with every declared key present and cleaned; keys the schema does not know are
    left out (a template cannot show what masking has not seen)."""
    columns = TABLES_BY_KEY[table].columns
    out = []
    for item in items:
        row: dict[str, Any] = {}
        for column in columns:
            raw = item.get(column.key, column.default)
            if column.boolean:
                row[column.key] = raw is True
                continue
            where = f"{table}.{column.key}"
            text = clean(where, raw if isinstance(raw, str) else "")
            # Items print as bullets: a continuation line is indented under its bullet.
            row[column.key] = text if where in _BLOCKS else text.replace("\n", "\n  ")
        out.append(row)
    return out


def _grouped(
    items: list[dict[str, Any]], column: str, order: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """The items by the value of one key: the declared values first (each present, maybe
    empty), then any other value in the order it first appears."""
    groups: dict[str, list[dict[str, Any]]] = {value: [] for value in order}
    for item in items:
        groups.setdefault(item[column], []).append(item)
    return groups


def _severity_scale() -> str:
    """The severity field's help, less the sentence addressed to the person filling it in."""
    sentences = re.split(r"(?<=\.) ", FIELDS_BY_KEY["severity"].help)
    return " ".join(s for s in sentences if "'unknown'" not in s)


def story_context(
    values: Mapping[str, str],
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    clean: Cleaner,
    as_of: datetime,
) -> dict[str, Any]:
    """The template variables of the story (see the README's "The prompt")."""
    lists = {
        t.key: _clean_items(
            t.key,
            in_time_order(tables.get(t.key, ())) if t.key == "timeline" else tables.get(t.key, ()),
            clean,
        )
        for t in TABLES
    }
    by = {
        table: _grouped(lists[table], column, TABLES_BY_KEY[table].columns_by_key[column].choices)
        for table, column in (("changes", "relation"), ("hypotheses", "status"))
    }
    return {
        "status": clean("status", values.get("status", "")).strip(),
        "as_of": as_of.strftime(TIME_FORMAT) + " UTC",
        "severity_scale": _severity_scale(),
        "question": clean("question", values.get("question", "")).strip(),
        "agent_scope": clean("agent_scope", values.get("agent_scope", "")).strip(),
        "timeline": lists["timeline"],
        "changes": lists["changes"],
        "changes_by_relation": by["changes"],
        "hypotheses": lists["hypotheses"],
        "hypotheses_by_status": by["hypotheses"],
        "answers": lists["answers"],
        "latest_answer": lists["answers"][-1] if lists["answers"] else None,
        "checklist": lists["checklist"],
        "checklist_by_state": _grouped(
            lists["checklist"], "state", TABLES_BY_KEY["checklist"].columns_by_key["state"].choices
        ),
        "checklist_by_section": _grouped(lists["checklist"], "section", ()),
    }


#: A value longer than this many lines is evidence (a log, a monitoring dump): it moves out of the
#: short facts into the evidence section after them, and a one-line reference stays in its place.
EVIDENCE_LINES = 40


def move_evidence(
    context: list[dict[str, Any]], trims: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Take the long values out of `context` (changed in place: their `formatted` becomes the
    one-line reference, `evidence` is set) and return them as evidence blocks, each with its
    field, its size and what was trimmed from it."""
    trimmed = {t["key"]: t for t in trims}
    blocks: list[dict[str, Any]] = []
    for item in context:
        value = item["value"]
        lines = value.count("\n") + 1
        item["evidence"] = False
        if item["unknown"] or lines <= EVIDENCE_LINES:
            continue
        size = len(value.encode("utf-8", "surrogatepass"))
        cut = trimmed.get(item["key"])
        cut_text = (
            f"{cut['lines']:,} lines, {cut['bytes']:,} bytes left out to fit the budget"
            if cut
            else "nothing trimmed"
        )
        blocks.append(
            {
                "key": item["key"],
                "label": item["label"],
                "value": value,
                "formatted": item["formatted"],
                "lines": lines,
                "bytes": size,
                "trimmed": cut_text,
                "size": f"{lines:,} lines, {size:,} bytes",
            }
        )
        item["evidence"] = True
        item["formatted"] = (
            f' {lines:,} lines; see "{item["label"]}" in the Evidence section below.'
        )
    return blocks
