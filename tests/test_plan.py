"""The planner: on-screen numbers at the lesson's precision, and no false equation."""

import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lesson.plan import build_plan, fmt, rounded, sum_to_one_decimals
from lesson.script import load_lesson

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


def test_softmax_sum_is_shown_with_enough_decimals_to_be_true(plan):
    data = step(plan, "softmax_properties").data
    assert data["softmax"] == ["0.69", "0.11", "0.21"]  # these add up to 1.01 ...
    terms = [float(t) for t in data["sum_terms"]]
    assert data["sum_text"] is not None
    assert math.isclose(sum(terms), float(data["sum_text"]), abs_tol=1e-9)  # ... so more decimals are shown
    assert float(data["sum_text"]) == 1.0


def test_worked_softmax_quotients_hold_for_the_shown_digits(plan):
    data = step(plan, "softmax").data
    shown = [float(e) for e in data["exp"]]
    assert fmt(sum(shown), len(data["exp_sum"].split(".")[1])) == data["exp_sum"]
    for e, p in zip(shown, data["softmax"]):
        assert fmt(e / float(data["exp_sum"]), 2) == p
    assert data["softmax"] == ["0.69", "0.11", "0.21"]


def test_derivative_rows_hold_for_the_shown_digits(plan):
    data = step(plan, "softmax_derivatives").data
    results = []
    for row in data["rows"]:
        ops = [float(o) for o in row["operands"]]
        value = ops[0] * (1 - ops[0]) if len(ops) == 1 else -ops[0] * ops[1]
        assert fmt(value, 2).replace("\u2212", "-") == row["result"]
        results.append(row["result"])
    assert results == ["0.21", "-0.07", "-0.14"]


def test_cross_entropy_holds_for_the_shown_digits(plan):
    data = step(plan, "cross_entropy").data
    assert fmt(-math.log(float(data["p_text"])), 2) == data["cross_entropy_text"]


@given(st.lists(st.floats(0.01, 10), min_size=2, max_size=6), st.integers(1, 3))
def test_sum_to_one_decimals_finds_a_precision_where_the_rounded_values_add_to_one(weights, d):
    total = sum(weights)
    p = [w / total for w in weights]
    k = sum_to_one_decimals(p, d)
    # the fewest decimals from d to d + 4 at which the shown values add up to exactly 1, or None if there is none
    adding_up = [x for x in range(d, d + 5) if sum(Decimal(fmt(v, x)) for v in p) == 1]
    assert k == (adding_up[0] if adding_up else None)


def test_narration_placeholders_are_filled(plan):
    text = step(plan, "softmax").narration
    assert "{" not in text and "0.69" in text


def test_cues_point_at_the_token_where_each_value_is_spoken(plan):
    s = step(plan, "network")
    cues = dict(s.cues)
    assert s.tokens[cues["raw.setosa"]] == "1.43"
    assert s.tokens[cues["raw.versicolor"]] == "\u22120.44"  # captions show a real minus sign
    assert s.spoken[cues["raw.versicolor"]] == "minus zero point four four"
    assert " ".join(s.tokens) == s.narration
    assert len(s.spoken) == len(s.tokens)
