"""Measurements inside the running app: keystroke CPU, preview latency, paste, autosave stall.

Run by bench.py as a child process (one per measurement, so that one cannot warm or dirty another),
from outside the checkout, so that it imports the *installed* incident-tui, the one the
terminal measurements start:

    python tests/benchmarks/inprocess.py MEASUREMENT --home DIR --session PATH [options]

It prints one JSON object on stdout.

The app runs under Textual's test harness (`App.run_test`), at the size of the terminal runs, with
one change: the driver claims not to be headless, so every frame is encoded into the escape
sequences a terminal would receive (Textual skips that step for headless drivers, and it is part
of the real cost of a keystroke), then dropped. Its `write` also timestamps each frame, which is
how "the preview shows it" is detected: the first frame written after `PreviewPane.show` (wrapped
here to timestamp it) put the new prompt in the pane. Input is sent the way a terminal driver
sends it: `driver.send_message` (from another thread where the timing of input matters).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import inspect
import json
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

from data import log_text  # this directory is on sys.path: the script is run by path
from textual import events
from textual.binding import Binding, BindingType
from textual.drivers import headless_driver
from textual.widgets import TextArea
from textual.worker import WorkerCancelled

from tui.core.prompt import RenderedPrompt
from tui.core.session import SessionStore
from tui.ui.app import IncidentApp, ui_interpreter
from tui.ui.collector import CollectorSettling
from tui.ui.screens.wizard import WizardScreen
from tui.ui.widgets.preview import PreviewPane
from tui.ui.widgets.save_status import SaveStatus

#: The key the probe thread presses; bound (with priority) to a no-op that records when it ran.
PROBE_KEY = "f12"


class RenderingDriver(headless_driver.HeadlessDriver):
    """The headless driver, except that frames are encoded to escape sequences like a real
    terminal's (Textual skips that for headless drivers), and each write is timestamped."""

    writes: ClassVar[list[float]] = []
    bytes_written: ClassVar[int] = 0

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        RenderingDriver.writes.append(time.perf_counter())
        RenderingDriver.bytes_written += len(data)


# run_test() looks the headless driver up in this module when it starts.
headless_driver.HeadlessDriver = RenderingDriver  # type: ignore[misc]


#: When the preview pane last took a new prompt (perf_counter), to find the frame that shows it.
PREVIEW_UPDATES: list[float] = [0.0]
_show_preview = PreviewPane.show


def _timed_show(self: PreviewPane, rendered: RenderedPrompt) -> None:
    _show_preview(self, rendered)
    PREVIEW_UPDATES.append(time.perf_counter())


PreviewPane.show = _timed_show  # type: ignore[method-assign]


class BenchApp(IncidentApp):
    # The subclass lives here, so the stylesheet path must be absolute.
    CSS_PATH = str(Path(inspect.getfile(IncidentApp)).parent / str(IncidentApp.CSS_PATH))
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(PROBE_KEY, "bench_probe", show=False, priority=True)
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.probes: list[float] = []

    def action_bench_probe(self) -> None:
        self.probes.append(time.perf_counter())


def key_event(char: str) -> events.Key:
    names = {" ": "space", "-": "minus", ".": "full_stop", ",": "comma"}
    return events.Key(names.get(char, char), char)


class Harness:
    def __init__(self, app: BenchApp, pilot: Any) -> None:
        self.app = app
        self.pilot = pilot

    @property
    def wizard(self) -> WizardScreen:
        screen = self.app.screen
        assert isinstance(screen, WizardScreen), screen
        return screen

    def send(self, message: events.Event) -> None:
        driver = self.app._driver
        assert driver is not None
        driver.send_message(message)

    async def until(self, condition: Callable[[], bool], timeout: float = 30.0) -> float:
        """Poll `condition` every ms on the event loop; the perf_counter time it became true."""
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("condition not met")
            await asyncio.sleep(0.001)
        return time.perf_counter()

    async def settle(self) -> None:
        """Wait for every timer the last edit started (preview, autosave) and every worker."""
        wizard = self.wizard
        for _ in range(100):
            # A preview render superseded by a newer one is cancelled: that is the app working.
            with contextlib.suppress(WorkerCancelled):
                await self.app.workers.wait_for_complete()
            await self.pilot.pause()
            if (
                not wizard.query_one(PreviewPane).pending
                and not wizard.query_one(SaveStatus).pending
                and not any(w.is_running for w in self.app.workers)
            ):
                return
            await asyncio.sleep(0.05)

    async def ready(self) -> None:
        await self.until(lambda: isinstance(self.app.screen, WizardScreen))
        await self.until(lambda: self.wizard.rendered is not None)
        await self.settle()

    def preview_text(self) -> str:
        return self.wizard.query_one("#preview-text", TextArea).text


async def with_app(
    home: Path, session: Path, size: tuple[int, int], body: Callable[[Harness], Awaitable[Any]]
) -> Any:
    app = BenchApp(SessionStore(home), start="resume", path=session, blink=False)
    # As the real program (cli.cmd_tui, run_tui): collector off during start-up, then frozen;
    # the same interpreter settings.
    gc.disable()
    app.collector = CollectorSettling()
    with ui_interpreter():
        async with app.run_test(size=size, headless=True) as pilot:
            harness = Harness(app, pilot)
            await harness.ready()
            return await body(harness)


class LagMonitor:
    """The longest time the event loop could not run a task that asks to wake up every 1 ms."""

    def __init__(self) -> None:
        self.stalls: list[tuple[float, float]] = []  # (start, length) of each overshoot > 1 ms
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            late = time.perf_counter() - before - 0.001
            if late > 0.001:
                self.stalls.append((before, late))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    @property
    def longest(self) -> float:
        return max((length for _, length in self.stalls), default=0.0)


class GcPauses:
    """The garbage collector's pauses while the `with` block runs (they land on some keys)."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self.full = 0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)
            self.full += info["generation"] == 2

    def __enter__(self) -> None:
        gc.callbacks.append(self._callback)

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


# --- measurements ---------------------------------------------------------------------------------


async def keystrokes(h: Harness, args: argparse.Namespace) -> dict[str, Any]:
    """CPU per keystroke typing into a small field at a steady pace.

    Each key owns the window from its press to the next key's press (`--interval`, a brisk
    typist): the process CPU spent in that window (the event loop, rendering and encoding the
    frame, any worker or timer that ran meanwhile) is that key's cost. The preview and the
    autosave wait for a pause in the typing, so they run after the last key, not in these windows.
    """
    await h.wizard.focus_field(args.field)
    await h.settle()
    text = "the checkout pods restart every few minutes since the deploy "
    per_key: list[float] = []
    pauses = GcPauses()
    for rep in range(args.repeat):
        keys = (text * 10)[rep : rep + args.keys]
        # One key first, so the edit's one-off work (unknown count, status) is not counted.
        h.send(key_event("x"))
        await asyncio.sleep(args.interval)
        start = time.perf_counter()
        cpu_before = time.process_time()
        with pauses:
            for n, char in enumerate(keys, 1):
                h.send(key_event(char))
                await asyncio.sleep(max(0.0, start + n * args.interval - time.perf_counter()))
                cpu_now = time.process_time()
                per_key.append(cpu_now - cpu_before)
                cpu_before = cpu_now
        await h.settle()
    return {
        "samples": per_key,
        "gc_longest": max(pauses.pauses, default=0.0),
        "gc_full_collections": pauses.full,
    }


async def preview_latency(h: Harness, args: argparse.Namespace) -> dict[str, Any]:
    """From the last key of a word typed into a small field until a frame showing the preview
    with that word has been written to the terminal."""
    await h.wizard.focus_field(args.field)
    await h.settle()
    latencies: list[float] = []
    for rep in range(args.repeat):
        word = f" zq{rep}x"
        start = time.perf_counter()
        for n, char in enumerate(word):
            await asyncio.sleep(max(0.0, start + n * args.interval - time.perf_counter()))
            h.send(key_event(char))
            last = time.perf_counter()
        marker = word.strip()
        await h.until(lambda marker=marker: marker in h.preview_text())
        # The first frame written after the preview's text changed is the one that shows it.
        shown = PREVIEW_UPDATES[-1]
        await h.until(lambda shown=shown: RenderingDriver.writes[-1] >= shown)
        frame = next(t for t in RenderingDriver.writes if t >= shown)
        latencies.append(frame - last)
        await h.settle()
    return {"samples": latencies}


async def paste(h: Harness, args: argparse.Namespace) -> dict[str, Any]:
    """Paste `--paste-bytes` of log into the (focused, empty) logs field; how long until the app
    answers every keypress within `--responsive` seconds again.

    A thread presses a probe key every `--probe-every` seconds for `--watch` seconds from the
    paste on, as a terminal's input thread would deliver keys; each probe's answer time is
    measured from the moment it was due. The result is the time from the paste until the last
    slow answer (or the first answer, when none is slow): after that the app keeps up.
    """
    await h.wizard.focus_field("error_logs")
    await h.settle()
    focused = h.app.focused
    assert focused is not None and focused.id == "input-error_logs", focused
    text = log_text(args.paste_bytes, seed=3)
    h.app.probes.clear()
    due: list[float] = []
    count = int(args.watch / args.probe_every)

    def press_probes(t0: float) -> None:
        for n in range(1, count + 1):
            at = t0 + n * args.probe_every
            time.sleep(max(0.0, at - time.perf_counter()))
            due.append(at)
            h.send(events.Key(PROBE_KEY, None))

    t0 = time.perf_counter()
    h.send(events.Paste(text))
    thread = threading.Thread(target=press_probes, args=(t0,))
    thread.start()
    await h.until(lambda: len(h.app.probes) >= count, timeout=args.watch + 60)
    thread.join()
    answers = [done - at for at, done in zip(due, h.app.probes, strict=True)]
    slow = [n for n, answer in enumerate(answers) if answer > args.responsive]
    last = slow[-1] if slow else 0
    pasted = h.wizard.session.get("error_logs")
    assert len(pasted) >= len(text) - 1024, "the paste did not reach the session"
    return {
        "value": h.app.probes[last] - t0,
        "slowest_answer": max(answers),
        "slow_answers": len(slow),
        "first_answer": answers[0],
    }


async def autosave_stall(h: Harness, args: argparse.Namespace) -> dict[str, Any]:
    """The longest event-loop stall while an autosave runs, after one key in a small field.

    The key also schedules a preview render; the monitor starts once that is on screen, and stops
    when the save has reached the disk and its result is shown (the save status).
    """
    await h.wizard.focus_field(args.field)
    await h.settle()
    stalls: list[float] = []
    wizard = h.wizard
    saving = wizard.saving
    preview = wizard.query_one(PreviewPane)
    for _ in range(args.repeat):
        before, renders = saving.generation, preview.requested
        h.send(key_event("y"))
        await h.until(lambda: saving.generation > before)  # noqa: B023
        generation = saving.generation
        await h.until(lambda: preview.shown_request > renders)  # noqa: B023
        await h.app.workers.wait_for_complete()
        assert saving.saver.written_generation < generation, "saved before the monitor started"
        monitor = LagMonitor()
        monitor.start()
        await h.until(lambda: saving.saved_generation >= generation, timeout=30)  # noqa: B023
        await asyncio.sleep(0.05)
        await monitor.stop()
        stalls.append(monitor.longest)
        await h.settle()
    return {"samples": stalls}


MEASUREMENTS: dict[str, Callable[[Harness, argparse.Namespace], Awaitable[dict[str, Any]]]] = {
    "keystrokes": keystrokes,
    "preview-latency": preview_latency,
    "paste": paste,
    "autosave-stall": autosave_stall,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("measurement", choices=sorted(MEASUREMENTS))
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--session", type=Path, required=True)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--field", default="incident_summary")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--paste-bytes", type=int, default=1024 * 1024)
    parser.add_argument("--probe-every", type=float, default=0.02)
    parser.add_argument("--watch", type=float, default=3.5)
    parser.add_argument("--responsive", type=float, default=0.1)
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    measure = MEASUREMENTS[args.measurement]
    result = asyncio.run(
        with_app(args.home, args.session, (width, height), lambda h: measure(h, args))
    )
    samples = result.get("samples")
    if samples is not None:
        result["median"] = statistics.median(samples)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
