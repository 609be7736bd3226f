"""The incident as a story in the prompt: title, status, "As of", the timeline in time order,
change items and hypotheses grouped, the question first, the agent's scope, long evidence moved
after the short facts; every value masked; the seed still whole and in order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from seed import load_seed
from test_prompt import assert_in_order

from tui.core.prompt import TemplateLibrary, prompt_for
from tui.core.schema import CONTEXT_FIELDS
from tui.core.session import Session, SessionStore

AS_OF = datetime(2026, 11, 29, 16, 45, tzinfo=UTC)
SECRET = "hunter2-prod-Zx81"


def story(store: SessionStore) -> Session:
    session = store.create("Replica db2 falls behind")
    for f in CONTEXT_FIELDS:
        session.set(f.key, f"value of {f.key}")
    session.set("severity", "SEV2")
    session.set("status", "monitoring")
    log = "\n".join(
        f"2026-11-29T14:{i % 60:02d}:00Z ERROR replication slot lag {i}" for i in range(1200)
    )
    assert len(log) > 50_000
    session.set("error_logs", log)
    session.set("question", "Is it safe to wipe db2's data dir and re-clone it?")
    session.set("agent_scope", "the db-ops repo, read only; never production")
    add = session.add_item
    add(
        "timeline",
        at="2026-11-29 14:30",
        kind="action",
        text="restarted db1 twice",
        outcome="no change",
    )
    add("timeline", at="2026-11-29 14:07", kind="detected", text="lag alert fired")
    add("timeline", at="2026-11-29 15:10", kind="mitigated", text="reads moved to db3")
    relations = {
        "suspect": ("deploy 4.2.1", "errors start 2 min later"),
        "caused": ("max_wal_size lowered", "the WAL is recycled before db2 reads it"),
        "unrelated": ("CDN config", "static assets only"),
        "dismissed": ("flag checkout_v2", "it only hit staging"),
        "unknown": ("kernel patch on db hosts", ""),
    }
    for relation, (what, why) in relations.items():
        add("changes", when="13:55", what=what, ref="PR 8", relation=relation, why=why)
    add("hypotheses", text="disk full on db2", status="ruled-out", evidence="df shows 41%")
    add("hypotheses", text="WAL recycled too early", status="confirmed", evidence="pg logs")
    add("hypotheses", text="network between AZs", status="open")
    return session


def render_story(store: SessionStore, session: Session, **kw: object) -> str:
    return prompt_for(
        session.values(),
        TemplateLibrary(store.templates_dir),
        session.template,
        tables=session.tables,
        as_of=AS_OF,
        **kw,  # type: ignore[arg-type]
    ).text


def test_a_story_renders_everything_the_agent_needs_and_the_seed_in_order(
    store: SessionStore,
) -> None:
    text = render_story(store, story(store))
    seed = load_seed()
    assert_in_order(text, [*seed.role, "Context:", *[f"\n{label}: " for label in seed.labels]])
    assert_in_order(
        text,
        [
            "Title: Replica db2 falls behind",
            "Status: monitoring",
            "As of: 2026-11-29 16:45 UTC",
            "Severity: SEV2",
            "SEV1 is a full outage or data loss",
            "Question to answer first",
            "Is it safe to wipe db2's data dir and re-clone it?",
            "Project context:",
        ],
    )
    # The timeline in time order, the action with its outcome.
    assert_in_order(
        text, ["lag alert fired", "restarted db1 twice", "no change", "reads moved to db3"]
    )
    for heading, what in (
        ("Suspects", "deploy 4.2.1"),
        ("Caused it", "max_wal_size lowered"),
        ("Dismissed", "flag checkout_v2"),
    ):
        assert_in_order(text, [heading + ":", what])
    assert_in_order(text, ["Dismissed:", "flag checkout_v2", "it only hit staging"])
    assert_in_order(text, ["Ruled out:", "disk full on db2", "df shows 41%"])
    assert "Confirmed:" in text and "Open:" in text
    assert "Do not propose again a dismissed change or a ruled-out hypothesis" in text
    assert_in_order(
        text,
        [
            "Important constraints:",
            seed.constraints[-1],
            "the db-ops repo, read only; never production",
            "Task:",
        ],
    )


def test_the_50_kb_log_is_in_the_evidence_section_after_the_short_facts(
    store: SessionStore,
) -> None:
    text = render_story(store, story(store))
    facts, evidence = text.split("\nEvidence", 1)
    assert "replication slot lag 1199" not in facts
    assert (
        'Error messages or logs: 1,200 lines; see "Error messages or logs" in the Evidence' in facts
    )
    # The short facts read together: the next label follows the reference directly.
    assert_in_order(
        facts, ["Error messages or logs: 1,200 lines", "\nRecent deployments or changes: "]
    )
    assert "BEGIN EVIDENCE: Error messages or logs (error_logs; 1,200 lines" in evidence
    assert "nothing trimmed" in evidence
    assert_in_order(
        evidence, ["replication slot lag 0", "replication slot lag 1199", "END EVIDENCE"]
    )
    assert_in_order(text, ["END EVIDENCE", "Unknowns:", "Important constraints:"])


def test_a_trimmed_log_says_what_was_left_out_in_its_evidence_header(store: SessionStore) -> None:
    session = story(store)
    session.set("digest", "false")  # digested, these 1,200 similar lines are a few
    text = render_story(store, session, max_tokens=4000)
    header = text.split("BEGIN EVIDENCE: Error messages or logs", 1)[1].split("\n", 1)[0]
    assert "bytes left out to fit the budget" in header


def test_every_story_value_is_masked_and_stripped_of_escapes(store: SessionStore) -> None:
    session = story(store)
    session.set("question", f"password={SECRET} \x1b[2J ok?")
    session.set("agent_scope", f"token password={SECRET}")
    session.add_item(
        "timeline",
        at="\x1b]52;c;aGk=\x07~14:00",
        text=f"password={SECRET}",
        outcome=f"password={SECRET}",
    )
    session.add_item(
        "changes",
        what=f"password={SECRET}",
        why=f"password={SECRET}",
        ref=f"password={SECRET}",
        when=f"password={SECRET}",
    )
    session.add_item("hypotheses", text=f"password={SECRET}", evidence=f"password={SECRET}")
    session.items("timeline")[0]["by"] = f"password={SECRET}"  # a key a newer version wrote
    text = render_story(store, session)
    assert SECRET not in text
    assert "\x1b" not in text and "\x07" not in text


def test_a_version_1_session_renders_with_the_default_status(store: SessionStore) -> None:
    session = store.create("Checkout 500s")
    session.set("incident_summary", "Checkout API returns HTTP 500")
    text = render_story(store, session)
    assert "Status: investigating" in text
    assert "Timeline" not in text and "Question to answer first" not in text
    assert "Evidence" not in text.split("Important constraints:")[0]


@pytest.mark.parametrize("name", ["title", "status", "as_of", "timeline", "changes_by_relation"])
def test_user_templates_see_the_story(store: SessionStore, name: str) -> None:
    store.templates_dir.mkdir(parents=True, mode=0o700)
    (store.templates_dir / "mine.md.j2").write_text(
        "{{ " + name + " | tojson if " + name + " is not string else " + name + " }}\n",
        encoding="utf-8",
    )
    session = story(store)
    session.template = "mine"
    text = prompt_for(
        session.values(),
        TemplateLibrary(store.templates_dir),
        "mine",
        tables=session.tables,
        as_of=AS_OF,
        fallback=False,
    ).text
    expected = {
        "title": "Replica db2 falls behind",
        "status": "monitoring",
        "as_of": "2026-11-29 16:45 UTC",
        "timeline": "lag alert fired",
        "changes_by_relation": "flag checkout_v2",
    }[name]
    assert expected in text
