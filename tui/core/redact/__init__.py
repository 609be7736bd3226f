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
  (``git@github.com:org/repo``), nor an account on a machine or in a realm, which the agent
  needs: an ssh/scp/rsync target or a shell prompt's ``[user@host dir]$``, a GCP service
  account (``…gserviceaccount.com``), a Kerberos principal (an upper-case realm), a host on an
  internal domain (``.internal``, ``.local``, ``.svc``…).
- Kubernetes Secret ``data:`` values are base64: one is masked when its key names a secret
  (``DB_PASS``, ``tls.key``, ``.dockerconfigjson``) or its decoded text holds one (a URL with a
  password, a token with a known prefix); ``username: YWRtaW4=`` stays.
- Command lines: a program's own password option only on that program's line (``-a`` is
  redis-cli's password, ``-p`` sshpass's; ``curl -u user:pass`` masks after the ``:``).
- IP addresses (when ``ips`` is on) skip loopback and unspecified addresses: ``127.0.0.1`` and
  ``0.0.0.0`` identify nobody and say where a service listens.
- Private keys: the whole BEGIN…END block. A block cut short (a trimmed log) is masked from its
  BEGIN to the last base64 line, and the base64 lines before an END whose BEGIN is gone too.
- Certificates and public keys are not secrets and are left alone. No entropy guessing anywhere.

Every pattern avoids nested quantifiers over overlapping classes, and each rule has a cheap
substring pre-check, so a multi-megabyte log is masked in a fraction of a second.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from tui.core.masking import RedactOptions
from tui.core.redact._cli import (
    _DATABASE_CLIENTS,
    _find_database_logins,
    _find_env_passwords,
    _find_flags,
    _find_program_options,
    _find_vault_login,
)
from tui.core.redact._configs import CONFIG_RULES, kubernetes_secret_rule
from tui.core.redact._context import (
    _KV_KEYWORDS,
    _find_auth_header,
    _find_bare_bearer,
    _find_cookies,
    _find_kv,
    _find_url_password,
    _find_url_token,
)
from tui.core.redact._engine import _Rule, _scan, _Span
from tui.core.redact._keys import _find_pem
from tui.core.redact._personal import _find_cards, _find_emails, _find_ips
from tui.core.redact._tokens import _TOKEN_RULES
from tui.core.redact._vendors import _VENDOR_RULES, VENDOR_KINDS

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
KINDS: frozenset[str] = VENDOR_KINDS | frozenset(
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
        "url-token",
        "kubernetes-secret",
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
        # A secret repeated on every line of a long log is hashed once.
        self._fingerprints: dict[str, str] = {}

    @property
    def options(self) -> RedactOptions:
        return self._options

    @property
    def findings(self) -> list[Finding]:
        """One entry per occurrence, in the order met (masked or allowed)."""
        return list(self._findings)

    def redact(self, text: str, where: str) -> str:
        """The text with every secret replaced by its label; findings are recorded."""
        remember = _MEMO_MIN <= len(text) <= _MEMO_MAX
        spans = _scan_large(text, self._rules) if remember else _scan(text, self._rules)
        if not spans:
            return text
        out: list[str] = []
        pos = 0
        for start, end, kind in spans:
            secret = text[start:end]
            fp = self._fingerprints.get(secret)
            if fp is None:
                fp = self._fingerprints[secret] = fingerprint(secret)
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


#: Where a secret is depends only on the text and the rules, not on a Redactor's labels. The
#: preview renders again after every pause in typing, and the digest of a log that did not
#: change is the same text each time: its scan was the largest part of such a render. The last
#: few large texts' spans are kept (a render masks two or three digests of different sizes);
#: not a value far over any prompt's budget, which the memo would keep alive.
_MEMO_MIN = 16_384
_MEMO_MAX = 1024 * 1024
_MEMO_SIZE = 4
_memo: dict[tuple[str, tuple[_Rule, ...]], list[_Span]] = {}
_memo_lock = threading.Lock()


def _scan_large(text: str, rules: tuple[_Rule, ...]) -> list[_Span]:
    key = (text, rules)
    with _memo_lock:
        spans = _memo.get(key)
    if spans is None:
        spans = _scan(text, rules)
        with _memo_lock:
            _memo[key] = spans
            while len(_memo) > _MEMO_SIZE:
                del _memo[next(iter(_memo))]
    return spans


def _preview(secret: str) -> str:
    budget = len(secret) // 3
    tail = min(2, budget // 2)
    head = min(4, budget - tail)
    return secret[:head] + "…" + (secret[len(secret) - tail :] if tail else "")


# --- The rule set -----------------------------------------------------------------------------


def _secret_spans(text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end, _ in _scan(text, _SECRET_RULES)]


_SECRET_RULES: tuple[_Rule, ...] = (
    _Rule(_find_pem, ("PRIVATE KEY",)),  # first: a key's base64 could look like anything
    *_TOKEN_RULES,
    *_VENDOR_RULES,
    _Rule(_find_url_password, ("://",)),
    _Rule(_find_url_token, ("://",)),
    # Before the key/value rule, which would label a Secret's "password: <base64>" "password"
    # and a `vault login token=…` "token".
    kubernetes_secret_rule(_secret_spans),
    *CONFIG_RULES,
    _Rule(_find_vault_login, ("vault",), fold=True),
    _Rule(_find_program_options, ("curl", "redis-cli", "sshpass"), fold=True),
    _Rule(_find_env_passwords, ("sshpass=", "rediscli_auth="), fold=True),
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
