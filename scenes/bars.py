"""One horizontal bar per class from a zero line; each grows as the voice speaks its value."""

from __future__ import annotations

from manim import LEFT, RIGHT, DashedLine, AnimationGroup, FadeIn, GrowFromEdge, Line, ManimColor, Mobject, Rectangle, VGroup

from scenes import layout, style
from scenes.base import StepScene
from scenes.highlight import Marker, bounds
from scenes.align import sit

PLOT_WIDTH = 8.0  # the axis at most this long
TICK_BAND = 0.65  # under the bars: the axis's numbers
GAP = 0.18  # between a bar's end and its value, between the labels and the plot
MAX_PITCH = 1.3  # from one bar's middle to the next, at most (a few bars in a tall area)


class BarsScene(StepScene):
    def draw(self) -> None:
        self.lead()
        self.follow()

    def lead(self) -> None:
        """What waits for no cue: the labels, the axis and its numbers, and the bars whose value the voice never says
        (drawn at once, also when the bars are one part of a screen whose other parts wait for the voice)."""
        d = self.step.data
        bars = d["bars"]
        low, high = d["scale"]
        n = len(bars)
        area = self.area
        labels = [self.text(b["label"], style.LABEL, color=b["color"]) for b in bars]
        values = [self.text(b["text"], style.LABEL, color=b["color"]) for b in bars] if d["label_values"] else []
        label_w = max(m.width for m in labels)
        value_w = max((m.width for m in values), default=0.0)
        left_band = value_w + GAP if values and low < 0 else 0.0  # room for the values of negative bars
        right_band = value_w + GAP if values and high > 0 else 0.0
        rest = label_w + 2 * GAP + left_band + right_band
        plot_w = max(min(PLOT_WIDTH, area.width - rest - 0.2), 1.5)
        x_start = area.center[0] - (rest + plot_w) / 2
        label_right = x_start + label_w
        x0 = label_right + 2 * GAP + left_band

        def x(v: float) -> float:
            return x0 + (v - low) / (high - low) * plot_w

        pitch = min(MAX_PITCH, (area.height - TICK_BAND) / n)
        top = area.center[1] + (n * pitch + TICK_BAND) / 2
        bar_h = 0.58 * pitch
        digit = self.text("0", style.LABEL).height
        zero = x(0.0)
        muted = ManimColor(self.theme.muted)
        axis = Line([zero, top + 0.1, 0], [zero, top - n * pitch - 0.05, 0], color=muted).set_stroke(width=2.5)
        grown: list[tuple[Rectangle, Mobject | None]] = []
        for i, b in enumerate(bars):
            y = top - (i + 0.5) * pitch
            sit(labels[i].move_to([label_right, y, 0], aligned_edge=RIGHT), y, digit)
            end = x(b["value"])
            bar = Rectangle(width=max(abs(end - zero), 1e-3), height=bar_h, stroke_width=0,
                            fill_color=ManimColor(b["color"]), fill_opacity=0.85)
            bar.move_to([zero, y, 0], aligned_edge=LEFT if b["value"] >= 0 else RIGHT)
            value = None
            if values:
                value = values[i]
                if b["value"] >= 0:
                    value.move_to([max(end, zero) + GAP, y, 0], aligned_edge=LEFT)
                else:
                    value.move_to([end - GAP, y, 0], aligned_edge=RIGHT)
                sit(value, y, digit)
            grown.append((bar, value))
        ticks = VGroup()
        for tick in d["ticks"]:  # 0 first, then the ends; one too close to another is left out
            t = self.text(tick["text"], style.SMALL, color=self.theme.muted)
            t.move_to([x(tick["at"]), top - n * pitch - TICK_BAND / 2, 0])
            mark = Line([x(tick["at"]), top - n * pitch - 0.05, 0], [x(tick["at"]), top - n * pitch - 0.15, 0], color=muted)
            if tick["at"] != 0:  # a faint line across the bars, to read them against
                mark = VGroup(mark, DashedLine([x(tick["at"]), top + 0.1, 0], [x(tick["at"]), top - n * pitch - 0.05, 0],
                                               color=muted, stroke_width=1.5, stroke_opacity=0.4))
            if not any(layout.overlap(t, other[0], 0.15) for other in ticks):
                ticks.add(VGroup(t, mark))
        base = Line([x(low), top - n * pitch - 0.05, 0], [x(high), top - n * pitch - 0.05, 0], color=muted).set_stroke(width=1.5)
        self.play(FadeIn(VGroup(*labels)), FadeIn(axis), FadeIn(base), FadeIn(ticks), run_time=style.QUICK)
        silent = [i for i in range(n) if self.spoken_at(bars[i]["cues"]) is None]
        if silent:
            self.play(*(self.grow(*grown[i], bars[i]["value"]) for i in silent), run_time=style.NORMAL)
        self.drawn_bars = (labels, grown)

    def follow(self) -> None:
        """Each bar the voice says grows at its word; a bar named again is boxed at that word."""
        d = self.step.data
        bars = d["bars"]
        n = len(bars)
        labels, grown = self.drawn_bars
        first = self.first_words()
        # each bar grows at its first word; a bar the voice names again later is boxed at that word (the plan's
        # pointing: cue, bar), in the order the narration speaks them
        events: list[tuple[int, str, int]] = [(t, "", i) for i in range(n) if (t := self.spoken_at(bars[i]["cues"])) is not None]
        events += [(first[name], name, i) for name, i in d.get("pointing", []) if name in first]
        marker = Marker(self)
        for _, name, i in sorted(events):
            if not name:
                self.cue(*bars[i]["cues"], ahead=style.NORMAL)
                self.play(self.grow(*grown[i], bars[i]["value"]), run_time=style.NORMAL)
            else:
                bar, value = grown[i]
                marker.light((name,), bounds(labels[i], bar, *([value] if value is not None else []), pad=0.08), key=i)

    @staticmethod
    def grow(bar: Rectangle, value: Mobject | None, v: float) -> AnimationGroup:
        """The bar grows out of the zero line; its value comes in at its end."""
        parts = [GrowFromEdge(bar, LEFT if v >= 0 else RIGHT)]
        if value is not None:
            parts.append(FadeIn(value, shift=0.15 * (RIGHT if v >= 0 else LEFT)))
        return AnimationGroup(*parts)

