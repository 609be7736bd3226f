"""Throw-away git repositories with commits at known times, for the gather tests."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path


def git_env(home: Path) -> dict[str, str]:
    """An environment in which the test's own git commands see no user or system config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Ada Lovelace",
        GIT_AUTHOR_EMAIL="ada@example.com",
        GIT_COMMITTER_NAME="Ada Lovelace",
        GIT_COMMITTER_EMAIL="ada@example.com",
    )
    return env


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = git_env(path.parent)
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str | None = None) -> str:
        env = dict(self.env)
        if when is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
        result = subprocess.run(
            ["git", "-C", str(self.path), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return result.stdout.strip()

    def commit(self, message: str, when: str, files: dict[str, str]) -> str:
        """Write `files`, commit them at `when` ("2026-11-29T13:00:00Z"); the full SHA."""
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            self.git("add", name)
        self.git("commit", "-q", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")

    def config(self, key: str, value: str) -> None:
        self.git("config", key, value)


def lines(n: int, word: str = "line") -> str:
    return "".join(f"{word} {i}\n" for i in range(n))


def marker_script(directory: Path, name: str) -> tuple[Path, Path]:
    """An executable that creates a marker file when anything runs it: (script, marker)."""
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / f"ran-{name}"
    script = directory / f"evil-{name}.sh"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, marker


def incident_repo(path: Path) -> tuple[Repo, dict[str, str]]:
    """Commits at known times around an incident that started 2026-11-29 14:07 UTC:
    one old commit (before the window), a feature branch merged at 13:30, a release tag."""
    repo = Repo(path)
    shas = {}
    shas["old"] = repo.commit(
        "Initial import",
        "2026-11-28T09:00:00Z",
        {
            "app/checkout.py": lines(50),
            "pyproject.toml": '[project]\nname = "shop"\n\n[tool.pytest.ini_options]\n',
        },
    )
    shas["feature"] = repo.commit(
        "Add currency conversion", "2026-11-29T12:40:00Z", {"app/currency.py": lines(30)}
    )
    repo.git("checkout", "-q", "-b", "hotfix", shas["feature"])
    shas["branch"] = repo.commit(
        "Cache exchange rates", "2026-11-29T13:10:00Z", {"app/rates.py": lines(5)}
    )
    repo.git("checkout", "-q", "main")
    shas["main2"] = repo.commit(
        "Bump checkout timeout", "2026-11-29T13:20:00Z", {"app/checkout.py": lines(52)}
    )
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'hotfix'",
        "hotfix",
        when="2026-11-29T13:30:00Z",
    )
    shas["merge"] = repo.git("rev-parse", "HEAD")
    repo.git("tag", "-a", "v1.4.2", "-m", "release 1.4.2", when="2026-11-29T13:31:00Z")
    return repo, shas
