"""What SoftMax keeps: the order, values between 0 and 1, a sum of 1; and the caveat about trained starts."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, FadeIn, FadeOut, GrowFromEdge, LaggedStart, ManimColor, Rectangle, VGroup

from scenes import style
from scenes.base import StepScene


class SoftmaxPropertiesScene(StepScene):
    def draw(self) -> None:
        d = self.step.data
        words = d["words"]
        n = self.n_classes
        gap = min(0.62, 3.0 / n)
        order = d["order"]
        left, right = VGroup(), VGroup()
        for rank, c in enumerate(order):
            color = self.theme.classes[c].color
            left.add(self.text(f"{self.class_label(c)}  {d['raw'][c]}", style.LABEL, color=color))
            right.add(self.text(d["softmax"][c], style.LABEL, color=color))
        # columns: "label  raw" centred at x, an arrow from a0 to a0 + 1.4, the SoftMax values centred at xr;
        # long labels push the arrows and the values to the right, long values stand further from the arrows
        x, a0 = -4.6, -3.0
        half = max(m.width for m in left) / 2
        if x + half > a0 - 0.2:
            x = a0 - 0.2 - half
        if x - half < style.LEFT:
            a0 += style.LEFT - (x - half)
            x = style.LEFT + half
        xr = max(a0 + 2.2, a0 + 1.4 + 0.25 + max(m.width for m in right) / 2)  # the values clear of the arrows
        # the column headings no wider than their columns: each stops short of the arrows' middle
        mid = a0 + 0.7
        heads = VGroup(
            self.fit(self.text(words["raw_output"], style.SMALL, color=self.theme.muted), 2 * min(x - style.LEFT, mid - 0.15 - x)),
            self.fit(self.text(words["softmax"], style.SMALL, color=self.theme.accent), 2 * (xr - mid - 0.15)),
        )
        heads[0].move_to([x, 2.25, 0])
        heads[1].move_to([xr, 2.25, 0])
        arrows = VGroup()
        for rank in range(n):
            y = 1.65 - rank * gap
            left[rank].move_to([x, y, 0])
            right[rank].move_to([xr, y, 0])
            arrows.add(Arrow([a0, y, 0], [a0 + 1.4, y, 0], buff=0, stroke_width=3, color=ManimColor(self.theme.muted), max_tip_length_to_length_ratio=0.15))
        keeps = VGroup(
            self.fit(self.text(words["same_order"], style.LABEL), 3.0),
            self.math(r"0 < p < 1", size=style.MATH - 6),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.35).move_to([3.6, 1.2, 0])
        table = VGroup(heads, left, right, arrows)
        room = keeps.get_left()[0] - 0.6 - table.get_right()[0]
        if room < 0:  # the table is wide: the two properties go to its right, as far as the frame allows
            keeps.shift(min(-room, style.RIGHT - keeps.get_right()[0]) * RIGHT)
            room = keeps.get_left()[0] - 0.6 - table.get_right()[0]
        if room < 0:  # and the table shrinks if that is not enough
            table.scale((table.width + room) / table.width, about_edge=LEFT + UP)
        self.play(FadeIn(heads), LaggedStart(*(FadeIn(l) for l in left), lag_ratio=0.2), run_time=style.NORMAL)
        self.play(LaggedStart(*(FadeIn(a, shift=0.2 * RIGHT) for a in arrows), lag_ratio=0.2), LaggedStart(*(FadeIn(r) for r in right), lag_ratio=0.2), run_time=style.SLOW)
        self.play(FadeIn(keeps[0], shift=0.2 * LEFT), run_time=style.QUICK)
        self.play(FadeIn(keeps[1], shift=0.1 * UP), run_time=style.NORMAL)
        terms = " + ".join(d["sum_terms"])
        if d["sum_text"] is not None:
            total = self.math(f"{terms} = {d['sum_text']}", size=style.MATH - 6)
        else:
            total = self.math(f"{terms} \\approx 1", size=style.MATH - 6)
        note = self.text(words["sum_note"], style.SMALL, color=self.theme.muted)
        bottom = VGroup(total, note).arrange(DOWN, buff=0.2)
        self.fit(bottom, style.CONTENT_WIDTH)
        bottom.move_to([0, -1.75, 0])
        self.cue("softmax_sum", ahead=style.SLOW / 2)
        self.play(FadeIn(total, shift=0.1 * UP), FadeIn(note), run_time=style.SLOW)
        if not d["trained"]:
            return
        self.wait(style.BEAT)
        # the picture stays while the voice finishes it; it clears just before the first trained network is named
        self.cue(*self.run_cues(1), ahead=2 * style.QUICK)
        self.play(FadeOut(VGroup(heads, left, right, arrows, keeps, bottom)), run_time=style.QUICK)
        self.caveat(d["trained"], words)

    def run_cues(self, t: int) -> list[str]:
        """The placeholders of trained network ``t`` (from 1): when the voice says one, its panel appears."""
        names = [f"trained.{t}.{what}" for what in ("accuracy", "seed", "prediction")]
        return names + [f"trained.{t}.softmax.{self.class_name(c)}" for c in range(self.n_classes)]

    def caveat(self, runs: list[dict], words: dict) -> None:
        n = self.n_classes
        panels = VGroup()
        width = min(5.6, (style.CONTENT_WIDTH - 0.6 * (len(runs) - 1)) / len(runs))
        for t, run in enumerate(runs):
            title = self.text(words["starts"][t], style.LABEL)
            bars = VGroup()
            bar_h = min(0.5, 2.6 / n)
            for c in range(n):
                label = self.text(self.class_label(c), style.SMALL, color=self.theme.classes[c].color)
                frame = Rectangle(width=width * 0.5, height=bar_h * 0.7, stroke_width=1, stroke_color=ManimColor(self.theme.muted))
                fill = Rectangle(width=max(width * 0.5 * run["softmax_values"][c], 1e-3), height=bar_h * 0.7, stroke_width=0, fill_color=self.class_color(c), fill_opacity=0.9)
                value = self.text(run["softmax"][c], style.SMALL, color=self.theme.classes[c].color)
                row = VGroup(label, frame, value).arrange(RIGHT, buff=0.2)
                fill.align_to(frame, LEFT).match_y(frame)
                bars.add(VGroup(row, fill))
            # line up the bar frames
            left_edge = max(b[0][0].width for b in bars)
            for b in bars:
                b.shift((left_edge - b[0][0].width) * RIGHT)
            bars.arrange(DOWN, buff=bar_h * 0.45, aligned_edge=LEFT)
            panels.add(VGroup(title, bars).arrange(DOWN, buff=0.35, aligned_edge=LEFT))
        panels.arrange(RIGHT, buff=0.8, aligned_edge=UP)
        self.fit(panels, style.CONTENT_WIDTH, style.CONTENT_HEIGHT - 0.9)
        panels.move_to([0, 0.55, 0])
        same = self.text(words["same_example"], style.LABEL, color=self.theme.accent)
        same.next_to(panels, DOWN, buff=0.45)
        self.fit(same, style.CONTENT_WIDTH)
        for t, p in enumerate(panels, start=1):
            self.cue(*self.run_cues(t), ahead=style.QUICK)
            self.play(FadeIn(p[0]), FadeIn(VGroup(*(b[0] for b in p[1]))), run_time=style.QUICK)
            self.play(LaggedStart(*(GrowFromEdge(b[1], LEFT) for b in p[1]), lag_ratio=0.15), run_time=style.NORMAL)
        self.play(FadeIn(same, shift=0.2 * UP), run_time=style.NORMAL)
