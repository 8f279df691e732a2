"""Regression networks (output: identity), their losses, gradients of any loss or define: value (automatic
differentiation, compared here with finite differences of plain numpy), descents of several parameters, the
chain-rule factors, and lessons/backprop_b3.yaml's published figures."""

import math
from pathlib import Path

import numpy as np
import pytest

from lesson.check import check_lesson, check_text
from lesson.base.errors import LessonError

ROOT = Path(__file__).resolve().parent.parent

W1, B1 = np.array([3.34, -3.53]), np.array([-1.43, 0.57])
W2 = np.array([-1.22, -2.30])
DOSES, OBSERVED = np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 0.0])


def softplus(x):
    return np.log1p(np.exp(x))


def predict(dose, w3=-1.22, w4=-2.30, b3=0.0):
    h = softplus(W1 * dose + B1)
    return w3 * h[0] + w4 * h[1] + b3


def ssr(**kw):
    return sum((o - predict(d, **kw)) ** 2 for d, o in zip(DOSES, OBSERVED))


BASE = """\
id: t
title: T
network:
  inputs:
    - {name: dosage, range: [0, 1]}
  layers:
    - activation: softplus
      nodes: [top, bottom]
      weights: [[3.34], [-3.53]]
      bias: [-1.43, 0.57]
    - activation: identity
      weights: [[-1.22, -2.30]]
      bias: [0]
  classes:
    - {name: efficacy, color: "#4fa3e0"}
  output: identity
example: {raw: {dosage: 0.5}, observed: 1}
parameters:
  w3: {layer: 2, weight: [efficacy, top]}
  w4: {layer: 2, weight: [efficacy, bottom]}
  b3: {layer: 2, bias: efficacy}
examples:
  low: {raw: {dosage: 0}, observed: 0}
  mid: {raw: {dosage: 0.5}, observed: 1}
  high: {raw: {dosage: 1}, observed: 0}
"""
STEP = """\
steps:
  - kind: text
    title: T
    points: ["{predicted}"]
    narration: Hello {predicted}.
"""


def values(extra):
    return check_text(BASE + extra + STEP, "t.yaml", Path(".")).numbers.values()


def problems(text):
    with pytest.raises(LessonError) as caught:
        check_text(text, "t.yaml", Path("."))
    return [str(p) for p in caught.value.problems]


def test_backprop_b3_gives_the_published_figures():
    v = check_lesson(ROOT / "lessons" / "backprop_b3.yaml").numbers.values()
    assert [round(v[f"example.{e}.predicted"], 2) for e in ("low", "mid", "high")] == [-2.60, -1.61, -2.61]
    assert round(v["ssr"], 2) == 20.42
    assert round(v["slope"], 2) == -15.66
    assert round(v["one_step.1.step"], 2) == -1.57 and round(v["one_step.1.new_value"], 2) == 1.57
    assert round(v["walk.final"], 2) == 2.61 and round(v["curve.argmin"], 2) == 2.61
    # and the same by plain numpy
    assert v["ssr"] == pytest.approx(ssr(), rel=1e-12)
    assert v["slope"] == pytest.approx(sum(-2 * (o - predict(d)) for d, o in zip(DOSES, OBSERVED)), rel=1e-12)
    assert v["curve.argmin"] == pytest.approx(np.mean([o - predict(d) for d, o in zip(DOSES, OBSERVED)]), abs=1e-7)
    # the chain rule's factors, each example: d SSR / d predicted = -2 (observed - predicted), d predicted / d b3 = 1
    for e, d, o in zip(("low", "mid", "high"), DOSES, OBSERVED):
        assert v[f"slope.{e}.d_loss"] == pytest.approx(-2 * (o - predict(d)), rel=1e-12)
        assert v[f"slope.{e}.d_output"] == 1.0
        assert v[f"slope.{e}"] == pytest.approx(v[f"slope.{e}.d_loss"] * v[f"slope.{e}.d_output"], rel=1e-14)
    # a regression shows no SoftMax: no such placeholder
    assert not any(k.startswith(("softmax.", "exp.", "argmax.")) or k == "prediction" for k in v)


def test_gradients_of_every_weight_and_of_mse_against_finite_differences():
    v = values("""
losses:
  ssr: {loss: squared_residuals}
  mean: {loss: mse}
gradients:
  g3: {of: ssr, by: w3}
  g4: {of: ssr, by: w4}
  gm: {of: mean, by: w4}
""")
    h = 1e-6
    assert v["g3"] == pytest.approx((ssr(w3=-1.22 + h) - ssr(w3=-1.22 - h)) / (2 * h), rel=1e-6)
    assert v["g4"] == pytest.approx((ssr(w4=-2.30 + h) - ssr(w4=-2.30 - h)) / (2 * h), rel=1e-6)
    assert v["mean"] == pytest.approx(ssr() / 3, rel=1e-12)
    assert v["gm"] == pytest.approx(v["g4"] / 3, rel=1e-12)
    # d predicted / d w3 is the top node's value for that dose
    assert v["g3.high.d_output"] == pytest.approx(float(softplus(3.34 - 1.43)), rel=1e-12)


def test_gradient_sweep_and_descent_of_a_define_expression():
    v = values("""
losses:
  ssr: {loss: squared_residuals}
define:
  rms: "(ssr / ssr.count) ^ 0.5"
  penalised: "rms + 0.1 * w3 ^ 2 + log(1 + exp(example.mid.predicted))"
gradients:
  g: {of: penalised, by: w3}
sweeps:
  s: {of: penalised, by: b3, range: [-2, 6]}
descents:
  d: {of: penalised, by: b3, learning_rate: 0.5, steps: 3}
""")

    def penalised(w3=-1.22, b3=0.0):
        rms = math.sqrt(ssr(w3=w3, b3=b3) / 3)
        return rms + 0.1 * w3**2 + math.log(1 + math.exp(predict(0.5, w3=w3, b3=b3)))

    h = 1e-6
    assert v["penalised"] == pytest.approx(penalised(), rel=1e-12)
    assert v["g"] == pytest.approx((penalised(w3=-1.22 + h) - penalised(w3=-1.22 - h)) / (2 * h), rel=1e-6)
    grid = np.linspace(-2, 6, 2001)
    best = grid[np.argmin([penalised(b3=b) for b in grid])]
    assert v["s.argmin"] == pytest.approx(best, abs=5e-3)
    assert v["s.min"] <= min(penalised(b3=b) for b in grid) + 1e-12
    b = 0.0
    for n in (1, 2, 3):
        slope = (penalised(b3=b + h) - penalised(b3=b - h)) / (2 * h)
        assert v[f"d.{n}.value"] == pytest.approx(b, abs=1e-9)
        assert v[f"d.{n}.gradient"] == pytest.approx(slope, rel=1e-6)
        b = b - 0.5 * v[f"d.{n}.gradient"]
        assert v[f"d.{n}.new_value"] == pytest.approx(b, rel=1e-12)


def test_a_descent_of_three_parameters_at_once():
    v = values("""
losses:
  ssr: {loss: squared_residuals}
descents:
  all: {of: ssr, by: [w3, w4, b3], learning_rate: 0.05, steps: 20}
""")
    point = {"w3": -1.22, "w4": -2.30, "b3": 0.0}
    h = 1e-6
    for n in (1, 2):
        assert v[f"all.{n}.loss"] == pytest.approx(ssr(**point), rel=1e-12)
        for p in point:
            up, down = dict(point), dict(point)
            up[p] += h
            down[p] -= h
            slope = (ssr(**up) - ssr(**down)) / (2 * h)
            assert v[f"all.{n}.value.{p}"] == pytest.approx(point[p], abs=1e-12)
            assert v[f"all.{n}.gradient.{p}"] == pytest.approx(slope, rel=1e-6)
            assert v[f"all.{n}.step.{p}"] == pytest.approx(0.05 * v[f"all.{n}.gradient.{p}"], rel=1e-14)
        point = {p: v[f"all.{n}.new_value.{p}"] for p in point}
    assert v["all.final_loss"] < v["all.1.loss"] / 2
    assert set(k for k in v if k.startswith("all.final.")) == {"all.final.w3", "all.final.w4", "all.final.b3"}


def test_regression_problems_at_their_place():
    text = BASE.replace("  mid: {raw: {dosage: 0.5}, observed: 1}", "  mid: {raw: {dosage: 0.5}, label: efficacy}") + """
losses:
  ce: {loss: cross_entropy}
descents:
  d: {of: ce, by: [w3, nope], learning_rate: 0.1, steps: 2}
""" + STEP
    found = problems(text)
    assert any(p.startswith("t.yaml:24:") and "observed values, not a class" in p for p in found), found
    assert any(p.startswith("t.yaml:28:") and "cross_entropy needs a classifier" in p for p in found), found
    assert any(p.startswith("t.yaml:30:") and "unknown parameter 'nope'" in p for p in found), found


def test_a_classifier_needs_two_classes_and_a_regression_one_observed_value_each():
    one_class = BASE.replace("  output: identity\n", "")
    assert any("at least 2 classes" in p and "output: identity" in p for p in problems(one_class + STEP))
    missing = BASE.replace("  high: {raw: {dosage: 1}, observed: 0}", "  high: {raw: {dosage: 1}}")
    assert any(p.startswith("t.yaml:25:") and "needs its observed value" in p for p in problems(missing + STEP))


def test_a_define_that_a_gradient_cannot_follow_is_an_error_at_of():
    text = BASE + """
losses:
  ssr: {loss: squared_residuals}
descents:
  one: {of: ssr, by: b3, learning_rate: 0.1, steps: 1}
define:
  after: "ssr + one.1.step"
gradients:
  g: {of: after, by: b3}
""" + STEP
    found = problems(text)
    assert any(p.startswith("t.yaml:34:") and "uses one.1.step" in p for p in found), found


def test_define_takes_a_hundred_entries():
    defs = "".join(f"  v{i}: \"{i} + b3\"\n" for i in range(100))
    v = values("define:\n" + defs)
    assert v["v99"] == 99.0
    found = problems(BASE + "define:\n" + defs + "  v100: \"1\"\n" + STEP)
    assert any("100" in p for p in found), found


def test_a_regressions_examples_from_data_rows_with_their_observed_values(tmp_path):
    (tmp_path / "doses.csv").write_text("dose,efficacy\n0,0\n0.5,1\n1,0\n0.25,0.4\n")
    text = BASE.replace("""examples:
  low: {raw: {dosage: 0}, observed: 0}
  mid: {raw: {dosage: 0.5}, observed: 1}
  high: {raw: {dosage: 1}, observed: 0}
""", """data:
  file: doses.csv
  columns: {dosage: dose}
  observed: efficacy
examples:
  low: {row: 1}
  mid: {where: {efficacy: 1}}
  high: {row: 3}
  quarter: {where: {dose: 0.25}}
losses:
  ssr: {loss: squared_residuals, examples: [low, mid, high]}
""") + STEP
    (tmp_path / "t.yaml").write_text(text)
    v = check_lesson(tmp_path / "t.yaml").numbers.values()
    assert round(v["ssr"], 2) == 20.42 and v["data.rows"] == 4
    assert v["example.mid.row"] == 2 and v["example.mid.observed"] == 1.0
    assert v["example.quarter.observed"] == 0.4 and v["example.quarter.predicted"] == pytest.approx(predict(0.25), rel=1e-12)
    missing = text.replace("  observed: efficacy\n", "")
    (tmp_path / "t.yaml").write_text(missing)
    with pytest.raises(LessonError) as caught:
        check_lesson(tmp_path / "t.yaml")
    assert any("needs its observed values from the data" in p.message for p in caught.value.problems)


def test_a_chain_of_defines_is_followed_once_each():
    # each define uses the one before twice: written into one another, the tree would double 99 times
    defs = '  a0: "b3 + ssr"\n' + "".join(f'  a{k}: "(a{k - 1} + a{k - 1}) / 2"\n' for k in range(1, 100))
    v = values("losses:\n  ssr: {loss: squared_residuals}\ngradients:\n  g: {of: a99, by: b3}\n  s: {of: ssr, by: b3}\ndefine:\n" + defs)
    assert v["a99"] == pytest.approx(ssr(), rel=1e-12)
    assert v["g"] == pytest.approx(1 + v["s"], rel=1e-12)


def test_a_sweep_of_a_regression_examples_prediction():
    v = values("sweeps:\n  s: {of: example.mid.predicted.efficacy, by: w4, range: [-4, 0]}\n")
    # the prediction falls as w4 falls (the bottom node's value is positive): lowest at the range's low end
    assert v["s.argmin"] == -4.0
    assert v["s.min"] == pytest.approx(predict(0.5, w4=-4.0), rel=1e-12)
