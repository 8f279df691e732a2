"""Burned-in captions: every cue of the step made up front and shown by opacity: a mixin of
:class:`scenes.base.StepScene`."""

from __future__ import annotations

from manim import (
    DOWN,
    BackgroundRectangle,
    ManimColor,
    VGroup,
)

from scenes import style


class Captions:
    """The step's burned-in captions (``timing.captions``)."""

    def caption_card(self, text: str) -> VGroup:
        lines = VGroup(*(self.text(line, style.CAPTION) for line in text.split("\n"))).arrange(DOWN, buff=0.12)
        box = BackgroundRectangle(lines, color=ManimColor("#000000"), fill_opacity=style.CAPTION_BOX_OPACITY, buff=0.12)
        card = VGroup(box, lines)
        self.fit(card, style.CONTENT_WIDTH, style.CAPTION_BAND_TOP + style.FRAME_HEIGHT / 2 - 0.2)
        return card.move_to([0, (style.CAPTION_BAND_TOP - style.FRAME_HEIGHT / 2) / 2, 0])

    def caption_index(self, t: float) -> int | None:
        for i, (start, end, _) in enumerate(self.timing.captions):
            if start <= t + 1e-9 < end:
                return i
        return None

    def show_caption(self, t: float) -> None:
        """Show the caption due at ``t`` (seconds from the step's start) and hide the others."""
        index = self.caption_index(t)
        if index == self._caption_shown:
            return
        self._caption_shown = index
        for i, (box, lines) in enumerate(self.caption_slot):
            box.set_fill(opacity=style.CAPTION_BOX_OPACITY if i == index else 0.0)
            lines.set_opacity(1.0 if i == index else 0.0)

    def caption_changes(self, start: float, end: float) -> list[float]:
        """Times in (start, end) at which the burned-in caption changes."""
        edges = {t for s, e, _ in self.timing.captions for t in (s, e)}
        return sorted(t for t in edges if start < t < end)
