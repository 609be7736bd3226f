"""`incident-tui render`: the prompt of a saved incident, on stdout or into a file.

Its own few options are read here without argparse when they take the simple forms a user or a
script types (`render SESSION [--template NAME] [-o FILE] [--max-tokens N] [--no-redact]
[--no-digest]`): importing argparse and building the parser of every command was a good part of
its start-up beyond the interpreter's. Anything else (help, an error, an abbreviation,
`--opt=value`, a value starting with "-") goes to the full parser: help and errors are unchanged.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.sanitize import shown, strip_controls

if TYPE_CHECKING:
    from tui.core.redact import Finding
    from tui.core.store import SessionStore

PROG = "incident-tui"
#: The default of --max-tokens. The prompt module is not imported by the parser (list and fields
#: start faster): a test keeps this number equal to tui.core.prompt.DEFAULT_MAX_TOKENS.
DEFAULT_MAX_TOKENS = 32_000
#: The smallest --max-tokens accepted.
MIN_MAX_TOKENS = 100


class RenderArgs:
    """What `render` was asked, from either parser."""

    __slots__ = ("max_tokens", "no_digest", "no_redact", "output", "session", "template")

    def __init__(
        self,
        session: str,
        template: str | None = None,
        output: str | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        no_redact: bool = False,
        no_digest: bool = False,
    ) -> None:
        self.session = session
        self.template = template
        self.output = output
        self.max_tokens = max_tokens
        self.no_redact = no_redact
        self.no_digest = no_digest

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"RenderArgs({fields})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RenderArgs):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


def max_tokens_value(text: str) -> int:
    """--max-tokens N as a number; ValueError (with the message argparse shows) if it is not."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"not a whole number: {text!r}") from None
    if value < MIN_MAX_TOKENS:
        raise ValueError(f"must be at least {MIN_MAX_TOKENS}, not {value}")
    return value


_FLAGS = {"--no-redact": "no_redact", "--no-digest": "no_digest"}
_VALUES = {"--template": "template", "--output": "output", "-o": "output"}


def quick_parse(argv: Sequence[str]) -> RenderArgs | None:
    """`render`'s arguments when they take only the simple forms; None sends them to argparse.

    Whatever is accepted here is parsed as argparse parses it (a test compares the two)."""
    if not argv or argv[0] != "render":
        return None
    session: str | None = None
    found: dict[str, str | bool | int] = {}
    rest = iter(argv[1:])
    for arg in rest:
        if not arg.startswith("-"):
            if session is not None:
                return None  # argparse: unrecognized arguments
            session = arg
        elif arg in _FLAGS:
            found[_FLAGS[arg]] = True
        elif arg in _VALUES or arg == "--max-tokens":
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            if arg == "--max-tokens":
                try:
                    found["max_tokens"] = max_tokens_value(value)
                except ValueError:
                    return None
            else:
                found[_VALUES[arg]] = value
        else:
            return None
    if session is None:
        return None
    args = RenderArgs(session)
    for name, given in found.items():
        setattr(args, name, given)
    return args


def cmd_render(store: SessionStore, args: RenderArgs) -> int:
    # The collector is paused while it renders: the template engine's import and a big log's
    # digest allocate much and free it by reference counting, so its passes find nothing to
    # free, and the command ends soon after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _render(store, args)
    finally:
        if collecting:
            gc.enable()


def _render(store: SessionStore, args: RenderArgs) -> int:
    from tui.core.prompt import TemplateLibrary, prompt_for

    session = store.load(store.resolve(args.session))
    values = session.values()
    if args.no_digest:
        values["digest"] = "false"
    rendered = prompt_for(
        values,
        TemplateLibrary(store.templates_dir, cache_dir=store.cache_dir),
        args.template or session.template,
        max_tokens=args.max_tokens,
        redact=None if args.no_redact else session.redact_options(),
        # A template named on the command line must be the one used; the session's may fall back.
        fallback=args.template is None,
        tables=session.tables,
    )
    if rendered.template_problem:
        print(
            f"{PROG}: warning: {strip_controls(rendered.template_problem)}; "
            "rendered with the built-in template instead",
            file=sys.stderr,
        )
    if args.no_redact:
        print(f"{PROG}: warning: secrets are NOT masked in this output", file=sys.stderr)
    elif masked := masked_summary(rendered.findings):
        print(f"{PROG}: note: masked {masked}", file=sys.stderr)
    for note in rendered.notes:
        print(f"{PROG}: warning: {strip_controls(note)}", file=sys.stderr)
    goal = f"to fit {rendered.max_tokens:,} tokens" if rendered.fits else "as far as it goes"
    for trim in rendered.trims:
        print(
            f"{PROG}: note: {trim.label} trimmed {goal} "
            f"({trim.lines:,} lines, {trim.bytes:,} bytes left out)",
            file=sys.stderr,
        )
    if not rendered.fits:
        print(f"{PROG}: warning: the prompt is {rendered.budget_note}", file=sys.stderr)
    if args.output:
        target = write_output(store, args.output, rendered.text, session.path)
        print(f"{PROG}: wrote {rendered.chars:,} characters to {shown(target)}", file=sys.stderr)
    else:
        sys.stdout.write(rendered.text)
    return 0


def write_output(store: SessionStore, output: str, text: str, session: Path | None) -> Path:
    """Write `text` to the file the user named (`--output`), never over the open `session`."""
    from tui.core.model import SessionError

    target = Path(output).expanduser()
    try:
        store.write_output(target, text.encode("utf-8"), open_session=session)
    except OSError as exc:
        raise SessionError(target, f"cannot write: {exc.strerror or exc}") from None
    return target


def masked_summary(findings: Sequence[Finding]) -> str:
    """'3 secrets (password ×2, github-token ×1)', or '' when nothing was masked."""
    kinds = Counter(f.kind for f in findings if f.masked)
    if not kinds:
        return ""
    total = sum(kinds.values())
    parts = ", ".join(f"{kind} ×{n}" for kind, n in kinds.most_common())
    return f"{total} secret{'s' if total != 1 else ''} ({parts})"
