"""Where a service profile is: the nearest `.incident-tui.toml` in a directory or above it.

Apart from tui.core.profiles, which reads and runs profiles, so that `incident-tui new` looks
for one without importing the TOML parser and the command runner when there is none.
"""

from __future__ import annotations

import os
from pathlib import Path

from tui.core.errors import IncidentTuiError

PROFILE_NAME = ".incident-tui.toml"


class ProfileError(IncidentTuiError):
    """A profile that cannot be used: `path:line: why`, one line."""


def find_profile(start: Path) -> Path | None:
    """The nearest .incident-tui.toml in `start` or a directory above it."""
    start = start.absolute()
    for directory in (start, *start.parents):
        candidate = directory / PROFILE_NAME
        if os.path.lexists(candidate):
            return candidate
    return None
