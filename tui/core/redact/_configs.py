"""Credentials in configuration files: Kubernetes Secrets and kubeconfigs, Docker's config.json,
.netrc, Oracle JDBC URLs.
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from collections.abc import Callable, Iterator

from tui.core.redact._engine import _is_placeholder, _Lazy, _Rule, _Span

# --- Oracle JDBC: jdbc:oracle:thin:user/password@//host:port/service --------------------------

# Bounded, possessive runs: a long line of "jdbc:oracle:…" must not be rescanned from each start.
_JDBC_ORACLE = _Lazy(r"""jdbc:oracle:[a-z0-9]{1,16}:[^\s/@:"']{1,128}+/(?P<s>[^\s"'@]{1,128}+)@""")


def _find_jdbc_oracle(text: str, hay: str) -> Iterator[_Span]:
    for m in _JDBC_ORACLE.finditer(hay):
        start, end = m.span("s")
        if not _is_placeholder(text[start:end]):
            yield start, end, "password"


# --- .netrc: "machine host login user password secret" ----------------------------------------

_NETRC_PASSWORD = _Lazy(r"password[ \t]+(?P<s>[^\s]+)(?P<rest>[^\n]*)")
_NETRC_WORDS = frozenset({"machine", "login", "account", "macdef", "default"})
_NETRC_CONTEXT = _Lazy(r"(?:^|[ \t])(?:machine|default)[ \t]", re.MULTILINE)


def _find_netrc(text: str, hay: str) -> Iterator[_Span]:
    for m in _NETRC_PASSWORD.finditer(hay):
        if m.start() and hay[m.start() - 1] not in " \t\n":
            continue
        rest = m.group("rest").split()
        if rest and rest[0] not in _NETRC_WORDS:
            continue  # prose: "password expired for user…"
        # A netrc entry starts with "machine" or "default", on this line or a few lines up.
        window = hay.rfind("\n", 0, max(0, m.start() - 200)) + 1
        if _NETRC_CONTEXT.search(hay, window, m.start()) is None:
            continue
        start, end = m.span("s")
        if not _is_placeholder(text[start:end]):
            yield start, end, "password"


# --- Kubernetes: Secret data, kubeconfig keys -------------------------------------------------

# `data:` of a Secret holds base64. A value is masked when its key names a secret, or when the
# decoded text holds one (a URL with a password, a token with a known prefix).
_SECRET_KEY_NAME = _Lazy(
    r"pass|pwd|secret|token|key|credential|auth|dockerc|cookie|private|\bpat\b|dsn"
)
_YAML_DATA = _Lazy(r"^(?P<indent>[ \t]*)(?:-[ \t]+)?data:[ \t]*\r?$", re.MULTILINE)
_YAML_ITEM = _Lazy(
    r"""(?P<indent>[ \t]+)(?P<key>[A-Za-z0-9._-]+):[ \t]*
        (?P<q>["']?)(?P<v>[A-Za-z0-9+/]{4,}={0,2})(?P=q)[ \t]*\r?$""",
    re.VERBOSE | re.MULTILINE,
)
_JSON_DATA = _Lazy(r""""data"[ \t]*:[ \t]*\{""")
_JSON_ITEM = _Lazy(
    r"""[ \t\r\n]*"(?P<key>[A-Za-z0-9._-]+)"[ \t]*:[ \t]*"(?P<v>[A-Za-z0-9+/=]*)"[ \t\r\n]*,?"""
)
# A Secret's value is at most 1 MiB; larger runs are not decoded.
_DECODE_MAX = 1 << 20


def _decoded(value: str) -> str | None:
    if len(value) % 4 or len(value) > _DECODE_MAX:
        return None
    try:
        return b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def kubernetes_secret_rule(secret_spans: Callable[[str], list[tuple[int, int]]]) -> _Rule:
    """The rule for Secret `data:` values. `secret_spans` scans decoded text with the other
    rules: once per `data:` block, all its decoded values joined, so a Secret of many keys costs
    one scan."""

    def judge(items: list[tuple[int, int, str, str]]) -> Iterator[_Span]:
        joined: list[str] = []
        offsets: list[tuple[int, int, int, int]] = []  # joined start, joined end, value span
        at = 0
        for vstart, vend, key, value in items:
            plain = _decoded(value)
            if plain is None:
                continue
            key = key.lower()
            if _SECRET_KEY_NAME.search(key) is not None and "public" not in key:
                yield vstart, vend, "kubernetes-secret"
                continue
            joined.append(plain)
            offsets.append((at, at + len(plain), vstart, vend))
            at += len(plain) + 2
        if not joined:
            return
        found = secret_spans("\n\n".join(joined))
        for jstart, jend, vstart, vend in offsets:
            if any(s < jend and e > jstart for s, e in found):
                yield vstart, vend, "kubernetes-secret"

    def find(text: str, hay: str) -> Iterator[_Span]:
        for block in _YAML_DATA.finditer(text):
            pos = block.end() + 1
            indent = len(block.group("indent"))
            items = []
            while (item := _YAML_ITEM.match(text, pos)) is not None:
                if len(item.group("indent")) <= indent:
                    break
                items.append((*item.span("v"), item.group("key"), item.group("v")))
                pos = item.end() + 1
            yield from judge(items)
        for block in _JSON_DATA.finditer(text):
            pos = block.end()
            items = []
            while (item := _JSON_ITEM.match(text, pos)) is not None and item.end() > pos:
                items.append((*item.span("v"), item.group("key"), item.group("v")))
                pos = item.end()
            yield from judge(items)

    return _Rule(find, ("data:", '"data"'))


# kubeconfig: the client's private key (base64 PEM); the certificates are public.
_CLIENT_KEY_DATA = _Lazy(
    r"""client-key-data(?:\\?["'])?[ \t]*:[ \t]*["']?(?P<s>[A-Za-z0-9+/=]{16,})"""
)


def _find_client_key_data(text: str, hay: str) -> Iterator[_Span]:
    for m in _CLIENT_KEY_DATA.finditer(text):
        yield m.start("s"), m.end("s"), "private-key"


# Docker's config.json: "auth" is base64 of "user:password".
_DOCKER_AUTH = _Lazy(r""""auth"[ \t]*:[ \t]*"(?P<s>[A-Za-z0-9+/]{8,}={0,2})\"""")


def _find_docker_auth(text: str, hay: str) -> Iterator[_Span]:
    for m in _DOCKER_AUTH.finditer(text):
        yield m.start("s"), m.end("s"), "basic-auth"


CONFIG_RULES: tuple[_Rule, ...] = (
    _Rule(_find_jdbc_oracle, ("jdbc:oracle:",), fold=True),
    _Rule(_find_client_key_data, ("client-key-data",)),
    _Rule(_find_docker_auth, ('"auth"',)),
    _Rule(_find_netrc, ("password",), fold=True),
)
