"""Masking secrets on the way out: the corpus, stable labels, un-masking, options and scale."""

from __future__ import annotations

import hashlib
import random
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.redact import KINDS, Finding, RedactOptions, Redactor, fingerprint

CORPUS: dict[str, Any] = tomllib.loads(
    (Path(__file__).parent / "data" / "redact_corpus.toml").read_text(encoding="utf-8")
)
POSITIVES: list[dict[str, Any]] = CORPUS["positive"]
NEGATIVES: list[dict[str, Any]] = CORPUS["negative"]
LABEL = re.compile(r"\[REDACTED:([a-z0-9-]+)#([0-9]+)\]")

GITHUB_1 = "ghp_pIYTBKgIfuxO2goJjwcRKVpUYL7L6puCR1Tf"
GITHUB_2 = "ghp_o7aka3rr3PsSQapTjOKhCwKsl2jFnmD5SZ9k"


def _secrets(case: dict[str, Any]) -> list[str]:
    secret = case["secret"]
    return [secret] if isinstance(secret, str) else list(secret)


def redact(text: str, options: RedactOptions | None = None) -> tuple[str, list[Finding]]:
    redactor = Redactor(options or RedactOptions())
    return redactor.redact(text, "error_logs"), redactor.findings


# --- The corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", POSITIVES, ids=[c["name"] for c in POSITIVES])
def test_true_positive_is_masked(case: dict[str, Any]) -> None:
    out, findings = redact(case["text"])
    for secret in _secrets(case):
        assert secret in case["text"], "the corpus entry's secret must be in its text"
        assert secret not in out
    assert f"[REDACTED:{case['kind']}#" in out
    assert case["kind"] in {f.kind for f in findings}
    for kept in case.get("keep", []):
        assert kept in out
    if "expected" in case:
        assert out == case["expected"]


@pytest.mark.parametrize("case", NEGATIVES, ids=[c["name"] for c in NEGATIVES])
def test_true_negative_is_left_alone(case: dict[str, Any]) -> None:
    out, findings = redact(case["text"])
    assert findings == []
    assert out == case["text"]


def test_true_negatives_survive_together() -> None:
    # One field holding all of them: no rule may reach across from one line to the next.
    text = "\n".join(case["text"] for case in NEGATIVES)
    assert redact(text)[0] == text


def test_corpus_covers_every_kind() -> None:
    assert {case["kind"] for case in POSITIVES} == KINDS - {"ip"}  # ip: see the options tests


def test_every_finding_has_a_known_kind_and_a_well_formed_label() -> None:
    text = "\n".join(case["text"] for case in POSITIVES)
    out, findings = redact(text, RedactOptions(ips=True))
    assert findings
    for f in findings:
        assert f.kind in KINDS
        label = LABEL.fullmatch(f.label)
        assert label is not None
        assert label.group(1) == f.kind
        assert f.label in out
        assert f.where == "error_logs"
        assert f.masked


def test_positives_together_leak_nothing() -> None:
    # Secrets next to each other in one field, as in a real paste.
    out, _ = redact("\n".join(case["text"] for case in POSITIVES))
    for case in POSITIVES:
        for secret in _secrets(case):
            assert secret not in out


def test_masking_twice_changes_nothing_more() -> None:
    # A prompt re-rendered from masked text (or text pasted back in) must not mask the labels.
    for case in POSITIVES:
        once, _ = redact(case["text"])
        twice, findings = redact(once)
        assert twice == once, case["name"]
        assert findings == [], case["name"]


# --- Stable labels ----------------------------------------------------------------------------


def test_same_secret_twice_gets_the_same_label() -> None:
    out, findings = redact(f"first {GITHUB_1}\nthen again {GITHUB_1}")
    assert out == "first [REDACTED:github-token#1]\nthen again [REDACTED:github-token#1]"
    assert [f.label for f in findings] == ["[REDACTED:github-token#1]"] * 2


def test_two_secrets_get_two_numbers() -> None:
    out, _ = redact(f"{GITHUB_1} {GITHUB_2} {GITHUB_1}")
    assert out == "[REDACTED:github-token#1] [REDACTED:github-token#2] [REDACTED:github-token#1]"


def test_numbers_count_per_kind() -> None:
    out, _ = redact(f"password=hunter22 {GITHUB_1} passwd=Tr0ub4dor")
    assert out == (
        "password=[REDACTED:password#1] [REDACTED:github-token#1] passwd=[REDACTED:password#2]"
    )


def test_labels_hold_across_fields() -> None:
    redactor = Redactor()
    logs = redactor.redact(f"auth failed with {GITHUB_1}", "error_logs")
    config = redactor.redact(f"GH_TOKEN={GITHUB_2}\nGH_FALLBACK={GITHUB_1}", "config_changes")
    assert logs == "auth failed with [REDACTED:github-token#1]"
    assert config == "GH_TOKEN=[REDACTED:github-token#2]\nGH_FALLBACK=[REDACTED:github-token#1]"
    assert [f.where for f in redactor.findings] == [
        "error_logs",
        "config_changes",
        "config_changes",
    ]


def test_same_text_found_by_two_rules_keeps_its_first_label() -> None:
    out, findings = redact("password=Tr0ub4dor-Horse\nCookie: sid=Tr0ub4dor-Horse")
    assert out == "password=[REDACTED:password#1]\nCookie: sid=[REDACTED:password#1]"
    assert [f.kind for f in findings] == ["password", "password"]


def test_a_new_redactor_starts_numbering_again() -> None:
    assert redact(GITHUB_2)[0] == redact(GITHUB_1)[0] == "[REDACTED:github-token#1]"


# --- Findings ---------------------------------------------------------------------------------


def test_findings_are_one_per_occurrence_in_order() -> None:
    _, findings = redact(f"a@example.com {GITHUB_1} password=hunter22 {GITHUB_1}")
    assert [f.kind for f in findings] == ["email", "github-token", "password", "github-token"]
    assert [f.fingerprint for f in findings] == [
        fingerprint("a@example.com"),
        fingerprint(GITHUB_1),
        fingerprint("hunter22"),
        fingerprint(GITHUB_1),
    ]


def test_findings_property_is_a_copy() -> None:
    redactor = Redactor()
    redactor.redact(GITHUB_1, "x")
    redactor.findings.clear()
    assert len(redactor.findings) == 1


def test_fingerprint_is_a_short_sha256() -> None:
    expected = "sha256:" + hashlib.sha256(GITHUB_1.encode()).hexdigest()[:16]
    assert fingerprint(GITHUB_1) == expected
    assert fingerprint(GITHUB_2) != expected
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", fingerprint("\udcff lone surrogate"))


@pytest.mark.parametrize(
    ("secret", "preview"),
    [
        (GITHUB_1, "ghp_…Tf"),  # 40 characters: 4 + 2
        ("Tr0ub4dor&3x", "Tr…3x"),  # 12: a third is 4
        ("hunter2", "h…2"),  # 7: a third is 2
        ("abcde", "a…"),
        ("ab", "…"),
    ],
)
def test_preview_never_shows_more_than_a_third(secret: str, preview: str) -> None:
    _, findings = redact(f"password={secret}")
    assert findings[0].preview == preview
    shown = len(preview) - 1
    assert shown <= len(secret) // 3


# --- Un-masking -------------------------------------------------------------------------------


def test_allow_unmasks_exactly_that_value() -> None:
    text = f"{GITHUB_1} {GITHUB_2} password=hunter22 {GITHUB_1}"
    out, findings = redact(text, RedactOptions(allow=frozenset({fingerprint(GITHUB_1)})))
    # GITHUB_1 keeps its number: un-masking one value never renumbers the others.
    assert out == f"{GITHUB_1} [REDACTED:github-token#2] password=[REDACTED:password#1] {GITHUB_1}"
    assert [(f.label, f.masked) for f in findings] == [
        ("[REDACTED:github-token#1]", False),
        ("[REDACTED:github-token#2]", True),
        ("[REDACTED:password#1]", True),
        ("[REDACTED:github-token#1]", False),
    ]


def test_an_allowed_value_is_not_masked_by_another_rule() -> None:
    # The JWT is allowed; the Authorization header rule must not then mask it as a bearer token.
    jwt = next(c for c in POSITIVES if c["name"] == "jwt-bare")["secret"][0]
    case = next(c for c in POSITIVES if c["name"] == "authorization-bearer-jwt")
    token = case["text"].removeprefix("> Authorization: Bearer ")
    assert token.startswith(jwt)
    out, findings = redact(case["text"], RedactOptions(allow=frozenset({fingerprint(token)})))
    assert out == case["text"]
    assert [(f.kind, f.masked) for f in findings] == [("jwt", False)]


def test_allowing_an_unrelated_fingerprint_changes_nothing() -> None:
    text = f"{GITHUB_1} password=hunter22"
    allowed = RedactOptions(allow=frozenset({fingerprint("something else")}))
    assert redact(text, allowed) == redact(text)


# --- Options ----------------------------------------------------------------------------------


def test_emails_are_masked_by_default_and_kept_when_off() -> None:
    text = "bounce from jane.doe@example.com"
    assert redact(text)[0] == "bounce from [REDACTED:email#1]"
    assert redact(text, RedactOptions(emails=False)) == (text, [])


def test_ips_are_kept_by_default_and_masked_when_on() -> None:
    text = "client 203.0.113.42 via 2001:db8::8a2e:370:7334 to 10.0.0.5:8080, health 127.0.0.1"
    assert redact(text) == (text, [])
    out, findings = redact(text, RedactOptions(ips=True))
    assert out == (
        "client [REDACTED:ip#1] via [REDACTED:ip#2] to [REDACTED:ip#3]:8080, health 127.0.0.1"
    )
    assert {f.kind for f in findings} == {"ip"}


@pytest.mark.parametrize(
    "text",
    [
        "at 14:07:03.123",  # a time of day
        "mac 00:1a:2b:3c:4d:5e",
        "listening on 0.0.0.0:80 and [::]:443 and [::1]:8080",
        "version 1.2.3 and 999.1.1.1",
        "std::vector<int>, A::B and a::",
    ],
)
def test_ips_on_leaves_look_alikes(text: str) -> None:
    assert redact(text, RedactOptions(ips=True)) == (text, [])


def test_options_do_not_switch_secrets_off() -> None:
    out, _ = redact(GITHUB_1, RedactOptions(emails=False, ips=False))
    assert out == "[REDACTED:github-token#1]"


# --- Card numbers, generated ------------------------------------------------------------------


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str(-total % 10)


_CARD_PREFIXES = ["4", "51", "55", "2221", "34", "37", "6011", "65", "3528"]


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, str]:
    """(card number as written, its digits); 16 digits, or 15 for Amex."""
    prefix = draw(st.sampled_from(_CARD_PREFIXES))
    length = 15 if prefix in ("34", "37") else 16
    size = length - len(prefix) - 1
    body = prefix + draw(st.text("0123456789", min_size=size, max_size=size))
    digits = body + _luhn_digit(body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    if sep and length == 15:
        written = sep.join([digits[:4], digits[4:10], digits[10:]])
    elif sep:
        written = sep.join(digits[i : i + 4] for i in range(0, 16, 4))
    else:
        written = digits
    return written, digits


@given(cards())
def test_generated_cards_are_masked(card: tuple[str, str]) -> None:
    written, _ = card
    out, findings = redact(f"charge failed for card {written}, retrying")
    assert out == "charge failed for card [REDACTED:card-number#1], retrying"
    assert findings[0].preview.startswith(written[:3])  # a third of 15 or 16 is 5: 3 + 2


@given(cards(), st.integers(1, 9))
def test_generated_cards_with_a_wrong_check_digit_are_kept(card: tuple[str, str], k: int) -> None:
    written, digits = card
    wrong = written[:-1] + str((int(digits[-1]) + k) % 10)
    text = f"charge failed for card {wrong}, retrying"
    assert redact(text) == (text, [])


@given(
    st.one_of(
        st.integers(1_000_000_000_000, 1_999_999_999_999),  # millis, 2001 to 2033
        st.integers(1_000_000_000_000_000, 1_999_999_999_999_999),  # micros
    )
)
def test_epoch_millis_and_micros_are_never_cards(epoch: int) -> None:
    text = f'{{"ts": {epoch}, "level": "error"}}'
    assert redact(text) == (text, [])


# --- Properties over arbitrary text -----------------------------------------------------------

_PIECES = [
    GITHUB_1,
    "password=hunter22 ",
    "Authorization: Bearer NF-E4dNz43ONuhW28EsLVsbP\n",
    "4111 1111 1111 1111",
    "jane@example.com",
    "postgres://app:pw@db/x",
    "Cookie: a=b; c=d\n",
    "-----BEGIN PRIVATE KEY-----\nMIIE\n",
    "10.0.0.5",
    "token: ",
    "=",
    ":",
    "@",
    '"',
    "\\",
    "\n",
    " ",
]
_texts = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=30).map(
    "".join
)


@settings(max_examples=300)
@given(_texts)
def test_allowing_every_finding_gives_the_text_back(text: str) -> None:
    # Spans never overlap or shift: un-masking everything restores the input exactly.
    options = RedactOptions(ips=True)
    _, findings = redact(text, options)
    everything = RedactOptions(ips=True, allow=frozenset(f.fingerprint for f in findings))
    out, again = redact(text, everything)
    assert out == text
    assert [f.fingerprint for f in again] == [f.fingerprint for f in findings]
    assert not any(f.masked for f in again)


@settings(max_examples=300)
@given(_texts)
def test_masked_output_holds_only_labels_where_text_changed(text: str) -> None:
    out, findings = redact(text, RedactOptions(ips=True))
    # Removing the labels from the output leaves the unmasked text in order: nothing else moved.
    pieces = LABEL.split(out)[::3]
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found != -1
        position = found + len(piece)
    assert len(LABEL.findall(out)) == sum(1 for f in findings if f.masked)


# --- Scale and pathological input -----------------------------------------------------------

_LOG_LINES = [
    "2025-11-29T14:07:{s:02d}.{ms:03d}Z INFO  checkout-7d9f8b6c4-x2x7q http request method=POST "
    "path=/api/v2/orders status=201 duration_ms={d} trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
    '10.42.{a}.{b} - - [29/Nov/2025:14:07:{s:02d} +0000] "GET /healthz HTTP/1.1" 200 2 "-" '
    '"kube-probe/1.29"',
    '{{"ts":1764412023{ms:03d},"level":"error","msg":"upstream timeout","attempt":{a},'
    '"user_id":"5f3c2a1e-9b7d-4c1a-8e2f-{d:012d}","elapsed":"{d}ms"}}',
    "    at com.acme.payments.StripeClient.charge(StripeClient.java:{d})",
    "Caused by: java.net.SocketTimeoutException: Read timed out after 30000 ms (attempt {a})",
    "deploy sha=3f9a2b1c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a version=v2.14.0-rc1 build=4512",
    "WARN  db.pool: pool exhausted (active=50 idle=0 waiting={a}) token_count={d}",
]
_SECRET_LINE = "ERROR auth: retry {n} with Authorization: Bearer tok{n:08d}NF-E4dNz43ONuhW28Es"


def _big_log(size: int) -> tuple[str, int]:
    rnd = random.Random(7)
    lines: list[str] = []
    total = secrets = 0
    while total < size:
        if rnd.random() < 0.02:
            line = _SECRET_LINE.format(n=secrets)
            secrets += 1
        else:
            line = rnd.choice(_LOG_LINES).format(
                s=rnd.randrange(60),
                ms=rnd.randrange(1000),
                d=rnd.randrange(100_000),
                a=rnd.randrange(256),
                b=rnd.randrange(256),
            )
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines), secrets


def test_a_5_mb_log_is_masked_whole() -> None:
    # Not timed (CI machines vary); measured at about 0.25 s on a 2-core machine.
    text, secrets = _big_log(5_000_000)
    out, findings = redact(text)
    assert len(findings) == secrets
    assert {f.kind for f in findings} == {"bearer-token"}
    assert "NF-E4dNz43ONuhW28Es" not in out
    assert len(out.splitlines()) == len(text.splitlines())


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,
        "=" * 200_000,
        ":" * 200_000,
        "@" * 200_000,
        "1 " * 100_000,
        "1-" * 100_000,
        "eyJ" * 70_000,
        "a@" * 100_000,
        "://a:" * 40_000,
        "password=" * 20_000,
        "Cookie: " * 20_000,
        "x" * 100_000 + "@",
        "ab:" * 70_000,
        "0" * 200_000 + "x",
        "-----BEGIN PRIVATE KEY-----" + "A" * 200_000,
        "mysql " * 40_000,
        "sqlplus a " * 20_000,
        "jdbc:oracle:thin:a/" * 10_000,
        "curl -u " * 25_000,
        "redis-cli -a " * 15_000,
        "vault login " + "abcdefghij " * 20_000,
        "data:\n" + "  k: QUJD\n" * 20_000,
        '"data": {' + '"a": "QUJD",' * 15_000,
        "ATBB" * 50_000 + "_",
        "AZDO" * 50_000,
        "aaa1Q~" * 35_000,
        ".atlasv1." * 22_000,
        "1234567890:AA" * 15_000,
        "ssh a@b.io " * 20_000,
        "machine x password y " * 10_000,
        "://" + "a" * 200_000,
    ],
    ids=lambda t: f"{t[:12]!r}x{len(t)}",
)
def test_pathological_input_finishes(text: str) -> None:
    # A pattern that backtracks badly, or rescans a long run from each of its starts, would hang
    # here for minutes instead of milliseconds.
    _, findings = redact(text, RedactOptions(ips=True))
    everything = RedactOptions(ips=True, allow=frozenset(f.fingerprint for f in findings))
    assert redact(text, everything)[0] == text


def test_module_does_not_import_textual() -> None:
    code = "import sys, tui.core.redact; sys.exit('textual' in sys.modules)"
    root = Path(__file__).resolve().parent.parent
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0
