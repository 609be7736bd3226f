"""tui.core.config: config.toml read safely, problems with file and line, settings written back
without losing the rest of the file."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tui.core.config import (
    MAX_CONFIG_BYTES,
    ConfigReadError,
    KeymapEntry,
    load_config,
    parse_config,
    save_setting,
)


def write(home: Path, text: str | bytes, mode: int = 0o600) -> Path:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = home / "config.toml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    path.chmod(mode)
    return path


def test_no_file_is_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.theme is None and config.keymap == () and config.problems == ()
    assert config.writable


def test_theme_and_keymap_with_their_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        '# mine\ntheme = "nord"\n\n[keymap]\ncopy = "f3"\n"save" = ["ctrl+y", "f10"]\n'
        "next_step = ' f11 , ctrl+j '\n",
    )
    config = load_config(tmp_path)
    assert config.problems == ()
    assert (config.theme, config.theme_line) == ("nord", 2)
    assert config.keymap == (
        KeymapEntry("copy", ("f3",), 5),
        KeymapEntry("save", ("ctrl+y", "f10"), 6),
        KeymapEntry("next_step", ("f11", "ctrl+j"), 7),
    )


def test_wrong_values_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'theme = 3\nbudget = "x"\n[keymap]\ncopy = 3\nsave = ""\nexport = "f2,"\n',
    )
    config = load_config(tmp_path)
    assert [str(p) for p in config.problems] == [
        f"{path}:1: theme must be a theme name in quotes",
        f"{path}:2: unknown setting 'budget' (agent, keymap, theme)",
        f'{path}:4: keymap: copy needs keys like "f3" or "f3,ctrl+y"',
        f"{path}:5: keymap: save has an empty key",
        f"{path}:6: keymap: export has an empty key",
    ]
    assert config.theme is None and config.keymap == ()


def test_keymap_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, '\nkeymap = "f3"\n')
    assert [str(p) for p in load_config(tmp_path).problems] == [
        f"{path}:2: keymap must be a [keymap] table"
    ]


def test_broken_toml_gives_defaults_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "nord"\n\n[keymap\ncopy = "f3"\n')
    config = load_config(tmp_path)
    [problem] = config.problems
    assert str(problem).startswith(f"{path}:3: not valid TOML (")
    assert "using the defaults" in str(problem)
    assert config.theme is None and not config.writable


def test_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b'theme = "nord"\n# \xff\n')
    [problem] = load_config(tmp_path).problems
    assert str(problem) == f"{path}:2: not UTF-8; using the defaults"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.mkdir(), "not a regular file"),
        (lambda p: os.mkfifo(p, 0o600), "not a regular file"),
        (lambda p: p.symlink_to(p.parent / "elsewhere.toml"), "cannot be read"),
        (lambda p: (p.write_text('theme = "nord"\n'), p.chmod(0o620)), "writable by other users"),
        (lambda p: (p.write_text("#" * (MAX_CONFIG_BYTES + 1)), p.chmod(0o600)), "larger than"),
    ],
    ids=["directory", "fifo", "symlink", "group-writable", "too-large"],
)
def test_files_that_are_not_read(tmp_path: Path, make: object, reason: str) -> None:
    path = tmp_path / "config.toml"
    (tmp_path / "elsewhere.toml").write_text('theme = "nord"\n')
    make(path)  # type: ignore[operator]
    config = load_config(tmp_path)  # a FIFO must not block here
    [problem] = config.problems
    assert str(problem).startswith(f"{path}: ") and reason in str(problem)
    assert config.theme is None and not config.writable


def test_save_setting_keeps_comments_and_other_settings(tmp_path: Path) -> None:
    path = write(tmp_path, '# my keys\ntheme = "nord"\n\n[keymap]\ncopy = "f3"  # not ctrl+o\n')
    save_setting(tmp_path, "theme", "gruvbox")
    text = path.read_text()
    assert text == '# my keys\ntheme = "gruvbox"\n\n[keymap]\ncopy = "f3"  # not ctrl+o\n'
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_save_setting_adds_a_top_level_key_before_the_first_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[keymap]\ncopy = "f3"\n')
    save_setting(tmp_path, "theme", 'odd "name"')
    assert tomllib.loads(path.read_text()) == {"theme": 'odd "name"', "keymap": {"copy": "f3"}}
    assert path.read_text().startswith("theme = ")


def test_save_setting_creates_the_file_and_home(tmp_path: Path) -> None:
    home = tmp_path / "new-home"
    save_setting(home, "theme", "nord")
    assert (home / "config.toml").read_text() == 'theme = "nord"\n'
    assert os.stat(home).st_mode & 0o777 == 0o700
    assert os.stat(home / "config.toml").st_mode & 0o777 == 0o600


def test_save_setting_never_writes_over_a_file_it_cannot_parse(tmp_path: Path) -> None:
    broken = b'theme = "nord"\n[keymap\n'
    path = write(tmp_path, broken)
    with pytest.raises(ConfigReadError, match="not valid TOML"):
        save_setting(tmp_path, "theme", "gruvbox")
    assert path.read_bytes() == broken


def test_save_setting_never_writes_over_a_file_it_may_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "nord"\n', mode=0o666)
    with pytest.raises(ConfigReadError, match="writable by other users"):
        save_setting(tmp_path, "theme", "gruvbox")
    assert path.read_text() == 'theme = "nord"\n'


def test_parse_config_keeps_the_data_for_later_settings(tmp_path: Path) -> None:
    config = parse_config(b'theme = "nord"\n[keymap]\ncopy = "f3"\n', tmp_path / "c.toml")
    assert config.data == {"theme": "nord", "keymap": {"copy": "f3"}}


def test_the_agent_command_is_an_argv_list(tmp_path: Path) -> None:
    write(tmp_path, 'theme = "nord"\n\n[agent]\ncommand = ["codex", "exec", "-"]\n')
    config = load_config(tmp_path)
    assert config.problems == ()
    assert config.agent_command == ("codex", "exec", "-")
    assert load_config(tmp_path / "none").agent_command is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[agent]\ncommand = "codex exec -"\n', 2, "agent: command must be a list of strings"),
        ("[agent]\ncommand = []\n", 2, "agent: command must be a list of strings"),
        ('[agent]\ncommand = ["", "x"]\n', 2, "agent: command must be a list of strings"),
        ('[agent]\ncommand = ["codex", 3]\n', 2, "agent: command must be a list of strings"),
        ('\n[agent]\ncmd = ["codex"]\n', 3, "agent: unknown setting 'cmd' (command)"),
        ('agent = ["codex"]\n', 1, "agent must be an [agent] table"),
    ],
)
def test_a_wrong_agent_command_is_reported_with_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    config = load_config(tmp_path)
    assert config.agent_command is None
    [problem] = config.problems
    assert str(problem).startswith(f"{path}:{line}: {message}")


def test_save_setting_writes_nothing_into_a_home_others_can_write(tmp_path: Path) -> None:
    home = tmp_path / "shared-home"
    home.mkdir()
    home.chmod(0o777)
    with pytest.raises(ConfigReadError, match="shared-home"):
        save_setting(home, "theme", "nord")
    assert not (home / "config.toml").exists()
