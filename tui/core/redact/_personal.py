"""Customer data: card numbers, emails, IP addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.core.redact._engine import (
    _Lazy,
    _OnLine,
    _Span,
)

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
_EMAIL_DOMAIN = _Lazy(r"@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-]|\.[A-Za-z0-9]|:[\w~/\[])")
_EMAIL_LOCAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")


def _find_emails(text: str, hay: str) -> Iterator[_Span]:
    ssh_line = _OnLine(text, _SSH_LINE)
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
        if _names_no_person(text, start, m, ssh_line):
            continue
        yield start, m.end(), "email"


# Domains that receive no mail: service accounts and hosts on internal networks.
_NOT_MAIL_DOMAINS = (
    ".gserviceaccount.com",
    ".internal",
    ".local",
    ".localdomain",
    ".lan",
    ".corp",
    ".svc",
    ".home.arpa",
)
# Programs that take user@host: an account on a machine, which the agent needs to see.
_SSH_LINE = re.compile(
    r"(?:^|[\s\[(\"'])(?:ssh|scp|sftp|rsync|mosh|autossh|ssh-copy-id|proxyjump)\b|\s-J\s",
    re.IGNORECASE | re.MULTILINE,
)


def _names_no_person(text: str, start: int, m: re.Match[str], ssh_line: _OnLine) -> bool:
    """user@host that is not a person's address: a GCP service account, a Kerberos principal
    (its realm is upper case), an ssh target, a shell prompt."""
    domain = m.group()[1:]
    if domain.lower().endswith(_NOT_MAIL_DOMAINS) or not any(c.islower() for c in domain):
        return True
    if ssh_line.before(start):
        return True
    after = text[m.end() : m.end() + 20]
    if after.startswith(": Permission denied"):
        return True  # ssh's own error line: "deploy@bastion: Permission denied (publickey)."
    return start > 0 and text[start - 1] == "[" and after.startswith(" ")  # [user@host dir]$


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
