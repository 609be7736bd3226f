"""One field of the schema in the form: label, UNKNOWN badge, help line and its editor.

The editor is chosen by the field's kind: a ChoiceField for a choice, an Input for a line, a
TextArea for text, and a read-only view for a value too large to edit here. The widget keeps its own
unknown mark up to date on every change, which is cheap; everything slower is the screen's job,
debounced.

A field is two widgets side by side in its form, the FieldEditor (which shows the label, the badge
and the help, and holds the field's logic) and its editor right after it: no box around them. Each
widget costs Textual a message pump, a style pass and a place in every layout, and a box around
each field was about a sixth of the first screen's work. The form (a FieldHost) hands each field the
messages of its editor, which a box would have received.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary, ref

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from tui.core.sanitize import visible_controls
from tui.core.schema import SEVERITIES, Field, is_unknown
from tui.core.textfile import is_big
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


def head_content(field: Field, value: str, *, current: bool) -> Content:
    """The label (with its UNKNOWN badge) and, on the lines below, the help. On a narrow
    terminal only the current field shows the help: the CSS shows the first line alone."""
    # The widget's colour is the help's (CSS: $text-muted, which is relative to what is
    # behind it); the label's is given here, and follows the current field.
    colour = "$text-primary" if current else "$foreground"
    style = f"bold {colour}"
    if is_unknown(field, value):
        badge = (" UNKNOWN ", "bold $background on $warning")
        label = Content.assemble((f"{field.label} ", style), badge)
    else:
        label = Content.styled(field.label, style)
    return Content.assemble(label, "\n", field.help)


#: Each editor's field: a form finds the field of a message's editor here. Weak both ways: the
#: field holds its editor, and a strong value would keep every closed form's editors alive.
_FIELD_OF: WeakKeyDictionary[Widget, ref[FieldEditor]] = WeakKeyDictionary()


def field_of(widget: Widget) -> FieldEditor | None:
    """The field whose editor is `widget` or holds it (a read-only view's buttons)."""
    node: Widget | None = widget
    while node is not None:
        found = _FIELD_OF.get(node)
        if found is not None:
            return found()
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return None


class FieldEditor(Static):
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
        super().__init__(
            head_content(field, value, current=False),
            id=f"field-{field.key}",
            classes=f"field-head -kind-{field.kind}{unknown}",
        )
        self.field = field
        self._value = value
        # The text the editor shows, which may differ from the value: control characters are
        # shown as symbols, and an unlisted severity as 'unknown'. A widget event that reports
        # this text is not an edit: display-only conversions must never reach the file. Set
        # where the editor gets its text (None for the read-only view, which reports nothing).
        self._shown: str | None = None
        self._blink = blink
        #: The editor, which the form mounts right after this widget (see widgets()).
        self._input = self._make_input(value)

    @property
    def value(self) -> str:
        return self._value

    @property
    def input_id(self) -> str:
        return f"input-{self.field.key}"

    def widgets(self) -> tuple[Widget, Widget]:
        """What the form mounts for this field, in order: this widget (label, badge and help,
        in one widget) and its editor."""
        return self, self._input

    def _show(self, value: str) -> str:
        """The text the editor is given for a value; remembered, see __init__."""
        if self.field.kind == "choice":
            self._shown = value if value in SEVERITIES else SEVERITIES[-1]
        else:
            self._shown = visible_controls(value)
        return self._shown

    def _make_input(self, value: str) -> Widget:
        widget = self._new_input(value)
        # Classes given here, before mount (see __init__): the editor's look follows the field's.
        unknown = " -unknown" if self.has_class("-unknown") else ""
        widget.add_class(*f"field-input -kind-{self.field.kind}{unknown}".split(), update=False)
        _FIELD_OF[widget] = ref(self)
        return widget

    def _new_input(self, value: str) -> Widget:
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
        return self._input

    @property
    def is_read_only_view(self) -> bool:
        return isinstance(self.input_widget, BigValueView)

    def focus_input(self) -> None:
        widget = self.input_widget
        if isinstance(widget, BigValueView):
            widget.focus_first()
        else:
            widget.focus()
        self._scroll_into_view()

    def _scroll_into_view(self) -> None:
        """The whole field in view, head and editor, as one region (as a box around them would
        be): once laid out, if it is not yet."""
        form = self.parent
        if not isinstance(form, Widget):
            return

        def scroll() -> None:
            region = self.virtual_region_with_margin.union(self._input.virtual_region_with_margin)
            if region.size:
                form.scroll_to_region(region, animate=False)

        if self.region:
            scroll()
        else:
            form.call_after_refresh(scroll)

    def _update(self, value: str) -> bool:
        if value == self._value:
            return False
        self._value = value
        unknown = is_unknown(self.field, value)
        if unknown != self.has_class("-unknown"):
            self.set_class(unknown, "-unknown")
            self._input.set_class(unknown, "-unknown")
            self.update(self._head())
        return True

    def _head(self) -> Content:
        return head_content(self.field, self._value, current=self.has_class("-current"))

    def set_current(self, current: bool) -> None:
        """Mark the field as the one being edited (its label's colour, its help when narrow)."""
        if current != self.has_class("-current"):
            self.set_class(current, "-current", update=self.is_attached)
            # Before mount (the form marks its first field), the content only: Static.update
            # would ask for a layout of a widget not laid out yet.
            self.update(self._head(), layout=self.is_attached)

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
            _FIELD_OF.pop(old, None)
            self._input = self._make_input(value)
            parent = self.parent
            assert isinstance(parent, Widget)
            await parent.mount(self._input, after=self)
        # Focus comes back only if the user has not moved it meanwhile: a huge paste followed
        # at once by ctrl+n (tmux sends the key right behind the paste) must not be pulled back
        # to the step they left.
        if had_focus and self.screen.focused is None:
            self.focus_input()

    def edited(self, value: str) -> FieldEditor.Changed | None:
        """What the editor now shows (its message, handed on by the form): the message that
        the field changed, for the form to post, or None when it did not."""
        if value == self._shown:
            return None  # what we put there (on mount, or by set_value): not the user's edit
        self._shown = value
        return self.Changed(self, value) if self._update(value) else None


class FieldHost:
    """A form of fields (mixed into its Widget): each editor's messages go to its field, and the
    field's own messages leave from the form. (Posted on the field from here, they would stop at
    the form: Textual does not bubble a message to the widget that sent it.) Messages of other
    widgets go on as they came."""

    def _post(self, message: Message) -> None:
        assert isinstance(self, Widget)
        self.post_message(message)

    def _edited(self, editor: Widget, value: str, event: Message) -> None:
        field = field_of(editor)
        if field is not None:
            event.stop()
            changed = field.edited(value)
            if changed is not None:
                self._post(changed)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._edited(event.text_area, event.text_area.text, event)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._edited(event.input, event.value, event)

    def on_choice_field_changed(self, event: ChoiceField.Changed) -> None:
        self._edited(event.choice_field, event.value, event)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        # Back to the start once focus leaves: a long title must not stay scrolled with its
        # first letters hidden. Moving the cursor home scrolls the view with it.
        field = field_of(event.input)
        if field is not None:
            event.stop()
            if event.input.is_attached:
                event.input.cursor_position = 0

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        field = field_of(event.widget)
        if field is not None:
            self._post(FieldEditor.Focused(field))

    def on_big_paste(self, event: BigPaste) -> None:
        field = field_of(event.text_area)
        if field is not None:
            event.stop()
            self._post(FieldEditor.Pasted(field, event.text))

    def on_big_value_view_requested(self, event: BigValueView.Requested) -> None:
        field = field_of(event.view)
        if field is not None:
            event.stop()
            self._post(FieldEditor.Requested(field, event.action))
