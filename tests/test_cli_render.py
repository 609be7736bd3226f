"""`incident-tui render` reads its own simple arguments without argparse: the same answers,
the same help and errors, and a faster start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import accepted_as_argparse_reads

from tests.test_cli import SESSION
from tui.cli import build_parser, render_args
from tui.cli_render import DEFAULT_MAX_TOKENS, quick_parse

PIECES = [
    ["S"],
    ["--no-redact"],
    ["--no-digest"],
    ["--template", "minimal"],
    ["--output", "out.md"],
    ["-o", "x y.md"],
    ["--max-tokens", "500"],
    ["--max-tokens", "99"],
    ["--max-tokens", "5_000"],
    ["--max-tokens", " 700 "],
    ["--max-tokens", "lots"],
    ["--template", "-x"],
    ["--output"],
    ["--out", "f"],
    ["--output=f"],
    ["-ofile"],
    ["--no-r"],
    ["-h"],
    ["--"],
    ["-5"],
    ["T"],
    [""],
]


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_render_arguments_read_without_argparse_are_read_as_argparse_reads_them(
    count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    accepted = accepted_as_argparse_reads(["render"], PIECES, count, quick_parse, render_args)
    capsys.readouterr()
    assert accepted > 0 or count == 0


def test_render_arguments_quick_parse_leaves_help_and_errors_to_argparse() -> None:
    for argv in (
        ["render"],
        ["render", "-h"],
        ["render", "S", "T"],
        ["render", "S", "--max-tokens", "99"],
        ["render", "S", "--output"],
        ["render", "S", "--no-r"],
        ["render", "S", "--output=f"],
        ["render", "--", "S"],
        ["list"],
        ["--version"],
    ):
        assert quick_parse(argv) is None, argv


def test_render_default_token_budget_is_the_prompts() -> None:
    from tui.core.prompt import DEFAULT_MAX_TOKENS as PROMPTS

    assert DEFAULT_MAX_TOKENS == PROMPTS
    assert build_parser().parse_args(["render", "S"]).max_tokens == PROMPTS


def test_render_does_not_import_argparse_or_the_other_commands(
    cli_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    """Importing argparse and building every command's parser was a good part of `render`'s
    start beyond the interpreter's."""
    sessions = home / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "20261129-1412-checkout.toml").write_text(SESSION, encoding="utf-8")
    unneeded = ["argparse", "tui.cli_gather", "tui.cli_loop"]
    probe = (
        "import sys\n"
        "from tui.cli import main\n"
        "status = main(['render', '20261129-1412-checkout', '--no-digest', '-o', 'p.md'])\n"
        f"print('IMPORTED:', status, sorted(m for m in {unneeded!r} if m in sys.modules), "
        "file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, cwd=tmp_path, capture_output=True, text=True
    )
    assert "IMPORTED: 0 []" in result.stderr, result.stderr
    assert "Checkout API returns HTTP 500" in (tmp_path / "p.md").read_text(encoding="utf-8")


def test_render_pauses_the_garbage_collector_and_turns_it_back_on(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its passes over what the template engine's import and a big log's digest allocate find
    nothing to free; they were a measurable part of a render."""
    import gc

    import tui.core.prompt
    from tui.cli import main

    sessions = home / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "20261129-1412-checkout.toml").write_text(SESSION, encoding="utf-8")
    seen: list[bool] = []
    real = tui.core.prompt.prompt_for

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tui.core.prompt, "prompt_for", spy)
    assert gc.isenabled()
    assert main(["render", "20261129-1412-checkout"]) == 0
    assert "Checkout API returns HTTP 500" in capsys.readouterr().out
    assert seen == [False]
    assert gc.isenabled()
    # A render that fails turns it back on too.
    assert main(["render", "no-such-incident"]) == 1
    assert gc.isenabled()


def test_the_command_skips_the_collectors_pass_at_exit(
    cli_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    """At exit the collector walked every object the command had made, freeing nothing the OS
    would not: the installed command freezes them first, and the user gets the prompt sooner."""
    sessions = home / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "20261129-1412-checkout.toml").write_text(SESSION, encoding="utf-8")
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('FROZEN:', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        "sys.argv = ['incident-tui', 'render', '20261129-1412-checkout']\n"
        "from tui.cli import run\n"
        "run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("You are an expert senior software engineer")
    assert "FROZEN: True" in result.stderr
