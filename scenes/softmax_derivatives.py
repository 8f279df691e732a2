"""The derivatives of one SoftMax output with respect to every raw output: none is zero."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, VGroup

from scenes import style
from scenes.base import StepScene


class SoftmaxDerivativesScene(StepScene):
    def draw(self) -> None:
        d = self.step.data
        k = d["class_index"]
        pk = f"p_{{{self.tex_label(k)}}}"
        rows = VGroup()
        for r in d["rows"]:
            j = r["j"]
            lhs = f"\\frac{{\\partial {pk}}}{{\\partial z_{{{self.tex_label(j)}}}}}"
            if j == k:
                symbolic = f"{pk}(1 - {pk})"
                numbers = f"{r['operands'][0]}\\,(1 - {r['operands'][0]})"
            else:
                pj = f"p_{{{self.tex_label(j)}}}"
                symbolic = f"-{pk}\\,{pj}"
                numbers = f"-{r['operands'][0]} \\cdot {r['operands'][1]}"
            m = self.math(lhs, "=", symbolic, "=", numbers, "\\approx", r["result"], size=style.MATH - 6)
            m[-1].set_color(self.class_color(j))
            rows.add(m)
        rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        self.fit(rows, style.CONTENT_WIDTH, style.CONTENT_HEIGHT - 1.0)
        rows.move_to([0, 0.5, 0])
        for m, r in zip(rows, d["rows"]):
            self.play(FadeIn(m[:3], shift=0.1 * UP), run_time=style.NORMAL)
            self.cue(f"jacobian.{self.class_name(k)}.{self.class_name(r['j'])}", ahead=style.NORMAL / 2)
            self.play(FadeIn(m[3:], shift=0.2 * LEFT), run_time=style.NORMAL)
        verdict = self.text("none is 0: gradient descent can use them", style.LABEL, color=self.theme.accent)
        self.fit(verdict, style.CONTENT_WIDTH)
        verdict.next_to(rows, DOWN, buff=0.5)
        self.play(FadeIn(verdict, shift=0.2 * DOWN), run_time=style.NORMAL)
