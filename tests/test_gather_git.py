"""Gathering from git: the window's commits, the files they changed, the test commands, and a
hostile repository's config that must not make git run anything."""

from __future__ import annotations

import contextlib
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gather_helpers import Repo, incident_repo, lines, marker_script

from tui.core import gather_git
from tui.core.gather import add_changes, add_text, git_offers
from tui.core.gather_git import GatherError
from tui.core.gather_git import gather_git as gather
from tui.core.model import Session
from tui.core.runcmd import run_capped
from tui.core.testdetect import commands_text, detect_test_commands

STARTED = "2026-11-29 14:07 UTC, maybe earlier"
NOW = datetime(2026, 11, 29, 14, 20, tzinfo=UTC)


def test_commits_of_the_window_become_change_items_with_merges_and_tags_marked(
    tmp_path: Path,
) -> None:
    repo, shas = incident_repo(tmp_path / "shop")
    found = gather(repo.path, started_at=STARTED, now=NOW)
    items = found.change_items()
    # Two hours before 14:07: the 12:40 commit is in, the day-old import is not.
    refs = [i["ref"] for i in items]
    assert refs == [shas[k][:12] for k in ("merge", "main2", "branch", "feature")]
    merge = items[0]
    assert merge["when"] == "2026-11-29 13:30 UTC"
    assert merge["what"] == "Merge branch 'hotfix' (Ada Lovelace) [merge] [tag v1.4.2]"
    assert merge["relation"] == "unknown"
    assert items[3]["what"] == "Add currency conversion (Ada Lovelace)"
    assert "since 2026-11-29 12:07 UTC" in found.window.label


def test_changed_files_most_changed_first_with_totals(tmp_path: Path) -> None:
    repo, _ = incident_repo(tmp_path / "shop")
    text = gather(repo.path, started_at=STARTED, now=NOW).files_text()
    first, *rows = text.splitlines()
    assert "3 files, +37 -0 lines" in first
    assert [r.split()[-1] for r in rows] == ["app/currency.py", "app/rates.py", "app/checkout.py"]
    assert rows[0].split()[:2] == ["+30", "-0"]


def test_the_file_list_is_capped_and_says_how_many_more(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "many")
    repo.commit("base", "2026-11-28T09:00:00Z", {"README": "x\n"})
    repo.commit(
        "many files", "2026-11-29T13:00:00Z", {f"f{i:02}.txt": lines(i + 1) for i in range(50)}
    )
    text = gather(repo.path, started_at=STARTED, now=NOW).files_text(limit=10)
    rows = text.splitlines()
    assert "50 files" in rows[0]
    assert rows[1].split()[-1] == "f49.txt"
    assert len(rows) == 12 and rows[-1].strip() == "… and 40 more files"


def test_since_a_tag_and_since_a_time(tmp_path: Path) -> None:
    repo, shas = incident_repo(tmp_path / "shop")
    later = repo.commit("Hotfix rounding", "2026-11-29T14:30:00Z", {"app/round.py": "x\n"})
    by_tag = gather(repo.path, since="v1.4.2", now=NOW)
    assert [c.ref for c in by_tag.commits] == [later[:12]]
    assert by_tag.files_text().splitlines()[1].split()[-1] == "app/round.py"
    by_time = gather(repo.path, since="2026-11-29 13:15 UTC", now=NOW)
    assert [c.ref for c in by_time.commits] == [later[:12], shas["merge"][:12], shas["main2"][:12]]
    with pytest.raises(GatherError, match="not a time"):
        gather(repo.path, since="no-such-ref", now=NOW)
    with pytest.raises(GatherError, match="not a time"):
        gather(repo.path, since="--output=/tmp/x", now=NOW)


def test_without_a_known_start_the_window_is_the_last_24_hours(tmp_path: Path) -> None:
    repo, shas = incident_repo(tmp_path / "shop")
    found = gather(repo.path, started_at="around lunch", now=NOW)
    assert "the last 24 h" in found.window.label
    assert found.commits[-1].ref == shas["feature"][:12]  # 09:00 the day before is out
    assert len(found.commits) == 4


def test_gathering_twice_adds_nothing_and_text_is_never_overwritten(tmp_path: Path) -> None:
    repo, _ = incident_repo(tmp_path / "shop")
    found = gather(repo.path, started_at=STARTED, now=NOW)
    session = Session(id="x", started_at=STARTED)
    session.set("testing_commands", "curl -fsS https://shop/health")
    assert add_changes(session, found.change_items()) == 4
    results = [add_text(session, o, "git shop", NOW) for o in git_offers(found)]
    assert results == ["set", "appended"]
    testing = session.get("testing_commands")
    assert testing.startswith("curl -fsS https://shop/health\n\n")
    assert "--- gathered from git shop at 2026-11-29 14:20 UTC ---\npytest" in testing
    again = gather(repo.path, started_at=STARTED, now=NOW)
    assert add_changes(session, again.change_items()) == 0
    assert [add_text(session, o, "git shop", NOW) for o in git_offers(again)] == [
        "unchanged",
        "unchanged",
    ]
    assert len(session.items("changes")) == 4


def test_a_ref_typed_short_counts_as_the_same_commit(tmp_path: Path) -> None:
    repo, shas = incident_repo(tmp_path / "shop")
    session = Session(id="x")
    session.add_item("changes", what="the hotfix merge", ref=shas["merge"][:7])
    found = gather(repo.path, started_at=STARTED, now=NOW)
    assert add_changes(session, found.change_items()) == 3


def test_outside_a_repository_and_without_git_it_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GatherError, match="not inside a git repository") as caught:
        gather(plain)
    assert "\n" not in str(caught.value)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(GatherError, match="git is not installed"):
        gather(plain)


def test_an_empty_repository_has_nothing_to_gather(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")
    with pytest.raises(GatherError, match="no commits yet"):
        gather(repo.path)


def test_subjects_authors_and_paths_lose_their_escapes(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "esc")
    repo.env["GIT_AUTHOR_NAME"] = "Mallory\x1b]0;pwned\x07"
    repo.commit(
        "Fix \x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 thing",
        "2026-11-29T13:00:00Z",
        {"bad\x1b[2Jname.txt": "x\n"},
    )
    found = gather(repo.path, started_at=STARTED, now=NOW)
    item = found.change_items()[0]
    everything = item["what"] + found.files_text()
    assert "\x1b" not in everything and "\x07" not in everything
    assert item["what"] == "Fix red  thing (Mallory)"


# --- a hostile repository -------------------------------------------------------------------------


def _hostile(repo: Repo, bin_dir: Path) -> dict[str, Path]:
    """Point every config hook we know of at a program that leaves a marker."""
    markers = {}
    for name in ("pager", "external", "textconv", "fsmonitor", "gpg", "alias", "hookspath"):
        script, marker = marker_script(bin_dir, name)
        markers[name] = marker
        if name == "pager":
            repo.config("core.pager", str(script))
            repo.config("pager.log", str(script))
            repo.config("pager.diff", str(script))
        elif name == "external":
            repo.config("diff.external", str(script))
            repo.config("diff.evil.command", str(script))
        elif name == "textconv":
            repo.config("diff.evil.textconv", str(script))
        elif name == "fsmonitor":
            repo.config("core.fsmonitor", str(script))
        elif name == "gpg":
            repo.config("gpg.program", str(script))
            repo.config("log.showSignature", "true")
        elif name == "alias":
            repo.config("alias.log", f"!{script}")
            repo.config("alias.diff", f"!{script}")
        elif name == "hookspath":
            hooks = bin_dir / "hooks"
            hooks.mkdir()
            for hook in ("post-checkout", "post-index-change", "reference-transaction"):
                (hooks / hook).symlink_to(script)
            repo.config("core.hooksPath", str(hooks))
    return markers


def _signed_commit(repo: Repo) -> None:
    """A commit with a (fake) PGP signature: `log.showSignature` makes git call gpg.program."""
    tree = repo.git("rev-parse", "HEAD^{tree}")
    parent = repo.git("rev-parse", "HEAD")
    body = (
        f"tree {tree}\nparent {parent}\n"
        "author Ada Lovelace <ada@example.com> 1795960200 +0000\n"
        "committer Ada Lovelace <ada@example.com> 1795960200 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n"
        " -----END PGP SIGNATURE-----\n\nSigned release\n"
    )
    obj = subprocess.run(
        ["git", "-C", str(repo.path), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=body,
        capture_output=True,
        text=True,
        env=repo.env,
        check=True,
    ).stdout.strip()
    repo.git("update-ref", "HEAD", obj)


def test_a_hostile_repository_config_runs_nothing(tmp_path: Path) -> None:
    repo, _ = incident_repo(tmp_path / "clone")
    (repo.path / ".gitattributes").write_text("* diff=evil\n")
    repo.commit("attributes", "2026-11-29T13:40:00Z", {"app/evil.txt": "x\ny\n"})
    _signed_commit(repo)
    markers = _hostile(repo, tmp_path / "evil")
    # The config is live: git run without our guards runs these programs.
    env = dict(repo.env)
    subprocess.run(["git", "-C", str(repo.path), "log", "-1"], env=env, capture_output=True)
    subprocess.run(
        ["git", "-C", str(repo.path), "diff", "HEAD~2", "HEAD"], env=env, capture_output=True
    )
    subprocess.run(["git", "-C", str(repo.path), "status"], env=env, capture_output=True)
    live = {name for name, marker in markers.items() if marker.exists()}
    assert {"gpg", "external", "fsmonitor"} <= live
    for marker in markers.values():
        marker.unlink(missing_ok=True)

    found = gather(repo.path, started_at=STARTED, now=NOW)
    git_offers(found)
    assert len(found.commits) == 6
    assert [name for name, marker in markers.items() if marker.exists()] == []


def test_a_partial_clone_never_fetches_through_a_transport_its_config_allows(
    tmp_path: Path,
) -> None:
    """A missing object in a partial clone makes git fetch it from the promisor remote; the
    repository's config can allow the `ext::` transport, which runs any command."""
    repo, shas = incident_repo(tmp_path / "partial")
    script, marker = marker_script(tmp_path / "evil", "fetch")
    blob = repo.git("rev-parse", f"{shas['feature']}:app/currency.py")
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    repo.config("core.repositoryformatversion", "1")
    repo.config("extensions.partialClone", "origin")
    repo.config("remote.origin.url", f"ext::{script}")
    repo.config("remote.origin.promisor", "true")
    repo.config("protocol.ext.allow", "always")
    # The trap is live: a plain git asks the remote for the blob.
    subprocess.run(
        ["git", "-C", str(repo.path), "cat-file", "-p", blob],
        env=repo.env,
        capture_output=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert marker.exists()
    marker.unlink()
    # git may fail on the missing object: that is fine, running something is not.
    with contextlib.suppress(GatherError):
        gather(repo.path, started_at=STARTED, now=NOW)
    assert not marker.exists()


def test_the_git_environment_drops_the_users_git_variables() -> None:
    env = gather_git.git_env(
        {"GIT_DIR": "/elsewhere", "GIT_EXTERNAL_DIFF": "evil", "PAGER": "evil", "HOME": "/h"}
    )
    assert "GIT_DIR" not in env and "GIT_EXTERNAL_DIFF" not in env
    assert env["PAGER"] == "cat" and env["HOME"] == "/h"
    assert env["GIT_CONFIG_NOSYSTEM"] == "1" and env["GIT_TERMINAL_PROMPT"] == "0"


# --- the runner -----------------------------------------------------------------------------------


def test_a_command_past_its_timeout_is_killed_with_its_children(tmp_path: Path) -> None:
    marker = tmp_path / "late"
    result = run_capped(
        ["sh", "-c", f"(sleep 2; touch '{marker}') & sleep 30"], timeout=0.5, max_bytes=1000
    )
    assert result.timed_out and not result.ok
    import time

    time.sleep(2.5)
    assert not marker.exists()


def test_output_past_the_cap_is_cut_and_the_command_stopped() -> None:
    result = run_capped(["yes"], timeout=10, max_bytes=10_000)
    assert result.truncated
    assert len(result.stdout) == 10_000
    assert not result.timed_out


# --- test commands --------------------------------------------------------------------------------


def test_test_commands_are_detected_from_project_files(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "setup.cfg").write_text("[metadata]\nname = x\n\n[tool:pytest]\naddopts = -q\n")
    (root / "tox.ini").write_text("[tox]\n")
    (root / "package.json").write_text(
        '{"scripts": {"test": "jest", "test:e2e\\u001b[2J": "playwright", "build": "tsc"}}'
    )
    (root / "yarn.lock").write_text("")
    (root / "Makefile").write_text("all:\n\techo\n\ntest: all\n\tpytest\n")
    (root / "go.mod").write_text("module x\n")
    (root / "Cargo.toml").write_text("[package]\n")
    (root / "build.gradle.kts").write_text("")
    (root / "gradlew").write_text("")
    (root / "pom.xml").write_text("<project/>")
    commands = [c.command for c in detect_test_commands(root)]
    assert commands == [
        "pytest",
        "tox",
        "yarn test",
        "yarn run test:e2e",
        "make test",
        "go test ./...",
        "cargo test",
        "./gradlew test",
        "mvn test",
    ]
    assert "# from setup.cfg [tool:pytest]" in commands_text(detect_test_commands(root))


def test_a_pytest_dependency_counts_and_broken_project_files_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n'
    )
    (root / "package.json").write_text("{not json")
    (root / "Makefile").mkdir()  # not a regular file
    assert [c.command for c in detect_test_commands(root)] == ["pytest"]
    (root / "pyproject.toml").write_text("[project\n")
    assert detect_test_commands(root) == []


def test_a_config_that_points_git_at_a_fifo_does_not_hang_the_gather(tmp_path: Path) -> None:
    """mailmap.file and core.attributesFile naming a FIFO would block git log and git diff
    until the timeout."""
    import os
    import time

    repo, _ = incident_repo(tmp_path / "clone")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    repo.config("mailmap.file", str(fifo))
    repo.config("core.attributesFile", str(fifo))
    started = time.monotonic()
    found = gather(repo.path, started_at=STARTED, now=NOW)
    assert len(found.commits) == 4 and found.files
    assert time.monotonic() - started < gather_git.GIT_TIMEOUT / 2


def test_git_past_its_timeout_is_stopped_and_the_gather_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    repo, _ = incident_repo(tmp_path / "clone")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    repo.config("include.path", str(fifo))  # git blocks reading it
    monkeypatch.setattr(gather_git, "GIT_TIMEOUT", 1.0)
    with pytest.raises(GatherError, match=r"took longer than 1 s; stopped") as caught:
        gather(repo.path, started_at=STARTED, now=NOW)
    assert "\n" not in str(caught.value)
