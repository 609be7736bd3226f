"""Pilot tests of the field editors: what is shown never rewrites what is stored, clear can be
undone, long titles and log lines stay readable at 80×24."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from incident_demo import CHECKOUT, checkout_session
from textual.geometry import Region
from textual.widgets import Input, TextArea
from ui_helpers import notifications, settle, wizard

from tui.core.schema import FIELDS, FIELDS_BY_KEY
from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.widgets.field_editor import field_of

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]


def hand_made_session(store: SessionStore, title: str, started_at: str, severity: str) -> Path:
    store.ensure_dirs()
    path = store.sessions_dir / "20261129-1412-controls.toml"
    # JSON escapes are valid TOML basic-string escapes: the file holds \u001b and \u0000.
    summary = "summary with a bell \u0007 in it"
    path.write_text(
        "schema_version = 1\n"
        f"title = {json.dumps(title)}\n"
        f"severity = {json.dumps(severity)}\n"
        f"started_at = {json.dumps(started_at)}\n"
        "[fields]\n"
        f"incident_summary = {json.dumps(summary)}\n",
        encoding="utf-8",
    )
    return path


async def test_opening_and_walking_every_step_leaves_the_file_byte_identical(
    make_app: MakeApp, store: SessionStore
) -> None:
    path = hand_made_session(store, "db\x1b[31m down\x00 now", "14:07\x1b UTC\x00", severity="SEV1")
    before = path.read_bytes()
    app = make_app("resume", path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        screen = wizard(app)
        # Shown as harmless symbols...
        assert "␛" in screen.query_one("#input-title", Input).value
        # ...but the session keeps exactly what the file holds.
        assert screen.session.title == "db\x1b[31m down\x00 now"
        for _ in range(len(FIELDS)):
            await pilot.press("tab")
        for _ in range(5):
            await pilot.press("ctrl+n")
            await settle(pilot)
            await pilot.press("tab", "tab")
        await settle(pilot, 0.4)
        assert not screen.dirty
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert path.read_bytes() == before


async def test_clear_field_can_be_undone_with_ctrl_z(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = checkout_session(store)
    summary = session.get("incident_summary")
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = wizard(app)
        await screen.focus_field("incident_summary")
        await screen.run_action("clear_field")
        await settle(pilot)
        assert screen.session.get("incident_summary") == ""
        assert "ctrl+z to undo" in notifications(app)[-1]
        await pilot.press("ctrl+z")
        await settle(pilot, 0.3)
        assert screen.session.get("incident_summary") == summary
        assert screen.query_one("#input-incident_summary", TextArea).text == summary
        assert session.path is not None
        assert store.load(session.path).get("incident_summary") == summary

        # Elsewhere, and once undone, ctrl+z is the editor's own undo again.
        await screen.focus_field("project_context")
        await pilot.press("x", "ctrl+z")
        await settle(pilot)
        assert screen.session.get("project_context") == CHECKOUT["project_context"]


async def test_clear_is_not_undone_after_typing_in_the_field(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = checkout_session(store)
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = wizard(app)
        await screen.focus_field("started_at")
        await screen.run_action("clear_field")
        await settle(pilot)
        await pilot.press(*"14:10")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert screen.session.get("started_at") != CHECKOUT["started_at"]


async def test_a_long_title_scrolls_home_when_focus_leaves_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        title = wizard(app).query_one("#input-title", Input)
        assert app.focused is title
        title.value = "Checkout returns HTTP 500 for a third of requests after deploy 4711"
        await pilot.press("end", "!")
        await settle(pilot)
        assert title.scroll_x > 0  # the end is in view while typing
        await pilot.press("tab")
        await settle(pilot)
        assert title.scroll_x == 0
        shown = title.render_lines(Region(0, 0, title.size.width, 1))[0].text
        assert "Checkout returns" in shown


async def test_log_fields_scroll_sideways_instead_of_wrapping_at_80x24(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = checkout_session(store)
    line = "2026-11-29T14:07:12.123456Z ERROR checkout.api " + "k=v " * 30
    session.set("error_logs", f"{line}\n{line}\n{line}")
    session.set("monitoring", f"{line}\n{line}")
    store.save(session)
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = wizard(app)
        await screen.go_to_step("evidence")
        await settle(pilot)
        logs = screen.query_one("#input-error_logs", TextArea)
        monitoring = screen.query_one("#input-monitoring", TextArea)
        assert logs.wrapped_document.height == 3  # one row a line
        assert monitoring.wrapped_document.height == 2
        logs.focus()
        await pilot.press("end")
        await settle(pilot)
        assert logs.scroll_x > 0
        # Prose fields still wrap.
        summary = FIELDS_BY_KEY["incident_summary"]
        assert summary.wrap and not FIELDS_BY_KEY["error_logs"].wrap


async def test_a_huge_log_is_not_converted_for_display_when_the_form_is_built(
    make_app: MakeApp, store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.ui.widgets.field_editor as field_editor

    sizes: list[int] = []
    real = field_editor.visible_controls

    def measured(text: str) -> str:
        sizes.append(len(text))
        return real(text)

    monkeypatch.setattr(field_editor, "visible_controls", measured)
    session = checkout_session(store)
    log = "".join(f"{i:08d} ERROR upstream timed out\n" for i in range(200_000))
    session.set("error_logs", log)
    store.save(session)
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wizard(app).go_to_step("evidence")
        await settle(pilot)
        editor = wizard(app).editor("error_logs")
        assert editor is not None and editor.is_read_only_view
    # The read-only view shows a head and tail of its own: the whole log is never converted.
    assert sizes and max(sizes) < 100_000


async def test_a_huge_paste_then_ctrl_n_leaves_focus_on_the_next_step(make_app: MakeApp) -> None:
    # A paste over the editor's limit swaps the editor for the read-only view, which takes a
    # while; the user pressed ctrl+n meanwhile (tmux delivers it right behind the paste). The
    # swap must not pull focus back to the step they left.
    from textual import events

    big = "log line\n" * 40_000  # ~360 KB
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = wizard(app)
        await screen.go_to_step("evidence")
        await screen.focus_field("error_logs")
        await pilot.pause()
        assert app.focused is screen.query_one("#input-error_logs", TextArea)
        # As a terminal's input thread delivers them: the paste, and the key right behind it.
        app.post_message(events.Paste(big))
        app.post_message(events.Key("ctrl+n", None))
        await settle(pilot)
        assert screen.current_step == "changes"
        assert screen.session.get("error_logs") == big
        focused = app.focused
        assert focused is not None
        first = next(f.key for f in FIELDS if f.step == "changes")
        assert field_of(focused) is screen.editor(first), focused
