"""Values on a number line beside reference marks; each value appears, with its name, as the voice says it.

Everything drawn comes from ``self.step.data``: the positions, the number texts and the names are the plan's.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, UP, Create, Dot, FadeIn, Line, ManimColor, Rectangle, VGroup

from scenes import style
from scenes.base import StepScene
from scenes.highlight import Marker
from scenes.highlight import bounds as around
from scenes.plot import Box, box, boxes_overlap, inside

PAD = 0.15  # around a label: two labels are at least twice this apart
STEM = 0.8  # from the line to the lowest row of labels
ROW_GAP = 0.18  # between two rows of labels
MAX_SHIFT = 4.0  # how far a label may move sideways from its value
SCALES = (1.0, 0.85, 0.7, 0.6)  # the labels' sizes tried in turn until every label finds room
ROW_SCALES = (0.85, 0.7, 0.6, 0.5, 0.42, 0.36, 0.3)  # ... and, too crowded for that, in one row with leaders
GROW = 1.35  # in a tall area everything (texts, stems, dots) is drawn up to this much larger ...
GROW_HEIGHT = 4.0  # ... in proportion to the area's height beyond this


def _crosses(start: np.ndarray, end: np.ndarray, b: Box) -> bool:
    """Whether the segment from ``start`` to ``end`` passes through the box ``b``."""
    for t in np.linspace(0.0, 1.0, 41):
        x, y = start[:2] + t * (end[:2] - start[:2])
        if b[0] < x < b[1] and b[2] < y < b[3]:
            return True
    return False


def _cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """Whether the segments a–b and c–d cross (touching at an end does not count)."""

    def side(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> float:
        return float((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    eps = 1e-6
    return ((d1 > eps and d2 < -eps) or (d1 < -eps and d2 > eps)) and ((d3 > eps and d4 < -eps) or (d3 < -eps and d4 > eps))


class NumberLineScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        area = self.area
        lo, hi = data["range"]
        muted = ManimColor(self.theme.muted)
        accent = ManimColor(self.theme.accent)
        left, right = area.left + 0.9, area.right - 0.9  # room for a label centred over a value at either end
        line_y = area.bottom + 1.25  # for now: everything moves to the middle of the area once laid out
        g = min(GROW, max(1.0, area.height / GROW_HEIGHT))  # a tall area: a larger drawing that fills more of it
        stem_length = STEM * g * g  # the labels higher above their values, too

        def at(v: float) -> np.ndarray:
            return np.array([left + (v - lo) / (hi - lo) * (right - left), line_y, 0.0])

        line = Line([left - 0.2, line_y, 0], [right + 0.2, line_y, 0], color=muted, stroke_width=3)
        band = VGroup()
        if data["band"]:
            a, b = data["band"]
            band.add(Rectangle(width=at(b)[0] - at(a)[0], height=0.6 * g, stroke_width=0, fill_color=accent, fill_opacity=0.18)
                     .move_to((at(a) + at(b)) / 2))
        marks = VGroup()
        taken: list[Box] = []
        for v, text in data["marks"]:
            tick = Line(at(v) + 0.25 * g * DOWN, at(v) + 0.25 * g * UP, color=accent, stroke_width=5)
            number = self.text(text, style.BODY, color=self.theme.accent).scale(g).next_to(tick, DOWN, buff=0.15)
            taken.append(box(number, PAD))
            marks.add(tick, number)

        above: Box = (area.left, area.right, line_y + 0.2, area.top)
        below: Box = (area.left, area.right, area.bottom, line_y - 0.2)
        # the labels at their size (grown in a tall area), or smaller, with shorter stems, until they all find room
        attempts = [(s * g, stem_length) for s in SCALES] + [(s, STEM) for s in SCALES if s < SCALES[-1] * g]

        def label_of(spec: dict, scale: float) -> VGroup:
            texts = [self.text(spec["name"], style.BODY, color=spec["color"])] if spec["name"] else []
            texts.append(self.text(spec["label"], style.MATH, color=spec["color"]))
            return VGroup(*texts).arrange(DOWN, buff=0.1).scale(scale)

        dots = [Dot(at(spec["x"]), radius=0.11 * g, color=ManimColor(spec["color"])) for spec in data["values"]]
        shown: list = []
        for scale, stem_at in attempts:
            shown = []
            placed = list(taken)
            stems: list[tuple[np.ndarray, np.ndarray]] = []
            for spec, dot in zip(data["values"], dots):
                label = label_of(spec, scale)
                end = self.place(label, dot.get_center(), placed, (above, below), stems, stem_at)
                if end is None:
                    break
                placed.append(box(label, PAD))
                stems.append((dot.get_center(), end))
                stem = Line(dot.get_center(), end, color=ManimColor(spec["color"]), stroke_width=1.5)
                shown.append((spec, dot, stem, label))
            if len(shown) == len(data["values"]):
                break
        else:  # too crowded to label each value over its place: one row of labels in the values' order, with leaders
            labels = self.in_a_row([label_of(spec, 1.0) for spec in data["values"]], [d.get_center() for d in dots], above, stem_length)
            shown = [(spec, dot, Line(dot.get_center(), label.get_bottom() + 0.05 * DOWN, color=ManimColor(spec["color"]), stroke_width=1.5), label)
                     for spec, dot, label in zip(data["values"], dots, labels)]

        # centre the whole drawing in the area, top to bottom
        everything = VGroup(line, band, marks, *(m for _, *ms in shown for m in ms))
        everything.shift((area.center[1] - everything.get_center()[1]) * UP)

        self.play(Create(line), FadeIn(band), *([FadeIn(marks)] if len(marks) else []), run_time=style.NORMAL)
        # each value at its first word, in the order the voice names them; a value named again later (the plan's
        # pointing: cue, value) boxed at that word
        first = self.first_words()
        index = {id(spec): i for i, spec in enumerate(data["values"])}
        events: list[tuple[int, int, str, int]] = []
        for k, (spec, *_) in enumerate(self.in_spoken_order(shown, lambda s: s[0]["cues"])):
            events.append((min((first[c] for c in spec["cues"] if c in first), default=-1), k, "", index[id(spec)]))
        # (an entry [cue, value, "name"] boxes the value's name alone, as the voice names its class before its value)
        named_only = {name for name, *rest in data.get("pointing", []) if rest[1:] == ["name"]}
        events += [(first[name], len(shown), name, i) for name, i, *_ in data.get("pointing", []) if name in first]
        # the band or a mark the voice names (the plan's parts_pointing: cue, "band" or the mark's index)
        events += [(first[name], len(shown) + 1, name, -1 - (len(marks) if what == "band" else 2 * what + 1))
                   for name, what in data.get("parts_pointing", []) if name in first]
        by_value = {index[id(item[0])]: item for item in shown}
        silent = [by_value[i] for token, _, name, i in events if token < 0 and not name]
        if silent:  # the values the voice does not bring in: all at once, with the line
            self.play(*(a for _, dot, stem, label in silent
                        for a in (FadeIn(dot, scale=2), Create(stem), FadeIn(label, shift=0.15 * UP))), run_time=style.QUICK)
            events = [e for e in events if not (e[0] < 0 and not e[2])]
        marker = Marker(self)
        for _, _, name, i in sorted(events):
            if name and not self.still_to_come(name):  # its word is past (the drawing was still coming in): never late
                continue
            if i < 0:  # a part of the line: the band, or a mark's number (its tick with it)
                part = band if -1 - i == len(marks) else VGroup(marks[-2 - i], marks[-1 - i])
                marker.light((name,), around(part, pad=0.1), key=("part", i))
                continue
            spec, dot, stem, label = by_value[i]
            if not name:
                self.cue(*spec["cues"], ahead=style.QUICK)
                self.play(FadeIn(dot, scale=2), Create(stem), FadeIn(label, shift=0.15 * UP), run_time=style.QUICK)
            elif name in named_only and spec["name"]:
                marker.light((name,), around(label[0], pad=0.08), key=("name", i))
            else:
                marker.light((name,), around(dot, label, pad=0.08), key=i)
        self.wait(style.BEAT)

    @staticmethod
    def place(label: VGroup, anchor: np.ndarray, taken: list[Box], areas: tuple[Box, Box], stems: list[tuple[np.ndarray, np.ndarray]],
              stem: float = STEM) -> np.ndarray | None:
        """Put ``label`` above ``anchor`` (in ``areas[0]``): straight above it in the lowest free row, else moved
        sideways as little as will do; its stem crosses no other label and, if it can be helped, no other stem. Below
        the line (``areas[1]``) only if there is no room above. Returns where the stem meets the label."""
        w, h = label.width, label.height
        shifts = [0.0] + [s * k * 0.1 for k in range(1, int(MAX_SHIFT / 0.1) + 1) for s in (1, -1)]
        for avoid_stems in (True, False):
            best: tuple[float, np.ndarray, float] | None = None
            for side, bounds in ((1, areas[0]), (-1, areas[1])):
                rows = int(max(0, (bounds[3] - bounds[2] - stem + ROW_GAP) // (h + ROW_GAP)))
                for row in range(rows):
                    y = anchor[1] + side * (stem + h / 2 + row * (h + ROW_GAP))
                    for dx in shifts:
                        centre = np.array([anchor[0] + dx, y, 0.0])
                        spot = (centre[0] - w / 2, centre[0] + w / 2, centre[1] - h / 2, centre[1] + h / 2)
                        if not inside(spot, bounds) or any(boxes_overlap(spot, t) for t in taken):
                            continue
                        end = centre - side * np.array([0.0, h / 2, 0.0])
                        if any(_crosses(anchor, end, t) for t in taken):
                            continue
                        if avoid_stems and any(_cross(anchor, end, a, b) for a, b in stems):
                            continue
                        score = row * 0.8 + abs(dx) * 1.5 + (0 if side > 0 else 5)
                        if best is None or score < best[0]:
                            best = (score, centre, side)
                        break  # the smallest shift in this row
            if best is not None:
                label.move_to(best[1])
                return best[1] - best[2] * np.array([0.0, h / 2 + 0.05, 0.0])
        return None  # no room anywhere

    @staticmethod
    def in_a_row(labels: list[VGroup], anchors: list[np.ndarray], bounds: Box, stem: float = STEM) -> list[VGroup]:
        """Labels too crowded to stand over their values: one row above them all, in the order of the values along
        the line, each as near over its value as the others let it, at the largest size at which the row fits the
        area's width (``labels`` come at their full size and are scaled here). A leader from each value to its label
        then crosses no other leader and no label."""
        order = sorted(range(len(anchors)), key=lambda i: (anchors[i][0], i))
        room = bounds[1] - bounds[0] - 2 * PAD * (len(anchors) - 1)
        natural = sum(label.width for label in labels)
        # the largest of the sizes tried that fits; at worst (eight long names) the size at which the row just fits
        fits = [scale for scale in ROW_SCALES if scale * natural <= room]
        scale = fits[0] if fits else 0.98 * room / natural
        for label in labels:
            label.scale(scale)
        widths = [labels[i].width for i in order]
        xs: list[float] = []
        for k, i in enumerate(order):  # left to right: each as near its value as the one before lets it
            x = max(anchors[i][0], bounds[0] + widths[k] / 2)
            if xs:
                x = max(x, xs[-1] + widths[k - 1] / 2 + 2 * PAD + widths[k] / 2)
            xs.append(x)
        for k in range(len(order) - 1, -1, -1):  # right to left: back inside the area, clear of the next
            limit = bounds[1] - widths[k] / 2 if k == len(order) - 1 else xs[k + 1] - widths[k + 1] / 2 - 2 * PAD - widths[k] / 2
            xs[k] = min(xs[k], limit)
        bottom = max(a[1] for a in anchors) + stem
        for k, i in enumerate(order):
            labels[i].move_to([xs[k], bottom + labels[i].height / 2, 0.0])  # their bottoms on one line
        return labels
