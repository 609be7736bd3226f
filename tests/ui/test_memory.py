"""Opening and closing incidents from the picker does not grow memory."""

from __future__ import annotations

import gc
from collections.abc import Callable

from incident_demo import add_picker_sessions
from ui_helpers import settle

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.screens.picker import PickerScreen
from tui.ui.screens.wizard import WizardScreen
from tui.ui.widgets.text_area import FieldTextArea

MakeApp = Callable[..., IncidentApp]


def live(kind: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


async def test_opening_and_closing_30_incidents_levels_off(
    make_app: MakeApp, store: SessionStore
) -> None:
    add_picker_sessions(store)
    app = make_app("picker")
    counts: list[tuple[int, int, int]] = []
    async with app.run_test() as pilot:
        await settle(pilot)
        for cycle in range(30):
            await pilot.press("enter")  # open the highlighted incident
            await settle(pilot)
            assert isinstance(app.screen, WizardScreen)
            await pilot.press("f7")  # the Evidence step: its text areas are mounted
            await settle(pilot)
            app.open_picker()
            await settle(pilot)
            assert isinstance(app.screen, PickerScreen)
            if cycle in (9, 29):
                counts.append((live(FieldTextArea), live(WizardScreen), len(gc.get_objects())))
    (_, _, objects_10), (text_areas_30, wizards_30, objects_30) = counts
    # Back on the picker, no editor of a closed incident is alive.
    assert text_areas_30 == 0, f"{text_areas_30} text areas still alive after 30 incidents"
    assert wizards_30 == 0
    # And the rest levels off: each incident used to leave about 10,000 objects behind (the
    # rendered lines of its widgets, kept by a style cache).
    assert objects_30 - objects_10 < 20 * 2500, (objects_10, objects_30)


async def peak_of_opening(make_app: MakeApp, store: SessionStore, log: str) -> int:
    """Bytes allocated at the peak of resuming an incident with `log` in its logs field, the
    Evidence step shown and every worker (preview, autosave) done."""
    import tracemalloc

    session = store.create("memory")
    session.set("error_logs", log)
    path = store.save(session)
    gc.collect()
    tracemalloc.start()
    try:
        app = make_app("resume", path)
        async with app.run_test() as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n")
            await settle(pilot)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_a_big_log_is_held_about_once_while_the_wizard_shows_it(
    make_app: MakeApp, store: SessionStore
) -> None:
    size = 4 * 1024 * 1024
    line = "2026-11-29T14:07:01Z ERROR checkout-api upstream timeout after 3000 ms\n"
    log = line * (size // len(line))
    without = await peak_of_opening(make_app, store, "")
    with_log = await peak_of_opening(make_app, store, log)
    # One copy for the session, and transient ones while the file is read and parsed; the
    # stripped copies made to count unknowns and to build the prompt took it to 4 bytes a byte.
    assert with_log - without < 2 * len(log), (with_log - without) / len(log)
