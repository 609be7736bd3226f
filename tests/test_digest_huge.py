"""A log far above the prompt's budget: the digest reads its two ends, not all of it."""

from __future__ import annotations

import re

import pytest
from test_digest import JAVA_TRACE, PYTHON_TRACE, access_line, render, values_with

from tui.core import digest_lines
from tui.core.digest import digest, forget, left_out


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows of a test's size: what holds for 32 MB and its ends holds for 400 KB."""
    monkeypatch.setattr(digest_lines, "FULL_LIMIT", 400_000)
    monkeypatch.setattr(digest_lines, "HEAD_WINDOW", 40_000)
    monkeypatch.setattr(digest_lines, "TAIL_WINDOW", 80_000)
    forget()


def huge_log() -> tuple[str, int]:
    """About 1.2 MB of access lines with a Python trace near the head, a Java trace near the
    tail and a distinct error in the middle; also its number of lines."""
    lines = [access_line(i) for i in range(10_000)]
    lines[9_800:9_800] = JAVA_TRACE
    lines[5_000:5_000] = ["2026-11-29T14:08:00Z ERROR cart middle-of-the-log failure"]
    lines[100:100] = PYTHON_TRACE
    return "\n".join(lines), len(lines)


@pytest.mark.usefixtures("small_windows")
def test_a_huge_log_is_digested_from_its_two_ends_and_says_what_it_skipped() -> None:
    log, count = huge_log()
    out = digest(log, 20_000)
    assert len(out) <= 20_000
    # Both traces whole, the first and last lines of the log, and no line from the middle.
    assert "\n".join(PYTHON_TRACE) in out and "\n".join(JAVA_TRACE) in out
    assert access_line(0) in out and access_line(9_999) in out
    assert "middle-of-the-log" not in out
    summary = out.split("\n", 1)[0]
    skipped = int(
        re.search(r"; ([\d,]+) lines in the middle not searched\]$", summary)[1].replace(",", "")
    )
    assert summary.startswith(f"[incident-tui log digest: {count:,} lines, ")
    assert 8_000 < skipped < count
    assert f"\n[… {skipped:,} lines not searched (a huge log's middle) …]\n" in out
    # What the prompt reports as left out counts the lines not searched too.
    lines, _ = left_out(log, out)
    shown = [line for line in out.split("\n") if not line.startswith(("[… ", "[incident"))]
    assert lines == count - len(shown)


@pytest.mark.usefixtures("small_windows")
def test_a_huge_log_renders_within_budget_masked_and_clean() -> None:
    secret = "hunter2-prod-Zx81"
    log, _ = huge_log()
    head = f"\x1b]52;c;aGFja2Vk\x07 2026-11-29T14:05:00Z ERROR login failed password={secret}"
    rendered = render(values_with(f"{head}\n{log}"), max_tokens=8_000)
    assert rendered.fits
    assert "lines not searched (a huge log's middle)" in rendered.text
    assert secret not in rendered.text and rendered.findings
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", rendered.text)
    assert "\n".join(JAVA_TRACE) in rendered.text


@pytest.mark.usefixtures("small_windows")
def test_a_huge_log_without_line_breaks_at_its_ends_is_left_to_the_trim() -> None:
    log = "x" * 300_000 + "\n" + "retry in 3 s\n" * 10 + "y" * 300_000
    assert digest(log, 10_000) is log
    rendered = render(values_with(log), max_tokens=4_000)
    assert rendered.fits and "incident-tui log digest" not in rendered.text


def test_a_log_up_to_the_limit_is_analysed_whole() -> None:
    log, count = huge_log()
    out = digest(log, 20_000)
    assert "not searched" not in out and "middle-of-the-log failure" in out
    assert out.startswith(f"[incident-tui log digest: {count:,} lines, ")


@pytest.mark.usefixtures("small_windows")
def test_a_trace_does_not_run_on_from_the_head_window_into_the_tail() -> None:
    # 100 characters a line: the head window (40,000) ends just after the error line.
    tick = [f"2026-11-29T14:05:{i % 60:02d}Z INFO worker tick {i}".ljust(99) for i in range(8_399)]
    tick[399] = "2026-11-29T14:06:40Z ERROR worker crashed".ljust(99)
    frames = [f"\tat com.example.Loop.spin(Loop.java:{i})".ljust(99) for i in range(900)]
    out = digest("\n".join(tick + frames), 20_000)
    after = out.split(tick[399], 1)[1].split("\n")[1]
    assert after.startswith("[… ") and after.endswith(
        " lines not searched (a huge log's middle) …]"
    )
    # The frames in the tail are lines of one kind, shown once; neither the error's stack
    # trace nor its context.
    assert out.split(after, 1)[1].split("\n")[1] == f"{frames[100]} [×800 similar]"
    assert "Loop.java:101)" not in out
