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


# SSH and the local clipboard (pyperclip, in a child process) ----------------------------------


class ClipTool(FakeTool):
    """A fake xclip/xsel/wl-copy that keeps what it was given and gives it back on paste."""

    def __init__(self, directory: Path, name: str, body: str = "", store: str = "") -> None:
        self.path = directory / name
        clip = directory / (store or name)
        self.path.write_text(
            "#!/bin/sh\n"
            'for arg in "$@"; do printf "%s\\037" "$arg"; done >> "$0.calls"\n'
            'echo >> "$0.calls"\n'
            f"{body}\n"
            'case " $* " in\n'
            f'  *" -o "*|*" -n "*) {CAT} "{clip}.clip" ;;\n'
            f'  *) {CAT} > "{clip}.clip" ;;\n'
            "esac\n"
        )
        self.path.chmod(0o755)
        self.clip = clip.with_name(clip.name + ".clip")

    def stdin(self) -> bytes:
        return self.clip.read_bytes()


LOCAL_XCLIP = "local clipboard (pyperclip: xclip)"


@pytest.mark.parametrize("variable", ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"])
def test_over_ssh_no_local_tool_runs_even_with_a_display(bin_dir: Path, variable: str) -> None:
    xclip = ClipTool(bin_dir, "xclip")
    wl_copy = ClipTool(bin_dir, "wl-copy")
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
    xclip = ClipTool(bin_dir, "xclip")
    terminal = Terminal()
    env = {"PATH": str(bin_dir), "TMUX": TMUX_ENV, "SSH_TTY": "/dev/pts/3", "DISPLAY": ":0"}

    report = copy_text(PROMPT, osc52=terminal, env=env)

    assert xclip.calls() == []
    assert terminal.sent == [PROMPT]
    assert report.routes == ("terminal clipboard (OSC 52)", "tmux buffer")
    # The expected SSH skip explains a failure; it is not a problem when something worked.
    assert report.problems == ()


@pytest.mark.parametrize(
    ("platform", "env", "plausible"),
    [
        ("win32", {}, True),
        ("darwin", {}, True),
        ("linux", {"WSL_DISTRO_NAME": "Ubuntu"}, True),
        ("linux", {"DISPLAY": ":0"}, True),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, True),
        ("linux", {}, False),
        ("freebsd14", {"DISPLAY": ":0"}, True),
        ("darwin", {"SSH_CONNECTION": "203.0.113.7 52114 10.0.0.5 22"}, False),
        ("win32", {"SSH_CLIENT": "203.0.113.7 52114 22"}, False),
        ("linux", {"DISPLAY": "localhost:10.0", "SSH_TTY": "/dev/pts/3"}, False),
    ],
)
def test_a_local_clipboard_is_used_where_one_is_plausible_and_never_over_ssh(
    platform: str, env: dict[str, str], plausible: bool
) -> None:
    assert clipboard.local_clipboard_plausible(env, platform) is plausible


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_on_windows_and_macos_pyperclip_is_the_route(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    ran: list[bytes] = []

    def fake(data: bytes, env: object) -> tuple[None, str]:
        ran.append(data)
        return None, "pyperclip"

    monkeypatch.setattr(clipboard, "_copy_with_pyperclip", fake)

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir)})

    assert ran == [PROMPT.encode("utf-8")]
    assert report.routes == ("local clipboard (pyperclip)",)


def test_with_x11_pyperclip_puts_the_exact_bytes_through_xclip(bin_dir: Path) -> None:
    xclip = ClipTool(bin_dir, "xclip")

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert xclip.calls()[0] == ["-selection", "c"]
    assert xclip.stdin() == PROMPT.encode("utf-8")
    assert report.routes == (LOCAL_XCLIP,)
    assert report.problems == ()


def test_with_x11_and_no_xclip_xsel_is_used(bin_dir: Path) -> None:
    xsel = ClipTool(bin_dir, "xsel")

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert xsel.calls()[0] == ["-b", "-i"]
    assert xsel.stdin() == PROMPT.encode("utf-8")
    assert report.routes == ("local clipboard (pyperclip: xsel)",)


def test_on_wayland_wl_copy_is_used_and_xclip_is_not(bin_dir: Path) -> None:
    wl_copy = ClipTool(bin_dir, "wl-copy")
    ClipTool(bin_dir, "wl-paste", store="wl-copy")
    xclip = ClipTool(bin_dir, "xclip")
    env = {"PATH": str(bin_dir), "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}

    report = copy_text(PROMPT, osc52=None, env=env)

    assert wl_copy.calls()[0] == []
    assert wl_copy.stdin() == PROMPT.encode("utf-8")
    assert xclip.calls() == []
    assert report.routes == ("local clipboard (pyperclip: wl clipboard)",) or report.routes[
        0
    ].startswith("local clipboard (pyperclip")


def test_without_a_display_no_tool_runs(bin_dir: Path) -> None:
    xclip = ClipTool(bin_dir, "xclip")
    terminal = Terminal()

    report = copy_text(PROMPT, osc52=terminal, env={"PATH": str(bin_dir)})

    assert xclip.calls() == []
    assert report.routes == ("terminal clipboard (OSC 52)",)
    assert report.problems == ()


def test_a_display_without_any_tool_is_a_problem(bin_dir: Path) -> None:
    report = copy_text(PROMPT, osc52=Terminal(), env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert report.ok
    assert len(report.problems) == 1
    assert report.problems[0].startswith("local clipboard failed: exit status 1: ")
    assert "no clipboard tool found (xclip, xsel or wl-clipboard)" in report.problems[0]


# Failures, timeouts, silence -----------------------------------------------------------------


def test_a_tool_that_drops_the_text_is_a_problem_not_a_copy(bin_dir: Path) -> None:
    # xclip's exit status is ignored by pyperclip: the paste back is what tells.
    ClipTool(bin_dir, "xclip", 'case " $* " in *" -o "*) echo other; exit 0 ;; esac')

    alone = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert not alone.ok
    assert alone.problems == (
        "local clipboard failed: exit status 1: the clipboard did not take the text",
        # When nothing worked, the routes that could not run say why.
        "the terminal clipboard (OSC 52) is not available",
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
    monkeypatch.setattr(clipboard, "TIMEOUT_SECONDS", 1.0)
    (bin_dir / "xclip").write_text(f"#!/bin/sh\nexec {SLEEP} 10\n")
    (bin_dir / "xclip").chmod(0o755)

    started = time.monotonic()
    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert time.monotonic() - started < 4
    assert not report.ok
    assert report.problems[0] == "local clipboard failed: timed out after 1 s"


def test_a_tool_that_leaves_a_child_serving_the_selection_returns_at_once(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real xclip, xsel and wl-copy fork a child that keeps the selection and inherits stdout and
    # stderr. If those were pipes, the copy would wait for that child and time out.
    monkeypatch.setattr(clipboard, "TIMEOUT_SECONDS", 2.0)
    xclip = ClipTool(bin_dir, "xclip", f'case " $* " in *" -o "*) ;; *) {SLEEP} 5 & ;; esac')

    report = copy_text(PROMPT, osc52=None, env={"PATH": str(bin_dir), "DISPLAY": ":0"})

    assert report.routes == (LOCAL_XCLIP,)
    assert report.problems == ()
    assert xclip.stdin() == PROMPT.encode("utf-8")


def test_nothing_a_tool_prints_reaches_the_terminal(
    bin_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    FakeTool(bin_dir, "tmux", "echo tmux-out; echo tmux-err >&2")
    ClipTool(bin_dir, "xclip", 'case " $* " in *" -o "*) ;; *) echo out; echo err >&2 ;; esac')
    env = {"PATH": str(bin_dir), "DISPLAY": ":0", "TMUX": TMUX_ENV}

    report = copy_text(PROMPT, osc52=None, env=env)

    assert capfd.readouterr() == ("", "")
    assert report.routes == ("tmux buffer", LOCAL_XCLIP)


def test_the_environment_defaults_to_the_process_environment(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmux = FakeTool(bin_dir, "tmux")
    for variable in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("WSL_DISTRO_NAME", raising=False)
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
    env = {"PATH": str(bin_dir), "DISPLAY": ":0", "TMUX": TMUX_ENV}  # and no clipboard tool

    report = copy_text("a", osc52=Terminal(), env=env)

    assert report.routes == ("terminal clipboard (OSC 52)", "tmux buffer")
    assert report.message == (
        "1 character copied to tmux buffer and sent to terminal clipboard (OSC 52); "
        "1 other route failed or skipped."
    )
    assert "local" not in report.message


def test_every_confirmed_route_is_named(bin_dir: Path) -> None:
    FakeTool(bin_dir, "tmux")
    ClipTool(bin_dir, "xclip")
    env = {"PATH": str(bin_dir), "DISPLAY": ":0", "TMUX": TMUX_ENV}

    report = copy_text("x" * 1234, osc52=None, env=env)

    assert report.message == f"1,234 characters copied to tmux buffer, {LOCAL_XCLIP}."


def test_the_module_does_not_import_textual() -> None:
    # It runs in a worker thread and in tests without an app; `render` must stay fast too.
    code = "import sys, tui.core.clipboard; sys.exit('textual' in sys.modules)"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", code], env=env, check=False)
    assert result.returncode == 0


# A prompt too big for the terminal clipboard -------------------------------------------------

CLOSING = "Begin the production incident root cause and hotfix planning now."
# Five megabytes of a wordy log: at the default budget the prompt is over OSC 52's limit.
LINE = (
    "2026-11-29T14:07:12Z WARN checkout: the payment provider declined the request because the "
    "idempotency key was already used by another session of the same customer\n"
)
BIG_LOG = LINE * (5_000_000 // len(LINE))


def _renderer(values: dict[str, str]) -> object:
    from tui.core.prompt import TemplateLibrary, prompt_for

    library = TemplateLibrary()

    def render(budget: int) -> object:
        return prompt_for(values, library, "incident-response", max_tokens=budget)

    return render


def test_over_ssh_a_big_prompt_is_rendered_to_fit_and_the_report_says_so(bin_dir: Path) -> None:
    from tui.core.prompt import DEFAULT_MAX_TOKENS

    terminal = Terminal()
    env = {"PATH": str(bin_dir), "SSH_TTY": "/dev/pts/3", "DISPLAY": "localhost:10.0"}
    # A repetitive log is digested to a few lines: trimmed only, it keeps the prompt big.
    render = _renderer(
        {"incident_summary": "checkout fails", "error_logs": BIG_LOG, "digest": "false"}
    )
    full = render(DEFAULT_MAX_TOKENS)  # type: ignore[operator]
    assert len(full.text.encode("utf-8")) > OSC52_MAX_BYTES

    copied, report = clipboard.copy_prompt(
        render,  # type: ignore[arg-type]
        DEFAULT_MAX_TOKENS,
        osc52=terminal,
        env=env,
    )

    assert terminal.sent == [copied.text]
    sent = copied.text.encode("utf-8")
    assert OSC52_MAX_BYTES * 0.8 < len(sent) <= OSC52_MAX_BYTES
    assert copied.text.rstrip().endswith(CLOSING)
    assert "Error messages or logs:" in copied.text and LINE.strip() in copied.text
    assert report.fitted is not None
    assert report.fitted.full_bytes == len(full.text.encode("utf-8"))
    assert report.fitted.budget < DEFAULT_MAX_TOKENS
    message = report.message
    assert message.startswith(f"{len(copied.text):,} characters sent to terminal clipboard")
    assert "trimmed to fit the terminal clipboard's 100 KB limit" in message
    assert f"the full prompt is {clipboard._size(len(full.text.encode()))}" in message
    assert "Export" in message


def test_with_a_local_clipboard_the_full_prompt_is_copied(bin_dir: Path) -> None:
    from tui.core.prompt import DEFAULT_MAX_TOKENS

    xclip = ClipTool(bin_dir, "xclip")
    # Not digested, so that the prompt is too big for OSC 52.
    render = _renderer({"error_logs": BIG_LOG, "digest": "false"})

    copied, report = clipboard.copy_prompt(
        render,  # type: ignore[arg-type]
        DEFAULT_MAX_TOKENS,
        osc52=Terminal(),
        env={"PATH": str(bin_dir), "DISPLAY": ":0"},
    )

    assert report.fitted is None
    assert copied.max_tokens == DEFAULT_MAX_TOKENS
    assert xclip.stdin() == copied.text.encode("utf-8")
    assert report.routes == (LOCAL_XCLIP,)
    assert report.problems[0].startswith("OSC 52 skipped")
