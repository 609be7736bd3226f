"""The arguments of the commands that open the terminal UI (none, `new`, `resume`).

Their simple forms are read here without argparse, whose import and parser take a tenth of the
time to the first frame; anything else (help, errors, unusual forms) goes to argparse. What is
accepted here is parsed as argparse parses it (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import argparse

#: `new`'s options that take a value.
NEW_OPTIONS = ("--title", "--profile")


class UiArgs(NamedTuple):
    command: str | None = None
    session: str | None = None
    title: str = ""
    profile: str | None = None

    @classmethod
    def of(cls, args: argparse.Namespace) -> UiArgs:
        """The same, as the full parser read them."""
        return cls(
            args.command,
            getattr(args, "session", None),
            getattr(args, "title", ""),
            getattr(args, "profile", None),
        )


def quick_ui_parse(argv: Sequence[str]) -> UiArgs | None:
    """The arguments when they take only the simple forms; None sends them to argparse."""
    if not argv:
        return UiArgs()
    command, rest = argv[0], list(argv[1:])
    if command == "resume":
        if not rest:
            return UiArgs("resume")
        if len(rest) == 1 and not rest[0].startswith("-"):
            return UiArgs("resume", session=rest[0])
        return None
    if command != "new":
        return None
    found: dict[str, str] = {}
    while rest:
        option = rest.pop(0)
        if option not in NEW_OPTIONS or not rest or rest[0].startswith("-"):
            return None
        found[option.removeprefix("--")] = rest.pop(0)
    return UiArgs("new", **found)
