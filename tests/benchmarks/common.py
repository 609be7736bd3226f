"""What every benchmark row shares: the settings, a row and its verdict, and small helpers for
running the installed command and watching its process."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    #: only these groups of rows (bench.GROUPS); all when empty
    only: tuple[str, ...] = ()


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
    return f"{size / MB:.4g} MB" if size >= MB else f"{size / 1024:.4g} KB"


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
