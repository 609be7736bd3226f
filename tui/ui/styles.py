"""The styles of what the first screen does not show, added to the app's stylesheet when needed.

app.tcss holds what the first screen draws (the wizard, its fields, the picker); later.tcss holds
the story's lists, the Checklist, Review, dialogs and help. Textual parses every rule of the app's
CSS before the first frame, so those are added once that frame is drawn, or before the first of
their widgets is made if that comes sooner (a step visited or a dialog opened at once).

They are added as the app's own CSS (not a widget's default CSS), so their rules rank exactly as
they would in app.tcss. Nothing already on screen is restyled: no rule there names a widget that
exists before them (tests/ui/test_styles.py checks both files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

LATER_STYLES = Path(__file__).with_name("later.tcss")


def load_later_styles(app: App[Any], *, parse: bool = False) -> None:
    """Add later.tcss to the app's stylesheet, once. Its rules apply from the next widget styled;
    `parse`: parse them now, not when the next widget is styled (a keystroke's restyle)."""
    stylesheet = app.stylesheet
    path = str(LATER_STYLES)
    if stylesheet.has_source(path):
        return
    # add_source, not Stylesheet.read: read leaves the stylesheet's map of rules by selector as
    # it was, and no new rule would be found for a widget until the next full parse.
    stylesheet.add_source(LATER_STYLES.read_text(encoding="utf-8"), read_from=(path, ""))
    if parse:
        stylesheet.rules  # noqa: B018 - the property parses what was added
