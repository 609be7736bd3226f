"""The commands that close the loop: `send` (the prompt to the configured agent, its answer
kept), `answer` (store an answer given as a file or on stdin) and `export` (the incident as a
Markdown record). Headless: nothing here imports Textual; the heavy modules are imported by the
command that needs them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tui.core.errors import IncidentTuiError
from tui.core.sanitize import shown

if TYPE_CHECKING:
    from tui.core.answers import Stored
    from tui.core.model import Session
    from tui.core.store import SessionStore

PROG = "incident-tui"
COMMANDS = ("send", "answer", "export")
#: What to put in config.toml to use Codex CLI (the README has others).
AGENT_EXAMPLE = '[agent] command = ["codex", "exec", "-"]'
T = TypeVar("T")


def add_parsers(sub: Any) -> None:
    """The subcommands of this module, on the main parser's subparsers."""
    send = sub.add_parser(
        "send", help="pipe the prompt to the configured agent, show and keep its answer"
    )
    send.add_argument("session", metavar="SESSION", help="an id or a .toml path")
    send.add_argument("--template", metavar="NAME", help="template to render with")

    answer = sub.add_parser(
        "answer", help="store an agent's answer (and its checklist) in a saved incident"
    )
    answer.add_argument("session", metavar="SESSION", help="an id or a .toml path")
    answer.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="the answer's file; - or none: stdin"
    )
    answer.add_argument(
        "--template", metavar="NAME", help="the template it answers (default: the session's)"
    )

    export = sub.add_parser("export", help="write the incident as a Markdown record")
    export.add_argument("session", metavar="SESSION", help="an id or a .toml path")
    export.add_argument(
        "--format", choices=["md"], default="md", help="the format (default: %(default)s)"
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE (mode 0600)")
    export.add_argument(
        "--no-redact",
        action="store_true",
        help="do not mask secrets (the output then holds every credential the session holds)",
    )


def run(store: SessionStore, args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[SessionStore, argparse.Namespace], int]] = {
        "send": cmd_send,
        "answer": cmd_answer,
        "export": cmd_export,
    }
    return commands[args.command](store, args)


def _say(text: str) -> None:
    from tui.core.sanitize import strip_controls

    print(f"{PROG}: {strip_controls(text)}", file=sys.stderr)


#: How many times a change is tried again when the file changed between its read and its write.
ATTEMPTS = 5


def update_session(store: SessionStore, path: Path, change: Callable[[Session], T]) -> T:
    """Load the session, apply `change`, save; again from a fresh read when another writer (a
    `note`, an open wizard's save) changed the file meanwhile. As `note` does, the lock is taken
    when free, and an open wizard merges what was appended at its next save."""
    from tui.core.lock import SessionLock
    from tui.core.model import SessionConflict

    lock = SessionLock(path)
    locked = lock.acquire()
    try:
        for attempt in range(ATTEMPTS):
            session = store.load(path)
            result = change(session)
            try:
                store.save(session)
                return result
            except SessionConflict:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")
    finally:
        if locked:
            lock.release()


def _store_answer(
    store: SessionStore, path: Path, text: str, template: str, partial: bool
) -> Stored:
    from tui.core.agent import sigint_ignored
    from tui.core.answers import add_answer, summary

    with sigint_ignored():
        stored = update_session(
            store, path, lambda s: add_answer(s, text, template, partial=partial)
        )
    what = "a partial answer" if partial else "the answer"
    _say(f"stored {what} in {shown(path)}: {summary(stored)}")
    return stored


def cmd_answer(store: SessionStore, args: argparse.Namespace) -> int:
    from tui.cli import UsageError
    from tui.core.answers import read_answer_file, read_answer_stream

    path = store.resolve(args.session)
    if args.file == "-":
        if sys.stdin.isatty():
            raise UsageError(f"give the answer's FILE, or pipe it in: {PROG} answer SESSION - < F")
        text = read_answer_stream(sys.stdin.buffer)
    else:
        text = read_answer_file(Path(args.file).expanduser())
    template = args.template or store.load(path).template
    _store_answer(store, path, text, template, partial=False)
    return 0


def cmd_export(store: SessionStore, args: argparse.Namespace) -> int:
    from tui.cli_render import masked_summary, write_output
    from tui.core.export_md import export_markdown

    session = store.load(store.resolve(args.session))
    record = export_markdown(session, redact=None if args.no_redact else session.redact_options())
    if args.no_redact:
        _say("warning: secrets are NOT masked in this output")
    elif masked := masked_summary(record.findings):
        _say(f"note: masked {masked}")
    if args.output:
        target = write_output(store, args.output, record.text, session.path)
        _say(f"wrote the record ({len(record.text):,} characters) to {shown(target)}")
    else:
        sys.stdout.write(record.text)
    return 0


def _rescue(store: SessionStore, path: Path, text: str, problem: Exception) -> None:
    """The agent's answer could not be stored (the file went away, or cannot be written): keep
    it in a private file rather than lose minutes of the agent's work."""
    from tui.core.fsio import atomic_write, private_dir
    from tui.core.model import now_utc

    _say(f"error: the answer was not stored: {problem}")
    try:
        directory = private_dir(store.home / "exports")
        target = directory / f"{path.stem}.answer-{now_utc():%Y%m%d-%H%M%S}.md"
        atomic_write(target, text.encode("utf-8"))
    except (IncidentTuiError, OSError) as exc:
        _say(f"error: nor kept in a file ({exc}); it is only in your terminal above")
        return
    _say(f"the answer is kept in {shown(target)}; add it later: {PROG} answer SESSION {target}")


def _write(stream: Any) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


def cmd_send(store: SessionStore, args: argparse.Namespace) -> int:
    from tui.cli import UsageError
    from tui.cli_render import masked_summary
    from tui.core.agent import run_agent
    from tui.core.config import load_config
    from tui.core.prompt import TemplateLibrary, prompt_for

    config = load_config(store.home)
    for problem in config.problems:
        _say(f"warning: {problem}")
    path = store.resolve(args.session)
    session = store.load(path)
    if config.agent_command is None:
        raise UsageError(f"no agent command is set; add {AGENT_EXAMPLE} to {config.path}")
    template = args.template or session.template
    rendered = prompt_for(
        session.values(),
        TemplateLibrary(store.templates_dir, cache_dir=store.cache_dir),
        template,
        redact=session.redact_options(),  # never unmasked: this leaves the machine
        fallback=args.template is None,
        tables=session.tables,
    )
    if rendered.template_problem:
        _say(f"warning: {rendered.template_problem}; rendered with the built-in template instead")
        template = "incident-response"
    if masked := masked_summary(rendered.findings):
        _say(f"note: masked {masked}")
    argv = config.agent_command
    _say(
        f"sending the {template} prompt (≈{rendered.tokens:,} tokens) to {shown(argv[0])}; "
        "Ctrl+C stops it and keeps what it wrote"
    )
    result = run_agent(argv, rendered.text, _write(sys.stdout), _write(sys.stderr))
    if result.reason:
        _say(result.reason)
    if not result.text.strip():
        _say("the agent wrote nothing; no answer stored")
        return 130 if result.reason == "stopped with Ctrl+C" else 1
    try:
        _store_answer(store, path, result.text, template, partial=result.partial)
    except IncidentTuiError as exc:
        _rescue(store, path, result.text, exc)
        return 1
    if result.reason == "stopped with Ctrl+C":
        return 130
    return 1 if result.returncode else 0
