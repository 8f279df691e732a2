"""Next: cross-entropy, minus the log of the observed class's probability, for the example flower."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, Axes, Create, Dot, FadeIn, ManimColor, VGroup, VMobject

from scenes import style
from scenes.base import StepScene


class CrossEntropyScene(StepScene):
    def draw(self) -> None:
        d = self.step.data
        c = d["observed"]
        color = self.class_color(c)
        p_tex = f"p_{{{self.tex_label(c)}}}"
        rel = {"=": "=", "\u2248": r"\approx"}[d["relation"]]
        eq = self.math(r"\text{cross-entropy}", "=", f"-\\log {p_tex}", "=", f"-\\log({d['p_text']})", rel, d["cross_entropy_text"], size=style.MATH - 4)
        eq[-1].set_color(color)
        self.fit(eq, style.CONTENT_WIDTH)
        eq.move_to([0, 2.0, 0])
        self.play(FadeIn(eq[:3], shift=0.1 * UP), run_time=style.SLOW)
        self.cue("p_observed", "cross_entropy", ahead=style.NORMAL / 2)
        self.play(FadeIn(eq[3:], shift=0.2 * LEFT), run_time=style.NORMAL)
        axes = Axes(
            x_range=[0, 1, 0.25], y_range=[0, 4, 1], x_length=6.0, y_length=2.8,
            axis_config={"color": ManimColor(self.theme.muted), "include_ticks": False}, tips=False,
        ).move_to([0, -0.55, 0])
        curve = VMobject(color=ManimColor(self.theme.accent)).set_points_smoothly([axes.c2p(x, y) for x, y in d["curve"]])
        xl = self.text("probability of the observed class", style.SMALL, color=self.theme.muted).next_to(axes.x_axis, DOWN, buff=0.2)
        ticks = VGroup(
            self.text("0", style.SMALL, color=self.theme.muted).next_to(axes.c2p(0, 0), LEFT, buff=0.15),
            self.text("1", style.SMALL, color=self.theme.muted).next_to(axes.c2p(1, 0), DOWN, buff=0.15),
        )
        self.play(Create(axes), FadeIn(xl), FadeIn(ticks), run_time=style.NORMAL)
        self.play(Create(curve), run_time=style.SLOW)
        dot = Dot(axes.c2p(d["p"], d["cross_entropy"]), radius=0.1, color=color)
        self.play(FadeIn(dot, scale=2), run_time=style.QUICK)
