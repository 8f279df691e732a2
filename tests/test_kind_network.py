"""The ``network`` step kind's options: weights, names and activations drawn only on request (weights exactly as
typed, each on its own edge), highlights at their cues, networks of other shapes laid out cleanly, the default
lesson's step unchanged, and bad options reported at FILE:LINE:COL."""

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import ManimColor

sys.path.insert(0, str(Path(__file__).parent))

from drawn import draw, draw_plan_step, plan_of  # noqa: E402

from lesson.errors import LessonError  # noqa: E402
from lesson.script.load import parse_lesson  # noqa: E402
from lesson.timing import StepTiming  # noqa: E402
from scenes import style  # noqa: E402
from scenes.network import NetworkScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "network.yaml"
DEFAULT = ROOT / "lessons" / "argmax_softmax.yaml"
M = "\u2212"
# the example's weights as typed in the script (a minus as a minus sign): layer, row (the node fed), column
TYPED = [
    [["2", f"{M}1", "0.5"], [f"{M}0.5", "2.5", f"{M}0.4"], ["0.3", f"{M}0.2", "1.8"], [f"{M}1.2", "1.5", f"{M}1"]],
    [["1.5", f"{M}2", "1.2", f"{M}1"], [f"{M}1", "2.2", f"{M}0.8", "1.5"]],
]
NAMES = ["means", "burden", "record", "risk"]


@pytest.fixture
def scenes(monkeypatch):
    """The network scenes drawn during a test, to look at their nodes, edges and highlights."""
    found: list[NetworkScene] = []
    original = NetworkScene.draw

    def keep(self):
        found.append(self)
        original(self)

    monkeypatch.setattr(NetworkScene, "draw", keep)
    return found


def texts(drawing) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in drawing.final:
        if item.kind == "text":
            out.setdefault(item.string, []).append(item)
    return out


def step_title(drawing) -> str:
    return drawing.step.title


def ever_texts(drawing) -> set[str]:
    return {i.string for snap in [*drawing.seen, drawing.final] for i in snap if i.kind == "text"}


def distance_to_segment(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """How far ``p`` is from the line a-b, and where along it (0 at a, 1 at b)."""
    ab = b - a
    t = float(np.dot(p - a, ab) / np.dot(ab, ab))
    return float(np.linalg.norm(a + t * ab - p)), t


def test_weights_are_drawn_as_typed_each_on_its_own_edge_with_names_and_activations(scenes):
    drawing = draw(EXAMPLE, "structure")
    assert drawing.layout_problems == []
    (scene,) = scenes
    drawn = texts(drawing)
    expected: dict[str, int] = {}
    for layer in TYPED:
        for row in layer:
            for w in row:
                expected[w] = expected.get(w, 0) + 1
    for w, count in expected.items():
        assert len(drawn.get(w, [])) == count, (w, drawn.get(w))
    # each weight's text stands on its own edge: the line from node `column` of the layer below to node `row`
    for (col, a, b), label in scene.weight_labels.items():
        assert label[1].original_text.lstrip("\u200e") == TYPED[col - 1][b][a]
        edge = scene.edges[col - 1][b][a]
        off, along = distance_to_segment(label.get_center(), edge.get_start(), edge.get_end())
        assert off < 1e-6 and 0.1 < along < 0.9
    assert len(scene.weight_labels) == 3 * 4 + 4 * 2
    # names over the hidden nodes, activations under the layers; no example values in the structure alone
    for name, node in zip(NAMES, scene.nodes[1]):
        (item,) = drawn[name]
        assert abs(item.x - node.get_center()[0]) < 1e-6 and node.get_top()[1] < item.bottom
    lowest = min(n.get_bottom()[1] for col in scene.nodes for n in col)
    for word, column in (("ReLU", 1), ("identity", 2)):
        (item,) = drawn[word]
        assert item.top < lowest and abs(item.x - scene.nodes[column][0].get_center()[0]) < 1e-6
    assert not any(re.fullmatch(r"\d+\.\d\d", s) for s in drawn)  # no value like 0.60 in a node
    for items in drawn.values():
        for i in (i for i in items if i.string != step_title(drawing)):
            assert style.LEFT - 1e-6 <= i.left and i.right <= style.RIGHT + 1e-6
            assert style.CONTENT_BOTTOM <= i.bottom and i.top <= style.CONTENT_TOP


def test_highlights_pick_out_their_node_edge_or_weight_at_their_cue_and_the_next_ones_replace_them(scenes, monkeypatch):
    plan = plan_of(EXAMPLE)
    step = next(s for s in plan.steps if s.id == "structure")
    when = {"sentence.1": 0.3, "sentence.2": 6.0, "sentence.3": 10.0, "sentence.4": 14.0}  # the structure takes 4.2 s
    seen: list[tuple[float, dict]] = []
    original = NetworkScene.highlight
    accent = ManimColor(plan.style.accent).to_hex().lower()
    muted = ManimColor(plan.style.muted).to_hex().lower()

    def look(self, group):
        original(self, group)
        state = {
            "node": {(c, n): (self.nodes[c][n].get_stroke_color().to_hex().lower(), self.nodes[c][n].get_stroke_width())
                     for c in range(len(self.nodes)) for n in range(len(self.nodes[c]))},
            "edge": {(k + 1, a, b): (e.get_stroke_color().to_hex().lower(), e.get_stroke_width())
                     for k, layer in enumerate(self.edges) for b, row in enumerate(layer) for a, e in enumerate(row)},
            "weight": {key: label[1].get_color().to_hex().lower() for key, label in self.weight_labels.items()},
        }
        seen.append((self.time, state))

    monkeypatch.setattr(NetworkScene, "highlight", look)
    drawing = draw_plan_step(plan, step, timing=StepTiming(0.3, 17.0, 0.6, cues=tuple(when.items())))
    assert drawing.layout_problems == []
    assert [g["cues"] for g in step.data["highlights"]] == [["sentence.2"], ["sentence.3"], ["sentence.4"]]
    assert len(seen) == 3
    (t1, income), (t2, weight), (t3, risk) = seen
    for t, cue in ((t1, "sentence.2"), (t2, "sentence.3"), (t3, "sentence.4")):
        assert when[cue] - style.CUE_LEAD - style.QUICK - 0.1 <= t - style.QUICK <= when[cue]
    # input.income: the first input's circle in the accent, every other node as it was
    assert income["node"][(0, 0)] == (accent, 7)
    assert all(v[0] != accent for k, v in income["node"].items() if k != (0, 0))
    # w[1][1][1]: the edge from income into the first hidden node and its weight, in the accent; income back to normal
    assert weight["edge"][(1, 0, 0)] == (accent, 6) and weight["weight"][(1, 0, 0)] == accent
    assert weight["node"][(0, 0)] == (muted, 3)
    assert sum(v == accent for v in weight["weight"].values()) == 1
    # hidden.1.risk and the edge risk -> decline together (one cue); the weight goes back to the text colour
    assert risk["node"][(1, 3)] == (accent, 7) and risk["edge"][(2, 3, 1)] == (accent, 6)
    assert risk["edge"][(1, 0, 0)] == (muted, 2) and risk["weight"][(1, 0, 0)] != accent


def test_nothing_is_drawn_that_was_not_asked_for(scenes):
    drawing = draw(EXAMPLE, "values")  # show: [names], highlights of nodes only
    assert drawing.layout_problems == []
    every = ever_texts(drawing)
    weights = {w for layer in TYPED for row in layer for w in row}
    assert not weights & every  # no weight written as a text (they are in the equations, as TeX)
    assert "ReLU" not in every and "identity" not in every
    assert set(NAMES) <= every
    (scene,) = scenes
    assert scene.weight_labels == {}
    # the example's values travel through: the inputs, the hidden values and the raw outputs are drawn
    assert {"0.60", "0.30", "0.50", "1.25", "0.25", "0.82", "0.00", "2.36", f"{M}1.16"} <= set(texts(drawing))


def test_the_default_lesson_network_keeps_its_options_off():
    plan = plan_of(DEFAULT)
    step = next(s for s in plan.steps if s.kind == "network")
    data = step.data
    assert data["values"] is True and data["show"] == {"weights": False, "names": False, "activations": False}
    assert data["highlights"] == []
    assert data["events"] == [{"kind": "inputs"}] + [
        {"kind": "node", "layer": k, "node": n} for k, layer in enumerate(data["layers"]) for n in range(len(layer["nodes"]))
    ]
    assert [layer["activation_name"] for layer in data["layers"]] == ["ReLU", "identity"]
    drawing = draw(DEFAULT, "network")
    assert drawing.layout_problems == []
    every = ever_texts(drawing)
    assert "top" not in every and "ReLU" not in every and f"{M}2.5" not in every
    assert any("\\mathrm{ReLU}(2.20)" in i.string for snap in drawing.seen for i in snap if i.kind == "tex")


SHAPES = """
id: shapes
title: Shapes
network:
  inputs:
    - {name: a, label: Sweetness, range: [0, 10]}
    - {name: b, label: Acidity, unit: pH, range: [2, 7]}
    - {name: c, label: Weight, unit: g, range: [50, 400]}
    - {name: d, label: Colour, range: [0, 1]}
  layers:
    - activation: relu
      nodes: [n1, n2, n3]
      weights: [[0.5, -0.3, 0.8, 0.1], [-0.6, 0.9, 0.2, -0.4], [0.3, 0.3, -0.7, 0.6]]
      bias: [0.1, -0.2, 0.05]
    - activation: sigmoid
      weights: [[1.2, -0.5, 0.7], [-0.8, 1.1, 0.4], [0.6, 0.6, -1.3]]
      bias: [0, 0.1, -0.1]
    - activation: identity
      weights: [[1, -1, 0.5], [-0.5, 1.5, -1], [0.8, -0.2, 0.3], [-1.2, 0.4, 0.9], [0.2, 0.2, -0.6]]
      bias: [0, 0.1, -0.1, 0.2, 0]
  classes:
    - {name: apple, label: Apple, color: "#e07a5f"}
    - {name: pear, label: Pear, color: "#81b29a"}
    - {name: plum, label: Plum, color: "#9b6ee8"}
    - {name: lemon, label: Lemon, color: "#f2cc45"}
    - {name: lime, label: Lime, color: "#4fa3e0"}
example:
  raw: {a: 7, b: 3.5, c: 180, d: 0.4}
steps:
  - kind: network
    id: deep
    title: A 4-3-3-5 network
    show: [names, activations]
    highlight: [{node: hidden.2.2, cue: raw.apple}]
    narration: The outputs are {raw.apple}, {raw.pear}, {raw.plum}, {raw.lemon} and {raw.lime}.
"""


def test_a_4_3_3_5_network_lays_out_cleanly_inside_the_area(tmp_path, scenes):
    script = tmp_path / "shapes.yaml"
    script.write_text(SHAPES)
    drawing = draw(script, "deep")
    assert drawing.layout_problems == []
    (scene,) = scenes
    assert [len(c) for c in scene.nodes] == [4, 3, 3, 5]
    for column in scene.nodes:  # nodes of a column neither touch nor leave the area
        for upper, lower in zip(column, column[1:]):
            assert upper.get_bottom()[1] > lower.get_top()[1]
        for node in column:
            assert style.LEFT <= node.get_left()[0] and node.get_right()[0] <= style.RIGHT
            assert style.CONTENT_BOTTOM <= node.get_bottom()[1] and node.get_top()[1] <= style.CONTENT_TOP
    drawn = texts(drawing)
    assert {"Sweetness", "Lime", "n1", "n2", "n3", "ReLU", "sigmoid", "identity"} <= set(drawn)
    for items in drawn.values():
        for i in (i for i in items if i.string != step_title(drawing)):
            assert style.LEFT - 1e-6 <= i.left and i.right <= style.RIGHT + 1e-6
            assert style.CONTENT_BOTTOM <= i.bottom and i.top <= style.CONTENT_TOP


# ---------------------------------------------------------------- errors, at their place in the script


def problem_at(text: str, needle: str, nth: int = 0) -> tuple[str, str]:
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    (message,) = str(info.value).splitlines()
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return message, f"<lesson>:{line}:{col}:"


def variant(old: str, new: str) -> str:
    text = EXAMPLE.read_text()
    assert text.count(old) >= 1
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        ("{node: input.income, cue", "{node: input.salary, cue", "input.salary",
         r"highlight 1: 'input\.salary': no node 'salary' \(inputs: income, debt, history\)"),
        ("{node: input.income, cue", "{node: hidden.2.risk, cue", "hidden.2.risk", r"the hidden layer is a number from 1 to 1"),
        ("{node: input.income, cue", "{node: hidden.1.riks, cue", "hidden.1.riks", r"no node 'riks'; did you mean 'risk'\?"),
        ("{node: input.income, cue", "{node: output.5, cue", "output.5", r"that column has nodes 1 to 2"),
        ("{node: input.income, cue", "{node: income, cue", "income, cue", r"'income' is not a node; write input\.<input>"),
        ('{weight: "w[1][1][1]"', '{weight: "w[1][5][1]"', '"w[1][5][1]"', r"layer 1 has weight rows 1 to 4"),
        ('{weight: "w[1][1][1]"', '{weight: "w[3][1][1]"', '"w[3][1][1]"', r"the layer is a number from 1 to 2"),
        ('{weight: "w[1][1][1]"', '{weight: "w1,1,1"', '"w1,1,1"', r"is not a weight; write w\[layer\]\[row\]\[column\]"),
        ('{edge: "hidden.1.risk -> output.decline"', '{edge: "input.debt -> output.decline"', '"input.debt',
         r"an edge joins a node to one in the next column"),
        ('{edge: "hidden.1.risk -> output.decline"', '{edge: "hidden.1.risk to output.decline"', '"hidden.1.risk to',
         r"is not an edge; write '<node> -> <node>'"),
        ("{node: input.income, cue: sentence.2}", "{node: input.income, edge: \"input.1 -> hidden.1.1\", cue: sentence.2}",
         "{node: input.income, edge", r"highlight 1: give one of node, edge or weight, not node and edge"),
        ("{node: input.income, cue: sentence.2}", "{cue: sentence.2}", "{cue: sentence.2}", r"give one of node, edge or weight"),
        ("cue: sentence.2}", "cue: sentence.5}", "sentence.5", r"the narration has 4 sentences"),
        ("cue: sentence.2}", "cue: raw.approve}", "raw.approve}", r"'raw\.approve' is never spoken in this step's narration"),
        ("show: [weights, names, activations]", "show: [weigths, names, activations]", "weigths",
         r"'weigths' is not one of 'weights', 'names' or 'activations'; did you mean 'weights'\?"),
        ("show: [weights, names, activations]", "show: [names, names]", "names]", r"'names' is listed twice"),
    ],
)
def test_a_bad_option_is_reported_at_its_place(old, new, needle, words):
    message, where = problem_at(variant(old, new), needle)
    assert message.startswith(where), (message, where)
    assert re.search(words, message), message


def test_names_are_refused_when_no_hidden_node_has_one():
    text = variant("      nodes: [means, burden, record, risk]\n", "").replace("hidden.1.risk", "hidden.1.4")
    text = re.sub(r"\{hidden\.1\.(means|burden|record|risk)\}", lambda m: "{hidden.1.%d}" % (NAMES.index(m.group(1)) + 1), text)
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    lines = text.splitlines()
    wheres = []
    for problem in info.value.problems:  # both steps ask for names
        assert problem.message.startswith("'names' draws the hidden nodes' names, and none has one"), problem
        wheres.append(lines[problem.line - 1][problem.column - 1:])
    assert wheres == ["names, activations]", "names]"]


def test_a_node_picked_out_by_two_groups_in_a_row_stays_picked_out_then_goes_back(tmp_path, monkeypatch):
    script = tmp_path / "again.yaml"
    script.write_text(variant("      - {weight: \"w[1][1][1]\", cue: sentence.3}\n",
                              "      - {weight: \"w[1][1][1]\", cue: sentence.3}\n      - {node: input.income, cue: sentence.3}\n"))
    plan = plan_of(script)
    step = next(s for s in plan.steps if s.id == "structure")
    accent = ManimColor(plan.style.accent).to_hex().lower()
    colours: list[tuple[str, float]] = []
    original = NetworkScene.highlight

    def look(self, group):
        original(self, group)
        colours.append((self.nodes[0][0].get_stroke_color().to_hex().lower(), self.nodes[0][0].get_stroke_width()))

    monkeypatch.setattr(NetworkScene, "highlight", look)
    drawing = draw_plan_step(plan, step)
    assert drawing.layout_problems == []
    assert colours == [(accent, 7), (accent, 7), (ManimColor(plan.style.muted).to_hex().lower(), 3)]
