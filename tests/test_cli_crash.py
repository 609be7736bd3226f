"""Whatever escapes the command line's main ends as one line and a crash file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tui import cli

SECRET = "hunter2-db-password"


def test_an_unexpected_error_is_one_line_and_a_private_crash_file(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def main() -> int:
        password = SECRET
        raise LookupError(f"no entry for a value of {len(password)} characters")

    monkeypatch.setattr(cli, "main", main)
    with pytest.raises(SystemExit) as exit_info:
        cli.run()
    assert exit_info.value.code == 1
    out, err = capfd.readouterr()
    assert SECRET not in out + err and "Traceback" not in err
    crash_files = list((home / "crashes").iterdir())
    assert len(crash_files) == 1
    assert err == f"incident-tui: unexpected error (LookupError); details in {crash_files[0]}\n"
    assert stat.S_IMODE(crash_files[0].stat().st_mode) == 0o600
    assert "LookupError: no entry for a value of 19 characters" in crash_files[0].read_text()


def test_an_unexpected_error_inside_a_command_leaves_a_crash_file_too(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def cmd_fields() -> int:
        raise LookupError(f"no entry for {SECRET}")

    monkeypatch.setattr(cli, "cmd_fields", cmd_fields)
    assert cli.main(["fields"]) == 1
    out, err = capfd.readouterr()
    assert SECRET not in out + err and "Traceback" not in err
    crash_files = list((home / "crashes").iterdir())
    assert err == f"incident-tui: unexpected error (LookupError); details in {crash_files[0]}\n"
    assert SECRET in crash_files[0].read_text()  # the details stay in the private file
