"""tui.ui.actions: one declaration per action, and everything generated from it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import Button
from ui_helpers import settle

from tui.core.config import parse_config
from tui.ui.actions import ACTIONS, STEP_TITLES, buttons, keymap_from, normalize_key
from tui.ui.app import IncidentApp
from tui.ui.commands import ActionCommands
from tui.ui.screens.dialogs import PathDialog
from tui.ui.screens.picker import PickerScreen
from tui.ui.screens.wizard import WIZARD_STEPS, WizardScreen

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]
OWNERS = {"app": IncidentApp, "wizard": WizardScreen, "picker": PickerScreen}


def test_every_action_has_a_handler_and_a_unique_id() -> None:
    assert len({a.id for a in ACTIONS}) == len(ACTIONS)
    for action in ACTIONS:
        name = action.action.split("(")[0]
        assert callable(getattr(OWNERS[action.scope], f"action_{name}", None)), action.id


def test_every_binding_carries_its_action_id() -> None:
    for owner in OWNERS.values():
        declared = [b for b in owner.BINDINGS if isinstance(b, Binding) and b.id]
        ids = {b.id for b in declared}
        scope = next(s for s, o in OWNERS.items() if o is owner)
        assert ids == {a.id for a in ACTIONS if a.scope == scope and a.keys}


def test_step_titles_follow_the_wizard() -> None:
    assert tuple(title for _, title in WIZARD_STEPS) == STEP_TITLES


async def test_palette_lists_the_actions_of_the_screen_and_keeps_only_useful_textual_ones(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hits = [h async for h in ActionCommands(app.screen).discover()]
        titles = [str(h.prompt) for h in hits]
        assert titles == sorted(titles)
        expected = {a.title for a in ACTIONS if a.title and a.scope in ("app", "wizard")}
        assert expected <= set(titles)
        assert "Theme" in titles
        assert not {"Quit", "Keys", "Screenshot", "New incident"} & set(titles)
        assert set(titles) - expected <= {"Theme", "Maximize", "Minimize"}


async def test_review_buttons_come_from_the_registry_and_run_their_action(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        shown = [(str(b.label), b.id) for b in app.screen.query(".review-actions Button")]
        assert shown == [(a.button, f"review-{a.id}") for a in buttons()]
        assert [label for label, _ in shown] == ["Copy prompt", "Export to file", "Save"]
        assert app.screen.query_one("#review-copy", Button).variant == "primary"
        await pilot.click("#review-export")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("f3", "f3"),
        ("F3", "f3"),
        ("ctrl+O", "ctrl+o"),
        ("alt+x", "alt+x"),
        ("?", "question_mark"),
        ("ctrl+shift+up", "ctrl+shift+up"),
        ("cntrl+x", None),
        ("ctrl+", None),
        ("ctrl+ctrl+x", None),
        ("foo", None),
        ("", None),
    ],
)
def test_key_names(written: str, key: str | None) -> None:
    assert normalize_key(written) == key


def keymap(text: str) -> tuple[dict[str, str], list[str]]:
    path = Path("/home/u/config.toml")
    found, problems = keymap_from(parse_config(text.encode(), path))
    return found, [str(p).removeprefix(f"{path}:") for p in problems]


def test_keymap_takes_several_keys_and_normalizes_them() -> None:
    assert keymap('[keymap]\ncopy = ["F3", "ctrl+U"]\nnew_incident = "?"\n') == (
        {"copy": "f3,ctrl+u", "new_incident": "question_mark"},
        [],
    )


def test_keymap_refuses_what_would_break_another_key() -> None:
    found, problems = keymap(
        '[keymap]\ncopy = "tab"\nnew_incident = "ctrl+s"\nclear_field = "f3"\n'
        'save = "f3"\nexport = "ctrl+s"\n'
    )
    # new_incident (picker) may take ctrl+s: save's key works only in the wizard, and save
    # moved to f3 anyway, which frees ctrl+s for export.
    assert found == {"new_incident": "ctrl+s", "save": "f3", "export": "ctrl+s"}
    assert problems == [
        "4: keymap: clear_field has no key to change (palette only)",
        "2: keymap: tab is already the key of 'next field'; copy keeps ctrl+o",
    ]


def test_keymap_refuses_an_app_key_taken_on_any_screen() -> None:
    found, problems = keymap('[keymap]\nhelp = "f2"\n')
    assert found == {}
    assert problems == [
        "2: keymap: f2 is already the key of 'Export prompt to file'; help keeps f1"
    ]


def test_keymap_refuses_a_character_for_an_action_that_runs_inside_fields() -> None:
    # copy runs even in a text field: bound to "x", nobody could type an x any more.
    found, problems = keymap('[keymap]\ncopy = "x"\nquit = "shift+q"\nnew_incident = "a"\n')
    assert found == {"new_incident": "a"}  # the list of incidents has no text field
    assert problems == [
        "2: keymap: 'x' types a character, which fields would never get; copy keeps ctrl+o "
        "(use ctrl+, alt+ or an F key)",
        "3: keymap: 'shift+q' types a character, which fields would never get; quit keeps "
        "ctrl+q (use ctrl+, alt+ or an F key)",
    ]


def test_the_readme_keymap_example_is_taken_whole() -> None:
    # New default keys must not make the documented example a clash.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\ntheme = ", 1)[1].split("```", 1)[0]
    found, problems = keymap("theme = " + example)
    assert problems == []
    assert set(found) == {"copy", "save"}


def test_no_two_default_keys_clash_where_both_work() -> None:
    from tui.ui.actions import _first_clash

    assert _first_clash({a.id: (a.keys, None) for a in ACTIONS if a.keys}) is None
