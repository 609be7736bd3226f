"""Credentials recognised by where they sit: URLs, headers, cookies, key/value pairs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.core.redact._engine import (
    _is_placeholder,
    _Lazy,
    _Span,
    _starts_word,
    _trim,
)

# --- Credentials in context: URLs, headers, cookies, key/value pairs --------------------------

# The password runs to the last "@" before the host: an unencoded "@" in a password still masks.
_URL_PASSWORD = _Lazy(r"""://[^\s:/?#@"'<>\\]*:(?P<s>[^\s/?#"'<>\\]+)@""")


def _find_url_password(text: str, hay: str) -> Iterator[_Span]:
    for m in _URL_PASSWORD.finditer(text):
        if not _is_placeholder(m.group("s")):
            yield m.start("s"), m.end("s"), "url-password"


# A user name of 40 or more token characters is a token used as the user (Azure DevOps and
# GitLab clone URLs); a user name is shorter, and a Sentry DSN's public key has 32.
_URL_TOKEN = _Lazy(r"://(?P<s>[A-Za-z0-9_-]{40,256}+)@")


def _find_url_token(text: str, hay: str) -> Iterator[_Span]:
    for m in _URL_TOKEN.finditer(text):
        yield m.start("s"), m.end("s"), "url-token"


_AUTH_HEADER = _Lazy(
    r"""authorization(?:\\?["'])?[ \t]*[:=][ \t]*
        \[?(?:\\?["'])?                           # a quoted value, Go's map[...:[value]]
        (?:(?P<scheme>[a-z][a-z0-9-]*)[ \t]+)?
        (?P<cred>[^\s"'\\,;\]]+)""",
    re.VERBOSE,
)
_SCHEME_KINDS = {"bearer": "bearer-token", "basic": "basic-auth"}
_SCHEMES = {"bearer", "basic", "token", "digest", "negotiate", "ntlm"}


def _find_auth_header(text: str, hay: str) -> Iterator[_Span]:
    for m in _AUTH_HEADER.finditer(hay):
        start = m.start() - 6 if hay.endswith("proxy-", 0, m.start()) else m.start()
        if not _starts_word(text, start):
            continue
        scheme = m.group("scheme") or ""
        cred = m.group("cred")
        if scheme == "digest" or cred in _SCHEMES:
            continue  # Digest's parts are not one token; a scheme alone holds no credential
        if len(cred) < 8 or _is_placeholder(text[m.start("cred") : m.end("cred")]):
            continue
        yield m.start("cred"), m.end("cred"), _SCHEME_KINDS.get(scheme, "authorization")


_BARE_BEARER = _Lazy(r"bearer[ \t]+(?P<s>[a-z0-9._~+/-]{20,}=*)")


def _find_bare_bearer(text: str, hay: str) -> Iterator[_Span]:
    for m in _BARE_BEARER.finditer(hay):
        if _starts_word(text, m.start()) and not _is_placeholder(text[m.start("s") : m.end("s")]):
            yield m.start("s"), m.end("s"), "bearer-token"


_COOKIE = _Lazy(r"""cookie(?:\\?["'])?[ \t]*[:=][ \t]*(?P<q>\\?["'])?""")
_COOKIE_NAME = _Lazy(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _find_cookies(text: str, hay: str) -> Iterator[_Span]:
    search_from = 0
    while (m := _COOKIE.search(hay, search_from)) is not None:
        search_from = m.end()
        is_set = hay.endswith("set-", 0, m.start())
        name_start = m.start() - 4 if is_set else m.start()
        if not _starts_word(text, name_start):
            continue
        start = m.end()
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        # The value ends at its closing quote: after the name ("Cookie": "a=b") or, as in
        # curl -H "Cookie: a=b", before it.
        quote = m.group("q") or (
            text[name_start - 1] if name_start and text[name_start - 1] in "\"'" else ""
        )
        if quote:
            close = text.find(quote, start, end)
            end = end if close == -1 else close
        search_from = end  # the header's value is read whole, once
        pos = start
        while pos < end:
            semi = text.find(";", pos, end)
            seg_end = end if semi == -1 else semi
            eq = text.find("=", pos, seg_end)
            if eq != -1 and _COOKIE_NAME.fullmatch(text[pos:eq].strip()):
                vstart, vend = _trim(text, eq + 1, seg_end, " \t\r\"'")
                if vstart < vend and not _is_placeholder(text[vstart:vend]):
                    yield vstart, vend, "cookie"
            if is_set:
                break  # the rest are attributes: Path, Expires, HttpOnly...
            pos = seg_end + 1


# The secret word ends the key (DB_PASSWORD, clientSecret, x-api-key); what comes before the
# word is checked in code, cheaper and safer than a regex that scans back over identifiers. One
# pattern per word, each starting with its literal, is three times faster than one alternation.
# Each word's pattern runs (and is compiled) only when the text holds every literal it needs:
# "api" is in many texts ("checkout-api"), "api" and "key" in far fewer.
_KV_WORDS = (  # (literals the pattern needs, the first its start; pattern)
    (("secret",), r"secret(?:[_.-]?access[_.-]?key|[_.-]?key(?:[_.-]?base)?)?"),
    (("account", "key"), r"account[_.-]?key"),
    (("shared", "key"), r"shared[_.-]?access[_.-]?key"),
    (("private", "key"), r"private[_.-]?key"),
    (("api", "key"), r"api[_.-]?key"),
    (("app", "key"), r"app(?:lication)?[_.-]?key"),  # Datadog's DD_APP_KEY, DD-APPLICATION-KEY
    (("pass",), r"pass(?:word|wd|phrase)?(?:[_.-]?confirmation)?"),
    (("pwd",), r"pwd"),
    (("token",), r"token"),
    (("pat",), r"pat"),  # a personal access token: AZURE_DEVOPS_EXT_PAT, GITHUB_PAT
    (("sig",), r"sig(?:nature)?"),
)
_KV_VALUE = r"""
    (?:\\?["'])?                                  # the key's closing quote
    [ \t]*(?P<sep>=>|:=|:(?!:)|=(?!=))[ \t]*
    (?:
        \\"(?P<esc>(?:[^\\\n]|\\[^"\n])*)(?:\\")?    # escaped JSON inside a log line
      | "(?P<dq>(?:[^"\\\n]|\\.)*)"?                  # a value cut short still masks
      | '(?P<sq>(?:[^'\\\n]|\\.)*)'?
      | (?P<bare>[^\s"'`,;]*)
    )
"""
_KV = tuple(
    (literals, _Lazy(f"(?P<word>{word}){_KV_VALUE}", re.VERBOSE)) for literals, word in _KV_WORDS
)
_KV_KEYWORDS = tuple(literals[0] for literals, _ in _KV_WORDS)
_SPACE = _Lazy(r"\s")
_QUERY_END = _Lazy(r"[&#]")


def _kv_kind(word: str) -> str:
    if word.startswith("secret") and "access" in word:
        return "aws-secret-access-key"
    if word.startswith(("pass", "pwd")):
        return "password"
    for prefix, kind in (
        ("private", "private-key"),
        ("api", "api-key"),
        ("app", "api-key"),
        ("sig", "signature"),
    ):
        if word.startswith(prefix):
            return kind
    return "token" if word in ("token", "pat") else "secret"


def _word_starts_key(text: str, start: int, end: int) -> bool:
    """The word begins a key or its last part: "DB_PASSWORD", "dbPassword", not "bypass"."""
    if start == 0 or not text[start - 1].isalnum():
        return True
    word = text[start:end]
    if len(word) >= 6 and word.lower().startswith("passw") and (word.isupper() or word.islower()):
        return True  # glued in one case: PGPASSWORD, dbpassword (not "bypass", "compass")
    return text[start].isupper() and (end - start < 2 or text[start + 1].islower())  # camelCase


def _key_start(text: str, word_start: int) -> int:
    """Where the key holding the word starts, its opening quote included."""
    i = word_start
    floor = max(0, word_start - 128)
    while i > floor and (text[i - 1].isalnum() or text[i - 1] in "_.-\"'"):
        i -= 1
    return i


def _at_line_start(text: str, key_start: int) -> bool:
    # A bounded look back: a long line with many pairs must not cost a scan to its start each.
    window_start = max(0, key_start - 64)
    before = text[window_start:key_start]
    newline = before.rfind("\n")
    if newline == -1 and window_start > 0:
        return False
    return before[newline + 1 :].strip() in ("", "-", "export")


def _line_value_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    comment = text.find(" #", start, end)
    end = end if comment == -1 else comment
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _find_kv(text: str, hay: str) -> Iterator[_Span]:
    for literals, rx in _KV:
        if all(literal in hay for literal in literals):
            yield from _find_kv_with(rx, text, hay)


def _find_kv_with(rx: _Lazy, text: str, hay: str) -> Iterator[_Span]:
    for m in rx.finditer(hay):
        word = m.group("word")
        if not _word_starts_key(text, m.start("word"), m.end("word")):
            continue
        name = next(g for g in ("esc", "dq", "sq", "bare") if m.group(g) is not None)
        vstart, vend = m.span(name)
        if name == "bare":
            key_start = _key_start(text, m.start("word"))
            if _at_line_start(text, key_start):
                if m.group("sep") == ":":
                    vend = _line_value_end(text, vstart)  # YAML: the rest of the line
                else:
                    space = _SPACE.search(text, vstart)  # an env file: the shell's word
                    vend = len(text) if space is None else space.start()
            elif key_start > 0 and text[key_start - 1] in "?&":
                cut = _QUERY_END.search(text, vstart, vend)  # a query string: "&" ends it
                vend = vend if cut is None else cut.start()
        value = text[vstart:vend]
        kind = _kv_kind(word)
        if not value or _is_placeholder(value):
            continue
        if kind != "password" and len(value) < 8:
            continue
        if word == "pwd" and value.startswith("/"):
            continue  # the shell's $PWD is a directory
        yield vstart, vend, kind
