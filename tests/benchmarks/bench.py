"""The performance budgets of incident-tui, measured side by side with their baselines.

    .venv/bin/pip install . && .venv/bin/python -m tests.benchmarks.bench
    .venv/bin/python -m tests.benchmarks.bench --quick            # small sizes, one repetition
    .venv/bin/python -m tests.benchmarks.bench --repeat 9 --json out.json --markdown out.md

Run it from the repository root. It measures the *installed* `incident-tui` (the one next to this
Python), so install the checkout first. A venv shared with others may be reinstalled mid-run: that
is detected and flagged in the table. For a clean run of one commit, use a private copy:

    rev=$(git rev-parse --short HEAD) && mkdir /tmp/snap && git archive HEAD | tar -x -C /tmp/snap
    python3 -m venv /tmp/snap/.venv && /tmp/snap/.venv/bin/pip install /tmp/snap
    cd /tmp/snap && .venv/bin/python -m tests.benchmarks.bench --revision "$rev"

It prints a Markdown table (what / measured / baseline / ratio or delta / budget / verdict) and
the machine it ran on; --json and --markdown also write them to files. Every number is measured
in this run: medians of --repeat repetitions (default 5), each repetition of a row and its
baseline interleaved, after one discarded warm-up run of each program. No budget fails the
process: the exit status is 0 whenever everything could be measured.

How each row is measured:

* Start-up: in a real terminal (a private tmux server per run, see tmuxctl.py), from spawning
  the command until the screen shows the ready UI: for incident-tui the step list, the first
  field ("Title") and the footer; for the baseline (bare_app.py: a Textual app with one Input)
  its placeholder. The interpreter's start is included. Peak RSS (VmHWM) is read from the same
  processes once they are idle (after F7, which on incident-tui shows the Evidence step).
* render / list: wall time of the installed command, stdout to /dev/null.
* Paste through tmux, `list` and `resume` among 10,000 incidents, `render` of a 50 MB log against
  the TOML parse, memory per log byte: see waits.py.
* Keystrokes, preview, autosave, and the in-process paste rows (diagnostics): the app under
  Textual's test harness in a child process (inprocess.py), frames encoded as for a real
  terminal. See that file for each definition.

Load matters (2 cores shared with other work): the table ends with the load average before and
after; compare runs made under similar load, and prefer more repetitions on a busy machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.benchmarks import data, waits
from tests.benchmarks.tmuxctl import ControlTmux, TmuxError, tmux_path
from tui.core.session import SessionStore

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024


@dataclass
class Settings:
    repeat: int = 5
    log_bytes: int = 5 * MB
    paste_sizes: tuple[int, ...] = (1 * MB, 5 * MB)
    sessions: int = 10_000
    session_bytes: int = 20_000
    #: the log of the `render` row compared with the TOML parse
    render_bytes: int = 50 * MB
    #: the log of the memory-per-log-byte row
    memory_bytes: int = 20 * MB
    #: keys a second, and for how long, typed into Title for the echo row
    echo_rate: float = 20.0
    echo_seconds: float = 10.0
    keys: int = 40
    key_interval: float = 0.1
    watch: float = 3.5
    size: str = "120x40"
    #: the small field typed into
    field: str = "incident_summary"
    #: discarded runs of each program before the measured ones (bytecode, page cache)
    warmup: int = 1
    quick: bool = False
    #: only the start-up rows (tmux), not the commands, the in-app rows or memory
    startup_only: bool = False


@dataclass
class Row:
    key: str
    what: str
    unit: str  # "s", "ms", "MB"
    measured: float | None = None
    baseline: float | None = None
    baseline_what: str = "—"
    #: "ratio" (measured / baseline), "delta" (measured - baseline) or "" (absolute)
    compare: str = ""
    budget: str = ""
    limit: float | None = None
    #: a second figure for the measured column, e.g. the p95
    extra: dict[str, float] = field(default_factory=dict)
    extra_limit: dict[str, float] = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)
    note: str = ""

    @classmethod
    def from_samples(
        cls,
        key: str,
        what: str,
        unit: str,
        samples: Sequence[float],
        baseline_samples: Sequence[float] = (),
        *,
        scale: float = 1.0,
        **rest: Any,
    ) -> Row:
        """A row whose figures are the medians of its samples, each multiplied by `scale`
        (1000 for seconds shown in ms)."""
        ours = [x * scale for x in samples]
        theirs = [x * scale for x in baseline_samples]
        baseline = median(theirs) if theirs else None
        return cls(
            key, what, unit, median(ours), baseline, **rest, samples=ours, baseline_samples=theirs
        )

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.baseline:
            return None
        return self.measured / self.baseline

    @property
    def delta(self) -> float | None:
        if self.measured is None or self.baseline is None:
            return None
        return self.measured - self.baseline

    @property
    def compared(self) -> float | None:
        if self.compare == "ratio":
            return self.ratio
        if self.compare == "delta":
            return self.delta
        return self.measured

    @property
    def ok(self) -> bool | None:
        value = self.compared
        if value is None or self.limit is None:
            return None
        return value <= self.limit and all(
            self.extra.get(name, float("inf")) <= limit for name, limit in self.extra_limit.items()
        )


# --- small helpers --------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def installed_command() -> str:
    beside = Path(sys.executable).parent / "incident-tui"
    found = str(beside) if beside.exists() else shutil.which("incident-tui")
    if found is None:
        sys.exit("incident-tui is not installed next to this Python: run `pip install .` first")
    return found


def fresh_home(parent: Path, *sources: Path) -> Path:
    """A new INCIDENT_TUI_HOME holding copies of `sources` (session files): runs never share."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=parent))
    sessions = home / "sessions"
    sessions.mkdir(mode=0o700)
    for source in sources:
        shutil.copy2(source, sessions / source.name)
    return home


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TMUX", "TMUX_PANE")}
    env["INCIDENT_TUI_HOME"] = str(home)
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    return env


def timed_run(argv: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr.decode(errors='replace')}")
    return elapsed


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def human(size: int) -> str:
    return f"{size / MB:g} MB" if size >= MB else f"{size / 1024:g} KB"


# --- the terminal rows ----------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_idle(pid: int, quiet: float = 0.3, timeout: float = 15.0) -> None:
    """Until the process has used no CPU for `quiet` seconds (its preview and saves are done)."""
    deadline = time.monotonic() + timeout
    last, since = _cpu_ticks(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = _cpu_ticks(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


@dataclass
class Program:
    name: str
    argv: list[str]
    ready: Callable[[str], bool]
    sources: tuple[Path, ...] = ()
    #: what the screen shows once everything after the first usable frame is there too
    filled: Callable[[str], bool] | None = None
    #: what the screen shows once the whole first step is there
    whole: Callable[[str], bool] | None = None


def app_ready(screen: str) -> bool:
    """incident-tui's wizard is usable: step list, first field and footer on screen."""
    return "1 Context" in screen and "Title" in screen and "^q Quit" in screen


def app_filled(screen: str) -> bool:
    """The first step's later fields and the rendered prompt (its size) are on screen too."""
    return app_ready(screen) and "Incident summary" in screen and "tokens" in screen


def form_text(screen: str) -> str:
    """The wizard's form column: what each line holds between the form's borders (▕ … ▏)."""
    lines = []
    for line in screen.splitlines():
        start = line.find("▕")
        end = line.find("▏", start + 1)
        if start >= 0 and end > start:
            lines.append(line[start + 1 : end])
    return "\n".join(lines)


def first_step_labels(screen: str) -> tuple[str, ...]:
    """The first step's field labels that a settled screen of this size shows in the form."""
    from tui.core.schema import STEPS, fields_of_step

    form = form_text(screen)
    return tuple(f.label for f in fields_of_step(STEPS[0].key) if f.label in form)


def app_whole(labels: tuple[str, ...]) -> Callable[[str], bool]:
    """The whole first step is on screen: every field label that fits at this size (`labels`,
    from a settled screen, see calibrate_whole) in the form, with the ready UI around it."""

    def whole(screen: str) -> bool:
        if not app_ready(screen):
            return False
        form = form_text(screen)
        return all(label in form for label in labels)

    return whole


def calibrate_whole(command: str, settings: Settings, scratch: Path) -> tuple[str, ...]:
    """One start, not measured: which first-step labels a settled wizard shows at this size."""
    width, height = (int(n) for n in settings.size.split("x"))
    home = fresh_home(scratch)
    try:
        with ControlTmux(child_env(home), width, height) as tmux:
            started = tmux.start_and_wait([command, "new"], app_filled)
            wait_idle(started.pid)
            screen = tmux.capture(started.pid)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    labels = first_step_labels(screen)
    if len(labels) < 2:
        raise TmuxError(f"the first step's fields were not found on the screen:\n{screen}")
    return labels


def bare_ready(screen: str) -> bool:
    from tests.benchmarks.bare_app import PLACEHOLDER

    return PLACEHOLDER in screen


def measure_starts(
    programs: list[Program], settings: Settings, scratch: Path
) -> dict[str, dict[str, list[float]]]:
    """Start each program `repeat` times (plus a discarded warm-up), interleaved, rotating the
    order so that no program always runs first."""
    width, height = (int(n) for n in settings.size.split("x"))
    results: dict[str, dict[str, list[float]]] = {
        p.name: {"ready": [], "filled": [], "whole": [], "seen": [], "captures": [], "rss": []}
        for p in programs
    }
    for rep in range(settings.warmup + settings.repeat):
        shift = rep % len(programs)
        for program in programs[shift:] + programs[:shift]:
            home = fresh_home(scratch, *program.sources)
            env = child_env(home)
            with ControlTmux(env, width, height) as tmux:
                started = tmux.start_and_wait(
                    program.argv, program.ready, filled=program.filled, whole=program.whole
                )
                wait_idle(started.pid)
                tmux.send_keys(started.pid, "F7")
                time.sleep(0.1)
                wait_idle(started.pid)
                rss = peak_rss_mb(started.pid)
            shutil.rmtree(home, ignore_errors=True)
            if rep < settings.warmup:
                continue
            found = results[program.name]
            found["ready"].append(started.ready)
            found["filled"].append(started.filled)
            found["whole"].append(started.whole)
            found["seen"].append(started.seen)
            found["captures"].append(started.captures)
            found["rss"].append(rss)
            log(f"  start {program.name}: {started.ready * 1000:.0f} ms, peak RSS {rss:.1f} MB")
    return results


# --- the command-line rows ------------------------------------------------------------------------


def measure_commands(
    commands: dict[str, tuple[list[str], dict[str, str]]], settings: Settings
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for rep in range(settings.warmup + settings.repeat):
        for name, (argv, env) in commands.items():
            elapsed = timed_run(argv, env)
            if rep >= settings.warmup:
                times[name].append(elapsed)
    return times


# --- the in-process rows --------------------------------------------------------------------------


def inprocess(measurement: str, home: Path, session: Path, settings: Settings, *extra: str) -> Any:
    """Run one measurement of inprocess.py in a child process, from outside the checkout so that
    it imports the installed incident-tui."""
    argv = [
        sys.executable,
        str(HERE / "inprocess.py"),
        measurement,
        "--home", str(home),
        "--session", str(session),
        "--size", settings.size,
        "--repeat", str(settings.repeat),
        "--keys", str(settings.keys),
        "--interval", str(settings.key_interval),
        "--watch", str(settings.watch),
        "--field", settings.field,
        *extra,
    ]  # fmt: skip
    result = subprocess.run(
        argv, env=child_env(home), cwd=home, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"inprocess.py {measurement} failed:\n{result.stderr}")
    return json.loads(result.stdout)


# --- the whole run --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import textual, tui; print(textual.__version__); print(tui.__version__);"
            " print(tui.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        check=True,
    ).stdout.split("\n")
    tmux = tmux_path()
    tmux_version = (
        subprocess.run([tmux, "-V"], capture_output=True, text=True).stdout.strip() if tmux else ""
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "textual": probe[0],
        "incident_tui": probe[1],
        "incident_tui_path": str(Path(probe[2]).parent),
        "tmux": tmux_version,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def installed_matches_checkout(installed: Path) -> bool:
    checkout = HERE.parent.parent / "tui"
    for source in checkout.rglob("*.py"):
        target = installed / source.relative_to(checkout)
        if not target.exists() or target.read_bytes() != source.read_bytes():
            return False
    return True


def fingerprint(installed: Path) -> str:
    """A hash of the installed package (the venv may be shared, and reinstalled meanwhile)."""
    digest = hashlib.sha256()
    for path in sorted(installed.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(installed)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def checkout_revision() -> str:
    """The checkout's commit, with "+dirty" when tui/ or templates/ have uncommitted changes."""
    root = HERE.parent.parent

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "tui", "templates")
    return commit + ("+dirty" if dirty else "")


def run(settings: Settings, revision: str | None = None) -> dict[str, Any]:
    info = machine()
    installed = Path(info["incident_tui_path"])
    if not installed_matches_checkout(installed):
        log("warning: the installed incident-tui differs from the checkout (pip install . first)")
        info["installed_differs_from_checkout"] = True
    info["checkout"] = revision or checkout_revision()
    before = fingerprint(installed)
    command = installed_command()
    rows: list[Row] = []
    log_size = human(settings.log_bytes)
    with tempfile.TemporaryDirectory(prefix="itui-bench-") as tmp:
        scratch = Path(tmp)
        sources = SessionStore(scratch / "sources")
        small = data.small_session(sources)
        big = data.log_session(sources, settings.log_bytes)

        # Start-up and memory, in a real terminal.
        log("start-up in tmux …")
        labels = calibrate_whole(command, settings, scratch)
        log(f"  the whole first step at {settings.size}: {', '.join(labels)}")
        bare = [sys.executable, str(HERE / "bare_app.py")]
        programs = [
            Program("bare", bare, bare_ready),
            Program("new", [command, "new"], app_ready, filled=app_filled, whole=app_whole(labels)),
            Program("resume", [command, "resume", big.stem], app_ready, (big,)),
        ]
        starts = measure_starts(programs, settings, scratch)
        bare_start = starts["bare"]["ready"]
        bare_app = {"baseline_what": "bare Textual app, one Input", "compare": "ratio"}
        rows += [
            Row.from_samples(
                "start_new_whole",
                "`incident-tui new` until the whole first step is on screen (tmux)",
                "ms",
                starts["new"]["whole"],
                bare_start,
                scale=1000,
                budget="≤ 1.5×",
                limit=1.5,
                **bare_app,
            ),
            Row.from_samples(
                "start_new",
                "`incident-tui new` until the wizard is interactive (tmux)",
                "ms",
                starts["new"]["ready"],
                bare_start,
                scale=1000,
                budget="≤ 1.3×",
                limit=1.3,
                **bare_app,
            ),
            Row.from_samples(
                "start_new_filled",
                "the same, until the rest of the first step and the prompt preview are shown too",
                "ms",
                starts["new"]["filled"],
                bare_start,
                scale=1000,
                budget="— (for reference)",
                **bare_app,
            ),
            Row.from_samples(
                "start_resume_log",
                f"`incident-tui resume` of a session with a {log_size} log, until interactive",
                "ms",
                starts["resume"]["ready"],
                bare_start,
                scale=1000,
                budget="≤ 2×",
                limit=2.0,
                **bare_app,
            ),
        ]

        if not settings.startup_only:
            # The commands that draw no UI.
            log("render and list …")
            render_env = child_env(scratch / "sources")
            times = measure_commands(
                {
                    "imports": ([sys.executable, "-c", "import jinja2, tomllib"], render_env),
                    "small": ([command, "render", str(small)], render_env),
                    "big": ([command, "render", str(big)], render_env),
                },
                settings,
            )
            rows += [
                Row.from_samples(
                    "render_small",
                    "`incident-tui render` of a small session",
                    "ms",
                    times["small"],
                    times["imports"],
                    scale=1000,
                    baseline_what='`python -c "import jinja2, tomllib"`',
                    compare="ratio",
                    budget="≤ 1.5×",
                    limit=1.5,
                ),
                Row.from_samples(
                    "render_log",
                    f"`incident-tui render` of a session with a {log_size} log",
                    "ms",
                    times["big"],
                    times["small"],
                    scale=1000,
                    baseline_what="render of the small session",
                    compare="delta",
                    budget="≤ +300 ms",
                    limit=300.0,
                ),
            ]
            rows.append(waits.render_row(command, settings, scratch))
            rows.append(waits.digest_row(settings))
            many_rows = waits.many_rows(command, settings, scratch)  # shown last

            log("paste in tmux …")
            rows += waits.paste_rows(command, settings, scratch)
            log("typing echo in tmux …")
            rows.append(waits.echo_row(command, settings, scratch))

            # In the running app.
            def child(measurement: str, source: Path, *extra: str) -> Any:
                home = fresh_home(scratch, source)
                try:
                    return inprocess(
                        measurement, home, home / "sessions" / source.name, settings, *extra
                    )
                finally:
                    shutil.rmtree(home, ignore_errors=True)

            log("keystrokes …")
            # Two rounds, interleaved and in turn first: a quiet or busy minute of the machine then
            # weighs on both sides of the ratio instead of one.
            typed: dict[str, list[dict[str, Any]]] = {"small": [], "big": []}
            for rounds in range(1 if settings.quick else 2):
                for name in ("small", "big") if rounds % 2 == 0 else ("big", "small"):
                    typed[name].append(child("keystrokes", small if name == "small" else big))
            typed_small, typed_big = (
                {
                    "samples": [x for run in runs for x in run["samples"]],
                    "gc_longest": max(run["gc_longest"] for run in runs),
                    "gc_full_collections": sum(run["gc_full_collections"] for run in runs),
                }
                for runs in (typed["small"], typed["big"])
            )
            keys_small, keys_big = typed_small["samples"], typed_big["samples"]
            rows.append(
                Row.from_samples(
                    "keystroke_cpu",
                    f"CPU per keystroke in a small field, {log_size} log in the session "
                    f"(median; p95 of {len(keys_big)} keys)",
                    "ms",
                    keys_big,
                    keys_small,
                    scale=1000,
                    baseline_what="the same with no log",
                    compare="ratio",
                    budget="≤ 1.2×, p95 ≤ 16 ms",
                    limit=1.2,
                    extra={"p95": p95(keys_big) * 1000, "baseline p95": p95(keys_small) * 1000},
                    extra_limit={"p95": 16.0},
                    note=(
                        f"keys {settings.key_interval * 1000:g} ms apart into "
                        f"{settings.field}; garbage collector: longest pause "
                        f"{typed_big['gc_longest'] * 1000:.1f} ms, "
                        f"{typed_big['gc_full_collections']} full collections "
                        f"(no log: {typed_small['gc_longest'] * 1000:.1f} ms, "
                        f"{typed_small['gc_full_collections']})"
                    ),
                )
            )

            log("preview latency …")
            for source, label in (
                (small, "small session"),
                (big, f"{log_size} log in the session"),
            ):
                latency = child("preview-latency", source)["samples"]
                rows.append(
                    Row.from_samples(
                        f"preview_latency_{'small' if source is small else 'log'}",
                        f"last keystroke → preview shows it ({label})",
                        "ms",
                        latency,
                        scale=1000,
                        budget="≤ 250 ms",
                        limit=250.0,
                    )
                )

            log("paste …")
            for size in settings.paste_sizes:
                runs = [
                    child("paste", small, "--paste-bytes", str(size))
                    for _ in range(settings.repeat)
                ]
                rows.append(
                    Row.from_samples(
                        f"paste_{size}",
                        f"paste of {human(size)} into the logs field → app responsive again "
                        "(in-process, diagnostic)",
                        "ms",
                        [r["value"] for r in runs],
                        scale=1000,
                        budget="≤ 1 s",
                        limit=1000.0,
                        extra={"slowest key answer": max(r["slowest_answer"] for r in runs) * 1000},
                        note="responsive: every key answered within 100 ms from then on",
                    )
                )

            log("autosave …")
            stall_big = child("autosave-stall", big)["samples"]
            stall_small = child("autosave-stall", small)["samples"]
            rows.append(
                Row.from_samples(
                    "autosave_stall",
                    f"longest UI stall during an autosave of a session with a {log_size} log",
                    "ms",
                    stall_big,
                    stall_small,
                    scale=1000,
                    baseline_what="the same, small session (for reference)",
                    budget="≤ 16 ms",
                    limit=16.0,
                )
            )

            rss_bare = starts["bare"]["rss"]
            rss_big = starts["resume"]["rss"]
            rows.append(
                Row.from_samples(
                    "peak_rss",
                    f"peak RSS, session with a {log_size} log (resumed, idle, Evidence shown)",
                    "MB",
                    rss_big,
                    rss_bare,
                    baseline_what="bare Textual app, one Input",
                    compare="delta",
                    budget="≤ +80 MB",
                    limit=80.0,
                )
            )
            log("memory with a big log …")
            rows.append(waits.memory_row(command, settings, scratch))
            rows += many_rows

    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if fingerprint(installed) != before:
        log("warning: incident-tui was reinstalled while the benchmark ran; the rows mix versions")
        info["reinstalled_during_run"] = True
    start_info = {
        name: {
            "capture_overhead_ms": median(
                [(s - r) * 1000 for s, r in zip(found["seen"], found["ready"], strict=True)]
            ),
            "captures": median(found["captures"]),
        }
        for name, found in starts.items()
    }
    return {
        "machine": info,
        "settings": asdict(settings),
        "terminal_starts": start_info,
        "rows": [dict(asdict(row), ratio=row.ratio, delta=row.delta, ok=row.ok) for row in rows],
        "markdown": markdown(rows, info, settings),
    }


# --- output ---------------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:.3g} {unit}"


def markdown(rows: list[Row], info: dict[str, Any], settings: Settings) -> str:
    lines = [
        "| what | measured | baseline | ratio / delta | budget | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        measured = fmt(row.measured, row.unit)
        for name, value in row.extra.items():
            measured += f"; {name} {fmt(value, row.unit)}"
        baseline = (
            "—" if row.baseline is None else f"{fmt(row.baseline, row.unit)} ({row.baseline_what})"
        )
        if row.compare == "ratio" and row.ratio is not None:
            compared = f"{row.ratio:.2f}×"
        elif row.compare == "delta" and row.delta is not None:
            compared = (
                f"{row.delta:+,.0f} {row.unit}"
                if row.unit == "ms"
                else f"{row.delta:+.1f} {row.unit}"
            )
        else:
            compared = "—"
        verdict = "—" if row.limit is None else {True: "✓", False: "✗", None: "?"}[row.ok]
        lines.append(
            f"| {row.what} | {measured} | {baseline} | {compared} | {row.budget} | {verdict} |"
        )
    mode = (
        "quick mode (small sizes, one repetition: not comparable)"
        if settings.quick
        else (f"medians of {settings.repeat} runs")
    )
    load = f"load average {info['load_before'][0]:.2f} before, {info['load_after'][0]:.2f} after"
    lines += [
        "",
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores), {info['os']}, "
        f"Python {info['python']}, Textual {info['textual']}, "
        f"incident-tui {info['incident_tui']} ({info['checkout']}), "
        f"{info['tmux']}, terminal {settings.size}; {mode}; {load}.",
    ]
    if info.get("reinstalled_during_run"):
        lines.append("")
        lines.append("**incident-tui was reinstalled during the run: the rows mix versions.**")
    if info.get("installed_differs_from_checkout"):
        lines.append("")
        lines.append("**The installed incident-tui differed from the checkout.**")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.bench",
        description="Measure incident-tui's performance budgets against their baselines.",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition")
    parser.add_argument("--repeat", type=int, help="repetitions per row (default 5; quick: 1)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results here")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write the table here")
    parser.add_argument("--size", default="120x40", help="terminal size (default 120x40)")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up rows (tmux)")
    parser.add_argument(
        "--revision", help="what is measured, for the table (default: the checkout's git commit)"
    )
    args = parser.parse_args(argv)
    if tmux_path() is None:
        parser.error("tmux is needed for the start-up rows (apt-get install tmux)")
    settings = Settings(size=args.size)
    if args.quick:
        settings = Settings(
            repeat=1,
            log_bytes=300 * 1024,
            paste_sizes=(100 * 1024, 300 * 1024),
            sessions=20,
            render_bytes=300 * 1024,
            memory_bytes=300 * 1024,
            echo_seconds=1.0,
            keys=8,
            watch=1.0,
            size=args.size,
            warmup=0,
            quick=True,
        )
    if args.repeat:
        settings.repeat = args.repeat
    settings.startup_only = args.startup_only
    try:
        results = run(settings, args.revision)
    except TmuxError as exc:
        print(f"bench: tmux: {exc}", file=sys.stderr)
        return 1
    print(results["markdown"], end="")
    if args.markdown:
        args.markdown.write_text(results["markdown"], encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
