"""Raw outputs on a number line beside 0 and 1: some lie above 1, some below 0."""

from __future__ import annotations

from manim import DOWN, UP, Create, Dot, FadeIn, Indicate, LaggedStart, Line, ManimColor, NumberLine, Rectangle, VGroup

from scenes import style
from scenes.base import StepScene


class RawOutputsScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        lo, hi = data["axis"]
        line = NumberLine(
            x_range=[lo, hi, 0.5], length=style.CONTENT_WIDTH - 1.0, include_numbers=False,
            color=ManimColor(self.theme.muted), stroke_width=3,
        ).move_to([0, -0.6, 0])
        band = Rectangle(
            width=line.n2p(1)[0] - line.n2p(0)[0], height=0.5, stroke_width=0,
            fill_color=ManimColor(self.theme.accent), fill_opacity=0.18,
        ).move_to((line.n2p(0) + line.n2p(1)) / 2)
        ticks = VGroup()
        for v in (0, 1):
            t = self.text(str(v), style.LABEL, color=self.theme.accent).next_to(line.n2p(v), DOWN, buff=0.3)
            ticks.add(t, Line(line.n2p(v) + 0.2 * DOWN, line.n2p(v) + 0.2 * UP, color=ManimColor(self.theme.accent), stroke_width=4))
        self.play(Create(line), FadeIn(band), run_time=style.NORMAL)
        self.play(FadeIn(ticks), run_time=style.QUICK)
        # stagger the labels upwards so that close values never collide
        order = sorted(range(len(data["positions"])), key=lambda c: data["positions"][c])
        dots, labels = VGroup(), VGroup()
        for level, c in enumerate(order):
            x = line.n2p(data["positions"][c])
            dot = Dot(x, radius=0.11, color=self.class_color(c))
            label = VGroup(
                self.text(self.class_label(c), style.SMALL, color=self.theme.classes[c].color),
                self.text(data["raw"][c], style.LABEL, color=self.theme.classes[c].color),
            ).arrange(DOWN, buff=0.08)
            label.move_to(x + (0.75 + 0.95 * (level % 3)) * UP)
            stem = Line(x, label.get_bottom(), stroke_width=1.5, color=self.class_color(c))
            dots.add(dot)
            labels.add(VGroup(stem, label))
        self.cue(*(f"raw.{self.class_name(c)}" for c in range(self.n_classes)), ahead=style.NORMAL)
        self.play(LaggedStart(*(FadeIn(d, scale=2) for d in dots), lag_ratio=0.3), run_time=style.NORMAL)
        self.play(LaggedStart(*(FadeIn(l, shift=0.2 * UP) for l in labels), lag_ratio=0.3), run_time=style.SLOW)
        outside = [i for i, c in enumerate(order) if data["outside"][c]]
        if outside:
            self.play(*(Indicate(labels[i][1], color=ManimColor(self.theme.accent)) for i in outside), run_time=style.SLOW)
