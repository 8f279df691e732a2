"""The ``network`` step kind's options: weights, names and activations drawn only on request (weights exactly as
typed, each on its own edge), highlights at their cues, networks of other shapes laid out cleanly, the default
lesson's step unchanged, and bad options reported at FILE:LINE:COL."""

import re
from pathlib import Path

import numpy as np
import pytest
from manim import DL, UR, ManimColor


from drawn import draw, draw_plan_step, plan_of  # noqa: E402

from lesson.base.errors import LessonError  # noqa: E402
from lesson.check import parse_lesson  # noqa: E402
from lesson.base.timing import StepTiming  # noqa: E402
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
    assert data["values"] is True and data["show"] == {"weights": False, "names": False, "activations": False, "biases": False}
    # the voice walks through the network: each input lit as it names it, the hidden layer at its fourth sentence,
    # the top node's two weights as it says "weighted inputs" and its bias at "its bias", the outputs at its fifth
    assert [(g["cues"], g["items"]) for g in data["highlights"]] == [
        (["sentence.2:petal width"], [{"node": [0, 0]}]),
        (["sentence.2:sepal width"], [{"node": [0, 1]}]),
        (["sentence.4"], [{"node": [1, 0]}, {"node": [1, 1]}]),
        (["sentence.4:weighted inputs"], [{"weight": [1, 0, 0]}, {"weight": [1, 1, 0]}]),
        (["sentence.4:its bias"], [{"bias": [1, 0]}]),
        (["sentence.5"], [{"node": [2, 0]}, {"node": [2, 1]}, {"node": [2, 2]}])]
    # each input's value at its word, then its raw value at its own ("that is 0.10 and 4.40 centimetres"); the first
    # hidden node's and the first output's sums come in at the start of the sentence that describes them ("Each
    # hidden node adds up ...", "The output layer then gives ..."), their values at their words; the weights and
    # the bias that sentence names light between the two
    node = {"kind": "node", "layer": 0, "node": 0}
    assert data["events"] == [
        {"kind": "highlight", "group": 0}, {"kind": "highlight", "group": 1},
        {"kind": "input", "index": 0}, {"kind": "input", "index": 1},
        {"kind": "raw_input", "index": 0}, {"kind": "raw_input", "index": 1},
        {"kind": "highlight", "group": 2}, {"kind": "lead", "layer": 0, "node": 0, "cues": ["sentence.4"]},
        {"kind": "highlight", "group": 3}, {"kind": "highlight", "group": 4}, {**node, "led": True}, {**node, "node": 1},
        {"kind": "highlight", "group": 5}, {"kind": "lead", "layer": 1, "node": 0, "cues": ["sentence.5"]},
        {"kind": "node", "layer": 1, "node": 0, "led": True},
        {"kind": "node", "layer": 1, "node": 1}, {"kind": "node", "layer": 1, "node": 2}]
    assert [i["raw_cues"] for i in data["inputs"]] == [["raw_input.petal_width"], ["raw_input.sepal_width"]]
    assert [layer["activation_name"] for layer in data["layers"]] == ["ReLU", "identity"]
    drawing = draw(DEFAULT, "network")
    assert drawing.layout_problems == []
    every = ever_texts(drawing)
    assert "top" not in every and "ReLU" not in every
    # the two weights and the bias the voice names are written where the top node's sum uses them
    assert {f"{M}2.5", "0.6", "1.6"} <= every
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
         "{node: input.income, edge", r"highlight 1: give one of node, edge, weight, bias or parameter, not node and edge"),
        ("{node: input.income, cue: sentence.2}", "{cue: sentence.2}", "{cue: sentence.2}", r"give one of node, edge, weight, bias or parameter$"),
        ("cue: sentence.2}", "cue: sentence.5}", "sentence.5", r"the narration has 4 sentences"),
        ("cue: sentence.2}", "cue: raw.approve}", "raw.approve}", r"'raw\.approve' is never spoken in this step's narration"),
        ("show: [weights, names, activations]", "show: [weigths, names, activations]", "weigths",
         r"'weigths' is not one of 'weights', 'names', 'activations' or 'biases'; did you mean 'weights'\?"),
        ("show: [weights, names, activations]", "show: [names, names]", "names]", r"'names' is listed twice"),
    ],
)
def test_a_bad_option_is_reported_at_its_place(old, new, needle, words):
    message, where = problem_at(variant(old, new), needle)
    assert message.startswith(where), (message, where)
    assert re.search(words, message), message


def test_names_are_refused_when_no_hidden_node_has_one():
    text = variant("      nodes: [means, burden, record, risk]\n", "").replace("hidden.1.risk", "hidden.1.4")
    text = text.replace("hidden.1.record", "hidden.1.3").replace("[decline, risk]", "[decline, 4]")
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


# ---------------------------------------------------------------- biases and named parameters

BACKPROP = ROOT / "lessons" / "cross_entropy_backprop.yaml"


def colour(m) -> str:
    return m.get_color().to_hex().lower()


def test_a_parameter_s_value_is_the_bias_drawn_and_it_is_picked_out_when_the_narration_names_it(scenes, monkeypatch):
    # cross_entropy_backprop.yaml: b3 is the setosa output's bias, 0 in the network, given value: -2 in parameters:
    plan = plan_of(BACKPROP)
    step = next(s for s in plan.steps if s.id == "bias")
    when = {"sentence.1": 0.3, "sentence.2": 6.0, "sentence.2:the setosa output": 6.8, "sentence.2:we call b3": 8.0, "b3": 9.5,
            "sentence.3": 11.0, "sentence.3:the raw output for setosa": 12.5, "sentence.3:every SoftMax value": 14.0}
    accent = ManimColor(plan.style.accent).to_hex().lower()
    seen: list[tuple[float, tuple, str]] = []
    original = NetworkScene.highlight

    def look(self, group):
        original(self, group)
        setosa = self.nodes[2][0]
        seen.append((self.time, (colour(setosa.copy().set_color(setosa.get_stroke_color())), setosa.get_stroke_width()),
                     colour(self.bias_labels[1][0][1])))

    monkeypatch.setattr(NetworkScene, "highlight", look)
    drawing = draw_plan_step(plan, step, timing=StepTiming(0.3, 14.0, 0.6, cues=tuple(when.items())))
    assert drawing.layout_problems == []
    (scene,) = scenes
    drawn = texts(drawing)
    # every node's bias under it, as typed in the network; setosa's is the parameter's value, with its name
    expected = {(1, 0): "1.6", (1, 1): "0.7", (2, 0): f"b3 = {M}2", (2, 1): "0", (2, 2): "1"}
    for (col, n), text in expected.items():
        label, node = scene.bias_labels[col - 1][n], scene.nodes[col][n]
        assert label[1].original_text.lstrip("\u200e") == text
        (item,) = [i for i in drawn[text] if abs(i.x - node.get_center()[0]) < 1e-6]
        assert item.top < node.get_bottom()[1] and node.get_bottom()[1] - item.top < 0.2
    assert len(drawn[f"{M}2"]) == 1 and len(drawn[f"b3 = {M}2"]) == 1  # the side panel's b3: the same value, as typed
    # output.setosa at "the setosa output"; its bias alone at "which we call b3"; at {b3} both; "Changing b3 [b3 alone]
    # moves the raw output for setosa [b3 and its output] up or down, and with it every SoftMax value [every output]"
    cues = ["sentence.2:the setosa output", "sentence.2:we call b3", "b3", "sentence.3", "sentence.3:the raw output for setosa",
            "sentence.3:every SoftMax value"]
    assert len(seen) == len(cues)
    for (t, _, _), cue in zip(seen, cues):
        assert when[cue] - 1.0 <= t <= when[cue] + style.QUICK, cue
    lit = [(node == (accent, 7), bias == accent) for _, node, bias in seen]
    assert lit == [(True, False), (False, True), (True, True), (False, True), (True, True), (True, True)]
    assert all(n.get_stroke_width() == 7 for n in scene.nodes[2])


def test_the_narrow_network_beside_a_panel_keeps_its_weights_apart_and_off_other_edges(scenes):
    # the bias step keeps a side panel: the network has a third less width, and 10 weights to write
    drawing = draw(BACKPROP, "bias")
    assert drawing.layout_problems == []
    (scene,) = scenes
    labels = scene.weight_labels
    assert len(labels) == 2 * 2 + 3 * 2
    centres = {k: v.get_center()[:2] for k, v in labels.items()}
    for k, c in centres.items():  # no two weights stacked tight together
        assert min(np.linalg.norm(c - centres[j]) for j in centres if j != k) >= 0.45, k
    edges = {(k + 1, a, b): e for k, layer in enumerate(scene.edges) for b, row in enumerate(layer) for a, e in enumerate(row)}
    crossed = 0  # weights that some other edge runs through
    for key, label in labels.items():
        (x0, y0, _), (x1, y1, _) = label[1].get_corner(DL), label[1].get_corner(UR)
        for other, e in edges.items():
            points = [e.point_from_proportion(t)[:2] for t in np.linspace(0, 1, 200)]
            if other != key and any(x0 < x < x1 and y0 < y < y1 for x, y in points):
                crossed += 1
                break
    assert crossed <= 1
    for col in scene.nodes:  # the nodes spread over the height the area gives
        for upper, lower in zip(col, col[1:]):
            assert upper.get_center()[1] - lower.get_center()[1] > 1.6


def test_a_bias_and_named_parameters_are_picked_out_at_their_cues(scenes, monkeypatch):
    plan = plan_of(EXAMPLE)
    step = next(s for s in plan.steps if s.id == "biases")
    assert [g["items"] for g in step.data["highlights"]] == [[{"bias": [1, 2]}], [{"bias": [2, 1]}], [{"weight": [2, 3, 1]}]]
    when = {"sentence.1": 0.3, "sentence.2": 5.0, "decline_bias": 9.0, "sentence.4": 11.0, "risk_weight": 13.0}
    accent = ManimColor(plan.style.accent).to_hex().lower()
    states: list[dict] = []
    original = NetworkScene.highlight

    def look(self, group):
        original(self, group)
        states.append({
            "record": colour(self.bias_labels[0][2][1]),
            "decline": colour(self.bias_labels[1][1][1]),
            "edge": colour(self.edges[1][1][3].copy().set_color(self.edges[1][1][3].get_stroke_color())),
            "weight": self.weight_labels[(2, 3, 1)] in self.mobjects,
        })

    monkeypatch.setattr(NetworkScene, "highlight", look)
    drawing = draw_plan_step(plan, step, timing=StepTiming(0.3, 16.0, 0.6, cues=tuple(when.items())))
    assert drawing.layout_problems == []
    record, decline, weight = states
    assert record["record"] == accent and record["decline"] != accent and not record["weight"]
    assert decline["decline"] == accent and decline["record"] != accent
    assert weight["edge"] == accent and weight["weight"] and weight["decline"] != accent
    # the biases as typed (decline's with its parameter's name); the one weight written only while it is picked out
    assert {"0.1", "0", f"{M}0.2", "0.3", "decline_bias = 0.2"} <= set(texts(drawing))
    every = ever_texts(drawing)
    biases = {"0.1", "0", f"{M}0.2", "0.3"}
    assert "1.5" in every and not ({w for layer in TYPED for row in layer for w in row} - {"1.5"} - biases) & every


def test_a_weight_s_value_replaces_the_network_s_on_the_edge_and_in_the_sums(tmp_path):
    # w[1][1][1] (income -> means) 2 in the network, 1 in parameters: means = 1*0.6 - 1*0.3 + 0.5*0.5 + 0.1 = 0.65,
    # approve = 1.5*0.65 - 2*0.25 + 1.2*0.82 - 1*0 + 0 = 1.459
    script = tmp_path / "override.yaml"
    script.write_text(variant("parameters:\n", "parameters:\n  boost: {layer: 1, weight: [means, income], value: 1}\n"))
    structure = texts(draw(script, "structure"))
    assert "2" not in structure and len(structure["1"]) == 1
    values = draw(script, "values")
    assert values.layout_problems == []
    shown = set(values.texts())
    assert {"0.65", "1.46"} <= shown and not {"1.25", "2.36"} & shown


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        ("{parameter: decline_bias, cue", "{parameter: declin_bias, cue", "declin_bias",
         r"highlight 2: no parameter 'declin_bias'; did you mean 'decline_bias'\?"),
        ("{bias: hidden.1.record, cue", "{bias: input.income, cue", "input.income, cue: sentence.2}\n      - {parameter",
         r"highlight 1: 'input\.income': an input has no bias"),
        ("{bias: hidden.1.record, cue", "{bias: output.refuse, cue", "output.refuse", r"no node 'refuse' \(classes: approve, decline\)"),
        ("{bias: hidden.1.record, cue", "{bias: hidden.1.record, parameter: risk_weight, cue", "{bias: hidden.1.record, par",
         r"highlight 1: give one of node, edge, weight, bias or parameter, not bias and parameter"),
        ("show: [biases]", "show: [biasses]", "biasses", r"did you mean 'biases'\?"),
    ],
)
def test_a_bad_bias_or_parameter_is_reported_at_its_place(old, new, needle, words):
    message, where = problem_at(variant(old, new), needle)
    assert message.startswith(where), (message, where)
    assert re.search(words, message), message


def test_a_parameter_named_in_a_lesson_without_parameters_is_reported():
    text = variant("parameters:\n  decline_bias: {layer: 2, bias: decline}\n  risk_weight: {layer: 2, weight: [decline, risk]}\n", "")
    text = text.replace("{decline_bias}", "0.2").replace("{risk_weight}", "1.5")
    text = text.replace("cue: decline_bias}", "cue: sentence.3}").replace("cue: risk_weight}", "cue: sentence.4}")
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    messages = [p.message for p in info.value.problems]
    assert messages == ["highlight 2: no parameter 'decline_bias' (the lesson has no parameters: section)",
                        "highlight 3: no parameter 'risk_weight' (the lesson has no parameters: section)"]
    lines = text.splitlines()
    assert [lines[p.line - 1][p.column - 1:] for p in info.value.problems] == ["decline_bias, cue: sentence.3}", "risk_weight, cue: sentence.4}"]


def test_every_weight_and_bias_of_a_3_4_3_network_beside_a_panel_finds_its_own_place():
    # twenty-one weights and seven biases in the two thirds of the frame a side panel leaves: a weight with no room
    # at the usual sizes is written smaller rather than over another label
    drawing = draw(ROOT / "tests" / "fixtures" / "triage.yaml", "net_biases")
    assert drawing.layout_problems == []
    written = drawing.texts()
    for weight in ("0.5", "4", "\u22125", "2.5", "\u22121.5"):
        assert weight in written
    # the example's raw inputs as the script types them (118, not 118.0)
    assert {"118 bpm", "39.2 \u00b0C", "91 %"} <= set(written)
