"""Next: cross-entropy, minus the log of the observed class's probability, for the example."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, Axes, Create, Dot, FadeIn, ManimColor, VGroup, VMobject

from scenes import style
from scenes.base import StepScene
from scenes.formula_text import formula_word, onto_baseline


class CrossEntropyScene(StepScene):
    def draw(self) -> None:
        d = self.step.data
        c = d["observed"]
        color = self.class_color(c)
        p_tex = f"p_{{{self.tex_label(c)}}}"
        rel = {"=": "=", "\u2248": r"\approx"}[d["relation"]]
        size = style.MATH - 4
        eq = self.math("=", f"-\\log {p_tex}", "=", f"-\\log({d['p_text']})", rel, d["cross_entropy_text"], size=size)
        eq[-1].set_color(color)
        # the quantity's name is a word of the lesson's language: Pango text before the formula, on its baseline
        name = formula_word(self, d["words"]["name"], size).next_to(eq, LEFT, buff=0.13)
        onto_baseline(name, eq[1][1])  # the l of \log
        whole = self.fit(VGroup(name, eq), style.CONTENT_WIDTH)
        whole.move_to([0, 2.0, 0])
        first, rest = VGroup(name, eq[:2]), eq[2:]
        self.play(FadeIn(first, shift=0.1 * UP), run_time=style.SLOW)
        self.cue("p_observed", "cross_entropy", ahead=style.NORMAL / 2)
        self.play(FadeIn(rest, shift=0.2 * LEFT), run_time=style.NORMAL)
        self.remove(first, rest)
        self.add(whole)  # the formula whole again, as one
        axes = Axes(
            x_range=[0, 1, 0.25], y_range=[0, 4, 1], x_length=6.0, y_length=2.8,
            axis_config={"color": ManimColor(self.theme.muted), "include_ticks": False}, tips=False,
        ).move_to([0, -0.55, 0])
        curve = VMobject(color=ManimColor(self.theme.accent)).set_points_smoothly([axes.c2p(x, y) for x, y in d["curve"]])
        xl = self.text(d["words"]["x_axis"], style.SMALL, color=self.theme.muted)
        self.fit(xl, axes.width - 0.8).next_to(axes.x_axis, DOWN, buff=0.2)  # clear of the tick "1" at the axis's end
        ticks = VGroup(
            self.text("0", style.SMALL, color=self.theme.muted).next_to(axes.c2p(0, 0), LEFT, buff=0.15),
            self.text("1", style.SMALL, color=self.theme.muted).next_to(axes.c2p(1, 0), DOWN, buff=0.15),
        )
        self.play(Create(axes), FadeIn(xl), FadeIn(ticks), run_time=style.NORMAL)
        self.play(Create(curve), run_time=style.SLOW)
        dot = Dot(axes.c2p(d["p"], d["cross_entropy"]), radius=0.1, color=color)
        self.play(FadeIn(dot, scale=2), run_time=style.QUICK)
