"""The Review step: what is still unknown (each jumps to its field) and the actions.

The prompt itself is the wizard's preview pane, which Review always shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tui.redact import Finding
from tui.sanitize import visible_controls
from tui.schema import FIELDS_BY_KEY, STEPS_BY_KEY, Field


class ReviewPanel(Vertical):
    class JumpTo(Message):
        """The user picked an unknown: take them to its field."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class Action(Message):
        """A button: "copy", "export" or "save"."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="review")

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Review", "bold")), classes="review-title")
        with Horizontal(classes="review-actions"):
            yield Button(Content("Copy prompt"), id="review-copy", variant="primary", compact=True)
            yield Button(Content("Export to file"), id="review-export", compact=True)
            yield Button(Content("Save"), id="review-save", compact=True)
        yield Static("", id="review-summary")
        yield OptionList(id="review-unknowns")
        yield Static("", id="review-secrets")

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

    def show_findings(self, findings: Sequence[Finding]) -> None:
        """The secrets the prompt masks: kind, field and a safe hint, never the secret."""
        secrets = self.query_one("#review-secrets", Static)
        masked = [f for f in findings if f.masked]
        if not masked:
            secrets.update(Content.styled("No secrets found to mask.", "$text-muted"))
            return
        noun = "secret" if len(masked) == 1 else "secrets"
        lines = [Content.styled(f"{len(masked)} {noun} masked in the prompt:", "bold")]
        for finding in masked[:12]:
            field = FIELDS_BY_KEY.get(finding.where)
            where = field.label if field is not None else finding.where
            lines.append(
                Content.assemble(
                    "  ",
                    (finding.kind, "$text-warning"),
                    f" in {where}: ",
                    (visible_controls(finding.preview), "dim"),
                )
            )
        if len(masked) > 12:
            lines.append(Content(f"  … and {len(masked) - 12:,} more"))
        secrets.update(Content("\n").join(lines))

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
        action = (event.button.id or "").removeprefix("review-")
        self.post_message(self.Action(action))
