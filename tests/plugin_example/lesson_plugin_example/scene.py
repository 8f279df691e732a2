"""The scene of ``big_number``: the value in the accent colour, the caption under it."""

from __future__ import annotations

from manim import DOWN, FadeIn, Write

from scenes import style
from scenes.base import StepScene


class BigNumberScene(StepScene):
    def draw(self) -> None:
        value = self.text(self.step.data["value"], style.TITLE * 2, color=self.theme.accent)
        caption = self.text(self.step.data["caption"], style.BODY, color=self.theme.muted)
        caption.next_to(value, DOWN, buff=0.5)
        self.fit(value, self.area.width, self.area.height / 2)
        value.move_to(self.area.center)
        caption.next_to(value, DOWN, buff=0.5)
        self.play(Write(value), run_time=style.NORMAL)
        self.play(FadeIn(caption, shift=0.2 * DOWN), run_time=style.QUICK)
