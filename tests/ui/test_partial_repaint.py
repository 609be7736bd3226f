"""What a terminal shows after the wizard's partial repaints is what a full repaint shows.

The wizard paints a change with only the widgets that can show in it, and only their rows
(textual_compat._DirtyRowsCompositor). These tests replay every byte the app writes into a small
terminal model (cursor moves, colours, text) and compare it, cell by cell and colour by colour,
with a full repaint of the same screen after each step of an edit session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from rich.cells import cell_len
from textual._compositor import Compositor
from textual.drivers import headless_driver
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from ui_helpers import settle, wizard

from tui.core.session import SessionStore
from tui.ui import textual_compat
from tui.ui.app import IncidentApp
from tui.ui.textual_compat import _DirtyRowsCompositor
from tui.ui.widgets.key_bar import KeyBar

MakeApp = Callable[..., IncidentApp]

_ESCAPE = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


class Terminal:
    """Cells of (character, colours): enough of a terminal for what Textual writes."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells = [[(" ", "")] * width for _ in range(height)]
        self.x = self.y = 0
        self.sgr = ""

    def feed(self, data: str) -> None:
        at = 0
        for match in _ESCAPE.finditer(data):
            self._text(data[at : match.start()])
            at = match.end()
            params, command = match.group(1), match.group(2)
            if command == "H":
                row, _, column = (params or "1;1").partition(";")
                self.y, self.x = int(row or 1) - 1, int(column or 1) - 1
            elif command == "m":
                self.sgr = "" if params in ("", "0") else params
        self._text(data[at:])

    def _text(self, text: str) -> None:
        for char in text:
            if char == "\n":
                self.y, self.x = self.y + 1, 0
                continue
            if char == "\r":
                self.x = 0
                continue
            width = cell_len(char)
            if 0 <= self.y < self.height and 0 <= self.x < self.width and width:
                self.cells[self.y][self.x] = (char, self.sgr)
                if width == 2 and self.x + 1 < self.width:
                    self.cells[self.y][self.x + 1] = ("", self.sgr)
            self.x += width

    def differences(self, other: Terminal) -> list[str]:
        found = []
        for y, (mine, theirs) in enumerate(zip(self.cells, other.cells, strict=True)):
            if mine != theirs:
                x = next(x for x, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b)
                shown = "".join(c for c, _ in mine)
                wanted = "".join(c for c, _ in theirs)
                found.append(f"row {y} from column {x}:\n  shown  {shown!r}\n  wanted {wanted!r}")
        return found


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app writes to its terminal: the test driver claims to be one, so that Textual
    encodes each frame."""
    data: list[str] = []
    monkeypatch.setattr(headless_driver.HeadlessDriver, "is_headless", property(lambda _: False))
    monkeypatch.setattr(headless_driver.HeadlessDriver, "write", lambda _, text: data.append(text))
    return data


def _full_repaint(app: IncidentApp) -> Terminal:
    """Every widget painted, the covered ones too: what the screen must look like."""
    width, height = app.size
    terminal = Terminal(width, height)
    compositor = app.screen._compositor
    ours = isinstance(compositor, _DirtyRowsCompositor)
    if ours:
        compositor.skip_covered = False
    try:
        strips = compositor.render_strips()
    finally:
        if ours:
            compositor.skip_covered = True
    for y, strip in enumerate(strips):
        terminal.feed(f"\x1b[{y + 1};1H" + strip.render(app.console))
    return terminal


async def _edit_session(
    app: IncidentApp, pilot: Pilot[Any], written: list[str], size: tuple[int, int]
) -> list[str]:
    """Edits of every kind the wizard repaints in part; the differences seen after each."""
    terminal = Terminal(*size)
    problems: list[str] = []

    async def check(step: str) -> None:
        await settle(pilot, 0.3)
        terminal.feed("".join(written))
        written.clear()
        problems.extend(f"after {step}: {d}" for d in terminal.differences(_full_repaint(app)))

    await check("the first frame")
    await pilot.press(*"checkout 500s")
    await check("typing the title")
    await wizard(app).focus_field("incident_summary")
    await check("moving to the summary")
    for n in range(3):
        await pilot.press(*"the pods restart every few minutes since the deploy at 14:02 ")
        await check(f"typing the summary, line {n}")
    await pilot.press("up", "up", "shift+left", "shift+left", "shift+left")
    await check("selecting in the summary")
    await pilot.press("tab")
    await check("tab to the next field")
    await pilot.press("ctrl+n")
    await check("the next step")
    await pilot.press("ctrl+p")
    await check("back to the first step")
    return problems


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_partial_repaints_show_what_a_full_repaint_shows(
    make_app: MakeApp, written: list[str], size: tuple[int, int]
) -> None:
    app = make_app("new")
    async with app.run_test(size=size) as pilot:
        assert type(app.screen._compositor).__name__ == "_DirtyRowsCompositor"
        assert await _edit_session(app, pilot, written, size) == []


class _ColumnsCroppedCompositor(Compositor):
    """Crops each widget's render to the changed columns too: the strips no longer start at a
    widget's edge, where the compositor divides them. A wrong variant, for the test below."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        for widget, (region, clip) in self.visible_widgets.items():
            visible = region.intersection(clip).intersection(crop)
            if visible:
                yield region, visible, widget.render_lines(visible.translate(-region.offset))


async def test_the_comparison_sees_a_wrong_repaint(
    make_app: MakeApp, written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above has teeth: a compositor that paints strips at the wrong columns fails."""
    monkeypatch.setattr(textual_compat, "_DirtyRowsCompositor", _ColumnsCroppedCompositor)
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        assert await _edit_session(app, pilot, written, (120, 40))


def _spy_painted_rows(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Rows each widget paints from now on (until monkeypatch.undo), by type and id."""
    painted: dict[str, int] = {}
    render_lines = Widget.render_lines

    def spy(self: Widget, crop: Region) -> list[Strip]:
        name = f"{type(self).__name__}#{self.id}"
        painted[name] = painted.get(name, 0) + crop.height
        return render_lines(self, crop)

    monkeypatch.setattr(Widget, "render_lines", spy)
    return painted


async def test_a_key_typed_in_a_field_is_painted_by_the_widgets_under_it_alone(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual painted each key echoed in Title with about 20 widgets (every one whose container
    overlaps the field, the step list, the preview and the key bar among them), each over its
    whole height."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await settle(pilot, 0.3)
        painted = _spy_painted_rows(monkeypatch)
        await pilot.press("b")
        await pilot.pause()
        monkeypatch.undo()
        assert "FieldInput#input-title" in painted
        for elsewhere in ("StepList#steps", "PreviewPane#preview", "FieldEditor#field-severity"):
            assert elsewhere not in painted
        assert sum(painted.values()) <= 2 * len(painted)


async def test_changes_far_apart_are_painted_each_in_its_own_rows(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual painted the box around all the changed regions: after a field grew, the key that
    followed (the field and the prompt's scrollbar changed) repainted the whole prompt and every
    field between them. Here Title and the key bar, at the top and the bottom, change together."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 0.3)
        screen = app.screen
        title = screen.query_one("#input-title", Widget)
        key_bar = screen.query_one(KeyBar)
        painted = _spy_painted_rows(monkeypatch)
        title.refresh()
        key_bar.refresh()
        await pilot.pause()
        monkeypatch.undo()
        assert "FieldInput#input-title" in painted
        assert "KeyBar#None" in painted
        for between in ("PreviewPane#preview", "FieldEditor#field-severity", "StepList#steps"):
            assert between not in painted
        assert sum(painted.values()) <= 2 * len(painted)


async def test_the_first_frame_leaves_out_what_children_cover_whole(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen and the body are painted and then painted over by their children in every
    full frame; the first frame leaves them out, and still shows what every widget painted
    shows (test_partial_repaints_show_what_a_full_repaint_shows checks the cells). A field has
    no box: its head and its editor are side by side in the form, each painted once."""
    painted = _spy_painted_rows(monkeypatch)
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0)
        for hidden in ("WizardScreen#None", "Horizontal#body"):
            assert hidden not in painted
        for shown in (
            "StepList#steps",
            "FieldInput#input-title",
            "StepForm#step-context",
            "FieldEditor#field-title",
        ):
            assert shown in painted


async def test_the_picker_repaints_in_part_too(store: SessionStore, written: list[str]) -> None:
    for title in ("checkout 500s", "search latency", "login emails late"):
        store.save(store.create(title))
    app = IncidentApp(store, start="picker", blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = Terminal(100, 30)
        await settle(pilot, 0.3)
        assert type(app.screen._compositor).__name__ == "_DirtyRowsCompositor"
        for keys in (["down"], list("search"), ["backspace"] * 3, ["down", "up"]):
            await pilot.press(*keys)
            await settle(pilot, 0.3)
            terminal.feed("".join(written))
            written.clear()
            assert terminal.differences(_full_repaint(app)) == [], keys
