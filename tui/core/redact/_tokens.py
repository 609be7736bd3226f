"""Tokens recognised by their shape: a vendor's published prefix and length."""

from __future__ import annotations

from collections.abc import Iterator

from tui.core.redact._engine import (
    _Lazy,
    _regex_rule,
    _Rule,
    _Span,
    _starts_token,
)

# --- Tokens with a known shape ----------------------------------------------------------------

_STRIPE = _Lazy(r"_(?:live|test)_[A-Za-z0-9]{10,}")


def _find_stripe(text: str, hay: str) -> Iterator[_Span]:
    # Publishable pk_ keys are public by design, but masking them costs the agent nothing.
    for m in _STRIPE.finditer(text):
        start = m.start() - 2
        if text[start : m.start()] in ("sk", "rk", "pk") and _starts_token(text, start):
            yield start, m.end(), "stripe-key"


_TOKEN_RULES: tuple[_Rule, ...] = (
    # The lookbehind rejects an "eyJ" inside a longer token at once: without it, a long run of
    # "eyJeyJ…" would be scanned again from each of its starts.
    _regex_rule(
        "jwt",
        r"eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{5,}+\.eyJ[A-Za-z0-9_-]{5,}+\.[A-Za-z0-9_-]*",
        ("eyJ",),
    ),
    _regex_rule("anthropic-api-key", r"sk-ant-[A-Za-z0-9_-]{20,}", ("sk-ant-",)),
    _regex_rule(
        "openai-api-key",
        r"""sk-(?!ant-)(?:
            (?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}
          | [A-Za-z0-9]{20,}T3BlbkFJ[A-Za-z0-9]{20,}
          | [A-Za-z0-9]{32,}(?![A-Za-z0-9_-]))""",
        ("sk-",),
    ),
    _regex_rule(
        "github-token",
        r"(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})(?![A-Za-z0-9_-])",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _regex_rule(
        "gitlab-token",
        r"""gl(?:pat|ptt|dt|rt|cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{9})?
          | GR1348941[A-Za-z0-9_-]{20,}""",
        (
            "glpat-",
            "glptt-",
            "gldt-",
            "glrt-",
            "glcbt-",
            "glft-",
            "glimt-",
            "gloas-",
            "glsoat-",
            "glagent-",
            "GR1348941",
        ),
    ),
    # Only the part after /services/ is secret; the host says what it is.
    _regex_rule(
        "slack-webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9_/+-]{20,})",
        ("hooks.slack.com/",),
        group="s",
    ),
    _regex_rule(
        "slack-token",
        r"""xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{40,}
          | xox[abeoprs]-[A-Za-z0-9-]{10,}
          | xapp-[0-9]-[A-Za-z0-9-]{10,}""",
        ("xox", "xapp-"),
    ),
    _Rule(_find_stripe, ("_live_", "_test_")),
    _regex_rule("stripe-key", r"whsec_[A-Za-z0-9]{24,}", ("whsec_",)),
    _regex_rule("npm-token", r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_-])", ("npm_",)),
    # "AgE" starts the macaroon of both pypi.org and test.pypi.org tokens.
    _regex_rule("pypi-token", r"pypi-AgE[A-Za-z0-9_-]{50,}", ("pypi-AgE",)),
    _regex_rule("google-api-key", r"AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])", ("AIza",)),
    _regex_rule(
        "aws-access-key-id",
        r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
    ),
)
