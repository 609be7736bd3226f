"""What masking does, as a session chooses it: the options alone, cheap to import.

The rules themselves live in tui.core.redact, which compiles dozens of patterns when imported; the
session file, `incident-tui list` and the app's start-up need only these options.
"""

from __future__ import annotations

from typing import NamedTuple


class RedactOptions(NamedTuple):
    #: Mask email addresses.
    emails: bool = True
    #: Mask IPv4/IPv6 addresses (off by default: they are often the clue).
    ips: bool = False
    #: Fingerprints of values the user un-masked (false positives).
    allow: frozenset[str] = frozenset()
