"""Axes with curves sampled by the plan, marked points with their equations, a tangent and a dot walking a curve.

Everything drawn comes from ``self.step.data``: the curves' points, the ticks and every label are the plan's;
the scene only maps the given coordinates onto the axes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    Mobject,
    MoveAlongPath,
    Transform,
    VGroup,
    VMobject,
)

from scenes import style
from scenes.base import StepScene
from scenes.highlight import Marker, bounds
from scenes.slide import Ride

GAP = 0.14  # between a tick and its number, an axis and its label
LABEL_BUFF = 0.18  # between a dot and its label
REACHES = (LABEL_BUFF, 0.55, 1.0, 1.5)  # how far a label may sit from its point (beyond the first: with a leader line)
Box = tuple[float, float, float, float]  # left, right, bottom, top


def box(m: Mobject, pad: float = 0.0) -> Box:
    return m.get_left()[0] - pad, m.get_right()[0] + pad, m.get_bottom()[1] - pad, m.get_top()[1] + pad


def boxes_overlap(a: Box, b: Box) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[2], b[2])


def inside(a: Box, outer: Box) -> bool:
    return a[0] >= outer[0] and a[1] <= outer[1] and a[2] >= outer[2] and a[3] <= outer[3]


def place(
    label: Mobject,
    anchor: np.ndarray,
    taken: Sequence[Box],
    bounds: Box,
    points: np.ndarray,
    prefer_below: bool = False,
) -> bool:
    """Move ``label`` next to ``anchor``: straight above or below it (centred on it), else beside it, else further
    away (then it needs a leader line: the return value). The chosen spot stays in ``bounds``, overlaps nothing in
    ``taken`` and covers as few of ``points`` (the curves) as can be, nearer spots first."""
    w, h = label.width, label.height
    directions = [(0, 1), (0, -1)] if not prefer_below else [(0, -1), (0, 1)]
    directions += [(1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0)]
    best: tuple[float, np.ndarray, bool] | None = None
    rank = 0
    for reach in REACHES:
        for sx, sy in directions:
            rank += 1
            centre = anchor + np.array([sx * (reach + w / 2), sy * (reach + h / 2), 0.0])
            b = (centre[0] - w / 2, centre[0] + w / 2, centre[1] - h / 2, centre[1] + h / 2)
            if not inside(b, bounds) or any(boxes_overlap(b, t) for t in taken):
                continue
            covered = int(np.sum((points[:, 0] > b[0]) & (points[:, 0] < b[1]) & (points[:, 1] > b[2]) & (points[:, 1] < b[3]))) if len(points) else 0
            score = (100 if covered else 0) + covered + rank  # a spot clear of the curves first
            if best is None or score < best[0]:
                best = (score, centre, reach > REACHES[0])
    if best is None:  # nothing free near the point: the free spot nearest to it, anywhere in the bounds
        for x in np.arange(bounds[0] + w / 2, bounds[1] - w / 2 + 1e-9, 0.1):
            for y in np.arange(bounds[2] + h / 2, bounds[3] - h / 2 + 1e-9, 0.1):
                b = (x - w / 2, x + w / 2, y - h / 2, y + h / 2)
                if any(boxes_overlap(b, t) for t in taken):
                    continue
                covered = int(np.sum((points[:, 0] > b[0]) & (points[:, 0] < b[1]) & (points[:, 1] > b[2]) & (points[:, 1] < b[3]))) if len(points) else 0
                score = (100 if covered else 0) + float(np.hypot(x - anchor[0], y - anchor[1]))
                if best is None or score < best[0]:
                    best = (score, np.array([x, y, 0.0]), True)
    if best is None:  # no room anywhere: above the point, kept inside the bounds
        x = min(max(anchor[0], bounds[0] + w / 2), bounds[1] - w / 2)
        y = min(anchor[1] + LABEL_BUFF + h / 2, bounds[3] - h / 2)
        best = (0.0, np.array([x, y, 0.0]), False)
    label.move_to(best[1])
    return best[2]


def dense(points: Sequence[np.ndarray], spacing: float = 0.04) -> np.ndarray:
    """Points along a polyline no further apart than ``spacing`` (to tell which spots a label would cover)."""
    out = [np.zeros((0, 2))]
    for a, b in zip(points, points[1:]):
        n = max(1, int(np.linalg.norm(b[:2] - a[:2]) / spacing))
        out.append(np.linspace(a[:2], b[:2], n, endpoint=False))
    if len(points):
        out.append(np.array([points[-1][:2]]))
    return np.vstack(out)


def leader(anchor: np.ndarray, label: Mobject, color: str) -> Line:
    """A thin line from a point to its label, which sits further away."""
    left, right, bottom, top = box(label)
    end = np.array([min(max(anchor[0], left), right), min(max(anchor[1], bottom), top), 0.0])
    start = anchor + 0.1 * (end - anchor) / max(np.linalg.norm(end - anchor), 1e-6)
    return Line(start, end, color=ManimColor(color), stroke_width=1.5)


class PlotScene(StepScene):
    brisk = False  # the event being drawn is followed by another at the same word (follow)

    def draw(self) -> None:
        self.lead()
        self.follow()

    def lead(self) -> None:
        """What waits for no cue: the axes, their numbers and words, the curves and their legend (drawn at once, also
        when the plot is one part of a screen whose other parts wait for the voice)."""
        data = self.step.data
        xa, ya = data["x_axis"], data["y_axis"]
        muted = self.theme.muted
        area = self.area

        x_ticks = [(v, self.text(t, style.SMALL, color=muted)) for v, t in xa["ticks"]]
        y_ticks = [(v, self.text(t, style.SMALL, color=muted)) for v, t in ya["ticks"]]
        x_label = self.text(xa["label"], style.SMALL, color=muted) if xa["label"] else None
        y_label = self.text(ya["label"], style.SMALL, color=muted).rotate(np.pi / 2) if ya["label"] else None

        # the plot's box: room on the left for the y numbers and label, below for the x numbers and label
        left = area.left + max((m.width for _, m in y_ticks), default=0.0) + GAP + 0.1
        if y_label is not None:
            left += y_label.width + GAP
        bottom = area.bottom + max((m.height for _, m in x_ticks), default=0.0) + GAP + 0.1
        if x_label is not None:
            bottom += x_label.height + GAP
        right = area.right - 0.35
        top = area.top - 0.2
        (x0, x1), (y0, y1) = xa["range"], ya["range"]

        def at(x: float, y: float) -> np.ndarray:
            return np.array([left + (x - x0) / (x1 - x0) * (right - left), bottom + (y - y0) / (y1 - y0) * (top - bottom), 0.0])

        self.at = at
        color = ManimColor(muted)
        axes = VGroup(
            Line(at(x0, y0), at(x1, y0), color=color, stroke_width=2.5),
            Line(at(x0, y0), at(x0, y1), color=color, stroke_width=2.5),
        )
        for v, m in x_ticks:
            axes.add(Line(at(v, y0), at(v, y0) + 0.1 * DOWN, color=color, stroke_width=2))
            m.next_to(at(v, y0), DOWN, buff=GAP)
        for v, m in y_ticks:
            axes.add(Line(at(x0, v), at(x0, v) + 0.1 * LEFT, color=color, stroke_width=2))
            m.next_to(at(x0, v), LEFT, buff=GAP)
        if x0 < 0 < x1:
            axes.add(DashedLine(at(0, y0), at(0, y1), color=color, stroke_width=1.5).set_opacity(0.5))
        if y0 < 0 < y1:
            axes.add(DashedLine(at(x0, 0), at(x1, 0), color=color, stroke_width=1.5).set_opacity(0.5))
        numbers = VGroup(*(m for _, m in x_ticks), *(m for _, m in y_ticks))
        words = VGroup()
        if x_label is not None:
            words.add(x_label.next_to(VGroup(*(m for _, m in x_ticks)) if x_ticks else axes[0], DOWN, buff=GAP).set_x((left + right) / 2))
        if y_label is not None:
            y_label.next_to(VGroup(*(m for _, m in y_ticks)) if y_ticks else axes[1], LEFT, buff=GAP).set_y((bottom + top) / 2)
            words.add(y_label)
        axes_in = [Create(axes), FadeIn(numbers), FadeIn(words)]

        curves = VGroup()
        samples = []
        self.later: dict[int, VGroup] = {}  # the curves drawn when the voice gets to them (their cues)
        for i, c in enumerate(data["curves"]):
            drawn = VGroup()
            for seg in c["segments"]:
                pts = [at(x, y) for x, y in seg]
                samples.append(dense(pts))
                drawn.add(VMobject(color=ManimColor(c["color"]), stroke_width=5).set_points_as_corners(pts))
            if c.get("cues"):
                self.later[i] = drawn
            else:
                curves.add(*drawn)
        lines = [t["line"] for t in self.tangents()] + [s["tangent"] for s in (data.get("walk") or {}).get("stops", []) if s.get("tangent")]
        for (ax, ay), (bx, by) in lines:  # drawn later, but known now: the labels keep off these lines as off the curves
            samples.append(dense([at(ax, ay), at(bx, by)]))
        self.curve_points = np.vstack(samples) if samples else np.zeros((0, 2))
        self.plot_box: Box = (left, right, bottom, top)
        self.bounds: Box = (area.left, area.right, bottom + 0.05, area.top)
        self.taken: list[Box] = [box(m, 0.05) for m in [*numbers, *words]]
        legend = self.legend(data["curves"])
        if legend is not None:  # a curve drawn later brings its name in with it
            for i in self.later:
                legend.remove(self.legend_rows[i])
        legend_in = [FadeIn(legend)] if legend is not None and len(legend) else []
        if self.later:  # a curve waits for its word: the others come in with the axes, so that it is free to come early
            self.play(*axes_in, *([Create(curves, lag_ratio=0.3)] if len(curves) else []), *legend_in, run_time=style.NORMAL)
            return
        self.play(*axes_in, run_time=style.NORMAL)
        if len(curves):  # a scene that draws its curves later (fitted_curve) has none here
            self.play(Create(curves, lag_ratio=0.3), *legend_in, run_time=style.SLOW)

    def tangents(self) -> list[dict]:
        """The plot's tangents, each drawn at its cue."""
        return self.step.data["tangents"]

    def draw_curve(self, i: int) -> None:
        """Curve ``i``, drawn left to right from its cue, its name coming into the legend with it."""
        c = self.step.data["curves"][i]
        self.cue(*c["cues"])
        row = self.legend_rows.get(i)
        self.play(Create(self.later[i], lag_ratio=0.0), *([FadeIn(row)] if row is not None else []), run_time=c["seconds"])

    def follow(self) -> None:
        """What the voice brings in: the marked points, the tangent, the walk and the slide, each at its cue (the slide
        before the first of the others the voice reaches after it)."""
        data = self.step.data
        events: list[tuple[list[str], Callable[[], None]]] = [(p["cues"], functools.partial(self.point, p)) for p in data["points"]]
        self.marker = Marker(self, behind=False)
        self.still_tangents: list[Line] = []
        self.labels: dict[int, Mobject] = {}
        for k, p in enumerate(data["points"]):  # a point already there is pointed at as the voice names it again
            shown = self.spoken_at(p["cues"]) if p["cues"] else -1
            for name in p.get("named", []):
                said = self.spoken_at([name])
                if said is not None and shown is not None and said > shown:
                    events.append(([name], functools.partial(self.point_again, k, name)))
        for t in self.tangents():
            events.append((t["cues"], functools.partial(self.tangent, t)))
        for i in self.later:
            events.append((data["curves"][i]["cues"], functools.partial(self.draw_curve, i)))
        if data["walk"]:
            events.append((data["walk"]["cues"], functools.partial(self.walk, data["walk"])))
        # in the order the voice names them (a tangent named before a point comes first); those it never names first
        events.sort(key=lambda e: -1 if self.spoken_at(e[0]) is None else self.spoken_at(e[0]))
        spec = data.get("slide")
        if spec:  # each leg before the first of the others the voice reaches after the leg's cue (a leg without one: next)
            ride: list[Ride] = []
            after = 0
            for i, leg in enumerate(spec["legs"]):
                starts = self.spoken_at(leg["cues"])
                if starts is not None or i == 0:
                    later = [j for j, (cues, _) in enumerate(events) if j >= after and starts is not None
                             and (self.spoken_at(cues) or -1) > starts]
                    after = later[0] if later else len(events)
                events.insert(after, (leg["cues"], functools.partial(self.slide_leg, spec, i, ride)))
                after += 1
        for k, (cues, event) in enumerate(events):
            # an event followed by another at the same word comes in briskly, so that the other starts at that word too
            self.brisk = bool(cues) and k + 1 < len(events) and events[k + 1][0] == cues
            event()
        self.brisk = False
        self.wait(style.BEAT)

    def point(self, p: dict) -> None:
        self.cue(*p["cues"], ahead=style.QUICK)
        dot, label = self.mark(p["x"], p["y"], p["color"], [p["name"], p["label"]])
        self.labels[self.step.data["points"].index(p)] = self.equation
        self.play(FadeIn(dot, scale=2), FadeIn(label, shift=0.1 * UP), *self.marker_off(),
                  run_time=style.POINT if self.brisk else style.QUICK)

    def marker_off(self) -> list:
        """The box leaving what it was on, when the voice has moved on to something new (an animation to play with it)."""
        marker = getattr(self, "marker", None)
        return marker.leaving() if marker is not None else []

    def point_again(self, k: int, name: str) -> None:
        """The marker onto point ``k``'s equation, at the word ``name`` that names it again."""
        words = self.labels.get(k)
        if words is not None:
            self.marker.light([name], bounds(words, pad=0.08), key=k)

    def tangent(self, t: dict) -> None:
        at = self.at
        self.cue(*t["cues"], ahead=style.NORMAL)
        (ax, ay), (bx, by) = t["line"]
        line = Line(at(ax, ay), at(bx, by), color=ManimColor(self.theme.text), stroke_width=3)
        slope = " ".join(s for s in (t["name"], t["slope_text"]) if s)
        shown = [k for k, p in enumerate(self.step.data["points"]) if k in self.labels and p["x"] == t["x"] and p["y"] == t["y"]]
        if not t["label"] and shown:  # at a marked point: the slope written under the point's equation
            words = self.text(slope, style.SMALL)
            words.next_to(self.labels[shown[0]], DOWN, buff=0.08, aligned_edge=LEFT)
            label = VGroup(BackgroundRectangle(words, color=ManimColor(self.theme.background), fill_opacity=0.85, buff=0.06), words)
            self.taken.append(box(label, 0.06))
            parts = [FadeIn(label, shift=0.1 * UP)]
        else:
            dot, label = self.mark(t["x"], t["y"], t["color"], [t["label"], slope])
            parts = [FadeIn(dot, scale=2), FadeIn(label, shift=0.1 * UP)]
        self.play(*parts, *self.marker_off(), Create(line), run_time=style.POINT if self.brisk else style.NORMAL)
        self.still_tangents.append(line)

    def slide_leg(self, spec: dict, i: int, ride: list[Ride]) -> None:
        """Leg ``i`` of a slide, from its cue: dots riding their curves while x slides; their readouts, in a box of
        their own, show in every frame the texts of the plan's sample nearest to that moment (:mod:`scenes.slide`).
        The first leg brings the dots and the box in; after the last they stay, still."""
        if i == 0:
            ride.append(Ride(self, spec, [ManimColor(r["color"]) for r in spec["riders"]], self.at))
            panel = ride[0].readout_box()
            self.place_box(panel)
            ride[0].settle(panel)
            self.cue(*spec["legs"][0]["cues"], ahead=style.QUICK)
            # the riding tangents take over from those drawn at one x (their slopes stay written in the labels)
            gone = [FadeOut(t) for t in self.still_tangents] if ride[0].tangents else []
            self.play(*(Create(t) for t in ride[0].tangents), *(FadeIn(d, scale=2) for d in ride[0].dots), FadeIn(panel), *gone,
                      run_time=style.QUICK)  # the tangents first: the dots are drawn over them
        else:
            self.cue(*spec["legs"][i]["cues"])
        ride[0].run(i)
        if i == len(spec["legs"]) - 1:
            ride[0].stop()

    def place_box(self, m: Mobject) -> None:
        """Put ``m`` in the corner of the plot that overlaps nothing placed and covers the fewest curve points."""
        left, right, bottom, top = self.plot_box
        w, h = m.width, m.height
        corners = [(left + 0.25 + w / 2, top - h / 2), (right - 0.1 - w / 2, top - h / 2),
                   (right - 0.1 - w / 2, bottom + 0.2 + h / 2), (left + 0.25 + w / 2, bottom + 0.2 + h / 2)]
        pts = self.curve_points

        def cost(centre: tuple[float, float]) -> float:
            x, y = centre
            b = (x - w / 2, x + w / 2, y - h / 2, y + h / 2)
            covered = int(np.sum((np.abs(pts[:, 0] - x) < w / 2 + 0.1) & (np.abs(pts[:, 1] - y) < h / 2 + 0.1))) if len(pts) else 0
            return 1000 * sum(boxes_overlap(b, t) for t in self.taken) + covered

        x, y = min(corners, key=cost)
        m.move_to([x, y, 0])
        self.taken.append(box(m, 0.06))

    def legend(self, curves: list[dict]) -> VGroup | None:
        """The curves' names in their colours, in the corner of the plot the curves leave most empty."""
        rows = VGroup()
        self.legend_rows: dict[int, VGroup] = {}
        for i, c in enumerate(curves):
            if c["name"]:
                swatch = Line(ORIGIN3, 0.45 * RIGHT, color=ManimColor(c["color"]), stroke_width=5)
                rows.add(row := VGroup(swatch, self.text(c["name"], style.SMALL)).arrange(RIGHT, buff=0.15))
                self.legend_rows[i] = row
        if not len(rows):
            return None
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        left, right, bottom, top = self.plot_box
        corners = [(left + 0.25 + rows.width / 2, top - rows.height / 2), (right - 0.25 - rows.width / 2, top - rows.height / 2),
                   (right - 0.25 - rows.width / 2, bottom + 0.2 + rows.height / 2), (left + 0.25 + rows.width / 2, bottom + 0.2 + rows.height / 2)]

        def covered(centre: tuple[float, float]) -> int:
            x, y = centre
            pts = self.curve_points
            return int(np.sum((np.abs(pts[:, 0] - x) < rows.width / 2 + 0.15) & (np.abs(pts[:, 1] - y) < rows.height / 2 + 0.15)))

        x, y = min(corners, key=covered)
        rows.move_to([x, y, 0])
        self.taken.append(box(rows, 0.1))
        return rows

    def mark(self, x: float, y: float, color: str, lines: list[str]) -> tuple[Dot, VGroup]:
        """A dot at (x, y) and its label (a name, then an equation), placed where it is free."""
        dot = Dot(self.at(x, y), radius=0.09, color=ManimColor(color))
        texts = [self.text(s, style.SMALL, color=color if i == 0 and len(lines) > 1 else None) for i, s in enumerate(lines) if s]
        words = VGroup(*texts).arrange(DOWN, buff=0.08)
        self.equation = texts[-1]  # what the voice names again: the equation (its last line)
        label = VGroup(BackgroundRectangle(words, color=ManimColor(self.theme.background), fill_opacity=0.85, buff=0.06), words)
        far = place(label, dot.get_center(), [*self.taken, box(dot, 0.02)], self.bounds, self.curve_points)
        self.taken.append(box(label, 0.06))
        if far:
            line = leader(dot.get_center(), label, self.theme.muted)
            label = VGroup(line, label)
            # later labels keep off the leader as off the curves
            self.curve_points = np.vstack([self.curve_points, dense([line.get_start(), line.get_end()])])
        return dot, label

    def walk(self, spec: dict) -> None:
        """A dot stepping from one x to the next along the curve, its equation following it; faint dots stay behind."""
        stops, legs = spec["stops"], spec["legs"]
        color = ManimColor(spec["color"])
        self.cue(*spec["cues"], *stops[0]["cues"], ahead=style.QUICK)
        base = list(self.taken)
        dot = Dot(self.at(stops[0]["x"], stops[0]["y"]), radius=0.11, color=color)
        label = self.walk_label(stops[0]["label"], dot.get_center(), base)
        line = self.stop_tangent(stops[0])  # the slope the step is taken by, if the plan gives it
        later = spec.get("tangent_cues") or []  # ... from a word of its own
        self.play(*([Create(line)] if line and not later else []), FadeIn(dot, scale=2), FadeIn(label), run_time=style.QUICK)
        self.bring_to_front(dot)
        if line is not None and later:
            self.cue(*later, ahead=style.QUICK)
            self.play(Create(line), run_time=style.QUICK)
            self.bring_to_front(dot)
        self.named_again(stops, 0, label)
        for k, (stop, leg) in enumerate(zip(stops[1:], legs), start=1):
            # a stop the voice names waits for its word; the stops between go by briskly, so that the walk is
            # there when the voice names where it ends (a walk behind the voice reads the old value as the new)
            if stop["cues"]:
                self.cue(*stop["cues"], ahead=style.QUICK)
            trail = Dot(dot.get_center(), radius=0.07, color=color).set_opacity(0.6)
            path = VMobject().set_points_as_corners([self.at(x, y) for x, y in leg] if len(leg) > 1 else [self.at(*leg[0])] * 2)
            self.add(trail)
            self.bring_to_front(dot)
            follow = [Transform(line, to)] if line is not None and (to := self.stop_tangent(stop)) is not None else []
            self.play(FadeOut(label), MoveAlongPath(dot, path), *follow, *self.marker_off(), run_time=style.QUICK)
            label = self.walk_label(stop["label"], dot.get_center(), base)
            self.play(FadeIn(label), run_time=style.QUICK / 2)
            self.named_again(stops, k, label)

    def named_again(self, stops: list[dict], k: int, label: VGroup) -> None:
        """Box stop ``k``'s label at each word that names it again before the walk moves on (its loss after its
        value: "one step takes us to −1.23, and the total drops ... to 2.14")."""
        stop = stops[k]
        shown = self.spoken_at(stop["cues"])
        upto = self.spoken_at(stops[k + 1]["cues"]) if k + 1 < len(stops) and stops[k + 1]["cues"] else None
        words = self.walk_words
        for name in sorted(stop["cues"], key=lambda c: self.spoken_at([c]) or -1):
            said = self.spoken_at([name])
            if said is not None and shown is not None and said > shown and (upto is None or said < upto):
                self.marker.light([name], bounds(words, pad=0.06), key=("stop", k))

    def stop_tangent(self, stop: dict) -> Line | None:
        """The tangent at a stop of the walk (None: the plan gives none)."""
        if not stop.get("tangent"):
            return None
        (ax, ay), (bx, by) = stop["tangent"]
        return Line(self.at(ax, ay), self.at(bx, by), color=ManimColor(self.theme.text), stroke_width=3)

    def walk_label(self, s: str, anchor: np.ndarray, taken: list[Box]) -> VGroup:
        words = self.walk_words = self.text(s, style.SMALL)
        label = VGroup(BackgroundRectangle(words, color=ManimColor(self.theme.background), fill_opacity=0.85, buff=0.06), words)
        if place(label, anchor, taken, self.bounds, self.curve_points, prefer_below=True):
            label = VGroup(leader(anchor, label, self.theme.muted), label)
        return label


ORIGIN3 = np.zeros(3)
