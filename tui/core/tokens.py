"""The offline token estimate: no tokenizer is shipped or downloaded.

Tokens are counted from what tokenizers split on: runs of letters (about a word each, longer
words a little more), runs of digits (tokenizers cut numbers into groups of up to three),
punctuation, and non-Latin scripts by the character. The weights were fitted once on a corpus of
prompts, logs, stack traces, code and prose in eight languages, against the larger of the
cl100k and o200k counts, to err long: tests/data/token_corpus holds the corpus, its real counts,
and the test that holds every sample within -3 % and +25 %.
"""

from __future__ import annotations

import math
import re
import string

#: Per run of ASCII letters, and per letter in it.
PER_WORD = 1.02
PER_LETTER = 0.071
#: Per run of digits.
PER_NUMBER = 1.94
#: Per ASCII punctuation character.
PER_PUNCTUATION = 0.435
#: Per character of Chinese, Japanese or Korean script, of Cyrillic, and of anything else that
#: is not ASCII (accented letters, symbols, emoji).
PER_CJK = 1.19
PER_CYRILLIC = 0.615
PER_OTHER = 0.99

#: Bytes of UTF-8 per estimated token on log-heavy text: the densest common case, used to turn a
#: token allowance into a first guess of bytes (the fitting loop corrects it).
BYTES_PER_TOKEN = 2.5

_LETTERS = string.ascii_letters.encode()
_DIGITS = string.digits.encode()
_PUNCTUATION = string.punctuation.encode()
# Letters become "a", digits "0", everything else a space: a run starts at each " a" or " 0".
_CLASSES = bytes(97 if b in _LETTERS else 48 if b in _DIGITS else 32 for b in range(256))
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def estimate_tokens(text: str) -> int:
    if not text:
        return 0
    data = text.encode() if text.isascii() else text.encode("utf-8", "surrogatepass")
    classes = b" " + data.translate(_CLASSES)
    words = classes.count(b" a") + classes.count(b"0a")
    numbers = classes.count(b" 0") + classes.count(b"a0")
    letters = classes.count(b"a")
    punctuation = len(data) - len(data.translate(None, _PUNCTUATION))
    estimate = (
        PER_WORD * words
        + PER_LETTER * letters
        + PER_NUMBER * numbers
        + PER_PUNCTUATION * punctuation
    )
    if not text.isascii():
        cjk = len(_CJK.findall(text))
        cyrillic = len(_CYRILLIC.findall(text))
        other = len(_NON_ASCII.findall(text)) - cjk - cyrillic
        estimate += PER_CJK * cjk + PER_CYRILLIC * cyrillic + PER_OTHER * other
    return math.ceil(estimate)
