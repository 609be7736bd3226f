"""Whatever a user pastes: it survives the file, and the prompt neither breaks nor obeys it."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.prompt import TemplateLibrary, prompt_for
from tui.core.sanitize import normalize_newlines, strip_controls, visible_controls
from tui.core.schema import CONTEXT_FIELDS, FIELD_TABLE_KEYS
from tui.core.session import SessionStore

# Every code point but surrogates (which no terminal or file can carry), controls included.
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
HOSTILE = st.sampled_from(
    [
        "{{ 7*7 }}",
        "{% for x in range(3) %}loop{% endfor %}",
        "{{ cycler.__init__.__globals__ }}",
        "[bold]",
        "[@click=app.quit]",
        "\x1b]52;c;aGk=\x07",
        "\x1b]2;title\x1b\\",
        "\x1b[2J",
        "\x00",
        "```",
        "\r\n",
        "\x9b31m",
        "\u202e",
        "\u2066",
        "\u200b",
        "\ufeff",
        "\u2028",
    ]
)
# What must never reach a prompt or the screen: controls, and invisible format characters
# (bidi overrides and isolates, zero-width characters, line and paragraph separators).
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\u2028\u2029]"
)
VALUE = st.lists(st.one_of(ANY_TEXT, HOSTILE), max_size=6).map("".join)
LIBRARY = TemplateLibrary()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(st.sampled_from(sorted(FIELD_TABLE_KEYS)), VALUE), title=VALUE)
def test_any_text_survives_save_and_load(
    tmp_path: Path, values: dict[str, str], title: str
) -> None:
    store = SessionStore(tmp_path)
    session = store.create()
    session.set("title", title)
    for key, value in values.items():
        session.set(key, value)
    loaded = store.load(store.save(session, force=True))
    assert loaded.title == normalize_newlines(title)
    for key, value in values.items():
        assert loaded.get(key) == normalize_newlines(value)


@settings(max_examples=150, deadline=None)
@given(values=st.dictionaries(st.sampled_from([f.key for f in CONTEXT_FIELDS]), VALUE))
def test_rendering_any_values_never_raises_obeys_or_emits_controls(
    values: dict[str, str],
) -> None:
    rendered = prompt_for(values, LIBRARY, "incident-response", max_tokens=2_000)
    text = rendered.text
    assert UNSAFE.search(text) is None
    assert "Begin the production incident root cause and hotfix planning now." in text
    # Each value comes out as typed, less its control characters: template syntax included.
    if not rendered.trims:
        for value in values.values():
            cleaned = strip_controls(value).strip("\n")
            if cleaned.strip():
                assert cleaned in text
            if "{% for x in range(3) %}" in cleaned:
                assert "looplooploop" not in text


@settings(max_examples=150, deadline=None)
@given(text=VALUE)
def test_displayed_text_never_holds_a_control_character(text: str) -> None:
    shown = visible_controls(text)
    assert UNSAFE.search(shown) is None
