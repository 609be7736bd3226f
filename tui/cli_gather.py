"""`incident-tui gather`: context from git and from a service profile's gather commands.

    incident-tui gather [SESSION] [--repo DIR] [--since TIME|REF]
    incident-tui gather [SESSION] --run NAME [--profile NAME]

Registered in tui/cli.py by `add_parser`; `set_defaults(handler=...)` routes to `cmd_gather`.
Never imports Textual. A field with text is never overwritten: new text is appended under a
marked header. The session is written as `note` writes it (lock when free, re-read on conflict).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.errors import IncidentTuiError
from tui.core.model import Session, SessionConflict, now_utc
from tui.core.sanitize import visible_controls
from tui.core.store import SessionStore

if TYPE_CHECKING:
    import argparse

    from tui.cli_ui_args import UiArgs
    from tui.core.profiles import GatherCommand, Profile, TrustStore

PROG = "incident-tui"
ATTEMPTS = 5


class GatherUsage(IncidentTuiError):
    """A gather asked for something it cannot do: one line."""


def add_parser(sub: Any) -> None:
    """The `gather` subcommand and `new --profile`, on the parser tui/cli.py builds."""
    gather = sub.add_parser(
        "gather",
        help="add what git and the service profile know to a saved incident",
        description="Commits since the incident started become change items; the files they "
        "changed and the project's test commands are added to their fields. A field with "
        "text is never overwritten: new text goes below a marked header.",
    )
    gather.add_argument("session", nargs="?", metavar="SESSION", help="an id or a .toml path")
    gather.add_argument("--repo", metavar="DIR", default=".", help="the repository (default: .)")
    gather.add_argument(
        "--since",
        metavar="TIME|REF",
        help='start of the window: "2026-11-29 14:00 UTC", "2h", or a commit/tag '
        "(default: 2 h before started_at, else the last 24 h)",
    )
    gather.add_argument(
        "--run", metavar="NAME", help="run the profile's gather command NAME (asks first)"
    )
    gather.add_argument("--profile", metavar="NAME", help=_PROFILE_HELP)
    gather.set_defaults(handler=cmd_gather)


_PROFILE_HELP = "$INCIDENT_TUI_HOME/profiles/NAME.toml instead of .incident-tui.toml found upward"


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help=_PROFILE_HELP)


def _say(text: str) -> None:
    print(f"{PROG}: {visible_controls(text)}", file=sys.stderr)


def _update(
    store: SessionStore, path: Path, change: Callable[[Session, bool], bool]
) -> tuple[Session, bool]:
    """Load, change, save (when `change` says there is something to save); again from the file
    when another writer saved meanwhile. `change` is told whether we hold the lock: when the
    wizard has the incident open, only list items may be added (its next save takes them in,
    as it takes in `note`'s entries); a changed field would be a conflict for it."""
    from tui.core.lock import SessionLock

    lock = SessionLock(path)
    locked = lock.acquire()
    try:
        for attempt in range(ATTEMPTS):
            session = store.load(path)
            if not change(session, locked):
                return session, locked
            try:
                store.save(session)
                return session, locked
            except SessionConflict:
                if attempt == ATTEMPTS - 1:
                    raise
    finally:
        if locked:
            lock.release()
    raise AssertionError("unreachable")


def _open_elsewhere(path: Path) -> str:
    from tui.core.lock import SessionLock

    return f"{path} is open in the wizard ({SessionLock(path).holder()})"


def _session_path(store: SessionStore, ref: str | None) -> Path:
    path = store.resolve(ref) if ref else store.latest()
    if path is None:
        raise GatherUsage(f"no saved incidents; start one: {PROG} new")
    return path


def cmd_gather(store: SessionStore, args: argparse.Namespace) -> int:
    path = _session_path(store, args.session)
    if args.run:
        return _run_profile_command(store, path, args)
    from tui.core.gather import add_changes, add_text, git_offers, header
    from tui.core.gather_git import gather_git

    started_at = store.load(path).started_at
    found = gather_git(Path(args.repo).expanduser(), since=args.since, started_at=started_at)
    offers = git_offers(found)
    when = now_utc()
    source = f"git {found.repo}"
    outcome: dict[str, Any] = {}

    def change(session: Session, locked: bool) -> bool:
        outcome["added"] = add_changes(session, found.change_items())
        outcome["fields"] = [
            (o, add_text(session, o, source, when) if locked else "open") for o in offers
        ]
        return True

    _, locked = _update(store, path, change)
    commits = len(found.commits)
    _say(
        f"{found.repo}: {commits} commit{'s' if commits != 1 else ''} {found.window.label}; "
        f"{outcome['added']} new change item{'s' if outcome['added'] != 1 else ''} "
        f"added to {path}"
    )
    if not locked:
        _say(
            f"{_open_elsewhere(path)}: its fields were not changed; what was gathered for them "
            "is printed below (or use 'Gather from git' in the wizard's palette)"
        )
    for offer, result in outcome["fields"]:
        if result == "open":
            print(f"{header(source, when)} {offer.label}\n{visible_controls(offer.text)}\n")
            continue
        said = {
            "set": "filled in",
            "appended": "added below a '--- gathered from git' header",
            "unchanged": "already there, unchanged",
        }[result]
        _say(f"{offer.label}: {said}")
    for note in found.notes:
        _say(f"note: {note}")
    return 0


def load_profile_for(store: SessionStore, name: str | None) -> Profile | None:
    """The profile `--profile NAME` names, else the one found upward from the current
    directory, else None. Raises ProfileError (one line)."""
    if name:
        from tui.core.profiles import load_profile, named_profile

        return load_profile(named_profile(store.home, name), private=True)
    from tui.core.profile_path import find_profile

    found = find_profile(Path.cwd())
    if found is None:
        return None  # the profiles' reader (the TOML parser, the command runner) not imported
    from tui.core.profiles import load_profile

    return load_profile(found)


def new_session(store: SessionStore, args: UiArgs) -> Session | None:
    """For `new`: a new session pre-filled from the profile, or None when there is none. A
    broken profile is one line on stderr and is ignored (unless named with --profile)."""
    from tui.core.profile_path import ProfileError

    try:
        profile = load_profile_for(store, args.profile)
    except ProfileError as exc:
        if args.profile:
            raise
        _say(f"warning: {exc}")
        return None
    if profile is None:
        return None
    from tui.core.profiles import prefill, withheld

    session = store.create(args.title)
    filled = prefill(session, profile)
    if filled:
        fields = "field" if len(filled) == 1 else "fields"
        _say(f"pre-filled {len(filled)} {fields} ({', '.join(filled)}) from {profile.path}")
    for key in withheld(profile):
        _say(
            f"warning: {profile.path} sets {key} (what the agent may do); not pre-filled: a "
            f"repository's profile may not widen it (a profile in {store.home}/profiles may)"
        )
    return session


def _run_profile_command(store: SessionStore, path: Path, args: argparse.Namespace) -> int:
    from tui.core.profiles import FieldFull, TrustStore, add_block, run_command

    profile = load_profile_for(store, args.profile)
    if profile is None:
        raise GatherUsage(
            f"no .incident-tui.toml in {Path.cwd()} or above, and no --profile; nothing to run"
        )
    command = profile.command(args.run)
    trust = TrustStore(store.home)
    if not trust.is_trusted(profile.path, command):
        _ask_trust(profile.path, command, trust)
    block = run_command(profile, command, trust, now_utc())

    full: list[str] = []

    def change(session: Session, locked: bool) -> bool:
        if not locked:
            return False
        try:
            add_block(session, command.into, block)
        except FieldFull as exc:
            full[:] = [str(exc)]
            return False
        return True

    _, locked = _update(store, path, change)
    if full:
        _say(f"{full[0]}; the output is printed below instead")
        print(visible_controls(block))
        return 1
    if locked:
        _say(f"{command.name}: output added to {command.into} in {path}")
    else:
        _say(f"{_open_elsewhere(path)}: its output is printed below, not added to {command.into}")
        print(visible_controls(block))
    return 0


def _ask_trust(profile_path: Path, command: GatherCommand, trust: TrustStore) -> None:
    from tui.core.profiles import NotTrusted

    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise NotTrusted(
            f"{profile_path}: gather command {command.name!r} is not trusted yet (new or "
            f"changed); run `{PROG} gather --run {command.name}` in a terminal to review it"
        )
    sys.stderr.write(
        f"{PROG}: {visible_controls(str(profile_path))} wants to run, in "
        f"{visible_controls(str(profile_path.parent))}, without a shell:\n\n"
        f"    {command.shown}\n\n"
        f"Its output goes into {command.into}. Run it, now and whenever it is unchanged? [y/N] "
    )
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise NotTrusted(f"{command.name}: not run (not trusted)")
    trust.trust(profile_path, command)
