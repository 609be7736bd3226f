"""The live prompt preview: a header with the prompt's size, and the prompt itself, read-only.

The pane renders the prompt itself: `schedule()` after each edit (debounced), in a thread worker,
on a request its source takes on the UI thread; a result older than the one shown is dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static
from textual.worker import get_current_worker

from tui.core.errors import IncidentTuiError
from tui.core.masking import RedactOptions
from tui.core.sanitize import visible_controls
from tui.ui.widgets.text_area import QuietTextArea

if TYPE_CHECKING:
    from collections.abc import Sequence

    from textual.css.styles import RulesMap
    from textual.timer import Timer
    from textual.widgets import TextArea

    from tui.core.prompt import RenderedPrompt, TemplateLibrary
    from tui.core.redact import Finding


class RenderRequest(NamedTuple):
    """Everything the prompt is made of, taken on the UI thread; rendered in a worker."""

    values: dict[str, str]
    library: TemplateLibrary
    template: str
    redact: RedactOptions
    #: The session's lists (timeline, changes, hypotheses), copied on the UI thread.
    tables: dict[str, list[dict[str, Any]]] = {}  # noqa: RUF012 - a NamedTuple default, never mutated
    #: The prompt's "As of" time: the app's clock (fixed in snapshot tests); None is now.
    as_of: datetime | None = None

    def render(self) -> RenderedPrompt:
        """The prompt exactly as copy, export and `incident-tui render` produce it."""
        from tui.core.prompt import prompt_for

        return prompt_for(
            self.values,
            self.library,
            self.template,
            redact=self.redact,
            tables=self.tables,
            as_of=self.as_of,
        )


def secret_counts(findings: Sequence[Finding]) -> tuple[int, int, int]:
    """(secrets masked, secrets found, places masked). A secret is counted once however often
    it occurs (it is masked or shown everywhere at once); the places are its occurrences.
    The preview's header and Review both count with this, so they agree."""
    state = {f.fingerprint: f.masked for f in findings}
    masked = sum(1 for is_masked in state.values() if is_masked)
    places = sum(1 for f in findings if f.masked)
    return masked, len(state), places


def secrets_phrase(masked: int, places: int) -> str:
    """'2 secrets masked (26 places)', or '1 secret masked' when each occurs once."""
    text = f"{masked} secret{'' if masked == 1 else 's'} masked"
    return text + (f" ({places} places)" if places != masked else "")


def prompt_summary(rendered: RenderedPrompt) -> Content:
    """'Prompt · 12,345 chars · ≈3,527 tokens · trimmed: Error messages or logs'."""
    parts: list[tuple[str, str] | str] = [
        ("Prompt", "bold"),
        f" · {rendered.chars:,} chars · ≈{rendered.tokens:,} tokens",
    ]
    masked, _, places = secret_counts(rendered.findings)
    if masked:
        parts.append((f" · {secrets_phrase(masked, places)}", "$text-success"))
    if note := rendered.budget_note:
        parts.append((f" · {note}", "$text-warning" if rendered.fits else "$text-error"))
    if rendered.template_problem:
        problem = visible_controls(rendered.template_problem)
        parts.append((f" · built-in template used: {problem}", "$text-error"))
    return Content.assemble(*parts)


def changed_span(old: str, new: str) -> tuple[int, int, str]:
    """(start, end in old, replacement): the one stretch that differs between two texts.

    Binary searches over slice comparisons, which run at memcmp speed: a 110 KB prompt takes
    well under a millisecond, where a character loop in Python would take several.
    """
    limit = min(len(old), len(new))
    low, high = 0, limit
    while low < high:  # the longest common prefix
        mid = (low + high + 1) // 2
        if old[:mid] == new[:mid]:
            low = mid
        else:
            high = mid - 1
    prefix = low
    low, high = 0, limit - prefix
    while low < high:  # the longest common suffix that does not overlap the prefix
        mid = (low + high + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            low = mid
        else:
            high = mid - 1
    suffix = low
    return prefix, len(old) - suffix, new[prefix : len(new) - suffix]


def location_of(text: str, offset: int) -> tuple[int, int]:
    """The (row, column) of a character offset, as TextArea counts them."""
    row = text.count("\n", 0, offset)
    return row, offset - (text.rfind("\n", 0, offset) + 1)


class PreviewPane(Vertical):
    def __init__(
        self,
        source: Callable[[], RenderRequest] | None = None,
        *,
        on_rendered: Callable[[RenderedPrompt], None] | None = None,
        delay: float = 0.15,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._source = source
        #: Told of each new prompt in the same call that shows it (Review lists its findings),
        #: so nothing on screen counts secrets that Review does not list yet.
        self._on_rendered = on_rendered
        #: Seconds after the last edit before the prompt is rendered.
        self.delay = delay
        self._text = ""
        self._anchor: str | None = None
        self.rendered: RenderedPrompt | None = None
        self._timer: Timer | None = None
        #: Renders started and the newest one shown (older results that finish later are dropped).
        self.requested = 0
        self.shown_request = -1

    # --- rendering -------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """A render is scheduled and not started yet."""
        return self._timer is not None

    def schedule(self) -> None:
        """Render after `delay`, restarted by every call (typing renders once it pauses)."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.delay, self.render_now)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def render_now(self) -> None:
        self._timer = None
        if self._source is None:
            return
        self.requested += 1
        self._job(self._source(), self.requested)

    # Named: without a description, Textual builds one from repr() of the arguments, on the UI
    # thread, and a request holding a big log is slow to repr.
    @work(thread=True, exclusive=True, group="preview", exit_on_error=False, description="preview")
    def _job(self, request: RenderRequest, number: int) -> None:
        worker = get_current_worker()
        try:
            result: RenderedPrompt | str = request.render()
        except IncidentTuiError as exc:
            result = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown in the pane, never a traceback
            result = f"unexpected {type(exc).__name__}: {exc}"
        if not worker.is_cancelled:
            with contextlib.suppress(RuntimeError):  # the app has gone meanwhile
                self.app.call_from_thread(self._done, result, number)

    def _done(self, result: RenderedPrompt | str, number: int) -> None:
        if number < self.shown_request:
            return
        self.shown_request = number
        if isinstance(result, str):
            self.show_error(visible_controls(result))
            return
        if self._on_rendered is not None:
            self._on_rendered(result)
        self.show(result)

    # --- showing ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Prompt", "bold"), " · rendering…"), id="preview-header")
        # The prompt's TextArea comes with the first prompt (see show), which is rendered after
        # the app's first frame: one heavy widget less before the wizard is on screen.

    def _area(self) -> TextArea | None:
        found = self.query_children("#preview-text")
        return cast("TextArea", found.first()) if found else None

    @property
    def text(self) -> str:
        """The prompt as shown (what copy and export produce)."""
        return self._text

    def show(self, rendered: RenderedPrompt) -> None:
        self.rendered = rendered
        self._header(prompt_summary(rendered))
        if rendered.text == self._text:
            return
        old, self._text = self._text, rendered.text
        area = self._area()
        if area is None:
            self.mount(
                QuietTextArea(
                    visible_controls(rendered.text),
                    read_only=True,
                    soft_wrap=True,
                    show_cursor=False,
                    highlight_cursor_line=False,
                    id="preview-text",
                )
            )
            self.call_after_refresh(self._scroll_to_anchor)
            return
        scroll_y = area.scroll_y
        if old:
            # An edit changes the prompt in one place: replacing just that span costs the UI
            # thread next to nothing, where reloading the whole prompt re-wraps all of it.
            start, old_end, new_text = changed_span(old, rendered.text)
            area.replace(
                visible_controls(new_text),
                location_of(old, start),
                location_of(old, old_end),
                maintain_selection_offset=False,
            )
        else:
            area.load_text(visible_controls(rendered.text))
        if self._anchor_row() is None:
            area.scroll_to(y=scroll_y, animate=False, immediate=True)
        else:
            self.call_after_refresh(self._scroll_to_anchor)

    def follow(self, label: str | None) -> None:
        """Keep the line of the field being edited ("Label: …") in view, as it changes."""
        self._anchor = f"{label}:" if label else None
        self.call_after_refresh(self._scroll_to_anchor)

    def _anchor_row(self) -> int | None:
        if self._anchor is None:
            return None
        lines = self._text.split("\n")
        # None when a user template has no such line.
        return next((i for i, line in enumerate(lines) if line.startswith(self._anchor)), None)

    def _scroll_to_anchor(self) -> None:
        row = self._anchor_row()
        area = self._area()
        if row is None or area is None:
            return
        # After a refresh, so that the soft-wrapped layout matches the new text and width.
        y = area.wrapped_document.location_to_offset((row, 0)).y
        height = area.scrollable_content_region.height
        area.scroll_to(y=max(0, y - height // 3), animate=False, immediate=True)

    def show_error(self, message: str) -> None:
        self._header(
            Content.assemble(("Prompt", "bold"), (f" · cannot render: {message}", "$text-error"))
        )

    def _header(self, content: Content) -> None:
        """Show `content` in the header. Each render changes its counts, seldom its height: a
        layout of the whole screen only when the height changes."""
        header = self.query_one("#preview-header", Static)
        region = header.content_region
        # Measured as Textual measures it (Widget.get_content_height passes its styles too).
        rules = cast("RulesMap", header.styles)
        same = region.width > 0 and content.get_height(rules, region.width) == region.height
        header.update(content, layout=not same)
