"""Fixed incident data for the UI's snapshot tests and the README screenshots.

Everything here is deterministic: fixed ids, fixed timestamps, and a clock to match, so that
neither the snapshots nor the screenshots change from one run to the next.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.core.session import Session, SessionStore

#: The clock the app is given: ages in the picker are measured from here.
NOW = datetime(2026, 11, 29, 14, 30, tzinfo=UTC)

CHECKOUT: dict[str, str] = {
    "title": "Checkout returns 500 after the 14:05 deploy",
    "severity": "SEV1",
    "started_at": "14:07 UTC, maybe earlier",
    "incident_summary": "Checkout API returns HTTP 500 for ~30% of requests since about 14:07.",
    "project_context": "checkout-api: Python 3.12, FastAPI, Postgres 15; deployed by Argo CD.",
    "affected_systems": "All web and mobile checkouts in eu-west-1; carts can't be paid.",
    "environment": "production, eu-west-1, cluster prod-eu-2, release 2026.11.29-3",
    "current_behavior": "POST /v2/checkout answers 500 with 'column discount_code does not exist'.",
    "error_logs": (
        "2026-11-29T14:07:12Z ERROR checkout.api POST /v2/checkout 500\n"
        "Traceback (most recent call last):\n"
        '  File "/app/checkout/orders.py", line 212, in create_order\n'
        "    row = await db.fetchrow(INSERT_ORDER, *values)\n"
        'asyncpg.exceptions.UndefinedColumnError: column "discount_code" does not exist'
    ),
    "monitoring": (
        "PagerDuty checkout-5xx fired 14:08 UTC: 5xx rate 31% (normally <0.1%), p99 4.2 s.\n"
        "Posted to https://hooks.slack.com/services/T0DEMO000/B0DEMO000/abcdefghijklmnopqrstuvwx"
    ),
    "recent_changes": "14:05 deploy of release 2026.11.29-3 (PR #4411: discount codes).",
    "suspected_files": "checkout/orders.py\nmigrations/0042_discount_code.py",
    "rollback_options": "Argo CD rollback to 2026.11.29-2 (~4 min); no schema change to undo.",
}


def checkout_session(store: SessionStore) -> Session:
    """The SEV1 most screenshots show: most fields known, a few left unknown on purpose."""
    session = Session(
        id="20261129-1412-checkout-returns-500",
        created_at=NOW - timedelta(minutes=18),
        updated_at=NOW - timedelta(minutes=3),
    )
    session.path = store.path_for(session.id)
    for key, value in CHECKOUT.items():
        session.set(key, value)
    store.save(session, touch=False)
    return session


def add_picker_sessions(store: SessionStore) -> None:
    """Three incidents of different ages and completeness, for the picker."""
    checkout_session(store)
    older = Session(
        id="20261128-0920-search-latency",
        title="Search p99 latency above 3 s",
        severity="SEV3",
        created_at=NOW - timedelta(days=1, hours=5),
        updated_at=NOW - timedelta(days=1, hours=4),
    )
    older.set("incident_summary", "Search p99 latency went from 400 ms to 3 s.")
    older.path = store.path_for(older.id)
    store.save(older, touch=False)
    untitled = Session(
        id="20261129-1101-incident",
        created_at=NOW - timedelta(hours=3, minutes=29),
        updated_at=NOW - timedelta(hours=3, minutes=20),
    )
    untitled.set("incident_summary", "Login emails arrive 20 minutes late")
    untitled.path = store.path_for(untitled.id)
    store.save(untitled, touch=False)


def story_session(store: SessionStore) -> Session:
    """The same incident told as a story: a status, a timeline, change items and hypotheses."""
    session = checkout_session(store)
    session.set("status", "identified")
    for at, kind, text, outcome in (
        ("2026-11-29 14:08", "detected", "PagerDuty checkout-5xx fired", ""),
        ("2026-11-29 14:12", "acknowledged", "Ana on call, incident channel opened", ""),
        ("2026-11-29 14:20", "action", "Restarted checkout-api pods", "no change: 500s at 31%"),
        ("~14:25", "observation", "Only orders with a discount code fail", ""),
    ):
        session.add_item("timeline", at=at, kind=kind, text=text, outcome=outcome)
    session.add_item(
        "changes",
        when="14:05",
        what="release 2026.11.29-3",
        ref="PR #4411",
        relation="suspect",
        why="adds discount_code to INSERT_ORDER",
    )
    session.add_item(
        "changes",
        when="13:40",
        what="CDN cache rule",
        ref="CHG-2207",
        relation="dismissed",
        why="staging only",
    )
    session.add_item(
        "hypotheses",
        text="Migration 0042 not applied in prod",
        status="open",
        evidence="column discount_code does not exist",
    )
    session.add_item("hypotheses", text="Database overloaded", status="ruled-out", evidence="")
    store.save(session, touch=False)
    return session
