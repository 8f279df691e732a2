"""ArgMax: the largest raw output becomes 1, every other one 0; the class with the 1 is the prediction."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, LaggedStart, ManimColor, SurroundingRectangle, Create, ReplacementTransform, VGroup

from scenes import style
from scenes.base import StepScene


class ArgmaxScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        n = self.n_classes
        rows = VGroup()
        for c in range(n):
            color = self.theme.classes[c].color
            rows.add(VGroup(self.text(self.class_label(c), style.BODY, color=color), self.text(data["raw"][c], style.BODY, color=color)))
        head = VGroup(self.text("class", style.SMALL, color=self.theme.muted), self.text("raw output", style.SMALL, color=self.theme.muted))
        table = VGroup(head, *rows)
        gap = min(0.8, 4.2 / (n + 1))
        for i, row in enumerate(table):
            row[0].move_to([-4.2, 2.0 - i * gap, 0], aligned_edge=LEFT)
            row[1].move_to([1.2, 2.0 - i * gap, 0], aligned_edge=RIGHT)
        self.play(FadeIn(table, shift=0.2 * DOWN), run_time=style.NORMAL)
        out_head = self.text("ArgMax", style.SMALL, color=self.theme.accent).move_to([3.4, 2.0, 0])
        self.play(FadeIn(out_head, shift=0.1 * UP), run_time=style.QUICK)
        outs = VGroup()
        for c in range(n):
            v = data["argmax"][c]
            color = self.theme.accent if v else self.theme.muted
            outs.add(self.text(str(v), style.BODY, color=color).move_to([3.4, rows[c][1].get_y(), 0]))
        self.play(LaggedStart(*(ReplacementTransform(rows[c][1].copy(), outs[c]) for c in range(n)), lag_ratio=0.2), run_time=style.SLOW)
        winner = data["prediction"]
        box = SurroundingRectangle(VGroup(rows[winner], outs[winner]), color=ManimColor(self.theme.accent), buff=0.15)
        self.cue("prediction", ahead=style.NORMAL)
        self.play(Create(box), run_time=style.NORMAL)
        verdict = self.text(f"prediction: {self.class_label(winner)}", style.BODY, color=self.theme.classes[winner].color)
        verdict.move_to([0, table.get_bottom()[1] - 0.75, 0])
        self.play(FadeIn(verdict, shift=0.2 * DOWN), run_time=style.NORMAL)
