"""The incident as a Markdown record: what `incident-tui export --format md` writes.

The postmortem's starting point and the thing pasted into the incident channel: title, severity,
status and times, the summary and the facts, the timeline, the changes and hypotheses with their
status, the checklist with its states, the open unknowns and the latest answer. Every value is
stripped of escapes and masked like the prompt (unless the caller asks for no masking); a
multi-line value sits in a fenced block longer than any backtick run inside it. Textual-free.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui.core.list_schema import TIME_FORMAT
from tui.core.masking import RedactOptions
from tui.core.model import Session
from tui.core.prompt import fence_for
from tui.core.sanitize import strip_controls
from tui.core.schema import CONTEXT_FIELDS, FIELDS_BY_KEY
from tui.core.story import in_time_order

if TYPE_CHECKING:
    from tui.core.redact import Finding

Cleaner = Callable[[str, object], str]
#: How a checklist state reads in the record: done items are ticked boxes.
_BOX = {"done": "[x]", "todo": "[ ]", "failed": "[ ]", "skipped": "[ ]"}


@dataclass(frozen=True)
class Record:
    text: str
    #: Every secret met, masked or un-masked by the user (empty without masking).
    findings: tuple[Finding, ...]


#: A line starting like this would begin a Markdown block (a heading, a fence, an HTML comment
#: hiding the rest, a list, a quote, a table): such a value is fenced even on one line.
_BLOCK_START = re.compile(r"[#`~<>|*+=_-]|\d{1,9}[.)]")


def _block(value: str) -> str:
    if "\n" not in value and not _BLOCK_START.match(value):
        return value
    fence = fence_for(value)
    return f"{fence}\n{value}\n{fence}"


def _inline(value: str) -> str:
    return " ".join(value.split())


def export_markdown(
    session: Session, *, redact: RedactOptions | None, as_of: datetime | None = None
) -> Record:
    """The Markdown record of `session`; masked with `redact`, or not at all when it is None."""
    redactor = None
    if redact is not None:
        from tui.core.redact import Redactor

        redactor = Redactor(redact)

    def clean(where: str, raw: object) -> str:
        text = strip_controls(raw if isinstance(raw, str) else "").strip()
        return redactor.redact(text, where) if redactor is not None and text else text

    out: list[str] = []
    add = out.append
    title = _inline(clean("title", session.display_title)) or "Untitled incident"
    add(f"# {title}\n")
    severity = session.severity if session.severity != "unknown" else "unknown"
    add(f"- **Severity:** {severity}")
    add(f"- **Status:** {session.status}")
    add(f"- **Started at:** {_inline(clean('started_at', session.started_at)) or 'unknown'}")
    add(f"- **Opened:** {_stamp(session.created_at)} · **Updated:** {_stamp(session.updated_at)}")
    add(f"- **Record as of:** {_stamp(as_of or datetime.now(UTC))}")
    add(f"- **Template:** {_inline(strip_controls(session.template))}\n")
    _facts(session, clean, add)
    _lists(session, clean, add)
    unknown = [f.label for f in session.unknowns()]
    add("## Open unknowns\n")
    add("\n".join(f"- {label}" for label in unknown) + "\n" if unknown else "None.\n")
    answers = session.items("answers")
    if answers:
        latest = answers[-1]
        cut = " (partial: the agent was stopped before it ended)" if latest.get("partial") else ""
        what = _inline(clean("answers.template", latest.get("template", "")))
        add(
            f"## Latest agent answer\n\n{_inline(clean('answers.at', latest.get('at', '')))} UTC, "
            f"from the {what or 'unknown'} template{cut}; {len(answers)} answer(s) in all.\n"
        )
        text = clean("answers.text", latest.get("text", ""))
        add(f"{fence_for(text)}markdown\n{text}\n{fence_for(text)}\n")
    findings = tuple(redactor.findings) if redactor is not None else ()
    return Record("\n".join(out).rstrip("\n") + "\n", findings)


def _stamp(when: datetime) -> str:
    try:
        return when.astimezone(UTC).strftime(TIME_FORMAT) + " UTC"
    except (OverflowError, ValueError):
        return str(when)


def _facts(session: Session, clean: Cleaner, add: Callable[[str], None]) -> None:
    summary = clean("incident_summary", session.get("incident_summary"))
    add("## Summary\n")
    add((_block(summary) if summary else "_Unknown (not provided)_") + "\n")
    for key in ("question", "agent_scope"):
        value = clean(key, session.get(key))
        if value:
            # A fence must start its own line: after "**Question:**" it would be a code span,
            # and a blank line inside the value would end it and let the rest be headings.
            block = _block(value)
            sep = "\n\n" if block != value else " "
            add(f"**{FIELDS_BY_KEY[key].label}:**{sep}{block}\n")
    add("## Facts\n")
    for f in CONTEXT_FIELDS:
        if f.key == "incident_summary":
            continue
        value = clean(f.key, session.get(f.key))
        add(f"### {f.label}\n\n{_block(value) if value else '_Unknown (not provided)_'}\n")


def _lists(session: Session, clean: Cleaner, add: Callable[[str], None]) -> None:
    def cell(table: str, item: Mapping[str, object], key: str) -> str:
        return _inline(clean(f"{table}.{key}", item.get(key, "")))

    timeline = in_time_order(session.items("timeline"))
    add("## Timeline (UTC)\n")
    lines = []
    for e in timeline:
        outcome = cell("timeline", e, "outcome")
        at = cell("timeline", e, "at") or "(time unknown)"
        line = f"- **{at}** [{cell('timeline', e, 'kind')}] {cell('timeline', e, 'text')}"
        lines.append(line + (f" — outcome: {outcome}" if outcome else ""))
    add("\n".join(lines) + "\n" if lines else "No entries.\n")
    add("## Changes\n")
    lines = []
    for c in session.items("changes"):
        ref, when, why = (cell("changes", c, k) for k in ("ref", "when", "why"))
        line = f"- [{cell('changes', c, 'relation')}] {cell('changes', c, 'what') or '(unnamed)'}"
        line += f" ({ref})" if ref else ""
        line += f" at {when}" if when else ""
        lines.append(line + (f" — why: {why}" if why else ""))
    add("\n".join(lines) + "\n" if lines else "None recorded.\n")
    add("## Hypotheses\n")
    lines = []
    for h in session.items("hypotheses"):
        evidence = cell("hypotheses", h, "evidence")
        line = f"- [{cell('hypotheses', h, 'status')}] {cell('hypotheses', h, 'text')}"
        lines.append(line + (f" — evidence: {evidence}" if evidence else ""))
    add("\n".join(lines) + "\n" if lines else "None recorded.\n")
    add("## Checklist\n")
    sections: dict[str, list[str]] = {}
    for item in session.items("checklist"):
        state = str(item.get("state", "todo"))
        at, note = cell("checklist", item, "at"), cell("checklist", item, "note")
        line = f"- {_BOX.get(state, '[ ]')} {cell('checklist', item, 'text')} — {state}"
        line += f" at {at}" if at else ""
        line += f"; note: {note}" if note else ""
        sections.setdefault(cell("checklist", item, "section") or "Checklist", []).append(line)
    if not sections:
        add("No items.\n")
    for section, lines in sections.items():
        add(f"### {section}\n\n" + "\n".join(lines) + "\n")
