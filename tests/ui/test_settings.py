"""config.toml in the app: a remapped key everywhere it is shown, problems said with file and
line, a broken file never stopping the app, and the theme chosen in the palette remembered."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from ui_helpers import notifications, settle, wizard

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.commands import ActionCommands
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.preview import PreviewPane

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]


def write_config(store: SessionStore, text: str) -> Path:
    store.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = store.home / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def key_bar(app: IncidentApp) -> str:
    return str(app.screen.query_one(KeyBar).render())


async def help_text(app: IncidentApp, pilot: object) -> str:
    await app.run_action("help")
    await pilot.pause()  # type: ignore[attr-defined]
    text = "\n".join(str(w.render()) for w in app.screen.query(".help-rows, .help-note"))
    await pilot.press("escape")  # type: ignore[attr-defined]
    return text


async def palette_help(app: IncidentApp, title: str) -> str:
    hits = [h async for h in ActionCommands(app.screen).discover()]
    return next(h.help or "" for h in hits if str(h.prompt) == title)


async def test_a_remapped_copy_key_works_and_is_shown_everywhere(
    make_app: MakeApp, store: SessionStore
) -> None:
    write_config(store, '# ctrl+o is taken in my terminal\n[keymap]\ncopy = "f3"\n')
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert notifications(app) == []
        bar = key_bar(app)
        # In its place: a rebound key does not move to the end of the bar.
        assert bar.startswith("^n Next f3 Copy ^s Save f2 Export") and "^o" not in bar
        assert (await palette_help(app, "Copy prompt to clipboard")).endswith("(f3)")
        rows = await help_text(app, pilot)
        assert "f3        Copy prompt to clipboard" in rows and "^o" not in rows

        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.clipboard == ""  # the old key does nothing now
        await pilot.press("f3")
        await settle(pilot)
        assert app.clipboard == wizard(app).query_one(PreviewPane).text != ""


async def test_a_remapped_palette_key_opens_it_and_the_key_bar_follows(
    make_app: MakeApp, store: SessionStore
) -> None:
    write_config(store, '[keymap]\ncommand_palette = "f3"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert key_bar(app).endswith("f3 palette")
        assert "command palette (f3)" in await help_text(app, pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_unknown_action_and_bad_key_are_reported_with_file_and_line(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = write_config(
        store,
        '[keymap]\ncpy = "f3"\nsave = "cntrl+x"\nexport = "ctrl+s"\nnext_step = "f3"\n',
    )
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        messages = notifications(app)
        assert any(m.startswith(f"{path}:2: ") and "'cpy'" in m for m in messages), messages
        assert any(m.startswith(f"{path}:3: ") and "'cntrl+x'" in m for m in messages), messages
        # A key another action keeps is refused too: export does not take save's key.
        assert any(m.startswith(f"{path}:4: ") and "ctrl+s" in m for m in messages), messages
        assert len(messages) == 3
        # The defaults stay for what was wrong; what was right applies.
        bar = key_bar(app)
        assert "^s Save" in bar and "f2 Export" in bar and "f3 Next" in bar


async def test_broken_toml_starts_with_defaults_and_says_why(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = write_config(store, 'theme = "nord"\n[keymap\ncopy = "f3"\n')
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        messages = notifications(app)
        assert len(messages) == 1
        assert messages[0].startswith(f"{path}:2: not valid TOML")
        assert "^o Copy" in key_bar(app)
        assert app.theme == "textual-dark"


async def test_unreadable_config_is_reported_and_never_overwritten(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = write_config(store, 'theme = "nord"\n')
    path.chmod(0o666)  # others could write it: not trusted
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert notifications(app) == [f"{path}: writable by other users (chmod 600 it)"]
        app.theme = "gruvbox"
        await settle(pilot)
        assert "The theme is not remembered" in notifications(app)[-1]
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'


async def test_unknown_theme_is_reported_and_the_default_kept(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = write_config(store, '\ntheme = "no-such-theme"\n')
    app = make_app()
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        [message] = notifications(app)
        assert message.startswith(f"{path}:2: theme 'no-such-theme' does not exist")


async def test_theme_chosen_in_the_palette_is_remembered(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = write_config(store, '# my settings\n\n[keymap]\ncopy = "f3"  # not ctrl+o\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press(*"gruvbox")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "gruvbox"
    text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"theme": "gruvbox", "keymap": {"copy": "f3"}}
    assert "# my settings" in text and "# not ctrl+o" in text  # the user's file, kept
    assert os.stat(path).st_mode & 0o777 == 0o600

    again = make_app()
    async with again.run_test() as pilot:
        await settle(pilot)
        assert again.theme == "gruvbox"


async def test_theme_remembered_without_a_config_file(
    make_app: MakeApp, store: SessionStore
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert tomllib.loads((store.home / "config.toml").read_text()) == {"theme": "nord"}
