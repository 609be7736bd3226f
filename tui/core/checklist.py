"""The checklist: the actions an agent's answer lists, kept in the session and ticked off.

An answer in the seed's output format holds its actions as Markdown lists under a few headings
(Investigation Checklist, Safe Hotfix Plan, Rollback Plan, Verification Steps); any `- [ ]` or
`- [x]` checkbox elsewhere is an action too. `parse_actions` finds them; `merge_actions` adds
them to the session's `[[checklist]]`, one item per text, so a second answer that repeats an
action neither duplicates it nor resets its state. Textual-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from tui.core.list_schema import CHECKLIST_STATES, MAX_ITEMS
from tui.core.model import Item, Session
from tui.core.sanitize import strip_controls

#: The output headings of the seed prompt whose lists are actions to tick off.
ACTION_SECTIONS: tuple[str, ...] = (
    "Investigation Checklist",
    "Safe Hotfix Plan",
    "Rollback Plan",
    "Verification Steps",
)
#: The section of a checkbox found outside every heading.
NO_SECTION = "Checklist"
#: An action longer than this is cut (an agent's list item is a sentence or two).
MAX_ACTION_CHARS = 1000

_SECTION_BY_KEY = {s.casefold(): s for s in ACTION_SECTIONS}
# Headings are taken apart with str methods after a prefix match: a pattern with a lazy group
# before trailing `\s*#*\s*$` backtracks cubically on a long line of spaces (an answer hung).
_ATX = re.compile(r"\s{0,3}#{1,6}\s+(.*)")  # "## 5. Investigation Checklist ##"
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_CHECKBOX = re.compile(r"^\[([ xX])\]\s+(.*)$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


class Action(NamedTuple):
    section: str
    text: str
    #: "done" for a ticked checkbox (`- [x]`), else "todo".
    state: str = "todo"


def heading_title(text: str) -> str:
    """A heading's words: emphasis, a leading "5." and a trailing colon taken off."""
    name = text.strip().strip("*_").strip()
    name = re.sub(r"^\d{1,3}[.)]\s*", "", name)
    return name.rstrip(":").strip().strip("*_").strip()


def _bold(line: str) -> str | None:
    """The words of "**Safe Hotfix Plan:**" (or "__…__", a colon after it) alone on a line."""
    text = line.strip()
    if text.endswith(":"):
        text = text[:-1].rstrip()
    for mark in ("**", "__"):
        if len(text) > 4 and text.startswith(mark) and text.endswith(mark):
            return text[2:-2]
    return None


def _heading(line: str) -> str | None:
    """The title of a heading line (ATX, a bold line, or "Rollback Plan:"), or None."""
    atx = _ATX.match(line)
    words = atx.group(1).rstrip().rstrip("#").rstrip() if atx is not None else _bold(line)
    if words is not None:
        return heading_title(words)
    title = heading_title(line)
    return title if title.casefold() in _SECTION_BY_KEY else None


def _clean(text: str) -> str:
    one_line = " ".join(strip_controls(text).split())
    if len(one_line) > MAX_ACTION_CHARS:
        one_line = one_line[: MAX_ACTION_CHARS - 1].rstrip() + "…"
    return one_line


def parse_actions(answer: str) -> list[Action]:
    """The actions of an answer, in its order (see the module's docstring).

    Under an action heading every list item counts, nested ones too, except a label that only
    introduces the items under it ("Immediate checks:"). Code blocks are skipped. A line that
    continues a list item (indented, not a new item) joins it."""
    actions: list[tuple[str, list[str], str, int]] = []  # section, text lines, state, indent
    section: str | None = None
    heading = NO_SECTION
    fence: str | None = None
    current: tuple[str, list[str], str, int] | None = None
    for line in strip_controls(answer).split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence, current = opened.group(1), None
            continue
        item = _ITEM.match(line)
        title = _heading(line) if item is None else None
        if title is not None:
            section = _SECTION_BY_KEY.get(title.casefold())
            heading = _clean(title) or NO_SECTION
            current = None
            continue
        if item is not None:
            indent, body = len(item.group(1).expandtabs(4)), item.group(2)
            box = _CHECKBOX.match(body)
            if box is not None:
                state = "done" if box.group(1) in "xX" else "todo"
                current = (section or heading, [box.group(2)], state, indent)
                actions.append(current)
            elif section is not None:
                current = (section, [body], "todo", indent)
                actions.append(current)
            else:
                current = None
            continue
        if not line.strip():
            continue
        if current is not None and line[: current[3] + 1].strip() == "":
            current[1].append(line.strip())  # a continuation of the item above
        else:
            current = None
    result: list[Action] = []
    for n, (where, lines, state, indent) in enumerate(actions):
        text = _clean(" ".join(lines))
        following = actions[n + 1] if n + 1 < len(actions) else None
        introduces = following is not None and following[3] > indent
        if not text or (text.endswith(":") and introduces):
            continue
        result.append(Action(where, text, state))
    return result


def action_key(text: str) -> str:
    """What makes two actions the same: their words, case and spacing aside."""
    return " ".join(text.split()).casefold()


class Merged(NamedTuple):
    added: int
    #: Actions the list already held (their state and note are kept as they are).
    known: int
    #: Actions dropped because the list is full.
    dropped: int = 0


def merge_actions(session: Session, actions: Iterable[Action], at: str) -> Merged:
    """Add the actions the session's checklist does not hold yet (by `action_key`); one that it
    holds keeps its state, its time and its note. A ticked new action is stamped `at`."""
    items = session.items("checklist")
    have = {action_key(str(item.get("text", ""))) for item in items}
    added = known = dropped = 0
    for action in actions:
        key = action_key(action.text)
        if key in have:
            known += 1
            continue
        if len(items) >= MAX_ITEMS:
            dropped += 1
            continue
        item: Item = {"section": action.section, "text": action.text, "state": action.state}
        if action.state != "todo":
            item["at"] = at
        items.append(item)
        have.add(key)
        added += 1
    return Merged(added, known, dropped)


def next_state(state: str) -> str:
    """The state one key press moves an item to: todo → done → failed → skipped → todo."""
    states: Sequence[str] = CHECKLIST_STATES
    try:
        return states[(states.index(state) + 1) % len(states)]
    except ValueError:
        return states[0]


def set_state(item: Item, state: str, at: str) -> None:
    """Set an item's state and stamp the time (back to todo clears the stamp)."""
    if state not in CHECKLIST_STATES:
        raise ValueError(f"state must be one of {', '.join(CHECKLIST_STATES)}, not {state!r}")
    item["state"] = state
    if state == "todo":
        item.pop("at", None)
    else:
        item["at"] = at
