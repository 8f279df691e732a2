"""SoftMax worked out for each class: e to the raw output over the sum, the numbers substituted, the result."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, VGroup

from scenes import style
from scenes.base import StepScene


class SoftmaxScene(StepScene):
    def row(self, c: int, exps: bool) -> list[str]:
        d = self.step.data
        raws = d["raw"]
        # with many classes, rows after the first write the sum as a sum, so that the digits stay large
        if c == 0 or len(raws) <= 3:
            denom = " + ".join(f"e^{{{r}}}" for r in raws)
        else:
            denom = r"\sum_j e^{z_j}"
        parts = [f"p_{{{self.tex_label(c)}}}", "=", f"\\frac{{e^{{{raws[c]}}}}}{{{denom}}}"]
        if exps:
            ex = [self.tex_number(e) for e in d["exp"]]
            parts += ["\\approx", f"\\frac{{{ex[c]}}}{{{self.tex_number(d['exp_sum'])}}}", "\\approx", d["softmax"][c]]
        return parts

    def draw(self) -> None:
        n = self.n_classes
        size = style.MATH if n <= 3 else style.MATH - 8
        rows = VGroup()
        for c in range(n):
            m = self.math(*self.row(c, True), size=size)
            m[0].set_color(self.class_color(c))
            m[-1].set_color(self.class_color(c))
            rows.add(m)
        if n <= 3:
            rows.arrange(DOWN, buff=0.45, aligned_edge=LEFT)
            self.fit(rows, style.CONTENT_WIDTH, style.CONTENT_HEIGHT - 0.2)
        else:
            # the first row in full, the short rows after it in two columns, so that the digits stay large
            self.fit(rows[0], style.CONTENT_WIDTH)
            rest = VGroup(*rows[1:]).arrange_in_grid(cols=2, col_alignments="ll", buff=(0.9, 0.4))
            self.fit(rest, style.CONTENT_WIDTH)
            VGroup(rows[0], rest).arrange(DOWN, buff=0.5, aligned_edge=LEFT)
            self.fit(rows, style.CONTENT_WIDTH, style.CONTENT_HEIGHT - 0.2)
        rows.move_to([0, (style.CONTENT_TOP + style.CONTENT_BOTTOM) / 2, 0])
        # the first class step by step: the definition, then the numbers
        first = rows[0]
        definition = VGroup(*first[:3]).copy()
        self.play(FadeIn(definition, shift=0.1 * UP), run_time=style.SLOW)
        self.wait(style.BEAT)
        name = self.class_name(0)
        self.cue(f"raw.{name}", f"exp.{name}", f"softmax.{name}", ahead=style.NORMAL)
        self.play(FadeIn(VGroup(*first[3:5]), shift=0.2 * LEFT), run_time=style.NORMAL)
        self.cue(f"softmax.{name}")
        self.play(FadeIn(VGroup(*first[5:]), shift=0.2 * LEFT), run_time=style.NORMAL)
        self.remove(definition)
        self.add(first)
        # the other classes follow the same pattern
        for c in range(1, n):
            self.cue(f"softmax.{self.class_name(c)}", ahead=style.NORMAL / 2)
            self.play(FadeIn(rows[c], shift=0.2 * DOWN), run_time=style.NORMAL)
