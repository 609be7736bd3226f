"""Copy to the clipboard: which routes run where, what reaches them, and what the report says.

The clipboard tools are fake executables in a private PATH that record their arguments and stdin,
so these tests run anywhere and never touch the real clipboard.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.core import clipboard
from tui.core.clipboard import OSC52_MAX_BYTES, CopyReport, copy_text

TMUX_ENV = "/tmp/tmux-1000/default,4242,0"
# Multi-byte characters, CRLF, a tab, a trailing newline: what reaches a tool must be byte-exact.
PROMPT = "Checkout returns 500 — café ✓\r\n\tTraceback (most recent call last):\n"


def _real(name: str) -> str:
    found = shutil.which(name)
    assert found is not None, f"{name} is needed to build the fake tools"
    return found


CAT = _real("cat")
SLEEP = _real("sleep")


class FakeTool:
    """An executable in the test PATH that records each call's argv and the last stdin."""

    def __init__(self, directory: Path, name: str, body: str = "") -> None:
        self.path = directory / name
        self.path.write_text(
            "#!/bin/sh\n"
            'for arg in "$@"; do printf "%s\\037" "$arg"; done >> "$0.calls"\n'
            'echo >> "$0.calls"\n'
            f'{CAT} > "$0.stdin"\n'
            f"{body}\n"
        )
        self.path.chmod(0o755)

    def calls(self) -> list[list[str]]:
        record = self.path.with_name(self.path.name + ".calls")
        if not record.exists():
            return []
        return [line.split("\x1f")[:-1] for line in record.read_text().splitlines()]

    def stdin(self) -> bytes:
        return self.path.with_name(self.path.name + ".stdin").read_bytes()


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    path = tmp_path / "bin"
    path.mkdir()
    return path


@pytest.fixture(autouse=True)
def linux(monkeypatch: pytest.MonkeyPatch) -> None:
    # The routes depend on the platform; unless a test says otherwise, this machine is Linux.
    monkeypatch.setattr(sys, "platform", "linux")


class Terminal:
    """Stands in for App.copy_to_clipboard: records what was sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, text: str) -> None:
        self.sent.append(text)


# tmux ----------------------------------------------------------------------------------------


def test_inside_tmux_the_exact_bytes_reach_the_buffer_with_w(bin_dir: Path) -> None:
    tmux = FakeTool(bin_dir, "tmux")

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert tmux.calls() == [["load-buffer", "-w", "-"]]
    assert tmux.stdin() == PROMPT.encode("utf-8")
    assert report == CopyReport(len(PROMPT), ("tmux buffer",), ())
    assert report.ok


def test_a_tmux_without_w_gets_the_text_without_it(bin_dir: Path) -> None:
    tmux = FakeTool(
        bin_dir,
        "tmux",
        'if [ "$2" = "-w" ]; then echo "command load-buffer: unknown flag -w" >&2; exit 1; fi',
    )

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert tmux.calls() == [["load-buffer", "-w", "-"], ["load-buffer", "-"]]
    assert tmux.stdin() == PROMPT.encode("utf-8")
    assert report.routes == ("tmux buffer",)
    assert report.problems == ()


def test_a_failing_tmux_is_a_problem_with_its_own_words(bin_dir: Path) -> None:
    FakeTool(bin_dir, "tmux", 'echo "no server running on /tmp/tmux-1000/default" >&2; exit 1')

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert not report.ok
    assert report.routes == ()
    assert report.problems[0] == (
        "tmux buffer failed: exit status 1: no server running on /tmp/tmux-1000/default"
    )
    assert report.message.startswith("Not copied: tmux buffer failed")


def test_tmux_runs_with_the_given_environment_so_it_finds_the_users_server(
    bin_dir: Path,
) -> None:
    FakeTool(bin_dir, "tmux", 'printf "%s" "$TMUX" > "$0.env"')

    copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert (bin_dir / "tmux.env").read_text() == TMUX_ENV


def test_a_tmux_that_hangs_is_given_up_on_once(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clipboard, "TIMEOUT_SECONDS", 0.3)
    tmux = FakeTool(bin_dir, "tmux", f"exec {SLEEP} 10")

    report = copy_text(PROMPT, osc52=Terminal(), env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert tmux.calls() == [["load-buffer", "-w", "-"]]  # no second wait without -w
    assert report.routes == ("terminal clipboard (OSC 52)",)
    assert report.problems == ("tmux buffer failed: timed out after 0.3 s",)


def test_outside_tmux_tmux_is_not_run(bin_dir: Path) -> None:
    tmux = FakeTool(bin_dir, "tmux")

    copy_text(PROMPT, osc52=Terminal(), env={"PATH": str(bin_dir)})

    assert tmux.calls() == []


def test_tmux_is_found_on_the_given_path_only(bin_dir: Path) -> None:
    # The real tmux may be on this machine's PATH; the env's PATH has none.
    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert report.routes == ()
    assert "tmux buffer failed: tmux is not on PATH" in report.problems


# OSC 52 --------------------------------------------------------------------------------------


def test_osc52_gets_the_exact_text_under_the_limit(bin_dir: Path) -> None:
    terminal = Terminal()

    report = copy_text(PROMPT, osc52=terminal, env={"PATH": str(bin_dir)})

    assert terminal.sent == [PROMPT]
    assert report.routes == ("terminal clipboard (OSC 52)",)
    assert report.ok


def test_osc52_takes_a_text_of_exactly_the_limit(bin_dir: Path) -> None:
    terminal = Terminal()
    text = "x" * OSC52_MAX_BYTES

    report = copy_text(text, osc52=terminal, env={"PATH": str(bin_dir)})

    assert terminal.sent == [text]
    assert report.ok


def test_osc52_is_not_sent_over_the_limit_and_the_user_is_told_to_export(bin_dir: Path) -> None:
    terminal = Terminal()
    # Counted in UTF-8 bytes, not characters: this is fewer characters than the limit.
    text = "é" * (OSC52_MAX_BYTES // 2 + 1)
    assert len(text) < OSC52_MAX_BYTES < len(text.encode("utf-8"))

    report = copy_text(text, osc52=terminal, env={"PATH": str(bin_dir), "SSH_TTY": "/dev/pts/3"})

    assert terminal.sent == []
    assert not report.ok
    assert report.problems[0] == "OSC 52 skipped: 101 KB is over the 100 KB limit; use Export"
    assert "Export" in report.message
    assert report.message.startswith("Not copied: OSC 52 skipped")


def test_a_large_text_is_reported_in_megabytes(bin_dir: Path) -> None:
    report = copy_text("x" * 2_100_000, osc52=Terminal(), env={"PATH": str(bin_dir)})

    assert report.problems[0] == "OSC 52 skipped: 2.1 MB is over the 100 KB limit; use Export"


def test_over_the_limit_tmux_gets_the_text_but_does_not_forward_it(bin_dir: Path) -> None:
    tmux = FakeTool(bin_dir, "tmux")
    text = "y" * (OSC52_MAX_BYTES + 1)

    report = copy_text(text, osc52=Terminal(), env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert tmux.calls() == [["load-buffer", "-"]]
    assert tmux.stdin() == text.encode("utf-8")
    assert report.routes == ("tmux buffer",)
    assert len(report.problems) == 1
    assert report.problems[0].startswith("OSC 52 skipped")


def test_a_terminal_that_raises_is_a_problem_and_the_other_routes_go_on(bin_dir: Path) -> None:
    tmux = FakeTool(bin_dir, "tmux")

    def broken(text: str) -> None:
        raise RuntimeError("the app is not running")

    report = copy_text(PROMPT, osc52=broken, env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert report.routes == ("tmux buffer",)
    assert report.problems == ("OSC 52 failed: the app is not running",)
    assert tmux.stdin() == PROMPT.encode("utf-8")


# SSH and local tools -------------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"])
def test_over_ssh_no_local_tool_runs_even_with_a_display(bin_dir: Path, variable: str) -> None:
    xclip = FakeTool(bin_dir, "xclip")
    wl_copy = FakeTool(bin_dir, "wl-copy")
    env = {"PATH": str(bin_dir), "DISPLAY": "localhost:10.0", "WAYLAND_DISPLAY": "wayland-0"}
    env[variable] = "203.0.113.7 52114 10.0.0.5 22"

    report = copy_text(PROMPT, osc52=None, env=env)

    assert xclip.calls() == []
    assert wl_copy.calls() == []
    assert not report.ok
    assert "no local clipboard over SSH" in report.problems
    assert "Export" in report.message
    assert "incident-tui render" in report.message


def test_over_ssh_inside_tmux_with_a_terminal_both_routes_take_it(bin_dir: Path) -> None:
    FakeTool(bin_dir, "tmux")
    xclip = FakeTool(bin_dir, "xclip")
    terminal = Terminal()
    env = {"PATH": str(bin_dir), "TMUX": TMUX_ENV, "SSH_TTY": "/dev/pts/3", "DISPLAY": ":0"}

    report = copy_text(PROMPT, osc52=terminal, env=env)

    assert xclip.calls() == []
    assert terminal.sent == [PROMPT]
    assert report.routes == ("terminal clipboard (OSC 52)", "tmux buffer")
    # The expected SSH skip explains a failure; it is not a problem when something worked.
    assert report.problems == ()


def test_with_x11_xclip_gets_the_exact_bytes(bin_dir: Path) -> None:
    xclip = FakeTool(bin_dir, "xclip")

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert xclip.calls() == [["-selection", "clipboard"]]
    assert xclip.stdin() == PROMPT.encode("utf-8")
    assert report.routes == ("xclip",)
    assert report.problems == ()


def test_with_x11_and_no_xclip_xsel_is_used(bin_dir: Path) -> None:
    xsel = FakeTool(bin_dir, "xsel")

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert xsel.calls() == [["--clipboard", "--input"]]
    assert xsel.stdin() == PROMPT.encode("utf-8")
    assert report.routes == ("xsel",)


def test_on_wayland_wl_copy_is_used_and_xclip_is_not(bin_dir: Path) -> None:
    wl_copy = FakeTool(bin_dir, "wl-copy")
    xclip = FakeTool(bin_dir, "xclip")
    env = {"PATH": str(bin_dir), "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}

    report = copy_text(PROMPT, osc52=None, env=env)

    assert wl_copy.calls() == [[]]
    assert wl_copy.stdin() == PROMPT.encode("utf-8")
    assert xclip.calls() == []
    assert report.routes == ("wl-copy",)


def test_without_a_display_no_tool_runs(bin_dir: Path) -> None:
    xclip = FakeTool(bin_dir, "xclip")
    terminal = Terminal()

    report = copy_text(PROMPT, osc52=terminal, env={"PATH": str(bin_dir)})

    assert xclip.calls() == []
    assert report.routes == ("terminal clipboard (OSC 52)",)
    assert report.problems == ()


def test_a_display_without_any_tool_is_a_problem(bin_dir: Path) -> None:
    report = copy_text(PROMPT, osc52=Terminal(), env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert report.ok
    assert report.problems == ("no local clipboard tool: xclip or xsel is not installed",)


def test_on_macos_pbcopy_gets_the_exact_bytes(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    pbcopy = FakeTool(bin_dir, "pbcopy")

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir)})

    assert pbcopy.calls() == [[]]
    assert pbcopy.stdin() == PROMPT.encode("utf-8")
    assert report.routes == ("pbcopy",)


def test_on_windows_pyperclip_copies(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyperclip  # type: ignore[import-untyped]

    copied: list[str] = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(pyperclip, "copy", copied.append)

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir)})

    assert copied == [PROMPT]
    assert report.routes == ("Windows clipboard",)


def test_on_windows_a_pyperclip_failure_is_a_problem(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyperclip

    def refuse(text: str) -> None:
        raise pyperclip.PyperclipException("clipboard is locked")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(pyperclip, "copy", refuse)

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir)})

    assert not report.ok
    assert report.problems[0] == "Windows clipboard failed: clipboard is locked"


# Failures, timeouts, silence -----------------------------------------------------------------


def test_a_failing_tool_is_a_problem_and_ok_reflects_reality(bin_dir: Path) -> None:
    FakeTool(bin_dir, "xclip", 'echo "Error: Can\'t open display: :0" >&2; exit 1')

    alone = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert not alone.ok
    assert alone.problems == (
        "xclip failed: exit status 1: Error: Can't open display: :0",
        # When nothing worked, the routes that could not run say why.
        "the terminal clipboard (OSC 52) is not available",
    )
    assert alone.message == (
        "Not copied: xclip failed: exit status 1: Error: Can't open display: :0; "
        "the terminal clipboard (OSC 52) is not available; use Export or `incident-tui render`."
    )

    FakeTool(bin_dir, "tmux")
    env = {"PATH": str(bin_dir), "DISPLAY": ":0", "TMUX": TMUX_ENV}
    with_tmux = copy_text(PROMPT, osc52=None, env=env)

    assert with_tmux.ok
    assert with_tmux.routes == ("tmux buffer",)
    assert with_tmux.problems == alone.problems[:1]


def test_a_tool_past_the_timeout_is_a_problem_not_a_hang(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clipboard, "TIMEOUT_SECONDS", 0.3)
    (bin_dir / "xclip").write_text(f"#!/bin/sh\nexec {SLEEP} 10\n")
    (bin_dir / "xclip").chmod(0o755)

    started = time.monotonic()
    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert time.monotonic() - started < 3
    assert not report.ok
    assert report.problems[0] == "xclip failed: timed out after 0.3 s"


def test_a_tool_that_leaves_a_child_serving_the_selection_returns_at_once(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real xclip, xsel and wl-copy fork a child that keeps the selection and inherits stdout and
    # stderr. If those were pipes, the copy would wait for that child and time out.
    monkeypatch.setattr(clipboard, "TIMEOUT_SECONDS", 1.0)
    xclip = FakeTool(bin_dir, "xclip", f"{SLEEP} 3 &")

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert report.routes == ("xclip",)
    assert report.problems == ()
    assert xclip.stdin() == PROMPT.encode("utf-8")


def test_nothing_a_tool_prints_reaches_the_terminal(
    bin_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    FakeTool(bin_dir, "tmux", "echo tmux-out; echo tmux-err >&2")
    FakeTool(bin_dir, "xclip", "echo xclip-out; echo xclip-err >&2; exit 1")
    env = {"PATH": str(bin_dir), "DISPLAY": ":0", "TMUX": TMUX_ENV}

    report = copy_text(PROMPT, osc52=None, env=env)

    assert capfd.readouterr() == ("", "")
    assert report.routes == ("tmux buffer",)
    assert report.problems == ("xclip failed: exit status 1: xclip-err",)


def test_the_environment_defaults_to_the_process_environment(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmux = FakeTool(bin_dir, "tmux")
    for variable in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("TMUX", TMUX_ENV)

    report = copy_text(PROMPT, osc52=None)

    assert report.routes == ("tmux buffer",)
    assert tmux.stdin() == PROMPT.encode("utf-8")


def test_an_empty_prompt_is_not_copied(bin_dir: Path) -> None:
    terminal = Terminal()
    tmux = FakeTool(bin_dir, "tmux")

    report = copy_text("", osc52=terminal, env={"PATH": str(bin_dir), "TMUX": TMUX_ENV})

    assert not report.ok
    assert terminal.sent == []
    assert tmux.calls() == []


# The message ---------------------------------------------------------------------------------


def test_osc52_alone_is_sent_never_copied(bin_dir: Path) -> None:
    report = copy_text("abc", osc52=Terminal(), env={"PATH": str(bin_dir)})

    assert report.message == (
        "3 characters sent to terminal clipboard (OSC 52)"
        " (unconfirmed: if the paste is empty, use Export)."
    )
    assert "copied" not in report.message.lower()


def test_the_message_names_exactly_the_routes_that_took_the_text(bin_dir: Path) -> None:
    FakeTool(bin_dir, "tmux")
    FakeTool(bin_dir, "xclip", "exit 1")
    env = {"PATH": str(bin_dir), "DISPLAY": ":0", "TMUX": TMUX_ENV}

    report = copy_text("a", osc52=Terminal(), env=env)

    assert report.routes == ("terminal clipboard (OSC 52)", "tmux buffer")
    assert report.message == (
        "1 character copied to tmux buffer and sent to terminal clipboard (OSC 52); "
        "1 other route failed or skipped."
    )
    assert "xclip" not in report.message


def test_every_confirmed_route_is_named(bin_dir: Path) -> None:
    FakeTool(bin_dir, "tmux")
    FakeTool(bin_dir, "xclip")
    env = {"PATH": str(bin_dir), "DISPLAY": ":0", "TMUX": TMUX_ENV}

    report = copy_text("x" * 1234, osc52=None, env=env)

    assert report.message == "1,234 characters copied to tmux buffer, xclip."


def test_the_module_does_not_import_textual() -> None:
    # It runs in a worker thread and in tests without an app; `render` must stay fast too.
    code = "import sys, tui.core.clipboard; sys.exit('textual' in sys.modules)"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", code], env=env, check=False)
    assert result.returncode == 0
