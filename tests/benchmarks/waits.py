"""The rows where a person waits on something big: a paste through the terminal, `list` and
`resume` among thousands of incidents, `render` of a huge log, the memory a big log costs.

Called by bench.py (see its docstring for how to run it); each function returns its rows.

* Paste: in a real terminal (tmux, as the start-up rows), the logs field focused, a bracketed
  paste (`paste-buffer -p`) of a log of the given size followed at once by ctrl+n; measured from
  sending the paste until the screen shows the next step. tmux queues the key behind the paste,
  so it is answered only once the whole paste is read, handled and drawn. The baseline is the
  same ctrl+n with no paste (what the key costs by itself: a change of step), interleaved; the
  budget applies to the difference, the paste's own cost.
* list: wall time of the installed command over a store of `sessions` incidents of ~20 KB, after
  one listing that builds the summary index (shown as its own row, for reference).
* resume: `incident-tui resume` (no id) in tmux until the wizard is interactive, over that store,
  against a store holding only the newest of its incidents, interleaved.
* render: wall time of `render` of a session with a `render_bytes` log against the time of
  `python -c "import tomllib; tomllib.load(...)"` of the same file: the parse is the floor.
* memory: peak RSS (VmHWM) of the wizard resumed on a session with a `memory_bytes` log (idle,
  Evidence shown) less that of the same session with no log.
* echo: keys typed into Title in tmux, each timed from sending it until the output showing it
  arrived, against the bare Textual app's Input; and, as a diagnostic, the same keys echoed by
  raw_echo.py, which writes back each byte it reads: the terminal path every echo pays.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks import data
from tests.benchmarks.common import (
    HERE,
    Row,
    Settings,
    child_env,
    fresh_home,
    human,
    log,
    measure_commands,
    p95,
    timed_run,
    wait_idle,
)
from tests.benchmarks.raw_echo import READY as RAW_READY
from tests.benchmarks.starts import Program, app_ready, bare_ready, form_text, measure_starts
from tests.benchmarks.tmuxctl import ControlTmux
from tui.core.session import SessionStore

MB = 1024 * 1024


def paste_rows(command: str, settings: Settings, scratch: Path) -> list[Row]:

    width, height = (int(n) for n in settings.size.split("x"))
    rows: list[Row] = []
    for size in settings.paste_sizes:
        source = scratch / f"paste-{size}.txt"
        source.write_text(data.log_text(size, seed=3), encoding="utf-8")
        times: dict[str, list[float]] = {"paste": [], "key": []}
        for rep in range(settings.warmup + settings.repeat):
            for name in ("paste", "key") if rep % 2 == 0 else ("key", "paste"):
                home = fresh_home(scratch)
                with ControlTmux(child_env(home), width, height) as tmux:
                    started = tmux.start_and_wait([command, "new"], app_ready)
                    wait_idle(started.pid)
                    tmux.send_keys(started.pid, "F7")  # the Evidence step: the logs field
                    tmux.wait_screen(started.pid, _on_step("3 Evidence"), time.perf_counter())
                    wait_idle(started.pid)
                    pane = tmux.pane_of(started.pid)
                    tmux.command("load-buffer", "-b", "log", str(source))
                    t0 = time.perf_counter()
                    seen: list[float] = []
                    if name == "paste":
                        tmux.command("paste-buffer", "-p", "-b", "log", "-t", pane, outputs=seen)
                    tmux.command("send-keys", "-t", pane, "C-n", outputs=seen)
                    took, _ = tmux.wait_screen(started.pid, _on_step("4 Changes"), t0, outputs=seen)
                shutil.rmtree(home, ignore_errors=True)
                if rep >= settings.warmup:
                    times[name].append(took)
        log(f"  paste {human(size)} (tmux): {[round(t * 1000) for t in times['paste']]} ms")
        limit = 150.0 if size <= MB else 600.0
        rows.append(
            Row.from_samples(
                f"paste_tmux_{size}",
                f"bracketed paste of {human(size)} into the logs field, until the next key "
                "(ctrl+n) is answered (tmux)",
                "ms",
                times["paste"],
                times["key"],
                scale=1000,
                baseline_what="the same key with no paste",
                # The key alone (a step change) takes its own time: the budget is the paste's.
                compare="delta",
                budget=f"≤ +{limit:,.0f} ms",
                limit=limit,
            )
        )
    return rows


def _on_step(label: str) -> Callable[[str], bool]:
    return lambda screen: f"▶ {label}" in screen


def many_rows(command: str, settings: Settings, scratch: Path) -> list[Row]:

    many = SessionStore(scratch / "many")
    log(f"writing {settings.sessions:,} incidents …")
    data.many_sessions(many, settings.sessions, settings.session_bytes)
    newest = max(many.sessions_dir.glob("*.toml"), key=lambda p: p.name)
    one = SessionStore(scratch / "one")
    one.ensure_dirs()
    shutil.copy2(newest, one.sessions_dir / newest.name)
    env_many = child_env(many.home)
    # The first listing parses every file and writes the summary index.
    cold = timed_run([command, "list"], env_many)
    listed = measure_commands({"list": ([command, "list"], env_many)}, settings)["list"]
    what = f"{settings.sessions:,} incidents of ~{settings.session_bytes // 1000} KB"
    rows = [
        Row.from_samples(
            "list",
            f"`incident-tui list` with {what} (summary index up to date)",
            "ms",
            listed,
            scale=1000,
            budget="≤ 500 ms",
            limit=500.0,
        ),
        Row.from_samples(
            "list_cold",
            "the same, the first time (every file parsed, the index written)",
            "ms",
            [cold],
            scale=1000,
            budget="— (for reference)",
        ),
    ]
    log("resume among many …")
    width, height = (int(n) for n in settings.size.split("x"))
    starts: dict[str, list[float]] = {"many": [], "one": []}
    for rep in range(settings.warmup + settings.repeat):
        for name in ("many", "one") if rep % 2 == 0 else ("one", "many"):
            home = many.home if name == "many" else one.home
            with ControlTmux(child_env(home), width, height) as tmux:
                started = tmux.start_and_wait([command, "resume"], app_ready)
                wait_idle(started.pid)
                tmux.kill(started.pid)
            if rep >= settings.warmup:
                starts[name].append(started.ready)
    rows.append(
        Row.from_samples(
            "resume_many",
            f"`incident-tui resume` (no id) with {what}, until interactive (tmux)",
            "ms",
            starts["many"],
            starts["one"],
            scale=1000,
            baseline_what="the same with only that incident",
            compare="ratio",
            budget="≤ 1.3×",
            limit=1.3,
        )
    )
    return rows


def render_row(command: str, settings: Settings, scratch: Path) -> Row:

    store = SessionStore(scratch / "render")
    big = data.log_session(store, settings.render_bytes, "bench-render")
    env = child_env(store.home)
    parse = "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))"
    times = measure_commands(
        {
            "parse": ([sys.executable, "-c", parse, str(big)], env),
            "render": ([command, "render", str(big)], env),
        },
        settings,
    )
    return Row.from_samples(
        "render_huge",
        f"`incident-tui render` of a session with a {human(settings.render_bytes)} log",
        "ms",
        times["render"],
        times["parse"],
        scale=1000,
        baseline_what="`python -c` tomllib.load of the file",
        compare="ratio",
        budget="≤ 1.25×",
        limit=1.25,
    )


def memory_row(command: str, settings: Settings, scratch: Path) -> Row:

    store = SessionStore(scratch / "memory")
    small = data.small_session(store, "bench-nolog")
    big = data.log_session(store, settings.memory_bytes, "bench-memory")
    programs = [
        Program("nolog", [command, "resume", small.stem], app_ready, (small,)),
        Program("log", [command, "resume", big.stem], app_ready, (big,)),
    ]
    found = measure_starts(programs, settings, scratch)
    per_byte = 2
    limit = per_byte * settings.memory_bytes / MB
    return Row.from_samples(
        "memory_log",
        f"peak RSS of the wizard on a session with a {human(settings.memory_bytes)} log "
        "(resumed, idle, Evidence shown)",
        "MB",
        found["log"]["rss"],
        found["nolog"]["rss"],
        baseline_what="the same session with no log",
        compare="delta",
        budget=f"≤ +{limit:,.1f} MB ({per_byte} bytes a log byte)",
        limit=limit,
    )


def echo_rows(command: str, settings: Settings, scratch: Path) -> list[Row]:
    """Keys typed at `echo_rate` a second for `echo_seconds`, in tmux, into incident-tui's Title
    and into the bare Textual app's Input: for each key, the time from sending it until the
    output that shows it on screen arrived. Also, as a diagnostic, the same for a program that
    only writes back what it reads: the part of every echo that is the terminal path."""

    ours = _echoes([command, "new"], app_ready, form_text, settings, scratch)
    bare = [sys.executable, str(HERE / "bare_app.py")]
    theirs = _echoes(bare, bare_ready, lambda screen: screen, settings, scratch)
    floor = raw_echoes(settings, scratch)
    return [
        Row.from_samples(
            "echo_title",
            f"echo of a key typed into Title, {settings.echo_rate:g} keys/s for "
            f"{settings.echo_seconds:g} s (tmux; median, p95 of {len(ours)} keys)",
            "ms",
            ours,
            theirs,
            scale=1000,
            baseline_what="bare Textual app, one Input",
            budget="≤ 6 ms, p95 ≤ 9 ms",
            limit=6.0,
            extra={"p95": p95(ours) * 1000, "baseline p95": p95(theirs) * 1000},
            extra_limit={"p95": 9.0},
        ),
        Row.from_samples(
            "echo_floor",
            "the same keys echoed by a program that writes back each byte it reads "
            "(the terminal path alone, diagnostic)",
            "ms",
            floor,
            scale=1000,
            budget="— (diagnostic)",
            extra={"p95": p95(floor) * 1000},
        ),
    ]


def raw_echoes(settings: Settings, scratch: Path) -> list[float]:
    """The echo times of raw_echo.py, which writes back each byte it reads."""
    raw = [sys.executable, str(HERE / "raw_echo.py")]
    return _echoes(raw, lambda screen: RAW_READY in screen, _rows_joined, settings, scratch)


def _rows_joined(screen: str) -> str:
    # raw_echo.py's letters run on past the end of the line.
    return screen.replace("\n", "")


def _echoes(
    argv: list[str],
    ready: Callable[[str], bool],
    where: Callable[[str], str],
    settings: Settings,
    scratch: Path,
) -> list[float]:

    width, height = (int(n) for n in settings.size.split("x"))
    # The first keys are typed but not timed: until ECHO_WINDOW letters are in, what they show
    # may be seen elsewhere on screen.
    keys = max(1, int(settings.echo_rate * settings.echo_seconds)) + ECHO_WINDOW - 1
    sequence = typing_sequence(keys)
    echoes: list[float] = []
    home = fresh_home(scratch)
    with ControlTmux(child_env(home), width, height) as tmux:
        started = tmux.start_and_wait(argv, ready)
        wait_idle(started.pid)
        pane = tmux.pane_of(started.pid)
        typed = ""
        next_at = time.perf_counter()
        for n in range(keys):
            typed += sequence[n]
            tail = typed[-ECHO_WINDOW:]
            time.sleep(max(0.0, next_at - time.perf_counter()))
            t0 = time.perf_counter()
            seen: list[float] = []
            tmux.command("send-keys", "-t", pane, "-l", typed[-1], outputs=seen)
            took, _ = tmux.wait_screen(
                started.pid, lambda s, tail=tail: tail in where(s), t0, outputs=seen
            )
            if n >= ECHO_WINDOW - 1:
                echoes.append(took)
            next_at = t0 + 1 / settings.echo_rate
        tmux.kill(started.pid)
    shutil.rmtree(home, ignore_errors=True)
    return echoes


#: Rare letters, typed so that the last ECHO_WINDOW of them appear nowhere else on screen.
ECHO_LETTERS = "zqxjkv"
ECHO_WINDOW = 5


def typing_sequence(length: int, letters: str = ECHO_LETTERS, window: int = ECHO_WINDOW) -> str:
    """`length` letters in which every run of `window` is new (a de Bruijn sequence): the echo of
    each key is the one place its last `window` letters can be seen, never an earlier repeat."""
    k = len(letters)
    if length > k**window:
        raise ValueError(f"at most {k**window} keys")
    found: list[int] = []
    a = [0] * (k * window)

    def extend(t: int, p: int) -> None:
        if t > window:
            if window % p == 0:
                found.extend(a[1 : p + 1])
        else:
            a[t] = a[t - p]
            extend(t + 1, p)
            for j in range(a[t - p] + 1, k):
                a[t] = j
                extend(t + 1, t)

    extend(1, 1)
    return "".join(letters[i] for i in found[:length])


def digest_row(settings: Settings) -> Row:
    """The log digest of a 5 MB log, in this process (the digest is all there is to it: no
    terminal, no file), from scratch each run."""
    from tests.benchmarks.digest_bench import digest_times

    size = 200_000 if settings.quick else 5_000_000
    times = digest_times(size, max(settings.repeat, 1))
    return Row.from_samples(
        "digest_log",
        f"log digest of a {human(size)} log to the prompt's budget (in process)",
        "ms",
        times,
        scale=1000,
        budget="≤ 300 ms",
        limit=300.0,
    )
