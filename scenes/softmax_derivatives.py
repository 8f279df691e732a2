"""The derivatives of one SoftMax output with respect to every raw output: none is zero."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, VGroup

from scenes import style
from scenes.base import READABLE, StepScene



class SoftmaxDerivativesScene(StepScene):
    def rows(self, inline: bool) -> VGroup:
        """One formula per raw output: ``∂p_k/∂z_j = symbolic = numbers ≈ result``; ``inline``: ∂p/∂z on one line."""
        d = self.step.data
        k = d["class_index"]
        pk = f"p_{{{self.tex_label(k)}}}"
        rows = VGroup()
        for r in d["rows"]:
            j = r["j"]
            zj = f"z_{{{self.tex_label(j)}}}"
            lhs = f"\\partial {pk} / \\partial {zj}" if inline else f"\\frac{{\\partial {pk}}}{{\\partial {zj}}}"
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
        return rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)

    def draw(self) -> None:
        d = self.step.data
        k = d["class_index"]
        width, height = style.CONTENT_WIDTH, style.CONTENT_HEIGHT - 1.0
        # fractions while they stay large; with many classes or long labels ∂p/∂z is written on one line
        best = None
        for inline in (False, True):
            rows = self.rows(inline)
            scale = min(1.0, width / rows.width, height / rows.height)
            if best is None or scale > best[0]:
                best = (scale, rows)
            if scale >= READABLE:
                break
        rows = best[1]
        self.fit(rows, width, height)
        rows.move_to([0, 0.5, 0])
        for m, r in zip(rows, d["rows"]):
            self.play(FadeIn(m[:3], shift=0.1 * UP), run_time=style.NORMAL)
            self.cue(f"jacobian.{self.class_name(k)}.{self.class_name(r['j'])}", ahead=style.NORMAL / 2)
            self.play(FadeIn(m[3:], shift=0.2 * LEFT), run_time=style.NORMAL)
        # the plan says "none is exactly 0" when a derivative rounds to 0 on screen
        verdict = self.text(d["words"]["verdict"], style.LABEL, color=self.theme.accent)
        self.fit(verdict, style.CONTENT_WIDTH)
        verdict.next_to(rows, DOWN, buff=0.5)
        self.play(FadeIn(verdict, shift=0.2 * DOWN), run_time=style.NORMAL)