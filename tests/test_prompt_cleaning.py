"""A big value is trimmed as a span of its text and cleaned with fast checks: the prompt must be
exactly the one the straightforward pipeline gives (clean the whole value, strip it, then trim a
copy), for hostile values too, and masking must still see every kept character."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from tui.core import prompt, sanitize, trim
from tui.core.prompt import RenderedPrompt, TemplateLibrary, prompt_for
from tui.core.schema import CONTEXT_FIELDS, Field, is_unknown

LIBRARY = TemplateLibrary()


# --- the straightforward pipeline, as it was written before the fast paths ------------------------


def reference_strip_controls(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if sanitize._UNSAFE.search(text) is None:
        return text
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    escapes, drop = sanitize._stripping()
    return drop.sub("", escapes.sub("", text))


def reference_clean(raw: str) -> trim.Clean:
    text = reference_strip_controls(raw).strip("\n")
    return trim.Clean(text, 0, len(text))


def reference_trim(
    value: str,
    keep_chars: int,
    max_tokens: int,
    totals: tuple[int, int] | None = None,
    *,
    start: int = 0,
    end: int | None = None,
) -> tuple[str, int, int]:
    value = value[start:end]  # the reference works on a copy
    keep_chars = max(keep_chars, trim.MIN_KEEP)
    if len(value) <= keep_chars:
        return value, 0, 0
    head_end = int(keep_chars * 0.4)
    tail_start = len(value) - (keep_chars - head_end)
    newline = value.rfind("\n", 0, head_end)
    if newline > head_end // 2:
        head_end = newline + 1
    else:
        found = [m.end() for m in trim._SEPARATOR.finditer(value, max(0, head_end - 512), head_end)]
        head_end = found[-1] if found else head_end
    newline = value.find("\n", tail_start, tail_start + (keep_chars - head_end) // 2)
    if newline != -1:
        tail_start = newline + 1
    else:
        match = trim._SEPARATOR.search(value, tail_start, tail_start + 512)
        tail_start = match.start() if match else tail_start
    omitted = value[head_end:tail_start]
    lines, size = omitted.count("\n"), len(omitted.encode("utf-8", "surrogatepass"))
    what = f"{lines:,} lines, {size:,} bytes" if lines else f"{size:,} bytes of one line"
    marker = (
        f"[… incident-tui left out {what} here to fit the prompt budget of {max_tokens:,} tokens …]"
    )
    head = value[:head_end]
    joiner = "" if head.endswith("\n") or not head else "\n"
    tail_joiner = "\n" if value[tail_start - 1 : tail_start] == "\n" else ""
    return f"{head}{joiner}{marker}{tail_joiner}{value[tail_start:]}", lines, size


def render(values: dict[str, str], max_tokens: int) -> RenderedPrompt:
    prompt._CLEAN_CACHE.clear()
    prompt._TOTALS_CACHE.clear()
    return prompt_for(values, LIBRARY, "incident-response", max_tokens=max_tokens)


def reference_render(
    values: dict[str, str], max_tokens: int, monkeypatch: pytest.MonkeyPatch
) -> RenderedPrompt:
    with monkeypatch.context() as patch:
        patch.setattr(trim, "clean", reference_clean)
        patch.setattr(trim, "trim_value", reference_trim)
        patch.setattr(sanitize, "has_controls", lambda t: sanitize._UNSAFE.search(t) is not None)
        return render(values, max_tokens)


# --- hostile samples ------------------------------------------------------------------------------

HOSTILE = [
    "\x1b[31mERROR\x1b[0m",  # colour
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52, terminated
    "\x1b]2;title",  # an OSC left open: it swallows the text up to the next ESC or BEL
    "\x9b31m",  # an 8-bit CSI
    "\x00",
    "\x08\x08",
    "\r\n",
    "\r",
    "\u202e",  # right-to-left override
    "\u2028",  # line separator: a newline in the prompt
    "\u200b",  # zero-width space
    "é ü 漢字 😀",
    "\t",
    "\n\n\n",
    "password=hunter2-very-secret",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
    "AKIAIOSFODNN7EXAMPLE",
    "postgres://app:s3cr3t-pa55@db.internal:5432/orders",
]
LINE = "2026-11-29T14:07:01.123Z ERROR checkout-api [req-0123456789abcdef] /v2/checkout status=500"


def big_value(rng: random.Random, size: int, hostile: bool) -> str:
    parts: list[str] = []
    total = 0
    while total < size:
        roll = rng.random()
        if hostile and roll < 0.08:
            piece = rng.choice(HOSTILE)
        elif roll < 0.12:
            piece = "x" * rng.randint(1, 3000)  # a long line with no place to cut
        else:
            piece = LINE + f" n={total}\n"
        parts.append(piece)
        total += len(piece)
    return "".join(parts)


def cases() -> Iterator[tuple[str, dict[str, str], int]]:
    rng = random.Random(15)
    for n in range(24):
        hostile = n % 3 != 0
        size = rng.choice((5_000, 70_000, 300_000))
        values = {f.key: f"value of {f.key}" for f in CONTEXT_FIELDS}
        values["error_logs"] = big_value(rng, size, hostile)
        if n % 4 == 0:
            values["monitoring"] = big_value(rng, size // 2, hostile)
        if n % 5 == 0:  # newlines and blanks around the value
            values["error_logs"] = "\n" * rng.randint(1, 9000) + values["error_logs"] + "\n" * 5000
        yield f"case{n}", values, rng.choice((1_500, 4_000, 12_000, 32_000))
    blank = {f.key: "" for f in CONTEXT_FIELDS}
    yield "only-newlines", dict(blank, error_logs="\n" * 100_000), 2_000
    yield "only-spaces", dict(blank, error_logs=" \n\t" * 30_000), 2_000
    yield "secret-at-the-cut", dict(blank, error_logs=secret_at_the_cut()), 2_000
    yield "open-osc-in-the-middle", dict(blank, error_logs=open_osc()), 2_000


def secret_at_the_cut() -> str:
    """One long line, a secret every 97 characters: wherever a cut falls, it is near one."""
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    return ("filler " * 6 + token + " ") * 2_000


def open_osc() -> str:
    """An OSC with no end in the middle: the cleaned value loses everything after it."""
    return (LINE + "\n") * 2_000 + "\x1b]2;" + (LINE + "\n") * 2_000


@pytest.mark.parametrize(("name", "values", "max_tokens"), list(cases()))
def test_the_prompt_is_the_one_the_straightforward_pipeline_gives(
    name: str, values: dict[str, str], max_tokens: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = render(values, max_tokens)
    old = reference_render(values, max_tokens, monkeypatch)
    assert new.text == old.text, name
    assert new.trims == old.trims
    assert new.unknowns == old.unknowns
    assert [(f.kind, f.label) for f in new.findings] == [(f.kind, f.label) for f in old.findings]


def test_a_secret_at_the_cut_is_masked_whole_or_left_out_whole() -> None:
    for max_tokens in range(1_500, 2_600, 37):  # the cut moves through the line
        text = render({"error_logs": secret_at_the_cut()}, max_tokens).text
        assert "left out" in text
        assert "[REDACTED:github-token#1]" in text
        assert "ghp_" not in text, max_tokens
        assert not re.search(r"A1b2C3|O5p6Q7r8", text), max_tokens


def test_escapes_in_a_big_log_are_cleaned_in_what_is_kept() -> None:
    log = "\x1b[31mERROR\x1b[0m \x00 boom\r\n" * 40_000
    text = render({"error_logs": log}, 4_000).text
    assert "left out" in text
    assert "ERROR  boom\n" in text
    assert not sanitize.has_controls(text)


@pytest.mark.parametrize("char", sorted({chr(c) for c in range(128)} - {"\t", "\n"}))
def test_the_fast_control_check_agrees_with_the_pattern_on_every_ascii_character(
    char: str,
) -> None:
    text = "a" * 10_000 + char + "b" * 10_000
    assert sanitize.has_controls(text) == (sanitize._UNSAFE.search(text) is not None)


def test_a_big_value_is_unknown_exactly_when_its_stripped_copy_would_say_nothing() -> None:
    field = Field("error_logs", "Error messages or logs", "evidence", "text", "")
    for value, unknown in (
        (" " * 20_000 + "x" + " " * 20_000, False),
        ("\n" * 50_000, True),
        (" \t\n" * 30_000, True),
        ("x" + " " * 50_000, False),
        (" " * 50_000 + "x", False),
    ):
        assert is_unknown(field, value) == (value.strip() in field.unknown_values) == unknown


@pytest.mark.parametrize("where", [0, 4_097, sanitize._SLICE - 1, sanitize._SLICE, -1])
@pytest.mark.parametrize("char", ["\x1b", "\x7f", "\x01"])
def test_the_fast_control_check_finds_a_control_anywhere_in_a_big_text(
    where: int, char: str
) -> None:
    text = list("a" * (2 * sanitize._SLICE + 17))
    text[where] = char
    assert sanitize.has_controls("".join(text))
    assert not sanitize.has_controls("a" * (2 * sanitize._SLICE + 17))
