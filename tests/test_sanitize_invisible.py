"""Invisible format characters ("Trojan Source"): dropped from the prompt, visible on screen,
kept in the session file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.prompt import TemplateLibrary, prompt_for
from tui.core.sanitize import strip_controls, visible_controls
from tui.core.session import SessionStore

INVISIBLE = [
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u202d",  # left-to-right override
    "\u202e",  # right-to-left override
    "\u2060",  # word joiner
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\ufeff",  # byte-order mark / zero-width no-break space
]
# The classic: a comment that the terminal shows after the code, where the code reads it.
TROJAN = 'if role != "user\u202e \u2066// admin only\u2069 \u2066" { deny() }'


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_prompt_text_drops_invisible_characters(char: str) -> None:
    assert strip_controls(f"rm -rf /tmp/{char}cache") == "rm -rf /tmp/cache"


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_displayed_text_shows_invisible_characters(char: str) -> None:
    shown = visible_controls(f"user{char}name")
    assert shown == "user\ufffdname"


@pytest.mark.parametrize("sep", ["\u2028", "\u2029"], ids=["U+2028", "U+2029"])
def test_line_and_paragraph_separators(sep: str) -> None:
    assert strip_controls(f"first{sep}second") == "first\nsecond"
    assert visible_controls(f"first{sep}second") == "first\u2424second"


def test_ordinary_unicode_is_untouched() -> None:
    text = "Zürich – 東京 – مرحبا – ✓ — naïve café"
    assert strip_controls(text) == text
    assert visible_controls(text) == text


def test_rendered_prompt_holds_no_bidi_override() -> None:
    rendered = prompt_for(
        {"error_logs": TROJAN, "incident_summary": "zero\u200bwidth"},
        TemplateLibrary(),
        "incident-response",
        max_tokens=2_000,
    )
    for char in INVISIBLE:
        assert char not in rendered.text
    assert 'if role != "user // admin only " { deny() }' in rendered.text
    assert "zerowidth" in rendered.text


def test_session_file_keeps_what_was_typed(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = store.create()
    session.set("error_logs", TROJAN)
    loaded = store.load(store.save(session, force=True))
    assert loaded.get("error_logs") == TROJAN
