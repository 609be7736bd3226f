"""The wizard's steps, keys and command-palette entries, declared in one place.

WizardScreen takes its BINDINGS and PALETTE from here; the F1 help is generated from the
bindings, and the app offers the palette entries as system commands.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding, BindingType

from tui.core.schema import STEPS

REVIEW = "review"
#: Every step of the wizard, in order: the schema's steps, then Review.
WIZARD_STEPS: tuple[tuple[str, str], ...] = (*((s.key, s.title) for s in STEPS), (REVIEW, "Review"))
STEP_KEYS: tuple[str, ...] = tuple(key for key, _ in WIZARD_STEPS)


class PaletteCommand(NamedTuple):
    title: str
    help: str
    action: str


# Keys: none of TextArea's own (ctrl+a/e/k/u/w/x/c/v/z/y/d; ctrl+z only while a clear can be
# undone), nor tmux's prefix (ctrl+b).
WIZARD_BINDINGS: list[BindingType] = [
    Binding("ctrl+n", "next_step", "Next", tooltip="Next step", priority=True),
    Binding("ctrl+r", "previous_step", "Prev", tooltip="Previous step", show=False, priority=True),
    Binding("ctrl+o", "copy", "Copy", tooltip="Copy prompt to clipboard", priority=True),
    Binding("ctrl+s", "save", "Save", tooltip="Save session", priority=True),
    Binding(
        "ctrl+t",
        "toggle_preview",
        "Preview",
        tooltip="Toggle preview",
        show=False,
        priority=True,
    ),
    Binding("f2", "export", "Export", tooltip="Export prompt to file", priority=True),
    Binding("f4", "edit_in_editor", "Editor", tooltip="Edit field in $EDITOR", priority=True),
    Binding("ctrl+f", "load_from_file", "Load", tooltip="Load field from file", priority=True),
    Binding("ctrl+g", "focus_steps", "Steps", tooltip="Go to the step list", show=False),
    # Only while a clear can be undone (see check_action): TextArea keeps ctrl+z otherwise.
    Binding(
        "ctrl+z",
        "undo_clear",
        "Undo clear",
        tooltip="Undo 'Clear field'",
        show=False,
        priority=True,
    ),
    # F5…F9 jump to steps 1…5. Not alt+digit: terminals send it as ESC and the digit, which
    # Textual reads as a macOS option-key character (alt+5 typed "∞" into the field).
    *(
        Binding(
            f"f{n + 4}",
            f"go_step({n - 1})",
            f"Step {n}",
            tooltip="Jump to step 1–5",
            show=False,
            priority=True,
        )
        for n in range(1, len(WIZARD_STEPS) + 1)
    ),
]

WIZARD_PALETTE: tuple[PaletteCommand, ...] = (
    PaletteCommand(
        "Copy prompt to clipboard",
        "The prompt exactly as previewed: terminal (OSC 52), tmux buffer, local clipboard",
        "copy",
    ),
    PaletteCommand("Export prompt to file", "Write the prompt to a file (mode 0600)", "export"),
    PaletteCommand("Save session", "Save the incident file now", "save"),
    PaletteCommand("Next step", "Go to the next step", "next_step"),
    PaletteCommand("Previous step", "Go to the previous step", "previous_step"),
    *(
        PaletteCommand(f"Go to step: {title}", f"Step {i + 1} of the wizard", f"go_step({i})")
        for i, (_, title) in enumerate(WIZARD_STEPS)
    ),
    PaletteCommand(
        "Edit field in $EDITOR", "Open the focused field in $VISUAL / $EDITOR", "edit_in_editor"
    ),
    PaletteCommand(
        "Load field from file", "Replace the focused field with a file's text", "load_from_file"
    ),
    PaletteCommand("Clear field", "Empty the focused field (it becomes unknown)", "clear_field"),
    PaletteCommand("Undo clear field", "Give back the value 'Clear field' removed", "undo_clear"),
    PaletteCommand("Toggle preview", "Show or hide the live prompt preview", "toggle_preview"),
    PaletteCommand(
        "Open another incident",
        "Save this one and go to the list of saved incidents",
        "open_picker",
    ),
)
