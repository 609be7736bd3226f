"""Review at 80×24, by keyboard only: every part reachable and usable, counts that agree."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from incident_demo import checkout_session
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList
from ui_helpers import settle, wizard

from tui.core.session import Session, SessionStore
from tui.ui.app import IncidentApp
from tui.ui.widgets.preview import PreviewPane

pytestmark = pytest.mark.usefixtures("fast_timers")

MakeApp = Callable[..., IncidentApp]

TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
OTHER = "glpat-abcdefghij0123456789"


def on_screen(widget: Widget) -> bool:
    """The widget is laid out and lies wholly inside the visible part of the form area."""
    forms = widget.screen.query_one("#forms")
    region = widget.region
    return region.height > 0 and forms.region.intersection(region) == region


def session_with_secrets(store: SessionStore) -> Session:
    session = checkout_session(store)
    # The same token on 25 lines of a log, and one other secret: two secrets, 26 places.
    log = "".join(f"14:07:{i:02d} auth failed for token {TOKEN}\n" for i in range(25))
    session.set("error_logs", log)
    session.set("monitoring", f"alert posted with {OTHER}")
    store.save(session)
    return session


async def tab_to(pilot: Pilot[None], app: IncidentApp, widget_id: str, limit: int = 12) -> None:
    for _ in range(limit):
        if app.focused is not None and app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}; focus is on {app.focused!r}")


async def test_review_secrets_are_reachable_and_unmasked_by_keyboard_at_80x24(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = session_with_secrets(store)
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        await pilot.press("f11")
        await settle(pilot, 0.2)
        screen = wizard(app)
        findings = screen.query_one("#review-findings", OptionList)
        await tab_to(pilot, app, "review-findings")
        await settle(pilot)
        assert on_screen(findings), "the list of masked secrets is off screen at 80×24"
        # Enter acts at once, on the first secret: no Down needed first.
        await pilot.press("enter")
        await settle(pilot, 0.3)
        assert len(screen.session.unmasked) == 1
        assert "SHOWN" in str(findings.get_option_at_index(0).prompt)
        assert app.focused is findings and on_screen(findings)


async def test_review_and_preview_count_secrets_the_same_way(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = session_with_secrets(store)
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        await pilot.press("f11")
        await settle(pilot, 0.2)
        screen = wizard(app)
        header = str(screen.query_one("#preview-header").render())
        heading = str(screen.query_one("#review-secrets").render())
        assert "2 secrets masked" in header
        assert "2 of 2 secrets masked" in heading
        assert "26 places" in header and "26 places" in heading
        assert "secret(s)" not in heading


async def test_unknowns_act_on_enter_at_once_and_ctrl_t_hides_the_prompt_on_review(
    make_app: MakeApp, store: SessionStore
) -> None:
    session = session_with_secrets(store)
    app = make_app("resume", session.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.2)
        await pilot.press("f11")
        await settle(pilot, 0.2)
        screen = wizard(app)
        preview = screen.query_one(PreviewPane)
        panel = screen.query_one("#step-review")
        assert preview.display
        height_with_prompt = panel.region.height
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not preview.display
        assert panel.region.height > height_with_prompt
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert preview.display

        unknowns = screen.query_one("#review-unknowns", OptionList)
        await tab_to(pilot, app, "review-unknowns")
        assert on_screen(unknowns)
        first = unknowns.get_option_at_index(0).id
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == f"input-{first}"
