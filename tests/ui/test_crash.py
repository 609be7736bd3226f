"""An unexpected error in the UI ends as one line and a private crash file, never a traceback."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import settle

from tui.core.crashlog import write_crash_file
from tui.ui.app import IncidentApp

MakeApp = Callable[..., IncidentApp]
SECRET = "ghp_R8x1Bq2Lr0Zk9Yw3Tn5Vm7Pc4Hd6Fs2Ja1"


async def test_an_error_in_a_handler_prints_one_line_and_no_locals(
    make_app: MakeApp, home: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    app = make_app("new")

    def broken_handler() -> None:
        token = SECRET  # a local, as the values of a session are in real handlers
        raise ValueError(f"cannot handle {len(token)} characters")

    with pytest.raises(ValueError):
        async with app.run_test() as pilot:
            await settle(pilot)
            app.call_later(broken_handler)
            await settle(pilot)
    out, err = capfd.readouterr()
    assert SECRET not in out + err
    assert "Traceback" not in out + err
    crash_files = list((home / "crashes").iterdir())
    assert len(crash_files) == 1
    assert app.crash_report == (
        f"incident-tui: unexpected error (ValueError); details in {crash_files[0]}"
    )
    assert stat.S_IMODE(crash_files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "crashes").stat().st_mode) == 0o700
    details = crash_files[0].read_text()
    assert "broken_handler" in details and "ValueError: cannot handle 38 characters" in details
    assert app.return_code == 1


def test_a_crash_file_never_follows_a_planted_symlink_or_uses_a_shared_directory(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    (home / "crashes").mkdir(parents=True, mode=0o700)
    target = tmp_path / "victim"
    target.write_text("keep")
    # The directory itself replaced by a symlink to elsewhere: refused.
    (home / "crashes").rmdir()
    (home / "crashes").symlink_to(tmp_path)
    assert write_crash_file(home, "details") is None
    assert target.read_text() == "keep"
    # A directory others can write to: refused.
    (home / "crashes").unlink()
    (home / "crashes").mkdir(mode=0o700)
    (home / "crashes").chmod(0o777)
    assert write_crash_file(home, "details") is None
    (home / "crashes").chmod(0o700)
    written = write_crash_file(home, "details\x1b]52;c;QQ==\x07")
    assert written is not None and written.parent == home / "crashes"
    assert "\x1b" not in written.read_text()


async def test_an_error_in_the_input_thread_is_one_line_too(
    make_app: MakeApp, home: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from rich.traceback import Traceback

    app = make_app("new")
    async with app.run_test() as pilot:
        await settle(pilot)
        try:
            token = SECRET
            raise OSError(f"read failed after {len(token)} bytes")
        except OSError:
            # What Textual's driver does when its input thread fails.
            app.call_later(app.panic, Traceback())
    out, err = capfd.readouterr()
    assert SECRET not in out + err and "Traceback" not in out + err
    [crash_file] = (home / "crashes").iterdir()
    assert app.crash_report == f"incident-tui: unexpected error (OSError); details in {crash_file}"
    assert "OSError: read failed after 38 bytes" in crash_file.read_text()
