"""Render a session into the prompt the agent receives.

Each value goes through the same pipeline on its way out: control characters and escape sequences
are stripped, an oversized value is trimmed to fit the token budget (head and tail kept, with a
marker), secrets are masked, and a multi-line value is fenced. The template only ever sees the
result as data; nothing a user typed is template source.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from tui.core.errors import IncidentTuiError
from tui.core.masking import RedactOptions
from tui.core.sanitize import strip_controls
from tui.core.schema import CONTEXT_FIELDS, FIELDS, FIELDS_BY_KEY, is_unknown

if TYPE_CHECKING:
    import jinja2

    from tui.core.redact import Finding

# jinja2 and the masking rules are imported where a prompt is rendered, not here: the wizard
# renders in a worker after its first frame, and `incident-tui list` never renders (~30 ms saved).

TEMPLATE_SUFFIX = ".md.j2"
#: Room for the incident, while leaving most of a 200k-token context window to the agent's work.
DEFAULT_MAX_TOKENS = 32_000
#: Offline token estimate: one token per 3.5 bytes of UTF-8. Tokenizers average about 4 bytes
#: per token on English prose and fewer on logs full of ids and punctuation, so this errs long.
BYTES_PER_TOKEN = 3.5
#: The smallest share of a value kept when trimming, so every value keeps some head and tail.
_MIN_KEEP = 400


def estimate_tokens(text: str) -> int:
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    return math.ceil(size / BYTES_PER_TOKEN)


class TemplateProblem(IncidentTuiError):
    """A template that is missing or broken, said in one line with its file and line."""


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    path: Path
    origin: str  # "built-in" or "user"


def builtin_templates_dir() -> Path:
    """The packaged templates in an installed wheel, or the repository's templates/ otherwise."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


class TemplateLibrary:
    """Templates from the user's directory (first, so they win) and the built-in ones.

    Every template runs in Jinja's sandbox: a user's template may come from anywhere.
    """

    def __init__(
        self,
        user_dir: Path | None = None,
        builtin_dir: Path | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.user_dir = user_dir
        self.builtin_dir = builtin_dir or builtin_templates_dir()
        #: Compiled templates are kept here (see _compiled); None: compile every time.
        self.cache_dir = cache_dir

    def _dirs(self) -> list[tuple[Path, str]]:
        dirs = [(self.builtin_dir, "built-in")]
        if self.user_dir is not None and self.user_dir.is_dir():
            dirs.insert(0, (self.user_dir, "user"))
        return dirs

    def available(self) -> list[TemplateInfo]:
        found: dict[str, TemplateInfo] = {}
        for directory, origin in self._dirs():
            for path in sorted(directory.glob(f"*{TEMPLATE_SUFFIX}")):
                name = path.name[: -len(TEMPLATE_SUFFIX)]
                found.setdefault(name, TemplateInfo(name, path, origin))
        return sorted(found.values(), key=lambda t: t.name)

    def find(self, name: str) -> TemplateInfo:
        for info in self.available():
            if info.name == name:
                return info
        known = ", ".join(t.name for t in self.available()) or "none"
        raise TemplateProblem(f"no template named {name!r} (available: {known})")

    def load(self, name: str) -> jinja2.Template:
        import jinja2
        from jinja2.sandbox import SandboxedEnvironment

        info = self.find(name)
        try:
            source = info.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateProblem(f"{info.path}: cannot read template: {exc}") from None
        env = SandboxedEnvironment(
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        try:
            code = self._compiled(env, info, source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"{info.path}:{exc.lineno}: {exc.message}") from None
        return env.template_class.from_code(env, code, env.make_globals(None))

    def _compiled(self, env: jinja2.Environment, info: TemplateInfo, source: str) -> CodeType:
        """The template's code, from the cache when it was compiled from this very source.

        Compiling (Jinja builds its lexer's regular expressions, parses, generates Python) was
        ~5 ms of the ~25 ms that `incident-tui render` takes beyond importing Jinja. The cache
        file holds the source it was made from and is used only for an identical one, by the
        same versions of incident-tui, Jinja and Python; anything unreadable is compiled anew.
        """
        import marshal

        import jinja2

        from tui import __version__
        from tui.core.session import atomic_write

        key = (__version__, jinja2.__version__, sys.version, str(info.path), source)
        cached = None if self.cache_dir is None else self.cache_dir / f"{info.name}.jinja-code"
        if cached is not None:
            with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
                stored_key, code = marshal.loads(cached.read_bytes())
                if stored_key == key and isinstance(code, CodeType):
                    return code
        # Compiled under its path, so a runtime error's traceback names the template's line.
        code = env.compile(source, name=info.name, filename=str(info.path))
        if cached is not None:
            with contextlib.suppress(OSError):
                cached.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(cached, marshal.dumps((key, code)))
        return code


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

    @property
    def chars(self) -> int:
        return len(self.text)


def fence_for(value: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    return "`" * max(3, longest + 1)


def format_value(value: str) -> str:
    if "\n" not in value:
        return " " + value
    fence = fence_for(value)
    return f"\n{fence}\n{value}\n{fence}"


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


# Where a cut inside a line may fall: never inside a token, so that masking, which runs on what
# is kept, still sees every secret whole (half a token would match no rule and leak).
_SEPARATOR = re.compile(r"[\s,;\"'<>()\[\]{}|]")
_SEPARATOR_WINDOW = 512


def trim_value(value: str, keep_chars: int, max_tokens: int) -> tuple[str, int, int]:
    """Keep about 40% head and 60% tail (the last lines of a log hold the latest error).

    Cuts fall on line boundaries when there are any nearby, so no log line is half-shown, and
    otherwise between tokens. Returns the text, and the number of lines and bytes left out.
    """
    keep_chars = max(keep_chars, _MIN_KEEP)
    if len(value) <= keep_chars:
        return value, 0, 0
    head_end = int(keep_chars * 0.4)
    tail_start = len(value) - (keep_chars - head_end)
    newline = value.rfind("\n", 0, head_end)
    head_end = newline + 1 if newline > head_end // 2 else _separator_before(value, head_end)
    newline = value.find("\n", tail_start, tail_start + (keep_chars - head_end) // 2)
    tail_start = newline + 1 if newline != -1 else _separator_after(value, tail_start)
    omitted = value[head_end:tail_start]
    lines = omitted.count("\n")
    size = _utf8_len(omitted)
    what = f"{lines:,} lines, {size:,} bytes" if lines else f"{size:,} bytes of one line"
    marker = (
        f"[… incident-tui left out {what} here to fit the prompt budget of {max_tokens:,} tokens …]"
    )
    head = value[:head_end]
    joiner = "" if head.endswith("\n") or not head else "\n"
    tail_joiner = "\n" if value[tail_start - 1 : tail_start] == "\n" else ""
    return f"{head}{joiner}{marker}{tail_joiner}{value[tail_start:]}", lines, size


def _separator_before(value: str, index: int) -> int:
    start = max(0, index - _SEPARATOR_WINDOW)
    found = [m.end() for m in _SEPARATOR.finditer(value, start, index)]
    return found[-1] if found else index


def _separator_after(value: str, index: int) -> int:
    match = _SEPARATOR.search(value, index, index + _SEPARATOR_WINDOW)
    return match.start() if match else index


def unknown_labels(values: Mapping[str, str]) -> list[str]:
    return [f.label for f in FIELDS if is_unknown(f, values.get(f.key, ""))]


def _template_context(
    items: list[ContextItem], values: Mapping[str, str], trims: list[Trim], unknowns: list[str]
) -> dict[str, Any]:
    severity = values.get("severity", "")
    return {
        "context": items,
        "values": {item.key: item.value for item in items},
        "severity": "" if is_unknown(FIELDS_BY_KEY["severity"], severity) else severity,
        "started_at": strip_controls(values.get("started_at", "")).strip(),
        "title": strip_controls(values.get("title", "")).strip(),
        "unknowns": unknowns,
        "trims": trims,
    }


# The last cleaned text per field. The preview re-renders after every pause in typing, and a 5 MB
# log that did not change would cost ~100 ms of escape stripping each time; the session hands us
# the same string object then, so the identity check makes a hit free. One entry per field keeps
# memory bounded.
_CLEAN_CACHE: dict[str, tuple[str, str]] = {}


def _cleaned(key: str, raw: str) -> str:
    hit = _CLEAN_CACHE.get(key)
    if hit is not None and hit[0] is raw:
        return hit[1]
    cleaned = strip_controls(raw).strip("\n")
    if len(raw) > 65_536:
        _CLEAN_CACHE[key] = (raw, cleaned)
    return cleaned


def render_prompt(
    values: Mapping[str, str],
    template: jinja2.Template,
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    redact: RedactOptions | None = None,
) -> RenderedPrompt:
    """The prompt for these field values, fitted to max_tokens where the values allow it.

    With `redact`, secrets are masked after trimming: only what is in the prompt is scanned (a
    5 MB log costs what its kept head and tail cost), and the findings are exactly what leaves.
    """
    cleaned = {f.key: _cleaned(f.key, values.get(f.key, "")) for f in CONTEXT_FIELDS}
    # Once per render, not once per fitting attempt: each strip() of a 5 MB value copies it.
    unknowns = unknown_labels(values)

    def build(keep: Mapping[str, int] | None) -> _Built:
        redactor = _redactor(redact)
        items: list[ContextItem] = []
        trims: list[Trim] = []
        for f in CONTEXT_FIELDS:
            value = cleaned[f.key]
            if keep is not None and f.key in keep:
                value, lines, size = trim_value(value, keep[f.key], max_tokens)
                if size:
                    trims.append(Trim(f.key, f.label, lines, size))
            if redactor is not None and value:
                value = redactor.redact(value, f.key)
            unknown = is_unknown(f, value)
            items.append(
                ContextItem(f.key, f.label, value, unknown, "" if unknown else format_value(value))
            )
        text = template.render(_template_context(items, values, trims, unknowns))
        findings = tuple(redactor.findings) if redactor is not None else ()
        return _Built(text, estimate_tokens(text), trims, findings)

    sizes = {k: len(v) for k, v in cleaned.items() if v}
    built: _Built | None = None
    if math.ceil(sum(sizes.values()) / BYTES_PER_TOKEN) <= max_tokens:
        built = build(None)
    if built is None or built.tokens > max_tokens:
        built = _fit(build, sizes, max_tokens)
    return RenderedPrompt(
        built.text,
        built.tokens,
        max_tokens,
        tuple(built.trims),
        tuple(unknowns),
        built.findings,
    )


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
) -> _Built:
    """Share the budget left after the fixed text among the values, largest ones trimmed first."""
    # What the prompt costs around the values: build it with every value cut to a stub.
    stub = {k: min(n, _MIN_KEEP) for k, n in sizes.items()}
    overhead = int(build(stub).tokens * BYTES_PER_TOKEN) - sum(stub.values())
    allowance = int(max_tokens * BYTES_PER_TOKEN) - overhead
    for _ in range(4):
        built = build(_share(sizes, max(allowance, 0)))
        if built.tokens <= max_tokens:
            break
        # Markers, fences, labels and multi-byte characters took more room than estimated.
        allowance -= int((built.tokens - max_tokens) * BYTES_PER_TOKEN) + 200
    return built


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
) -> RenderedPrompt:
    """The prompt exactly as copy, export and `render` produce it. The one entry point for them.

    Secrets are masked unless `redact` is None: safe by default. A user template that is missing
    or broken does not leave the user without a prompt: with `fallback`, the built-in template
    renders instead and `template_problem` says why (file and line).
    """
    try:
        return _render_named(values, library, template_name, max_tokens, redact)
    except TemplateProblem as problem:
        builtin = library.builtin_dir / f"{FALLBACK_TEMPLATE}{TEMPLATE_SUFFIX}"
        if not fallback or not builtin.is_file():
            raise
        rescue = TemplateLibrary(None, library.builtin_dir, library.cache_dir)
        rendered = _render_named(values, rescue, FALLBACK_TEMPLATE, max_tokens, redact)
        return dataclasses.replace(rendered, template_problem=str(problem))


def _render_named(
    values: Mapping[str, str],
    library: TemplateLibrary,
    template_name: str,
    max_tokens: int,
    redact: RedactOptions | None,
) -> RenderedPrompt:
    import jinja2

    template = library.load(template_name)
    try:
        return render_prompt(values, template, max_tokens=max_tokens, redact=redact)
    except jinja2.TemplateError as exc:
        # A user's template that fails while rendering (an unknown variable, a sandbox refusal).
        where = template.filename or template_name
        raise TemplateProblem(f"{where}:{_template_line(exc, where)}: {exc}") from None


def _template_line(exc: BaseException, filename: str) -> int | str:
    tb = exc.__traceback__
    line: int | str = "?"
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
