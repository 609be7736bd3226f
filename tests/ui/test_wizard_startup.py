"""Start-up order: the whole first step is laid out before the prompt preview's work starts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ui_helpers import settle, wizard

from tui.core.schema import STEPS, fields_of_step
from tui.ui.app import IncidentApp
from tui.ui.widgets.preview import PreviewPane

MakeApp = Callable[..., IncidentApp]


async def test_the_preview_starts_rendering_once_the_whole_first_step_is_on_screen(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render runs in a thread that shares the interpreter with the UI thread: started
    while the first step is being completed, it delays the step a person is waiting for."""
    seen: list[tuple[bool, list[str]]] = []
    render_now = PreviewPane.render_now

    def spy(self: PreviewPane) -> None:
        screen = wizard(self.app)
        missing = [f.key for f in fields_of_step(STEPS[0].key) if screen.editor(f.key) is None]
        seen.append((screen.forms_settled, missing))
        render_now(self)

    monkeypatch.setattr(PreviewPane, "render_now", spy)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert wizard(app).rendered is not None
    assert seen and seen[0] == (True, [])
