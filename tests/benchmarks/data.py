"""Realistic, deterministic incident data for the benchmark: logs, sessions, a store of 1,000.

A log is what an on-call engineer pastes: timestamped lines of several services and levels with
request ids, latencies, SQL, the odd secret (a bearer token, an AWS key id, an e-mail address) and
multi-line Python and Java stack traces. Everything is drawn from a seeded random generator, so two
runs measure the same bytes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.core.session import Session, SessionStore

SERVICES = ("checkout-api", "payments", "cart", "auth", "gateway", "inventory", "pricing")
PATHS = (
    "/v2/checkout",
    "/v2/cart/items",
    "/v1/payments/authorize",
    "/healthz",
    "/v1/login",
    "/v2/orders/{id}",
    "/internal/pricing/quote",
)
MESSAGES = (
    "request completed",
    "upstream timeout after {ms} ms; retrying (attempt {n}/3)",
    "connection pool exhausted: 64/64 in use, {n} waiting",
    "slow query ({ms} ms): SELECT id, status, total FROM orders WHERE cart_id = $1 FOR UPDATE",
    "cache miss for key cart:{hex}; falling back to database",
    "circuit breaker OPEN for payments-provider (error rate {pct}%)",
    "user {email} checkout failed: card_declined",
    "sending webhook to https://hooks.internal.example.com/orders?sig={hex}",
    "Authorization header rejected: Bearer eyJhbGciOiJIUzI1NiJ9.{hex}.{hex}",
    "config reloaded from s3://prod-config/checkout.yaml (AKIA{key})",
    "GC pause {ms} ms (heap 3.1 GB / 4.0 GB)",
    "rate limit reached for client 10.{a}.{b}.{c}",
)
PY_TRACE = """Traceback (most recent call last):
  File "/app/checkout/api.py", line 88, in create_checkout
    order = await orders.create_order(cart, user)
  File "/app/checkout/orders.py", line 212, in create_order
    row = await db.fetchrow(INSERT_ORDER, *values)
  File "/usr/local/lib/python3.12/site-packages/asyncpg/connection.py", line 748, in fetchrow
    data = await self._execute(query, args, 1, timeout)
asyncpg.exceptions.UndefinedColumnError: column "discount_code" of relation "orders" \
does not exist"""
JAVA_TRACE = """java.net.SocketTimeoutException: Read timed out
\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)
\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)
\tat com.example.payments.ProviderClient.authorize(ProviderClient.java:141)
\tat com.example.payments.AuthorizeHandler.handle(AuthorizeHandler.java:57)
\tat io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(\
AbstractChannelHandlerContext.java:444)
Caused by: java.io.IOException: Connection reset by peer
\t... 12 more"""

#: When the synthetic incidents happen (fixed, so that two runs write identical files).
EPOCH = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


def log_text(size: int, seed: int = 1) -> str:
    """About `size` bytes (ASCII) of a production log, ending with a newline."""
    rng = random.Random(seed)
    lines: list[str] = []
    total = 0
    when = EPOCH
    while total < size:
        when += timedelta(milliseconds=rng.randint(1, 40))
        service = rng.choice(SERVICES)
        level = rng.choices(("INFO", "WARN", "ERROR", "DEBUG"), (60, 15, 10, 15))[0]
        request = f"req-{rng.getrandbits(64):016x}"
        message = rng.choice(MESSAGES).format(
            ms=rng.randint(5, 30_000),
            n=rng.randint(1, 250),
            a=rng.randint(0, 255),
            b=rng.randint(0, 255),
            c=rng.randint(1, 254),
            hex=f"{rng.getrandbits(96):024x}",
            pct=rng.randint(5, 99),
            email=f"user{rng.randint(1, 99_999)}@example.com",
            key=f"{rng.getrandbits(64):016X}",
        )
        path = rng.choice(PATHS).replace("{id}", str(rng.randint(10_000, 99_999)))
        status = 500 if level == "ERROR" else rng.choice((200, 200, 200, 201, 204, 404, 429))
        line = (
            f"{when.isoformat(timespec='milliseconds').replace('+00:00', 'Z')} {level:<5} "
            f"{service} [{request}] {path} status={status} "
            f"latency_ms={rng.randint(1, 9_000)} {message}"
        )
        if level == "ERROR" and rng.random() < 0.3:
            line += "\n" + (PY_TRACE if rng.random() < 0.6 else JAVA_TRACE)
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


SMALL_FIELDS: dict[str, str] = {
    "title": "Checkout returns 500 after the 14:05 deploy",
    "severity": "SEV1",
    "started_at": "14:07 UTC, maybe earlier",
    "incident_summary": "Checkout API returns HTTP 500 for ~30% of requests since about 14:07.",
    "project_context": "checkout-api: Python 3.12, FastAPI, Postgres 15; deployed by Argo CD.",
    "affected_systems": "All web and mobile checkouts in eu-west-1; carts can't be paid.",
    "environment": "production, eu-west-1, cluster prod-eu-2, release 2026.11.29-3",
    "expected_behavior": "POST /v2/checkout answers 201 with an order id within 800 ms.",
    "current_behavior": "POST /v2/checkout answers 500 with 'column discount_code does not exist'.",
    "error_logs": PY_TRACE,
    "monitoring": "PagerDuty checkout-5xx fired 14:08 UTC: 5xx rate 31% (normally <0.1%).",
    "recent_changes": "14:05 deploy of release 2026.11.29-3 (PR #4411: discount codes).",
    "suspected_files": "checkout/orders.py\nmigrations/0042_discount_code.py",
    "database_changes": "Migration 0042 adds orders.discount_code; it ran on the replica only?",
    "external_dependencies": "Stripe (payments), Redis (cart cache), pricing-service.",
    "rollback_options": "Argo CD rollback to 2026.11.29-2 (~4 min); no schema change to undo.",
    "testing_commands": "pytest tests/checkout -k discount\ncurl -sf https://staging/healthz",
    "definition_of_done": "5xx rate below 0.1% for 30 minutes; no failed payments.",
}


def make_session(session_id: str, values: dict[str, str], when: datetime = EPOCH) -> Session:
    session = Session(id=session_id, created_at=when, updated_at=when)
    for key, value in values.items():
        session.set(key, value)
    return session


def write_session(store: SessionStore, session: Session) -> Path:
    """Save through the store (atomic write, the app's own file format)."""
    session.path = store.path_for(session.id)
    return store.save(session, touch=False)


def small_session(store: SessionStore, session_id: str = "bench-small") -> Path:
    return write_session(store, make_session(session_id, SMALL_FIELDS))


def log_session(store: SessionStore, log_bytes: int, session_id: str = "bench-log") -> Path:
    """The small session with `log_bytes` of log in "Error messages or logs"."""
    values = dict(SMALL_FIELDS, error_logs=log_text(log_bytes))
    return write_session(store, make_session(session_id, values))


def many_sessions(store: SessionStore, count: int, size: int = 20_000) -> None:
    """`count` sessions of about `size` bytes each, every field filled, distinct titles and times.

    Written with the app's own serialisation (Session.to_toml) but without an fsync per file:
    1,000 fsyncs would only slow down setting up the benchmark.
    """
    store.ensure_dirs()
    rng = random.Random(7)
    for n in range(count):
        values = dict(SMALL_FIELDS)
        values["title"] = f"Incident {n}: {rng.choice(SERVICES)} {rng.choice(MESSAGES)[:40]}"
        values["severity"] = rng.choice(("SEV1", "SEV2", "SEV3", "SEV4"))
        budget = max(0, size - len(make_session("x", values).to_toml()))
        values["error_logs"] = log_text(int(budget * 0.7), seed=n)
        values["monitoring"] = log_text(int(budget * 0.3), seed=n + 100_000)
        when = EPOCH - timedelta(hours=n)
        session = make_session(f"{when:%Y%m%d-%H%M}-incident-{n}", values, when)
        path = store.path_for(session.id)
        path.write_text(session.to_toml(), encoding="utf-8")
        path.chmod(0o600)
