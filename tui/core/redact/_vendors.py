"""More tokens recognised by their shape alone: SaaS and cloud vendors' published prefixes.

Each shape (prefix, alphabet, length) comes from the vendor's documentation or the public rule
sets of secret scanners; the patterns are written here. A prefix alone is not enough: the body
must have the vendor's length and alphabet, so "SG.cluster-a" or "dapi endpoint" stay.
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.core.redact._engine import _Lazy, _regex_rule, _Rule, _Span, _starts_token

_END = r"(?![A-Za-z0-9_-])"
_HEX = "[0-9a-f]"


def _rule(kind: str, pattern: str, *keywords: str) -> _Rule:
    return _regex_rule(kind, pattern, keywords)


# Telegram bot tokens: the bot's numeric id, ":", then 35 characters starting with "AA". In the
# Bot API's URLs the token follows "bot" directly (api.telegram.org/bot123:AA…/sendMessage).
_TELEGRAM = _Lazy(r"[0-9]{8,10}:AA[A-Za-z0-9_-]{33}" + _END)


def _find_telegram(text: str, hay: str) -> Iterator[_Span]:
    for m in _TELEGRAM.finditer(text):
        start = m.start()
        if start and text[start - 1].isdigit():
            continue  # the tail of a longer number
        if _starts_token(text, start) or text.endswith("/bot", 0, start):
            yield start, m.end(), "telegram-bot-token"


# Azure DevOps PATs (the 84-character format): the fixed signature "AZDO" at offset 76.
_AZDO = _Lazy(r"AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])")
_ALNUM_76 = _Lazy(r"[A-Za-z0-9]{76}")


def _find_azure_devops(text: str, hay: str) -> Iterator[_Span]:
    for m in _AZDO.finditer(text):
        start = m.start() - 76
        if (
            start >= 0
            and _ALNUM_76.fullmatch(text, start, m.start())
            and _starts_token(text, start)
        ):
            yield start, m.end(), "azure-devops-pat"


# Microsoft Entra (Azure AD) client secrets: three characters, a digit, "Q~", then 31 to 34.
_ENTRA_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-")
_ENTRA = _Lazy(r"Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])")


def _find_entra(text: str, hay: str) -> Iterator[_Span]:
    for m in _ENTRA.finditer(text):
        start = m.start() - 4
        head = text[start : m.start()]
        if start < 0 or not head[3].isdigit() or not all(c in _ENTRA_CHARS for c in head):
            continue
        if start == 0 or text[start - 1] not in _ENTRA_CHARS:
            yield start, m.end(), "azure-client-secret"


# Terraform Cloud / Enterprise: 14 characters, ".atlasv1.", then about 67.
_ATLASV1 = _Lazy(r"\.atlasv1\.[A-Za-z0-9_-]{60,}")
_ALNUM_14 = _Lazy(r"[A-Za-z0-9]{14}")


def _find_terraform(text: str, hay: str) -> Iterator[_Span]:
    for m in _ATLASV1.finditer(text):
        start = m.start() - 14
        if (
            start >= 0
            and _ALNUM_14.fullmatch(text, start, m.start())
            and _starts_token(text, start)
        ):
            yield start, m.end(), "terraform-token"


_VENDOR_RULES: tuple[_Rule, ...] = (
    _rule("sendgrid-key", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _END, "SG."),
    _rule("shopify-token", rf"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{{32}}{_END}", "shp"),
    _rule("digitalocean-token", rf"do[opr]_v1_{_HEX}{{64}}{_END}", "_v1_"),
    # Vault service, batch and recovery tokens; the legacy "s.…" shape only after `vault login`.
    _rule("vault-token", r"hv[sbr]\.[A-Za-z0-9_-]{24,}", "hvs.", "hvb.", "hvr."),
    _rule(
        "doppler-token",
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,32}\.)?[A-Za-z0-9]{40,44}" + _END,
        "dp.",
    ),
    _Rule(_find_terraform, (".atlasv1.",)),
    _rule("mailgun-key", rf"key-{_HEX}{{32}}{_END}", "key-"),
    _rule(
        "grafana-token",
        r"""glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}
          | glc_[A-Za-z0-9+/]{32,}={0,2}
          | eyJrIjoi[A-Za-z0-9+/]{40,}={0,2}""",
        "glsa_",
        "glc_",
        "eyJrIjoi",
    ),
    _rule(
        "atlassian-token",
        r"AT(?:ATT|CTT)3[A-Za-z0-9_=-]{100,} | ATBB[A-Za-z0-9]{32,64}+" + _END,
        "ATATT3",
        "ATCTT3",
        "ATBB",
    ),
    _Rule(_find_telegram, (":AA",)),
    # Only the token after the webhook's id is secret; the id and host say what it is.
    _regex_rule(
        "discord-webhook",
        r"discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/(?P<s>[A-Za-z0-9_-]{60,68})",
        ("discord",),
        group="s",
    ),
    _rule("age-secret-key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", "AGE-"),
    _rule("google-oauth-secret", r"GOCSPX-[A-Za-z0-9_-]{28}" + _END, "GOCSPX-"),
    _rule(
        "google-oauth-token", r"ya29\.[A-Za-z0-9_-]{30,} | 1//0[A-Za-z0-9_-]{40,}", "ya29.", "1//0"
    ),
    _Rule(_find_azure_devops, ("AZDO",)),
    _Rule(_find_entra, ("Q~",)),
    _rule("huggingface-token", r"(?:hf_|api_org_)[A-Za-z]{34}" + _END, "hf_", "api_org_"),
    _rule("databricks-token", rf"dapi{_HEX}{{32}}(?:-[0-9])?{_END}", "dapi"),
    _rule("dockerhub-token", r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}", "dckr_"),
    _rule("newrelic-key", r"NRAK-[A-Z0-9]{27} | NRII-[A-Za-z0-9_-]{32} | NRJS-[0-9a-f]{19}", "NR"),
    _rule("sentry-token", r"sntrys_eyJ[A-Za-z0-9+/=_-]{50,} | sntryu_[0-9a-f]{64}", "sntry"),
    _rule("pulumi-token", rf"pul-{_HEX}{{40}}{_END}", "pul-"),
    _rule("planetscale-token", r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}", "pscale_"),
    _rule("linear-api-key", r"lin_(?:api|oauth)_[A-Za-z0-9]{40}" + _END, "lin_"),
    _rule("postman-api-key", rf"PMAK-{_HEX}{{24}}-{_HEX}{{34}}{_END}", "PMAK-"),
    _rule("groq-api-key", r"gsk_[A-Za-z0-9]{52}" + _END, "gsk_"),
    _rule("heroku-api-key", r"HRKU-[A-Za-z0-9_-]{30,}", "HRKU-"),
    _rule("alibaba-access-key-id", r"LTAI[A-Za-z0-9]{20}" + _END, "LTAI"),
    _rule("square-token", r"sq0(?:atp|csp|idp)-[A-Za-z0-9_-]{22,43}" + _END, "sq0"),
    _rule("onepassword-token", r"ops_eyJ[A-Za-z0-9+/=_-]{100,}", "ops_eyJ"),
    _rule("notion-token", r"ntn_[0-9]{11}[A-Za-z0-9]{35}" + _END, "ntn_"),
)

VENDOR_KINDS = frozenset(
    {
        "sendgrid-key",
        "shopify-token",
        "digitalocean-token",
        "vault-token",
        "doppler-token",
        "terraform-token",
        "mailgun-key",
        "grafana-token",
        "atlassian-token",
        "telegram-bot-token",
        "discord-webhook",
        "age-secret-key",
        "google-oauth-secret",
        "google-oauth-token",
        "azure-devops-pat",
        "azure-client-secret",
        "huggingface-token",
        "databricks-token",
        "dockerhub-token",
        "newrelic-key",
        "sentry-token",
        "pulumi-token",
        "planetscale-token",
        "linear-api-key",
        "postman-api-key",
        "groq-api-key",
        "heroku-api-key",
        "alibaba-access-key-id",
        "square-token",
        "onepassword-token",
        "notion-token",
    }
)
