"""How a project runs its tests, read from its files: offered for "Testing commands".

Nothing is run. The files are read with fsio.read_regular (regular files only, a size limit), and
what they name (a package.json script, say) is hostile text: it is sanitized and quoted.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.fsio import FileRefused, read_regular
from tui.core.sanitize import strip_controls

#: A project file larger than this is not read.
MAX_PROJECT_FILE = 1024 * 1024
#: At most this many package.json test scripts are offered.
MAX_SCRIPTS = 6


@dataclass(frozen=True)
class TestCommand:
    command: str
    #: Where it was found: "pyproject.toml [tool.pytest.ini_options]".
    source: str

    __test__ = False  # not a pytest test class, whatever its name


def _read(path: Path) -> str | None:
    try:
        return read_regular(path, MAX_PROJECT_FILE, follow=False).decode("utf-8", "replace")
    except FileRefused:
        return None


def _toml(path: Path) -> dict[str, Any] | None:
    text = _read(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):  # RecursionError: nested too deeply
        return None


def _mentions(data: Any, word: str) -> bool:
    """Does a dependency list anywhere under `data` name `word` (pytest>=8, "pytest[extra]")?"""
    if isinstance(data, str):
        return re.match(rf"\s*{re.escape(word)}\b(?![-.])", data, re.IGNORECASE) is not None
    if isinstance(data, list):
        return any(_mentions(item, word) for item in data)
    if isinstance(data, dict):
        return any(k.lower() == word or _mentions(v, word) for k, v in data.items())
    return False


def _table(data: Any, *keys: str) -> Any:
    """data[k1][k2]…, or {} where a level is missing or not a table (the file is hostile)."""
    for key in keys:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    return data


def _python(root: Path) -> Iterator[TestCommand]:
    pyproject = _toml(root / "pyproject.toml")
    tool = _table(pyproject, "tool")
    setup_cfg = _read(root / "setup.cfg") or ""
    if "pytest" in tool:
        yield TestCommand("pytest", "pyproject.toml [tool.pytest.ini_options]")
    elif re.search(r"^\[tool:pytest\]", setup_cfg, re.MULTILINE):
        yield TestCommand("pytest", "setup.cfg [tool:pytest]")
    elif (root / "pytest.ini").is_file():
        yield TestCommand("pytest", "pytest.ini")
    elif pyproject is not None and _mentions(
        [
            _table(pyproject, "project", "optional-dependencies"),
            _table(pyproject, "dependency-groups"),
            _table(tool, "poetry", "group"),
            _table(tool, "poetry", "dev-dependencies"),
        ],
        "pytest",
    ):
        yield TestCommand("pytest", "pyproject.toml (a pytest dependency)")
    if "tox" in tool or (root / "tox.ini").is_file() or "[tox:tox]" in setup_cfg:
        yield TestCommand("tox", "tox configuration")
    if (root / "noxfile.py").is_file():
        yield TestCommand("nox", "noxfile.py")


def _node(root: Path) -> Iterator[TestCommand]:
    text = _read(root / "package.json")
    if text is None:
        return
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        return
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return
    runner = "npm"
    if (root / "pnpm-lock.yaml").is_file():
        runner = "pnpm"
    elif (root / "yarn.lock").is_file():
        runner = "yarn"
    names = [n for n in scripts if isinstance(n, str) and "test" in n.lower()]
    for name in names[:MAX_SCRIPTS]:
        clean = strip_controls(name).replace("\n", " ")
        if clean == "test":
            yield TestCommand(f"{runner} test", "package.json scripts.test")
        else:
            yield TestCommand(f"{runner} run {shlex.quote(clean)}", "package.json scripts")


def _make(root: Path) -> Iterator[TestCommand]:
    for name in ("GNUmakefile", "makefile", "Makefile"):
        text = _read(root / name)
        if text is not None and re.search(r"^test\s*:(?!=)", text, re.MULTILINE):
            yield TestCommand("make test", f"{name} test target")
            return


def _others(root: Path) -> Iterator[TestCommand]:
    if (root / "go.mod").is_file():
        yield TestCommand("go test ./...", "go.mod")
    if (root / "Cargo.toml").is_file():
        yield TestCommand("cargo test", "Cargo.toml")
    if (root / "build.gradle").is_file() or (root / "build.gradle.kts").is_file():
        gradle = "./gradlew test" if (root / "gradlew").is_file() else "gradle test"
        yield TestCommand(gradle, "Gradle build file")
    if (root / "pom.xml").is_file():
        maven = "./mvnw test" if (root / "mvnw").is_file() else "mvn test"
        yield TestCommand(maven, "pom.xml")


def detect_test_commands(root: Path) -> list[TestCommand]:
    """The test commands a project's files name, in a stable order; never run."""
    found: list[TestCommand] = []
    for finder in (_python, _node, _make, _others):
        for command in finder(root):
            if all(c.command != command.command for c in found):
                found.append(command)
    return found


def commands_text(commands: list[TestCommand]) -> str:
    """One command a line, each with where it was found; "" when none."""
    if not commands:
        return ""
    width = max(len(c.command) for c in commands)
    return "\n".join(f"{c.command:<{width}}  # from {c.source}" for c in commands)
