"""Hostile answers, agent output and session contents against `answer`, `send` and `export`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui.core.session import SessionStore


def _parses_within(answer: str, seconds: float) -> None:
    """parse_actions on `answer` in a child process, killed after `seconds`."""
    code = textwrap.dedent(
        """
        import sys
        from tui.core.checklist import parse_actions
        parse_actions(sys.stdin.read())
        """
    )
    try:
        subprocess.run(
            [sys.executable, "-c", code], input=answer, text=True, timeout=seconds, check=True
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"parse_actions took longer than {seconds} s on a {len(answer):,}-char answer")


@pytest.mark.parametrize(
    "line",
    [
        "# a" + " " * 200_000 + "x",  # a heading line of spaces that does not end the heading
        "# a" + " #" * 100_000 + "x",
        "**a**" + " " * 200_000 + "x",  # a bold line that is not a label
        "**a" + " " * 200_000 + "x",
        "Rollback Plan" + " " * 200_000 + "x",
    ],
    ids=["atx-spaces", "atx-hashes", "bold-label", "bold-open", "plain-title"],
)
def test_a_long_line_in_an_answer_is_parsed_in_linear_time(line: str) -> None:
    # Before: "# a" + 1,000 spaces + "x" took 5.8 s (cubic backtracking); a 1 MB answer hung.
    _parses_within(line, 10.0)


def test_headings_still_name_their_sections_after_the_linear_parse() -> None:
    from tui.core.checklist import parse_actions

    answer = (
        "## 5. Investigation Checklist ##\n- check the logs\n"
        "**Rollback Plan:**\n- roll back to v1\n"
        "#   Verification Steps   \n- curl /health\n"
        "#NotAHeading\n- [ ] tick me\n"
    )
    got = [(a.section, a.text) for a in parse_actions(answer)]
    assert got == [
        ("Investigation Checklist", "check the logs"),
        ("Rollback Plan", "roll back to v1"),
        ("Verification Steps", "curl /health"),
        ("Verification Steps", "tick me"),
    ]


# --- export: the record's structure -------------------------------------------------------------

EXPECTED_HEADINGS = [
    "h1",
    "h2:Summary",
    "h2:Facts",
    *["h3"] * 14,
    "h2:Timeline (UTC)",
    "h2:Changes",
    "h2:Hypotheses",
    "h2:Checklist",
    "h3:Checklist",
    "h2:Open unknowns",
    "h2:Latest agent answer",
]


def _headings(markdown: str) -> list[str]:
    """The record's headings as a CommonMark renderer sees them (h3 and h1 without their text)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    found = []
    for n, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0:
            text = tokens[n + 1].content
            found.append(
                token.tag
                if token.tag in ("h1", "h3") and text != "Checklist"
                else f"{token.tag}:{text}"
            )
    return found


HOSTILE_VALUES = [
    "why?\n\n## Timeline\n- fake entry",  # a block value that a renderer must keep in its fence
    "```",  # a single-line value that would open a fence swallowing the rest of the record
    "<!-- hides the rest",  # an HTML block that hides the rest on GitHub
    "## Timeline",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=["blank-line", "fence", "comment", "heading"])
@pytest.mark.parametrize("key", ["question", "agent_scope", "environment", "incident_summary"])
def test_a_field_value_cannot_change_the_records_structure(
    store: SessionStore, key: str, value: str
) -> None:
    from tui.core.export_md import export_markdown

    session = store.create("Checkout down")
    session.set("question", "What now?")
    session.set(key, value)
    session.items("checklist").append({"section": "Checklist", "text": "x", "state": "todo"})
    session.items("answers").append({"at": "2026-11-29 14:00", "template": "triage", "text": "ok"})
    record = export_markdown(session, redact=None).text
    assert _headings(record) == EXPECTED_HEADINGS, record


@pytest.mark.parametrize(
    "text", ["\n## Timeline", "```", "<!--", "# Fake"], ids=["nl", "fence", "comment", "heading"]
)
def test_a_list_item_cannot_change_the_records_structure(store: SessionStore, text: str) -> None:
    from tui.core.export_md import export_markdown

    session = store.create("Checkout down")
    session.items("checklist").append({"section": "Checklist", "text": text, "state": "todo"})
    session.items("answers").append({"at": "2026-11-29 14:00", "template": "triage", "text": "ok"})
    for table in ("timeline", "changes", "hypotheses"):
        session.items(table).append(
            {"text": text, "what": text, "kind": "note", "at": "2026-11-29 14:00"}
        )
    record = export_markdown(session, redact=None).text
    assert _headings(record) == EXPECTED_HEADINGS, record


# --- send: the agent's output -------------------------------------------------------------------


def test_an_agent_that_leaves_a_daemon_holding_its_output_ends_when_it_exits() -> None:
    import time

    from tui.core.agent import run_agent

    shown: list[str] = []
    argv = ["sh", "-c", "cat >/dev/null; echo '- [ ] check logs'; setsid sleep 12 & exit 0"]
    started = time.monotonic()
    result = run_agent(argv, "prompt", shown.append, shown.append)
    assert time.monotonic() - started < 6  # it waited for the daemon's 12 s before
    assert result.text == "- [ ] check logs\n" and not result.partial


def test_agent_output_cannot_drive_the_terminal() -> None:
    from tui.core.agent import run_agent

    hostile = (
        r"printf 'a\033]52;c;cm0gLXJmIH4=\007b\033]0;pwned\007c\033[2J\033[Hd\377\n'; "
        r"printf '\033]52;c;aGk=\007' >&2"
    )
    out: list[str] = []
    err: list[str] = []
    result = run_agent(["sh", "-c", "cat >/dev/null; " + hostile], "p", out.append, err.append)
    for text in ("".join(out), "".join(err), result.text):
        assert "\x1b" not in text and "\x07" not in text and "\x9d" not in text
    assert result.text == "abcd\ufffd\n"


# --- answer: what the session can hold ----------------------------------------------------------


def test_answers_stop_before_the_session_file_outgrows_what_can_be_read(
    store: SessionStore,
) -> None:
    from tui.core.answers import AnswerError, add_answer
    from tui.core.fsio import MAX_READ_BYTES

    # A session file over MAX_READ_BYTES is refused on load: the whole incident is then lost to
    # the app. 1 MiB answers (a runaway `send` loop) reached that after 64 answers.
    total_limit = 16 * 1024 * 1024
    assert total_limit <= MAX_READ_BYTES // 4
    session = store.create("t")
    big = "a" * (1024 * 1024 - 10)
    answers = session.items("answers")
    while sum(len(a["text"]) for a in answers) + len(big) <= total_limit:
        answers.append({"at": "2026-11-29 14:00", "template": "x", "text": big, "partial": False})
    with pytest.raises(AnswerError, match="answers"):
        add_answer(session, big, "triage")


# --- send: the agent command comes only from a private home -------------------------------------


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777])
def test_send_does_not_run_an_agent_command_from_a_home_others_can_write(
    store: SessionStore,
    home: Path,
    tmp_path: Path,
    cli_env: dict[str, str],
    installed_command: str,
    mode: int,
) -> None:
    session = store.create("t")
    store.save(session)
    marker = tmp_path / "agent-ran"
    (home / "config.toml").write_text(
        f'[agent]\ncommand = ["sh", "-c", "cat >/dev/null; touch {marker}; echo answer"]\n'
    )
    (home / "config.toml").chmod(0o600)
    home.chmod(mode)
    try:
        result = subprocess.run(
            [installed_command, "send", str(session.path)],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    finally:
        home.chmod(0o700)
    assert not marker.exists()
    assert result.returncode != 0 and "writable by group or others" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_twice_stops_an_agent_that_ignores_sigterm_and_keeps_what_it_wrote() -> None:
    import os
    import signal
    import threading
    import time

    from tui.core.agent import run_agent

    argv = ["sh", "-c", "trap '' TERM; cat >/dev/null; echo '- [ ] half done'; exec sleep 60"]

    def press_ctrl_c_twice() -> None:
        time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)  # while the agent is being stopped
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press_ctrl_c_twice, daemon=True).start()
    started = time.monotonic()
    result = run_agent(argv, "prompt", lambda _: None, lambda _: None)
    assert time.monotonic() - started < 10  # SIGTERM ignored: SIGKILL 3 s later
    assert result.partial and result.reason == "stopped with Ctrl+C"
    assert result.text == "- [ ] half done\n"


SECRET = "AKIAIOSFODNN7EXAMPLE"


def test_export_masks_every_field_item_answer_and_note(store: SessionStore) -> None:
    from tui.core.export_md import export_markdown
    from tui.core.schema import FIELD_TABLE_KEYS

    session = store.create(f"down {SECRET}")
    session.started_at = f"14:00 {SECRET}"
    for key in FIELD_TABLE_KEYS:
        session.set(key, f"{key} {SECRET}")
    value = f"x {SECRET}"
    session.items("timeline").append({"at": value, "kind": "note", "text": value, "outcome": value})
    session.items("changes").append({"when": value, "what": value, "ref": value, "why": value})
    session.items("hypotheses").append({"text": value, "status": "open", "evidence": value})
    session.items("checklist").append(
        {"section": value, "text": value, "state": "done", "at": value, "note": value}
    )
    session.items("answers").append({"at": value, "template": value, "text": value})
    record = export_markdown(session, redact=session.redact_options())
    assert SECRET not in record.text
    assert SECRET in export_markdown(session, redact=None).text


def test_export_output_refuses_a_session_file_a_symlink_and_a_missing_directory(
    store: SessionStore, tmp_path: Path, cli_env: dict[str, str], installed_command: str
) -> None:
    session = store.create("t")
    store.save(session)
    before = session.path.read_bytes()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    for target in (session.path, link, tmp_path / "no" / "such" / "dir.md"):
        result = subprocess.run(
            [installed_command, "export", str(session.path), "-o", str(target)],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0, target
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert session.path.read_bytes() == before and victim.read_text() == "keep me\n"


def test_an_unterminated_escape_string_does_not_swallow_the_rest_of_an_answer(
    store: SessionStore,
) -> None:
    from tui.core.answers import add_answer

    # An OSC string with no terminator (a log line cut in the middle of a hyperlink) or a lone
    # 8-bit OSC character: everything after it was dropped, 7,058 characters down to 33.
    for opener in ("\x1b]8;;http://x", "\u009d"):
        session = store.create("t")
        text = f"## Rollback Plan\n- step one\nlog: {opener}\n- step two\n" + "- more\n" * 1000
        stored = add_answer(session, text, "triage")
        assert (
            "- step two" in stored.answer["text"] and stored.answer["text"].count("- more") == 1000
        )
        assert "\x1b" not in stored.answer["text"] and "\u009d" not in stored.answer["text"]
        assert stored.checklist.added == 3  # step one, step two, more
