"""The offline token estimate against real tokenizer counts (cl100k and o200k), computed once.

The corpus and its counts are test data (tests/data/token_corpus: make_corpus.py wrote the
samples, count.cjs counted them with js-tiktoken); no tokenizer runs here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.tokens import estimate_tokens

CORPUS = Path(__file__).parent / "data" / "token_corpus"
COUNTS: dict[str, dict[str, int]] = json.loads((CORPUS / "counts.json").read_text("utf-8"))


def test_the_corpus_covers_what_on_call_engineers_paste() -> None:
    kinds = {name.split("-", 1)[0] for name in COUNTS}
    assert {"prompt", "log", "trace", "code", "prose", "hashes"} <= kinds
    assert len(COUNTS) >= 25
    for name, counts in COUNTS.items():
        text = (CORPUS / name).read_text(encoding="utf-8")
        assert counts["bytes"] == len(text.encode("utf-8")), f"{name} changed since it was counted"


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_the_estimate_is_within_minus_3_and_plus_25_percent(name: str) -> None:
    counts = COUNTS[name]
    real = max(counts["cl100k"], counts["o200k"])
    estimate = estimate_tokens((CORPUS / name).read_text(encoding="utf-8"))
    error = (estimate - real) / real
    assert -0.03 <= error <= 0.25, f"{name}: {estimate:,} estimated, {real:,} real ({error:+.1%})"


def test_an_empty_text_is_no_tokens() -> None:
    assert estimate_tokens("") == 0
