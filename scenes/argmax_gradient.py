"""ArgMax cannot train: its output against one raw value is a flat step, so its slope is zero everywhere."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Axes, Create, Dot, FadeIn, Line, ManimColor, VGroup

from scenes import layout, style
from scenes.base import StepScene
from scenes.formula_text import formula_word, onto_baseline


class ArgmaxGradientScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        k = data["class_index"]
        color = self.class_color(k)
        x0, x1 = data["x_range"]
        # the y axis stands at the left edge: plot against u = x - x0
        axes = Axes(
            x_range=[0, x1 - x0, (x1 - x0) / 4], y_range=[0, 1.25, 0.5], x_length=7.0, y_length=3.4,
            axis_config={"color": ManimColor(self.theme.muted), "include_ticks": False},
            tips=False,
        ).move_to([-2.0, 0.45, 0])

        def at(x: float, y: float):
            return axes.c2p(x - x0, y)

        words = data["words"]
        # the axis labels no longer than their axes
        xlabel = self.fit(self.text(words["x_axis"], style.SMALL, color=color), axes.width).next_to(axes.x_axis, DOWN, buff=0.6)
        ylabel = self.fit(self.text(words["y_axis"], style.SMALL, color=color).rotate(1.5708), 1.0, axes.height)
        ylabel.next_to(axes.y_axis, LEFT, buff=0.55)
        y_ticks = VGroup(*(self.text(str(v), style.SMALL, color=self.theme.muted).next_to(at(x0, v), LEFT, buff=0.15) for v in (0, 1)))
        self.play(Create(axes), FadeIn(xlabel), FadeIn(ylabel), FadeIn(y_ticks), run_time=style.NORMAL)
        t = data["threshold"]
        low = Line(at(x0, 0), at(t, 0), color=color, stroke_width=6)
        high = Line(at(t, 1), at(x1, 1), color=color, stroke_width=6)
        jump = Line(at(t, 0), at(t, 1), color=ManimColor(self.theme.muted), stroke_width=2).set_opacity(0.6)
        t_label = self.text(data["threshold_text"], style.SMALL, color=self.theme.muted).next_to(at(t, 0), DOWN, buff=0.12)
        self.play(Create(low), run_time=style.NORMAL)
        self.cue(f"threshold.{self.class_name(k)}")
        self.play(Create(jump), FadeIn(t_label), run_time=style.QUICK)
        self.play(Create(high), run_time=style.NORMAL)
        # where the example sits
        z = data["raw"]
        dot = Dot(at(z, data["value"]), radius=0.1, color=ManimColor(self.theme.accent))
        # the label goes into the empty plot area: under the upper piece, or well above the lower one
        # (leaving room for a "slope 0" label right above the line)
        where, buff = (DOWN, 0.2) if data["value"] == 1 else (UP, 0.65)
        dot_label = self.fit(self.text(words["example"], style.SMALL, color=self.theme.accent), axes.width / 2)
        dot_label.next_to(dot, where, buff=buff)
        self.play(FadeIn(dot, scale=2), FadeIn(dot_label), run_time=style.QUICK)
        # slopes: flat on both sides
        slopes = VGroup()
        for seg in (low, high):
            # above the piece, at the first spot along it that stays clear of the example's label
            for a in (0.5, 0.3, 0.7, 0.15, 0.85):
                label = self.fit(self.text(words["slope"], style.SMALL, color=self.theme.accent), max(seg.width, axes.width / 4))
                label.next_to(seg.point_from_proportion(a), UP, buff=0.15)
                # within the plot's width: clear of the y axis's label and of the side column
                label.shift(max(0.0, axes.get_left()[0] + 0.1 - label.get_left()[0]) * RIGHT)
                label.shift(min(0.0, axes.get_right()[0] - label.get_right()[0]) * RIGHT)
                if not layout.overlap(label, dot_label, pad=0.1):
                    break
            slopes.add(label)
        self.play(FadeIn(slopes, shift=0.1 * UP), run_time=style.NORMAL)
        # the chain rule
        side = VGroup(
            self.text(words["others"], style.SMALL, color=self.theme.muted),
            *(self.text(f"{self.class_label(c)} {v}", style.SMALL, color=self.theme.classes[c].color) for c, v in data["others"]),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        chain = self.chain_rule(words["loss"], style.MATH - 4)
        right = VGroup(side, chain).arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        self.fit(right, 4.0, style.CONTENT_HEIGHT - 0.3)
        right.move_to([4.5, 0.2, 0])
        self.play(FadeIn(side), run_time=style.QUICK)
        self.play(FadeIn(chain, shift=0.1 * UP), run_time=style.SLOW)

    def chain_rule(self, loss: str, size: int) -> VGroup:
        """∂ loss / ∂z = ⋯ × 0 = 0, as a fraction; the word for the loss is Pango text beside the ∂."""
        partial = self.math(r"\partial", size=size)
        word = formula_word(self, loss, size).next_to(partial, RIGHT, buff=0.11)  # a thin space
        onto_baseline(word, partial)
        top = VGroup(partial, word)
        bottom = self.math(r"\partial z", size=size)
        bar = Line(LEFT, RIGHT, stroke_width=2.5, color=ManimColor(self.theme.text)).set_width(max(top.width, bottom.width) + 0.1)
        fraction = VGroup(top, bar, bottom).arrange(DOWN, buff=0.1)
        rest = self.math(r"= \cdots \times 0 = 0", size=size).next_to(fraction, RIGHT, buff=0.15)
        rest.shift((bar.get_y() - rest[0][0].get_y()) * UP)  # the = on the fraction bar's height, as TeX sets it
        return VGroup(fraction, rest)
