"""`incident-tui gather`, `gather --run` and `new --profile`, as a user runs them."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gather_helpers import incident_repo

from tui.cli import main
from tui.core.store import SessionStore

SESSION = """schema_version = 2
title = "Checkout returns 500"
severity = "SEV1"
started_at = "2026-11-29 14:07 UTC"

[fields]
testing_commands = "curl -fsS https://shop/health"
"""


def run(
    command: str, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [command, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def saved(home: Path) -> Path:
    sessions = home / "sessions"
    sessions.mkdir(parents=True, mode=0o700)
    home.chmod(0o700)
    path = sessions / "20261129-1412-checkout.toml"
    path.write_text(SESSION, encoding="utf-8")
    return path


def test_gather_fills_changes_offers_files_and_pytest_and_a_second_run_adds_nothing(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    repo, shas = incident_repo(tmp_path / "shop")
    result = run(installed_command, "gather", "--repo", str(repo.path), env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "4 commits since 2026-11-29 12:07 UTC" in result.stderr
    assert "4 new change items" in result.stderr
    session = SessionStore(saved.parent.parent).load(saved)
    changes = session.items("changes")
    order = ("merge", "main2", "branch", "feature")
    assert [c["ref"] for c in changes] == [shas[k][:12] for k in order]
    assert all(c["relation"] == "unknown" for c in changes)
    assert "[tag v1.4.2]" in changes[0]["what"]
    files = session.get("suspected_files")
    assert files.splitlines()[1].split()[-1] == "app/currency.py"
    testing = session.get("testing_commands")
    # The typed text stays first; the detected command comes below a marked header.
    assert testing.startswith("curl -fsS https://shop/health\n\n--- gathered from git ")
    assert "\npytest  # from pyproject.toml" in testing

    before = saved.read_text(encoding="utf-8")
    again = run(installed_command, "gather", "--repo", str(repo.path), env=cli_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 new change items" in again.stderr
    assert "already there, unchanged" in again.stderr
    after = SessionStore(saved.parent.parent).load(saved)
    assert len(after.items("changes")) == 4
    assert after.get("testing_commands") == testing
    assert after.get("suspected_files") == files
    assert before.count("[[changes]]") == saved.read_text(encoding="utf-8").count("[[changes]]")


def test_gather_outside_a_repository_is_one_line(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run(installed_command, "gather", "--repo", str(plain), env=cli_env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "not inside a git repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_gather_does_not_import_textual(
    cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    repo, _ = incident_repo(tmp_path / "shop")
    probe = (
        "import sys\n"
        "from tui.cli import main\n"
        f"main(['gather', '--repo', {str(repo.path)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'})\n"
        "print('IMPORTED:', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, cwd=tmp_path, capture_output=True, text=True
    )
    assert "IMPORTED: []" in result.stderr, result.stderr


# --- profiles and their gather commands ----------------------------------------------------------

PROFILE = """project_context = "checkout: Django 5, deployed by Argo CD"
environment = "production, eu-west-1"
rollback_options = "argocd app rollback checkout"

[[gather]]
name = "pods"
argv = ["sh", "-c", "touch ran-pods; echo pod checkout-7f9 CrashLoopBackOff"]
into = "monitoring"
timeout = 10
"""


def _profile(tmp_path: Path, text: str = PROFILE) -> Path:
    service = tmp_path / "service"
    (service / "sub").mkdir(parents=True, exist_ok=True)
    (service / ".incident-tui.toml").write_text(text, encoding="utf-8")
    return service


def test_an_untrusted_gather_command_does_not_run_without_a_terminal(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    service = _profile(tmp_path)
    result = run(installed_command, "gather", "--run", "pods", env=cli_env, cwd=service / "sub")
    assert result.returncode == 1
    assert "not trusted yet" in result.stderr
    assert "gather --run pods` in a terminal" in result.stderr
    assert not (service / "ran-pods").exists()
    assert "CrashLoopBackOff" not in saved.read_text(encoding="utf-8")


def _pty_run(command: list[str], env: dict[str, str], cwd: Path, answer: bytes) -> str:
    """Run `command` on a pseudo-terminal, answer its question, return all it printed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.chdir(cwd)
        os.execve(command[0], command, env)
    out = b""
    answered = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if not answered and b"[y/N]" in out:
            os.write(fd, answer)
            answered = True
    os.waitpid(pid, 0)
    os.close(fd)
    return out.decode("utf-8", "replace")


def test_a_gather_command_runs_once_agreed_and_asks_again_when_its_argv_changes(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    service = _profile(tmp_path)
    command = [installed_command, "gather", "--run", "pods"]
    said_no = _pty_run(command, cli_env, service / "sub", b"n\n")
    assert "sh -c 'touch ran-pods; echo pod checkout-7f9 CrashLoopBackOff'" in said_no
    assert not (service / "ran-pods").exists()

    said_yes = _pty_run(command, cli_env, service / "sub", b"y\n")
    assert "output added to monitoring" in said_yes
    assert (service / "ran-pods").exists()  # run in the profile's directory
    monitoring = SessionStore(saved.parent.parent).load(saved).get("monitoring")
    assert monitoring.startswith("--- $ sh -c 'touch ran-pods; echo pod checkout-7f9")
    assert "exit status 0) ---\npod checkout-7f9 CrashLoopBackOff" in monitoring
    trust_file = saved.parent.parent / "trusted-commands"
    assert trust_file.stat().st_mode & 0o777 == 0o600

    # Trusted now: it runs without a terminal too.
    (service / "ran-pods").unlink()
    quiet = run(installed_command, "gather", "--run", "pods", env=cli_env, cwd=service)
    assert quiet.returncode == 0, quiet.stderr
    assert (service / "ran-pods").exists()

    # The same name with another argv is another command: refused until agreed again.
    (service / "ran-pods").unlink()
    _profile(tmp_path, PROFILE.replace("echo pod", "touch ran-changed; echo pod"))
    changed = run(installed_command, "gather", "--run", "pods", env=cli_env, cwd=service)
    assert changed.returncode == 1
    assert "not trusted yet (new or changed)" in changed.stderr
    assert not (service / "ran-pods").exists() and not (service / "ran-changed").exists()


def test_new_profile_prefills_a_new_incident(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from argparse import Namespace

    from tui.cli_gather import new_session

    service = _profile(tmp_path)
    monkeypatch.chdir(service / "sub")
    store = SessionStore(home)
    session = new_session(store, Namespace(title="", profile=None))
    assert session is not None
    assert session.get("project_context") == "checkout: Django 5, deployed by Argo CD"
    assert session.get("rollback_options") == "argocd app rollback checkout"
    assert session.get("monitoring") == ""  # gather commands never run on their own
    assert "pre-filled 3 fields" in capsys.readouterr().err
    assert not (service / "ran-pods").exists()

    named = home / "profiles"
    named.mkdir(parents=True, mode=0o700)
    home.chmod(0o700)
    (named / "payments.toml").write_text('environment = "prod-payments"\n')
    session = new_session(store, Namespace(title="", profile="payments"))
    assert session is not None and session.get("environment") == "prod-payments"


def test_a_broken_profile_is_one_line_with_its_line_and_is_ignored(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from argparse import Namespace

    from tui.cli_gather import new_session

    service = _profile(tmp_path, 'environment = "prod"\nrollbak_options = "typo"\n')
    monkeypatch.chdir(service)
    assert new_session(SessionStore(home), Namespace(title="", profile=None)) is None
    err = capsys.readouterr().err
    assert f"{service / '.incident-tui.toml'}:2: unknown key 'rollbak_options'" in err
    assert err.count("\n") == 1


def test_gather_run_of_a_missing_command_name_lists_the_names(
    home: Path,
    saved: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service = _profile(tmp_path)
    monkeypatch.chdir(service)
    assert main(["gather", "--run", "logs"]) == 1
    assert "no gather command 'logs' (it has: pods)" in capsys.readouterr().err


def test_gather_while_the_wizard_has_the_incident_adds_only_change_items(
    saved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wizard's next save takes in list items another writer added (as with `note`), but a
    changed field would be a conflict: fields are printed instead of written."""
    from tui.core.lock import SessionLock

    repo, _ = incident_repo(tmp_path / "shop")
    wizard_lock = SessionLock(saved)
    assert wizard_lock.acquire()
    try:
        assert main(["gather", str(saved), "--repo", str(repo.path)]) == 0
    finally:
        wizard_lock.release()
    out, err = capsys.readouterr()
    assert "is open in the wizard" in err
    after = SessionStore(saved.parent.parent).load(saved)
    assert len(after.items("changes")) == 4
    assert after.get("suspected_files") == ""
    assert after.get("testing_commands") == "curl -fsS https://shop/health"
    assert "Changed files or suspected files\nChanged since 2026-11-29 12:07 UTC" in out
    assert "pytest  # from pyproject.toml" in out
