"""A slide as the plan samples it (``lesson.kinds.slide``): dots moving along their paths, and readouts that show, in
every frame, the texts of the plan's sample nearest to that moment.

Nothing here writes a number or evaluates a function: a dot's place between two points of its path is read off the
straight line between them (the path is dense, so that line lies on the drawn curve), and a readout is always one of
the plan's texts, set once each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import LEFT, Dot, Line, ManimColor, Rectangle, Text, ValueTracker, VGroup, linear

from scenes import style
from scenes.align import sit

PAD = 0.12  # inside the readout's box
ROW_GAP = 0.1


def place_on(path: np.ndarray, share: float) -> np.ndarray:
    """The point of ``path`` (rows ``[share, x, y, z]`` in frame units, shares in order) at ``share``: on the straight
    line between the two points around it; at a jump (two points at one share) the later one."""
    shares = path[:, 0]
    i = int(np.searchsorted(shares, share, side="right")) - 1
    if i < 0:
        return path[0, 1:]
    if i >= len(path) - 1:
        return path[-1, 1:]
    a, b = path[i], path[i + 1]
    frac = (share - a[0]) / (b[0] - a[0]) if b[0] > a[0] else 1.0
    return a[1:] + frac * (b[1:] - a[1:])


def nearest(samples: Sequence[dict], share: float) -> dict:
    """The sample whose share is nearest ``share`` (the earlier of two as near)."""
    return min(samples, key=lambda s: abs(s["at"] - share))


class Ride:
    """The dots and readouts of one slide, in ``scene`` (a :class:`scenes.base.StepScene`); ``at`` maps the plan's
    (x, y) to the frame."""

    def __init__(self, scene: Any, spec: dict, colors: list[ManimColor], at: Callable[[float, float], np.ndarray]):
        self.scene = scene
        self.legs = spec["legs"]
        self.at = at
        self.share = ValueTracker(0.0)
        self.index = 0
        self.leg = self.legs[0]
        self.paths: list[list[np.ndarray]] = [[np.array([[p[0], *at(p[1], p[2])] for p in path]) for path in leg["paths"]]
                                              for leg in self.legs]
        self.current = self.paths[0]
        self.dots = [Dot(place_on(path, 0.0), radius=0.11, color=c) for path, c in zip(self.current, colors)]
        # a tangent per dot, if the plan gives them: its two ends at each point of the path
        self.ends = [[np.array([[t[0], *at(t[1], t[2]), *at(t[3], t[4])] for t in ends]) for ends in leg["tangents"]]
                     if leg.get("tangents") else None for leg in self.legs]
        white = ManimColor(scene.theme.text)
        self.tangents = [Line(*np.split(place_on(ends, 0.0), 2), color=white, stroke_width=2.5)
                         for ends in self.ends[0]] if self.ends[0] else []
        self.lines = [max(len(s["texts"][r]) for leg in self.legs for s in leg["samples"]) for r in range(len(colors))]
        # every text a sample shows, set once: (rider, line, string) -> its Text
        self.texts: dict[tuple[int, int, str], Text] = {}
        for r, color in enumerate(colors):
            wanted = [(i, line) for leg in self.legs for s in leg["samples"] for i, line in enumerate(s["texts"][r])]
            made = scene.texts_alike([line for _, line in wanted], style.SMALL, color.to_hex())
            used: set[int] = set()
            for i, line in wanted:
                if (r, i, line) in self.texts:
                    continue
                text = made[line]
                if id(text) in used:  # a text sits on one line of the box: the same string on two lines is two texts
                    text = text.copy()
                used.add(id(text))
                self.texts[(r, i, line)] = text
        self.slots = [[VGroup() for _ in range(n)] for n in self.lines]
        self.digit = scene.text("0", style.SMALL).height

    def readout_box(self) -> VGroup:
        """The readouts' box, as wide as their widest text and a row per line (placed by the scene)."""
        width = max(t.width for t in self.texts.values())
        row = max(t.height for t in self.texts.values())
        rows = sum(self.lines)
        frame = Rectangle(width=width + 2 * PAD, height=rows * row + (rows - 1) * ROW_GAP + 2 * PAD, stroke_width=0,
                          fill_color=ManimColor(self.scene.theme.background), fill_opacity=0.85)
        self.row = row
        self.box = VGroup(frame, *(slot for slots in self.slots for slot in slots))
        return self.box

    def settle(self, box: VGroup) -> None:
        """Once the box is placed: every text at its row, and the first sample shown."""
        left, top = box[0].get_left()[0] + PAD, box[0].get_top()[1] - PAD
        rows: dict[tuple[int, int], float] = {}
        k = 0
        for r, n in enumerate(self.lines):
            for i in range(n):
                rows[(r, i)] = top - self.row / 2 - k * (self.row + ROW_GAP)
                k += 1
        for (r, i, _), t in self.texts.items():
            t.move_to([left, rows[(r, i)], 0], aligned_edge=LEFT)
            sit(t, rows[(r, i)], self.digit)
        self.show()
        for dot, path in zip(self.dots, range(len(self.dots))):
            dot.add_updater(lambda m, r=path: m.move_to(place_on(self.current[r], self.share.get_value())))
        for r, line in enumerate(self.tangents):
            line.add_updater(lambda m, r=r: m.put_start_and_end_on(*np.split(place_on(self.ends[self.index][r], self.share.get_value()), 2)))
        box.add_updater(lambda _m: self.show())

    def show(self) -> None:
        """The texts of the sample nearest the leg's share now. A text that leaves its slot is also made clear: Manim
        draws, in every frame of an animation, the mobjects that moved when it began, the slot's text then included."""
        sample = nearest(self.leg["samples"], self.share.get_value())
        for r, lines in enumerate(sample["texts"]):
            for i, slot in enumerate(self.slots[r]):
                shown = [self.texts[(r, i, lines[i])]] if i < len(lines) else []
                if slot.submobjects != shown:
                    for t in slot.submobjects:
                        t.set_fill(opacity=0)
                    for t in shown:
                        t.set_fill(opacity=1)
                    slot.submobjects = shown

    def run(self, i: int) -> None:
        """Leg ``i``: the value goes from the leg's start to its end at an even pace."""
        leg = self.leg = self.legs[i]
        self.current = self.paths[i]
        self.index = i
        self.share.set_value(0.0)
        self.scene.play(self.share.animate.set_value(1.0), run_time=leg["seconds"], rate_func=linear)

    def stop(self) -> None:
        """After the last leg: the dots and readouts stay as they are, without updaters."""
        for m in [*self.dots, *self.tangents, self.box]:
            m.clear_updaters()
