"""The wizard's steps, in order: the schema's steps, then Review.

Its keys and palette entries are declared with every other action in tui.ui.actions.
"""

from __future__ import annotations

from tui.core.schema import STEPS

REVIEW = "review"
#: Every step of the wizard, in order: the schema's steps, then Review.
WIZARD_STEPS: tuple[tuple[str, str], ...] = (*((s.key, s.title) for s in STEPS), (REVIEW, "Review"))
STEP_KEYS: tuple[str, ...] = tuple(key for key, _ in WIZARD_STEPS)
