"""One field of the schema in the form: label, UNKNOWN badge, help line and its editor.

The editor is chosen by the field's kind: a ChoiceField for a choice, an Input for a line, a
TextArea for text, and a read-only view for a value too large to edit here. The widget keeps its own
unknown mark up to date on every change, which is cheap; everything slower is the screen's job,
debounced.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from tui.core.sanitize import visible_controls
from tui.core.schema import SEVERITIES, Field, is_unknown
from tui.core.textfile import is_big
from tui.ui.textual_compat import LaidOutVertical
from tui.ui.widgets.big_value import BigValueView
from tui.ui.widgets.choice_field import ChoiceField
from tui.ui.widgets.inputs import BigPaste, FieldInput
from tui.ui.widgets.text_area import FieldTextArea


class FieldMessage(Message):
    """About one field: the screen acts on `key`, without searching the widget tree for it."""

    def __init__(self, editor: FieldEditor) -> None:
        super().__init__()
        self.editor = editor

    @property
    def key(self) -> str:
        return self.editor.field.key


class FieldEditor(LaidOutVertical):
    class Changed(FieldMessage):
        """The user changed the field's value (typed, pasted, chose)."""

        def __init__(self, editor: FieldEditor, value: str) -> None:
            super().__init__(editor)
            self.value = value

    class Focused(FieldMessage):
        """Focus moved into the field's editor."""

    class Pasted(FieldMessage):
        """A paste too large to edit here: the field takes it as a read-only value."""

        def __init__(self, editor: FieldEditor, text: str) -> None:
            super().__init__(editor)
            self.text = text

    class Requested(FieldMessage):
        """The read-only view asked to "load", "edit" or "clear" the field."""

        def __init__(self, editor: FieldEditor, action: str) -> None:
            super().__init__(editor)
            self.action = action

    def __init__(self, field: Field, value: str, *, blink: bool = True) -> None:
        # Classes given here, not set after: setting one on a widget not yet mounted applies the
        # whole stylesheet to it, for nothing (it is applied again on mount).
        unknown = " -unknown" if is_unknown(field, value) else ""
        super().__init__(id=f"field-{field.key}", classes=f"field -kind-{field.kind}{unknown}")
        self.field = field
        self._value = value
        # The text the editor shows, which may differ from the value: control characters are
        # shown as symbols, and an unlisted severity as 'unknown'. A widget event that reports
        # this text is not an edit: display-only conversions must never reach the file. Set
        # where the editor gets its text (None for the read-only view, which reports nothing).
        self._shown: str | None = None
        self._blink = blink

    @property
    def value(self) -> str:
        return self._value

    @property
    def input_id(self) -> str:
        return f"input-{self.field.key}"

    def compose(self) -> ComposeResult:
        # One widget for the label, its UNKNOWN badge and the help line: the form mounts one per
        # field, and every widget fewer is less to style, lay out and draw on every frame.
        yield Static(self._head(), classes="field-head")
        yield self._make_input(self._value)

    def _show(self, value: str) -> str:
        """The text the editor is given for a value; remembered, see __init__."""
        if self.field.kind == "choice":
            self._shown = value if value in SEVERITIES else SEVERITIES[-1]
        else:
            self._shown = visible_controls(value)
        return self._shown

    def _make_input(self, value: str) -> Widget:
        field = self.field
        if field.kind == "choice":
            return ChoiceField(SEVERITIES, self._show(value), id=self.input_id)
        if field.kind == "line":
            return FieldInput(self._show(value), id=self.input_id, blink=self._blink)
        if is_big(value):
            self._shown = None
            return BigValueView(value, id=self.input_id)
        area = FieldTextArea(self._show(value), id=self.input_id, blink=self._blink)
        area.soft_wrap = field.wrap
        return area

    @property
    def input_widget(self) -> Widget:
        return self.query_one(f"#{self.input_id}")

    @property
    def is_read_only_view(self) -> bool:
        return isinstance(self.input_widget, BigValueView)

    def focus_input(self) -> None:
        widget = self.input_widget
        if isinstance(widget, BigValueView):
            widget.focus_first()
        else:
            widget.focus()
        self.scroll_visible(animate=False)

    def _update(self, value: str) -> bool:
        if value == self._value:
            return False
        self._value = value
        unknown = is_unknown(self.field, value)
        if unknown != self.has_class("-unknown"):
            self.set_class(unknown, "-unknown")
            self.query_one(".field-head", Static).update(self._head())
        return True

    def _head(self) -> Content:
        """The label (with its UNKNOWN badge) and, on the lines below, the help. On a narrow
        terminal only the current field shows the help: the CSS shows the first line alone."""
        # The widget's colour is the help's (CSS: $text-muted, which is relative to what is
        # behind it); the label's is given here, and follows the current field.
        colour = "$text-primary" if self.has_class("-current") else "$foreground"
        style = f"bold {colour}"
        if is_unknown(self.field, self._value):
            badge = (" UNKNOWN ", "bold $background on $warning")
            label = Content.assemble((f"{self.field.label} ", style), badge)
        else:
            label = Content.styled(self.field.label, style)
        return Content.assemble(label, "\n", self.field.help)

    def set_current(self, current: bool) -> None:
        """Mark the field as the one being edited (its label's colour, its help when narrow)."""
        if current != self.has_class("-current"):
            self.set_class(current, "-current", update=self.is_attached)
            if self.is_attached:
                self.query_one(".field-head", Static).update(self._head())

    async def set_value(self, value: str) -> None:
        """Replace the value from outside (file, editor, clear), swapping editor kinds as needed."""
        self._update(value)
        widget = self.input_widget
        had_focus = widget.has_focus or widget.has_focus_within
        wants_view = self.field.kind == "text" or self.field.kind == "large"
        swap = wants_view and is_big(value) != isinstance(widget, BigValueView)
        if swap or isinstance(widget, BigValueView):
            await self._swap_input(widget, value, had_focus)
        elif isinstance(widget, TextArea):
            widget.load_text(self._show(value))
        elif isinstance(widget, Input | ChoiceField):
            widget.value = self._show(value)

    async def _swap_input(self, old: Widget, value: str, had_focus: bool) -> None:
        # One frame for the swap: drawn between the removal and the mount, the screen was laid
        # out and painted for nothing (a field without its editor), and a key pressed right
        # behind a huge paste (ctrl+n) waited for those frames.
        with self.app.batch_update():
            if had_focus:
                # Removed while focused, the editor would hand focus to the field before it
                # (Textual picks a neighbour), which the screen takes as the user moving there:
                # the current field and the preview's place would change twice for nothing.
                self.screen.set_focus(None)
            await old.remove()  # first: the new editor takes the same id
            await self.mount(self._make_input(value))
        # Focus comes back only if the user has not moved it meanwhile: a huge paste followed
        # at once by ctrl+n (tmux sends the key right behind the paste) must not be pulled back
        # to the step they left.
        if had_focus and self.screen.focused is None:
            self.focus_input()

    def _changed(self, value: str) -> None:
        if value == self._shown:
            return  # what we put there (on mount, or by set_value): not the user's edit
        self._shown = value
        if self._update(value):
            self.post_message(self.Changed(self, value))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._changed(event.text_area.text)

    def on_descendant_focus(self) -> None:
        self.post_message(self.Focused(self))

    @on(BigPaste)
    def _big_paste(self, event: BigPaste) -> None:
        event.stop()
        self.post_message(self.Pasted(self, event.text))

    @on(BigValueView.Requested)
    def _view_requested(self, event: BigValueView.Requested) -> None:
        event.stop()
        self.post_message(self.Requested(self, event.action))

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        # Back to the start once focus leaves: a long title must not stay scrolled with its
        # first letters hidden. Moving the cursor home scrolls the view with it.
        event.stop()
        if event.input.is_attached:
            event.input.cursor_position = 0

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed(event.value)

    @on(ChoiceField.Changed)
    def _choice_changed(self, event: ChoiceField.Changed) -> None:
        event.stop()
        self._changed(event.value)
