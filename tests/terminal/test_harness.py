"""The tmux harness itself, on programs simple enough that any failure is the harness's."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from terminal.harness import ScreenTimeout, TmuxTerminal

PYTHON = sys.executable


def test_typed_text_reaches_the_program_and_its_output_the_screen() -> None:
    with TmuxTerminal(["cat"]) as term:
        term.send_keys("hello harness", literal=True)
        term.send_keys("Enter")
        # The terminal echoes the line as typed, then cat writes it back.
        screen = term.wait_for(lambda screen: screen.count("hello harness") == 2)
        assert screen.splitlines()[:2] == ["hello harness", "hello harness"]


def test_the_screen_has_the_requested_size() -> None:
    script = "import shutil; print(*shutil.get_terminal_size()); input()"
    with TmuxTerminal([PYTHON, "-c", script], width=100, height=30) as term:
        assert term.wait_for("100 30").startswith("100 30")
        term.resize(60, 20)
        assert term.capture().count("\n") == 19  # 20 rows


def test_keys_by_name_are_keys_and_literal_text_is_text() -> None:
    script = "import sys; print(repr(input()))"
    with TmuxTerminal([PYTHON, "-c", script]) as term:
        term.send_keys("-l", literal=True)  # text that looks like a flag is typed as text
        term.send_keys("Enter")  # a key name is a key
        term.wait_for("'-l'")
        assert term.exit_status() == 0


def test_the_program_gets_the_given_environment_and_directory(tmp_path: Path) -> None:
    script = "import os; print(os.environ.get('PROBE'), os.environ.get('HOME')); input()"
    env = {"PATH": os.environ["PATH"], "PROBE": "from-the-test", "HOME": str(tmp_path)}
    with TmuxTerminal([PYTHON, "-c", script], env=env, cwd=tmp_path) as term:
        # A long temporary path wraps at the terminal's width: read the screen as one line.
        term.wait_for(lambda screen: f"from-the-test {tmp_path}" in screen.replace("\n", ""))


def test_a_program_killed_by_a_signal_has_a_negative_status() -> None:
    with TmuxTerminal([PYTHON, "-c", "import os; os.kill(os.getpid(), 9)"]) as term:
        assert term.exit_status() == -9


def test_a_missing_program_exits_127_and_says_so() -> None:
    with TmuxTerminal(["no-such-program-here"]) as term:
        assert term.exit_status() == 127
        assert "no-such-program-here" in term.capture(scrollback=True)


def test_ctrl_c_reaches_the_program() -> None:
    script = "try:\n    input('ready')\nexcept KeyboardInterrupt:\n    raise SystemExit(42)"
    with TmuxTerminal([PYTHON, "-c", script]) as term:
        term.wait_for("ready")
        term.send_keys("C-c")
        assert term.exit_status() == 42


def test_a_string_command_runs_in_the_shell() -> None:
    with TmuxTerminal("echo one && echo two; read line") as term:
        assert term.wait_for("two").splitlines()[:2] == ["one", "two"]


def test_the_exit_status_and_the_last_screen_survive_the_program() -> None:
    with TmuxTerminal([PYTHON, "-c", "print('bye'); raise SystemExit(3)"]) as term:
        assert term.exit_status() == 3
        assert term.is_dead()
        assert "bye" in term.capture(scrollback=True)


def test_wait_for_gives_up_with_the_screen_in_the_message() -> None:
    with TmuxTerminal([PYTHON, "-c", "print('only this'); input()"]) as term:
        term.wait_for("only this")
        with pytest.raises(ScreenTimeout, match=r"(?s)'never shown'.*only this"):
            term.wait_for("never shown", timeout=0.3)


def test_show_buffer_reads_what_a_copy_put_in_tmux() -> None:
    # What tui.core.clipboard does inside tmux: the pane inherits TMUX and runs tmux load-buffer.
    text = "prompt — with ünïcode\nand a second line\n"
    script = (
        "import subprocess, sys; "
        f"subprocess.run(['tmux', 'load-buffer', '-w', '-'], input={text!r}.encode(), check=True); "
        "print('copied'); input()"
    )
    with TmuxTerminal([PYTHON, "-c", script]) as term:
        assert term.show_buffer() is None
        term.wait_for("copied")
        assert term.show_buffer() == text


def test_options_are_set_before_the_program_starts() -> None:
    script = (
        "import subprocess; print(subprocess.run(['tmux', 'show-options', '-gv', 'set-clipboard'],"
        " capture_output=True, text=True).stdout.strip()); input()"
    )
    with TmuxTerminal([PYTHON, "-c", script], options={"set-clipboard": "on"}) as term:
        term.wait_for(lambda screen: screen.startswith("on"))


def test_the_server_and_its_socket_are_gone_afterwards_even_after_a_failure() -> None:
    term = TmuxTerminal(["cat"])
    with pytest.raises(RuntimeError, match="boom"), term:
        socket = term._socket_path
        assert socket is not None
        assert socket.exists()
        raise RuntimeError("boom")
    assert socket is not None
    assert not socket.exists()
    with pytest.raises(RuntimeError, match=r"no server running|error connecting"):
        term.tmux_command("list-sessions")


def test_two_terminals_do_not_share_a_server() -> None:
    with TmuxTerminal(["cat"]) as first, TmuxTerminal(["cat"]) as second:
        assert first.socket_name != second.socket_name
        first.type("only in the first")
        first.wait_for("only in the first")
        assert "only in the first" not in second.capture()


def test_without_tmux_the_test_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(pytest.skip.Exception, match="tmux is not installed"):
        TmuxTerminal(["cat"])
