"""The wizard's Checklist step: the actions of the agent's answers, ticked off in place.

Its list (ChecklistList) groups the items by section; the step adds how far the list is worked
through, the keys, and — before there is any answer — how to get one (Send to agent, Add agent
answer: buttons, and their keys as this run's keymap has them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.core.model import Session
from tui.ui.actions import ACTIONS_BY_ID, shown_keys
from tui.ui.widgets.checklist import ChecklistList, counts_text

#: What the step offers while the list is empty, in order: the action ids.
GET_AN_ANSWER = ("send_to_agent", "add_answer")


class ChecklistStep(Vertical, can_focus=False):
    class Action(Message):
        """A button: run the wizard's action of this id."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, step: str, session: Session, clock: Callable[[], str]) -> None:
        super().__init__(id=f"step-{step}", classes="step-form checklist-step")
        self.step = step
        self._session = session
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Static("", id="checklist-summary")
        with Vertical(id="checklist-empty"):
            yield Static(self._how_to_get_one(), id="checklist-empty-text")
            with Horizontal(id="checklist-empty-actions"):
                for action_id in GET_AN_ANSWER:
                    yield Button(
                        ACTIONS_BY_ID[action_id].title,
                        id=f"checklist-{action_id}",
                        compact=True,
                    )
        yield ChecklistList(self._session, self._clock, id="checklist")

    def on_mount(self) -> None:
        self._show_state()

    def _how_to_get_one(self) -> Content:
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        palette = shown_keys(ACTIONS_BY_ID["command_palette"], keymap, self.app.get_key_display)
        ways = []
        for action_id in GET_AN_ANSWER:
            action = ACTIONS_BY_ID[action_id]
            keys = shown_keys(action, keymap, self.app.get_key_display)
            how = keys or (f"{palette}, “{action.title}”" if palette else "")
            ways.append(Content.assemble((action.title, "bold"), f" ({how})" if how else ""))
        return Content.assemble(
            ("No checklist yet.", "bold"),
            " Its items are the actions in the agent's answer: the lists under Investigation "
            "Checklist, Safe Hotfix Plan, Rollback Plan and Verification Steps, and every "
            "“- [ ]” box. To get an answer:\n• ",
            ways[0],
            ": the prompt goes to the agent command, its answer is kept\n• ",
            ways[1],
            ": paste one you have, load it from a file or write it in $EDITOR",
        )

    @property
    def checklist(self) -> ChecklistList:
        return self.query_one("#checklist", ChecklistList)

    def _show_state(self) -> None:
        items = self._session.items("checklist")
        self.query_one("#checklist-empty").display = not items
        self.checklist.display = bool(items)
        summary = self.query_one("#checklist-summary", Static)
        if not items:
            summary.update(Content.styled("Checklist", "bold"))
            return
        summary.update(
            Content.assemble(
                ("Checklist ", "bold"),
                (counts_text(items), "$text-muted"),
                ("\nspace: next state, time stamped (UTC) · n: note", "dim"),
            )
        )

    def sync(self) -> None:
        """The items as the session has them now (a new answer, another writer's merge)."""
        was_empty = not self.checklist.display
        had_focus = self.has_focus_within
        self.checklist.sync()
        self._show_state()
        if was_empty and had_focus and self.checklist.display:
            self.checklist.focus()  # off the buttons that are gone now, onto the first item

    @on(ChecklistList.Changed)
    def _changed(self) -> None:
        # Not stopped: the wizard saves it.
        self._show_state()

    def focus_first(self) -> None:
        if self._session.items("checklist"):
            self.checklist.focus()
        else:
            self.query_one(f"#checklist-{GET_AN_ANSWER[0]}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action_id = (event.button.id or "").removeprefix("checklist-")
        if action_id in GET_AN_ANSWER:
            self.post_message(self.Action(ACTIONS_BY_ID[action_id].action))
