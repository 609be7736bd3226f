"""When the garbage collector runs over the UI, and over how much of it.

Textual keeps many small objects alive (each cached line of a widget holds several caches of
its own), and a full collection walks every object it tracks: with a wizard on screen such a
pass landed on a keystroke and held it (see README, Performance). So what has survived a full
collection, or exists once a screen has settled, is frozen (`gc.freeze`): later full passes skip
it, and what its owners drop is still freed at once by reference counting. Each object is then
walked by about one full pass in its life, and full passes stay short. Only cycles among frozen
objects wait: when a screen is replaced everything is unfrozen, and the next settle collects
fully (a screen has just been built: nobody is typing), which frees what the closed screen held.

Interpreter-wide, so only the real program (run_tui) uses it; tests create apps without it.
"""

from __future__ import annotations

import gc
from typing import Any


class CollectorSettling:
    def __init__(self) -> None:
        self._released = False
        self._watching = False

    def settle(self) -> None:
        """The screen is built and shown: freeze what exists (after the collection a release
        asked for)."""
        if self._released:
            gc.collect()
            self._released = False
        gc.freeze()
        if not self._watching:
            gc.callbacks.append(self._after_collection)
            self._watching = True
        # The collector is off while the app starts (cli.cmd_tui): start-up allocates much and
        # frees little, and passes over it are wasted.
        gc.enable()

    def release(self) -> None:
        """A screen is being replaced: what it held may become garbage."""
        gc.unfreeze()
        self._released = True

    def stop(self) -> None:
        if self._watching:
            gc.callbacks.remove(self._after_collection)
            self._watching = False

    def _after_collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 2 and not self._released:
            gc.freeze()
