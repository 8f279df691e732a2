"""A slide as the scene draws it, frame by frame (scenes/slide.py): in every frame of a leg, each readout on screen is
one of the plan's texts for that leg (never a number made in between), its dot lies on its curve (checked with
arithmetic done here), and the x the readout shows is at most one sample away from where the dot is."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
from manim import Dot, Line, ValueTracker

import drawn
from lesson.check import check_lesson
from test_slide import NEG_LOG, number

ROOT = Path(__file__).resolve().parents[1]
READOUT = re.compile(r"^(raw output [−\d.]+|ArgMax [01]|SoftMax [\d.]+)$")


def frames_of(script: Path, step_id: str) -> tuple[drawn.Drawing, list[dict]]:
    """Draw the step, and at every frame of an animation note the slide's share (its tracker), the texts on screen
    and the slide's dots (the dots that follow an updater) in the plot's own coordinates."""
    frames: list[dict] = []

    def note(scene) -> None:
        trackers = [m for m in scene.mobjects if isinstance(m, ValueTracker)]
        dots = [m for m in scene.mobjects if isinstance(m, Dot) and m.updaters]
        if not trackers or not dots:
            return
        (x0, x1), (y0, y1) = scene.step.data["x_axis"]["range"], scene.step.data["y_axis"]["range"]
        a, b = scene.at(x0, y0), scene.at(x1, y1)
        def plot(p) -> tuple[float, float]:
            return (p[0] - a[0]) / (b[0] - a[0]) * (x1 - x0) + x0, (p[1] - a[1]) / (b[1] - a[1]) * (y1 - y0) + y0

        lines = [m for m in scene.mobjects if isinstance(m, Line) and m.updaters]
        frames.append({"share": trackers[0].get_value(), "texts": {i.string for i in drawn.items(scene)},
                       "dots": [plot(d.get_center()) for d in dots],
                       "tangents": [(plot(m.get_start()), plot(m.get_end())) for m in lines]})

    return drawn.draw(script, step_id, on_frame=note), frames


def legs_of(frames: list[dict]) -> list[list[dict]]:
    """The frames cut into legs (the share starts again from 0 at each leg)."""
    out: list[list[dict]] = []
    for f in frames:
        if not out or f["share"] < out[-1][-1]["share"] - 1e-9:
            out.append([])
        out[-1].append(f)
    return out


def test_on_minus_log_p_every_frame_shows_a_planned_equation_and_the_dot_is_on_the_curve_near_its_x():
    drawing, frames = frames_of(ROOT / "lessons" / "cross_entropy.yaml", "curve")
    assert drawing.layout_problems == []
    plan_legs = drawing.step.data["slide"]["legs"]
    labels = {p["label"] for p in drawing.step.data["points"]}
    legs = legs_of(frames)
    assert len(legs) == len(plan_legs) == 2
    for leg, plan in zip(legs, plan_legs):
        planned = [s["texts"][0][0] for s in plan["samples"]]
        xs = sorted(number(NEG_LOG.fullmatch(t).group(1)) for t in planned[1:])
        gap = max(np.diff(xs))
        assert len(leg) >= 20
        shown = []
        for f in leg:
            # the readout: the one equation on screen that is not a marked point's label (or, where it reads the same
            # as one, that label: the slide starts at flower 3's p)
            extra = {t for t in f["texts"] if NEG_LOG.fullmatch(t)} - labels
            assert extra <= set(planned) and len(extra) <= 1, f["texts"]
            text = next(iter(extra)) if extra else planned[0]
            (x, y), = f["dots"]
            assert abs(y - -math.log(x)) < 0.01, (x, y)  # on the curve (the path's chords, 90 a leg, are that close)
            assert abs(number(NEG_LOG.fullmatch(text).group(1)) - x) <= gap + 0.012, (text, x)  # the first sample is the lesson's p
            shown.append(text)
        assert len(set(shown)) >= 15  # it follows
    assert plan_legs[-1]["samples"][-1]["texts"][0][0] in drawing.texts()  # and ends on the last stop


def test_the_setosa_slide_shows_argmax_jumping_at_the_threshold_and_softmax_on_its_curve_in_every_frame():
    drawing, frames = frames_of(ROOT / "lessons" / "argmax_softmax.yaml", "argmax_gradient")
    assert drawing.layout_problems == []
    values = check_lesson(ROOT / "lessons" / "argmax_softmax.yaml").numbers.values()
    raw = [values[f"raw.{c}"] for c in ("setosa", "versicolor", "virginica")]
    t = values["threshold.setosa"]
    others = sum(math.exp(v) for v in raw[1:])
    plan_legs = drawing.step.data["slide"]["legs"]
    legs = legs_of(frames)
    assert len(legs) == 3
    seen = set()
    for leg, plan in zip(legs, plan_legs):
        planned = {line for s in plan["samples"] for lines in s["texts"] for line in lines}
        for f in leg:
            readouts = {s for s in f["texts"] if READOUT.fullmatch(s)}
            assert len(readouts) == 3 and readouts <= planned, readouts
            (argmax_x, argmax_y), (softmax_x, softmax_y) = f["dots"]
            assert abs(argmax_x - softmax_x) < 1e-9  # one value slides: both dots at the same x
            if abs(argmax_x - t) > 0.05:  # off the jump: on its step, and the readout says the same
                assert abs(argmax_y - (1.0 if argmax_x > t else 0.0)) < 1e-9, (argmax_x, argmax_y)
                assert ("ArgMax 1" if argmax_x > t else "ArgMax 0") in readouts
            assert abs(softmax_y - math.exp(softmax_x) / (math.exp(softmax_x) + others)) < 0.005
            seen |= readouts
    assert {"ArgMax 0", "ArgMax 1"} <= seen and len([s for s in seen if s.startswith("SoftMax ")]) >= 15
    assert {line for lines in plan_legs[-1]["samples"][-1]["texts"] for line in lines} <= set(drawing.texts())


def test_riding_tangents_touch_their_curves_at_their_dots_in_every_frame():
    drawing, frames = frames_of(ROOT / "lessons" / "cross_entropy.yaml", "compare")
    assert drawing.layout_problems == []
    slopes = (lambda x: -1 / x, lambda x: -2 * (1 - x))  # −log p and the squared residual (1 − p)²
    curves = (lambda x: -math.log(x), lambda x: (1 - x) ** 2)
    (leg,) = legs_of(frames)
    assert len(leg) >= 40
    for f in leg:
        assert len(f["tangents"]) == 2
        for (x, y), ((ax, ay), (bx, by)), slope, curve in zip(f["dots"], f["tangents"], slopes, curves):
            assert abs(y - curve(x)) < 0.01  # the dot on its curve
            k = (by - ay) / (bx - ax)
            assert abs(k - slope(x)) < 0.03 * max(1.0, abs(slope(x)))  # the line has the curve's slope where the dot is
            assert abs(ay + k * (x - ax) - y) < 0.01  # and passes through the dot
