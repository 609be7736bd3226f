"""config.toml's [keymap] in a real terminal: the installed `incident-tui`, in tmux."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from terminal.harness import TmuxTerminal

pytestmark = pytest.mark.terminal

SUMMARY = "Checkout returns 500 since deploy 4711"


def test_copy_remapped_to_f3_in_a_real_terminal(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    # Some terminal setups take ctrl+o for themselves: the user moves Copy to F3.
    home.mkdir(mode=0o700, parents=True)
    config = home / "config.toml"
    config.write_text('[keymap]\ncopy = "f3"\n', encoding="utf-8")
    config.chmod(0o600)
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "new"], env=env) as term:
        # The key bar names the new key, and no longer the old one. (Waited for, not read once:
        # a capture can catch the first frame half drawn.)
        screen = term.wait_for("^n Next f3 Copy ^s Save")
        assert "^o" not in screen
        term.send_keys("Tab", "Tab", "Tab")
        term.type(SUMMARY)
        term.wait_for("Context (7)")

        term.send_keys("F3")
        term.wait_for("copied to tmux", 10)
        buffer = term.show_buffer()
        assert buffer is not None and f"Incident summary: {SUMMARY}\n" in buffer

        # The old key copies nothing. F1 comes after it, so once help is up ctrl+o was handled.
        term.tmux_command("set-buffer", "untouched")
        term.send_keys("C-o", "F1")
        term.wait_for("f3        Copy prompt to clipboard")
        assert term.show_buffer() == "untouched"
        close_modal(term, "Show every key")

        # The palette shows the new key with the action.
        term.send_keys("C-p")
        term.wait_for("Search for commands")
        term.type("Copy prompt to clipboard")
        term.wait_for("clipboard (f3)")
        close_modal(term, "Search for commands")
        term.send_keys("C-q")
        assert term.exit_status() == 0


def close_modal(term: TmuxTerminal, showing: str) -> None:
    term.send_keys("Escape")
    term.wait_for(lambda screen: showing not in screen)
    # A key sent at once after a dialog closes is now and then lost (seen with the default
    # ctrl+o and no config too); let the app finish closing it.
    time.sleep(0.5)


def notification_text(screen: str) -> str:
    """What the lines right of a notification's edge (▌) say, joined, without whitespace."""
    joined = "".join(line.rpartition("▌")[2] for line in screen.splitlines() if "▌" in line)
    return "".join(joined.split())


def test_a_broken_config_still_starts_and_says_why_in_a_real_terminal(
    installed_command: str, cli_env: dict[str, str], home: Path
) -> None:
    home.mkdir(mode=0o700, parents=True)
    config = home / "config.toml"
    config.write_text('[keymap]\ncopy = "f3\n', encoding="utf-8")
    config.chmod(0o600)
    env = {**cli_env, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    with TmuxTerminal([installed_command, "new"], env=env, width=120, height=30) as term:
        # The notification wraps the long path wherever the (random) temporary path puts the
        # edge, even inside "config.toml:2:": read the notification's lines as one text.
        term.wait_for(lambda screen: "config.toml:2:notvalidTOML" in notification_text(screen))
        term.wait_for("^n Next ^o Copy ^s Save")  # the defaults
        term.send_keys("C-q")
        assert term.exit_status() == 0
