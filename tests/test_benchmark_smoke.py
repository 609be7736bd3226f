"""The benchmark script still runs: quick mode, every row measured, a complete table and JSON.

No timing is judged here (CI machines are noisy); the budgets are for `python -m
tests.benchmarks.bench` on a quiet machine (see README.md, Performance).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = {
    "start_new_whole",
    "start_new",
    "start_new_filled",
    "start_resume_log",
    "render_small",
    "render_log",
    "keystroke_cpu",
    "preview_latency_small",
    "preview_latency_log",
    "paste_102400",
    "paste_307200",
    "paste_tmux_102400",
    "paste_tmux_307200",
    "echo_title",
    "echo_floor",
    "render_huge",
    "digest_log",
    "memory_log",
    "list_cold",
    "resume_many",
    "autosave_stall",
    "peak_rss",
    "list",
}


@pytest.mark.terminal
def test_quick_benchmark_emits_every_row(tmp_path: Path, installed_command: str) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    env["INCIDENT_TUI_HOME"] = str(tmp_path / "untouched-home")
    result = subprocess.run(
        [
            sys.executable, "-m", "tests.benchmarks.bench", "--quick",
            "--json", str(tmp_path / "bench.json"),
            "--markdown", str(tmp_path / "bench.md"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        # Ten app starts in tmux and more: on a busy machine of 2 cores that takes minutes.
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    results = json.loads((tmp_path / "bench.json").read_text())
    rows = {row["key"]: row for row in results["rows"]}
    assert set(rows) == ROWS
    for key, row in rows.items():
        assert isinstance(row["measured"], float) and math.isfinite(row["measured"]), key
        assert row["measured"] > 0, key
        assert row["samples"], key
        if row["compare"]:
            assert isinstance(row["baseline"], float) and row["baseline"] > 0, key
        if row["limit"] is None:  # a row for reference: no budget, no verdict
            assert row["ok"] is None, key
        else:
            assert row["ok"] in (True, False), key  # a verdict, whatever it is
    machine = results["machine"]
    for name in ("cpu", "cores", "python", "textual", "date"):
        assert machine[name], name

    table = (tmp_path / "bench.md").read_text()
    assert table == results["markdown"]
    assert result.stdout == table
    body = [line for line in table.splitlines() if line.startswith("| ") and "| ---" not in line]
    assert body[0] == "| what | measured | baseline | ratio / delta | budget | verdict |"
    assert len(body) == 1 + len(ROWS)  # the header and one line per row
    for line in body[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == 6, line
        assert cells[1] and cells[1] != "—", line
        if cells[4].startswith("—"):  # no budget: for reference
            assert cells[5] == "—", line
        else:
            assert cells[5] in ("✓", "✗"), line
    assert "Python" in table and "Textual" in table
    # The user's (here: the fixture's) home was never written: every run has its own.
    assert not (tmp_path / "untouched-home").exists()


@pytest.mark.terminal
def test_only_runs_the_named_groups_and_refuses_unknown_ones(
    tmp_path: Path, installed_command: str
) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    bench = [sys.executable, "-m", "tests.benchmarks.bench", "--quick"]
    wrong = subprocess.run(
        [*bench, "--only", "digest,typing"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert wrong.returncode == 2
    assert "unknown group(s): typing" in wrong.stderr

    result = subprocess.run(
        [*bench, "--only", "digest", "--json", str(tmp_path / "bench.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads((tmp_path / "bench.json").read_text())["rows"]
    assert [row["key"] for row in rows] == ["digest_log"]


def test_the_echo_row_types_keys_whose_last_letters_never_repeat() -> None:
    """Each key's echo is found by the last letters typed: were they typed before, the screen
    would show them before the key is echoed, and the echo would be timed as instant."""
    from tests.benchmarks.waits import ECHO_WINDOW, typing_sequence

    typed = typing_sequence(400)
    windows = [typed[i : i + ECHO_WINDOW] for i in range(len(typed) - ECHO_WINDOW + 1)]
    assert len(typed) == 400
    assert len(set(windows)) == len(windows)


@pytest.mark.terminal
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_benchmarks_terminal_outlives_the_programs_it_ran(tmp_path: Path) -> None:
    """A program that loses its terminal may still write (incident-tui saves its session): the
    benchmark removed the program's home while it did, and a full run ended in a traceback."""
    from tests.benchmarks.tmuxctl import ControlTmux

    written = tmp_path / "written"
    script = (
        "import signal, sys, time\n"
        "def hung_up(*_):\n"
        "    time.sleep(0.5)\n"
        f"    open({str(written)!r}, 'w').write('saved')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGHUP, hung_up)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    program = tmp_path / "program.py"
    program.write_text(script)
    with ControlTmux(dict(os.environ), 40, 10) as tmux:
        tmux.start_and_wait([sys.executable, str(program)], lambda screen: "ready" in screen)
    assert written.read_text() == "saved"


@pytest.mark.terminal
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_an_echo_that_arrives_before_tmux_answers_is_still_timed(tmp_path: Path) -> None:
    """A program that writes back each key at once can answer before tmux has answered the
    command that sent the key: that output was dropped, the screen already showed the key, and
    the echo was timed as 0 ms. Its letters also run on past the end of the line, where the
    last ones typed were not found."""
    from tests.benchmarks.common import Settings
    from tests.benchmarks.waits import raw_echoes

    # More keys than the terminal is wide: the letters wrap onto the next row.
    settings = Settings(echo_seconds=4.0, size="60x10")
    echoes = raw_echoes(settings, tmp_path)
    assert len(echoes) == 80
    assert min(echoes) > 0
