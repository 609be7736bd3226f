"""The step list: one widget that draws its lines, answering like the OptionList it replaced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from ui_helpers import settle, wizard

from tui.ui.app import IncidentApp
from tui.ui.widgets.step_list import StepList

MakeApp = Callable[..., IncidentApp]


async def focus_steps(app: IncidentApp, pilot: Pilot[Any]) -> StepList:
    await settle(pilot)
    steps = wizard(app).query_one("#steps", StepList)
    steps.focus()
    await pilot.pause()
    return steps


def first_style(steps: StepList, y: int) -> Any:
    return next(iter(steps.render_line(y))).style


def shown(steps: StepList) -> list[str]:
    return [steps.render_line(y).text.rstrip() for y in range(7)]


async def test_the_step_list_is_styled_for_no_kind_of_line(make_app: MakeApp) -> None:
    """An OptionList is styled for six kinds of line (highlighted, hovered, disabled, ...) with
    each style pass, and drew each row through them: the largest part of the first frame."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        steps = wizard(app).query_one("#steps", StepList)
        assert steps._get_component_classes() == frozenset()
        assert shown(steps)[0] == "▶ 1 Context (8)"


async def test_keys_move_the_highlight_around_and_enter_goes_there(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        steps = await focus_steps(app, pilot)
        await pilot.press("up")  # from the first step round to the last
        assert steps.highlighted == 6
        await pilot.press("down", "down")
        assert steps.highlighted == 1
        await pilot.press("end")
        assert steps.highlighted == 6
        await pilot.press("pageup")
        assert steps.highlighted == 0
        await pilot.press("pagedown")
        assert steps.highlighted == 6
        await pilot.press("home", "down", "down", "enter")
        await settle(pilot)
        assert wizard(app).current_step == "evidence"
        assert shown(steps)[2].startswith("▶ 3 Evidence")
        assert steps.highlighted == 2


async def test_a_click_on_a_step_goes_there(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.click("#steps", offset=(4, 3))
        await settle(pilot)
        assert wizard(app).current_step == "changes"


async def test_the_line_under_the_mouse_is_marked_and_unmarked(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        steps = wizard(app).query_one("#steps", StepList)
        plain = first_style(steps, 4)
        await pilot.hover("#steps", offset=(3, 4))
        await pilot.pause()
        hovered = first_style(steps, 4)
        assert hovered is not None and plain is not None and hovered.bgcolor != plain.bgcolor
        await pilot.hover("#main", offset=(10, 10))
        await pilot.pause()
        assert first_style(steps, 4) == plain
