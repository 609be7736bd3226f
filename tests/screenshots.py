"""Regenerate the README's screenshots: the picker and each wizard step (the Checklist too), 120×40.

    python tests/screenshots.py [OUTPUT_DIR]        (default: screenshots/)

Uses the fixed demo incident of the snapshot tests (tests/ui/incident_demo.py) in a temporary
home, so the pictures never show anyone's real incidents and come out the same every time.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "ui"))
sys.path.insert(0, str(HERE.parent))

from incident_demo import NOW, add_picker_sessions, story_session  # noqa: E402
from test_loop_snapshots import work_through_checklist  # noqa: E402
from ui_helpers import settle, wizard  # noqa: E402

from tui.core.session import SessionStore  # noqa: E402
from tui.ui.app import IncidentApp  # noqa: E402

SIZE = (120, 40)
STEPS = [
    ("1-context", "context"),
    ("2-timeline", "timeline"),
    ("3-evidence", "evidence"),
    ("4-changes", "changes"),
    ("5-rollback", "recovery"),
    ("6-checklist", "checklist"),
    ("7-review", "review"),
]


async def shoot(out: Path) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="incident-tui-shots-") as tmp:
        store = SessionStore(Path(tmp))
        add_picker_sessions(store)
        app = IncidentApp(store, start="picker", clock=lambda: NOW, blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            written.append(Path(app.save_screenshot("0-picker.svg", str(out))))

        # Told as a story: the Timeline and Changes steps show their lists filled in, and the
        # agent's answer has given a checklist, half worked through.
        session = story_session(store)
        work_through_checklist(session)
        store.save(session, touch=False)
        for name, step in STEPS:
            app = IncidentApp(
                store, start="resume", path=session.path, clock=lambda: NOW, blink=False
            )
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await wizard(app).go_to_step(step)
                await settle(pilot)
                if step == "changes":
                    # The change items, under the free-text field they stand beside.
                    items = wizard(app).item_list("changes")
                    if items is not None and items.rows:
                        items.rows[0].focus_key()
                        await settle(pilot)
                written.append(Path(app.save_screenshot(f"{name}.svg", str(out))))
    return written


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(out)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
