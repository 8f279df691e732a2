"""The ``number_line`` step kind: what its scene draws for lessons/examples/number_line.yaml, and bad options at
FILE:LINE:COL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import drawn  # noqa: E402
from drawn import item  # noqa: E402
from drawn import person as shown  # noqa: E402
from drawn import Drawing, draw  # noqa: E402

from lesson.check import check_lesson  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "number_line.yaml"
MINUS = "\u2212"


@pytest.fixture(scope="module")
def values():
    return check_lesson(EXAMPLE).numbers.values()


@pytest.fixture(scope="module")
def raw() -> Drawing:
    return draw(EXAMPLE, "raw_outputs")


@pytest.fixture(scope="module")
def probabilities() -> Drawing:
    return draw(EXAMPLE, "probabilities")


def mapping(drawing: Drawing, low: str, high: str):
    """Value → x on screen, from where two marks' numbers were drawn (centred under their ticks)."""
    a, b = item(drawing, low), item(drawing, high)
    va, vb = float(low), float(high)
    return lambda v: a.x + (b.x - a.x) * (v - va) / (vb - va)


def test_each_class_places_every_raw_output(raw, values):
    healthy, infected = values["raw.healthy"], values["raw.infected"]
    assert (shown(healthy, 2), shown(infected, 2)) == ("−1.43", "2.62")
    texts = raw.texts()
    for s in ("Healthy", shown(healthy, 2), "Infected", shown(infected, 2), "0", "1"):
        assert texts.count(s) == 1, s
    x = mapping(raw, "0", "1")
    mark_top = max(item(raw, "0").top, item(raw, "1").top)
    for name, v in (("Healthy", healthy), ("Infected", infected)):
        number, label = item(raw, shown(v, 2)), item(raw, name)
        assert number.x == pytest.approx(x(v), abs=0.02)  # straight above its value: nothing is in the way
        assert label.x == pytest.approx(number.x, abs=0.01) and label.bottom > number.top  # its name above it
        assert number.bottom > mark_top + 0.3  # above the line, the marks' numbers below it
    # the two outputs lie on either side of the band from 0 to 1: one left of 0, one right of 1
    assert item(raw, shown(healthy, 2)).x < item(raw, "0").x < item(raw, "1").x < item(raw, shown(infected, 2)).x
    data = raw.step.data
    assert [v["cues"] for v in data["values"]] == [["raw.healthy"], ["raw.infected"]]  # each appears as spoken
    assert data["band"] == [0, 1]
    assert raw.layout_problems == []


def test_values_and_typed_numbers(probabilities, values):
    p_healthy, p_infected = values["softmax.healthy"], values["softmax.infected"]
    texts = probabilities.texts()
    for s in (shown(p_healthy, 2), shown(p_infected, 2), "0.5", "threshold", "Healthy", "Infected"):
        assert texts.count(s) == 1, s
    assert "0.50" not in texts  # a number typed in the script is shown as typed
    x = mapping(probabilities, "0", "1")
    for text, v in ((shown(p_healthy, 2), p_healthy), (shown(p_infected, 2), p_infected), ("0.5", 0.5)):
        assert item(probabilities, text).x == pytest.approx(x(v), abs=0.02)
    # distances along the line are proportional to the differences of the values
    a, b, c = (item(probabilities, t).x for t in (shown(p_healthy, 2), "0.5", shown(p_infected, 2)))
    assert (c - b) / (b - a) == pytest.approx((p_infected - 0.5) / (0.5 - p_healthy), rel=0.02)
    cues = [v["cues"] for v in probabilities.step.data["values"]]
    assert cues == [["softmax.healthy"], ["softmax.infected"], ["sentence.2"]]
    assert probabilities.layout_problems == []


def test_close_values_do_not_overlap(tmp_path):
    """Values nearly equal go into rows above one another; every text stays readable and inside the frame."""
    text = EXAMPLE.read_text().replace(
        "      - {value: 0.5, label: threshold, cue: sentence.2}\n",
        "      - {value: 0.5, label: threshold, cue: sentence.2}\n"
        "      - {value: 0.51, label: a}\n      - {value: 0.52, label: b}\n      - {value: 0.53, label: c}\n",
    )
    script = tmp_path / "close.yaml"
    script.write_text(text)
    drawing = draw(script, "probabilities")
    assert drawing.layout_problems == []
    assert {"0.5", "0.51", "0.52", "0.53", "a", "b", "c"} <= set(drawing.texts())


def test_eight_crowded_values_with_long_names_get_one_row_of_labels_in_their_order(tmp_path):
    """Too many names for rows above their values: one row, left to right as the values lie, nothing overlapping."""
    names = ["Nothing at all!!", "Clinic tomorrow", "Home with advice", "Phone follow-up", "Specialist visit",
             "Emergency room!!", "threshold one", "threshold two"]
    values = [0.007, 0.082, 0.087, 0.138, 0.392, 0.294, 0.16, 0.17]
    rows = "".join(f"      - {{value: {v}, label: {n}}}\n" for v, n in zip(values, names))
    text = re.sub(r"(  - kind: number_line\n    id: probabilities\n)((?:.*\n)*?)    values:\n(?:      - .*\n)+",
                  lambda m: m[1] + m[2] + "    values:\n" + rows, EXAMPLE.read_text(), count=1)
    text = text.replace("    each_class: softmax\n", "", 1)
    script = tmp_path / "crowded.yaml"
    script.write_text(text)
    drawing = draw(script, "probabilities")
    assert drawing.layout_problems == []
    shown_names = sorted((i for i in drawing.final if i.string in names), key=lambda i: i.x)
    assert [i.string for i in shown_names] == [n for _, n in sorted(zip(values, names))]  # in the values' order
    assert len({round(i.bottom, 2) for i in shown_names}) <= 2 and min(i.height for i in shown_names) > 0.12  # one row, readable


def problem(replace: str, by: str, at: str | None = None) -> tuple[int, str]:
    return drawn.problem(EXAMPLE, replace, by, "number_line.yaml", at, before=True)  # at: the step's kind, above


@pytest.mark.parametrize(
    ("replace", "by", "at", "message"),  # at: the text whose line the problem is reported on (None: the replaced one)
    [
        ("each_class: raw", "each_class: softmx", None, "'softmx' is not a per-class value; did you mean 'softmax'?"),
        ("range: [0, 1]", "range: [1, 0]", None, "range must be [low, high] with low < high, got [1, 0]"),
        ("value: softmax.healthy", "value: softmax.sick", None, "unknown placeholder 'softmax.sick'"),
        ("value: 0.5,", "value: 1.5,", None, "the value 1.5 lies outside the range [0, 1]"),
        ("each_class: raw\n", "", "kind: number_line", "a number line needs values or each_class"),
        ("cue: sentence.2", "cue: sentences", None, "unknown cue 'sentences'"),
    ],
)
def test_bad_input_is_reported_at_its_line(replace, by, at, message):
    line, text = problem(replace, by, at)
    assert re.match(rf"number_line\.yaml:{line}:\d+: ", text), text
    assert message in text, text


def test_each_class_takes_a_named_examples_family():
    from drawn import person

    part7 = ROOT / "lessons" / "cross_entropy_backprop.yaml"
    text = part7.read_text() + ("  - kind: number_line\n    id: flower2\n    title: Flower 2\n    each_class: example.second.softmax\n"
                                "    marks: [0, 1]\n    range: [0, 1]\n    narration: Setosa gets {example.second.softmax.setosa}.\n")
    from lesson.check import check_text

    checked = check_text(text, str(part7), part7.parent)
    values = checked.numbers.values()
    step = next(s for s in checked.plan.steps if s.id == "flower2")
    labels = [v["label"] for v in step.data["values"]]
    assert [(v["name"], v["label"]) for v in step.data["values"]] == [  # each at its one form in the lesson
        (c.capitalize(), person(values[f"example.second.softmax.{c}"], len(t.partition(".")[2])))
        for c, t in zip(("setosa", "versicolor", "virginica"), labels)]
    assert labels == ["0.035", "0.26", "0.71"]  # setosa's 0.035: at two decimals it would read 0.04 as the petal width does
