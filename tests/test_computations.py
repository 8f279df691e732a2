"""The script's computations: named parameters, several examples, losses, gradients, sweeps, gradient descent,
define: and parameter counts, as placeholders; their problems at FILE:LINE:COL; and the two cross-entropy lessons,
recomputed here with plain numpy (not the math core)."""

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson.base import expr
from lesson.cli import cli
from lesson.base.errors import LessonError
from lesson.check import check_lesson, parse_lesson
from lesson.check import check_text

ROOT = Path(__file__).resolve().parent.parent
PART6 = ROOT / "lessons" / "cross_entropy.yaml"
PART7 = ROOT / "lessons" / "cross_entropy_backprop.yaml"

# ---------------------------------------------------------------- numpy by hand: the iris network of the course

W1 = np.array([[-2.5, 0.6], [-1.5, 0.4]])
B1 = np.array([1.6, 0.7])
W2 = np.array([[-0.1, 1.5], [2.4, -5.2], [-2.2, 3.7]])
FLOWERS = np.array([[0.04, 0.42], [1.00, 0.54], [0.50, 0.37]])
OBSERVED = [0, 2, 1]


def probabilities(b3):
    h = np.maximum(FLOWERS @ W1.T + B1, 0)
    z = h @ W2.T + np.array([b3, 0.0, 1.0])
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def total_ce(b3):
    p = probabilities(b3)
    return float(-sum(np.log(p[i, c]) for i, c in enumerate(OBSERVED)))


def numbers(path):
    result = CliRunner().invoke(cli, ["numbers", "--json", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def values(path):
    checked = check_lesson(path)
    return checked.numbers.values()


def test_part6_total_cross_entropy_by_hand():
    v = values(PART6)
    expected = total_ce(0.0)
    assert v["total"] == pytest.approx(expected, rel=1e-12)
    assert round(expected, 2) == 1.77
    p = probabilities(0.0)
    assert v["example.third.p_observed"] == pytest.approx(p[2, 1], rel=1e-12)
    assert v["total.second"] == pytest.approx(-np.log(p[1, 2]), rel=1e-12)
    squares = sum(((np.eye(3)[c] - p[i]) ** 2).sum() for i, c in enumerate(OBSERVED))
    assert v["squares"] == pytest.approx(squares, rel=1e-12)
    assert v["bad_ce"] == pytest.approx(-np.log(0.05)) and v["bad_sr_slope"] == pytest.approx(-1.9)


def test_part7_gradient_new_bias_and_optimum_by_hand():
    v = values(PART7)
    assert v["b3"] == -2.0
    h = 1e-6
    slope = (total_ce(-2.0 + h) - total_ce(-2.0 - h)) / (2 * h)
    assert v["slope"] == pytest.approx(slope, rel=1e-6)
    p = probabilities(-2.0)
    assert [v["slope.first"], v["slope.second"], v["slope.third"]] == pytest.approx([p[0, 0] - 1, p[1, 0], p[2, 0]], rel=1e-12)
    assert v["one_step.1.new_value"] == pytest.approx(-2.0 - 1.0 * slope, rel=1e-6)
    assert round(v["slope"], 2) == -0.77 and round(v["one_step.1.new_value"], 2) == -1.23
    assert v["one_step.final_loss"] == pytest.approx(total_ce(v["one_step.1.new_value"]), rel=1e-12)
    # the optimum, by a fine search over b3 with numpy alone
    coarse = np.linspace(-1, 1, 2001)
    best = coarse[np.argmin([total_ce(b) for b in coarse])]
    fine = np.linspace(best - 0.01, best + 0.01, 2001)
    optimum = fine[np.argmin([total_ce(b) for b in fine])]
    assert v["descent.final"] == pytest.approx(optimum, abs=2e-3)
    # the sweep's lowest point is the curve's own minimum, not its lowest sample (121 of them, 0.067 apart)
    assert v["curve.argmin"] == pytest.approx(optimum, abs=2e-5) and v["curve.min"] <= total_ce(optimum)
    assert v["descent.final_loss"] == pytest.approx(total_ce(optimum), abs=1e-6)
    assert abs(v["descent.last.step"]) < 0.001 <= abs(v["descent.1.step"])


def test_numbers_json_lists_the_computations():
    doc = numbers(PART7)
    assert doc["parameters"] == {"b3": -2.0}
    assert doc["gradients"]["slope"]["total"] == pytest.approx(values(PART7)["slope"])
    assert set(doc["gradients"]["slope"]["examples"]) == {"first", "second", "third"}
    steps = doc["descents"]["descent"]["steps"]
    assert steps[0]["value"] == -2.0 and steps[1]["value"] == steps[0]["new_value"]
    assert len(doc["sweeps"]["curve"]["x"]) == len(doc["sweeps"]["curve"]["y"]) > 50
    assert doc["parameter_counts"] == {"weights": 10, "biases": 5, "total": 15}


def test_every_value_shown_is_listed_by_lesson_numbers():
    for path in (PART6, PART7):
        listed = values(path)
        text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
        used = set(re.findall(r"\{([a-z][a-z0-9_.]*)(?::[^}\s]*)?\}", text))
        assert used and used <= set(listed), used - set(listed)


# ---------------------------------------------------------------- the script: a small lesson to vary

BASE = """\
id: t
title: T
network:
  inputs:
    - {name: a, range: [0, 1]}
    - {name: b, range: [0, 10]}
  layers:
    - activation: relu
      nodes: [top, bottom]
      weights: [[1, -1], [0.5, 0.5]]
      bias: [0, 0.1]
    - activation: identity
      weights: [[1, 0], [0, 1]]
      bias: [0, 0]
  classes:
    - {name: pass, color: "#4fa3e0"}
    - {name: fail, color: "#f08a4b"}
example: {scaled: {a: 0.5, b: 0.5}, label: pass}
"""
STEP = """\
steps:
  - kind: text
    title: T
    points: ["{x}"]
    narration: Hello {x}.
"""


def lesson(extra, step=STEP, name="t.yaml"):
    return check_text(BASE + extra + step.replace("{x}", "{n_classes}"), name, Path("."))


def problems(extra, step=STEP):
    with pytest.raises(LessonError) as caught:
        lesson(extra, step)
    return [str(p) for p in caught.value.problems]


def test_parameters_by_name_or_number_and_their_gradients():
    got = lesson("""
parameters:
  w: {layer: 1, weight: [bottom, b]}
  c: {layer: 2, bias: 2}
examples:
  one: {scaled: {a: 0.2, b: 0.4}, label: fail}
  two: {raw: {a: 0.9, b: 1}, label: pass}
losses:
  ce: {loss: cross_entropy}
  sr: {loss: squared_residuals, examples: [two]}
gradients:
  gw: {of: ce, by: w}
  gc: {of: sr, by: c}
""").numbers.values()
    assert got["w"] == 0.5 and got["c"] == 0.0
    # by hand: h = relu(W1 x + b1), z = h (identity), loss = -log softmax(z)[label]
    x = np.array([[0.2, 0.4], [0.9, 0.1]])
    w1, b1 = np.array([[1, -1], [0.5, 0.5]]), np.array([0, 0.1])
    h = np.maximum(x @ w1.T + b1, 0)
    p = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    labels = [1, 0]
    d_z = p - np.eye(2)[labels]  # d ce / d z = d ce / d h (identity layer, W2 = I)
    d_pre = d_z[:, 1] * (x @ w1.T + b1 > 0)[:, 1]
    assert got["gw.one"] == pytest.approx(d_pre[0] * x[0, 1]) and got["gw.two"] == pytest.approx(d_pre[1] * x[1, 1])
    assert got["gw"] == pytest.approx(d_pre @ x[:, 1])
    assert got["ce.one"] == pytest.approx(-np.log(p[0, 1])) and got["ce.count"] == 2
    # squared residuals of two: (1 - p_yes)^2 + (0 - p_no)^2; its slope by c (z_no) is by finite differences
    assert got["sr"] == pytest.approx((1 - p[1, 0]) ** 2 + p[1, 1] ** 2)

    def sr(c):
        z = h[1] + np.array([0, c])
        q = np.exp(z) / np.exp(z).sum()
        return (1 - q[0]) ** 2 + q[1] ** 2

    assert got["gc"] == pytest.approx((sr(1e-6) - sr(-1e-6)) / 2e-6, rel=1e-6)


def test_a_sweep_of_an_output_and_its_lowest_point():
    checked = lesson("""
parameters:
  c: {layer: 2, bias: fail}
examples:
  one: {scaled: {a: 0.2, b: 0.4}, label: fail}
sweeps:
  s: {of: example.one.softmax.pass, by: c, range: [-3, 3]}
""")
    curve = checked.numbers.computed.sweeps["s"]
    h = np.maximum(np.array([0.2 * 1 - 0.4, 0.2 * 0.5 + 0.4 * 0.5 + 0.1]), 0)  # the hidden values of example one
    for x, y in zip(curve.x[::20], curve.y[::20]):
        z = h + np.array([0.0, x])
        assert y == pytest.approx(np.exp(z[0]) / np.exp(z).sum(), rel=1e-12)
    got = checked.numbers.values()
    assert got["s.argmin"] == 3.0 and got["s.min"] == pytest.approx(curve.y[-1])
    assert got["parameters.total"] == 12 and got["parameters.weights"] == 8 and got["parameters.biases"] == 4


def test_define_with_sums_over_classes_and_examples():
    got = lesson("""
examples:
  one: {scaled: {a: 0.2, b: 0.4}, label: fail}
  two: {scaled: {a: 0.9, b: 0.1}, label: pass}
losses:
  ce: {loss: cross_entropy}
define:
  ones: "sum(example.one.softmax.*)"
  mean: "sum(ce.*) / ce.count"
  twice: "2 * mean"
""").numbers.values()
    assert got["ones"] == pytest.approx(1.0)
    assert got["mean"] == pytest.approx((got["ce.one"] + got["ce.two"]) / 2)
    assert got["twice"] == pytest.approx(2 * got["mean"])


IRIS_EXAMPLES = """\
id: t
title: T
network:
  inputs:
    - {name: petal_width, range: [0.1, 2.5]}
    - {name: sepal_width, range: [2.0, 4.4]}
  layers:
    - activation: identity
      weights: [[1, 0], [0, 1], [1, 1]]
      bias: [0, 0, 0]
  classes:
    - {name: setosa, color: "#4fa3e0"}
    - {name: versicolor, color: "#f08a4b"}
    - {name: virginica, color: "#9b6ee8"}
example: {scaled: {petal_width: 0.5, sepal_width: 0.5}}
data:
  file: iris
  columns: {petal_width: petal_width_cm, sepal_width: sepal_width_cm}
examples:
  fifth: {row: 5}
  second_virginica: {where: {species: virginica}, nth: 2}
steps:
  - {kind: text, title: T, points: [x], narration: "{example.fifth.observed}"}
"""


def test_examples_from_the_iris_data_by_row_and_by_filter():
    got = check_text(IRIS_EXAMPLES, "t.yaml", Path(".")).numbers.values()
    rows = list(csv.DictReader((ROOT / "lesson" / "data" / "iris.csv").open()))
    virginica = [i for i, r in enumerate(rows) if r["species"] == "virginica"][1]
    assert got["example.fifth.row"] == 5
    assert got["example.fifth.raw_input.petal_width"] == float(rows[4]["petal_width_cm"])
    assert got["example.fifth.observed"] == rows[4]["species"]
    assert got["example.second_virginica.row"] == virginica + 1
    assert got["example.second_virginica.raw_input.sepal_width"] == float(rows[virginica]["sepal_width_cm"])


def test_a_filter_that_matches_too_few_rows_says_what_it_looked_for():
    text = IRIS_EXAMPLES.replace("second_virginica: {where: {species: virginica}, nth: 2}", "kiwi: {where: {species: virginca}}")
    with pytest.raises(LessonError) as caught:
        check_text(text, "t.yaml", Path("."))
    (message,) = [p.message for p in caught.value.problems]
    assert message == "no row of the data has species = virginca; did you mean 'virginica'?"
    text = IRIS_EXAMPLES.replace("second_virginica: {where: {species: virginica}, nth: 2}", "kiwi: {where: {species: kiwi}}")
    with pytest.raises(LessonError) as caught:
        check_text(text, "t.yaml", Path("."))
    assert [p.message for p in caught.value.problems] == ["no row of the data has species = kiwi (the values of species: setosa, versicolor, virginica)"]
    text = IRIS_EXAMPLES.replace("nth: 2", "nth: 51")
    with pytest.raises(LessonError) as caught:
        check_text(text, "t.yaml", Path("."))
    assert [p.message for p in caught.value.problems] == ["only 50 row(s) of the data have species = virginica; there is no match number 51"]


BROKEN = """
parameters:
  p: {layer: 2, bias: maybe}
  q: {layer: 3, bias: 1}
examples:
  one: {scaled: {a: 0.2, c: 0.4}, label: perhaps}
losses:
  ce: {loss: cross_entropy, examples: [one, three]}
gradients:
  g: {of: cee, by: pp}
define:
  d: "ce +* 2"
  e: "later + 1"
  later: "sum(nothing.*)"
"""


def test_problems_are_reported_at_their_place_all_at_once():
    found = problems(BROKEN)
    text = "\n".join(found)
    assert "t.yaml:22:" in text  # the first line after the base and the blank line
    expected = [
        ("p: {layer: 2, bias: maybe}", "layer 2 (the outputs) has no node 'maybe'"),
        ("q: {layer: 3, bias: 1}", "there is no layer 3"),
        ("c: 0.4", "unknown input 'c'"),
        ("label: perhaps", "unknown class 'perhaps'"),
        ("examples: [one, three]", "unknown example 'three'"),
        ("of: cee", "unknown loss 'cee'; did you mean 'ce'?"),
        ("by: pp", "unknown parameter 'pp'; did you mean 'p'?"),
        ('d: "ce +* 2"', "expected a number, a name or '('"),
        ('e: "later + 1"', "'later' is defined later"),
        ('later: "sum(nothing.*)"', "sum(nothing.*) adds nothing"),
    ]
    lines = (BASE + "\n" + BROKEN[1:]).splitlines()
    for needle, message in expected:
        line = next(n for n, l in enumerate(lines, start=1) if needle in l)
        assert any(p.startswith(f"t.yaml:{line}:") and message in p for p in found), (needle, message, found)


def test_a_descent_step_that_does_not_exist_is_an_error_at_the_placeholder():
    found = problems("""
parameters:
  c: {layer: 2, bias: pass}
examples:
  one: {scaled: {a: 0.2, b: 0.4}, label: pass}
losses:
  ce: {loss: cross_entropy}
descents:
  d: {of: ce, by: c, learning_rate: 50, until: 0.5}
""", step="""steps:
  - kind: text
    title: T
    points: ["x"]
    narration: The ninth step is {d.9.step}.
""")
    assert any(":32:" in p and "{d.9.step} has no value: the descent 'd' stops after" in p for p in found), found


def test_a_typed_number_equal_to_a_computed_value_is_a_warning():
    checked = lesson("""
examples:
  one: {scaled: {a: 0.2, b: 0.4}, label: fail}
losses:
  ce: {loss: cross_entropy}
""", step="""steps:
  - kind: text
    title: T
    points: ["x"]
    narration: The loss is {ce}.
""")
    # now with the number typed in: first find what {ce} shows
    shown = f"{checked.numbers.values()['ce']:.2f}"
    text = (BASE + """
examples:
  one: {scaled: {a: 0.2, b: 0.4}, label: fail}
losses:
  ce: {loss: cross_entropy}
steps:
  - kind: text
    title: T
    points: ["x"]
    narration: The loss is SHOWN here.
""").replace("SHOWN", shown)
    warnings = [str(w) for w in check_text(text, "t.yaml", Path(".")).warnings]
    line = text.splitlines().index("    narration: The loss is " + shown + " here.") + 1
    col = len("    narration: The loss is ") + 1
    assert f"t.yaml:{line}:{col}: warning: the number {shown} is a value the lesson computes: write {{example.one.cross_entropy}} or {{ce}} or {{ce.one}}" in warnings


def test_computations_need_a_network():
    text = """\
id: t
title: T
losses:
  ce: {loss: cross_entropy}
steps:
  - {kind: text, title: T, points: [x], narration: Hi.}
"""
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "t.yaml")
    assert "t.yaml:3:1: 'losses' needs a network: section" in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("sum(.*)+-/^ abxyz_0123456789e,'];") + ["__import__", "os.system", "sum(", "lambda", "x.*"]),
                max_size=30).map("".join))
def test_define_grammar_never_runs_code(text):
    # whatever the text, parsing it with sums gives a tree of the grammar's own nodes or a ParseError
    try:
        tree = expr.parse(text, sums=True)
    except expr.ParseError as exc:
        assert 0 <= exc.offset <= len(text)
        return
    stack = [tree]
    while stack:
        node = stack.pop()
        assert isinstance(node, (expr.Number, expr.Name, expr.Unary, expr.Binary, expr.Call, expr.Sum))
        stack += [getattr(node, f) for f in ("operand", "left", "right", "arg") if hasattr(node, f)]
    known = [f"x.{k}" for k in range(3)]
    try:
        flat = expr.expand_sums(tree, known)
    except expr.EvalError:
        return
    assert not expr.patterns(flat)


def test_data_problems_are_reported_at_the_data_section(tmp_path):
    base = """\
id: t
title: T
network:
  inputs:
    - {name: petal_width, range: [0.1, 2.5]}
  layers:
    - activation: identity
      weights: [[1], [0], [-1]]
      bias: [0, 0, 0]
  classes:
    - {name: setosa, color: "#4fa3e0"}
    - {name: versicolor, color: "#f08a4b"}
    - {name: virginica, color: "#9b6ee8"}
example: {scaled: {petal_width: 0.5}}
data:
  file: FILE
  columns: {petal_width: COLUMN}
examples:
  one: {row: ROW}
steps:
  - {kind: text, title: T, points: [x], narration: "{example.one.p_observed}"}
"""

    def problem(file="iris", column="petal_width_cm", row="1"):
        text = base.replace("FILE", file).replace("COLUMN", column).replace("ROW", row)
        (tmp_path / "t.yaml").write_text(text)
        with pytest.raises(LessonError) as caught:
            check_lesson(tmp_path / "t.yaml")
        (p,) = caught.value.problems
        return p.line, p.message

    line, message = problem(file="missing.csv")
    assert line == 16 and "missing.csv" in message
    line, message = problem(column="petal_wdth_cm")
    assert line == 16 and "no column 'petal_wdth_cm'; did you mean 'petal_width_cm'?" in message
    line, message = problem(row="151")
    assert line == 19 and message == "the data has 150 rows; there is no row 151"
    (tmp_path / "odd.csv").write_text("petal_width_cm,species\n0.2,setosa\n1.0,rose\n")
    line, message = problem(file="odd.csv", row="2")
    assert line == 19 and "its class 'rose' is not a class of the network" in message
