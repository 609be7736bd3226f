"""Render a session into the prompt the agent receives.

Each value goes through the same pipeline on its way out: control characters and escape sequences
are stripped, an oversized value is trimmed to fit the token budget (head and tail kept, with a
marker), secrets are masked, and a multi-line value is fenced. The template only ever sees the
result as data; nothing a user typed is template source.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tui.core import trim
from tui.core.masking import RedactOptions
from tui.core.sanitize import strip_controls
from tui.core.schema import CONTEXT_FIELDS, FIELDS_BY_KEY, is_unknown, unknowns
from tui.core.story import StoryInput, move_evidence, story_context
from tui.core.templates import (
    TEMPLATE_SUFFIX,
    LoadedTemplate,
    TemplateInfo,
    TemplateLibrary,
    TemplateProblem,
    builtin_templates_dir,
)
from tui.core.tokens import BYTES_PER_TOKEN, estimate_tokens, utf8_len
from tui.core.trim import Clean

if TYPE_CHECKING:
    from tui.core.redact import Finding

# jinja2 and the masking rules are imported where a prompt is rendered, not here: the wizard
# renders in a worker after its first frame, and `incident-tui list` never renders.

__all__ = [
    "BYTES_PER_TOKEN",
    "DEFAULT_MAX_TOKENS",
    "TEMPLATE_SUFFIX",
    "LoadedTemplate",
    "RenderedPrompt",
    "TemplateInfo",
    "TemplateLibrary",
    "TemplateProblem",
    "builtin_templates_dir",
    "estimate_tokens",
    "prompt_for",
    "render_prompt",
]

#: Room for the incident, while leaving most of a 200k-token context window to the agent's work.
DEFAULT_MAX_TOKENS = 32_000


@dataclass(frozen=True)
class Trim:
    key: str
    label: str
    lines: int
    bytes: int


@dataclass(frozen=True)
class ContextItem:
    key: str
    label: str
    value: str
    unknown: bool
    #: The value as it follows "Label:": " one line", or a newline and a fenced block.
    formatted: str


@dataclass(frozen=True)
class RenderedPrompt:
    text: str
    tokens: int
    max_tokens: int
    trims: tuple[Trim, ...]
    unknowns: tuple[str, ...]
    #: Every secret found in what the prompt holds, masked or (un-masked by the user) not.
    findings: tuple[Finding, ...] = ()
    #: Why the built-in template rendered instead of the one asked for, if it did.
    template_problem: str | None = None
    #: When the prompt is over its budget: the smallest budget it can be trimmed to fit.
    min_tokens: int | None = None
    #: Other things the user should know (a template cache that was not used), one line each.
    notes: tuple[str, ...] = ()

    @property
    def chars(self) -> int:
        return len(self.text)

    @property
    def fits(self) -> bool:
        return self.tokens <= self.max_tokens

    @property
    def budget_note(self) -> str | None:
        """What fitting the budget did, in words that never claim more than happened."""
        if not self.fits:
            need = max(self.min_tokens or self.tokens, self.tokens)
            what = f"over the budget of {self.max_tokens:,} tokens"
            if self.min_tokens is not None and self.min_tokens > self.max_tokens:
                return (
                    f"{what}: the text around the values alone is larger; "
                    f"the smallest budget that can fit is about {need:,} tokens"
                )
            return f"{what} (≈{self.tokens:,} tokens)"
        if self.trims:
            labels = ", ".join(t.label for t in self.trims)
            return f"trimmed to fit {self.max_tokens:,} tokens: {labels}"
        return None


def fence_for(value: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    return "`" * max(3, longest + 1)


def format_value(value: str) -> str:
    if "\n" not in value:
        return " " + value
    fence = fence_for(value)
    return f"\n{fence}\n{value}\n{fence}"


def unknown_labels(values: Mapping[str, str]) -> list[str]:
    return [f.label for f in unknowns(values)]


def _template_context(
    items: list[ContextItem],
    values: Mapping[str, str],
    trims: list[Trim],
    unknowns: list[str],
    mask: Callable[[str, str], str],
    story: StoryInput,
) -> dict[str, Any]:
    """Everything a template can see, as plain data (str, list, dict): nothing it can change or
    call. Every value a user typed passes through `mask`, the same redactor as the fields."""
    severity = values.get("severity", "")
    if is_unknown(FIELDS_BY_KEY["severity"], severity):
        severity = ""
    context = [
        {
            "key": i.key,
            "label": i.label,
            "value": i.value,
            "unknown": i.unknown,
            "formatted": i.formatted,
        }
        for i in items
    ]
    trim_rows = [
        {"key": t.key, "label": t.label, "lines": t.lines, "bytes": t.bytes} for t in trims
    ]
    return {
        # The story (status, as_of, timeline, changes, hypotheses, question, agent_scope, ...),
        # every value through the same cleaning and masking as the fields.
        **story_context(
            values,
            story.tables,
            lambda key, text: mask(strip_controls(text).strip(), key),
            story.as_of,
        ),
        "evidence": move_evidence(context, trim_rows),
        "context": context,
        "values": {item.key: item.value for item in items},
        "severity": mask(_one_line(severity), "severity"),
        "started_at": mask(_one_line(values.get("started_at", "")), "started_at"),
        "title": mask(_one_line(values.get("title", "")), "title"),
        "unknowns": list(unknowns),
        "trims": trim_rows,
    }


def _one_line(value: str) -> str:
    return strip_controls(value).strip()


# The last cleaned text per field. The preview re-renders after every pause in typing, and a 5 MB
# log that did not change would be stripped of escapes again each time; the session hands us
# the same string object then, so the identity check makes a hit free. One entry per field keeps
# memory bounded.
_CLEAN_CACHE: dict[str, tuple[str, Clean]] = {}


_TOTALS_CACHE: dict[str, tuple[Clean, tuple[int, int]]] = {}


def _totals(key: str, value: Clean) -> tuple[int, int] | None:
    """(newlines, UTF-8 bytes) of a large value, counted once per value, not once per fitting
    attempt; None for a small one (cheap to count where it is trimmed)."""
    if len(value) <= 65_536:
        return None
    hit = _TOTALS_CACHE.get(key)
    if hit is not None and hit[0] is value:
        return hit[1]
    text, start, end = value.text, value.start, value.end
    size = end - start if text.isascii() else utf8_len(value.whole())
    found = (text.count("\n", start, end), size)
    _TOTALS_CACHE[key] = (value, found)
    return found


def _cleaned(key: str, raw: str) -> Clean:
    hit = _CLEAN_CACHE.get(key)
    if hit is not None and hit[0] is raw:
        return hit[1]
    cleaned = trim.clean(raw)
    if len(raw) > 65_536:
        _CLEAN_CACHE[key] = (raw, cleaned)
    return cleaned


def render_prompt(
    values: Mapping[str, str],
    template: LoadedTemplate,
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    redact: RedactOptions | None = None,
    story: StoryInput | None = None,
) -> RenderedPrompt:
    """The prompt for these field values, fitted to max_tokens where the values allow it.

    With `redact`, secrets are masked after trimming: only what is in the prompt is scanned (a
    5 MB log costs what its kept head and tail cost), and the findings are exactly what leaves.
    """
    cleaned = {f.key: _cleaned(f.key, values.get(f.key, "")) for f in CONTEXT_FIELDS}
    totals = {key: _totals(key, value) for key, value in cleaned.items()}
    # Once per render, not once per fitting attempt: each strip() of a 5 MB value copies it.
    unknowns = unknown_labels(values)
    story = story if story is not None else StoryInput()
    # The session's `digest` setting (absent: on).
    digest_on = values.get("digest", "true") != "false"

    def build(keep: Mapping[str, int] | None) -> _Built:
        redactor = _redactor(redact)

        def mask(value: str, where: str) -> str:
            return redactor.redact(value, where) if redactor is not None and value else value

        items: list[ContextItem] = []
        trims: list[Trim] = []
        for f in CONTEXT_FIELDS:
            clean = cleaned[f.key]
            if keep is not None and f.key in keep:
                digested = None
                if digest_on:
                    from tui.core.digest import digest_span, left_out  # an over-budget prompt

                    # The cleaned value read in place: a 50 MB log is not copied to digest it.
                    newlines = totals[f.key]
                    digested = digest_span(
                        clean.text,
                        clean.start,
                        clean.end,
                        _digest_budget(keep[f.key], clean.end - clean.start, newlines),
                        None if newlines is None else newlines[0],
                    )
                if digested is None:
                    value, lines, size = trim.trim_value(
                        clean.text,
                        keep[f.key],
                        max_tokens,
                        totals[f.key],
                        start=clean.start,
                        end=clean.end,
                    )
                    value = clean.finish(value)
                else:
                    digested = clean.finish(digested)
                    value, lines, size = trim.trim_value(digested, keep[f.key], max_tokens)
                    # What the digest and the trim left out of the value's own lines (a
                    # small value's are counted here; a large one's were counted once).
                    whole = clean.whole() if totals[f.key] is None else ""
                    lines, size = left_out(whole, value, totals[f.key])
                if size:
                    trims.append(Trim(f.key, f.label, lines, size))
            else:
                value = clean.whole()
            value = mask(value, f.key)
            unknown = is_unknown(f, value)
            items.append(
                ContextItem(f.key, f.label, value, unknown, "" if unknown else format_value(value))
            )
        context = _template_context(items, values, trims, unknowns, mask, story)
        # Whatever the template itself writes is cleaned like every value.
        text = strip_controls(template.render(context))
        findings = tuple(redactor.findings) if redactor is not None else ()
        return _Built(text, estimate_tokens(text), trims, findings)

    sizes = {k: len(v) for k, v in cleaned.items() if v}
    built: _Built | None = None
    # Values that are surely within budget are rendered whole at once (logs are the densest
    # common text, about BYTES_PER_TOKEN bytes a token); the others are fitted.
    if math.ceil(sum(sizes.values()) / BYTES_PER_TOKEN) <= max_tokens:
        built = build(None)
    min_tokens = None
    if built is None or built.tokens > max_tokens:
        built, min_tokens = _fit(build, sizes, max_tokens)
    return RenderedPrompt(
        built.text,
        built.tokens,
        max_tokens,
        tuple(built.trims),
        tuple(unknowns),
        built.findings,
        min_tokens=min_tokens if built.tokens > max_tokens else None,
    )


#: A large log's share moves a little with each edit of a small field, and each new share cost
#: a digest of the unchanged log: shares are digested in steps (the digest module keeps each),
#: and the trim after it holds the value to its exact share. Small or fitting values: exact.
DIGEST_STEP = 1024


def _digest_budget(keep: int, size: int, totals: tuple[int, int] | None) -> int:
    if totals is None or keep >= size:
        return keep
    return max(keep - keep % DIGEST_STEP, trim.MIN_KEEP)


def _redactor(options: RedactOptions | None) -> Any:
    if options is None:
        return None
    from tui.core.redact import Redactor

    return Redactor(options)


@dataclass(frozen=True)
class _Built:
    text: str
    tokens: int
    trims: list[Trim]
    findings: tuple[Finding, ...]


def _fit(
    build: Callable[[Mapping[str, int] | None], _Built], sizes: Mapping[str, int], max_tokens: int
) -> tuple[_Built, int]:
    """Share the budget left after the fixed text among the values, largest ones trimmed first.

    Also returns the size of the smallest prompt trimming can make (every value cut to its
    stub): the smallest budget that can fit.
    """
    # What the prompt costs around the values: build it with every value cut to a stub.
    stub = {k: min(n, trim.MIN_KEEP) for k, n in sizes.items()}
    smallest = build(stub)
    if smallest.tokens > max_tokens:
        # Each cut's marker names the budget, so a larger budget writes a few more digits.
        need = smallest.tokens + 4 * len(smallest.trims)
        return smallest, -(-need // 10) * 10
    # A first guess of the bytes the values may take, then corrections by the measured ratio:
    # logs take about 2.5 bytes a token, prose nearer 4.5.
    room = max_tokens - smallest.tokens
    allowance = sum(stub.values()) + int(room * BYTES_PER_TOKEN)
    best: _Built | None = None
    for _ in range(4):
        built = build(_share(sizes, max(allowance, 0)))
        fits = built.tokens <= max_tokens
        if fits and (best is None or built.tokens > best.tokens):
            best = built
        used = built.tokens - smallest.tokens
        # Close enough below the budget, nothing left to trim, or more room bought nothing
        # (a digest that shows every kind of line does not grow with its allowance): done.
        if fits and (built.tokens >= max_tokens * 0.9 or not built.trims or built is not best):
            break
        # At most 4× a step: past a log's own size its raw text would be tried.
        scale = min(4.0, room * (0.97 if fits else 0.95) / max(used, 1))
        allowance = int(sum(stub.values()) + (allowance - sum(stub.values())) * scale)
    built = best if best is not None else smallest  # the stubs fit (checked above)
    return built, smallest.tokens


def _share(sizes: Mapping[str, int], allowance: int) -> dict[str, int]:
    """Water-filling: small values are kept whole, what remains is split among the large ones."""
    keep: dict[str, int] = {}
    remaining = dict(sizes)
    budget = allowance
    while remaining:
        share = budget // len(remaining)
        small = {k: n for k, n in remaining.items() if n <= share}
        if not small:
            for key in remaining:
                keep[key] = share
            break
        for key, n in small.items():
            keep[key] = n
            budget -= n
            del remaining[key]
    return keep


DEFAULT_REDACTION = RedactOptions()
#: The built-in template a broken or missing one falls back to.
FALLBACK_TEMPLATE = "incident-response"


def prompt_for(
    values: Mapping[str, str],
    library: TemplateLibrary,
    template_name: str,
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    redact: RedactOptions | None = DEFAULT_REDACTION,
    fallback: bool = True,
    tables: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    as_of: datetime | None = None,
) -> RenderedPrompt:
    """The prompt exactly as copy, export and `render` produce it. The one entry point for them.

    Secrets are masked unless `redact` is None: safe by default. A user template that is missing,
    broken, too slow or too big does not leave the user without a prompt: with `fallback`, the
    built-in template renders instead and `template_problem` says why (file and line).
    `tables` are the session's lists (timeline, changes, hypotheses); `as_of` is now by default.
    """
    story = StoryInput(tables or {}, as_of or datetime.now(UTC))
    try:
        rendered = _render_named(values, library, template_name, max_tokens, redact, story)
    except TemplateProblem as problem:
        builtin = library.builtin_dir / f"{FALLBACK_TEMPLATE}{TEMPLATE_SUFFIX}"
        if not fallback or not builtin.is_file():
            raise
        rescue = TemplateLibrary(None, library.builtin_dir, library.cache_dir)
        rendered = _render_named(values, rescue, FALLBACK_TEMPLATE, max_tokens, redact, story)
        rendered = dataclasses.replace(rendered, template_problem=str(problem))
        library.problems.extend(p for p in rescue.problems if p not in library.problems)
    if library.problems:
        rendered = dataclasses.replace(rendered, notes=tuple(library.problems))
    return rendered


def _render_named(
    values: Mapping[str, str],
    library: TemplateLibrary,
    template_name: str,
    max_tokens: int,
    redact: RedactOptions | None,
    story: StoryInput,
) -> RenderedPrompt:
    template = library.load(template_name)
    try:
        return render_prompt(values, template, max_tokens=max_tokens, redact=redact, story=story)
    except TemplateProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a template is one line, then fallback
        raise TemplateProblem(f"{template.filename}: {type(exc).__name__}: {exc}") from None
