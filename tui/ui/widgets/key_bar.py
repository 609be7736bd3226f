"""The bottom line of a screen: the keys that work here and what they do.

One widget that paints one line, where Textual's Footer mounts a widget per key and composes
them only once the screen has reported its bindings, a frame or two after the first. Here the
keys are on screen in the first frame (a third of the start-up budget went waiting for them),
and a focus change repaints a line instead of remounting a dozen widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from tui.ui.actions import ACTIONS_BY_ID, key_bar_order

KEY_STYLE = "bold $footer-key-foreground"
DESCRIPTION_STYLE = "$footer-description-foreground"
PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})


def key_line(
    bindings: Iterable[tuple[Binding, bool]],
    display: Callable[[Binding], str],
    *,
    palette: tuple[Binding, bool] | None = None,
    width: int = 0,
    rank: Callable[[Binding], int] = lambda binding: 1,
) -> Content:
    """'^n Next step ^r Previous step …' with the palette key flush right when there is room.

    Each action is shown once, under its first key, as Textual's Footer does; a binding that is
    there but cannot run now is dimmed. When the keys do not fit in `width`, the lowest `rank`
    go first, each from the end, and "…" marks where: F1 lists every key.
    """
    items: list[tuple[Content, int]] = []
    seen: set[str] = set()
    for binding, enabled in bindings:
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        items.append((_key(binding, enabled, display), rank(binding)))
    parts = _fit(items, width) if width > 0 else [item for item, _ in items]
    line = Content(" ").join(parts)
    if palette is not None:
        tail = _key(palette[0], palette[1], display)
        gap = width - line.cell_length - tail.cell_length
        if gap >= 1:
            line = Content.assemble(line, " " * gap, tail)
    return line


LEFT_OUT = Content.styled("…", DESCRIPTION_STYLE)


def _fit(items: list[tuple[Content, int]], width: int) -> list[Content]:
    kept = list(range(len(items)))
    # Lowest rank first, and within a rank the last first; the highest rank is never dropped.
    top = max((item_rank for _, item_rank in items), default=0)
    order = sorted(
        (index for index, (_, item_rank) in enumerate(items) if item_rank < top),
        key=lambda index: (items[index][1], -index),
    )
    left_out: list[int] = []
    while True:
        parts = [items[index][0] for index in kept]
        if left_out:
            at = sum(1 for index in kept if index < min(left_out))
            parts.insert(at, LEFT_OUT)
        if _length(parts) <= width or not order:
            return parts
        dropped = order.pop(0)
        kept.remove(dropped)
        left_out.append(dropped)


def _length(parts: list[Content]) -> int:
    return sum(part.cell_length for part in parts) + max(0, len(parts) - 1)


def _key(binding: Binding, enabled: bool, display: Callable[[Binding], str]) -> Content:
    key = Content.styled(display(binding), KEY_STYLE)
    item = Content.assemble(key, " ", (binding.description, DESCRIPTION_STYLE))
    return item if enabled else item.stylize("dim")


class KeyBar(Widget):
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def render(self) -> Content:
        app = self.app
        active = self.screen.active_bindings
        # By its action, not by ctrl+p: the keymap of config.toml may have moved it.
        palette_key = next(
            (key for key, (_, b, _, _) in active.items() if b.action in PALETTE_ACTIONS), None
        )
        palette = None
        if app.ENABLE_COMMAND_PALETTE and palette_key is not None:
            _, binding, enabled, _ = active[palette_key]
            palette = (binding, enabled)
        shown = [(b, enabled) for key, (_, b, enabled, _) in active.items() if key != palette_key]
        # A keymap moves a rebound key to the end of its screen's bindings; keep the declared order.
        shown.sort(key=lambda item: key_bar_order(item[0]))
        return key_line(
            shown,
            app.get_key_display,
            palette=palette,
            width=self.size.width,
            rank=_rank,
        )


def _rank(binding: Binding) -> int:
    action = ACTIONS_BY_ID.get(binding.id or "")
    return 1 if action is None else action.key_bar_rank
