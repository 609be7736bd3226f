"""`incident-tui completion bash|zsh`: scripts generated from the argument parser, that complete."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from terminal.harness import TmuxTerminal

from tui.cli import build_parser


def subcommands() -> list[str]:
    """Every subcommand the parser knows: a new one is covered without editing this test."""
    parser = build_parser()
    names: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            names += list(action.choices)
    assert len(names) >= 7, names
    return names


def completion(command: str, shell: str, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [command, "completion", shell],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_the_bash_script_names_every_subcommand(
    installed_command: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    script = completion(installed_command, "bash", cli_env, tmp_path)
    assert "_shtab_incident_tui()" in script
    assert "complete -o bashdefault -F _shtab_incident_tui incident-tui" in script
    listed = f"_shtab_incident_tui_subparsers=({' '.join(subcommands())})"
    assert listed in script


def test_the_zsh_script_names_every_subcommand_with_its_help(
    installed_command: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    script = completion(installed_command, "zsh", cli_env, tmp_path)
    assert script.startswith("#compdef incident-tui\n")
    for name in subcommands():
        assert f"\n    {name}:'" in script, name


def bash_completes(command: str, words: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    """What bash offers for the last of `words`, with the script loaded as the README says."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    line = " ".join(f"'{w}'" for w in words)
    code = (
        f"source <('{command}' completion bash) || exit 3\n"
        f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
        "_shtab_incident_tui\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return sorted(result.stdout.split())


def test_bash_completes_subcommands_options_and_file_names(
    installed_command: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    run = lambda *words: bash_completes(  # noqa: E731
        installed_command, ["incident-tui", *words], cli_env, tmp_path
    )
    assert run("") == sorted(subcommands())
    assert run("re") == ["render", "resume"]
    assert run("completion", "") == ["bash", "zsh"]
    assert run("render", "x", "--ma") == ["--max-tokens"]
    (tmp_path / "prompt.md").write_text("", encoding="utf-8")
    assert run("render", "x", "--output", "pr") == ["prompt.md"]


@pytest.mark.terminal
def test_zsh_completes_in_a_real_terminal(
    installed_command: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    zsh = shutil.which("zsh")
    if zsh is None:
        pytest.skip("zsh is not installed")
    bin_dir = str(Path(installed_command).parent)
    env = {
        **cli_env,
        "PATH": f"{bin_dir}:{cli_env.get('PATH', '')}",
        "HOME": str(tmp_path),
        "ZDOTDIR": str(tmp_path),
        "PS1": "$ ",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    functions = tmp_path / "zfunc"
    functions.mkdir()
    script = completion(installed_command, "zsh", cli_env, tmp_path)
    (functions / "_incident-tui").write_text(script, encoding="utf-8")
    with TmuxTerminal([zsh, "-f"], env=env, cwd=tmp_path) as term:
        term.wait_for("$")
        # The README's lines for ~/.zshrc.
        term.type(f"fpath=({functions} $fpath); autoload -Uz compinit && compinit -u")
        term.send_keys("Enter")
        term.type("echo loaded")
        term.send_keys("Enter")
        term.wait_for("\nloaded")
        term.type("incident-tui compl")
        term.send_keys("Tab")
        term.wait_for("incident-tui completion")
        term.type("z")
        term.send_keys("Tab")
        term.wait_for("incident-tui completion zsh")
        term.send_keys("C-u")
        term.type("incident-tui re")
        term.send_keys("Tab")
        # Two matches: zsh lists both, with the parser's help for each.
        screen = term.wait_for("reopen a saved incident")
        assert "print the prompt for a saved incident" in screen


def probe_imports(args: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    """The heavy modules a fresh interpreter has imported after running `args`."""
    probe = (
        "import contextlib, io, json, sys\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({args!r})\n"
        "heavy = {'textual', 'rich', 'shtab'}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    imported: list[str] = json.loads(result.stdout)
    return imported


def test_completion_imports_no_textual(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert probe_imports(["completion", "bash"], cli_env, tmp_path) == ["shtab"]


def test_other_commands_do_not_import_shtab(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert probe_imports(["fields"], cli_env, tmp_path) == []


def test_an_unknown_shell_is_one_line(
    installed_command: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [installed_command, "completion", "fish"],
        env=cli_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "invalid choice: 'fish'" in result.stderr
