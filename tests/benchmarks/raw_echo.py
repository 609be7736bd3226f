"""The floor of the echo row: a program that writes back each byte it reads, in raw mode.

What is left in its echo time is the terminal path alone (tmux, the pseudo-terminal and the
benchmark's own reading of tmux), which every program's echo row also pays.
"""

from __future__ import annotations

import os
import sys
import termios
import tty

READY = "raw echo ready"


def main() -> None:
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setraw(fd)
    try:
        os.write(1, f"\x1b[2J\x1b[H{READY}\r\n".encode())
        while True:
            data = os.read(fd, 1024)
            if not data or b"\x03" in data:
                break
            os.write(1, data)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


if __name__ == "__main__":
    main()
