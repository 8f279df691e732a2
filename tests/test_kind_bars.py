"""The ``bars`` step kind: the value texts it draws, the order of the bars, when each grows, and its errors."""

from pathlib import Path

import pytest


import drawn  # noqa: E402
from drawn import person  # noqa: E402
from drawn import _items, draw, draw_plan_step, plan_of  # noqa: E402

from lesson.numbers.compute import compute  # noqa: E402
from lesson.check import parse_lesson  # noqa: E402
from lesson.base.timing import StepTiming  # noqa: E402
from scenes import style  # noqa: E402
from scenes.bars import BarsScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "bars.yaml"
LABELS = ["T-shirt", "Sweater", "Coat", "Raincoat"]
NAMES = ["tshirt", "sweater", "coat", "raincoat"]
MINUS = "\u2212"


@pytest.fixture(scope="module")
def numbers():
    return compute(parse_lesson(EXAMPLE.read_text(), str(EXAMPLE)), EXAMPLE.parent)


def text(drawing, s: str):
    (item,) = [i for i in drawing.final if i.kind == "text" and i.string == s]
    return item


def test_each_bar_is_labelled_with_its_class_and_its_value_rounded_as_a_person_rounds(numbers):
    drawing = draw(EXAMPLE, "raw")
    assert drawing.layout_problems == []
    zero = text(drawing, "0")
    for c, label in enumerate(LABELS):
        value = text(drawing, person(numbers.raw[c]))
        name = text(drawing, label)
        assert abs(value.y - name.y) < 0.1 and name.right < value.left  # on the label's row, right of it
        # a value stands at its bar's end: right of the zero line for a positive value, left of it for a negative one
        assert value.left > zero.x if numbers.raw[c] > 0 else value.right < zero.x
    assert person(numbers.raw[0]).startswith(MINUS)  # the T-shirt's raw output is negative: a zero line is needed
    # unsorted: the classes' order, top to bottom
    assert [text(drawing, label).y for label in LABELS] == sorted((text(drawing, label).y for label in LABELS), reverse=True)
    # the bars' ends follow the values: the positive values' texts stand further right as the values grow
    positive = sorted((v, text(drawing, person(v)).left) for v in numbers.raw if v > 0)
    assert [x for _, x in positive] == sorted(x for _, x in positive)
    # the axis: its ends are round numbers around every value, and 0 between them
    ticks = sorted(float(i.string.replace(MINUS, "-")) for i in drawing.final if i.kind == "text" and i.y < zero.y + 0.01)
    assert ticks[0] <= min(numbers.raw) and max(numbers.raw) <= ticks[-1] and 0.0 in ticks


def test_sorted_bars_put_the_largest_value_on_top(numbers):
    drawing = draw(EXAMPLE, "softmax")
    assert drawing.layout_problems == []
    by_value = [LABELS[c] for c in sorted(range(len(LABELS)), key=lambda c: -numbers.softmax[c])]
    assert by_value != LABELS  # the sort changes the order
    assert sorted(LABELS, key=lambda label: -text(drawing, label).y) == by_value
    for c, label in enumerate(LABELS):
        assert abs(text(drawing, person(numbers.softmax[c])).y - text(drawing, label).y) < 0.1
    assert {"0", "1"} <= set(drawing.texts())  # scale: [0, 1]
    body = [i for i in drawing.final if i.string != drawing.step.title]
    assert all(style.LEFT <= i.left and i.right <= style.RIGHT and style.CONTENT_BOTTOM <= i.bottom for i in body)


def test_each_bar_grows_as_the_voice_speaks_its_value(monkeypatch, numbers):
    cues = {"raw.tshirt": 3.0, "raw.sweater": 4.5, "raw.coat": 6.0, "raw.raincoat": 8.0}  # as the narration says them
    shown: list[tuple[float, set[str]]] = []
    play = BarsScene.play

    def recording(self, *args, **kwargs):
        play(self, *args, **kwargs)
        shown.append((self.time, {i.string for i in _items(self)}))

    monkeypatch.setattr(BarsScene, "play", recording)
    plan = plan_of(EXAMPLE)
    step = next(s for s in plan.steps if s.id == "raw")
    drawing = draw_plan_step(plan, step, timing=StepTiming(0.3, 9.0, 0.6, cues=tuple(cues.items())))
    assert drawing.layout_problems == []
    assert all(label in shown[1][1] for label in LABELS)  # the labels come before any bar
    for c, name in enumerate(NAMES):
        value = person(numbers.raw[c])
        first = next(k for k, (_, strings) in enumerate(shown) if value in strings)
        # the bar starts growing as the voice reaches the value (at most CHANGE_LEAD before it), not earlier, and stays
        assert cues[f"raw.{name}"] - style.CHANGE_LEAD - 0.1 <= shown[first][0] - style.NORMAL <= cues[f"raw.{name}"]
        assert all(value in strings for _, strings in shown[first:])


def test_a_value_not_spoken_is_there_from_the_start(tmp_path, numbers):
    text_ = EXAMPLE.read_text().replace("and the raincoat {raw.raincoat}.", "and the raincoat the most.")
    script = tmp_path / "bars.yaml"
    script.write_text(text_)
    drawing = draw(script, "raw")
    first_values = next(snap for snap in drawing.seen if any(i.string == person(numbers.raw[3]) for i in snap))
    assert {i.string for i in first_values} & {person(v) for v in numbers.raw} == {person(numbers.raw[3])}


def broken(old: str, new: str) -> tuple[str, str]:
    return drawn.broken(EXAMPLE, old, new, "bars.yaml")


def at(source: str, line_part: str, needle: str) -> str:
    return drawn.at("bars.yaml", source, line_part, needle)


def test_an_unknown_family_is_an_error_at_it():
    source, message = broken("values: raw\n", "values: rwa\n")
    assert f"{at(source, 'values: rwa', 'rwa')}: 'rwa' is not a per-class value; did you mean 'raw'?" in message


def test_a_family_of_words_is_an_error():
    source, message = broken("values: raw\n", "values: label\n")
    assert f"{at(source, 'values: label', 'label')}: 'label' holds words, not numbers" in message


def test_a_scale_that_leaves_a_value_out_is_an_error_at_the_scale():
    source, message = broken("scale: [0, 1]", "scale: [0, 0.3]")
    assert f"{at(source, 'scale:', '[')}: softmax.raincoat is 0.4716, outside the scale [0, 0.3]" in message


def test_a_scale_without_zero_is_an_error():
    source, message = broken("scale: [0, 1]", "scale: [0.2, 1]")
    assert f"{at(source, 'scale:', '[')}: step 3 (bars) scale: scale must be [low, high] with low ≤ 0 ≤ high" in message
