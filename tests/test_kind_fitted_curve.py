"""The ``fitted_curve`` step kind: the plan of lessons/examples/fitted_curve.yaml against the network worked out by
hand, the scene's drawing (legend, layout), dosage_squiggle's shifted curve, and bad options at FILE:LINE:COL."""

from pathlib import Path

import numpy as np
import pytest
from drawn import draw

from lesson.check import check_lesson, check_text
from lesson.base.errors import LessonError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "fitted_curve.yaml"
SQUIGGLE = ROOT / "lessons" / "dosage_squiggle.yaml"
MINUS = "\u2212"


def growth(hours, bias=1.0):
    x = hours / 12
    early, late = max(1.5 * x, 0.0), max(2.5 * x - 1.5, 0.0)
    return 2 * early - 3 * late + bias, (2 * early, -3 * late)


def plan_of(path, step_id):
    return next(s for s in check_lesson(path).plan.steps if s.id == step_id).data


def test_the_example_plans_parts_sum_curve_points_and_residuals_from_the_network():
    data = plan_of(EXAMPLE, "fitted_curve")
    stages = data["stages"]
    assert [len(s["curves"]) for s in stages] == [2, 1, 1, 0, 0]
    parts, total, curve = stages[0]["curves"], stages[1]["curves"][0], stages[2]["curves"][0]
    assert [c["name"] for c in parts] == ["2 × early", f"{MINUS}3 × late"] and total["name"] == "their sum"
    assert curve["name"] == "Growth"
    for seg in curve["segments"]:
        for x, y in seg:
            assert y == pytest.approx(growth(x)[0], abs=1e-12)
    for seg in total["segments"]:
        for x, y in seg:
            assert y == pytest.approx(growth(x)[0] - 1.0, abs=1e-12)
    for c, j in zip(parts, (0, 1)):
        for x, y in c["segments"][0]:
            assert y == pytest.approx(growth(x)[1][j], abs=1e-12)
    dots = stages[3]["dots"]
    assert [(d["x"], d["y"]) for d in dots] == [(2.0, 1.8), (7.0, 2.8), (11.0, 1.2)]
    for seg, (h, observed) in zip(stages[4]["segments"], ((2, 1.8), (7, 2.8), (11, 1.2))):
        assert seg["from"] == [h, observed] and seg["to"][1] == pytest.approx(growth(h)[0], abs=1e-12)
    # one stage a sentence, from the second
    assert [s["cues"] for s in stages] == [[f"sentence.{i}"] for i in range(2, 7)]
    assert data["x_axis"]["range"] == [0, 12]


def test_the_scene_draws_the_legend_as_the_curves_come_and_a_clean_layout():
    drawing = draw(EXAMPLE, "fitted_curve")
    texts = drawing.strings()
    for name in ("2 × early", f"{MINUS}3 × late", "their sum", "Growth", "hours of sun", "growth"):
        assert name in texts, (name, texts)
    assert drawing.layout_problems == []
    # the legend's rows appear with their curves: after the first stage only the parts' names are there
    first = [s for s in drawing.seen if "2 × early" in [i.string for i in s]][0]
    assert "Growth" not in [i.string for i in first]


def test_dosage_squiggle_shifts_the_sum_by_the_fitted_bias():
    checked = check_lesson(SQUIGGLE)
    b3 = checked.numbers.values()["fit.final"]
    assert round(b3, 2) == 2.61
    data = next(s for s in checked.plan.steps if s.id == "shift").data
    total, curve = data["stages"][0]["curves"][0], data["stages"][1]["curves"][0]
    assert curve["name"] == "the sum + 2.61"
    for (x0, y0), (x1, y1) in zip(total["segments"][0], curve["segments"][0]):
        assert x0 == x1 and y1 - y0 == pytest.approx(b3, abs=1e-12)
    # the residuals run from each observation to the shifted curve
    predicted = [s["to"][1] for s in data["stages"][3]["segments"]]
    softplus = lambda z: np.log1p(np.exp(z))  # noqa: E731
    for x, p in zip((0, 0.5, 1), predicted):
        assert p == pytest.approx(-1.22 * softplus(3.34 * x - 1.43) - 2.30 * softplus(-3.53 * x + 0.57) + b3, abs=1e-12)


def test_bad_options_are_errors_at_their_place():
    text = EXAMPLE.read_text().replace("      - {show: points}", "      - {show: points, labels: [a, b]}").replace(
        "    stages:", "    input: sun\n    stages:")
    with pytest.raises(LessonError) as caught:
        check_text(text, "f.yaml", EXAMPLE.parent)
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith("f.yaml:36:") and "unknown input 'sun'" in p and "hours" in p for p in found), found
    assert any(p.startswith("f.yaml:41:") and "labels (one per hidden node) go with show: parts" in p for p in found), found
