"""The summary index file as tests read and forge it: its three lines (the names in JSON, their
packed keys and times in hex, the columns only shown in JSON), with the packed numbers unpacked
into one list per column (tui/core/store_index.py)."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

#: The packed columns, in the file's order, with their struct formats.
PACKED = (("mtime", "q"), ("size", "Q"), ("ino", "Q"), ("dev", "Q"), ("updated", "q"))


def load_index(path: Path) -> dict[str, Any]:
    """ "about" and one list per column of COLUMNS."""
    first, keys, shown = path.read_text(encoding="ascii").split("\n")
    data: dict[str, Any] = json.loads(first)
    raw = bytes.fromhex(keys)
    count = len(data["name"])
    for n, (column, form) in enumerate(PACKED):
        data[column] = list(struct.unpack(f"={count}{form}", raw[8 * count * n :][: 8 * count]))
    data.update(json.loads(shown))
    return data


def dump_index(data: dict[str, Any], keys: str | None = None) -> str:
    """The file's text for what load_index gave (changed or not); `keys`, the second line as
    it is instead of the packed columns."""
    if keys is None:
        keys = b"".join(struct.pack(f"={len(data[c])}{f}", *data[c]) for c, f in PACKED).hex()
    first = {"about": data["about"], "name": data["name"]}
    shown = {c: data[c] for c in ("title", "severity", "status", "unknowns")}
    return "\n".join((json.dumps(first), keys, json.dumps(shown)))
