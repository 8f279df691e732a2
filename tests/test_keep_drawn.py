"""Context that stays, drawn: the chain rule's path lit link by link with each factor at its link, values written onto
the network, and a step that keeps the network step before it starting on that step's last picture and moving the
network into place (a panel on the right, or the new network's own layout)."""

from pathlib import Path

import numpy as np
import pytest
from manim import ManimColor

from drawn import _items, draw_plan_step, plan_of  # noqa: E402

from lesson.check import parse_lesson  # noqa: E402
from lesson.plan import build_plan  # noqa: E402
from lesson.base.timing import Hold, Play, StepTiming  # noqa: E402
from scenes import base, style  # noqa: E402
from scenes.base import KEPT_WIDTH, PANEL_GAP, StepScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BACKPROP = ROOT / "lessons" / "cross_entropy_backprop.yaml"
EXAMPLE = ROOT / "lessons" / "examples" / "network.yaml"
M = "\u2212"


@pytest.fixture
def scenes(monkeypatch):
    """The scenes drawn during a test, to look at their nodes, edges and highlights."""
    found: list = []
    original = StepScene.construct

    def keep(self):
        found.append(self)
        original(self)

    monkeypatch.setattr(StepScene, "construct", keep)
    return found


@pytest.fixture
def first_frames(monkeypatch):
    """What a keeping step shows before its first animation: its first frame."""
    found: list = []
    original = base.StepScene.keep

    def look(self, head, side):
        play = self.play

        def first(*args, **kwargs):
            if not found:
                found.append(_items(self))
            play(*args, **kwargs)

        self.play = first
        original(self, head, side)
        self.play = play

    monkeypatch.setattr(base.StepScene, "keep", look)
    return found


def color(m) -> str:
    return ManimColor(m.get_stroke_color()).to_hex().lower()


def test_the_chain_rules_path_is_lit_from_the_bias_to_its_output_with_its_factor_at_the_link(scenes):
    plan = plan_of(BACKPROP)
    drawing = draw_plan_step(plan, next(s for s in plan.steps if s.id == "path"))
    assert drawing.layout_problems == []
    (scene,) = scenes
    accent = ManimColor(plan.style.accent).to_hex().lower()
    setosa = scene.nodes[2][0]
    assert color(setosa) == accent and setosa.get_stroke_width() == 7
    assert all(color(n) != accent for n in (scene.nodes[2][1], scene.nodes[2][2], *scene.nodes[1], *scene.nodes[0]))
    # the factor of the link from b3 to the setosa output stands just left of b3's label, in the accent colour
    (factor,) = scene.factors
    bias = scene.bias_labels[1][0]
    assert factor[1].original_text == "× 1" and ManimColor(factor[1].get_color()).to_hex().lower() == accent
    assert 0 < bias.get_left()[0] - factor.get_right()[0] < 0.3 and abs(factor.get_center()[1] - bias.get_center()[1]) < 0.05
    assert ManimColor(bias[1].get_color()).to_hex().lower() == accent
    # the values written after the setosa output's label, the first on its row, the second under it, kept to the end
    written, second = scene.written_labels
    assert written in scene.mobjects and written[1].original_text == "× p"
    assert second in scene.mobjects and second[1].original_text == f"× (p {M} 1) for a setosa"
    label = scene.out_labels[0]
    assert written.get_left()[0] > label.get_right()[0] and abs(written.get_center()[1] - setosa.get_center()[1]) < 1e-6
    assert abs(second.get_left()[0] - written.get_left()[0]) < 1e-6 and second.get_top()[1] < written.get_bottom()[1]


def test_a_path_through_edges_lights_each_edge_and_writes_each_factor_beside_its_own_edge(scenes):
    text = EXAMPLE.read_text().replace(
        "      - {node: hidden.1.risk, cue: hidden.1.risk}\n",
        '      - {path: "input.income -> hidden.1.risk -> output.decline", factors: ["f1 = 2", "f2 = 3"], cue: hidden.1.risk}\n', 1)
    plan = build_plan(parse_lesson(text), EXAMPLE.parent)
    drawing = draw_plan_step(plan, next(s for s in plan.steps if s.id == "values"))
    (scene,) = scenes
    assert drawing.layout_problems == []
    # the path's group was lit, then the next group (the approve output) replaced it: its factors are gone
    assert {"f1 = 2", "f2 = 3"} <= {i.string for snap in drawing.seen for i in snap}
    assert not {"f1 = 2", "f2 = 3"} & {i.string for i in drawing.final}
    # lit again, as the highlight draws it: each edge of the path in the accent colour, its factor by its edge
    group = next(g for g in plan.steps[1].data["highlights"] if any("path" in i for i in g["items"]))
    lit, factors = scene.lit_items(group)
    edges = [m for kind, m in lit if kind == "edge"]
    assert edges == [scene.edges[0][3][0], scene.edges[1][1][3]]  # income -> risk, risk -> decline
    assert [f[1].original_text for f in factors] == ["f1 = 2", "f2 = 3"]
    for edge, factor in zip(edges, factors):
        a, b = edge.get_start()[:2], edge.get_end()[:2]
        c = factor.get_center()[:2]
        t = float(np.dot(c - a, b - a) / np.dot(b - a, b - a))
        off = abs((b - a)[0] * (c - a)[1] - (b - a)[1] * (c - a)[0]) / np.linalg.norm(b - a)
        assert 0.1 < t < 0.9 and off < factor.height  # along its edge, just beside it
    assert [("node", scene.nodes[c][n]) in lit for c, n in ((0, 0), (1, 3), (2, 1))] == [True] * 3


def test_the_step_that_keeps_begins_on_the_last_picture_before_it_and_moves_the_network_into_a_panel(first_frames):
    plan = plan_of(BACKPROP)
    before = draw_plan_step(plan, next(s for s in plan.steps if s.id == "path"))
    first_frames.clear()
    chain = draw_plan_step(plan, next(s for s in plan.steps if s.id == "chain"))
    assert chain.layout_problems == []
    # the first frame is the step before's last: the same texts at the same places (its heading too)
    (first,) = first_frames
    key = lambda items: sorted((i.string, round(i.x, 3), round(i.y, 3)) for i in items)  # noqa: E731
    assert key(first) == key(before.final)
    # at the end the network, its path's factor and its written value stand in the panel on the right, smaller
    panel_left = style.RIGHT - KEPT_WIDTH - PANEL_GAP / 2
    network_texts = {"Petal width", "Sepal width", "Setosa", "Versicolor", "Virginica", "× 1", "b3 = −2", "× p",
                     f"× (p {M} 1) for a setosa"}
    final = {i.string: i for i in chain.final}
    assert network_texts <= set(final)
    for s in network_texts:
        assert panel_left < final[s].left and final[s].right <= style.RIGHT + 1e-6
        assert final[s].height < next(i for i in before.final if i.string == s).height
    # the equations are worked out left of it
    formulas = [i for i in chain.final if i.kind == "tex"]
    assert formulas and all(i.right < panel_left for i in formulas)
    assert chain.step.title in final and final[chain.step.title].left < -5


def test_a_network_that_keeps_the_network_before_it_takes_it_into_its_own_layout_with_the_written_values(first_frames, scenes):
    text = EXAMPLE.read_text()
    text = text.replace("    show: [names]\n    highlight:\n      - {node: hidden.1.risk, cue: hidden.1.risk}",
                        "    show: [names]\n    write:\n      - {node: output.decline, text: \"raw {raw.decline}\", cue: raw.decline}\n"
                        "    highlight:\n      - {node: hidden.1.risk, cue: hidden.1.risk}", 1)
    text = text.replace("    id: biases\n", "    id: biases\n    transition: keep\n", 1)
    plan = build_plan(parse_lesson(text), EXAMPLE.parent)
    written = plan.steps[1].data["writes"][0]["text"]
    before = draw_plan_step(plan, plan.steps[1])
    first_frames.clear()
    scenes.clear()
    after = draw_plan_step(plan, plan.steps[2])
    assert after.layout_problems == []
    (first,) = first_frames
    key = lambda items: sorted((i.string, round(i.x, 3), round(i.y, 3)) for i in items)  # noqa: E731
    assert key(first) == key(before.final)
    (scene,) = scenes
    # the written value is there all along, beside the decline output of the new layout
    assert all(written in {i.string for i in snap} for snap in after.seen)
    (label,) = [m for m in scene.written_labels]
    assert label.get_left()[0] > scene.out_labels[1].get_right()[0]
    assert abs(label.get_center()[1] - scene.nodes[2][1].get_center()[1]) < 1e-6
    # the example's values of the step before are gone (this step shows the structure and its biases)
    values = {n["value"] for layer in plan.steps[1].data["layers"] for n in layer["nodes"]}
    assert not values & {i.string for i in after.final}


def test_the_last_step_fades_to_the_closing_card_after_the_last_word_and_holds_it(scenes):

    plan = plan_of(ROOT / "lessons" / "argmax_softmax.yaml")
    timing = StepTiming(0.3, 6.0, 0.6)
    drawing = draw_plan_step(plan, plan.steps[-1], timing=timing, closing=True)
    assert drawing.layout_problems == []
    (scene,) = scenes
    # at the end: the title and what comes next, nothing of the step itself (its heading, its formulas) is left
    assert sorted(i.string for i in drawing.final) == ["ArgMax and SoftMax", "Next: Activation functions"]
    assert any(plan.steps[-1].title == i.string for i in drawing.seen[-2])  # the step was on screen before it
    # the timeline: the hold to the end of the voice, then the card's fade, then a hold of the card
    *_, end, fade, card = scene.timeline
    assert isinstance(end, Hold) and end.wait.kind == "end"
    assert isinstance(fade, Play) and isinstance(card, Hold) and card.wait.kind == "for" and card.wait.seconds == base.CLOSING_HOLD
    # the card begins after the last word and the pause: the step lasts that long, and then the card's time
    assert scene.time >= timing.min_seconds + base.CLOSING_HOLD
