"""The worst a log can be, loaded or pasted: the app answers, saves, and renders a safe prompt."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input
from ui_helpers import notifications, settle, wizard

from tui.ui.app import IncidentApp

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]


async def test_a_20_mb_log_with_nuls_bad_bytes_and_escapes_loads_saves_and_renders(
    make_app: MakeApp, tmp_path: Path
) -> None:
    line = b"2026-11-29T14:07:00Z ERROR \x1b[31mpayment\x1b[0m failed \x00 byte \xff\xfe id=42\n"
    log = tmp_path / "huge.log"
    log.write_bytes(line * (20_000_000 // len(line)))
    app = make_app()
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        screen = wizard(app)
        await screen.go_to_step("evidence")
        started = time.monotonic()
        screen.load_job("error_logs", str(log))
        await settle(pilot, 0.3)
        assert time.monotonic() - started < 20  # no hang (generous: a loaded, shared CI box)
        value = screen.session.get("error_logs")
        assert len(value) > 15_000_000
        assert "\x00" not in value and "\x1b" not in value
        assert "payment failed" in value and "\ufffd" in value
        editor = screen.editor("error_logs")
        assert editor is not None and editor.is_read_only_view
        assert "MB" in notifications(app)[-1]
        # The app still answers the keyboard.
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.current_step == "changes"
        await settle(pilot, 0.5)
        assert screen.session.path is not None
        saved = tomllib.loads(screen.session.path.read_text(encoding="utf-8"))
        assert saved["fields"]["error_logs"] == value
        rendered = screen.rendered
        assert rendered is not None
        assert rendered.trims and rendered.tokens <= rendered.max_tokens
        assert "\x1b" not in rendered.text and "\x00" not in rendered.text


async def test_a_1_mb_single_line_pasted_into_a_line_field_is_cut_not_hung(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        title = screen.query_one("#input-title", Input)
        title.focus()
        title.post_message(events.Paste("A" * 1_000_000 + "\x1b]2;pwned\x07"))
        await settle(pilot)
        assert 0 < len(screen.session.title) <= 2_000
        assert "\x1b" not in screen.session.title
