"""Mask secrets and personal data in incident text before it leaves the app.

Incident text (logs, configs, curl commands) carries credentials and customer data. Everything
that leaves the app (clipboard, export, ``render`` to stdout) goes through a `Redactor` first.
The session file keeps what the user typed; masking happens on the way out.

A mask is a typed, stable label: ``[REDACTED:github-token#1]``. Within one `Redactor` the same
secret text always gets the same label, in any field, so the agent can still see that two log
lines used the same key. Where a secret sits in a pair, only the value is masked
(``password=[REDACTED:password#1]``, ``Authorization: Bearer [REDACTED:bearer-token#1]``,
``postgres://app:[REDACTED:url-password#1]@db:5432/x``): the key names are what the agent needs.

Choices made here (each keeps a debugging clue or avoids a leak; tests pin them):

- Rules run in priority order and the first to claim a stretch of text keeps it: private-key
  blocks, then tokens with a known prefix (so ``Authorization: Bearer ghp_…`` is labelled
  ``github-token``, the more useful kind), then URL passwords, headers, cookies, key/value pairs,
  card numbers, emails and IP addresses.
- A label's kind is fixed by the first sighting of that secret text; a later sighting by another
  rule reuses the label, so the same text never gets two labels.
- ``options.allow`` holds fingerprints the user un-masked. Such a value stays in the text, and is
  still recorded, as a `Finding` with ``masked=False``, so a UI can offer to mask it again. It keeps
  its label number, so un-masking one value never renumbers the others.
- Key/value pairs: the key must end in a secret word (``DB_PASSWORD``, ``clientSecret``,
  ``x-api-key``, ``access_token``), so ``token_count=42`` or ``max_tokens`` are not secrets. No
  mask for an empty value, a placeholder (``***``, ``xxx``, ``<redacted>``, ``${DB_PASSWORD}``,
  ``{{ .Values.x }}``, ``null``, ``true``, an earlier ``[REDACTED:…]`` label) or a number of at
  most three digits. Token, secret, API-key and signature values shorter than 8 characters are
  left too: real ones are longer, and "token: expired" is a clue the agent needs. Passwords are
  masked at any length.
- A YAML-style ``key: value`` at the start of a line masks the value up to the end of the line
  (less a `` #`` comment); ``KEY=value`` at the start of a line (env files) up to whitespace;
  in a query string (the key follows ``?`` or ``&``) at ``&``; elsewhere (log lines, connection
  strings) at whitespace, a quote, ``;`` or ``,``.
- ``Authorization`` credentials and bare ``Bearer`` tokens need 8 and 20 characters respectively,
  so prose such as "authorization: failed for user" is left alone. Digest credentials are not
  parsed (their parts are not one token).
- Cookies: every value of a ``Cookie`` header, only the cookie's own value of a ``Set-Cookie``
  (the attributes stay); cookie names stay.
- Card numbers must pass Luhn and start with 2-6, as the major networks' do (epoch timestamps
  start with 1). Unseparated, only 15 or 16 digits count, so 13-digit epoch millis and 19-digit
  ids are never cards; separated by single spaces or dashes (the same one throughout, a first
  group of four), 13 to 19 digits count.
- Emails: not a URL's user name (``https://deploy@host``) nor a git remote
  (``git@github.com:org/repo``).
- IP addresses (when ``ips`` is on) skip loopback and unspecified addresses: ``127.0.0.1`` and
  ``0.0.0.0`` identify nobody and say where a service listens.
- Private keys: the whole BEGIN…END block. A block cut short (a trimmed log) is masked from its
  BEGIN to the last base64 line, and the base64 lines before an END whose BEGIN is gone too.
- Certificates and public keys are not secrets and are left alone. No entropy guessing anywhere.

Every pattern avoids nested quantifiers over overlapping classes, and each rule has a cheap
substring pre-check, so a multi-megabyte log is masked in a fraction of a second.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tui.core.masking import RedactOptions

__all__ = ["KINDS", "Finding", "RedactOptions", "Redactor", "fingerprint"]


@dataclass(frozen=True)
class Finding:
    #: What was found, e.g. "github-token", "password", "card-number".
    kind: str
    #: The mask text, e.g. "[REDACTED:github-token#1]".
    label: str
    #: The field key the value came from, e.g. "error_logs".
    where: str
    #: `fingerprint` of the secret: lets the user un-mask it without anyone storing it.
    fingerprint: str
    #: A safe hint such as "ghp_…a1": at most 4 leading and 2 trailing characters, and never more
    #: than a third of the secret.
    preview: str
    #: False when the value's fingerprint is in `RedactOptions.allow` and it was left as is.
    masked: bool = True


#: Every kind a `Finding` (and so a label) can have.
KINDS: frozenset[str] = frozenset(
    {
        # Tokens recognised by their shape
        "private-key",
        "jwt",
        "aws-access-key-id",
        "github-token",
        "gitlab-token",
        "slack-token",
        "slack-webhook",
        "openai-api-key",
        "anthropic-api-key",
        "google-api-key",
        "stripe-key",
        "npm-token",
        "pypi-token",
        # Credentials recognised by where they sit
        "url-password",
        "bearer-token",
        "basic-auth",
        "authorization",
        "cookie",
        "password",
        "secret",
        "token",
        "api-key",
        "aws-secret-access-key",
        "signature",
        # Customer data
        "card-number",
        "email",
        "ip",
    }
)


def fingerprint(secret: str) -> str:
    """A stable, non-reversible id for a secret: "sha256:" and the digest's first 16 hex digits."""
    import hashlib  # here: only a prompt with a finding needs it, and `render` starts sooner

    digest = hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{digest[:16]}"


_DEFAULT_OPTIONS = RedactOptions()


class Redactor:
    """One per rendered prompt: the same secret always gets the same label within it."""

    def __init__(self, options: RedactOptions = _DEFAULT_OPTIONS) -> None:
        self._options = options
        self._rules = _rules_for(options)
        self._labels: dict[str, tuple[str, str]] = {}  # fingerprint -> (kind, label)
        self._counts: dict[str, int] = {}
        self._findings: list[Finding] = []

    @property
    def options(self) -> RedactOptions:
        return self._options

    @property
    def findings(self) -> list[Finding]:
        """One entry per occurrence, in the order met (masked or allowed)."""
        return list(self._findings)

    def redact(self, text: str, where: str) -> str:
        """The text with every secret replaced by its label; findings are recorded."""
        spans = _scan(text, self._rules)
        if not spans:
            return text
        out: list[str] = []
        pos = 0
        for start, end, kind in spans:
            secret = text[start:end]
            fp = fingerprint(secret)
            kind, label = self._label(fp, kind)
            masked = fp not in self._options.allow
            self._findings.append(Finding(kind, label, where, fp, _preview(secret), masked))
            out.append(text[pos:start])
            out.append(label if masked else secret)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _label(self, fp: str, kind: str) -> tuple[str, str]:
        known = self._labels.get(fp)
        if known is not None:
            return known
        number = self._counts.get(kind, 0) + 1
        self._counts[kind] = number
        known = (kind, f"[REDACTED:{kind}#{number}]")
        self._labels[fp] = known
        return known


def _preview(secret: str) -> str:
    budget = len(secret) // 3
    tail = min(2, budget // 2)
    head = min(4, budget - tail)
    return secret[:head] + "…" + (secret[len(secret) - tail :] if tail else "")


# --- The scan ---------------------------------------------------------------------------------
#
# Speed: Python's re finds a pattern fast when it starts with a literal ("ghp_", "eyJ", "@") and
# slowly when it starts with a lookbehind or re.IGNORECASE. So patterns start with their literal,
# boundaries are checked in code, and case-insensitive rules match lowercase patterns against the
# lowercased text. Each rule also has a substring pre-check that skips its pass altogether.

_Span = tuple[int, int, str]  # start, end, kind


class _Lazy:
    """A regular expression compiled on first use. Compiling every rule took ~5 ms at import,
    a third of `incident-tui render` beyond its baseline, and most rules never run on a given
    incident (their keywords are absent)."""

    __slots__ = ("_flags", "_pattern", "_rx")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._rx: re.Pattern[str] | None = None

    @property
    def rx(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = re.compile(self._pattern, self._flags)
        return self._rx

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.rx.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.rx.fullmatch(text, pos, endpos)


@dataclass(frozen=True)
class _Rule:
    #: Called with the text and the haystack to match in: the text itself, or for a `fold` rule
    #: the text lowercased (same length, so offsets agree). Spans are offsets into the text.
    find: Callable[[str, str], Iterator[_Span]]
    #: The rule can only match text holding one of these. Empty: always run.
    keywords: tuple[str, ...] = ()
    #: Match the lowercased text with lowercase patterns.
    fold: bool = False


def _fold(text: str) -> str:
    # U+0130 is the one character whose lowercase is two characters long.
    return text.replace("\u0130", "i").lower()


def _scan(text: str, rules: tuple[_Rule, ...]) -> list[_Span]:
    """Non-overlapping spans, sorted; a stretch claimed by an earlier rule is not taken again."""
    folded: str | None = None
    claimed: bytearray | None = None
    spans: list[_Span] = []
    for rule in rules:
        hay = text
        if rule.fold:
            folded = _fold(text) if folded is None else folded
            hay = folded
        if rule.keywords and not any(k in hay for k in rule.keywords):
            continue
        for start, end, kind in rule.find(text, hay):
            if claimed is None:
                claimed = bytearray(len(text))
            if claimed.find(1, start, end) != -1:
                continue
            claimed[start:end] = b"\x01" * (end - start)
            spans.append((start, end, kind))
    spans.sort()
    return spans


_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _starts_token(text: str, start: int) -> bool:
    """Not the tail of a longer token ("xghp_…", "task-…")."""
    return start == 0 or text[start - 1] not in _TOKEN_CHARS


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def _regex_rule(kind: str, pattern: str, keywords: tuple[str, ...], group: str = "") -> _Rule:
    """A token found by its shape alone. `group`, if given, is the part that is secret."""
    rx = _Lazy(pattern, re.VERBOSE)

    def find(text: str, hay: str) -> Iterator[_Span]:
        for m in rx.finditer(hay):
            if _starts_token(text, m.start()):
                start, end = m.span(group) if group else m.span()
                yield start, end, kind

    return _Rule(find, keywords)


# --- Placeholders: values that are not secrets ------------------------------------------------

_PLACEHOLDER = _Lazy(
    r"""
      [*xX#•._-]*                   # ***, xxxx, ..., ---
    | <[^<>\n]*>                    # <redacted>, <your-password>
    | \$\{[^}\n]*\}                 # ${DB_PASSWORD}
    | \$[A-Za-z_][A-Za-z0-9_]*      # $DB_PASSWORD
    | %[A-Za-z_][A-Za-z0-9_]*%      # %DB_PASSWORD%
    | \{\{[^\n]*\}\}                # {{ .Values.password }}
    | %(?:\([A-Za-z0-9_]*\))?s      # %s, %(password)s
    | \[[A-Za-z0-9\ _:\#.-]*\]      # [REDACTED], [FILTERED], our own labels
    | (?i:redacted|masked|hidden|filtered|removed|null|none|nil|undefined|true|false|deleted)
    | [0-9]{1,3}                    # counts and flags, not secrets
    | [|>][+-]?                     # a YAML block scalar: the value is on the next lines
    """,
    re.VERBOSE,
)


def _is_placeholder(value: str) -> bool:
    # A value that starts with one of our labels was masked already ("[REDACTED:jwt#1]\\n").
    return value.startswith("[REDACTED:") or _PLACEHOLDER.fullmatch(value) is not None


# --- Private keys -----------------------------------------------------------------------------

_PEM_LABEL = r"((?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?)"
_PEM_BEGIN = _Lazy(f"-----BEGIN {_PEM_LABEL}-----")
_PEM_END = _Lazy(f"-----END {_PEM_LABEL}-----")
# A key cut short (a trimmed log, a truncated paste): mask the base64 that follows, across real
# newlines only while the next line is pure base64, and across escaped "\n" in a JSON string.
_PEM_REST = _Lazy(r"(?:\\[nr]|[A-Za-z0-9+/=]|\r?\n[ \t]*(?=[A-Za-z0-9+/=]+\r?$))*", re.MULTILINE)
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_BASE64_LINE = _Lazy(r"[ \t]*[A-Za-z0-9+/=]+\r?")
# The largest PEM keys (RSA 8192, with headers) are under 7 KB.
_PEM_MAX = 20_000


def _find_pem(text: str, hay: str) -> Iterator[_Span]:
    for m in _PEM_BEGIN.finditer(text):
        end_marker = f"-----END {m.group(1)}-----"
        close = text.find(end_marker, m.end(), m.end() + _PEM_MAX)
        if close != -1:
            end = close + len(end_marker)
        else:
            rest = _PEM_REST.match(text, m.end())
            end = rest.end() if rest else m.end()
        yield m.start(), end, "private-key"
    # An END whose BEGIN was cut off (a log trimmed in the middle of a key): mask the base64
    # before it. An END of a whole block overlaps that block's span and is dropped by the scan.
    for m in _PEM_END.finditer(text):
        yield _pem_body_start(text, m.start()), m.end(), "private-key"


def _pem_body_start(text: str, end_marker: int) -> int:
    i = end_marker
    floor = max(0, end_marker - _PEM_MAX)
    while i > floor:
        if text[i - 2 : i] in ("\\n", "\\r"):
            i -= 2  # an escaped newline in a JSON string
        elif text[i - 1] in _BASE64:
            i -= 1
        elif text[i - 1] == "\n":
            line_start = text.rfind("\n", floor, i - 1) + 1
            if not _BASE64_LINE.fullmatch(text, line_start, i - 1):
                break
            i = line_start
        else:
            break
    return i


# --- Tokens with a known shape ----------------------------------------------------------------

_STRIPE = _Lazy(r"_(?:live|test)_[A-Za-z0-9]{10,}")


def _find_stripe(text: str, hay: str) -> Iterator[_Span]:
    # Publishable pk_ keys are public by design, but masking them costs the agent nothing.
    for m in _STRIPE.finditer(text):
        start = m.start() - 2
        if text[start : m.start()] in ("sk", "rk", "pk") and _starts_token(text, start):
            yield start, m.end(), "stripe-key"


_TOKEN_RULES: tuple[_Rule, ...] = (
    # The lookbehind rejects an "eyJ" inside a longer token at once: without it, a long run of
    # "eyJeyJ…" would be scanned again from each of its starts.
    _regex_rule(
        "jwt",
        r"eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{5,}+\.eyJ[A-Za-z0-9_-]{5,}+\.[A-Za-z0-9_-]*",
        ("eyJ",),
    ),
    _regex_rule("anthropic-api-key", r"sk-ant-[A-Za-z0-9_-]{20,}", ("sk-ant-",)),
    _regex_rule(
        "openai-api-key",
        r"""sk-(?!ant-)(?:
            (?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}
          | [A-Za-z0-9]{20,}T3BlbkFJ[A-Za-z0-9]{20,}
          | [A-Za-z0-9]{32,}(?![A-Za-z0-9_-]))""",
        ("sk-",),
    ),
    _regex_rule(
        "github-token",
        r"(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})(?![A-Za-z0-9_-])",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _regex_rule(
        "gitlab-token",
        r"""gl(?:pat|ptt|dt|rt|cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{9})?
          | GR1348941[A-Za-z0-9_-]{20,}""",
        (
            "glpat-",
            "glptt-",
            "gldt-",
            "glrt-",
            "glcbt-",
            "glft-",
            "glimt-",
            "gloas-",
            "glsoat-",
            "glagent-",
            "GR1348941",
        ),
    ),
    # Only the part after /services/ is secret; the host says what it is.
    _regex_rule(
        "slack-webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9_/+-]{20,})",
        ("hooks.slack.com/",),
        group="s",
    ),
    _regex_rule(
        "slack-token",
        r"""xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{40,}
          | xox[abeoprs]-[A-Za-z0-9-]{10,}
          | xapp-[0-9]-[A-Za-z0-9-]{10,}""",
        ("xox", "xapp-"),
    ),
    _Rule(_find_stripe, ("_live_", "_test_")),
    _regex_rule("stripe-key", r"whsec_[A-Za-z0-9]{24,}", ("whsec_",)),
    _regex_rule("npm-token", r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_-])", ("npm_",)),
    # "AgE" starts the macaroon of both pypi.org and test.pypi.org tokens.
    _regex_rule("pypi-token", r"pypi-AgE[A-Za-z0-9_-]{50,}", ("pypi-AgE",)),
    _regex_rule("google-api-key", r"AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])", ("AIza",)),
    _regex_rule(
        "aws-access-key-id",
        r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
    ),
)

# --- Credentials in context: URLs, headers, cookies, key/value pairs --------------------------

# The password runs to the last "@" before the host: an unencoded "@" in a password still masks.
_URL_PASSWORD = _Lazy(r"""://[^\s:/?#@"'<>\\]*:(?P<s>[^\s/?#"'<>\\]+)@""")


def _find_url_password(text: str, hay: str) -> Iterator[_Span]:
    for m in _URL_PASSWORD.finditer(text):
        if not _is_placeholder(m.group("s")):
            yield m.start("s"), m.end("s"), "url-password"


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


def _trim(text: str, start: int, end: int, chars: str) -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


# The secret word ends the key (DB_PASSWORD, clientSecret, x-api-key); what comes before the
# word is checked in code, cheaper and safer than a regex that scans back over identifiers. One
# pattern per word, each starting with its literal, is three times faster than one alternation.
_KV_WORDS = (  # (literal start, pattern)
    ("secret", r"secret(?:[_.-]?access[_.-]?key|[_.-]?key(?:[_.-]?base)?)?"),
    ("account", r"account[_.-]?key"),
    ("shared", r"shared[_.-]?access[_.-]?key"),
    ("private", r"private[_.-]?key"),
    ("api", r"api[_.-]?key"),
    ("pass", r"pass(?:word|wd|phrase)?(?:[_.-]?confirmation)?"),
    ("pwd", r"pwd"),
    ("token", r"token"),
    ("sig", r"sig(?:nature)?"),
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
    (literal, _Lazy(f"(?P<word>{word}){_KV_VALUE}", re.VERBOSE)) for literal, word in _KV_WORDS
)
_KV_KEYWORDS = tuple(literal for literal, _ in _KV_WORDS)
_SPACE = _Lazy(r"\s")
_QUERY_END = _Lazy(r"[&#]")


def _kv_kind(word: str) -> str:
    if word.startswith("secret") and "access" in word:
        return "aws-secret-access-key"
    if word.startswith(("pass", "pwd")):
        return "password"
    for prefix, kind in (("private", "private-key"), ("api", "api-key"), ("sig", "signature")):
        if word.startswith(prefix):
            return kind
    return "token" if word == "token" else "secret"


def _word_starts_key(text: str, start: int, end: int) -> bool:
    """The word begins a key or its last part: "DB_PASSWORD", "dbPassword", not "bypass"."""
    if start == 0 or not text[start - 1].isalnum():
        return True
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
    for keyword, rx in _KV:
        if keyword in hay:
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


# --- Card numbers -----------------------------------------------------------------------------

# At least 13 digits, single spaces or dashes between them; which groups form a card is decided in
# code. Not inside a word, a decimal, a dotted or dashed id, nor after "+" (a phone number).
_CARD_RUN = _Lazy(
    r"[0-9](?<![\w+/][0-9])(?<![0-9][.,-][0-9])(?:[ -]?[0-9]){12,}(?![\w+/]|[.,][0-9])"
)
_GROUP = _Lazy(r"[0-9]+")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_end(text: str, groups: list[tuple[int, int]], i: int) -> int:
    """The end of the longest card number starting at group i, or 0."""
    start, end = groups[i]
    if text[start] not in "23456":
        return 0  # the major networks start with 2-6; timestamps with 1
    if end - start in (15, 16):
        return end if _luhn_ok(text[start:end]) else 0
    if end - start != 4:
        return 0
    # Groups of 3 to 6 digits joined by the same separator, 13 to 19 digits in all.
    separator = text[end] if end < len(text) else ""
    digits = text[start:end]
    candidates: list[tuple[int, str]] = []
    for g_start, g_end in groups[i + 1 : i + 5]:
        if text[g_start - 1] != separator or not 3 <= g_end - g_start <= 6:
            break
        digits += text[g_start:g_end]
        if len(digits) > 19:
            break
        if len(digits) >= 13:
            candidates.append((g_end, digits))
    for g_end, number in reversed(candidates):
        if _luhn_ok(number):
            return g_end
    return 0


def _find_cards(text: str, hay: str) -> Iterator[_Span]:
    for run in _CARD_RUN.finditer(text):
        groups = [m.span() for m in _GROUP.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(groups):
            end = _card_end(text, groups, i)
            if end:
                yield groups[i][0], end, "card-number"
                while i < len(groups) and groups[i][0] < end:
                    i += 1
            else:
                i += 1


# --- Personal data ----------------------------------------------------------------------------

# Found from its "@"; the local part is read backwards in code. Not a git remote
# ("git@github.com:org/repo").
_EMAIL_DOMAIN = _Lazy(r"@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-]|\.[A-Za-z0-9]|:[\w~/])")
_EMAIL_LOCAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")


def _find_emails(text: str, hay: str) -> Iterator[_Span]:
    for m in _EMAIL_DOMAIN.finditer(text):
        at = m.start()
        start = at
        floor = max(0, at - 64)
        while start > floor and text[start - 1] in _EMAIL_LOCAL:
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        if start == at or (start > 0 and (text[start - 1].isalnum() or text[start - 1] in "/_")):
            continue  # no local part, a run too long to be one, or a URL's user ("//user@host")
        yield start, m.end(), "email"


_IPV4 = _Lazy(r"[0-9](?<![\w.][0-9])[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![\w]|\.[0-9])")
# Runs of hex digits and colons with two colons among the first groups; ipaddress decides.
_IPV6 = _Lazy(
    r"[0-9A-Fa-f:](?<![\w:.][0-9A-Fa-f:])(?=[0-9A-Fa-f]{0,3}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{1,38}"
    r"(?![\w:.])"
)


def _ipv6_shaped(candidate: str) -> bool:
    """Not a time of day, a MAC address nor "A::B" in code, which ipaddress may accept."""
    if "::" not in candidate and candidate.count(":") != 7:
        return False
    groups = [group for group in candidate.split(":") if group]
    return len(groups) >= 2 and max(len(group) for group in groups) >= 3


def _find_ips(text: str, hay: str) -> Iterator[_Span]:
    import ipaddress  # here: IP masking is off by default, and the module is slow to import

    for rx in (_IPV4, _IPV6):
        for m in rx.finditer(text):
            candidate = m.group()
            if rx is _IPV6 and not _ipv6_shaped(candidate):
                continue
            try:
                address = ipaddress.ip_address(candidate)
            except ValueError:
                continue
            if not (address.is_loopback or address.is_unspecified):
                yield m.start(), m.end(), "ip"


# --- The rule set -----------------------------------------------------------------------------

_SECRET_RULES: tuple[_Rule, ...] = (
    _Rule(_find_pem, ("PRIVATE KEY",)),  # first: a key's base64 could look like anything
    *_TOKEN_RULES,
    _Rule(_find_url_password, ("://",)),
    _Rule(_find_auth_header, ("authorization",), fold=True),
    _Rule(_find_bare_bearer, ("bearer",), fold=True),
    _Rule(_find_cookies, ("cookie",), fold=True),
    _Rule(_find_kv, _KV_KEYWORDS, fold=True),
    _Rule(_find_flags, ("--",), fold=True),
    _Rule(_find_database_logins, _DATABASE_CLIENTS, fold=True),
    _Rule(_find_cards),
)
_EMAIL_RULE = _Rule(_find_emails, ("@",))
_IP_RULE = _Rule(_find_ips, (".", ":"))


def _rules_for(options: RedactOptions) -> tuple[_Rule, ...]:
    rules = _SECRET_RULES
    if options.emails:
        rules += (_EMAIL_RULE,)
    if options.ips:
        rules += (_IP_RULE,)
    return rules
