"""The masking figures the README publishes are the corpus's, recomputed here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tui.core.redact import Redactor

ROOT = Path(__file__).resolve().parent.parent
CORPUS: dict[str, Any] = tomllib.loads(
    (ROOT / "tests" / "data" / "redact_corpus.toml").read_text(encoding="utf-8")
)


def _secrets(case: dict[str, Any]) -> list[str]:
    secret = case["secret"]
    return [secret] if isinstance(secret, str) else list(secret)


def corpus_figures() -> str:
    """The README's sentence: a text "leaks" when any of its secrets survives masking, a
    look-alike is "wrongly masked" when masking changes it at all."""
    positives, negatives = CORPUS["positive"], CORPUS["negative"]
    leaked = 0
    for case in positives:
        out = Redactor().redact(case["text"], "error_logs")
        leaked += any(secret in out for secret in _secrets(case))
    wrongly = sum(Redactor().redact(c["text"], "error_logs") != c["text"] for c in negatives)
    return (
        f"**{len(positives) - leaked} of {len(positives)} texts holding secrets masked, "
        f"{leaked} leaked; {wrongly} of {len(negatives)} look-alikes wrongly masked.**"
    )


def test_readme_states_the_corpus_figures() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"\(`tests/data/redact_corpus\.toml`\): (.*)\n", readme)
    assert stated is not None, "README's masking section must state the corpus figures"
    assert stated.group(1) == corpus_figures()


def test_corpus_is_as_large_as_promised() -> None:
    assert len(CORPUS["positive"]) >= 150
    assert len(CORPUS["negative"]) >= 80
