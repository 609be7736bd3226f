"""The rows measured inside the running app (inprocess.py in a child process): keystroke CPU,
preview latency, pastes (diagnostics) and the autosave stall."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.benchmarks.common import HERE, Row, Settings, child_env, fresh_home, human, log, p95


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


def _child(measurement: str, source: Path, settings: Settings, scratch: Path, *extra: str) -> Any:
    home = fresh_home(scratch, source)
    try:
        return inprocess(measurement, home, home / "sessions" / source.name, settings, *extra)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def keystroke_row(settings: Settings, scratch: Path, small: Path, big: Path) -> Row:
    log("keystrokes …")
    # Two rounds, interleaved and in turn first: a quiet or busy minute of the machine then
    # weighs on both sides of the ratio instead of one.
    typed: dict[str, list[dict[str, Any]]] = {"small": [], "big": []}
    for rounds in range(1 if settings.quick else 2):
        for name in ("small", "big") if rounds % 2 == 0 else ("big", "small"):
            source = small if name == "small" else big
            typed[name].append(_child("keystrokes", source, settings, scratch))
    typed_small, typed_big = (
        {
            "samples": [x for run in runs for x in run["samples"]],
            "gc_longest": max(run["gc_longest"] for run in runs),
            "gc_full_collections": sum(run["gc_full_collections"] for run in runs),
        }
        for runs in (typed["small"], typed["big"])
    )
    keys_small, keys_big = typed_small["samples"], typed_big["samples"]
    return Row.from_samples(
        "keystroke_cpu",
        f"CPU per keystroke in a small field, {human(settings.log_bytes)} log in the session "
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


def preview_rows(settings: Settings, scratch: Path, small: Path, big: Path) -> list[Row]:
    log("preview latency …")
    rows = []
    for source, key, label in (
        (small, "small", "small session"),
        (big, "log", f"{human(settings.log_bytes)} log in the session"),
    ):
        latency = _child("preview-latency", source, settings, scratch)["samples"]
        rows.append(
            Row.from_samples(
                f"preview_latency_{key}",
                f"last keystroke → preview shows it ({label})",
                "ms",
                latency,
                scale=1000,
                budget="≤ 250 ms",
                limit=250.0,
            )
        )
    return rows


def paste_rows(settings: Settings, scratch: Path, small: Path) -> list[Row]:
    log("paste (in process) …")
    rows = []
    for size in settings.paste_sizes:
        runs = [
            _child("paste", small, settings, scratch, "--paste-bytes", str(size))
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
    return rows


def autosave_row(settings: Settings, scratch: Path, small: Path, big: Path) -> Row:
    log("autosave …")
    stall_big = _child("autosave-stall", big, settings, scratch)["samples"]
    stall_small = _child("autosave-stall", small, settings, scratch)["samples"]
    return Row.from_samples(
        "autosave_stall",
        f"longest UI stall during an autosave of a session with a {human(settings.log_bytes)} log",
        "ms",
        stall_big,
        stall_small,
        scale=1000,
        baseline_what="the same, small session (for reference)",
        budget="≤ 16 ms",
        limit=16.0,
    )
