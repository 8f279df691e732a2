"""The ``residual_block`` step kind: one residual block drawn as a block (input, the main path's layers, the + and
the output) with its shortcut from the input round the layers into the +, the input carried along it at its cue,
and notes beside it at theirs; bad cues reported at their place."""

import re
from pathlib import Path

import numpy as np
import pytest
from manim import MoveAlongPath

from drawn import draw_plan_step, plan_of  # noqa: E402

from lesson.check import parse_lesson  # noqa: E402
from lesson.base.errors import LessonError  # noqa: E402
from scenes.architecture import ResidualBlockScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WRN = ROOT / "lessons" / "wide_resnet.yaml"


@pytest.fixture
def scenes(monkeypatch):
    found: list = []
    original = ResidualBlockScene.draw

    def keep(self):
        found.append(self)
        original(self)

    monkeypatch.setattr(ResidualBlockScene, "draw", keep)
    return found


def test_the_block_its_shortcut_and_its_notes_are_drawn_in_order(scenes):
    plan = plan_of(WRN)
    step = next(s for s in plan.steps if s.id == "residual")
    assert step.data["layers"] == ["BN, ReLU, conv 3×3", "BN, ReLU, conv 3×3"]
    assert step.data["layers_cues"] == ["sentence.2"] and step.data["shortcut_cues"] == ["sentence.3"]
    assert [n["cues"] for n in step.data["notes"]] == [["sentence.4"], ["sentence.5"]]
    drawing = draw_plan_step(plan, step)
    assert drawing.layout_problems == []
    final = {i.string: i for i in drawing.final}
    inp, out = final["input x"], final["x + F(x)"]
    layers = sorted((i for i in drawing.final if i.string == "BN, ReLU, conv 3×3"), key=lambda i: -i.y)
    assert len(layers) == 2
    # top to bottom on one column: the input, the layers, the output; F named left of the layers
    assert inp.y > layers[0].y > layers[1].y > out.y
    assert abs(inp.x - layers[0].x) < 0.05 and abs(out.x - layers[0].x) < 0.05
    assert final["F(x)"].right < min(i.left for i in layers)
    # the shortcut's label stands right of the layers, between the input and the output
    assert final["x"].left > max(i.right for i in layers) and out.y < final["x"].y < inp.y
    # what appeared when: the layers only after the input and the sum, the notes last and one after another
    first_seen = {}
    for n, snap in enumerate(drawing.seen):
        for i in snap:
            first_seen.setdefault(i.string, n)
    assert first_seen["input x"] == first_seen["x + F(x)"] < first_seen["BN, ReLU, conv 3×3"] < first_seen["F(x)"] < first_seen["x"]
    notes = [n["text"] for n in step.data["notes"]]
    firsts = [min(first_seen[s] for s in first_seen if s in note or note.startswith(s)) for note in notes]
    assert first_seen["x"] < firsts[0] < firsts[1]
    # every note right of the block
    assert all(i.left > final["x"].right for i in drawing.final if any(i.string in note for note in notes))


@pytest.fixture
def routes(monkeypatch) -> list:
    """(what moves, its path) of every MoveAlongPath made while the test runs."""
    made: list = []
    original = MoveAlongPath.__init__

    def look(self, mobject, path, **kwargs):
        made.append((mobject, path))
        original(self, mobject, path, **kwargs)

    monkeypatch.setattr(MoveAlongPath, "__init__", look)
    return made


def test_the_input_travels_along_the_shortcut_from_the_input_to_the_plus(scenes, routes):
    plan = plan_of(WRN)
    draw_plan_step(plan, next(s for s in plan.steps if s.id == "residual"))
    (scene,) = scenes
    carried, route = routes[0]  # (the second run is the input down the main path: flow_cue)
    assert carried.original_text == "input x"  # the input itself, carried past the layers
    corners = route.get_anchors()
    plus = next(m for m in scene.mobjects if type(m).__name__ == "VGroup" and len(m) == 3 and type(m[0]).__name__ == "Circle")
    start, end = corners[0], corners[-1]
    # from the middle of the column, above the first layer, to the +'s right side, passing right of the layers
    assert np.allclose(end[:2], plus.get_right()[:2], atol=1e-6)
    assert abs(start[0] - plus.get_center()[0]) < 1e-6 and start[1] > plus.get_center()[1]
    assert max(p[0] for p in corners) > plus.get_right()[0] + 0.5


def test_at_the_flow_cue_the_input_runs_through_one_layer_after_another_into_the_plus(scenes, routes):
    plan = plan_of(WRN)
    step = next(s for s in plan.steps if s.id == "residual")
    assert step.data["flow_cues"] == ["sentence.5:cannot run side by side"]
    drawing = draw_plan_step(plan, step)
    assert drawing.layout_problems == []
    (scene,) = scenes
    assert len(routes) == 2
    dot, path = routes[1]
    assert type(dot).__name__ == "Dot"
    corners = path.get_anchors()
    plus = next(m for m in scene.mobjects if type(m).__name__ == "VGroup" and len(m) == 3 and type(m[0]).__name__ == "Circle")
    layers = sorted((i for i in drawing.final if i.string == "BN, ReLU, conv 3×3"), key=lambda i: -i.y)
    # from above the first layer, through the middle of each layer in turn, down into the +
    assert corners[0][1] > layers[0].top and np.allclose(corners[-1][:2], plus.get_center()[:2], atol=1e-6)
    for layer in layers:
        assert any(abs(c[0] - layer.x) < 0.05 and abs(c[1] - layer.y) < 0.2 for c in corners)
    assert [c[1] for c in corners] == sorted((c[1] for c in corners), reverse=True)
    # at its words, the last change of the layers (after the shortcut and the first note)
    names = [c.names[0] for c in drawing.changes]
    assert "sentence.5:cannot run side by side" in names
    assert names.index("sentence.3") < names.index("sentence.5:cannot run side by side")


@pytest.mark.parametrize("old, new, needle, words", [
    ("cue: sentence.4}", "cue: sentence.9}", "sentence.9", r"note 1: cue: 'sentence\.9': the narration has 5 sentences"),
    ("    shortcut_cue: sentence.3\n", "    shortcut_cue: sentence.7\n", "sentence.7", r"cue: 'sentence\.7': the narration has 5 sentences"),
    ('    layers: ["BN, ReLU, conv 3×3", "BN, ReLU, conv 3×3"]\n', "    layers: []\n", "[]", r"at least 1"),
])
def test_a_bad_option_is_reported_at_its_place(old, new, needle, words):
    text = WRN.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    (message,) = str(info.value).splitlines()
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    assert message.startswith(f"<lesson>:{line}:"), message
    assert re.search(words, message), message
