"""The Review step: what is still unknown (each jumps to its field), the secrets masking found
(each can be un-masked), the story's lists (status, timeline, changes, hypotheses) and the
actions.

The prompt itself is the wizard's preview pane, shown below or beside Review (ctrl+t hides it,
giving Review the whole height). Review scrolls: at 80×24 its parts do not all fit at once, and
Tab brings each into view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.list_schema import TABLES
from tui.core.sanitize import visible_controls
from tui.core.schema import FIELDS_BY_KEY, STEPS_BY_KEY, Field
from tui.core.story import in_time_order
from tui.ui.actions import ACTIONS_BY_ID, buttons
from tui.ui.widgets.checklist import counts_text
from tui.ui.widgets.preview import secret_counts

if TYPE_CHECKING:
    from tui.core.model import Item, Session
    from tui.core.redact import Finding

#: How each list's items read on Review: (key shown first, the keys after it, joined).
STORY_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "timeline": ("kind", ("at", "text", "outcome")),
    "changes": ("relation", ("when", "what", "ref", "why")),
    "hypotheses": ("status", ("text", "evidence")),
    "checklist": ("state", ("text", "at", "note")),
}
#: Items listed per list on Review; the rest are counted.
STORY_LIMIT = 30


class ReviewPanel(VerticalScroll, can_focus=False):
    class JumpTo(Message):
        """The user picked an unknown: take them to its field."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class ToggleMask(Message):
        """Un-mask a secret the user says is a false positive, or mask it again."""

        def __init__(self, fingerprint: str, *, unmask: bool) -> None:
            super().__init__()
            self.fingerprint = fingerprint
            self.unmask = unmask

    class Action(Message):
        """A button: the Textual action of its tui.ui.actions entry ("copy", "export", …)."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="review")

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Review", "bold")), classes="review-title")
        with Horizontal(classes="review-actions"):
            # The actions declared with a button in tui.ui.actions; the first is the primary one.
            for index, action in enumerate(buttons()):
                yield Button(
                    Content(action.button),
                    id=f"review-{action.id}",
                    variant="primary" if index == 0 else "default",
                    compact=True,
                )
        yield Static("", id="review-summary")
        yield OptionList(id="review-unknowns")
        yield Static("", id="review-secrets")
        yield OptionList(id="review-findings")
        yield Static("", id="review-story")

    def show_unknowns(self, unknowns: list[Field]) -> None:
        summary = self.query_one("#review-summary", Static)
        options = self.query_one("#review-unknowns", OptionList)
        options.clear_options()
        if not unknowns:
            summary.update(Content.styled("No unknowns: every field has a value.", "$text-success"))
            options.display = False
            return
        noun = "unknown" if len(unknowns) == 1 else "unknowns"
        summary.update(
            Content.assemble(
                (f"{len(unknowns)} {noun}", "bold $text-warning"),
                " — the prompt asks the agent to inspect each. Enter on one to fill it in:",
            )
        )
        options.display = True
        options.add_options(
            Option(
                Content.assemble((f"{STEPS_BY_KEY[f.step].title} › ", "dim"), f.label),
                id=f.key,
            )
            for f in unknowns
        )
        options.highlighted = 0

    def show_story(self, session: Session) -> None:
        """The status and each list: its count and its items, one line each (timeline in
        time order, as the prompt has it)."""
        parts: list[Content] = [
            Content.assemble(("Status ", "bold"), (session.status, "bold $text-accent"))
        ]
        for table in TABLES:
            items = session.tables.get(table.key, [])
            if table.key == "timeline":
                items = list(in_time_order(items))  # type: ignore[arg-type]
            # The checklist: how far it is worked through ("2/7 done · 1 failed"), not just a count.
            count = counts_text(items) if table.key == "checklist" and items else str(len(items))
            parts.append(Content.assemble((table.label, "bold"), (f"  {count}", "$text-muted")))
            lead, rest = STORY_ROWS.get(table.key, ("", tuple(c.key for c in table.columns)))
            for item in items[:STORY_LIMIT]:
                parts.append(self._story_row(item, lead, rest))
            if len(items) > STORY_LIMIT:
                parts.append(Content.styled(f"  … {len(items) - STORY_LIMIT} more", "dim"))
        self.query_one("#review-story", Static).update(Content("\n").join(parts))

    @staticmethod
    def _story_row(item: Item, lead: str, rest: tuple[str, ...]) -> Content:
        def text(key: str) -> str:
            value = item.get(key, "")
            return visible_controls(value).replace("\n", " ") if isinstance(value, str) else ""

        words = [text(key) for key in rest if text(key).strip()]
        return Content.assemble(
            "  ",
            (f"{text(lead):<13}" if lead else "", "$text-warning"),
            " · ".join(words) or "(empty)",
        )

    def show_findings(self, findings: Sequence[Finding]) -> None:
        """What masking found: kind, field and a safe hint, never the secret. Enter on one
        un-masks it (a false positive) or masks it again."""
        heading = self.query_one("#review-secrets", Static)
        options = self.query_one("#review-findings", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        # One row per secret, not per occurrence: the same value is masked (or not) everywhere.
        unique = list({f.fingerprint: f for f in findings}.values())
        if not unique:
            heading.update(Content.styled("No secrets found to mask.", "$text-muted"))
            options.display = False
            return
        masked, found, places = secret_counts(findings)
        noun = "secret" if found == 1 else "secrets"
        counted = f"{masked} of {found} {noun} masked"
        if places != masked:
            counted += f" ({places} places)"
        heading.update(
            Content.assemble(
                (counted, "bold"),
                " — Enter un-masks a false positive (or masks it again):",
            )
        )
        options.display = True
        options.add_options(
            Option(self._finding_row(f), id=f"{f.fingerprint}|{int(f.masked)}") for f in unique
        )
        # Always a highlighted row, so that Enter acts as soon as the list has the focus.
        options.highlighted = min(highlighted or 0, options.option_count - 1)

    @staticmethod
    def _finding_row(finding: Finding) -> Content:
        field = FIELDS_BY_KEY.get(finding.where)
        where = field.label if field is not None else finding.where
        state = ("masked ", "$text-success") if finding.masked else ("SHOWN  ", "$text-error bold")
        return Content.assemble(
            state,
            (finding.kind, "$text-warning"),
            f" in {where}: ",
            (visible_controls(finding.preview), "dim"),
        )

    @on(OptionList.OptionSelected, "#review-findings")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        fingerprint, _, masked = (event.option.id or "").partition("|")
        if fingerprint:
            self.post_message(self.ToggleMask(fingerprint, unmask=masked == "1"))

    def focus_first(self) -> None:
        options = self.query_one("#review-unknowns", OptionList)
        if options.display and options.option_count:
            options.focus()
        else:
            self.query_one("#review-copy", Button).focus()

    @on(OptionList.OptionSelected, "#review-unknowns")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.JumpTo(event.option.id))

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        action = ACTIONS_BY_ID.get((event.button.id or "").removeprefix("review-"))
        if action is not None:
            self.post_message(self.Action(action.action))
