"""Answers and the checklist in core: an answer's action lists become checklist items, a second
answer merges by text (never duplicating, never un-ticking), the file keeps both lists, and
answers are hostile text (size limit, escapes stripped, masked on the way out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.answers import (
    MAX_ANSWER_BYTES,
    AnswerError,
    add_answer,
    read_answer_file,
    read_answer_stream,
)
from tui.core.checklist import Action, next_state, parse_actions, set_state
from tui.core.model import SessionError
from tui.core.prompt import TemplateLibrary, prompt_for
from tui.core.session import Session, SessionStore
from tui.core.sessionfile import session_from_text

SEED_ANSWER = """## Incident Summary
- Checkout returns 500 since the 14:05 deploy

## Likely Root Causes
- The currency cache is empty

## Investigation Checklist
- Immediate checks:
  - Check the error rate on checkout-api
  - Tail the checkout logs
    for KeyError
- Reproduce with `curl -i https://checkout/pay`

```sh
- kubectl delete pod --all
```

## 6. Safe Hotfix Plan
1. Warm the currency cache
2) Redeploy 4.2.1 with the fix

**Rollback Plan:**
* Roll back to 4.2.0

## Verification Steps
- [ ] Run the smoke tests
- [x] Page the payments team

## Final Recommendations
- [ ] Write the postmortem
- Keep watching p99
"""


def test_the_action_sections_and_every_checkbox_become_items() -> None:
    actions = parse_actions(SEED_ANSWER)
    assert actions == [
        Action("Investigation Checklist", "Check the error rate on checkout-api"),
        Action("Investigation Checklist", "Tail the checkout logs for KeyError"),
        Action("Investigation Checklist", "Reproduce with `curl -i https://checkout/pay`"),
        Action("Safe Hotfix Plan", "Warm the currency cache"),
        Action("Safe Hotfix Plan", "Redeploy 4.2.1 with the fix"),
        Action("Rollback Plan", "Roll back to 4.2.0"),
        Action("Verification Steps", "Run the smoke tests"),
        Action("Verification Steps", "Page the payments team", "done"),
        Action("Final Recommendations", "Write the postmortem"),
    ]


def test_escapes_in_an_answer_never_reach_an_item() -> None:
    [action] = parse_actions("## Rollback Plan\n- roll \x1b]52;c;aGk=\x07back\x1b[31m now\x00\n")
    assert action.text == "roll back now"


def test_the_same_answer_twice_adds_no_item_and_a_ticked_item_stays_ticked(
    store: SessionStore,
) -> None:
    session = store.create("t")
    first = add_answer(session, SEED_ANSWER, "incident-response", at="2026-11-29 14:30")
    assert (first.checklist.added, first.checklist.known) == (9, 0)
    items = session.items("checklist")
    set_state(items[0], "done", "2026-11-29 14:40")
    items[0]["note"] = "error rate 31%"
    # The next answer repeats an action with other spacing and case, and adds one.
    again = SEED_ANSWER.replace("Check the error rate", "check  the ERROR rate")
    second = add_answer(session, again + "\n## Rollback Plan\n- Flush the CDN\n", "follow-up")
    assert (second.checklist.added, second.checklist.known) == (1, 9)
    items = session.items("checklist")
    assert len(items) == 10 and len(session.items("answers")) == 2
    assert items[0] == {
        "section": "Investigation Checklist",
        "text": "Check the error rate on checkout-api",
        "state": "done",
        "at": "2026-11-29 14:40",
        "note": "error rate 31%",
    }
    assert items[-1]["text"] == "Flush the CDN" and items[-1]["state"] == "todo"


def test_one_key_cycles_the_state_and_stamps_the_time() -> None:
    assert [next_state(s) for s in ("todo", "done", "failed", "skipped")] == [
        "done",
        "failed",
        "skipped",
        "todo",
    ]
    item = {"text": "x", "state": "todo"}
    set_state(item, next_state("todo"), "2026-11-29 15:00")
    assert item == {"text": "x", "state": "done", "at": "2026-11-29 15:00"}
    set_state(item, "todo", "2026-11-29 15:01")
    assert "at" not in item
    with pytest.raises(ValueError, match="state must be one of"):
        set_state(item, "maybe", "now")


def test_answers_and_the_checklist_round_trip_in_the_file(store: SessionStore) -> None:
    session = store.create("round trip")
    session.set("incident_summary", "down")
    add_answer(session, SEED_ANSWER, "triage", partial=True, at="2026-11-29 14:30")
    set_state(session.items("checklist")[1], "failed", "2026-11-29 14:50")
    path = store.save(session)
    text = path.read_text(encoding="utf-8")
    assert "[[answers]]" in text and "partial = true" in text and "[[checklist]]" in text
    again = store.load(path)
    assert again.tables["answers"] == session.tables["answers"]
    assert again.tables["checklist"] == session.tables["checklist"]
    assert again.items("answers")[0]["partial"] is True
    assert again.template == session.template


def test_a_version_1_file_has_no_answers_and_a_bad_one_is_refused_with_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.toml"
    old = session_from_text('schema_version = 1\n[fields]\nincident_summary = "x"\n', path, "s")
    assert old.tables.get("answers", []) == [] and old.tables.get("checklist", []) == []
    bad = 'schema_version = 2\n[[answers]]\ntext = "a"\npartial = "yes"\n'
    with pytest.raises(SessionError, match="answers item 1: partial must be true or false"):
        session_from_text(bad, path, "s")
    bad = 'schema_version = 2\n[[checklist]]\ntext = "a"\nstate = "half"\n'
    with pytest.raises(SessionError, match="checklist item 1: state must be one of"):
        session_from_text(bad, path, "s")
    hand = 'schema_version = 2\n[[checklist]]\ntext = "a"\n[[answers]]\ntext = "b"\n'
    session = session_from_text(hand, path, "s")
    assert session.tables["checklist"] == [{"text": "a", "state": "todo"}]
    assert session.tables["answers"] == [{"text": "b"}]


def test_an_answer_is_hostile_text_stripped_limited_and_masked(
    store: SessionStore, tmp_path: Path
) -> None:
    session: Session = store.create("hostile")
    with pytest.raises(AnswerError, match="empty"):
        add_answer(session, " \n\x1b[2J\n", "incident-response")
    with pytest.raises(AnswerError, match=r"the limit is 1\.0 MB"):
        add_answer(session, "x" * (MAX_ANSWER_BYTES + 1), "incident-response")
    stored = add_answer(
        session,
        "## Rollback Plan\n- revert\x1b]2;owned\x07 with password=hunter2-prod-Zx81\n",
        "incident-response",
    )
    assert "\x1b" not in stored.answer["text"] and "\x07" not in stored.answer["text"]
    rendered = prompt_for(
        session.values(), TemplateLibrary(), "follow-up", tables=session.tables, fallback=False
    )
    assert "revert with password=" in rendered.text
    assert "hunter2-prod-Zx81" not in rendered.text
    assert any(f.kind == "password" for f in rendered.findings)
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (MAX_ANSWER_BYTES + 1))
    with pytest.raises(AnswerError, match="larger than the limit"):
        read_answer_file(big)
    with pytest.raises(AnswerError, match="is a directory"):
        read_answer_file(tmp_path)

    class Endless:
        read_bytes = 0

        def read(self, size: int) -> bytes:
            self.read_bytes += size
            return b"y" * size

    endless = Endless()
    with pytest.raises(AnswerError, match="on stdin is larger than the limit"):
        read_answer_stream(endless)  # type: ignore[arg-type]
    assert endless.read_bytes == MAX_ANSWER_BYTES + 1  # bounded: it stopped reading
