"""What tui/ui/textual_compat.py relies on in Textual's internals: these fail if an upgrade of
Textual takes it away or changes it, so the one module can be reviewed then."""

from __future__ import annotations

import gc
import inspect
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, cast

import pytest
import textual
from textual import constants, events
from textual.app import App, ComposeResult
from textual.css.stylesheet import Stylesheet
from textual.drivers import linux_driver, linux_inline_driver
from textual.drivers._writer_thread import WriterThread
from textual.drivers.headless_driver import HeadlessDriver
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import Input, TextArea
from ui_helpers import settle, wizard

from tui.core.session import SessionStore
from tui.ui import textual_compat
from tui.ui.app import IncidentApp
from tui.ui.textual_compat import PasteParser, forget_watchers_of
from tui.ui.textual_compat_driver import FramesFirstDriver, _FlushNotice, frames_first
from tui.ui.textual_compat_text_area import FullBoxTextArea
from tui.ui.widgets.preview import PreviewPane

MakeApp = Callable[..., IncidentApp]


def test_textual_is_the_version_the_compat_module_was_written_for() -> None:
    assert textual.__version__ == textual_compat.TEXTUAL_VERSION


def test_screens_take_result_callbacks_as_push_screen_gives_them() -> None:
    assert "requester" in inspect.signature(Screen._push_result_callback).parameters
    assert "_push_result_callback" in inspect.getsource(App.switch_screen)
    assert "_pop_result_callback" in inspect.getsource(App.switch_screen)


async def test_notifications_are_readable(make_app: MakeApp) -> None:
    app = make_app("new")
    async with app.run_test() as pilot:
        app.notify("hello there")
        await settle(pilot)
        assert textual_compat.notification_messages(app) == ["hello there"]


def test_errors_go_through_handle_exception_fatal_error_and_panic() -> None:
    source = inspect.getsource(App._handle_exception)
    assert "self._fatal_error()" in source and "self.panic(" in source
    assert "self._exception = error" in source
    assert "show_locals=True" in inspect.getsource(App._fatal_error)
    # The input thread's errors reach panic with a Traceback.
    thread = inspect.getsource(linux_driver.LinuxDriver._run_input_thread)
    assert "self._app.panic" in thread and "Traceback()" in thread


def test_the_drivers_build_their_parser_from_their_module_namespace() -> None:
    for module, driver in (
        (linux_driver, linux_driver.LinuxDriver),
        (linux_inline_driver, linux_inline_driver.LinuxInlineDriver),
    ):
        assert "XTermParser(" in inspect.getsource(driver.run_input_thread)
        assert hasattr(module, "XTermParser")


def test_watchers_are_kept_on_the_watched_object_as_node_callback_pairs() -> None:
    from textual import reactive

    source = inspect.getsource(reactive._watch)
    assert '"__watchers"' in source and "watcher_list.append((node, callback))" in source
    from textual.widgets import TextArea

    assert 'self.watch(self.app, "theme"' in inspect.getsource(TextArea._on_mount)


async def test_a_removed_text_area_is_no_longer_watched_by_the_app(make_app: MakeApp) -> None:
    from tui.ui.widgets.text_area import FieldTextArea

    app = make_app("new")
    async with app.run_test() as pilot:
        await settle(pilot)
        area = app.screen.query(FieldTextArea).first()
        watchers = getattr(app, "__watchers")["theme"]
        assert any(node is area for node, _ in watchers)
        forget_watchers_of(area, app)
        assert not any(node is area for node, _ in getattr(app, "__watchers")["theme"])


def test_the_style_cache_is_an_lru_cache_on_a_method() -> None:
    from textual._styles_cache import StylesCache

    assert hasattr(StylesCache.get_inner_outer, "cache_clear")
    textual_compat.release_style_caches()
    assert StylesCache.get_inner_outer.cache_info().currsize == 0


# --- the paste parser ----------------------------------------------------------------------------

COLOUR_LOG = (
    "orchestrator: \x1b[1mrecovery\x1b[0m promoted=mysql1-db-57\r\n"
    "\x1b[31mERROR\x1b[0m replica lag 412s\n\ttail \x1b]2;title\x07done"
)
CLEAN_LOG = "orchestrator: recovery promoted=mysql1-db-57\nERROR replica lag 412s\n\ttail done"


def feed_all(parser: PasteParser, *chunks: str) -> list[object]:
    out: list[object] = []
    for chunk in chunks:
        out += list(parser.feed(chunk))
    return out


def test_a_paste_with_escape_sequences_arrives_whole_and_clean() -> None:
    data = "a\x1b[200~" + COLOUR_LOG + "\x1b[201~b"
    got = feed_all(parser := PasteParser(), data)
    keys = [e.key for e in got if isinstance(e, events.Key)]
    pastes = [e.text for e in got if isinstance(e, events.Paste)]
    assert pastes == [CLEAN_LOG]
    assert keys == ["a", "b"]
    assert not list(parser.tick())


def test_a_paste_split_across_reads_anywhere_arrives_whole() -> None:
    data = "\x1b[200~" + COLOUR_LOG + "\x1b[201~"
    for cut in range(1, len(data)):
        for second in {min(cut + 1, len(data)), max(cut, len(data) - 3)}:
            parser = PasteParser()
            parts = [data[:cut], data[cut:second], data[second:]]
            got = feed_all(parser, *[p for p in parts if p])
            pastes = [e.text for e in got if isinstance(e, events.Paste)]
            assert pastes == [CLEAN_LOG], (cut, second)
            assert not [e for e in got if isinstance(e, events.Key)], (cut, second)


def test_textual_alone_still_scrambles_such_a_paste() -> None:
    """Why PasteParser exists: remove it when this fails (Textual fixed the parser)."""
    from textual._xterm_parser import XTermParser

    data = "\x1b[200~" + COLOUR_LOG + "\x1b[201~"
    got = list(XTermParser().feed(data))
    pastes = [e.text for e in got if isinstance(e, events.Paste)]
    assert pastes != [COLOUR_LOG]


def test_keys_outside_a_paste_parse_as_textual_parses_them() -> None:
    from textual._xterm_parser import XTermParser

    data = "ab\x1b[A\x1b[1;5C\r\x7f\x1b[2~z\t"
    ours = [(e.key, e.character) for e in PasteParser().feed(data) if isinstance(e, events.Key)]
    theirs = [(e.key, e.character) for e in XTermParser().feed(data) if isinstance(e, events.Key)]
    assert ours == theirs and len(ours) == 9
    # A key whose sequence begins like the paste marker, split across two reads.
    parser = PasteParser()
    got = feed_all(parser, "\x1b[2", "~")
    assert [e.key for e in got if isinstance(e, events.Key)] == ["insert"]
    # A lone ESC (the Escape key) is handed on once nothing follows it.
    parser = PasteParser()
    assert feed_all(parser, "\x1b") == []
    time.sleep(constants.ESCAPE_DELAY * 2)
    got = list(parser.tick())
    got += list(parser.tick()) if not got else []
    time.sleep(constants.ESCAPE_DELAY * 2)
    got += list(parser.tick())
    assert [e.key for e in got if isinstance(e, events.Key)] == ["escape"]


def test_install_paste_parser_replaces_the_drivers_parser(monkeypatch: object) -> None:
    import pytest

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(linux_driver, "XTermParser", linux_driver.XTermParser)
        mp.setattr(linux_inline_driver, "XTermParser", linux_inline_driver.XTermParser)
        textual_compat.install_paste_parser()
        assert linux_driver.XTermParser is PasteParser
        assert linux_inline_driver.XTermParser is PasteParser
    finally:
        mp.undo()
    gc.collect()


def test_a_big_paste_read_4_kb_at_a_time_arrives_as_one_clean_event() -> None:
    """As Textual's driver reads the terminal: 4 KB a read. The paste is split across hundreds
    of reads, and here its end marker across two of them as well; it arrives once, whole."""
    body = "\n".join(f"{n:06d} {COLOUR_LOG}" for n in range(6_000))
    data = "x" + "\x1b[200~" + body + "\x1b[201~" + "y"
    end = data.index("\x1b[201~")
    for split in (2, 3, 5):  # where in the end marker one read ends and the next begins
        start = (end + split) % 4096
        chunks = [data[:start]] + [data[i : i + 4096] for i in range(start, len(data), 4096)]
        assert any(c.endswith(data[end : end + split]) for c in chunks), split
        parser = PasteParser()
        got = feed_all(parser, *chunks)
        pastes = [e.text for e in got if isinstance(e, events.Paste)]
        keys = [e.key for e in got if isinstance(e, events.Key)]
        clean = "\n".join(f"{n:06d} {CLEAN_LOG}" for n in range(6_000))
        assert pastes == [clean], split
        assert keys == ["x", "y"], split


class _WorkerScreen(Screen[None]):
    """A screen that does one job in a thread worker, as the wizard's file check does."""

    def on_mount(self) -> None:
        self.run_worker(lambda: None, thread=True)


def _closed_screen_alive(isolate: bool) -> Callable[[], Any]:
    class ThreadWorkerApp(App[None]):
        def on_load(self) -> None:
            if isolate:
                textual_compat.isolate_thread_worker_contexts()

    async def run() -> bool:
        app = ThreadWorkerApp()
        async with app.run_test() as pilot:
            screen = _WorkerScreen()
            await app.push_screen(screen)
            await settle(pilot)
            ref = weakref.ref(screen)
            del screen
            app.pop_screen()
            await settle(pilot)
            gc.collect()
            return ref() is not None

    return run


async def test_textual_thread_workers_keep_their_closed_screen_alive_without_the_fix() -> None:
    # What isolate_thread_worker_contexts works around: if this fails, Textual no longer leaves
    # its last worker in the pool thread, and the workaround can go.
    assert await _closed_screen_alive(isolate=False)()


async def test_a_closed_screen_is_freed_after_its_thread_worker_ran() -> None:
    assert not await _closed_screen_alive(isolate=True)()


# --- typing without laying out the screen -------------------------------------------------------


class _OneInput(App[None]):
    def __init__(self, input_widget: Input) -> None:
        super().__init__()
        self.input_widget = input_widget

    def compose(self) -> ComposeResult:
        yield self.input_widget


async def test_textual_inputs_still_set_a_layout_reactive_on_every_key() -> None:
    """Why FixedBoxInput exists: a plain Input's virtual size follows its text, and the virtual
    size is a layout reactive."""
    assert vars(Widget.virtual_size)["_layout"] is True
    assert "self.virtual_size = " in inspect.getsource(Input._watch_value)
    app = _OneInput(Input())
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.press("a")
        before = app.input_widget.virtual_size
        await pilot.press("b", "c")
        assert app.input_widget.virtual_size.width > before.width


async def test_typing_into_a_field_lays_nothing_out(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each key typed into Title used to lay out the whole screen (see FixedBoxInput)."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")  # the first key: the field is no longer unknown (restyled)
        await settle(pilot)
        layouts = _spy_layouts(monkeypatch)
        await pilot.press(*"bcdef")
        await pilot.pause()
        monkeypatch.undo()
        assert app.query_one("#input-title", Input).value == "abcdef"
        assert layouts == []


async def test_typing_refreshes_only_what_is_on_screen(
    make_app: MakeApp, store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh of a widget that is not on screen makes Textual arrange the whole screen again
    to find it; the zero-height scrollbar of a title longer than its field was refreshed on
    every key."""
    session = store.create("a title longer than the field it is shown in, at this width")
    path = store.save(session)
    app = make_app("resume", path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        unseen: list[str] = []
        refresh = Widget.refresh

        def spy(self: Widget, *regions: Any, **kwargs: Any) -> Widget:
            if not self.region:
                unseen.append(repr(self))
            return refresh(self, *regions, **kwargs)

        monkeypatch.setattr(Widget, "refresh", spy)
        await pilot.press(*"checkout returns 500 since the deploy")
        await pilot.pause()
        monkeypatch.undo()
        assert app.query_one("#input-title", Input).value.endswith("since the deploy")
        assert unseen == []


async def test_a_fixed_box_input_scrolls_with_its_cursor_as_an_input_does() -> None:
    """Without the layouts, a long text still scrolls the field to the cursor and back."""
    seen = []
    for widget in (Input(), textual_compat.FixedBoxInput()):
        app = _OneInput(widget)
        async with app.run_test(size=(20, 5)) as pilot:
            await pilot.press(*"abcdefghijklmnopqrstuvwxyz0123456789")
            typed = (widget.scroll_offset, widget.cursor_screen_offset)
            await pilot.press("home")
            seen.append((typed, widget.scroll_offset, widget.cursor_screen_offset))
    assert seen[0][0][0].x > 0
    assert seen[1] == seen[0]


class _OneTextArea(App[None]):
    CSS = "TextArea { height: auto; max-height: 4; border: none; padding: 0; }"

    def __init__(self, area: TextArea) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        yield self.area


def _spy_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    layouts: list[str] = []
    refresh = Widget.refresh

    def spy(self: Widget, *regions: Any, layout: bool = False, **kwargs: Any) -> Widget:
        if layout:
            layouts.append(repr(self))
        return refresh(self, *regions, layout=layout, **kwargs)

    monkeypatch.setattr(Widget, "refresh", spy)
    return layouts


#: Typed at the end of a full box: each word wraps onto a new line of a 20-column area.
_WORDS = " ".join(["abcdefgh"] * 8)


async def test_textual_text_areas_lay_out_the_screen_when_a_full_box_wraps_a_new_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Why FullBoxTextArea exists: a line wrapped anew lays out the screen, though the box is
    full and cannot grow."""
    assert "self.virtual_size = " in inspect.getsource(TextArea._refresh_size)
    app = _OneTextArea(TextArea("x\n" * 10, soft_wrap=True))
    async with app.run_test(size=(20, 8)) as pilot:
        app.area.move_cursor(app.area.document.end)
        await pilot.pause()
        layouts = _spy_layouts(monkeypatch)
        await pilot.press(*_WORDS)
        assert layouts


async def test_typing_into_a_full_box_text_area_lays_nothing_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _OneTextArea(FullBoxTextArea("x\n" * 10, soft_wrap=True))
    async with app.run_test(size=(20, 8)) as pilot:
        app.area.move_cursor(app.area.document.end)
        await pilot.pause()
        before = app.area.wrapped_document.height
        layouts = _spy_layouts(monkeypatch)
        await pilot.press(*_WORDS)
        await pilot.pause()
        assert app.area.wrapped_document.height > before + 3
        assert layouts == []


async def test_typing_into_a_full_multi_line_field_lays_nothing_out(
    make_app: MakeApp, store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The slowest keys typed into the summary were those that wrapped a word onto a new line
    of a field already at its max height: each laid out the whole screen."""
    session = store.create("checkout 500s")
    session.set("incident_summary", "Checkout returns HTTP 500 since the deploy. " * 12)
    path = store.save(session)
    app = make_app("resume", path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wizard(app).focus_field("incident_summary")
        area = app.query_one("#input-incident_summary", TextArea)
        area.move_cursor(area.document.end)
        await settle(pilot)
        before = area.wrapped_document.height
        layouts = _spy_layouts(monkeypatch)
        await pilot.press(*"the pods restart every few minutes since the deploy at 14:02")
        await pilot.pause()
        monkeypatch.undo()
        assert area.wrapped_document.height > before
        assert area.text.endswith("at 14:02")
        assert layouts == []


async def test_a_key_that_grows_a_field_by_a_row_lays_the_screen_out_once(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each row the summary grew by laid the screen out twice, and painted the form twice: the
    field's scrollbar shown for a moment (see above), and the new virtual sizes of the field's
    editor and of the form, which Textual lays out again (LaidOutVertical, LaidOutVerticalScroll
    in textual_compat)."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wizard(app).focus_field("incident_summary")
        area = app.query_one("#input-incident_summary", TextArea)
        await settle(pilot)
        layouts: list[int] = []
        refresh_layout = Screen._refresh_layout

        def spy(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
            layouts.append(area.size.height)
            refresh_layout(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", spy)
        monkeypatch.setattr(PreviewPane, "schedule", lambda self: None)  # the key's alone
        grown = []
        words = "the pods restart every few minutes since the deploy at 14:02"
        for word in words.split(" ") * 4:
            rows = area.size.height
            layouts.clear()
            await pilot.press(*word, "space")
            await settle(pilot, 0.1)
            if area.size.height > rows:
                grown.append(len(layouts))
        monkeypatch.undo()
        assert len(grown) >= 3
        assert grown == [1] * len(grown)


async def test_a_layout_of_the_screen_leaves_the_prompts_scrollbar_alone(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every layout of the screen (here: the summary growing by a row) repainted the scrollbar
    of every TextArea on screen, the prompt's among them, though nothing in it had changed."""
    app = make_app("new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wizard(app).focus_field("incident_summary")
        area = app.query_one("#input-incident_summary", TextArea)
        preview = app.query_one("#preview-text", TextArea)
        await settle(pilot)
        assert preview.show_vertical_scrollbar
        painted: list[str] = []
        render_lines = ScrollBar.render_lines

        def spy(self: ScrollBar, crop: Any) -> Any:
            painted.append(str(self.parent and self.parent.id))
            return render_lines(self, crop)

        monkeypatch.setattr(ScrollBar, "render_lines", spy)
        # The prompt is not updated meanwhile (its scrollbar would change with it): only the
        # layout can repaint it here.
        monkeypatch.setattr(PreviewPane, "schedule", lambda self: None)
        rows = area.size.height
        for key in "the pods restart every few minutes since the deploy at 14:02 " * 2:
            painted.clear()
            await pilot.press(key)
            await pilot.pause()
            if area.size.height > rows:
                break
        monkeypatch.undo()
        assert area.size.height > rows
        assert "step-context" in painted  # the form's: its content grew
        assert "preview-text" not in painted


async def test_a_full_box_text_area_scrolls_grows_and_shrinks_as_a_text_area_does() -> None:
    """Without those layouts, the box, the scroll offset, the cursor and the scrollbar's range
    are what a TextArea's are; an area not yet full still grows, and shrinks when emptied."""
    seen = []
    for area in (TextArea(soft_wrap=True), FullBoxTextArea(soft_wrap=True)):
        app = _OneTextArea(area)
        async with app.run_test(size=(20, 8)) as pilot:
            states = []
            for keys in (_WORDS[:27], _WORDS[27:] + _WORDS[:36], ["up"] * 3):
                await pilot.press(*keys)
                await pilot.pause()
                states.append(
                    (
                        area.size,
                        area.scroll_offset,
                        area.cursor_screen_offset,
                        # a hidden scrollbar's range is not shown: compared when shown
                        area.show_vertical_scrollbar
                        and area.vertical_scrollbar.window_virtual_size,
                        area.show_vertical_scrollbar,
                    )
                )
            area.clear()
            await pilot.pause()
            states.append((area.size, area.scroll_offset, area.show_vertical_scrollbar))
            seen.append(states)
    assert seen[0][0][0].height == 2  # three words: the box is growing, not yet full
    assert seen[0][1][0].height == 4 and seen[0][1][4]  # full and scrolling
    assert seen[0][-1][0].height == 1
    assert seen[1] == seen[0]


async def test_a_growing_text_area_shows_no_scrollbar_while_its_text_fits() -> None:
    """Textual's TextArea shows its scrollbar for a moment each time a new wrapped line makes
    the text taller than the box (the layout then grows the box and hides it): a second layout
    of the screen for each row a field grows by. Where the text then fits the max-height only
    at the full width, the scrollbar it showed narrowed the text, which no longer fit, and it
    stayed. FullBoxTextArea shows none while the text fits."""
    seen = []
    for area in (TextArea(soft_wrap=True), FullBoxTextArea(soft_wrap=True)):
        app = _OneTextArea(area)
        async with app.run_test(size=(20, 8)) as pilot:
            shown = []
            for key in _WORDS:  # 71 characters: 4 rows of 20, 7 rows of 18
                await pilot.press(key)
                shown.append(area.show_vertical_scrollbar)
            await pilot.pause()
            seen.append((area.size.height, area.wrapped_document.height, any(shown)))
    assert seen[0] == (4, 7, True)
    assert seen[1] == (4, 4, False)


# --- styling a new screen once ------------------------------------------------------------------


class _Form(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")


class _StyledOnceForm(textual_compat.StyledOnceScreen, _Form):
    pass


class _ScreenApp(App[None]):
    AUTO_FOCUS = None  # focus restyles what it moves to: not what is counted here

    def __init__(self, screen: Screen[None]) -> None:
        super().__init__()
        self.first = screen

    def get_default_screen(self) -> Screen[None]:
        return self.first


def _count_styling(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the stylesheet is applied to each widget with an id."""
    counts: dict[str, int] = {}
    apply = Stylesheet.apply

    def counting(self: Stylesheet, node: Any, **kwargs: Any) -> None:
        if node.id:
            counts[node.id] = counts.get(node.id, 0) + 1
        apply(self, node, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counting)
    return counts


async def test_textual_alone_styles_a_new_screens_widgets_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Why StyledOnceScreen exists: once as each widget mounts, again on the screen's first
    ScreenResume (Screen._on_screen_resume with refresh_styles)."""
    counts = _count_styling(monkeypatch)
    async with _ScreenApp(_Form()).run_test() as pilot:
        await pilot.pause()
    assert counts == {"one": 2, "two": 2}


async def test_a_styled_once_screen_styles_its_widgets_once_then_on_each_resume(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = _count_styling(monkeypatch)
    app = _ScreenApp(_StyledOnceForm())
    async with app.run_test() as pilot:
        await pilot.pause()
        assert counts == {"one": 1, "two": 1}
        assert app.query_one("#one").styles.height.value == 3  # Input's own CSS: styled
        # A later resume that asks for fresh styles (say, after a theme change) gets them.
        app.screen.post_message(events.ScreenResume())
        await pilot.pause()
        assert counts["one"] > 1 and counts["two"] > 1


class _EditorApp(App[None]):
    CSS = """
    TextArea { height: auto; max-height: 6; }
    TextArea:focus { background: $panel; }
    Input { height: 3; }
    """

    def __init__(self, area: TextArea) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        yield self.area
        yield Input(id="elsewhere")


#: Each step's keys, then what else changes (theme, read-only) before the look. (Not the
#: cursor's blink: Textual's own row cache can show a cursor hidden by a blink after
#: `cursor_blink` is switched on, a row drawn while it was off.)
_EDITS: list[tuple[list[str], Callable[[TextArea], object] | None]] = [
    (list("the pods restart every few minutes since the deploy (at 14:02) "), None),
    (list("and [the queue] {backs up} again"), None),
    (["left"] * 7, None),
    (["shift+left"] * 9, None),
    (["shift+up"], None),
    (["home", "shift+end"], None),
    (["end", "enter"], None),
    (list("a second line"), None),
    (["up", "up", "right", "right"], None),
    (["ctrl+z"], None),
    (["backspace"] * 4, None),
    (list("(x)"), None),
    (["left"], None),
    (["left", "left"], None),
    (["tab"], None),  # the field loses focus: no cursor
    (["shift+tab"], None),
    (["enter"] + list("more lines ") * 12, None),  # past max-height: it scrolls
    (["pageup"], None),
    (["ctrl+home"], None),
    ([], lambda area: setattr(area.app, "theme", "textual-light")),
    ([], lambda area: setattr(area, "read_only", True)),
    (["down", "down"], None),
]


async def _looks(area: TextArea, width: int) -> list[list[list[tuple[str, Any]]]]:
    """What the area shows after each step: every cell, with its style."""
    app = _EditorApp(area)
    looks = []
    async with app.run_test(size=(width, 16)) as pilot:
        area.focus()
        area.cursor_blink = False
        for keys, change in _EDITS:
            await pilot.press(*keys)
            if change is not None:
                change(area)
            await pilot.pause()
            looks.append(
                [
                    [(char, segment.style) for segment in strip for char in segment.text]
                    for strip in app.screen._compositor.render_strips()
                ]
            )
    return looks


class _EveryRowDrawn(FullBoxTextArea):
    def _row_key(self, y: int) -> None:
        return None


@pytest.mark.parametrize("width", [24, 41])
async def test_a_full_box_text_area_looks_as_a_text_area_at_every_step(width: int) -> None:
    """Rows kept across edits (FullBoxTextArea.render_line) show what Textual draws afresh:
    typing, wrapping, brackets, selections, a second line, undo, losing focus, scrolling,
    another theme, read-only."""
    # As the fields' (FieldTextArea): no highlighted cursor line, where Textual draws the rows.
    # The same area with no row kept is the reference: it is sized as ours (no scrollbar while
    # the text fits, see above), and Textual draws each of its rows afresh.
    theirs = await _looks(_EveryRowDrawn(soft_wrap=True, highlight_cursor_line=False), width)
    ours = await _looks(FullBoxTextArea(soft_wrap=True, highlight_cursor_line=False), width)
    for step, (mine, wanted) in enumerate(zip(ours, theirs, strict=True)):
        assert mine == wanted, f"after step {step}: {_EDITS[step][0]}"


async def test_a_full_box_text_area_hides_and_shows_its_cursor_as_it_blinks() -> None:
    area = FullBoxTextArea("checkout 500s", soft_wrap=True, highlight_cursor_line=False)
    app = _EditorApp(area)
    async with app.run_test(size=(41, 16)) as pilot:
        area.focus()
        await pilot.pause()
        area.blink_timer.pause()
        looks = []
        for visible in (True, False, True):
            area._cursor_visible = visible
            await pilot.pause()
            looks.append(
                [
                    [(segment.text, segment.style) for segment in strip]
                    for strip in app.screen._compositor.render_strips()[:4]
                ]
            )
        assert looks[0] != looks[1]
        assert looks[2] == looks[0]


async def test_typing_redraws_only_the_rows_it_changes() -> None:
    """Textual redrew every row of a soft-wrapped area on each key."""
    area = FullBoxTextArea(
        "the pods restart every few minutes since the deploy " * 3,
        soft_wrap=True,
        highlight_cursor_line=False,
    )
    app = _EditorApp(area)
    async with app.run_test(size=(41, 16)) as pilot:
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.pause()
        drawn: list[int] = []
        draw = TextArea._render_line

        def spy(self: TextArea, y: int) -> Any:
            drawn.append(y)
            return draw(self, y)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(TextArea, "_render_line", spy)
            await pilot.press("x")
            await pilot.pause()
        assert area.wrapped_document.height >= 4
        assert 0 < len(drawn) <= 2, drawn


class _RecordingFile:
    """A terminal that takes what it is given in Python: no system call lets a thread run."""

    def __init__(self, stall: threading.Event | None = None) -> None:
        self.got: list[str] = []
        self._stall = stall

    def write(self, text: str) -> int:
        if self._stall is not None:
            self._stall.wait()
        self.got.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def _driver_over(file: _RecordingFile, wait: float) -> FramesFirstDriver:
    driver = FramesFirstDriver(App(), debug=False, mouse=False)
    driver.OUTPUT_WAIT = wait
    driver._notice = _FlushNotice(cast(Any, file))
    driver._file = cast(Any, driver._notice)
    driver._writer_thread = WriterThread(driver._file)
    driver._writer_thread.start()
    return driver


def test_the_linux_driver_writes_through_a_thread_over_its_file() -> None:
    assert "WriterThread(self._file)" in inspect.getsource(
        linux_driver.LinuxDriver.start_application_mode
    )
    assert "self._writer_thread.write(data)" in inspect.getsource(linux_driver.LinuxDriver.write)
    # A frame is written, then the driver flushed.
    display = inspect.getsource(App._display)
    assert display.index("self._end_update()") < display.index("self._driver.flush()")
    # The output thread flushes whenever its queue runs empty: what was queued has left.
    run = inspect.getsource(WriterThread.run)
    assert "if qsize() == 0:" in run and "flush()" in run


async def test_a_frame_has_left_when_the_driver_is_done_writing_it() -> None:
    """The UI thread kept the GIL after queueing a frame, so the output thread wrote it only
    once the UI thread went idle: a key's echo waited for the work after it."""
    file = _RecordingFile()
    driver = _driver_over(file, wait=10.0)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(10.0)  # the output thread cannot take the GIL by asking for it
    try:
        driver.write("a frame")
        driver.flush()
        got = list(file.got)
    finally:
        sys.setswitchinterval(interval)
        driver._writer_thread.stop()
    assert got == ["a frame"]


async def test_a_terminal_that_takes_nothing_holds_a_frame_no_longer_than_the_wait() -> None:
    stall = threading.Event()
    file = _RecordingFile(stall)
    driver = _driver_over(file, wait=0.05)
    try:
        started = time.perf_counter()
        driver.write("a frame")
        driver.flush()
        took = time.perf_counter() - started
        assert file.got == []
    finally:
        stall.set()
        driver._writer_thread.stop()
    assert took < 2.0
    assert file.got == ["a frame"]


async def test_writes_before_the_frame_is_done_do_not_wait() -> None:
    """Only the end of a frame waits: a frame is several writes (synchronized-update marks
    around it), and the start sends a dozen mode switches that each waited for the output
    thread."""
    stall = threading.Event()
    file = _RecordingFile(stall)
    driver = _driver_over(file, wait=10.0)
    try:
        started = time.perf_counter()
        for _ in range(5):
            driver.write("\x1b[?1049h")
        took = time.perf_counter() - started
    finally:
        stall.set()
        driver._writer_thread.stop()
    assert took < 2.0
    assert file.got == ["\x1b[?1049h"] * 5


def test_only_textuals_linux_driver_is_replaced() -> None:
    assert frames_first(linux_driver.LinuxDriver) is FramesFirstDriver
    assert frames_first(HeadlessDriver) is HeadlessDriver
