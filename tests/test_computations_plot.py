"""The plot kind's sweep curve and gradient-descent walk, read back from what the scene drew
(lessons/cross_entropy_backprop.yaml), against numpy arithmetic written here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

from drawn import draw  # noqa: E402

from lesson.base.errors import LessonError  # noqa: E402
from lesson.check import parse_lesson  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PART7 = ROOT / "lessons" / "cross_entropy_backprop.yaml"
MINUS = "\u2212"
W1, B1 = np.array([[-2.5, 0.6], [-1.5, 0.4]]), np.array([1.6, 0.7])
W2 = np.array([[-0.1, 1.5], [2.4, -5.2], [-2.2, 3.7]])
FLOWERS = np.array([[0.04, 0.42], [1.00, 0.54], [0.50, 0.37]])
OBSERVED = [0, 2, 1]


def total(b3: float) -> float:
    z = np.maximum(FLOWERS @ W1.T + B1, 0) @ W2.T + np.array([b3, 0.0, 1.0])
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-sum(logp[i, c] for i, c in enumerate(OBSERVED)))


def slope(b3: float) -> float:
    z = np.maximum(FLOWERS @ W1.T + B1, 0) @ W2.T + np.array([b3, 0.0, 1.0])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(sum(p[i, 0] - (c == 0) for i, c in enumerate(OBSERVED)))


def shown(v: float, d: int = 2) -> str:
    q = Decimal(f"{v:.15g}").quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    return str(abs(q) if q == 0 else q).replace("-", MINUS)


@pytest.fixture(scope="module")
def walk():
    return draw(PART7, "walk")


def test_the_walk_goes_down_the_swept_curve_step_by_step(walk):
    # gradient descent by hand: b <- b - 1 * slope(b), until a step is smaller than 0.001
    b, stops = -2.0, []
    while True:
        stops.append(b)
        step = slope(b)
        b -= step
        if abs(step) < 0.001:
            break
    stops.append(b)
    labels = walk.ever()
    first = f"b3 = −2, total ≈ {shown(total(-2.0))}"  # the start, typed in the script: as typed
    last = f"b3 ≈ {shown(stops[-1])}, total ≈ {shown(total(stops[-1]))}"
    assert first in labels and last in labels
    assert f"b3 ≈ {shown(stops[1])}, total ≈ {shown(total(stops[1]))}" in labels
    data = walk.step.data
    drawn_stops = data["walk"]["stops"]
    assert len(drawn_stops) == min(len(stops), 8)
    assert [s["x"] for s in drawn_stops[:7]] == pytest.approx(stops[:7], abs=1e-9)
    assert drawn_stops[-1]["x"] == pytest.approx(stops[-1], abs=1e-9)
    # the curve and every leg of the walk lie on the total cross-entropy
    for segment in data["curves"][0]["segments"]:
        for x, y in segment[:: max(1, len(segment) // 20)]:
            assert y == pytest.approx(total(x), abs=1e-9)
    for leg in data["walk"]["legs"]:
        for x, y in leg:
            assert y == pytest.approx(total(x), abs=1e-9)
    assert walk.layout_problems == []
    assert "total cross-entropy" in walk.texts()


def error_at(text: str, line_text: str) -> tuple[int, str]:
    """The line of Part 7 edited to ``text`` that is ``line_text`` (from 1), and the loader's message for ``text``."""
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, str(PART7))
    return text.splitlines().index(line_text) + 1, str(caught.value)


def test_a_descent_must_follow_the_sweep_it_walks_on():
    text = PART7.read_text().replace("  curve: {of: total, by: b3, range: [-4, 4]}",
                                     "  curve: {of: total, by: b3, range: [-4, 4]}\n  other: {of: example.first.softmax.setosa, by: b3, range: [-4, 4]}")
    text = text.replace("    sweep: {name: curve, label: total cross-entropy}\n    descent: descent",
                        "    sweep: {name: other}\n    descent: descent")
    line, message = error_at(text, "    descent: descent")
    assert f"{PART7}:{line}:14: the descent follows total by b3 but the sweep draws example.first.softmax.setosa by b3" in message


def test_a_point_on_a_sweeps_plot_away_from_the_parameters_value_is_an_error_at_it():
    # a sweep's curve is known at the parameter's value in the lesson (the loss there is the lesson's quantity): a point
    # sits there, or where a descent of it ends (the lowest point), or nowhere
    text = PART7.read_text().replace("    sweep: {name: curve, label: total cross-entropy}\n    descent: descent",
                                     "    sweep: {name: curve, label: total cross-entropy}\n    descent: descent\n    points: [{x: 0.5}]", 1)
    assert "points: [{x: 0.5}]" in text
    line, message = error_at(text, "    points: [{x: 0.5}]")
    assert (f"{PART7}:{line}:18: a point of a sweep's plot sits at the swept parameter's value: write x: b3 or one_step.final or "
            "descent.final, not 0.5"
            in message)


def test_a_step_across_the_minimum_hops_over_the_valley_and_a_step_down_follows_the_curve():
    text = PART7.read_text().replace("  descent: {of: total, by: b3, learning_rate: 1, until: 0.001}",
                                     "  descent: {of: total, by: b3, learning_rate: 1, until: 0.001}\n"
                                     "  jump: {of: total, by: b3, learning_rate: 3, steps: 4}", 1)
    text = text.replace("    sweep: {name: curve, label: total cross-entropy}\n    descent: descent",
                        "    sweep: {name: curve, label: total cross-entropy}\n    descent: jump", 1)
    assert "descent: jump" in text
    from lesson.check import check_text

    plan = check_text(text, str(PART7), PART7.parent).plan
    walk = next(s for s in plan.steps if s.id == "walk").data["walk"]
    xs = [s["x"] for s in walk["stops"]]
    expected = [-2.0]
    for _ in range(4):
        expected.append(expected[-1] - 3 * slope(expected[-1]))
    assert xs == pytest.approx(expected, rel=1e-9)
    assert all((a + 0.0316) * (b + 0.0316) < 0 for a, b in zip(xs, xs[1:]))  # lr 3 overshoots: each step crosses b3 = -0.03
    for (a, b), leg in zip(zip(walk["stops"], walk["stops"][1:]), walk["legs"]):
        assert leg[0] == pytest.approx([a["x"], a["y"]]) and leg[-1] == pytest.approx([b["x"], b["y"]])
        chord = lambda x: a["y"] + (b["y"] - a["y"]) * (x - a["x"]) / (b["x"] - a["x"])  # noqa: E731
        assert all(y >= chord(x) - 1e-12 for x, y in leg) and max(y for _, y in leg) > max(a["y"], b["y"])  # over it
    slow = next(s for s in check_text(PART7.read_text(), str(PART7), PART7.parent).plan.steps if s.id == "walk").data["walk"]
    for leg in slow["legs"]:  # lr 1 from -2 only goes down: the dot slides along the curve itself
        assert all(y == pytest.approx(total(x), rel=1e-9) for x, y in leg)
