"""The summary index file as tests read and forge it: its two lines of JSON, with the packed
keys and times unpacked into one list per column (tui/core/store_index.py)."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

#: The packed columns, in the file's order, with their struct formats.
PACKED = (("mtime", "q"), ("size", "Q"), ("ino", "Q"), ("dev", "Q"), ("updated", "q"))


def load_index(path: Path) -> dict[str, Any]:
    """ "about" and one list per column of COLUMNS."""
    first, second = path.read_text(encoding="ascii").split("\n")
    data: dict[str, Any] = json.loads(first)
    raw = bytes.fromhex(data.pop("keys"))
    count = len(data["name"])
    for n, (column, form) in enumerate(PACKED):
        data[column] = list(struct.unpack(f"={count}{form}", raw[8 * count * n :][: 8 * count]))
    data.update(json.loads(second))
    return data


def dump_index(data: dict[str, Any]) -> str:
    """The file's text for what load_index gave (changed or not). A "keys" value, when there
    is one, is written as it is instead of the packed columns."""
    data = dict(data)
    packed = b"".join(struct.pack(f"={len(data[c])}{form}", *data[c]) for c, form in PACKED)
    keys = data.pop("keys", packed.hex())
    first = {"about": data["about"], "name": data["name"], "keys": keys}
    second = {c: data[c] for c in ("title", "severity", "status", "unknowns")}
    return json.dumps(first) + "\n" + json.dumps(second)
