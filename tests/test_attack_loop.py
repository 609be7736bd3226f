"""Hostile answers, agent output and session contents against `answer`, `send` and `export`."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


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
