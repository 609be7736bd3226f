"""The terminal driver the UI runs with: Textual's LinuxDriver, whose frames leave before the UI
thread goes on. The same rules as textual_compat.py apply; tests/ui/test_textual_compat.py
covers it.

Textual 8.2.8's LinuxDriver.write queues each frame for its output thread (WriterThread, over
the driver's `_file`) and returns. That thread needs the GIL to write the frame, and the UI
thread keeps it through whatever work follows the frame, so a key's echo reached the terminal
only once the UI thread next went idle. Here, when the app flushes the driver (once a frame is
written), the UI thread waits with the GIL released until the output thread has flushed what
was queued, for at most OUTPUT_WAIT: a terminal that does not take the output (a stalled SSH
link) holds the UI no longer than that per frame.
"""

from __future__ import annotations

import threading
from typing import Any, TextIO, cast

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver


class _FlushNotice:
    """The driver's output file, telling when it was last flushed. The output thread flushes
    whenever its queue runs empty: then everything written so far has left."""

    def __init__(self, file: TextIO) -> None:
        self._file = file
        self.flushed = threading.Event()

    def write(self, text: str) -> int:
        return self._file.write(text)

    def flush(self) -> None:
        try:
            self._file.flush()
        finally:
            self.flushed.set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class FramesFirstDriver(LinuxDriver):
    #: The longest the UI thread waits for what it wrote to reach the terminal, in seconds.
    OUTPUT_WAIT = 0.001

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        file = self._file
        self._notice = None if file is None else _FlushNotice(file)
        if self._notice is not None:
            # The output thread is made over this file on each start of application mode; it
            # only writes to it and flushes it.
            self._file = cast(Any, self._notice)

    def write(self, data: str) -> None:
        if self._notice is not None:
            self._notice.flushed.clear()
        super().write(data)

    def flush(self) -> None:
        # Called once a frame is written (App._display), after its synchronized-update marks.
        super().flush()
        if self._notice is not None:
            self._notice.flushed.wait(self.OUTPUT_WAIT)


def frames_first(driver_class: type[Driver]) -> type[Driver]:
    """The driver to run with in place of the one Textual chose (only its LinuxDriver has an
    output thread to wait for: the others are used as they are)."""
    return FramesFirstDriver if driver_class is LinuxDriver else driver_class
