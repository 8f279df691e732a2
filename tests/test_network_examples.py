"""The network kind's examples: several named examples go through the network one after another, each value the
math core's for that example, each appearing as the voice says it."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from drawn import draw

from lesson.check import check_lesson

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "backprop_b3.yaml"
MINUS = "\u2212"


def softplus(x):
    return float(np.log1p(np.exp(x)))


def shows(text, value):
    """``text`` is ``value`` rounded at its own decimals (at least the lesson's 2: a quantity may need more where an
    equation uses it)."""
    places = len(text.partition(".")[2])
    return places >= 2 and Decimal(text.replace(MINUS, "-")) == Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def test_each_example_has_its_own_pass_with_its_own_values_and_cues():
    data = next(s for s in check_lesson(LESSON).plan.steps if s.id == "doses").data
    passes = [data, *data["passes"]]
    assert len(passes) == 3
    for p, (e, dose) in zip(passes, (("low", 0.0), ("mid", 0.5), ("high", 1.0))):
        assert p["inputs"][0]["cues"] == [f"example.{e}.input.dosage", f"example.{e}.raw_input.dosage"]
        top, bottom = p["layers"][0]["nodes"]
        assert shows(top["value"], softplus(3.34 * dose - 1.43)) and shows(bottom["value"], softplus(-3.53 * dose + 0.57))
        out = p["layers"][1]["nodes"][0]
        predicted = -1.22 * softplus(3.34 * dose - 1.43) - 2.30 * softplus(-3.53 * dose + 0.57)
        assert shows(out["value"], predicted) and out["value"].count(".") == 1
        assert f"example.{e}.predicted" in out["cues"] and top["cues"][0] == f"example.{e}.hidden.1.1"


def test_the_scene_shows_the_examples_one_after_another():
    drawing = draw(LESSON, "doses")
    assert drawing.layout_problems == []
    predictions = [f"{MINUS}2.60", f"{MINUS}1.61", f"{MINUS}2.61"]
    first_seen = [next(i for i, frame in enumerate(drawing.seen) if p in [x.string for x in frame]) for p in predictions]
    assert first_seen == sorted(first_seen) and len(set(first_seen)) == 3
    final = [i.string for i in drawing.final]
    assert predictions[2] in final and predictions[0] not in final  # the last example's values stay, the others made way
    assert "1" in final  # the last dose as typed under the input's name


def test_examples_need_values_and_known_names():
    text = LESSON.read_text().replace("    examples: [low, mid, high]", "    examples: [low, middle]\n    values: false")
    from lesson.check import check_text
    from lesson.base.errors import LessonError

    with pytest.raises(LessonError) as caught:
        check_text(text, "b.yaml", LESSON.parent)
    messages = [p.message for p in caught.value.problems]
    assert "unknown example 'middle'; did you mean 'mid'?" in messages
    assert "examples go through the network with their values: leave values: false out" in messages
