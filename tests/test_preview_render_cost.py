"""What the live preview's render of a session with a big log costs when only a small field
changed, and that what it skips changes nothing in the prompt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import tui.core.redact as redact
from tui.core.prompt import TemplateLibrary, prompt_for
from tui.core.redact import RedactOptions, Redactor

GITHUB = "ghp_pIYTBKgIfuxO2goJjwcRKVpUYL7L6puCR1Tf"
AS_OF = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def log_text(lines: int) -> str:
    """A log with a secret, an e-mail address and a repeated token among ordinary lines."""
    out = []
    for n in range(lines):
        if n % 97 == 0:
            out.append(f"14:{n % 60:02d}:01 auth ERROR Authorization: Bearer {GITHUB}")
        elif n % 89 == 0:
            out.append(f"14:{n % 60:02d}:02 cart WARN user jane{n}@example.com checkout failed")
        else:
            out.append(f"14:{n % 60:02d}:03 checkout-api INFO request {n:06d} completed in 12 ms")
    return "\n".join(out)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The length of every text the masking rules actually scan."""
    seen: list[int] = []
    real = redact._scan

    def counting(text: str, rules: Any) -> Any:
        seen.append(len(text))
        return real(text, rules)

    monkeypatch.setattr(redact, "_scan", counting)
    monkeypatch.setattr(redact, "_memo", {})
    yield seen


def test_a_log_that_did_not_change_is_not_scanned_again_when_the_summary_changes(
    tmp_path: Path, scans: list[int]
) -> None:
    from tests.benchmarks.data import log_text as production_log

    library = TemplateLibrary(tmp_path / "templates")
    # A varied log: its digest is far over the size from which scans are remembered.
    log = production_log(1024 * 1024) + f"auth ERROR Authorization: Bearer {GITHUB}\n"
    values = {"incident_summary": "Checkout fails", "error_logs": log}
    first = prompt_for(values, library, "incident-response", as_of=AS_OF)
    assert any(size >= 16_384 for size in scans), "the log's digest was scanned"
    scans.clear()
    values["incident_summary"] += " since the deploy"
    second = prompt_for(values, library, "incident-response", as_of=AS_OF)
    assert [size for size in scans if size >= 16_384] == []
    # Still masked, the same secrets found: only the summary changed.
    assert GITHUB not in second.text
    assert "[REDACTED:github-token#1]" in second.text
    assert second.findings == first.findings
    assert "since the deploy" in second.text


def test_a_remembered_scan_is_labelled_like_a_fresh_one(scans: list[int]) -> None:
    text = log_text(3_000)
    Redactor().redact(text, "error_logs")  # remembered
    # Another redactor has met another secret first: labels continue its numbering.
    remembered = Redactor()
    remembered.redact("token ghp_o7aka3rr3PsSQapTjOKhCwKsl2jFnmD5SZ9k", "incident_summary")
    masked = remembered.redact(text, "error_logs")
    redact._memo.clear()
    fresh = Redactor()
    fresh.redact("token ghp_o7aka3rr3PsSQapTjOKhCwKsl2jFnmD5SZ9k", "incident_summary")
    assert masked == fresh.redact(text, "error_logs")
    assert remembered.findings == fresh.findings
    assert "[REDACTED:github-token#2]" in masked


def test_a_scan_remembered_with_other_options_is_not_reused(scans: list[int]) -> None:
    text = log_text(3_000)
    assert "jane89@example.com" not in Redactor().redact(text, "error_logs")
    shown = Redactor(RedactOptions(emails=False)).redact(text, "error_logs")
    assert "jane89@example.com" in shown
    assert GITHUB not in shown
    masked_again = Redactor().redact(text, "error_logs")
    assert "jane89@example.com" not in masked_again


def test_a_log_is_not_digested_again_as_the_summary_grows_key_by_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.digest as digest_module
    from tests.benchmarks.data import log_text as production_log

    digests: list[int] = []
    real = digest_module._render

    def counting(analysis: Any, budget: int) -> Any:
        digests.append(budget)
        return real(analysis, budget)

    monkeypatch.setattr(digest_module, "_render", counting)
    digest_module.forget()
    library = TemplateLibrary(tmp_path / "templates")
    values = {"incident_summary": "Checkout fails", "error_logs": production_log(1024 * 1024)}
    first = prompt_for(values, library, "incident-response", as_of=AS_OF)
    assert digests, "the log was digested"
    digests.clear()
    for word in (" s", "in", "ce", " t", "he", " d", "ep", "lo", "y"):
        values["incident_summary"] += word
        again = prompt_for(values, library, "incident-response", as_of=AS_OF)
        assert again.tokens <= again.max_tokens
    assert digests == []
    assert again.text.replace(values["incident_summary"], "") == first.text.replace(
        "Checkout fails", ""
    )


def test_a_huge_value_masked_whole_is_not_kept_alive_afterwards(scans: list[int]) -> None:
    huge = log_text(60_000)  # about 3.5 MB, far over any prompt's budget
    assert len(huge) > 2 * 1024 * 1024
    masked = Redactor().redact(huge, "error_logs")
    assert GITHUB not in masked
    assert all(len(text) < len(huge) for text, _ in redact._memo)
