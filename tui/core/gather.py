"""Gathered text into a session without losing what the engineer typed.

A blank field takes the offered text; a field that has text keeps it, and the new text is
appended under a marked header ("--- gathered from git /srv/checkout at 2026-11-29 14:20 UTC ---").
Text already there is not added twice, and change items are added only for refs the list does
not have yet, so gathering again adds nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tui.core.gather_git import SHORT_SHA, GitGather
from tui.core.list_schema import TIME_FORMAT
from tui.core.model import Session
from tui.core.schema import FIELDS_BY_KEY
from tui.core.testdetect import commands_text, detect_test_commands

#: A ref shorter than this is not taken as the same commit as a longer one it starts.
MIN_REF = 7


@dataclass(frozen=True)
class Offer:
    """Text offered for one field, and what shows it is there already."""

    key: str
    text: str
    #: Each of these in the field means the offer is already in it.
    already: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return FIELDS_BY_KEY[self.key].label


def header(source: str, when: datetime) -> str:
    return f"--- gathered from {source} at {when.strftime(TIME_FORMAT)} UTC ---"


def is_present(session: Session, offer: Offer) -> bool:
    existing = session.get(offer.key)
    marks = offer.already or (offer.text.strip(),)
    return all(mark in existing for mark in marks)


def add_text(session: Session, offer: Offer, source: str, when: datetime) -> str:
    """Put an offer into its field: "set" (it was blank), "appended" (under a header) or
    "unchanged" (nothing offered, or it is there already)."""
    if not offer.text.strip() or is_present(session, offer):
        return "unchanged"
    existing = session.get(offer.key)
    if not existing.strip():
        session.set(offer.key, offer.text)
        return "set"
    session.set(offer.key, f"{existing.rstrip()}\n\n{header(source, when)}\n{offer.text}")
    return "appended"


def _same_ref(a: str, b: str) -> bool:
    a, b = a.strip().lower(), b.strip().lower()
    if min(len(a), len(b)) < MIN_REF:
        return a == b and bool(a)
    return a.startswith(b) or b.startswith(a)


def add_changes(session: Session, items: Iterable[Mapping[str, str]]) -> int:
    """Append the change items whose ref the list does not have yet; how many were added."""
    have = [str(item.get("ref", "")) for item in session.items("changes")]
    added = 0
    for item in items:
        ref = item.get("ref", "")
        if any(_same_ref(ref, old) for old in have):
            continue
        session.add_item("changes", **item)
        have.append(ref)
        added += 1
    return added


def git_offers(found: GitGather) -> list[Offer]:
    """The field texts a git gather offers: changed files and testing commands."""
    offers = []
    files = found.files_text()
    if files:
        listing = files.split("\n", 1)[1] if "\n" in files else files
        offers.append(Offer("suspected_files", files, (found.head[:SHORT_SHA], listing)))
    tests = commands_text(detect_test_commands(found.repo))
    if tests:
        offers.append(Offer("testing_commands", tests))
    return offers
