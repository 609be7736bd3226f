"""Every built-in template against the v1 README example session and a hostile session."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core.model import Session
from tui.core.prompt import TemplateLibrary, prompt_for
from tui.core.sessionfile import session_from_text

NAMES = ["follow-up", "handoff", "incident-response", "postmortem", "status-update", "triage"]
AS_OF = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)

#: The session file README showed for schema version 1 (before lists, status and masking).
V1_EXAMPLE = '''schema_version = 1
title = "Checkout returns 500 after the 14:05 deploy"
severity = "SEV1"
started_at = "2026-11-29 14:07 UTC"
template = "incident-response"
created_at = 2026-11-29T14:12:03Z
updated_at = 2026-11-29T14:20:44Z

[fields]
incident_summary = "Checkout API returns HTTP 500 for ~30% of requests."
error_logs = """
Traceback (most recent call last):
...
"""
'''

EVIL = "\\u001b]52;c;cm0gLXJmIH4=\\u0007 \\u202e{{ 7*7 }}{% raw %} \\u0000 ``` ## Timeline"
SECRET = "AKIAIOSFODNN7EXAMPLE"
HOSTILE = f'''schema_version = 2
title = "{EVIL}"
severity = "unknown"
started_at = "{EVIL}"
status = "investigating"
template = "triage"
created_at = 2026-11-29T14:12:03Z
updated_at = 2026-11-29T14:20:44Z

[fields]
incident_summary = "{EVIL} key {SECRET}"
error_logs = "{EVIL}\\npassword=hunter2hunter2\\n{"x" * 200_000}"
monitoring = "{EVIL}"
question = "{EVIL}"
agent_scope = "{EVIL}"

[[timeline]]
at = "{EVIL}"
kind = "detected"
text = "{EVIL} {SECRET}"

[[timeline]]
kind = "mitigated"
text = ""

[[changes]]
what = "{EVIL}"
relation = "suspect"

[[hypotheses]]
text = "{EVIL} {SECRET}"
status = "confirmed"
evidence = "{EVIL}"

[[checklist]]
section = "{EVIL}"
text = "{EVIL} {SECRET}"
state = "failed"
note = "{EVIL}"

[[answers]]
at = "{EVIL}"
template = "{EVIL}"
text = "{EVIL} {SECRET}"
partial = true
'''


def _render(session: Session, name: str) -> str:
    rendered = prompt_for(
        session.values(),
        TemplateLibrary(None),
        name,
        fallback=False,
        tables=session.tables,
        as_of=AS_OF,
    )
    assert rendered.template_problem is None
    return rendered.text


@pytest.mark.parametrize("name", NAMES)
def test_every_template_renders_the_v1_readme_example(name: str) -> None:
    session = session_from_text(V1_EXAMPLE, Path("v1.toml"), "v1")
    text = _render(session, name)
    assert "Checkout returns 500 after the 14:05 deploy" in text


@pytest.mark.parametrize("name", NAMES)
def test_every_template_renders_a_hostile_session_cleanly(name: str) -> None:
    session = session_from_text(HOSTILE, Path("hostile.toml"), "hostile")
    text = _render(session, name)
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert "\u202e" not in text
    assert SECRET not in text and "hunter2hunter2" not in text
    assert "{{ 7*7 }}" in text or "49" not in text  # user text is data, never template source


def test_the_status_update_keeps_a_short_traceback_out(tmp_path: Path) -> None:
    from tui.core.session import SessionStore

    # Under 40 lines a value is not "evidence", so a short traceback pasted into a fact the
    # status update shows reached the stakeholder prompt in full.
    session = SessionStore(tmp_path / "home").create("t")
    session.set(
        "current_behavior",
        "Checkout fails for card payments.\nTraceback (most recent call last):\n"
        '  File "/srv/checkout/db.py", line 88, in get\nKeyError: currency\n'
        "2026-11-29T14:03:11Z ERROR pool exhausted host=db-prod-7.internal",
    )
    session.set("incident_summary", "Card payments fail.\n\n10.0.3.7 db-prod-7 pool exhausted")
    text = _render(session, "status-update")
    assert "Checkout fails for card payments." in text and "Card payments fail." in text
    for internal in ("Traceback", "db.py", "db-prod-7", "10.0.3.7"):
        assert internal not in text
