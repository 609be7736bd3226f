"""What the CLI's full parser makes of an argv, for the tests of the commands that read their
simple arguments without it (render; incident-tui, new and resume)."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Sequence
from typing import TypeVar

from tui.cli import build_parser

Parsed = TypeVar("Parsed")


def argparse_reading(
    argv: list[str], convert: Callable[[argparse.Namespace], Parsed]
) -> Parsed | str:
    """The arguments as argparse reads them (through `convert`), or the first line of its error
    ("exit" when it exits, as for -h)."""
    try:
        return convert(build_parser().parse_args(argv))
    except SystemExit:
        return "exit"
    except Exception as exc:  # noqa: BLE001 - UsageError: the message is compared
        return str(exc)


def accepted_as_argparse_reads(
    command: list[str],
    pieces: Sequence[list[str]],
    count: int,
    quick: Callable[[list[str]], Parsed | None],
    convert: Callable[[argparse.Namespace], Parsed],
) -> int:
    """Every argv of `command` and `count` of `pieces` that `quick` reads is read so by argparse
    too (the rest is left to argparse, whatever it says); how many it read."""
    accepted = 0
    for combo in itertools.permutations(pieces, count):
        argv = [*command, *itertools.chain.from_iterable(combo)]
        read = quick(argv)
        if read is None:
            continue
        accepted += 1
        assert read == argparse_reading(argv, convert), argv
    return accepted
