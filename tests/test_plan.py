"""The planner: on-screen numbers at the lesson's precision, and no false equation."""

import math
from decimal import Decimal
from pathlib import Path

import pytest

from lesson.plan import build_plan, fmt
from lesson.check import load_lesson
from drawn import parts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan():
    return build_plan(load_lesson(ROOT / "lessons" / "argmax_softmax.yaml"), ROOT / "lessons")


def step(plan, kind):
    return next(s for s in plan.steps if s.kind == kind)


def test_numbers_use_a_real_minus_and_never_show_minus_zero():
    assert fmt(-0.44, 2) == "\u22120.44"
    assert fmt(-0.0001, 2) == "0.00"
    assert fmt(0.6871, 2) == "0.69"


def test_network_step_shows_the_reference_values(plan):
    data = step(plan, "network").data
    hidden = data["layers"][0]["nodes"]
    assert [n["value"] for n in hidden] == ["2.20", "1.10"]
    assert data["raw"] == ["1.43", "\u22120.44", "0.23"]
    # the sums are exact at the shown precision, so they are shown with "="
    assert all(n["relation"] == "=" for n in hidden)


def test_shown_node_sums_hold_for_the_shown_digits(plan):
    for layer in step(plan, "network").data["layers"]:
        for node in layer["nodes"]:
            total = sum(float(w.replace("\u2212", "-")) * float(x.replace("\u2212", "-")) for w, x in node["terms"])
            total += float(node["bias"].replace("\u2212", "-"))
            assert fmt(total, 2) == node["total"]


def _value(text):
    return Decimal(text.replace("\u2212", "-"))


def test_softmax_sum_is_shown_with_enough_decimals_to_be_true(plan):
    data = step(plan, "softmax_properties").data
    (table,) = parts(data, "table")
    (line,) = parts(data, "equation")[0]["lines"]
    terms = [_value(t) for t in line["texts"].values()]
    # 0.69 + 0.21 + 0.11 would be 1.01: the values have more decimals, the same in the table as in the sum (one
    # form per value in the lesson: setosa's four, which its derivative needs), in the table's order (by raw output)
    assert [row["cells"][2] for row in table["rows"]] == list(line["texts"].values()) == ["0.6871", "0.207", "0.106"]
    assert sum(terms) == Decimal("1.0001") and line["result"] == "1.000" and line["relation"] == "\u2248"


def test_worked_softmax_quotients_hold_for_the_shown_digits(plan):
    lines = parts(step(plan, "softmax").data, "equation")[0]["lines"]
    for line in lines:
        (e, total) = (_value(t) for t in line["texts"].values())
        assert fmt(float(e / total), len(line["result"].partition(".")[2])) == line["result"]
    assert [line["result"] for line in lines] == ["0.6871", "0.106", "0.207"]  # each value in its one form


def test_derivative_rows_hold_for_the_shown_digits(plan):
    lines = parts(step(plan, "softmax_derivatives").data, "equation")[0]["lines"]
    results = []
    for j, line in enumerate(lines):
        ops = [_value(t) for t in line["texts"].values()]
        value = ops[0] * (1 - ops[0]) if j == 0 else -ops[0] * ops[1]
        assert fmt(float(value), 2).replace("\u2212", "-") == line["result"]
        results.append(line["result"])
    assert results == ["0.21", "-0.07", "-0.14"]


def test_cross_entropy_holds_for_the_shown_digits(plan):
    (line,) = parts(step(plan, "cross_entropy").data, "equation")[0]["lines"]
    assert fmt(-math.log(float(line["texts"]["p_observed"])), 2) == line["result"] == "0.38"


def test_narration_placeholders_are_filled(plan):
    text = step(plan, "softmax").narration
    assert "{" not in text and "about 0.6871" in text


def test_cues_point_at_the_token_where_each_value_is_spoken(plan):
    s = step(plan, "network")
    cues = dict(s.cues)
    assert s.tokens[cues["raw.setosa"]] == "1.43"
    assert s.tokens[cues["raw.versicolor"]] == "\u22120.44"  # captions show a real minus sign
    assert s.spoken[cues["raw.versicolor"]] == "minus zero point four four"
    assert " ".join(s.tokens) == s.narration
    assert len(s.spoken) == len(s.tokens)


def test_a_side_panel_draws_negative_values_with_a_minus_sign_in_written_rows_and_class_rows():
    from lesson.numbers.compute import compute
    from lesson.kinds import Context
    from lesson.kinds.table import panel
    from lesson.script.parts import Panel

    lesson = load_lesson(ROOT / "lessons" / "argmax_softmax.yaml")
    values = compute(lesson, ROOT / "lessons").values()
    assert values["raw.versicolor"] < 0  # the default lesson's example: z = −0.44 for versicolor
    spec = Panel(heading="z of {label.versicolor}", rows=[{"label": "versicolor", "value": "{raw.versicolor}"}], each_class="raw")
    drawn = panel(spec, Context(lesson, None, 2, values, ROOT / "lessons"))
    assert drawn["rows"][0]["value"] == "\u22120.44"
    assert [r["value"] for r in drawn["rows"][1:]] == ["1.43", "\u22120.44", "0.23"]
    assert not any("-" in r["value"] for r in drawn["rows"])


def test_a_side_panel_shows_a_named_examples_values_one_row_per_class():
    from drawn import person

    from lesson.plan import forms_of

    from lesson.base.errors import LessonError
    from lesson.check import check_text

    part7 = ROOT / "lessons" / "cross_entropy_backprop.yaml"
    panel = "    beside: {heading: Flower 2, each_class: example.second.softmax}\n"
    text = part7.read_text().replace("    sweep: {name: curve, label: total cross-entropy}\n",
                                     "    sweep: {name: curve, label: total cross-entropy}\n" + panel, 1)
    checked = check_text(text, "t.yaml", part7.parent)
    values = checked.numbers.values()
    (step,) = [s for s in checked.plan.steps if (s.data.get("beside") or {}).get("heading") == "Flower 2"]
    rows = step.data["beside"]["rows"]
    assert [r["label"] for r in rows] == ["Setosa", "Versicolor", "Virginica"]
    # each value rounded as a person rounds, at its one form in the lesson (setosa's 0.035 has three decimals: at two it
    # would read 0.04 like the petal width the same steps show)
    shown = [r["value"] for r in rows]
    assert shown == [person(values[f"example.second.softmax.{c}"], len(t.partition(".")[2])) for c, t in
                     zip(("setosa", "versicolor", "virginica"), shown)]
    assert shown == ["0.035", "0.26", "0.71"]
    assert {forms_of(checked.plan)[f"example.second.softmax.{c}"] for c in ("setosa",)} == {"0.035"}
    with pytest.raises(LessonError) as caught:
        check_text(text.replace("example.second.softmax}", "example.secnd.softmax}"), "t.yaml", part7.parent)
    assert "'example.secnd.softmax' is not a per-class value; did you mean 'example.second.softmax'?" in str(caught.value)
