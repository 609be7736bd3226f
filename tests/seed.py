"""Reads the seed prompt specification: tests check the rendered prompt against it, not a copy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEED_FILE = Path(__file__).parent / "data" / "incident-planner-prompt.txt"


@dataclass(frozen=True)
class Seed:
    role: list[str]  # the opening sentences
    labels: list[str]  # the 15 context labels
    constraints: list[str]
    tasks: list[tuple[str, list[str]]]  # (task sentence, its sub-bullets)
    headings: list[str]
    verification: list[str]
    closing: str


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0].strip()


def load_seed() -> Seed:
    lines = SEED_FILE.read_text(encoding="utf-8").splitlines()
    body = next(line for line in lines if line.startswith("You are an expert"))
    role = re.split(r"(?<=\.) ", body.split(" Context:", 1)[0])
    context = _between(body, " Context: ", " Important constraints:")
    labels = re.findall(r"([A-Z][\w ]+?): \[\1\]", context)
    constraint_text = _between(body, "Important constraints:", " Task:")
    constraints = [c.strip() for c in re.split(r"(?:^|\s)- ", constraint_text) if c.strip()]
    task_text = _between(body, " Task: ", " Output format:")
    tasks = []
    for chunk in re.split(r"(?:^| )\d+\. ", task_text):
        if not chunk.strip():
            continue
        sentence, *bullets = chunk.split(" - ")
        tasks.append((sentence.strip(), [b.strip() for b in bullets]))
    headings = [
        "## " + h.strip()
        for h in _between(body, "Output format:", " Verification:").split("## ")
        if h.strip()
    ]
    verification_text = _between(body, " Verification: ", " Begin the")
    intro, *checks = verification_text.split(" - ")
    closing = "Begin the" + body.split(" Begin the", 1)[1]
    return Seed(
        role=role,
        labels=labels,
        constraints=constraints,
        tasks=tasks,
        headings=headings,
        verification=[intro.strip(), *(c.strip() for c in checks)],
        closing=closing.strip(),
    )
