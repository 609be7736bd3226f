"""Files a store meets besides incidents, for the tests of what it does with them."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tui.core.session import SessionStore


def leave_half_saves(store: SessionStore, path: Path) -> tuple[Path, Path]:
    """What two saves of `path` killed mid-write leave (".<name>.toml.<random>.tmp"): an old
    one, past the store's age for removal, and a fresh one. Returns (old, fresh)."""
    old = path.parent / f".{path.name}.k1Zq.tmp"
    fresh = path.parent / f".{path.name}.x9Yw.tmp"
    for leftover in (old, fresh):
        leftover.write_text("title = 'half a save", encoding="utf-8")
    hour_ago = time.time() - store.STALE_TEMP_SECONDS - 60
    os.utime(old, (hour_ago, hour_ago))
    return old, fresh
