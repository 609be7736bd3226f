"""Moving to a step: one frame for it, however many widgets it mounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import ContentSwitcher
from ui_helpers import settle, wizard

from tui.ui.app import IncidentApp

MakeApp = Callable[..., IncidentApp]


async def test_a_step_shown_for_the_first_time_is_laid_out_only_once_shown(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step is mounted on its first visit, its fields and then its lists: the screen was
    laid out and painted between those mounts, for a step not shown yet, and the step took
    one more layout to appear."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")  # Evidence
        await settle(pilot)
        layouts: list[str] = []
        refresh_layout = Screen._refresh_layout

        def spy(self: Screen[Any], *args: Any, **kwargs: Any) -> Any:
            layouts.append(app.query_one("#forms", ContentSwitcher).current or "")
            return refresh_layout(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", spy)
        await pilot.press("ctrl+n")
        await pilot.pause()
        monkeypatch.undo()
        assert wizard(app).current_step == "changes"
        assert app.query_one("#step-changes").display
        # Every layout is of the step shown: none of the one being left while the new one mounts.
        assert layouts
        assert set(layouts) == {"step-changes"}


async def test_moving_the_focus_repaints_what_it_changes_not_the_screen(
    make_app: MakeApp,
) -> None:
    """Textual repainted the whole screen whenever focus moved: each Tab wrote every field, the
    step list and the prompt again (17 KB at 120x40)."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        compositor = app.screen._compositor
        renders = compositor._get_renders
        painted: list[str] = []

        def spy(crop: Any = None) -> Any:
            for found in renders(crop):
                widget = next(
                    w for w, (r, _) in compositor.visible_widgets.items() if r == found[0]
                )
                painted.append(widget.id or type(widget).__name__)
                yield found

        compositor._get_renders = spy  # type: ignore[method-assign]
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "input-severity"
        # The fields the focus did not touch, and the step list, are not painted again.
        assert "input-incident_summary" not in painted
        assert "input-started_at" not in painted
        assert "steps" not in painted
