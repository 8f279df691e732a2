"""Raw outputs on a number line beside 0 and 1: some lie above 1, some below 0."""

from __future__ import annotations

import numpy as np
from manim import DOWN, UP, Create, Dot, FadeIn, Indicate, LaggedStart, Line, ManimColor, Mobject, NumberLine, Rectangle, VGroup

from scenes import style
from scenes.base import StepScene

LINE_Y = -0.6
PAD = 0.12  # between two labels, at least
ROW_GAP = 0.4  # between two labels side by side in a row


def _box(m: Mobject) -> tuple[float, float, float, float]:
    return m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1]


def _overlap(a: Mobject, b: Mobject, pad: float = PAD) -> bool:
    al, ar, ab, at = _box(a)
    bl, br, bb, bt = _box(b)
    return min(ar, br) - max(al, bl) > -pad and min(at, bt) - max(ab, bb) > -pad


def _crosses(start: np.ndarray, end: np.ndarray, m: Mobject, pad: float = 0.06) -> bool:
    """Whether the segment from ``start`` to ``end`` passes through ``m``'s box (grown by ``pad``)."""
    left, right, bottom, top = _box(m)
    for t in np.linspace(0.0, 1.0, 41):
        x, y = start[:2] + t * (end[:2] - start[:2])
        if left - pad < x < right + pad and bottom - pad < y < top + pad:
            return True
    return False


def spread(centres: list[float], widths: list[float], lo: float, hi: float) -> list[float]:
    """Centres as close to ``centres`` (in increasing order) as boxes of ``widths`` allow without overlapping,
    inside [lo, hi] (the boxes must fit: their widths and gaps add up to no more than hi - lo)."""
    xs = list(centres)
    for i in range(len(xs)):
        xs[i] = max(xs[i], lo + widths[i] / 2, xs[i - 1] + (widths[i - 1] + widths[i]) / 2 + ROW_GAP if i else -np.inf)
    for i in reversed(range(len(xs))):
        xs[i] = min(xs[i], hi - widths[i] / 2, xs[i + 1] - (widths[i + 1] + widths[i]) / 2 - ROW_GAP if i + 1 < len(xs) else np.inf)
    return xs


class RawOutputsScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        lo, hi = data["axis"]
        line = NumberLine(
            x_range=[lo, hi, 0.5], length=style.CONTENT_WIDTH - 1.0, include_numbers=False,
            color=ManimColor(self.theme.muted), stroke_width=3,
        ).move_to([0, LINE_Y, 0])
        band = Rectangle(
            width=line.n2p(1)[0] - line.n2p(0)[0], height=0.5, stroke_width=0,
            fill_color=ManimColor(self.theme.accent), fill_opacity=0.18,
        ).move_to((line.n2p(0) + line.n2p(1)) / 2)
        ticks, tick_texts = VGroup(), []
        for v in (0, 1):
            t = self.text(str(v), style.LABEL, color=self.theme.accent).next_to(line.n2p(v), DOWN, buff=0.3)
            tick_texts.append(t)
            ticks.add(t, Line(line.n2p(v) + 0.2 * DOWN, line.n2p(v) + 0.2 * UP, color=ManimColor(self.theme.accent), stroke_width=4))
        self.play(Create(line), FadeIn(band), run_time=style.NORMAL)
        self.play(FadeIn(ticks), run_time=style.QUICK)
        order = sorted(range(len(data["positions"])), key=lambda c: data["positions"][c])
        at = {c: line.n2p(data["positions"][c]) for c in order}
        labels = {
            c: VGroup(
                self.text(self.class_label(c), style.SMALL, color=self.theme.classes[c].color),
                self.text(data["raw"][c], style.LABEL, color=self.theme.classes[c].color),
            ).arrange(DOWN, buff=0.08)
            for c in order
        }
        ends = self.place_labels(order, at, labels, tick_texts)
        dots, placed = VGroup(), VGroup()
        for c in order:
            dots.add(Dot(at[c], radius=0.11, color=self.class_color(c)))
            placed.add(VGroup(Line(at[c], ends[c], stroke_width=1.5, color=self.class_color(c)), labels[c]))
        self.cue(*(f"raw.{self.class_name(c)}" for c in range(self.n_classes)), ahead=style.NORMAL)
        self.play(LaggedStart(*(FadeIn(d, scale=2) for d in dots), lag_ratio=0.3), run_time=style.NORMAL)
        self.play(LaggedStart(*(FadeIn(l, shift=0.2 * UP) for l in placed), lag_ratio=0.3), run_time=style.SLOW)
        outside = [i for i, c in enumerate(order) if data["outside"][c]]
        if outside:
            self.play(*(Indicate(placed[i][1], color=ManimColor(self.theme.accent)) for i in outside), run_time=style.SLOW)

    def place_labels(self, order: list[int], at: dict, labels: dict, avoid: list[Mobject]) -> dict:
        """Move each class's label near its dot; return where each stem from the dot meets its label.

        First choice: straight above the dot, staggered upwards so that close values never collide. If labels or
        stems would then overlap, the labels go in two rows, one above the line and one below it (every other one
        in the order of the values, so stems never cross), spread sideways just enough not to touch.
        """
        for c, level in zip(order, range(len(order))):
            labels[c].move_to(at[c] + (0.75 + 0.95 * (level % 3)) * UP)
        ends = {c: labels[c].get_bottom() for c in order}
        if self._clean(order, at, labels, ends, avoid):
            return ends
        best = None
        for first_above in (True, False):
            rows = {True: [c for k, c in enumerate(order) if (k % 2 == 0) == first_above]}
            rows[False] = [c for c in order if c not in rows[True]]
            for above, row in rows.items():
                if not row:
                    continue
                widths = [labels[c].width for c in row]
                room = style.CONTENT_WIDTH - ROW_GAP * (len(row) - 1)
                if sum(widths) > room:  # too wide even side by side: smaller type
                    for c in row:
                        labels[c].scale(room / sum(widths))
                    widths = [labels[c].width for c in row]
                xs = spread([at[c][0] for c in row], widths, style.LEFT, style.RIGHT)
                for c, x in zip(row, xs):
                    if above:
                        labels[c].move_to([x, LINE_Y + 0.75, 0])
                        ends[c] = labels[c].get_bottom()
                    else:
                        labels[c].move_to([x, LINE_Y - 0.8 - labels[c].height / 2, 0])
                        ends[c] = labels[c].get_top()
            crossings = sum(_crosses(at[c], ends[c], t) for c in order for t in avoid)
            if best is None or crossings < best[0]:
                best = (crossings, {c: labels[c].get_center().copy() for c in order}, dict(ends))
        for c in order:
            labels[c].move_to(best[1][c])
        return best[2]

    @staticmethod
    def _clean(order: list[int], at: dict, labels: dict, ends: dict, avoid: list[Mobject]) -> bool:
        for i, a in enumerate(order):
            left, right, _, top = _box(labels[a])
            if left < style.LEFT or right > style.RIGHT or top > style.CONTENT_TOP:
                return False
            for b in order[i + 1:]:
                if _overlap(labels[a], labels[b]):
                    return False
            for b in order:
                if b != a and _crosses(at[b], ends[b], labels[a]):
                    return False
            if any(_crosses(at[a], ends[a], t) for t in avoid):
                return False
        return True
