"""What a wheel built from this checkout ships: the licence its metadata declares."""

from __future__ import annotations

import email.parser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """A wheel built by pip from a copy of the checkout (pip fetches the build backend)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*_cache", "dist", "build"),
    )
    out = work / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("incident_tui-*.whl")
    return zipfile.ZipFile(built)


def metadata(wheel: zipfile.ZipFile) -> email.message.Message:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return email.parser.BytesParser().parsebytes(wheel.read(name))


def test_the_wheel_ships_the_mit_licence_its_metadata_declares(wheel: zipfile.ZipFile) -> None:
    meta = metadata(wheel)
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    text = wheel.read(name).decode("utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the incident-tui authors" in text
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_the_wheel_says_where_it_runs(wheel: zipfile.ZipFile) -> None:
    classifiers = metadata(wheel).get_all("Classifier") or []
    assert "Environment :: Console" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "Operating System :: POSIX :: Linux" in classifiers
    assert any(c.startswith("Topic :: ") for c in classifiers)


def test_the_wheel_needs_shtab_for_its_completion_command(wheel: zipfile.ZipFile) -> None:
    requires = metadata(wheel).get_all("Requires-Dist") or []
    assert any(r.startswith("shtab") for r in requires), requires
