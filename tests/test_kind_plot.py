"""The ``plot`` step kind: what its scene draws for lessons/examples/plot.yaml, and bad options at FILE:LINE:COL."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

import drawn  # noqa: E402
from drawn import item  # noqa: E402
from drawn import person as shown  # noqa: E402
from drawn import Drawing, draw  # noqa: E402

from lesson.check import check_lesson  # noqa: E402
from scenes.plot import REACHES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "plot.yaml"
MINUS = "\u2212"


# ---------------------------------------------------------------- independent arithmetic


def rounded(v: float | Decimal, d: int) -> Decimal:
    """A person's rounding (half away from zero) of what the float means (15 significant digits)."""
    q = Decimal(f"{v:.15g}") if isinstance(v, float) else v
    q = q.quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q


def relu(x: float) -> float:
    return max(x, 0.0)


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def sigmoid_slope(x: float) -> float:
    return sigmoid(x) * (1 - sigmoid(x))


FUNCTIONS = {"ReLU": relu, "softplus": softplus, "σ": sigmoid, "σ′": sigmoid_slope}
EQUATION = re.compile(r"^(ReLU|softplus|σ′|σ)\(([−\d.]+)\) (=|≈) ([−\d.]+)$")


def holds(text: str) -> bool:
    """Whether a drawn equation such as "σ(0.81) ≈ 0.69" is true at the digits shown, evaluated here."""
    m = EQUATION.fullmatch(text)
    assert m, text
    fn, x, relation, result = m.groups()
    x_shown = Decimal(x.replace(MINUS, "-"))
    target = Decimal(result.replace(MINUS, "-"))
    value = FUNCTIONS[fn](float(x_shown))
    if rounded(value, -target.as_tuple().exponent) != target:
        return False
    return relation == "≈" or Decimal(repr(value)) == target


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def values():
    return check_lesson(EXAMPLE).numbers.values()


@pytest.fixture(scope="module")
def activations() -> Drawing:
    return draw(EXAMPLE, "activations")


@pytest.fixture(scope="module")
def slope() -> Drawing:
    return draw(EXAMPLE, "slope")


def axes_mapping(drawing: Drawing):
    """Data → screen, read back from where the tick numbers were drawn: the x numbers in one row under the plot,
    the y numbers right-aligned in one column left of it."""
    data = drawing.step.data
    x_texts = {t: v for v, t in data["x_axis"]["ticks"]}
    y_texts = {t: v for v, t in data["y_axis"]["ticks"]}
    row_y = min(i.y for i in drawing.final if i.string in x_texts)
    x_items = [i for i in drawing.final if i.string in x_texts and abs(i.y - row_y) < 0.02]
    y_items = [i for i in drawing.final if i.string in y_texts and abs(i.y - row_y) > 0.2 and i.x < x_items[0].x + 0.3]
    assert len(x_items) == len(x_texts) and len(y_items) == len(y_texts)
    (a, b), (c, e) = (x_items[0], x_items[-1]), (y_items[0], y_items[-1])
    sx = (b.x - a.x) / (x_texts[b.string] - x_texts[a.string])
    sy = (e.y - c.y) / (y_texts[e.string] - y_texts[c.string])
    # every tick number sits where its value maps (the mapping is linear)
    for i in x_items:
        assert i.x == pytest.approx(a.x + sx * (x_texts[i.string] - x_texts[a.string]), abs=0.02)
    for i in y_items:
        assert i.y == pytest.approx(c.y + sy * (y_texts[i.string] - y_texts[c.string]), abs=0.03)
    return lambda x, y: (a.x + sx * (x - x_texts[a.string]), c.y + sy * (y - y_texts[c.string]))


def assert_label_at(drawing: Drawing, strings: list[str], where: tuple[float, float]) -> None:
    """The label (these lines, one under the other, on a background 0.06 wider each side) sits next to the point
    ``where``: centred above or below it, beside it or diagonally off it, at one of the scene's distances."""
    items = [item(drawing, s) for s in strings]
    assert len({round(i.x, 3) for i in items}) == 1  # the lines are centred on each other
    left, right = min(i.left for i in items), max(i.right for i in items)
    bottom, top = min(i.bottom for i in items), max(i.top for i in items)
    w, h = right - left + 0.12, top - bottom + 0.12
    cx, cy = (left + right) / 2, (top + bottom) / 2
    offsets = [(sx * (r + w / 2), sy * (r + h / 2)) for r in REACHES for sx, sy in
               [(0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0)]]
    miss = min(math.hypot(cx - (where[0] + dx), cy - (where[1] + dy)) for dx, dy in offsets)
    assert miss < 0.03, (strings, where, (cx, cy))


# ---------------------------------------------------------------- what is drawn


def test_points_are_labelled_with_their_true_values(activations, values):
    sunny, cloudy = values["raw.sunny"], values["raw.cloudy"]
    # ReLU of the sunny output: 0 exactly, but x is rounded on screen, so "≈"
    assert rounded(sunny, 2) != Decimal(f"{sunny:.15g}") and relu(float(rounded(sunny, 2))) == 0
    # softplus at the shown x rounds as softplus at the true x: two decimals of x are enough
    assert rounded(softplus(float(rounded(cloudy, 2))), 2) == rounded(softplus(cloudy), 2)
    texts = activations.texts()
    assert f"ReLU({shown(sunny, 2)}) ≈ 0.00" in texts
    assert f"softplus({shown(cloudy, 2)}) ≈ {shown(softplus(cloudy), 2)}" in texts
    assert texts.count("softplus(0.73) ≈ 1.12") == 1  # the numbers as the lesson's data give them
    for word in ("ReLU", "softplus", "sunny", "cloudy", "weighted sum", "activation"):  # the script's words
        assert word in texts
    assert activations.layout_problems == []


def test_every_equation_drawn_is_true(activations, slope):
    equations = [s for d in (activations, slope) for s in d.ever() if EQUATION.fullmatch(s)]
    assert len(equations) >= 8  # two points, the tangent's point and slope, four walk stops
    assert [e for e in equations if not holds(e)] == []


def test_points_sit_at_their_values_on_the_axes(activations, values):
    at = axes_mapping(activations)
    sunny, cloudy = values["raw.sunny"], values["raw.cloudy"]
    assert_label_at(activations, ["sunny", f"ReLU({shown(sunny, 2)}) ≈ 0.00"], at(sunny, relu(sunny)))
    assert_label_at(activations, ["cloudy", f"softplus({shown(cloudy, 2)}) ≈ {shown(softplus(cloudy), 2)}"], at(cloudy, softplus(cloudy)))
    data = activations.step.data
    assert [p["cues"] for p in data["points"]] == [["raw.sunny"], ["raw.cloudy"]]  # each appears as it is spoken
    for i in activations.final:
        assert -7.1 < i.left and i.right < 7.1 and i.bottom > -4 + 8 / 6 and i.top < 4


def test_the_tangent_has_the_computed_slope(slope, values):
    x = values["raw.rainy"]
    s = sigmoid_slope(x)
    assert rounded(sigmoid_slope(float(rounded(x, 2))), 2) == rounded(s, 2)  # the slope at the shown x rounds the same
    texts = slope.texts()
    assert f"σ({shown(x, 2)}) ≈ {shown(sigmoid(x), 2)}" in texts
    assert f"σ′({shown(x, 2)}) ≈ {shown(s, 2)}" in texts
    (t,) = slope.step.data["tangents"]
    (ax, ay), (bx, by) = t["line"]
    assert (by - ay) / (bx - ax) == pytest.approx(s, rel=1e-9)
    assert ax < x < bx and ay == pytest.approx(sigmoid(x) + s * (ax - x))
    at = axes_mapping(slope)
    assert_label_at(slope, [f"σ({shown(x, 2)}) ≈ {shown(sigmoid(x), 2)}", f"σ′({shown(x, 2)}) ≈ {shown(s, 2)}"], at(x, sigmoid(x)))


def test_the_walk_goes_through_every_stop(slope):
    stops = [3, 1.5, 0.5, -0.5]  # typed in the script: shown as typed
    labels = [f"σ({str(x).replace('-', MINUS)}) ≈ {shown(sigmoid(x), 2)}" for x in stops]
    assert labels == ["σ(3) ≈ 0.95", "σ(1.5) ≈ 0.82", "σ(0.5) ≈ 0.62", "σ(−0.5) ≈ 0.38"]
    assert set(labels) <= slope.ever()
    assert [s for s in slope.texts() if s in labels] == [labels[-1]]  # one label at a time: the dot's latest
    legs = slope.step.data["walk"]["legs"]
    assert [(leg[0][0], leg[-1][0]) for leg in legs] == [(3, 1.5), (1.5, 0.5), (0.5, -0.5)]
    assert all(y == pytest.approx(sigmoid(x)) for leg in legs for x, y in leg)
    assert slope.layout_problems == []


# ---------------------------------------------------------------- bad options


def problem(replace: str, by: str, at: str | None = None) -> tuple[int, str]:
    return drawn.problem(EXAMPLE, replace, by, "plot.yaml", at)


@pytest.mark.parametrize(
    ("replace", "by", "at", "message"),  # at: the text whose line the problem is reported on (None: the replaced one)
    [
        ("{function: relu, label: ReLU}", "{function: tanh, label: ReLU}", None, "'tanh' is not one of 'relu', 'softplus'"),
        ("x: [-3, 3]", "x: [3, -3]", None, "x must be [low, high] with low < high, got [3, -3]"),
        ("x: raw.sunny", "x: raw.snowy", None, "unknown placeholder 'raw.snowy'; did you mean 'raw.sunny'?"),
        ("x: raw.sunny", "x: label.sunny", None, "'label.sunny' is a word, not a number"),
        ("x: raw.sunny", "x: 7", None, "the point at x = 7 lies outside the x range [−3.00, 3.00]"),
        ("x: raw.sunny", "x: '1.5'", None, "'1.5' is neither a number nor a placeholder name"),
        ("tangent: {x: raw.rainy}", "tangent: {x: raw.rainy, curve: relu}", None, "'relu' is not one of the plot's curves (sigmoid)"),
        ("y: [-0.1, 1.1]", "y: [0.5, 1.1]", "walk:", "walk stop 4 at x = −0.5 has y = 0.38, outside the y range [0.50, 1.10]"),
        ("{function: sigmoid, label: sigmoid}", "{function: neg_log, label: sigmoid}", "x: [-4",
         "the x range must start above 0, not at -4"),
        ("walk_cue: sentence.3", "walk_cue: sentence.x", None, "unknown cue 'sentence.x'"),
    ],
)
def test_bad_input_is_reported_at_its_line(replace, by, at, message):
    line, text = problem(replace, by, at)
    assert re.match(rf"plot\.yaml:{line}:\d+: ", text), text
    assert message in text, text


def test_a_tangent_at_a_marked_point_writes_only_its_slope_and_no_label_lies_on_its_line(tmp_path, values):
    text = EXAMPLE.read_text().replace("    tangent: {x: raw.rainy}\n",
                                       "    points: [{x: raw.rainy, label: rainy}, {x: 0.9, label: near}]\n    tangent: {x: raw.rainy}\n", 1)
    assert "label: near" in text
    script = tmp_path / "plot.yaml"
    script.write_text(text)
    drawing = draw(script, "slope")
    assert drawing.layout_problems == []
    x = values["raw.rainy"]
    point = f"σ({shown(x, 2)}) ≈ {shown(sigmoid(x), 2)}"
    texts = drawing.texts()
    assert texts.count(point) == 1 and f"σ′({shown(x, 2)}) ≈ {shown(sigmoid_slope(x), 2)}" in texts  # the point's once
    at = axes_mapping(drawing)
    ((ax, ay), (bx, by)), = [t["line"] for t in drawing.step.data["tangents"]]
    line = [np.array(at(ax + (bx - ax) * t, ay + (by - ay) * t)) for t in np.linspace(0, 1, 400)]
    for label in ("rainy", "near", point, "σ(0.9) ≈ 0.71"):
        i = item(drawing, label)
        assert not any(i.left < p[0] < i.right and i.bottom < p[1] < i.top for p in line), label  # the line keeps off it


def test_a_descent_carries_the_tangent_of_the_math_cores_slope_at_each_stop():
    import mathcore
    from lesson.check import check_lesson
    from lesson.numbers.computed import network, parameter_of

    checked = check_lesson(Path(__file__).resolve().parent.parent / "lessons" / "cross_entropy_backprop.yaml")
    lesson = checked.lesson
    step = next(s for s in checked.plan.steps if s.id == "walk")
    net, b3 = network(lesson), parameter_of(lesson, "b3")
    flowers = [lesson.examples[k] for k in ("first", "second", "third")]
    x = np.array([[e.scaled["petal_width"], e.scaled["sepal_width"]] for e in flowers])
    classes = [c.name for c in lesson.network.classes]
    y = [classes.index(e.label) for e in flowers]
    stops = step.data["walk"]["stops"]
    assert len(stops) > 2 and all("tangent" in s for s in stops)
    for s in stops:
        (ax, ay), (bx, by) = s["tangent"]
        slope = mathcore.gradient(mathcore.with_parameter(net, b3, s["x"]), x, y, b3).total
        assert (by - ay) / (bx - ax) == pytest.approx(slope, rel=1e-6, abs=1e-9)  # the line has the slope there ...
        assert ay + (s["x"] - ax) * (by - ay) / (bx - ax) == pytest.approx(s["y"], abs=1e-9)  # ... through the stop
