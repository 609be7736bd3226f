"""Service profiles: the context every incident of a service shares, and its gather commands.

A profile is `.incident-tui.toml`, found upward from the current directory, or
`$INCIDENT_TUI_HOME/profiles/NAME.toml`. Its field values pre-fill a new incident. Its
`[[gather]]` commands run only once the user has seen the exact argv and agreed: a profile can
come from any cloned repository. The agreement is kept as a hash of (profile path, argv) in a
0600 file in the private home, so a changed command asks again. No shell is ever involved.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.core.config import Lines
from tui.core.fsio import (
    FileRefused,
    atomic_write,
    check_private_dir,
    private_dir,
    read_regular,
)
from tui.core.list_schema import TIME_FORMAT
from tui.core.model import Session

# Where a profile is and its error live apart (tui/core/profile_path.py), for `new` to look for
# a profile without importing this module; they are this module's as well.
from tui.core.profile_path import PROFILE_NAME as PROFILE_NAME
from tui.core.profile_path import ProfileError as ProfileError
from tui.core.profile_path import find_profile as find_profile
from tui.core.runcmd import first_line, run_capped
from tui.core.sanitize import strip_controls, visible_controls
from tui.core.schema import FIELD_TABLE_KEYS

MAX_PROFILE_BYTES = 256 * 1024
TRUST_FILE = "trusted-commands"
MAX_TRUST_BYTES = 1024 * 1024

#: The fields a profile may pre-fill.
PREFILL_KEYS: tuple[str, ...] = (
    "project_context",
    "environment",
    "external_dependencies",
    "rollback_options",
    "testing_commands",
    "definition_of_done",
    "agent_scope",
)
#: What the agent may do: only a profile in the private home may pre-fill it. A repository's
#: `.incident-tui.toml` is whoever committed it, and no command's output may go there.
SCOPE_KEYS = frozenset({"agent_scope"})
GATHER_KEYS = frozenset({"name", "argv", "into", "timeout", "max_bytes"})
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 600.0
DEFAULT_MAX_BYTES = 1024 * 1024
MAX_MAX_BYTES = 16 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class GatherCommand:
    name: str
    argv: tuple[str, ...]
    into: str
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def shown(self) -> str:
        """The exact command line, quoted as a shell would need it, every control character
        and invisible character made visible: what the user agrees to is what runs. One line:
        a newline or tab is shown as ␊ or ␉, so blank lines cannot push the end of an argument
        out of the question's view."""
        shown = visible_controls(shlex.join(self.argv))
        return shown.replace("\n", "\u240a").replace("\t", "\u2409")


@dataclass(frozen=True)
class Profile:
    path: Path
    values: dict[str, str]
    commands: tuple[GatherCommand, ...] = ()
    #: Read from $INCIDENT_TUI_HOME/profiles (the user's own), not found in a directory.
    private: bool = False

    def command(self, name: str) -> GatherCommand:
        for command in self.commands:
            if command.name == name:
                return command
        names = ", ".join(c.name for c in self.commands) or "none"
        raise ProfileError(f"{self.path}: no gather command {name!r} (it has: {names})")


def named_profile(home: Path, name: str) -> Path:
    """$INCIDENT_TUI_HOME/profiles/NAME.toml, from a directory only the user can write."""
    if not _NAME.fullmatch(name):
        raise ProfileError(f"--profile {name!r}: use letters, digits, '.', '_' and '-'")
    directory = home / "profiles"
    check_private_dir(home)
    check_private_dir(directory)
    return directory / f"{name}.toml"


def load_profile(path: Path, *, private: bool = False) -> Profile:
    """The profile in `path`. Raises ProfileError (`path:line: why`) for anything wrong: the
    whole profile is then ignored, not half of it."""
    try:
        raw = read_regular(path, MAX_PROFILE_BYTES, what="profile")
    except FileRefused as exc:
        raise ProfileError(str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[: exc.start].count(b"\n") + 1
        raise ProfileError(f"{path}:{bad}: not UTF-8; profile ignored") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)$", message)
        at = found.group(1) if found else None
        if at is None and message.endswith("(at end of document)"):
            at = str(text.count("\n") or 1)
            message = message.removesuffix(" (at end of document)")
        where = f"{path}:{at}" if at else str(path)
        message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", message)
        raise ProfileError(f"{where}: not valid TOML ({message}); profile ignored") from None
    except RecursionError:  # a cloned repository's `x = [[[[…]]]]`: tomllib recurses per level
        raise ProfileError(f"{path}: not valid TOML (nested too deeply); profile ignored") from None
    lines = Lines(text)
    tables = _gather_tables(text)

    def fail(line: int | None, why: str) -> ProfileError:
        where = f"{path}:{line}" if line is not None else str(path)
        return ProfileError(f"{where}: {why}; profile ignored")

    values: dict[str, str] = {}
    commands: list[GatherCommand] = []
    for key, value in data.items():
        if key == "gather":
            if not isinstance(value, list):
                raise fail(lines.of(None, key), "gather must be [[gather]] tables")
            for index, item in enumerate(value):
                at = tables[index] if index < len(tables) else {}

                def line_of(name: str, at: dict[str, int] = at) -> int | None:
                    return at.get(name, at.get(""))

                commands.append(_command(item, line_of, fail))
        elif key in PREFILL_KEYS:
            if not isinstance(value, str):
                raise fail(lines.of(None, key), f"{key} must be text in quotes")
            values[key] = value
        else:
            known = ", ".join((*PREFILL_KEYS, "[[gather]]"))
            raise fail(lines.of(None, key), f"unknown key {key!r} (known: {known})")
    seen: set[str] = set()
    for index, command in enumerate(commands):
        if command.name in seen:
            line = tables[index].get("name") if index < len(tables) else None
            raise fail(line, f"two gather commands are named {command.name!r}")
        seen.add(command.name)
    return Profile(path, values, tuple(commands), private)


_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")


def _gather_tables(text: str) -> list[dict[str, int]]:
    """Per [[gather]] table, in file order: the line of each key, and "" for its header
    (tomllib says no lines; a mistake in the third command must name the third's)."""
    tables: list[dict[str, int]] = []
    current: dict[str, int] | None = None
    for number, line in enumerate(text.split("\n"), 1):
        header = _HEADER.match(line)
        if header:
            is_gather = header.group(1) == "[[" and header.group(2).strip("\"'") == "gather"
            current = {"": number} if is_gather else None
            if current is not None:
                tables.append(current)
            continue
        key = _KEY.match(line)
        if key and current is not None:
            current.setdefault(next(g for g in key.groups() if g is not None), number)
    return tables


Where = Callable[[str], int | None]
Fail = Callable[[int | None, str], ProfileError]


def _command(item: Any, where: Where, fail: Fail) -> GatherCommand:
    if not isinstance(item, dict):
        raise fail(where(""), "each [[gather]] must be a table")
    unknown = set(item) - GATHER_KEYS
    if unknown:
        key = sorted(unknown)[0]
        known = ", ".join(sorted(GATHER_KEYS))
        raise fail(where(key), f"unknown gather key {key!r} ({known})")
    name, argv, into = item.get("name"), item.get("argv"), item.get("into")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise fail(where("name"), "gather name must be letters, digits, '.', '_' or '-'")
    if (
        not isinstance(argv, list)
        or not argv
        or not all(isinstance(a, str) and a and "\x00" not in a for a in argv)
    ):
        raise fail(where("argv"), f'{name}: argv must be a list of words, e.g. ["kubectl", "logs"]')
    if into not in FIELD_TABLE_KEYS or into in SCOPE_KEYS:
        raise fail(
            where("into"),
            f"{name}: into must be a field key (incident-tui fields) other than agent_scope",
        )
    timeout = item.get("timeout", DEFAULT_TIMEOUT)
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 0 < timeout <= MAX_TIMEOUT
    ):
        raise fail(where("timeout"), f"{name}: timeout must be seconds, up to {MAX_TIMEOUT:g}")
    max_bytes = item.get("max_bytes", DEFAULT_MAX_BYTES)
    if (
        isinstance(max_bytes, bool)
        or not isinstance(max_bytes, int)
        or not 0 < max_bytes <= MAX_MAX_BYTES
    ):
        raise fail(where("max_bytes"), f"{name}: max_bytes must be 1 to {MAX_MAX_BYTES:,}")
    return GatherCommand(name, tuple(argv), into, float(timeout), max_bytes)


def withheld(profile: Profile) -> list[str]:
    """The keys `prefill` leaves out: what the agent may do, from a profile not in the home."""
    return [] if profile.private else [k for k in profile.values if k in SCOPE_KEYS]


def prefill(session: Session, profile: Profile) -> list[str]:
    """Fill the session's blank fields from the profile (not `withheld` ones); the keys it
    filled."""
    filled = []
    skip = withheld(profile)
    for key, value in profile.values.items():
        if key not in skip and value.strip() and not session.get(key).strip():
            session.set(key, value)
            filled.append(key)
    return filled


# --- trust ---------------------------------------------------------------------------------------


#: A file an argument names is hashed into the agreement up to this size (larger: its size).
MAX_HASHED_FILE = 16 * 1024 * 1024


def _named_files(profile_path: Path, argv: tuple[str, ...]) -> list[list[str]]:
    """[argument, content hash] for each relative argument naming a regular file from the
    profile's directory (`./collect.sh`, `sh scripts/x.sh`): a `git pull` can change the script
    the user agreed to run without changing the argv."""
    base = profile_path.absolute().parent
    found: list[list[str]] = []
    for arg in argv:
        if os.path.isabs(arg):
            continue
        try:
            info = os.stat(base / arg)
        except (OSError, ValueError):
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        try:
            digest = hashlib.sha256(read_regular(base / arg, MAX_HASHED_FILE)).hexdigest()
        except FileRefused:
            digest = f"unread, {info.st_size} bytes, mtime {info.st_mtime_ns}"
        found.append([arg, digest])
    return found


def command_hash(profile_path: Path, command: GatherCommand) -> str:
    """What the user agreed to: this argv from this profile file, its output into this field
    (the question names the field: a profile that later sends the output elsewhere asks again),
    and the content of each file of the repository an argument names."""
    payload = json.dumps(
        [
            str(profile_path.absolute()),
            list(command.argv),
            command.into,
            _named_files(profile_path, command.argv),
        ],
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


class TrustStore:
    """The hashes of agreed commands: one a line in $INCIDENT_TUI_HOME/trusted-commands (0600)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / TRUST_FILE

    def _hashes(self) -> set[str]:
        if not os.path.lexists(self.path):
            return set()
        check_private_dir(self.home)
        self._check_mode()
        try:
            raw = read_regular(self.path, MAX_TRUST_BYTES, what="trust file", follow=False)
        except FileRefused as exc:
            raise ProfileError(str(exc)) from None
        return {
            line.strip()
            for line in raw.decode("ascii", "replace").splitlines()
            if re.fullmatch(r"[0-9a-f]{64}", line.strip())
        }

    def _check_mode(self) -> None:
        """A line another user can add to this file is a command run without asking: the file
        must be ours and writable by us only (the home may be readable by others)."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ProfileError(f"{self.path}: cannot be checked: {exc.strerror or exc}") from None
        if stat.S_ISLNK(info.st_mode):
            raise ProfileError(f"{self.path}: is a symlink; remove it (agreements are asked again)")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise ProfileError(f"{self.path}: is owned by another user (uid {info.st_uid})")
        if stat.S_IMODE(info.st_mode) & 0o022:
            raise ProfileError(
                f"{self.path}: is writable by group or others; remove it "
                "(agreements are asked again)"
            )

    def is_trusted(self, profile_path: Path, command: GatherCommand) -> bool:
        return command_hash(profile_path, command) in self._hashes()

    def trust(self, profile_path: Path, command: GatherCommand) -> None:
        private_dir(self.home)
        hashes = self._hashes() | {command_hash(profile_path, command)}
        atomic_write(self.path, "".join(f"{h}\n" for h in sorted(hashes)).encode("ascii"))


# --- running -------------------------------------------------------------------------------------


class NotTrusted(ProfileError):
    """A gather command the user has not agreed to (or whose argv changed since)."""


def run_command(profile: Profile, command: GatherCommand, trust: TrustStore, when: datetime) -> str:
    """Run a trusted command (no shell, its timeout and size cap) and return its output as a
    block for its field: the command line and time above it. Raises NotTrusted before anything
    runs when the user has not agreed to this argv from this profile; ProfileError when it
    cannot be started."""
    if not trust.is_trusted(profile.path, command):
        raise NotTrusted(f"{profile.path}: gather command {command.name!r} is not trusted")
    try:
        result = run_capped(
            command.argv,
            cwd=profile.path.parent,
            timeout=command.timeout,
            max_bytes=command.max_bytes,
        )
    except OSError as exc:
        raise ProfileError(
            f"{command.name}: cannot run {visible_controls(command.argv[0])}: {exc.strerror or exc}"
        ) from None
    how = (
        f"stopped after {command.timeout:g} s"
        if result.timed_out
        else f"exit status {result.returncode}"
    )
    lines = [f"--- $ {command.shown}  ({when.strftime(TIME_FORMAT)} UTC, {how}) ---"]
    output = strip_controls(result.stdout.decode("utf-8", "replace")).rstrip("\n")
    if output:
        lines.append(output)
    if result.truncated:
        lines.append(f"[output cut at {command.max_bytes:,} bytes]")
    if not result.ok and (message := strip_controls(first_line(result.stderr))):
        lines.append(f"[stderr: {message}]")
    return "\n".join(lines)


#: A field a gather command's output may grow to: runs of a 16 MB command added up to a session
#: file over the 64 MiB it is read back at, and the incident could not be opened again.
MAX_GATHERED_FIELD_BYTES = 16 * 1024 * 1024


class FieldFull(ProfileError):
    """The output would grow its field past MAX_GATHERED_FIELD_BYTES: not added."""


def with_block(session: Session, key: str, block: str) -> str:
    """The field's text with a command's block after it. Raises FieldFull when too large."""
    existing = session.get(key).rstrip()
    value = f"{existing}\n\n{block}" if existing else block
    if len(value.encode("utf-8", "surrogatepass")) > MAX_GATHERED_FIELD_BYTES:
        raise FieldFull(
            f"{key} would pass {MAX_GATHERED_FIELD_BYTES // (1024 * 1024)} MiB with this output; "
            "not added"
        )
    return value


def add_block(session: Session, key: str, block: str) -> None:
    """Append a command's block to a field, after whatever it holds. Raises FieldFull."""
    session.set(key, with_block(session, key, block))
