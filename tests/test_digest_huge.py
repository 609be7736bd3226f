"""A log far above the prompt's budget: the digest reads its two ends and the error lines a
search of its middle finds, not all of it."""

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


SUMMARY_MIDDLE = re.compile(
    r"; ([\d,]+) lines in the middle not read, (\d+)% of it searched for error words: "
    r"(about )?([\d,]+) error lines?( \(an estimate\))? there, ([\d,]+) of them read with "
    r"context\]$"
)
GAP = re.compile(
    r"^\[… ([\d,]+) characters of a huge log's middle not read(?:, not searched"
    r"|; (\d+)% of them searched for error words, ([\d,]+) error lines? found there) …\]$",
    re.MULTILINE,
)


@pytest.mark.usefixtures("small_windows")
def test_a_huge_log_is_read_at_its_ends_and_around_the_errors_in_its_middle() -> None:
    log, count = huge_log()
    out = digest(log, 20_000)
    assert len(out) <= 20_000
    # Both traces whole, the first and last lines of the log, and the middle's error with the
    # lines around it; not the middle's other lines.
    assert "\n".join(PYTHON_TRACE) in out and "\n".join(JAVA_TRACE) in out
    assert access_line(0) in out and access_line(9_999) in out
    middle = "2026-11-29T14:08:00Z ERROR cart middle-of-the-log failure"
    assert f"{access_line(4_999)}\n{middle}\n{access_line(5_000)}" in out
    assert access_line(3_000) not in out and access_line(7_000) not in out
    summary = out.split("\n", 1)[0]
    assert summary.startswith(f"[incident-tui log digest: {count:,} lines, ")
    said = SUMMARY_MIDDLE.search(summary)
    assert said is not None, summary
    skipped = int(said[1].replace(",", ""))
    assert 8_000 < skipped < count
    # One error line in the middle: found, read, and estimated as about one.
    assert said[6] == "1" and said[4] == "1"
    # Each stretch not read is marked where it was; together they are the middle less what
    # was read, and none of them had an error line in what was searched.
    gaps = GAP.findall(out)
    assert len(gaps) == 2 and all(g[2] in ("", "0") for g in gaps)
    # What the prompt reports as left out counts the lines not read too.
    lines, _ = left_out(log, out)
    shown = [line for line in out.split("\n") if not line.startswith(("[… ", "[incident"))]
    assert lines == count - len(shown)


@pytest.mark.usefixtures("small_windows")
def test_errors_at_several_places_in_the_middle_are_each_shown() -> None:
    lines = [access_line(i) for i in range(10_000)]
    # A burst of one repeated error early in the middle does not hide two distinct ones later.
    for at in range(2_000, 2_400, 4):
        lines[at] = f"2026-11-29T14:06:{at % 60:02d}Z ERROR db pool exhausted waited={at} ms"
    lines[4_500:4_500] = ["2026-11-29T14:07:00Z FATAL inventory lost its lease on shard-7"]
    lines[7_000:7_000] = JAVA_TRACE
    out = digest("\n".join(lines), 20_000)
    assert "ERROR db pool exhausted" in out
    assert "FATAL inventory lost its lease on shard-7" in out
    assert "\n".join(JAVA_TRACE) in out
    said = SUMMARY_MIDDLE.search(out.split("\n", 1)[0])
    assert said is not None and int(said[6]) >= 3
    # The burst is about 100 error lines: the estimate says so, roughly.
    assert 60 <= int(said[4].replace(",", "")) <= 400 and said[3] == "about "


def test_a_distinctive_exception_only_in_a_32_mb_logs_middle_is_shown_with_its_trace() -> None:
    forget()
    filler = "2026-11-29T14:05:00Z INFO worker heartbeat ok seq=1234 lag_ms=0\n"
    half = (digest_lines.FULL_LIMIT // 2 // len(filler) + 1000) * filler
    log = half + "\n".join(PYTHON_TRACE) + "\n" + half
    assert len(log) > digest_lines.FULL_LIMIT
    out = digest(log, 20_000)
    assert "\n".join(PYTHON_TRACE) in out
    assert f"{filler}{PYTHON_TRACE[0]}" in out  # with the line before it
    said = SUMMARY_MIDDLE.search(out.split("\n", 1)[0])
    assert said is not None and said[6] == "1"
    forget()


@pytest.mark.usefixtures("small_windows")
def test_a_huge_log_renders_within_budget_masked_and_clean() -> None:
    secret = "hunter2-prod-Zx81"
    log, _ = huge_log()
    head = f"\x1b]52;c;aGFja2Vk\x07 2026-11-29T14:05:00Z ERROR login failed password={secret}"
    rendered = render(values_with(f"{head}\n{log}"), max_tokens=8_000)
    assert rendered.fits
    assert "characters of a huge log's middle not read" in rendered.text
    assert "middle-of-the-log failure" in rendered.text
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
    assert "not read" not in out and "middle-of-the-log failure" in out
    assert out.startswith(f"[incident-tui log digest: {count:,} lines, ")


@pytest.mark.usefixtures("small_windows")
def test_a_trace_does_not_run_on_from_the_head_window_into_the_tail() -> None:
    # 100 characters a line: the head window (40,000) ends just after the error line.
    tick = [f"2026-11-29T14:05:{i % 60:02d}Z INFO worker tick {i}".ljust(99) for i in range(8_399)]
    tick[399] = "2026-11-29T14:06:40Z ERROR worker crashed".ljust(99)
    frames = [f"\tat com.example.Loop.spin(Loop.java:{i})".ljust(99) for i in range(900)]
    out = digest("\n".join(tick + frames), 20_000)
    after = out.split(tick[399], 1)[1].split("\n")[1]
    assert GAP.match(after) is not None
    # The frames in the tail are lines of one kind, shown once; neither the error's stack
    # trace nor its context.
    assert out.split(after, 1)[1].split("\n")[1] == f"{frames[100]} [×800 similar]"
    assert "Loop.java:101)" not in out


@pytest.mark.usefixtures("small_windows")
def test_an_error_line_read_from_the_middle_is_masked_and_cleaned() -> None:
    secret = "hunter2-prod-Zx81"
    lines = [access_line(i) for i in range(10_000)]
    lines[5_000] = (
        f"\x1b]52;c;aGFja2Vk\x07\x1b[31m2026-11-29T14:08:00Z ERROR İstanbul login failed "
        f"password={secret}\x00"
    )
    rendered = render(values_with("\n".join(lines)), max_tokens=8_000)
    assert rendered.fits and "İstanbul login failed" in rendered.text
    assert secret not in rendered.text and rendered.findings
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", rendered.text)


@pytest.mark.usefixtures("small_windows")
def test_an_error_in_one_huge_line_of_the_middle_is_counted_not_read() -> None:
    lines = [access_line(i) for i in range(10_000)]
    lines[5_000] = "2026-11-29T14:08:00Z ERROR blob " + "z" * 200_000
    out = digest("\n".join(lines), 20_000)
    assert len(out) <= 20_000 and "ERROR blob" not in out
    said = SUMMARY_MIDDLE.search(out.split("\n", 1)[0])
    assert said is not None and said[6] == "0" and said[4] != "0"


def test_the_middle_search_takes_no_status_cut_short_for_a_5xx() -> None:
    # Each line of this middle ends the chunk it is searched in: "status=50" there read as a
    # 5xx, as "status=503" does.
    from tui.core.digest_middle import search

    for status, hits in (("503", 48), ("50", 0)):
        text = "\n".join(f"GET /cart/{n} status={status}" for n in range(48))
        middle, _ = search(text, 0, len(text), digest_lines._STATUS_WORDS, 3)
        assert len(middle.hits) == hits
