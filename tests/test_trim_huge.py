"""A huge value is trimmed (or digested) first, and only what is kept of it is cleaned."""

from __future__ import annotations

import re

import pytest
from test_digest import JAVA_TRACE, access_line, render, values_with

from tui.core import digest, digest_lines, prompt, trim
from tui.core.sanitize import has_controls


@pytest.fixture
def huge_at(monkeypatch: pytest.MonkeyPatch) -> None:
    """What holds above 32 MB holds above 300 KB: the same code, at a test's size."""
    monkeypatch.setattr(trim, "HUGE", 300_000)
    monkeypatch.setattr(digest_lines, "FULL_LIMIT", 300_000)
    monkeypatch.setattr(digest_lines, "HEAD_WINDOW", 30_000)
    monkeypatch.setattr(digest_lines, "TAIL_WINDOW", 60_000)
    digest.forget()
    prompt._CLEAN_CACHE.clear()
    prompt._TOTALS_CACHE.clear()


SECRET = "hunter2-prod-Zx81"


def coloured_log() -> str:
    """ANSI colours, a NUL, an OSC 52 clipboard write and a secret on every kind of line."""
    lines = [
        f"\x1b[32m{access_line(i)}\x1b[0m\x00 password={SECRET}"
        if i % 3
        else f"\x1b]52;c;aGFja2Vk\x07\x1b[31mERROR\x1b[0m job {i} failed"
        for i in range(6_000)
    ]
    lines[5_900:5_900] = JAVA_TRACE
    return "\n\n" + "\n".join(lines) + "\n"


@pytest.mark.usefixtures("huge_at")
def test_a_huge_value_is_not_copied_to_be_cleaned() -> None:
    log = coloured_log()
    cleaned = trim.clean(log)
    assert cleaned.text is log  # no cleaned copy of the whole value
    assert (cleaned.start, cleaned.end) == (2, len(log) - 1)
    assert cleaned.whole() == trim.clean("\x00" + log[:100] + "\x00" + log[100:]).whole()


@pytest.mark.usefixtures("huge_at")
@pytest.mark.parametrize("digest_on", ["true", "false"])
def test_what_is_kept_of_a_huge_value_is_cleaned_and_masked(digest_on: str) -> None:
    log = coloured_log()
    rendered = render(values_with(log, digest=digest_on), max_tokens=6_000)
    assert rendered.fits
    text = rendered.text
    assert not has_controls(text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    assert SECRET not in text and rendered.findings
    assert ("incident-tui log digest" in text) == (digest_on == "true")
    assert "ERROR job 0 failed" in text  # its first line, escapes gone
    (trimmed,) = rendered.trims
    assert trimmed.lines > 0


def test_a_huge_value_without_controls_renders_as_when_cleaned_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = "\n".join(access_line(i) for i in range(5_000)) + "\n"
    for digest_on in ("true", "false"):
        values = values_with(log, digest=digest_on)
        whole = render(values, max_tokens=5_000).text
        monkeypatch.setattr(trim, "HUGE", 100_000)
        prompt._CLEAN_CACHE.clear()
        assert render(values, max_tokens=5_000).text == whole
        monkeypatch.undo()
        prompt._CLEAN_CACHE.clear()
