"""The performance budgets of incident-tui, measured side by side with their baselines.

    .venv/bin/pip install . && .venv/bin/python -m tests.benchmarks.bench
    .venv/bin/python -m tests.benchmarks.bench --quick            # small sizes, one repetition
    .venv/bin/python -m tests.benchmarks.bench --repeat 9 --json out.json --markdown out.md
    .venv/bin/python -m tests.benchmarks.bench --only paste,echo  # some groups of rows (see --help)

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

* Start-up (starts.py): in a real terminal (a private tmux server per run, see tmuxctl.py),
  from spawning the command until the screen shows the ready UI: for incident-tui the step
  list, the first field ("Title") and the footer; for the baseline (bare_app.py: a Textual app
  with one Input) its placeholder. The interpreter's start is included. Peak RSS (VmHWM) is
  read from the same processes once they are idle (after F7, which on incident-tui shows the
  Evidence step).
* render / list: wall time of the installed command, stdout to /dev/null.
* Paste through tmux, `list` and `resume` among 10,000 incidents, `render` of a 50 MB log against
  the TOML parse, memory per log byte: see waits.py.
* Keystrokes, preview, autosave, and the in-process paste rows (diagnostics; inapp.py): the app
  under Textual's test harness in a child process (inprocess.py), frames encoded as for a real
  terminal. See that file for each definition.

Load matters (2 cores shared with other work): the table ends with the load average before and
after; compare runs made under similar load, and prefer more repetitions on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.benchmarks import data, inapp, waits
from tests.benchmarks.common import (
    Row,
    Settings,
    child_env,
    human,
    installed_command,
    log,
    measure_commands,
)
from tests.benchmarks.machine import (
    checkout_revision,
    fingerprint,
    installed_matches_checkout,
    machine,
)
from tests.benchmarks.starts import startup_rows
from tests.benchmarks.tmuxctl import TmuxError, tmux_path
from tui.core.session import SessionStore

#: The groups of rows, in the table's order; `--only` picks some.
GROUPS = (
    "startup",
    "render",
    "digest",
    "paste",
    "echo",
    "keystrokes",
    "preview",
    "paste-inprocess",
    "autosave",
    "memory",
    "many",
)


def command_rows(
    command: str, settings: Settings, scratch: Path, small: Path, big: Path
) -> list[Row]:
    """`render` of a small session and of one with a log, timed as commands (no UI)."""
    log("render …")
    render_env = child_env(small.parent.parent)
    times = measure_commands(
        {
            "imports": ([sys.executable, "-c", "import jinja2, tomllib"], render_env),
            "small": ([command, "render", str(small)], render_env),
            "big": ([command, "render", str(big)], render_env),
        },
        settings,
    )
    return [
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
            f"`incident-tui render` of a session with a {human(settings.log_bytes)} log",
            "ms",
            times["big"],
            times["small"],
            scale=1000,
            baseline_what="render of the small session",
            compare="delta",
            budget="≤ +300 ms",
            limit=300.0,
        ),
        waits.render_row(command, settings, scratch),
    ]


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
    start_info: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="itui-bench-") as tmp:
        scratch = Path(tmp)
        sources = SessionStore(scratch / "sources")
        small = data.small_session(sources)
        big = data.log_session(sources, settings.log_bytes)

        def startup() -> list[Row]:
            log("start-up in tmux …")
            found, start_info["terminal_starts"] = startup_rows(command, settings, scratch, big)
            return found

        groups: dict[str, Callable[[], list[Row]]] = {
            "startup": startup,
            "render": lambda: command_rows(command, settings, scratch, small, big),
            "digest": lambda: [waits.digest_row(settings)],
            "paste": lambda: waits.paste_rows(command, settings, scratch),
            "echo": lambda: waits.echo_rows(command, settings, scratch),
            "keystrokes": lambda: [inapp.keystroke_row(settings, scratch, small, big)],
            "preview": lambda: inapp.preview_rows(settings, scratch, small, big),
            "paste-inprocess": lambda: inapp.paste_rows(settings, scratch, small),
            "autosave": lambda: [inapp.autosave_row(settings, scratch, small, big)],
            "memory": lambda: [waits.memory_row(command, settings, scratch)],
            "many": lambda: waits.many_rows(command, settings, scratch),
        }
        for name in GROUPS:
            if not settings.only or name in settings.only:
                rows += groups[name]()

    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if fingerprint(installed) != before:
        log("warning: incident-tui was reinstalled while the benchmark ran; the rows mix versions")
        info["reinstalled_during_run"] = True
    return {
        "machine": info,
        "settings": asdict(settings),
        "terminal_starts": start_info.get("terminal_starts", {}),
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
    parser.add_argument(
        "--only",
        metavar="GROUPS",
        help=f"only these groups of rows, comma-separated: {', '.join(GROUPS)}",
    )
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
    if args.only:
        only = tuple(name.strip() for name in args.only.split(",") if name.strip())
        unknown = [name for name in only if name not in GROUPS]
        if unknown:
            parser.error(f"unknown group(s): {', '.join(unknown)}; known: {', '.join(GROUPS)}")
        settings.only = only
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
