"""Every use of Textual's private API: here, and TextArea's in textual_compat_text_area.py.

Textual is pinned (8.2.8, see pyproject.toml). Each item below names what it relies on, and
tests/ui/test_textual_compat.py fails if an upgrade takes it away or changes its behaviour, so an
upgrade is one module to review rather than a hunt through the UI.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import constants, events
from textual._compositor import ChopsUpdate, Compositor
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.app import App
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from tui.core.crashlog import crash_line, write_crash_file
from tui.core.sanitize import strip_controls

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.style import Style
    from textual.dom import DOMNode
    from textual.message import Message
    from textual.strip import Strip

TEXTUAL_VERSION = "8.2.8"

ReturnType = TypeVar("ReturnType")


# --- thread workers ------------------------------------------------------------------------------


class _ContextPerJobExecutor(ThreadPoolExecutor):
    """Runs each job in a copy of the submitter's context, not in the pool thread's own."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


def isolate_thread_worker_contexts() -> None:
    """Textual 8.2.8's thread workers (`Worker._run_threaded`) set the `active_worker` context
    variable inside the pool thread and never reset it, so an idle pool thread keeps its last
    worker, and through it that worker's screen and every widget of it, after the screen has
    closed. Jobs run in a context copy are forgotten with the copy. Textual runs them with
    `loop.run_in_executor(None, ...)`: this sets that default executor for the running loop."""
    asyncio.get_running_loop().set_default_executor(_ContextPerJobExecutor())


# --- screens -------------------------------------------------------------------------------------


def give_default_screen_a_result_callback(app: App[Any], screen: Screen[Any]) -> None:
    """Textual 8.2.8: `App.switch_screen` pops the current screen's result callback, and the
    default screen (App.get_default_screen) is given none, so switching away from it fails.
    Screen._push_result_callback is what push_screen itself uses."""
    screen._push_result_callback(app, None)


class StyledOnceScreen(Screen[None]):
    """A screen whose widgets are styled once when it first shows, not twice.

    Textual 8.2.8 styles every widget as it mounts, then posts the new screen a ScreenResume
    whose `refresh_styles` (Screen._on_screen_resume) applies the whole stylesheet to every
    widget again, though nothing changed in between: on the wizard that second pass was about a
    tenth of the work before the first frame. Later resumes restyle as Textual decides.
    """

    _resumed_once = False
    # Textual 8.2.8's Screen.focused repaints the whole screen when focus moves: every Tab
    # wrote the full screen again (17 KB at 120x40). The widgets focused and blurred repaint
    # themselves (Widget._on_focus/_on_blur), and so does whatever :focus-within restyles.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False
        super()._on_screen_resume(event)


class _DirtyRowsCompositor(Compositor):
    """Textual 8.2.8's `Compositor._get_renders` paints a partial update (a key echoed in a
    field) with every widget whose *clip* (its container's area) overlaps the changed area,
    each over its whole height: on the wizard about 20 widgets and 300 rows for one changed
    line. Only the widgets whose visible part overlaps a changed region can show in it, and
    only in that region's rows. Textual also paints the box around all changed regions: a field
    and the prompt's scrollbar changed together (a field grew) repainted the whole prompt and
    every field between them; each region is painted on its own here. Columns stay whole:
    `_render_chops` divides each strip at widgets' edges.
    """

    #: The regions of the partial update being painted (None otherwise: a full update, or a
    #: screenshot's render_strips, paint the crop they are given).
    _painting: list[Region] | None = None
    #: Leave out what widgets paint where their children cover them (see _children_tiles).
    skip_covered = True
    _tiles_for: dict[Widget, tuple[Region, Region]] | None = None
    _tiles: dict[Widget, list[Region]] = {}  # noqa: RUF012 - replaced, never changed in place

    def render_partial_update(self) -> ChopsUpdate | None:
        self._painting = list(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._painting = None

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        changed = self._painting or [crop]
        visible_widgets = self.visible_widgets
        tiles: dict[Widget, list[Region]] = {}
        if self.skip_covered:
            # Textual makes a new map when the layout changes: each key typed reuses this one.
            if self._tiles_for is not visible_widgets:
                self._tiles = _children_tiles(visible_widgets)
                self._tiles_for = visible_widgets
            tiles = self._tiles
        for widget, (region, clip) in visible_widgets.items():
            visible = region.intersection(clip)
            if not crop.overlaps(visible):
                continue
            areas = changed
            children = tiles.get(widget)
            if children is not None:
                # Where its children cover it, a widget's own paint never shows: a key typed in
                # a field is painted by the field's editor alone, not by the form and the box
                # around it as well (a full frame leaves such a widget out altogether).
                areas = [a for a in changed if not _tiled(visible.intersection(a), children)]
            for top, bottom in _row_spans(visible, areas):
                rows = Region(visible.x, top, visible.width, bottom - top)
                yield region, rows, widget.render_lines(rows.translate((-region.x, -region.y)))


def _children_tiles(
    visible_widgets: dict[Widget, tuple[Region, Region]],
) -> dict[Widget, list[Region]]:
    """The visible parts of each widget's visible children, for the widgets whose children do
    not overlap one another. Textual paints every container under its children (the screen,
    the body, each field's box), and a child's lines already carry the backgrounds behind it,
    so where the children are, the container's paint is hidden."""
    parts: dict[Widget, list[Region]] = {}
    for widget, (region, clip) in visible_widgets.items():
        parent = widget.parent
        if isinstance(parent, Widget) and parent in visible_widgets:
            parts.setdefault(parent, []).append(region.intersection(clip))
    return {
        parent: regions
        for parent, regions in parts.items()
        if not any(a.overlaps(b) for i, a in enumerate(regions) for b in regions[i + 1 :])
    }


def _tiled(area: Region, tiles: list[Region]) -> bool:
    """Whether tiles that do not overlap one another cover `area` whole: exactly when the
    parts of them inside it add up to its size."""
    return sum(tile.intersection(area).area for tile in tiles) == area.area


def _row_spans(visible: Region, changed: list[Region]) -> list[tuple[int, int]]:
    """The rows of `visible` that some changed region overlaps, as merged [top, bottom) spans."""
    spans = sorted(
        (max(visible.y, area.y), min(visible.bottom, area.bottom))
        for area in changed
        if visible.overlaps(area)
    )
    merged: list[tuple[int, int]] = []
    for top, bottom in spans:
        if merged and top <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
        else:
            merged.append((top, bottom))
    return merged


def paint_only_dirty_rows(screen: Screen[Any]) -> None:
    """Give a new screen the compositor above (before it is laid out: it starts empty)."""
    screen._compositor = _DirtyRowsCompositor()


# --- typing without laying out the screen -------------------------------------------------------


class FixedBoxInput(Input):
    """An Input whose box never depends on its text (the fields': one line, the form's width).

    Textual 8.2.8's `Input._watch_value` sets `virtual_size` to the text's width on every
    change, and `Widget.virtual_size` is a layout reactive: each key typed laid out the whole
    screen, in proportion to the widgets on it. Only the input's own scroll range depends on
    the text, and Input reads that from virtual_size directly, so a repaint is enough. Input
    still asks for a layout itself when its size is `auto`.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._kept_styles: dict[object, Style] = {}
        super().__init__(*args, **kwargs)

    # Textual 8.2.8's Widget.refresh empties the widget's cache of component styles on every
    # repaint, and Input.render_line works out its own style and its cursor's on every key,
    # across its ancestors. They change only when styles are applied again (focus, hover, a
    # class, the theme), which calls notify_style_update on every node restyled: Textual
    # empties its own visual style cache there and only there, and so does this one.
    def notify_style_update(self) -> None:
        self._kept_styles.clear()
        super().notify_style_update()

    def get_component_rich_style(
        self, *names: str, partial: bool = False, default: Style | None = None
    ) -> Style:
        if default is not None:
            return super().get_component_rich_style(*names, partial=partial, default=default)
        key = (names, partial)
        style = self._kept_styles.get(key)
        if style is None:
            style = self._kept_styles[key] = super().get_component_rich_style(
                *names, partial=partial
            )
        return style

    @property
    def rich_style(self) -> Style:
        style = self._kept_styles.get("rich_style")
        if style is None:
            style = self._kept_styles["rich_style"] = super().rich_style
        return style

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        """Textual 8.2.8's ScrollView.watch_scroll_x moves the horizontal scrollbar whenever it
        is "shown", and Input's is shown 0 rows high (`scrollbar-size-horizontal: 0`): each key
        that scrolled the text refreshed a widget that is not on screen, after which the
        compositor arranged the whole screen again to find it. Only the text needs redrawing."""
        if self.show_horizontal_scrollbar and self.styles.scrollbar_size_horizontal:
            self.horizontal_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)


class _SizedByLayout:
    """Textual 8.2.8's `Widget._size_updated` gives a container the virtual size the layout
    just computed (its children's extent) through `virtual_size`, a layout and repaint
    reactive: a field growing by a row changed the virtual size of its editor and of the form,
    so each such key laid the screen out a second time and repainted the whole form again. The
    layout has already placed everything at that size; `_size_updated` brings a scrolling
    container's scrollbars up to date itself, and a scrollbar shown or hidden asks for its own
    layout (`show_vertical_scrollbar` is a layout reactive)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)


class LaidOutVertical(_SizedByLayout, Vertical):
    """A Vertical whose new virtual size asks for no second layout (see _SizedByLayout)."""


class LaidOutVerticalScroll(_SizedByLayout, VerticalScroll):
    """A VerticalScroll whose new virtual size asks for no second layout (see _SizedByLayout)."""


# --- notifications (tests read them) -------------------------------------------------------------


def notification_messages(app: App[Any]) -> list[str]:
    """Textual 8.2.8 keeps the live notifications in App._notifications (no public reader)."""
    return [notification.message for notification in app._notifications]


# --- reactive watchers that outlive their widget -------------------------------------------------


def forget_watchers_of(node: DOMNode, watched: DOMNode) -> None:
    """Drop what `node.watch(watched, ...)` registered.

    Textual 8.2.8 keeps such watchers in a list on the watched object (the "__watchers"
    attribute, see textual.reactive._watch) and prunes a closed widget only when the attribute
    next changes. TextArea watches `app.theme` on mount, so every TextArea ever mounted stayed
    alive, with its document, until the theme changed: memory grew with every incident opened.
    """
    watchers: dict[str, list[tuple[object, object]]] = getattr(watched, "__watchers", {})
    for name, entries in watchers.items():
        watchers[name] = [entry for entry in entries if entry[0] is not node]


def release_style_caches() -> None:
    """Textual 8.2.8 memoises StylesCache.get_inner_outer with functools.lru_cache(1024) on a
    method, so the cache's keys hold up to 1024 StylesCache objects, each with the rendered
    lines of a widget long gone (about 10,000 objects per incident opened and closed). Emptied
    whenever a screen is replaced; it refills at once with what is on screen."""
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()


# --- errors: one line and a crash file, never a traceback with locals ----------------------------


class CrashReportingApp(App[ReturnType]):
    """An App whose unexpected errors end as one line plus a private crash file.

    Textual 8.2.8 handles an error from a handler in App._handle_exception, which renders a
    rich Traceback with show_locals=True (App._fatal_error) and prints it on exit: the locals
    hold incident text, secrets included. The input thread's errors reach App.panic with a
    Traceback too. Both become one line (crash_report) and a crash file here; the exception
    is still kept for Pilot tests.
    """

    #: The directory under which crash files go (None: the default home).
    crash_home: Path | None = None
    _crash_line: str | None = None

    def _handle_exception(self, error: Exception) -> None:
        if self._crash_line is None:
            details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            self._crash_line = crash_line(
                type(error).__name__, write_crash_file(self.crash_home, details)
            )
        # The rest of Textual's handling (return code, the exception kept for Pilot) is wanted;
        # its rendering is replaced by _fatal_error and panic below.
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        self.bell()
        self.panic(self._crash_line or crash_line("error", None))

    def panic(self, *renderables: RenderableType) -> None:
        from rich.traceback import Traceback

        if self._crash_line is None:
            for renderable in renderables:
                if isinstance(renderable, Traceback):
                    path = write_crash_file(self.crash_home, _plain_text(renderable))
                    stacks = renderable.trace.stacks
                    kind = stacks[-1].exc_type if stacks else "error"
                    self._crash_line = crash_line(kind, path)
        # The line is printed by whoever ran the app (tui.ui.app.run_tui), after the terminal
        # is restored: printed through Textual, a long path would be cropped to its width.
        super().panic(*(() if self._crash_line is not None else renderables))

    @property
    def crash_report(self) -> str | None:
        """The one line for the user if the app ended on an unexpected error."""
        return self._crash_line


def _plain_text(renderable: RenderableType) -> str:
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    Console(file=out, width=100, color_system=None, force_terminal=False).print(renderable)
    return out.getvalue()


# --- bracketed paste ----------------------------------------------------------------------------


def _partial_marker(data: str, marker: str) -> int:
    """How many characters at the end of data could begin marker (0 if none)."""
    for size in range(min(len(marker) - 1, len(data)), 0, -1):
        if marker.startswith(data[-size:]):
            return size
    return 0


class PasteParser(XTermParser):
    """Textual's input parser, with bracketed pastes taken out before it sees them.

    Textual 8.2.8's XTermParser reads a paste one character at a time and, on an ESC inside it,
    starts reading an escape sequence: a pasted log with colour codes came out scrambled, its
    sequences turned into key presses. Here the paste's end marker is found with a string
    search, whatever lies between the markers becomes one Paste event, and its escape sequences
    and control characters are dropped in one pass (every widget then gets clean text).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paste: list[str] | None = None
        self._held = ""
        self._held_since = 0.0

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input
            held, self._held = self._held, ""
            return [*self._feed_keys(held), *super().feed("")]
        data, self._held = self._held + data, ""
        out: list[Message] = []
        while data:
            if self._paste is not None:
                end = data.find(BRACKETED_PASTE_END)
                if end < 0:
                    keep = _partial_marker(data, BRACKETED_PASTE_END)
                    self._paste.append(data[: len(data) - keep])
                    self._held = data[len(data) - keep :]
                    break
                self._paste.append(data[:end])
                text = "".join(self._paste)
                self._paste = None
                out.append(events.Paste(strip_controls(text)))
                data = data[end + len(BRACKETED_PASTE_END) :]
                continue
            start = data.find(BRACKETED_PASTE_START)
            if start < 0:
                # A start marker split across two reads: hold its beginning back; tick() hands
                # it on as keys if nothing follows (as Textual waits after a lone ESC).
                keep = _partial_marker(data, BRACKETED_PASTE_START)
                out.extend(self._feed_keys(data[: len(data) - keep]))
                self._held = data[len(data) - keep :]
                self._held_since = time.monotonic()
                break
            out.extend(self._feed_keys(data[:start]))
            self._paste = []
            data = data[start + len(BRACKETED_PASTE_START) :]
        return out

    def _feed_keys(self, data: str) -> list[Message]:
        return list(super().feed(data)) if data else []

    def tick(self) -> Iterable[Message]:
        waited = time.monotonic() - self._held_since
        if self._held and self._paste is None and waited >= constants.ESCAPE_DELAY:
            held, self._held = self._held, ""
            yield from self._feed_keys(held)
        yield from super().tick()


def install_paste_parser() -> None:
    """Make Textual's terminal drivers read input with PasteParser.

    Textual 8.2.8's LinuxDriver (and its inline variant) create their parser as
    `XTermParser(...)` from their module's namespace in run_input_thread; there is no public way
    to choose it. Called by the program that runs the UI, never at import.
    """
    from textual.drivers import linux_driver, linux_inline_driver

    linux_driver.XTermParser = PasteParser  # type: ignore[attr-defined]
    linux_inline_driver.XTermParser = PasteParser  # type: ignore[attr-defined]
