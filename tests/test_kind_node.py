"""The ``node`` step kind: the node the activation lesson explains, drawn large: its inputs and their weights, the
weighted sum (lit at its cue, with its bias) and the activation (lit at its cue, the output leaving); bad options
reported at their place."""

import re
from pathlib import Path

import numpy as np
import pytest

from drawn import draw_plan_step, plan_of  # noqa: E402

from lesson.check import parse_lesson  # noqa: E402
from lesson.base.errors import LessonError  # noqa: E402
from scenes.network import NodeScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ACT = ROOT / "lessons" / "activation_functions.yaml"
M = "\u2212"


@pytest.fixture
def halves(monkeypatch):
    """Each play's fill of the node's two halves (the sum's, the activation's)."""
    seen: list[tuple[float, float]] = []
    original = NodeScene.draw

    def draw(self):
        made = []
        half = self.half

        def keep(*args):
            made.append(half(*args))
            return made[-1]

        self.half = keep
        play = self.play

        def look(*args, **kwargs):
            play(*args, **kwargs)
            seen.append(tuple(float(m.get_fill_opacity()) for m in made))

        self.play = look
        original(self)

    monkeypatch.setattr(NodeScene, "draw", draw)
    return seen


def test_the_node_is_drawn_with_its_inputs_weights_and_bias_and_its_two_stages_lit_in_turn(halves):
    plan = plan_of(ACT)
    step = next(s for s in plan.steps if s.id == "node")
    data = step.data
    assert data["inputs"] == ["Hours studied", "Hours slept"] and data["weights"] == ["1.5", f"{M}2"]
    assert data["bias_label"] == f"bias {M}0.2" and data["activation"] == "ReLU" and data["name"] == "a"
    assert data["sum_cues"] == ["sentence.2:multiplies"] and data["bias_cues"] == ["sentence.2:adds a bias"]
    assert data["activation_cues"] == ["sentence.3:applies a function"]
    # the graph: the straight line (output = sum) and the activation's curve, both the math core's samples
    curve = data["curve"]
    assert curve["cues"] == ["sentence.3:bend straight lines"] and curve["x_label"] == "weighted sum"
    assert all(x == y for x, y in curve["straight"]) and curve["straight"][0][0] < 0 < curve["straight"][-1][0]
    assert [x for x, _ in curve["bent"]] == [x for x, _ in curve["straight"]]
    assert all(y == max(x, 0.0) for x, y in curve["bent"])
    # the marker goes to each part the voice names, in the narration's order
    assert [key for _, key in data["pointing"]] == [["inputs"], ["weights"], ["sum"], ["activation"], ["sum"]]
    drawing = draw_plan_step(plan, step)
    assert drawing.layout_problems == []
    final = {}
    for i in sorted(drawing.final, key=lambda i: -i.x):  # a string drawn twice: the one further left (the node's)
        final[i.string] = i
    assert {"Hours studied", "Hours slept", "1.5", f"{M}2", "Σ", "ReLU", "weighted sum", "activation", f"bias {M}0.2", "a"} <= set(final)
    # the weights stand between their input and the node, the upper weight on the upper input's edge
    assert final["Hours studied"].y > final["Hours slept"].y and final["1.5"].y > final[f"{M}2"].y
    assert final["Hours studied"].right < final["1.5"].left < final["Σ"].left
    # Σ left, the activation right; their captions under them
    assert final["Σ"].x < final["ReLU"].x and final["weighted sum"].x < final["activation"].x
    # the stages lit in turn: first the sum (its half filled), then the activation (the sum's half cleared)
    fills = [h for h in halves if h]
    assert fills[0] == (0.0, 0.0)
    lit = [f for f in fills if f != (0.0, 0.0)]
    assert lit[0][0] > 0 and lit[0][1] == 0 and lit[-1][0] == 0 and lit[-1][1] > 0
    # the sum's caption and the bias appear only with the sum; the activation's with the activation
    order = {}
    for n, snap in enumerate(drawing.seen):
        for i in snap:
            order.setdefault(i.string, n)
    assert order["Σ"] < order["weighted sum"] < order[f"bias {M}0.2"] < order["activation"] == order["output"]


def test_the_straight_line_bends_into_the_activation_at_its_cue(monkeypatch):
    """The graph's line is straight (output = sum) when it comes in with the activation, and the activation's curve
    after the curve's cue: its points at the end are the plan's bent samples."""
    plan = plan_of(ACT)
    step = next(s for s in plan.steps if s.id == "node")
    lines = []
    original = NodeScene.graph

    def graph(self, *args):
        made = original(self, *args)
        lines.append(made)
        return made

    monkeypatch.setattr(NodeScene, "graph", graph)
    drawing = draw_plan_step(plan, step)
    assert drawing.layout_problems == []
    (made,) = lines
    line, bent = made["line"], made["bent"]
    assert np.allclose(line.points, bent.points)  # bent at the end


@pytest.mark.parametrize("old, new, needle, words", [
    ("    node: hidden.1.a\n", "    node: input.studied\n", "input.studied", r"'input\.studied' is an input: it adds nothing up"),
    ("    node: hidden.1.a\n", "    node: hidden.1.z\n", "hidden.1.z", r"no node 'z'"),
    ('    activation_cue: "sentence.3:applies a function"\n', "    activation_cue: sentence.8\n", "sentence.8", r"the narration has 3 sentences"),
    ("{at: inputs, cue", "{at: input.3, cue", "input.3", r"'input\.3': the node has 2 inputs"),
    ("{at: weights, cue", "{at: wheel, cue", "wheel", r"cannot point at 'wheel'"),
    ("sentence.3:bend straight lines", "sentence.3:purple cows", "\"sentence.3:purple cows", r"purple cows"),
])
def test_a_bad_option_is_reported_at_its_place(old, new, needle, words):
    text = ACT.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    (message,) = str(info.value).splitlines()
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert message.startswith(f"<lesson>:{line}:{col}:"), message
    assert re.search(words, message), message
