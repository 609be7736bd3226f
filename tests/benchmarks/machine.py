"""What a benchmark run was measured on and against: the machine, the installed package and the
checkout it should match."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.benchmarks.common import HERE
from tests.benchmarks.tmuxctl import tmux_path


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
