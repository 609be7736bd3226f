"""The `incident-tui` command.

Commands that draw no terminal UI (render, list, note, gather, send, answer, export,
templates, fields, completion, --version) never import Textual: they must start fast and work
in a pipe. The UI is imported only when it is drawn.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__
from tui.cli_list import cmd_list
from tui.cli_render import (
    DEFAULT_MAX_TOKENS,
    RenderArgs,
    cmd_render,
    max_tokens_value,
    quick_parse,
)
from tui.cli_ui_args import UiArgs, quick_ui_parse
from tui.core.errors import IncidentTuiError
from tui.core.list_schema import TIME_FORMAT, TIMELINE_KINDS
from tui.core.sanitize import shown, strip_controls
from tui.core.schema import ALL_FIELDS, STEPS_BY_KEY
from tui.core.store import SessionStore

if TYPE_CHECKING:
    import argparse


PROG = "incident-tui"


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    # Imported here: `list` needs no parser (see main).
    import argparse

    from tui import cli_gather, cli_loop

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            # One line, like every other error, instead of argparse's usage block.
            raise UsageError(f"{message} (see {PROG} --help)")

    parser = _Parser(
        prog=PROG,
        description="Turn a production incident into a careful prompt for a coding agent.",
        epilog="With no command: the session picker, or a new incident when there are none.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    new = sub.add_parser("new", help="start the wizard on a new incident")
    new.add_argument("--title", default="", help="a short name for the incident")
    cli_gather.add_profile_option(new)

    resume = sub.add_parser("resume", help="reopen a saved incident (the latest by default)")
    resume.add_argument("session", nargs="?", metavar="SESSION", help="an id or a .toml path")

    sub.add_parser("list", help="saved incidents: id, severity, status, updated, unknowns, title")

    note = sub.add_parser(
        "note", help="append a timeline entry to a saved incident, without the wizard"
    )
    note.add_argument("session", metavar="SESSION", help="an id or a .toml path")
    note.add_argument("text", metavar="TEXT", help="what happened, was done or was seen")
    note.add_argument(
        "--kind",
        default=TIMELINE_KINDS[0],
        choices=TIMELINE_KINDS,
        metavar="KIND",
        help=f"one of {', '.join(TIMELINE_KINDS)} (default: %(default)s)",
    )
    note.add_argument(
        "--at", metavar="TIME", help='when: "YYYY-MM-DD HH:MM" UTC or free text (default: now, UTC)'
    )

    render = sub.add_parser("render", help="print the prompt for a saved incident")
    render.add_argument("session", metavar="SESSION", help="an id or a .toml path")
    render.add_argument("--template", metavar="NAME", help="template to render with")
    render.add_argument("--output", "-o", metavar="FILE", help="write to FILE (mode 0600)")
    render.add_argument(
        "--max-tokens",
        type=_positive_int,
        metavar="N",
        default=DEFAULT_MAX_TOKENS,
        help="token budget; larger values are trimmed to fit (default: %(default)s)",
    )

    render.add_argument(
        "--no-redact",
        action="store_true",
        help="do not mask secrets (the output then holds every credential the session holds)",
    )
    render.add_argument(
        "--no-digest",
        action="store_true",
        help="trim a log that does not fit without digesting it first (no repeats collapsed)",
    )

    cli_loop.add_parsers(sub)
    sub.add_parser("templates", help="the templates it can render, with their descriptions")
    sub.add_parser("fields", help="the field keys of a session file, with their help")
    cli_gather.add_parser(sub)
    completion = sub.add_parser("completion", help="print a shell completion script")
    completion.add_argument("shell", choices=["bash", "zsh"], help="the shell to complete in")
    return parser


def _positive_int(text: str) -> int:
    import argparse

    try:
        return max_tokens_value(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _out(text: str) -> None:
    sys.stdout.write(text)


#: How many times `note` reads the file again when it changed between its read and its write.
NOTE_ATTEMPTS = 5


def cmd_note(store: SessionStore, args: argparse.Namespace) -> int:
    """Append one timeline entry, atomically. The wizard may have the incident open: its next
    save finds the file changed, takes the new entry in and keeps its own edits too."""
    from tui.core.lock import SessionLock
    from tui.core.model import SessionConflict, now_utc

    if not args.text.strip():
        raise UsageError("the note's TEXT is empty")
    at = args.at.strip() if args.at and args.at.strip() else now_utc().strftime(TIME_FORMAT)
    path = store.resolve(args.session)
    lock = SessionLock(path)
    # The lock is taken when free, so that a wizard opened meanwhile opens read-only rather than
    # racing us; when a wizard holds it we write anyway, and its next save merges our entry.
    # A lock file that cannot be made ours (a planted symlink, another user's) is refused, as
    # the wizard refuses it: LockUnavailable is one line. A file changed between our read and
    # our write (another `note`) is read again.
    locked = lock.acquire()
    try:
        for attempt in range(NOTE_ATTEMPTS):
            session = store.load(path)
            try:
                session.add_item("timeline", at=at, kind=args.kind, text=args.text)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            try:
                store.save(session)
                break
            except SessionConflict:
                if attempt == NOTE_ATTEMPTS - 1:
                    raise
    finally:
        if locked:
            lock.release()
    entries = len(session.items("timeline"))
    print(
        f"{PROG}: added a timeline entry ({args.kind}, {shown(at)}) to {shown(path)}; "
        f"it has {entries} entries",
        file=sys.stderr,
    )
    return 0


def cmd_templates(store: SessionStore) -> int:
    from tui.core.prompt import TemplateLibrary
    from tui.core.templates import describe

    for info in TemplateLibrary(store.templates_dir).available():
        where = f" [{shown(info.path)}]" if info.origin != "built-in" else ""
        _out(f"{shown(info.name):<18} {info.origin:<9} {describe(info) or '-'}{where}\n")
    return 0


def cmd_fields() -> int:
    for f in ALL_FIELDS:
        _out(f"{f.key:<22} {STEPS_BY_KEY[f.step].title:<16} {f.label}: {f.help}\n")
    return 0


def cmd_completion(shell: str) -> int:
    # shtab is imported here only: the other commands do not pay for it.
    import shtab

    parser = build_parser()
    # Options that take a file name complete file names (`render S -o <Tab>`).
    for action in _all_actions(parser):
        if action.metavar == "FILE":
            action.complete = shtab.FILE  # type: ignore[attr-defined]
    _out(shtab.complete(parser, shell))
    return 0


def _all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    import argparse

    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += _all_actions(child)
    return found


def cmd_tui(store: SessionStore, args: UiArgs) -> int:
    from tui import cli_gather
    from tui.core.model import SessionError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the wizard needs a terminal; for pipes and scripts use "
            f"'{PROG} render SESSION' or '{PROG} list'"
        )
    path: Path | None = None
    session = None
    # Start-up allocates much and frees little, so the collector's passes over it are wasted
    # (see README, Performance), the more when `resume` reads the summary index of thousands of
    # incidents. The app turns it back on after its first frame (tui.ui.collector); an error
    # before the app starts turns it back on.
    gc.disable()
    try:
        if args.command == "resume":
            # A broken file is reported here, in one line, before the UI starts; the app then
            # uses this load instead of parsing a big log a second time (and the latest is
            # read once, though choosing it may have parsed it).
            opened = None if args.session else store.latest_opened()
            if args.session:
                path = store.resolve(args.session)
                session = store.load(path)
            elif opened is not None:
                path, session = opened
            else:
                _, broken = store.list()
                if broken:
                    first = broken[0]
                    problem = f"{first.reason} (and no other incident to resume)"
                    raise SessionError(first.path, problem)
                raise UsageError(
                    f"no saved incidents in {store.sessions_dir}; start one: {PROG} new"
                )
        elif args.command == "new":
            session = cli_gather.new_session(store, args)  # pre-filled from a service profile
        store.remove_stale_temp_files()
        from tui.ui.app import run_tui
    except ModuleNotFoundError as exc:
        gc.enable()
        if exc.name != "tui.ui.app":
            raise
        raise UsageError("the terminal UI is not part of this build yet") from None
    except BaseException:
        gc.enable()
        raise
    start = args.command or "picker"
    return run_tui(store, start=start, path=path, title=args.title, session=session)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    store = SessionStore()
    try:
        # `list` takes no option: it skips building the parser and importing the other
        # commands' modules, a good part of its time.
        if argv == ["list"]:
            return cmd_list(store)
        # `render` in its simple forms skips it too (see tui/cli_render.py).
        if quick := quick_parse(argv):
            return cmd_render(store, quick)
        # So do the commands that open the UI (see tui/cli_ui_args.py).
        if ui_args := quick_ui_parse(argv):
            return cmd_tui(store, ui_args)
        args = build_parser().parse_args(argv)
        if args.command == "list":
            return cmd_list(store)
        if args.command == "render":
            return cmd_render(store, render_args(args))
        if args.command == "note":
            return cmd_note(store, args)
        from tui import cli_loop

        if args.command in cli_loop.COMMANDS:
            return cli_loop.run(store, args)
        if args.command == "templates":
            return cmd_templates(store)
        if args.command == "fields":
            return cmd_fields()
        if args.command == "completion":
            return cmd_completion(args.shell)
        if handler := getattr(args, "handler", None):
            return int(handler(store, args))
        return cmd_tui(store, UiArgs.of(args))
    except UsageError as exc:
        return _fail(str(exc), 2)
    except IncidentTuiError as exc:
        return _fail(str(exc), 1)
    except BrokenPipeError:
        # `incident-tui render x | head`: the reader left; say nothing, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), 1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        return _crashed(exc)


def render_args(args: argparse.Namespace) -> RenderArgs:
    """`render`'s arguments as the full parser read them."""
    return RenderArgs(
        args.session, args.template, args.output, args.max_tokens, args.no_redact, args.no_digest
    )


def _fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {strip_controls(message)}", file=sys.stderr)
    return status


def run() -> NoReturn:
    """The installed command. Whatever escapes main ends as one line and a crash file (a
    traceback would print its locals, and they hold incident text)."""
    try:
        status = main()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - the very last line of defence
        status = _crashed(exc)
    # The process ends here. The collector's last pass, at exit, walks every object the command
    # made to free memory the OS takes back anyway: frozen, they are skipped (exit handlers still
    # run, and every file we write is closed by then).
    gc.freeze()
    sys.exit(status)


def _crashed(exc: BaseException) -> int:
    """One line on stderr naming the error's type and a private crash file with the details."""
    import traceback

    from tui.core.crashlog import crash_line, write_crash_file

    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    print(crash_line(type(exc).__name__, write_crash_file(None, details)), file=sys.stderr)
    return 1
