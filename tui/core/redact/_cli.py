"""Credentials on command lines: flags, database clients."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.core.redact._context import _kv_kind
from tui.core.redact._engine import (
    _is_placeholder,
    _Lazy,
    _Span,
    _starts_token,
)

# --- Command lines ----------------------------------------------------------------------------

# A secret given as a flag's next word ("--password hunter2", "--api-key 'k…'"), which the
# key/value rule does not see (no "=" or ":"). The flag's name must end with the secret word:
# --password-file and --token-ttl name something else. Matched on the lowercased text.
_FLAG = _Lazy(
    r"""--(?P<name>[a-z0-9-]*?)
        (?P<word>password|passwd|passphrase|pass|pwd|secret|token|api-?key)
        [ \t]+(?!-)
        (?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s"'`;|&<>]+))
    """,
    re.VERBOSE,
)
# MySQL's client takes its password glued to -p ("mysql -uroot -phunter2"); -p alone prompts.
_MYSQL_P = _Lazy(
    r"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n]*?[ \t]-p(?P<s>[^\s\"'`;|&<>]+)"
)

# Oracle's tools take "user/password@database" ("sqlplus scott/tiger@orcl").
_ORACLE_LOGIN = _Lazy(
    r"""\b(?:sqlplus|rman|expdp|impdp|sqlldr)\b[^\n]*?[ \t]['"]?[a-z0-9_$#.]+/(?P<s>[^\s/@'"]+)@"""
)

_DATABASE_CLIENTS = ("mysql", "mariadb", "sqlplus", "rman", "expdp", "impdp", "sqlldr")


def _find_flags(text: str, hay: str) -> Iterator[_Span]:
    for m in _FLAG.finditer(hay):
        # Checked here, not by a look-behind: a pattern that starts with its literal is found
        # by a fast search (a look-behind first made a scan of 5 MB take ~75 ms).
        if not _starts_token(text, m.start()) or m.group("name").startswith("no-"):
            continue  # inside a word ("a--password"), or --no-password, which takes no value
        name = next(g for g in ("dq", "sq", "bare") if m.group(g) is not None)
        start, end = m.span(name)
        value = text[start:end]
        if not value or _is_placeholder(value):
            continue
        kind = _kv_kind(m.group("word"))
        if kind != "password" and len(value) < 8:
            continue
        yield start, end, kind


def _find_database_logins(text: str, hay: str) -> Iterator[_Span]:
    for rx in (_MYSQL_P, _ORACLE_LOGIN):
        for m in rx.finditer(hay):
            start, end = m.span("s")
            if not _is_placeholder(text[start:end]):
                yield start, end, "password"
