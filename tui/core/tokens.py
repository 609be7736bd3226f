"""The offline token estimate: no tokenizer is shipped or downloaded."""

from __future__ import annotations

import math

#: One token per 3.5 bytes of UTF-8.
BYTES_PER_TOKEN = 3.5


def utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def estimate_tokens(text: str) -> int:
    return math.ceil(utf8_len(text) / BYTES_PER_TOKEN)
