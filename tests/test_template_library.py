"""The template library: six built-in templates with one-line descriptions, each rendering the
README's example session and a full one with its key content; every template sees the same
context, and README documents every variable of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_story_prompt import AS_OF, SECRET, story

from tui.core import prompt as prompt_module
from tui.core.answers import add_answer
from tui.core.checklist import set_state
from tui.core.model import Session
from tui.core.prompt import TemplateLibrary, prompt_for
from tui.core.session import SessionStore
from tui.core.sessionfile import session_from_text
from tui.core.templates import TemplateInfo, describe

README = Path(__file__).resolve().parent.parent / "README.md"
NAMES = ["follow-up", "handoff", "incident-response", "postmortem", "status-update", "triage"]
LOG_LINE = "2026-11-29T14:03:11Z ERROR pool exhausted at checkout/db.py:88"
ANSWER = """## Incident Summary
- checkout is down

## Investigation Checklist
- Check the replication lag on db2
- [ ] Compare max_wal_size before and after the deploy

## Rollback Plan
- Restore max_wal_size to 4GB
"""


def readme_example() -> Session:
    """The session file shown in README's "Session files" section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Session files") :]
    start = section.index("```toml\n") + len("```toml\n")
    example = section[start : section.index("\n```", start)]
    return session_from_text(example, Path("example.toml"), "example")


def full(store: SessionStore) -> Session:
    session = story(store)
    session.set("error_logs", f"{LOG_LINE}\npassword={SECRET}\n" + session.get("error_logs"))
    session.set("monitoring", "p99 latency 4.2 s on checkout-api (grafana board 17)")
    add_answer(session, ANSWER + f"\nUse password={SECRET}\n", "incident-response", at="16:00")
    items = session.items("checklist")
    set_state(items[0], "failed", "2026-11-29 16:20")
    items[0]["note"] = "lag is zero"
    set_state(items[1], "done", "2026-11-29 16:30")
    return session


def render(session: Session, name: str) -> str:
    return prompt_for(
        session.values(),
        TemplateLibrary(),
        name,
        tables=session.tables,
        as_of=AS_OF,
        fallback=False,
    ).text


def test_six_templates_each_with_a_one_line_description() -> None:
    found = TemplateLibrary().available()
    assert [t.name for t in found] == NAMES
    for info in found:
        description = describe(info)
        assert description and "\n" not in description and len(description) <= 160, info.name
    by_name = {t.name: describe(t) for t in found}
    assert "no logs" in by_name["status-update"]
    assert "postmortem" in by_name["postmortem"].lower() or "blameless" in by_name["postmortem"]


@pytest.mark.parametrize("name", NAMES)
def test_every_template_renders_the_readme_example_and_a_full_session(
    store: SessionStore, name: str
) -> None:
    example = render(readme_example(), name)
    assert "Checkout returns 500 after the 14:05 deploy" in example
    text = render(full(store), name)
    assert "Replica db2 falls behind" in text
    assert SECRET not in text and SECRET not in example  # masked like every value


KEY_CONTENT = {
    "triage": ["## Check First", "## Stop Doing", "## Roll Back Now?", LOG_LINE],
    "handoff": [
        "## What to Watch",
        "Open:\n- network between AZs",
        "- [failed 2026-11-29 16:20] Check the replication lag on db2 (note: lag is zero)",
        "- [todo] Restore max_wal_size to 4GB",
        "restarted db1 twice (outcome: no change)",
    ],
    "postmortem": [
        "blameless",
        "## Trigger and Root Cause",
        "## Action Items",
        "- 2026-11-29 14:07 [detected] lag alert fired",
        "[confirmed] WAL recycled too early",
    ],
    "follow-up": [
        "Done (verified):\n- Investigation Checklist: Compare max_wal_size",
        "Failed (tried; did not work or did not hold):\n- Investigation Checklist: Check the "
        "replication lag on db2 (2026-11-29 16:20); note: lag is zero",
        "Still to do:\n- Rollback Plan: Restore max_wal_size to 4GB",
        "at 16:00 UTC",
        "## Investigation Checklist",
        "## Final Recommendations",
    ],
    "status-update": ["## Impact", "## What We Know", "## Next Update", "WAL recycled too early"],
}


@pytest.mark.parametrize("name", sorted(KEY_CONTENT))
def test_each_template_holds_its_key_content(store: SessionStore, name: str) -> None:
    text = render(full(store), name)
    for wanted in KEY_CONTENT[name]:
        assert wanted in text, (name, wanted)


def test_the_status_update_holds_no_log_line_no_evidence_and_no_internals(
    store: SessionStore,
) -> None:
    session = full(store)
    text = render(session, "status-update")
    assert LOG_LINE not in text  # a secret-free log line
    assert "grafana board 17" not in text  # monitoring is evidence too
    for key in ("suspected_files", "database_changes", "testing_commands", "project_context"):
        assert f"value of {key}" not in text
    assert "deploy 4.2.1" not in text and "Check the replication lag" not in text
    assert "value of incident_summary" in text and "value of affected_systems" in text


def test_a_user_template_with_a_builtin_name_still_overrides_it(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    user.mkdir(mode=0o700)
    tmp_path.chmod(0o700)
    (user / "triage.md.j2").write_text("{#- description: mine -#}\nMINE {{ title }}\n")
    library = TemplateLibrary(user)
    info = library.find("triage")
    assert (info.origin, describe(info)) == ("user", "mine")
    text = prompt_for({"title": "T"}, library, "triage", fallback=False).text
    assert text == "MINE T\n"


def test_a_description_is_one_clean_line_or_nothing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md.j2"
    plain.write_text("{{ title }}\n")
    hostile = tmp_path / "hostile.md.j2"
    hostile.write_text("{#- description: a \x1b]2;owned\x07 title" + " x" * 200 + "\n-#}\n")
    assert describe(TemplateInfo("plain", plain, "user")) == ""
    shown = describe(TemplateInfo("hostile", hostile, "user"))
    assert "\x1b" not in shown and "\x07" not in shown and len(shown) <= 160


def _context_keys(monkeypatch: pytest.MonkeyPatch, store: SessionStore, name: str) -> set[str]:
    seen: list[dict[str, Any]] = []
    original = prompt_module._template_context

    def spy(*args: Any, **kwargs: Any) -> dict[str, Any]:
        context = original(*args, **kwargs)
        seen.append(context)
        return context

    monkeypatch.setattr(prompt_module, "_template_context", spy)
    render(full(store), name)
    return set(seen[-1])


def test_every_template_sees_the_same_context_and_readme_documents_all_of_it(
    monkeypatch: pytest.MonkeyPatch, store: SessionStore
) -> None:
    keys = {name: _context_keys(monkeypatch, store, name) for name in NAMES}
    assert all(k == keys["incident-response"] for k in keys.values())
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### The prompt") : text.index("### Configuration")]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    assert keys["incident-response"] - documented == set()
    for column in ("section", "state", "note", "partial", "template"):
        assert f"`{column}`" in section


def test_the_session_remembers_its_template(store: SessionStore) -> None:
    session = full(store)
    session.template = "handoff"
    path = store.save(session)
    again = store.load(path)
    assert again.template == "handoff"
    assert 'template = "handoff"' in path.read_text(encoding="utf-8")
    text = prompt_for(again.values(), TemplateLibrary(), again.template, tables=again.tables).text
    assert "## What to Watch" in text
