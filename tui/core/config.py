"""The optional settings file, $INCIDENT_TUI_HOME/config.toml: read safely, never fatal.

Each top-level setting has one reader in `_READERS`; a later setting (an agent command, a token
budget) is one more reader and one more field on `Config`. Everything wrong in the file becomes a
`ConfigProblem` naming the file and line, and that setting keeps its default: a broken config
never stops the app. This module only parses; what a keymap entry means (which action ids and
key names exist) is for the UI to judge.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

CONFIG_NAME = "config.toml"
#: A settings file is a few lines; anything near this size is not one.
MAX_CONFIG_BYTES = 64 * 1024


class ConfigProblem(NamedTuple):
    """One thing wrong with the file, said in one line: `path:line: message`."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.message}"


class KeymapEntry(NamedTuple):
    """`action = "keys"` from [keymap]: the keys as written, split on commas."""

    action: str
    keys: tuple[str, ...]
    line: int | None


class Config(NamedTuple):
    path: Path
    theme: str | None = None
    theme_line: int | None = None
    keymap: tuple[KeymapEntry, ...] = ()
    #: [agent] command: the argv `incident-tui send` pipes the prompt into (no shell), or None.
    agent_command: tuple[str, ...] | None = None
    problems: tuple[ConfigProblem, ...] = ()
    #: The file is absent or was read and parsed: writing a setting back cannot lose anything.
    writable: bool = True
    #: The parsed file as it was, for writing a setting back.
    data: Mapping[str, Any] = MappingProxyType({})

    def problem(self, line: int | None, message: str) -> ConfigProblem:
        return ConfigProblem(self.path, line, message)


class ConfigReadError(Exception):
    """The file exists but cannot be used at all (one line, with the path)."""


def config_path(home: Path) -> Path:
    return home / CONFIG_NAME


def read_config_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when there is none. Only a regular file we own that nobody else
    can write, opened without following a symlink or blocking on a FIFO, and under the limit."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        # ELOOP: a symlink, refused by O_NOFOLLOW.
        raise ConfigReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ConfigReadError(f"{path}: not a regular file")
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            raise ConfigReadError(f"{path}: owned by another user (uid {st.st_uid})")
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise ConfigReadError(f"{path}: writable by other users (chmod 600 it)")
        if st.st_size > MAX_CONFIG_BYTES:
            raise ConfigReadError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KB")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CONFIG_BYTES:
            chunk = os.read(fd, MAX_CONFIG_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ConfigReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > MAX_CONFIG_BYTES:
        raise ConfigReadError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KB")
    return b"".join(chunks)


def load_config(home: Path) -> Config:
    """The settings in home's config.toml; defaults (and why) when it is absent or broken."""
    path = config_path(home)
    try:
        raw = read_config_bytes(path)
    except ConfigReadError as exc:
        return Config(path, problems=(ConfigProblem(path, None, _rest(exc, path)),), writable=False)
    if raw is None:
        return Config(path)
    # The file may be ours and 0600, but in a directory others can write it can be swapped
    # between our checks and our use; the agent command it names is run as us.
    from tui.core.fsio import UnsafeDirectory, check_private_dir

    try:
        check_private_dir(home)
    except UnsafeDirectory as exc:
        problem = ConfigProblem(path, None, f"not read, so its settings are ignored: {exc}")
        return Config(path, problems=(problem,), writable=False)
    return parse_config(raw, path)


def _rest(exc: Exception, path: Path) -> str:
    return str(exc).removeprefix(f"{path}: ")


# Patterns, not compiled ones: compiled (and cached by re) at their first use, when there is a
# config file; with none, the app starts without compiling them.
_TOML_LINE = r"\s*\(at line (\d+), column \d+\)$"


def parse_config(raw: bytes, path: Path) -> Config:
    import tomllib  # here: with no config file, the app starts without it

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        problem = ConfigProblem(path, bad_line, "not UTF-8; using the defaults")
        return Config(path, problems=(problem,), writable=False)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(_TOML_LINE, message)
        line = int(at.group(1)) if at else None
        message = re.sub(_TOML_LINE, "", message)
        problem = ConfigProblem(path, line, f"not valid TOML ({message}); using the defaults")
        return Config(path, problems=(problem,), writable=False)
    except RecursionError:  # `x = [[[[…]]]]`: tomllib recurses once per level
        problem = ConfigProblem(
            path, None, "not valid TOML (nested too deeply); using the defaults"
        )
        return Config(path, problems=(problem,), writable=False)
    lines = Lines(text)
    settings: dict[str, Any] = {}
    problems: list[ConfigProblem] = []
    for key, value in data.items():
        reader = _READERS.get(key)
        if reader is None:
            known = ", ".join(sorted(_READERS))
            problems.append(
                ConfigProblem(path, lines.of(None, key), f"unknown setting {key!r} ({known})")
            )
            continue
        found_settings, found_problems = reader(value, lines, path)
        settings.update(found_settings)
        problems.extend(found_problems)
    return Config(path, problems=tuple(problems), data=data, **settings)


Reader = Callable[[Any, "Lines", Path], tuple[dict[str, Any], list[ConfigProblem]]]


def _read_theme(value: Any, lines: Lines, path: Path) -> tuple[dict[str, Any], list[ConfigProblem]]:
    line = lines.of(None, "theme")
    if not isinstance(value, str) or not value.strip():
        return {}, [ConfigProblem(path, line, "theme must be a theme name in quotes")]
    return {"theme": value.strip(), "theme_line": line}, []


def _read_keymap(
    value: Any, lines: Lines, path: Path
) -> tuple[dict[str, Any], list[ConfigProblem]]:
    if not isinstance(value, dict):
        return {}, [
            ConfigProblem(path, lines.of(None, "keymap"), "keymap must be a [keymap] table")
        ]
    entries: list[KeymapEntry] = []
    problems: list[ConfigProblem] = []
    for action, keys in value.items():
        line = lines.of("keymap", action)
        if isinstance(keys, str):
            parts = keys.split(",")
        elif isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            parts = list(keys)
        else:
            problems.append(
                ConfigProblem(path, line, f'keymap: {action} needs keys like "f3" or "f3,ctrl+y"')
            )
            continue
        cleaned = tuple(p.strip() for p in parts)
        if not cleaned or any(not p for p in cleaned):
            problems.append(ConfigProblem(path, line, f"keymap: {action} has an empty key"))
            continue
        entries.append(KeymapEntry(action, cleaned, line))
    return {"keymap": tuple(entries)}, problems


#: The longest agent command taken (arguments and their lengths): a command line, not a file.
MAX_AGENT_ARGS = 64
MAX_AGENT_ARG_CHARS = 4096


def _read_agent(value: Any, lines: Lines, path: Path) -> tuple[dict[str, Any], list[ConfigProblem]]:
    if not isinstance(value, dict):
        return {}, [ConfigProblem(path, lines.of(None, "agent"), "agent must be an [agent] table")]
    problems = [
        ConfigProblem(path, lines.of("agent", key), f"agent: unknown setting {key!r} (command)")
        for key in value
        if key != "command"
    ]
    if "command" not in value:
        return {}, problems
    command = value["command"]
    line = lines.of("agent", "command")
    usage = 'agent: command must be a list of strings, e.g. ["codex", "exec", "-"] (no shell)'
    if not (
        isinstance(command, list)
        and command
        and all(isinstance(a, str) for a in command)
        and command[0].strip()
    ):
        return {}, [*problems, ConfigProblem(path, line, usage)]
    if len(command) > MAX_AGENT_ARGS or any(len(a) > MAX_AGENT_ARG_CHARS for a in command):
        return {}, [*problems, ConfigProblem(path, line, "agent: command is too long")]
    if any("\0" in a for a in command):
        return {}, [*problems, ConfigProblem(path, line, "agent: command holds a NUL character")]
    return {"agent_command": tuple(command)}, problems


#: Top-level setting → its reader. A new setting is one reader here and one field on Config.
_READERS: dict[str, Reader] = {"theme": _read_theme, "keymap": _read_keymap, "agent": _read_agent}


_HEADER = r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$"
_KEY = r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*="""


class Lines:
    """Where a key sits in the file (tomllib does not say): the line of `key =` in a table."""

    def __init__(self, text: str) -> None:
        self._found: dict[tuple[str | None, str], int] = {}
        self._tables: dict[str, int] = {}
        table: str | None = None
        for number, line in enumerate(text.split("\n"), 1):
            header = re.match(_HEADER, line)
            if header:
                table = header.group(1).strip().strip("\"'")
                self._tables.setdefault(table, number)
                continue
            key = re.match(_KEY, line)
            if key:
                name = next(g for g in key.groups() if g is not None)
                self._found.setdefault((table, name), number)

    def of(self, table: str | None, key: str) -> int | None:
        found = self._found.get((table, key))
        if found is None and table is not None:
            return self._tables.get(table)
        if found is None:
            return self._tables.get(key)
        return found


# --- writing a setting back ------------------------------------------------------------------


def with_setting(raw: bytes, key: str, value: str) -> bytes:
    """The file with top-level `key = "value"`, everything else kept.

    The one line is replaced (or added before the first table) so comments and layout survive;
    if the result does not parse to exactly the old data plus the new value, the whole file is
    written out from the parsed data instead (tomli_w drops comments, but loses no setting).
    """
    import tomllib

    import tomli_w

    text = raw.decode("utf-8")
    data = tomllib.loads(text)  # raises: the caller never writes over a file it could not read
    wanted = {**data, key: value}
    assignment = f"{key} = {tomli_w.dumps({key: value}).split('=', 1)[1].strip()}"
    edited = _replace_top_level(text, key, assignment)
    try:
        if tomllib.loads(edited) == wanted:
            return edited.encode("utf-8")
    except tomllib.TOMLDecodeError:
        pass
    return tomli_w.dumps(wanted).encode("utf-8")


def _replace_top_level(text: str, key: str, assignment: str) -> str:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if re.match(_HEADER, line):
            break
        found = re.match(_KEY, line)
        if found and next(g for g in found.groups() if g is not None) == key:
            lines[index] = assignment
            return "\n".join(lines)
    if not text:
        return assignment + "\n"
    # Not there: before the first table (a top-level key after a [table] would belong to it).
    first_table = next((i for i, line in enumerate(lines) if re.match(_HEADER, line)), None)
    if first_table is None:
        first_table = len(lines) - 1 if lines[-1] == "" else len(lines)
    lines.insert(first_table, assignment)
    return "\n".join(lines)


def save_setting(home: Path, key: str, value: str) -> None:
    """Set one top-level setting in config.toml, atomically; the rest of the file is kept.

    Raises ConfigReadError (nothing written) when the file exists but could not be read or
    parsed: a file we cannot read is never overwritten.
    """
    import tomllib

    from tui.core.fsio import UnsafeDirectory, private_dir
    from tui.core.session import atomic_write

    try:
        private_dir(home)
    except UnsafeDirectory as exc:
        raise ConfigReadError(str(exc)) from None
    path = config_path(home)
    raw = read_config_bytes(path)
    if raw is None:
        raw = b""
    try:
        data = with_setting(raw, key, value)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        raise ConfigReadError(f"{path}: not valid TOML, so it was left as it is") from None
    atomic_write(path, data)
