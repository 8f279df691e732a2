"""Slides (lesson/kinds/slide.py, scenes/slide.py): a value moving continuously on a plot, every dot and number on
screen following it. The plan's samples are checked against arithmetic done here (numpy / math, not the math core),
and the scene's frames against the plan: in every frame of a leg each readout is one of the plan's texts for that
leg, the dots lie on their curves, and the x a readout shows is within one sample of where its dot is."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

from lesson.check import check_lesson
from lesson.base.errors import LessonError

ROOT = Path(__file__).resolve().parents[1]
CROSS_ENTROPY = ROOT / "lessons" / "cross_entropy.yaml"
ARGMAX = ROOT / "lessons" / "argmax_softmax.yaml"
MINUS = "\u2212"
NEG_LOG = re.compile(r"^−log\(([\d.]+)\) (=|≈) ([\d.]+)$")


def rounded(v: float, d: int) -> str:
    """A person's rounding (half away from zero) of what the float means, with a real minus."""
    q = Decimal(f"{v:.15g}").quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    return str(abs(q) if q == 0 else q).replace("-", MINUS)


def number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def places(text: str) -> int:
    return len(text.partition(".")[2])


def step_of(checked, step_id: str):
    return next(s for s in checked.plan.steps if s.id == step_id)


@pytest.fixture(scope="module")
def cross_entropy():
    return check_lesson(CROSS_ENTROPY)


@pytest.fixture(scope="module")
def argmax():
    return check_lesson(ARGMAX)


# ---------------------------------------------------------------- the plan's samples


@pytest.mark.unit
def test_p_slides_up_to_0_98_then_down_to_0_05_with_every_equation_true_at_its_digits(cross_entropy):
    values = cross_entropy.numbers.values()
    step = step_of(cross_entropy, "curve")
    slide = step.data["slide"]
    (flower3,) = [p["label"] for p in step.data["points"] if p["name"] == "flower 3"]
    legs = slide["legs"]
    assert [leg["cues"] for leg in legs] == [["sentence.4"], ["sentence.5"]] and [leg["seconds"] for leg in legs] == [3.0, 4.0]
    texts = [[s["texts"][0][0] for s in leg["samples"]] for leg in legs]
    # each leg starts where x is and ends at its stop: flower 3's p as the lesson shows it, 0.98, 0.05
    assert texts[0][0] == flower3
    assert NEG_LOG.fullmatch(texts[0][-1]).group(1) == "0.98" == NEG_LOG.fullmatch(texts[1][0]).group(1)
    assert NEG_LOG.fullmatch(texts[1][-1]).group(1) == "0.05"
    for leg, shown in zip(legs, texts):
        xs = []
        for sample, text in zip(leg["samples"], shown):
            x_text, relation, y_text = NEG_LOG.fullmatch(text).groups()
            x = values["example.third.p_observed"] if text == flower3 else float(x_text)
            assert y_text == rounded(-math.log(x), places(y_text)), text
            assert relation == ("=" if Decimal(y_text) == Decimal(f"{-math.log(x):.15g}") else "≈"), text
            assert 0 <= sample["at"] <= 1
            xs.append(x)
        assert len(xs) >= 10 and all(np.diff(xs) * np.sign(xs[-1] - xs[0]) > 0)  # one way, no sample twice
        ats = [s["at"] for s in leg["samples"]]
        assert ats[0] == 0 and ats[-1] == 1 and all(np.diff(ats) > 0)
        # the share of the leg at a sample is how far x has gone: x moves at an even pace
        assert np.allclose(ats, (np.array(xs) - xs[0]) / (xs[-1] - xs[0]))
        (path,) = leg["paths"]
        share, px, py = np.array(path).T
        assert np.allclose(py, -np.log(px), rtol=0, atol=1e-12) and np.allclose(share, (px - xs[0]) / (xs[-1] - xs[0]))
        assert (px[0], px[-1]) == (xs[0], xs[-1])
    # the lesson's own value is recorded as drawn in its one form; the samples between are not lesson quantities
    drawn = {q: t for q, t, how, _ in step.numbers}
    assert drawn["example.third.p_observed"] == flower3.split("(")[1].split(")")[0]


@pytest.mark.unit
def test_the_setosa_value_slides_up_through_the_threshold_argmax_jumping_and_softmax_gliding(argmax):
    values = argmax.numbers.values()
    step = step_of(argmax, "argmax_gradient")
    raw = [values[f"raw.{c}"] for c in ("setosa", "versicolor", "virginica")]
    t, z = values["threshold.setosa"], raw[0]
    others = sum(math.exp(v) for v in raw[1:])
    legs = step.data["slide"]["legs"]
    # up to the threshold from "slide the setosa value", on to the example's value at the threshold, and back down over
    # both flat pieces from the sentence that says they are flat
    assert [leg["cues"] for leg in legs] == [["sentence.2"], ["threshold.setosa"], ["sentence.4"]]
    forms = {q: text for q, text, _, _ in step.numbers}
    seen_argmax = set()
    for leg in legs:
        for sample in leg["samples"]:
            (x_line, argmax_line), (softmax_line,) = sample["texts"]
            x_text = x_line.removeprefix("raw output ")
            x = z if x_text == forms["raw.setosa"] else t if x_text == forms["threshold.setosa"] else number(x_text)
            p_text = softmax_line.removeprefix("SoftMax ")
            assert p_text == rounded(math.exp(x) / (math.exp(x) + others), places(forms["softmax.setosa"])), sample
            assert argmax_line == ("ArgMax 1" if x >= t else "ArgMax 0"), sample  # at the tie, the first class's 1
            seen_argmax.add(argmax_line)
        argmax_path, softmax_path = (np.array(p) for p in leg["paths"])
        assert np.allclose(softmax_path[:, 2], np.exp(softmax_path[:, 1]) / (np.exp(softmax_path[:, 1]) + others), atol=1e-12)
        below = argmax_path[:, 1] < t
        assert set(argmax_path[below, 2]) <= {0.0} and set(argmax_path[argmax_path[:, 1] > t, 2]) <= {1.0}
    assert seen_argmax == {"ArgMax 0", "ArgMax 1"}
    # it starts left of the threshold, reaches it at the end of the first leg and the example's value at the end
    first, second, back = legs[0]["samples"], legs[1]["samples"], legs[2]["samples"]
    assert number(first[0]["texts"][0][0].removeprefix("raw output ")) < t
    assert first[-1]["texts"][0][0] == "raw output " + forms["threshold.setosa"] == second[0]["texts"][0][0]
    assert second[-1]["texts"] == [["raw output " + forms["raw.setosa"], "ArgMax " + forms["argmax.setosa"]],
                                   ["SoftMax " + forms["softmax.setosa"]]] == back[0]["texts"]
    assert back[-1]["texts"] == first[0]["texts"]
    down = np.array(legs[2]["paths"][0])  # coming down, ArgMax drops from 1 to 0 at the threshold
    assert list(down[np.isclose(down[:, 1], t), 2]) == [1.0, 0.0]


# ---------------------------------------------------------------- bad slides, at their place


def problem(old: str, new: str) -> str:
    text = CROSS_ENTROPY.read_text()
    assert old in text
    try:
        check_lesson_text(text.replace(old, new))
    except LessonError as exc:
        return str(exc)
    raise AssertionError("no problem found")


def check_lesson_text(text: str):
    from lesson.check import check_text

    return check_text(text, str(CROSS_ENTROPY), CROSS_ENTROPY.parent)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.unit
def test_a_slide_past_the_axes_an_unknown_value_or_a_curve_not_drawn_is_reported_at_its_place():
    text = CROSS_ENTROPY.read_text()
    stop = "        - {to: 0.05, cue: sentence.5, seconds: 4}"
    line = line_of(text, stop)
    message = problem(stop, "        - {to: 1.5, cue: sentence.5, seconds: 4}")
    assert f"cross_entropy.yaml:{line}:" in message and "slide" in message and "outside the x range" in message
    message = problem(stop, "        - {to: example.fourth.p_observed, cue: sentence.5}")
    assert f"cross_entropy.yaml:{line}:16: unknown placeholder 'example.fourth.p_observed'" in message
    message = problem(stop, "        - {to: 0.05, cue: sentence.9}")
    assert f"cross_entropy.yaml:{line}:27: cue: 'sentence.9': the narration has 5 sentences" in message
    message = problem("      start: example.third.p_observed\n", "      start: example.third.p_observed\n      curves: [sigmoid]\n")
    assert f"cross_entropy.yaml:{line_of(text, '      stops:')}:16:" in message and "'sigmoid' is not one of the plot's curves" in message
    message = problem(stop, "        - {to: 0.05, cue: sentence.5, seconds: 20}")
    assert f"cross_entropy.yaml:{line}:" in message and "seconds" in message and "8" in message


@pytest.mark.unit
def test_one_slide_over_two_curves_carries_a_dot_and_a_true_equation_for_each_every_x_at_the_same_digits():
    example = ROOT / "lessons" / "examples" / "plot.yaml"
    text = example.read_text()
    old = "      - {curve: softplus, x: raw.cloudy, label: cloudy}\n"
    assert old in text
    text = text.replace(old, old + "    slide: {start: -2, stops: [{to: 2.5, cue: sentence.3, seconds: 4}], curves: [relu, softplus]}\n", 1)
    from lesson.check import check_text

    step = check_text(text, str(example), example.parent).plan.steps[0]
    slide = step.data["slide"]
    assert [r["color"] for r in slide["riders"]] == [c["color"] for c in step.data["curves"]]
    (leg,) = slide["legs"]
    equation = re.compile(r"^(ReLU|softplus)\(([−\d.]+)\) (=|≈) ([−\d.]+)$")
    first, last = leg["samples"][0]["texts"], leg["samples"][-1]["texts"]
    assert first == [["ReLU(−2.00) = 0.00"], ["softplus(−2.00) ≈ 0.13"]] and last == [["ReLU(2.50) = 2.50"], ["softplus(2.50) ≈ 2.58"]]
    for sample in leg["samples"][1:-1]:
        (relu,), (softplus,) = sample["texts"]
        fn, x_text, relation, y_text = equation.fullmatch(relu).groups()
        x = number(x_text)
        assert (fn, relation, y_text) == ("ReLU", "=", rounded(max(x, 0.0), 2)) and places(x_text) == 2
        fn, x2_text, relation, y_text = equation.fullmatch(softplus).groups()
        assert (fn, x2_text, relation, y_text) == ("softplus", x_text, "≈", rounded(math.log1p(math.exp(x)), 2))
    relu_path, softplus_path = (np.array(p) for p in leg["paths"])
    assert np.allclose(relu_path[:, 2], np.maximum(relu_path[:, 1], 0)) and np.allclose(softplus_path[:, 2], np.log1p(np.exp(softplus_path[:, 1])))


@pytest.mark.unit
def test_tangents_ride_with_their_dots_each_slope_read_out_true_at_its_digits(cross_entropy):
    step = step_of(cross_entropy, "compare")
    (leg,) = step.data["slide"]["legs"]
    slopes = {"−log": lambda x: -1 / x, "SR": lambda x: -2 * (1 - x)}
    slope = re.compile(r"^\(?(−log|SR)\)?′\(([\d.]+)\) (=|≈) (−[\d.]+)$")
    for sample in leg["samples"]:
        for lines in sample["texts"]:
            (_, derivative) = lines
            fn, x_text, relation, text = slope.fullmatch(derivative).groups()
            exact = slopes[fn](float(x_text))
            assert text == rounded(exact, places(text)), derivative
            # "=" only where the slope is exactly what is written ("≈" is true of any rounding)
            assert relation == "≈" or Decimal(text.replace(MINUS, "-")) == Decimal(f"{exact:.15g}"), derivative
    assert leg["samples"][3]["texts"][1][1].startswith("SR′(") and any(
        "=" in s["texts"][1][1] for s in leg["samples"])  # −2(1 − x) at a round x is often exact: written "="
    for path, ends, fn in zip(leg["paths"], leg["tangents"], ("−log", "SR")):
        for (share, x, y), (share2, ax, ay, bx, by) in zip(path, ends):
            assert share == share2 and ax < x < bx or math.isclose(ax, x) or math.isclose(bx, x)
            k = slopes[fn](x)  # both ends on the line through the dot with the curve's slope there
            assert math.isclose(ay, y + k * (ax - x), abs_tol=1e-9) and math.isclose(by, y + k * (bx - x), abs_tol=1e-9)
