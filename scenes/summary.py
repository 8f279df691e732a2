"""Summary: the script's points, one after another."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Dot, FadeIn, ManimColor, VGroup

from scenes import style
from scenes.base import StepScene


class SummaryScene(StepScene):
    def draw(self) -> None:
        points = self.step.data["points"]
        rows = VGroup()
        for i, p in enumerate(points):
            color = self.theme.accent if i == 0 else self.theme.text
            rows.add(VGroup(Dot(radius=0.09, color=ManimColor(self.theme.accent)), self.text(p, style.BODY + 6, color=color)).arrange(RIGHT, buff=0.35))
        rows.arrange(DOWN, buff=0.7, aligned_edge=LEFT)
        self.fit(rows, style.CONTENT_WIDTH, style.CONTENT_HEIGHT - 0.4)
        rows.move_to([0, 0.4, 0])
        for r in rows:
            self.play(FadeIn(r, shift=0.3 * RIGHT), run_time=style.NORMAL)
            self.wait(style.BEAT)
