"""The commands that open the UI read their simple arguments without argparse, exactly as
argparse reads them, and leave everything else to it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_helpers import accepted_as_argparse_reads

from tui.cli_ui_args import UiArgs, quick_ui_parse

PIECES = [
    ["--title", "Checkout down"],
    ["--title", ""],
    ["--profile", "payments"],
    ["--title", "-x"],
    ["--title"],
    ["SESSION"],
    ["--title=t"],
    ["-h"],
]


@pytest.mark.parametrize("command", [[], ["new"], ["resume"]])
@pytest.mark.parametrize("count", [0, 1, 2])
def test_ui_arguments_read_without_argparse_are_read_as_argparse_reads_them(
    command: list[str], count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    accepted = accepted_as_argparse_reads(command, PIECES, count, quick_ui_parse, UiArgs.of)
    capsys.readouterr()
    if count == 0 or command == ["new"] or (command == ["resume"] and count == 1):
        assert accepted > 0


def test_help_errors_and_other_commands_are_left_to_argparse() -> None:
    for argv in (
        ["-h"],
        ["--version"],
        ["new", "--title"],
        ["new", "-h"],
        ["new", "--title=x"],
        ["new", "extra"],
        ["resume", "a", "b"],
        ["resume", "--", "a"],
        ["list"],
        ["render", "S"],
    ):
        assert quick_ui_parse(argv) is None, argv


def test_opening_the_ui_imports_no_argparse() -> None:
    """argparse's import and the parser of every command were a tenth of the time to the
    first frame."""
    code = (
        "import sys\n"
        "import tui.cli as cli\n"
        "from tui import cli_gather\n"
        "cli.cmd_tui = lambda store, args: print('argparse' in sys.modules, args.command)\n"
        "cli.main(['new', '--title', 'x'])\n"
        "cli.main(['resume'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "new", "False", "resume"]
