"""Every user action, declared once: its id, what it runs, its keys, and the words shown for it.

From `ACTIONS` come the screens' BINDINGS (each Binding carries the action's id, so the
[keymap] of config.toml can rebind it through Textual's own keymap), the command palette
(tui.ui.commands), the F1 rows and the Review buttons. Adding an action is one `Action(...)`
here plus its `action_...` method on the screen named by `scope`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Literal, NamedTuple

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character

from tui.core.config import Config, ConfigProblem
from tui.ui.screens.wizard_keys import WIZARD_STEPS

#: Where an action works: everywhere (the app), or on one screen.
Scope = Literal["app", "wizard", "picker"]


class Action(NamedTuple):
    #: The name in config.toml's [keymap] and the Binding's id.
    id: str
    #: The Textual action run on the scope's screen (or the app), e.g. "copy" or "go_step(0)".
    action: str
    scope: Scope
    #: Default keys, Textual style ("d,delete"); "" for an action only the palette runs.
    keys: str = ""
    #: The key bar's word for it.
    label: str = ""
    #: The command palette's name for it; "" keeps it out of the palette.
    title: str = ""
    #: The palette's second line.
    help: str = ""
    #: The F1 row, when it should read differently from the title.
    key_help: str = ""
    #: Shown in the key bar.
    show: bool = True
    #: Runs even when the focused widget would take the key (a TextArea takes most keys).
    priority: bool = True
    #: The label of its button on Review, if it has one, and its place in that row.
    button: str = ""
    button_position: int = 0
    #: The key bar's share of a narrow line: 0 goes first when the keys do not fit, 2 stays.
    key_bar_rank: int = 1

    @property
    def help_text(self) -> str:
        return self.key_help or self.title

    def binding(self, keys: str | None = None) -> Binding:
        return Binding(
            keys or self.keys,
            self.action,
            self.label,
            show=self.show,
            priority=self.priority,
            tooltip=self.help_text,
            id=self.id,
        )


#: The wizard's steps as the palette names them: the schema's, then Review.
STEP_TITLES: tuple[str, ...] = tuple(title for _, title in WIZARD_STEPS)

# Keys: none of TextArea's own (ctrl+a/e/k/u/w/x/c/v/z/y/d), nor tmux's prefix (ctrl+b).
ACTIONS: tuple[Action, ...] = (
    Action(
        "quit", "quit", "app", "ctrl+q", "Quit", "Save and quit",
        "Save the incident and leave", key_bar_rank=2,
    ),
    Action(
        "help", "help", "app", "f1", "Help", "Help: keys", "Every key, on one screen",
        key_help="Show every key", key_bar_rank=2,
    ),
    Action(
        "command_palette", "command_palette", "app", "ctrl+p", "palette",
        key_help="Command palette: every action by name", show=False,
    ),
    Action(
        "next_step", "next_step", "wizard", "ctrl+n", "Next", "Next step", "Go to the next step",
    ),
    Action(
        "previous_step", "previous_step", "wizard", "ctrl+r", "Prev", "Previous step",
        "Go to the previous step", show=False,
    ),
    Action(
        "copy", "copy", "wizard", "ctrl+o", "Copy", "Copy prompt to clipboard",
        "The prompt exactly as previewed: terminal (OSC 52), tmux buffer, local clipboard",
        button="Copy prompt", button_position=0,
    ),
    Action(
        "save", "save", "wizard", "ctrl+s", "Save", "Save session", "Save the incident file now",
        button="Save", button_position=2,
    ),
    Action(
        "toggle_preview", "toggle_preview", "wizard", "ctrl+t", "Preview", "Toggle preview",
        "Show or hide the live prompt preview", show=False,
    ),
    Action(
        "export", "export", "wizard", "f2", "Export", "Export prompt to file",
        "Write the prompt to a file (mode 0600)", button="Export to file", button_position=1,
        key_bar_rank=0,
    ),
    Action(
        "edit_in_editor", "edit_in_editor", "wizard", "f4", "Editor", "Edit field in $EDITOR",
        "Open the focused field in $VISUAL / $EDITOR", key_bar_rank=0,
    ),
    Action(
        "load_from_file", "load_from_file", "wizard", "ctrl+f", "Load", "Load field from file",
        "Replace the focused field with a file's text", key_bar_rank=0,
    ),
    Action(
        "focus_steps", "focus_steps", "wizard", "ctrl+g", "Steps",
        key_help="Go to the step list", show=False, priority=False,
    ),
    # F5…F11 jump to steps 1…7. Not alt+digit: terminals send it as ESC and the digit, which
    # Textual reads as a macOS option-key character (alt+5 typed "∞" into the field).
    *(
        Action(
            f"go_step_{n}", f"go_step({n - 1})", "wizard", f"f{n + 4}", f"Step {n}",
            f"Go to step: {title}", f"Step {n} of the wizard",
            key_help=f"Jump to step 1–{len(STEP_TITLES)}", show=False,
        )
        for n, title in enumerate(STEP_TITLES, 1)
    ),
    Action(
        "clear_field", "clear_field", "wizard", title="Clear field",
        help="Empty the focused field (it becomes unknown)",
    ),
    # ctrl+z only while a clear can be undone (WizardScreen.check_action): TextArea keeps it
    # otherwise.
    Action(
        "undo_clear", "undo_clear", "wizard", "ctrl+z", "Undo clear", "Undo clear field",
        "Give back the value 'Clear field' removed", key_help="Undo 'Clear field'", show=False,
    ),
    Action(
        "choose_template", "choose_template", "wizard", title="Choose template…",
        help="The templates with their descriptions; the preview follows the choice",
    ),
    Action(
        "add_answer", "add_answer", "wizard", title="Add agent answer",
        help="Paste, load or write the agent's answer; its action lists become the checklist",
    ),
    Action(
        "send_to_agent", "send_to_agent", "wizard", title="Send to agent",
        help="Pipe the prompt to [agent] command in the terminal and keep its answer",
    ),
    # The Checklist is a step: its key is go_step_6's (f10); this is its name in the palette.
    Action(
        "open_checklist", "open_checklist", "wizard", title="Checklist",
        help="Go to the Checklist step: tick off the actions of the agent's answers",
    ),
    Action(
        "export_record", "export_record", "wizard", title="Export incident as Markdown",
        help="The incident record (facts, timeline, checklist, answer), masked, mode 0600",
    ),
    Action(
        "gather_git", "gather_git", "wizard", title="Gather from git",
        help="Commits since the start as change items; changed files and test commands offered",
    ),
    Action(
        "run_gather_command", "run_gather_command", "wizard", title="Run gather command…",
        help="Run a command of the service profile (.incident-tui.toml) once you agree to it",
    ),
    Action(
        "open_picker", "open_picker", "wizard", title="Open another incident",
        help="Save this one and go to the list of saved incidents",
    ),
    # The story's lists (Timeline step; change items and hypotheses on the Changes step).
    # ctrl+l and ctrl+y: neither Input nor the step's other widgets use them, and every terminal
    # sends them; ctrl+y is TextArea's redo, so cycle_item takes it only inside a list item
    # (WizardScreen.check_action). f12, not f3: README's keymap example gives f3 to Copy. The
    # plain keys act on an item's badge (its kind, relation or status, reached with shift+Tab
    # from its text), never while typing; the key bar leaves them out (in a field they type),
    # the list's hint line and F1 name them.
    Action(
        "add_timeline_entry", "add_timeline_entry", "wizard", "ctrl+l", "Entry",
        "Add timeline entry", "An entry stamped now (UTC) on the Timeline step, ready to type",
        key_help="Add a timeline entry stamped now (from any step)",
    ),
    Action(
        "add_change", "add_item('changes')", "wizard", title="Add change",
        help="A change item (when, what, ref, relation, why) on the Changes step",
    ),
    Action(
        "add_hypothesis", "add_item('hypotheses')", "wizard", title="Add hypothesis",
        help="A hypothesis (text, status, evidence) on the Changes step",
    ),
    Action(
        "add_item_here", "add_item_here", "wizard", "f12", "Add",
        key_help="Add an item to the list in focus (or the step's first list)",
    ),
    Action(
        "cycle_item", "cycle_item", "wizard", "ctrl+y", "Cycle", "Cycle kind / relation / status",
        "The focused item's kind (timeline), relation (change) or status (hypothesis)",
        key_help="In a list item: cycle its kind, relation or status",
    ),
    Action(
        "restamp_item", "restamp_item", "wizard", "t", "Now", "Set item time to now",
        "The focused timeline entry's (or change's) time becomes now (UTC)",
        key_help="On an item's badge: set its time to now", priority=False, show=False,
    ),
    Action(
        "sort_timeline", "sort_timeline", "wizard", "s", "Sort", "Sort timeline by time",
        "Entries with a YYYY-MM-DD HH:MM time in time order; free-text times stay in place",
        key_help="On a timeline badge: sort the timeline by time", priority=False, show=False,
    ),
    Action(
        "delete_item", "delete_item", "wizard", "d,delete", "Delete", "Delete item",
        "Delete the focused list item (asks first)",
        key_help="On an item's badge: delete it (asks first)", priority=False, show=False,
    ),
    Action(
        "set_status", "set_status", "wizard", title="Set status",
        help="Where the response is: investigating, identified, monitoring, mitigated, resolved",
    ),
    Action(
        "new_incident", "new_incident", "picker", "n", "New", "New incident",
        "Start a new incident", priority=False,
    ),
    Action(
        "delete", "delete", "picker", "d,delete", "Delete", "Delete incident",
        "Delete the highlighted incident", key_help="Delete the highlighted incident",
        priority=False,
    ),
)  # fmt: skip

ACTIONS_BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}

#: Keys no action may take: Tab and shift+Tab move between fields (IncidentApp.BINDINGS).
RESERVED_KEYS: dict[str, str] = {"tab": "next field", "shift+tab": "previous field"}


def actions_for(scope: Scope) -> list[Action]:
    return [a for a in ACTIONS if a.scope == scope]


def bindings(scope: Scope, keymap: Mapping[str, str] | None = None) -> list[Binding]:
    """The scope's bindings, each with its action's id; with `keymap`, its keys as remapped."""
    keymap = keymap or {}
    return [a.binding(keymap.get(a.id)) for a in actions_for(scope) if a.keys]


def key_bar_order(binding: Binding) -> tuple[int, int]:
    """The key bar's order: a widget's own keys, then the screen's actions, then the app's, each
    as declared in ACTIONS (however a keymap rebound them)."""
    action = ACTIONS_BY_ID.get(binding.id or "")
    if action is None:
        return (0, 0)
    return (2 if action.scope == "app" else 1, _ORDER[action.id])


_ORDER = {a.id: index for index, a in enumerate(ACTIONS)}


def buttons() -> list[Action]:
    """The actions Review shows as buttons, in order."""
    return sorted((a for a in ACTIONS if a.button), key=lambda a: a.button_position)


def keys_of(action: Action, keymap: Mapping[str, str]) -> str:
    return keymap.get(action.id, action.keys)


def shown_keys(action: Action, keymap: Mapping[str, str], display: Callable[[Binding], str]) -> str:
    """The action's keys as the key bar writes them ("^o", "f3 / ^y"); "" for none."""
    keys = keys_of(action, keymap)
    if not keys:
        return ""
    return " / ".join(display(Binding(k, action.action)) for k in keys.split(","))


# --- the [keymap] of config.toml ----------------------------------------------------------------

MODIFIERS = ("ctrl", "alt", "shift", "meta", "super", "hyper")
#: Named keys without modifiers ("f3", "escape"), not Textual's internal ones ("<any>").
_NAMED_KEYS = frozenset(k.value for k in Keys if k.value.isidentifier())


def normalize_key(key: str) -> str | None:
    """A key as Textual names it ("ctrl+o", "f3", "question_mark"), or None if it is not one."""
    *modifiers, name = key.strip().split("+")
    modifiers = [m.strip().lower() for m in modifiers]
    if any(m not in MODIFIERS for m in modifiers) or len(set(modifiers)) != len(modifiers):
        return None
    name = name.strip()
    if len(name) > 1:
        name = name.lower()
    elif name:
        name = _character_key(name, modified=bool(modifiers))
    if not name or not (name in _NAMED_KEYS or key_to_character(name) is not None):
        return None
    return "+".join([*modifiers, name])


def _character_key(character: str, *, modified: bool) -> str:
    """ "?" → "question_mark", as Textual names the key of a character."""
    if not character.isprintable() or character.isspace():
        return ""
    if character.isalnum():
        # ctrl+O is never sent: with a modifier, terminals report the lower-case letter.
        return character.lower() if modified else character
    name = unicodedata.name(character, "").lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


def keymap_from(config: Config) -> tuple[dict[str, str], list[ConfigProblem]]:
    """The config's [keymap] as Textual's keymap (action id → "key,key"), and what was wrong.

    An entry with an unknown action id, a key that is not a key, a key another action keeps
    (in a place where both work) or that Tab needs, is reported and left out: that action
    keeps its default keys.
    """
    problems: list[ConfigProblem] = []
    accepted: dict[str, tuple[str, int | None]] = {}
    for entry in config.keymap:
        action = ACTIONS_BY_ID.get(entry.action)
        if action is None:
            problems.append(
                config.problem(
                    entry.line,
                    f"keymap: unknown action {entry.action!r} "
                    f"(see README, Configuration); its keys are ignored",
                )
            )
            continue
        if not action.keys:
            problems.append(
                config.problem(
                    entry.line, f"keymap: {entry.action} has no key to change (palette only)"
                )
            )
            continue
        normalized = [normalize_key(k) for k in entry.keys]
        bad = [k for k, n in zip(entry.keys, normalized, strict=True) if n is None]
        if bad:
            problems.append(
                config.problem(
                    entry.line,
                    f"keymap: {bad[0]!r} is not a key name (like ctrl+o, f3, alt+x); "
                    f"{entry.action} keeps {action.keys}",
                )
            )
            continue
        typed = [k for k, n in zip(entry.keys, normalized, strict=True) if n and _types(n)]
        if typed and action.priority:
            problems.append(
                config.problem(
                    entry.line,
                    f"keymap: {typed[0]!r} types a character, which fields would never get; "
                    f"{entry.action} keeps {action.keys} (use ctrl+, alt+ or an F key)",
                )
            )
            continue
        accepted[entry.action] = (",".join(n for n in normalized if n), entry.line)
    # A key taken from another action: drop the entry that took it, until none clash.
    while clash := _first_clash(accepted):
        action_id, key, other = clash
        _, line = accepted.pop(action_id)
        owner = RESERVED_KEYS.get(key) or ACTIONS_BY_ID[other].help_text
        problems.append(
            config.problem(
                line,
                f"keymap: {key} is already the key of {owner!r}; "
                f"{action_id} keeps {ACTIONS_BY_ID[action_id].keys}",
            )
        )
    return {a: keys for a, (keys, _) in accepted.items()}, problems


def _types(key: str) -> bool:
    """The key types a character into a field (a letter, "?", shift+a, space)."""
    *modifiers, name = key.split("+")
    character = key_to_character(name)
    return set(modifiers) <= {"shift"} and character is not None and character.isprintable()


def _first_clash(accepted: Mapping[str, tuple[str, int | None]]) -> tuple[str, str, str] | None:
    """(remapped action, key, the action or reserved name already on that key), or None."""
    keymap = {a: keys for a, (keys, _) in accepted.items()}
    for action_id in accepted:
        action = ACTIONS_BY_ID[action_id]
        for key in keymap[action_id].split(","):
            if key in RESERVED_KEYS:
                return action_id, key, key
            for other in _overlapping(action):
                if other.id != action_id and key in keys_of(other, keymap).split(","):
                    return action_id, key, other.id
    return None


def _overlapping(action: Action) -> Iterable[Action]:
    """Actions whose keys work in some place this one's do: app keys work on every screen."""
    if action.scope == "app":
        return (a for a in ACTIONS if a.keys)
    return (a for a in ACTIONS if a.keys and a.scope in ("app", action.scope))
