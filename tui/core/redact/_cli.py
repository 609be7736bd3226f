"""Credentials on command lines: flags, database clients."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.core.redact._context import _kv_kind
from tui.core.redact._engine import (
    _is_placeholder,
    _Lazy,
    _OnLine,
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
_MYSQL_P = _Lazy(r"[ \t]-p(?P<s>[^\s\"'`;|&<>]+)")
_MYSQL = re.compile(r"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b")

# Oracle's tools take "user/password@database" ("sqlplus scott/tiger@orcl").
_ORACLE_LOGIN = _Lazy(r"""[ \t]['"]?[a-z0-9_$#.]{1,128}+/(?P<s>[^\s/@'"]{1,128}+)@""")
_ORACLE = re.compile(r"\b(?:sqlplus|rman|expdp|impdp|sqlldr)\b")

_DATABASE_CLIENTS = ("mysql", "mariadb", "sqlplus", "rman", "expdp", "impdp", "sqlldr")


def _find_flags(text: str, hay: str) -> Iterator[_Span]:
    for m in _FLAG.finditer(hay):
        # Checked here, not by a look-behind: a pattern that starts with its literal is found
        # by a fast search (a look-behind first made scanning a big log slow).
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
    # The option is found first, then the program earlier on its line (see _OnLine).
    for rx, program in ((_MYSQL_P, _MYSQL), (_ORACLE_LOGIN, _ORACLE)):
        on_line = _OnLine(hay, program)
        for m in rx.finditer(hay):
            if not on_line.before(m.start()):
                continue
            start, end = m.span("s")
            if not _is_placeholder(text[start:end]):
                yield start, end, "password"


# --- Options that take a password as their next word, for one program --------------------------
#
# Found from the option, then the program's name earlier on the same line (_OnLine).

_VALUE = r"""(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s"'`;|&<>]+))"""
# curl -u user:password, --user user:password, -uuser:password: the password is after the
# first ":" (curl -u user alone prompts for it).
_CURL_USER = _Lazy(r"""[ \t](?:-u[ \t]*|--user[ \t=]+)(?:"|')?[^\s:"']*:(?P<s>[^\s"']+)""")
_REDIS_A = _Lazy(r"[ \t]-a[ \t]+" + _VALUE)
_SSHPASS_P = _Lazy(r"[ \t]-p[ \t]*" + _VALUE)
_VAULT_LOGIN = _Lazy(r"vault[ \t]+login\b(?P<args>[^\n|;&]*)")
_ENV_PASSWORD = _Lazy(r"(?:sshpass|rediscli_auth)=" + _VALUE)

_CURL = re.compile(r"\bcurl\b")
_REDIS_CLI = re.compile(r"\bredis-cli\b")
_SSHPASS = re.compile(r"\bsshpass\b")


def _value_span(m: re.Match[str]) -> tuple[int, int]:
    name = next(g for g in ("dq", "sq", "bare", "s") if g in m.re.groupindex and m.group(g))
    return m.span(name)


def _find_program_options(text: str, hay: str) -> Iterator[_Span]:
    for rx, program, keyword in (
        (_CURL_USER, _CURL, "curl"),
        (_REDIS_A, _REDIS_CLI, "redis-cli"),
        (_SSHPASS_P, _SSHPASS, "sshpass"),
    ):
        if keyword not in hay:
            continue
        on_line = _OnLine(hay, program)
        for m in rx.finditer(hay):
            if not any(m.group(g) for g in m.re.groupindex):
                continue
            if not on_line.before(m.start()):
                continue
            start, end = _value_span(m)
            if not _is_placeholder(text[start:end]):
                yield start, end, "password"


def _find_env_passwords(text: str, hay: str) -> Iterator[_Span]:
    # Programs that read a password from their own variable: SSHPASS=… sshpass -e,
    # REDISCLI_AUTH=… redis-cli. (PGPASSWORD, MYSQL_PWD: the key/value rule.)
    for m in _ENV_PASSWORD.finditer(hay):
        if not _starts_token(hay, m.start()):
            continue
        start, end = _value_span(m)
        if start < end and not _is_placeholder(text[start:end]):
            yield start, end, "password"


# `vault login TOKEN` or `vault login token=TOKEN`: other arguments are flags (-method=oidc)
# or an auth method's key=value pairs (username=alice), which are not the token.
_VAULT_ARG = _Lazy(r"[^\s\"']+")
_VAULT_SWITCHES = frozenset({"no-print", "no-store", "non-interactive", "h", "help"})


def _find_vault_login(text: str, hay: str) -> Iterator[_Span]:
    for m in _VAULT_LOGIN.finditer(hay):
        if not _starts_token(hay, m.start()):
            continue
        flag_value = False  # the previous argument was a flag that takes the next one
        for arg in _VAULT_ARG.finditer(text, m.start("args"), m.end("args")):
            value = arg.group()
            start = arg.start()
            after_flag = flag_value
            flag_value = value.startswith("-") and "=" not in value
            flag_value = flag_value and value.lstrip("-") not in _VAULT_SWITCHES
            if after_flag:
                continue  # --token VALUE: the flags rule's
            if value.lower().startswith("token="):
                start += 6
            elif value.startswith("-") or "=" in value:
                continue
            if arg.end() - start >= 8 and not _is_placeholder(text[start : arg.end()]):
                yield start, arg.end(), "vault-token"
            break  # one token per login
