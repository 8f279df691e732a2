"""lesson.base.truth: one rule shows every equation truthfully, checked with exact arithmetic of its own."""

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lesson.base import digits
from lesson.base.expr import Call, Name, Number, Unary, evaluate, names, parse
from lesson.check import check_lesson
from drawn import parts
from lesson.base.truth import (
    APPROX,
    EQUALS,
    TruthError,
    chain,
    problem,
    scientific,
    show,
    typed,
    verify,
    verify_chain,
)
from mathcore.activations import ACTIVATIONS

ROOT = Path(__file__).resolve().parents[1]
MINUS = "\u2212"


# ---------------------------------------------------------------- an exact reader, independent of lesson.base.truth


def _float_fn(fn: str, x: float) -> float:
    if fn == "exp":
        return math.exp(x)
    if fn == "log":
        if x <= 0:
            raise ValueError("log")
        return math.log(x)
    return float(ACTIVATIONS[fn](np.float64(x)))


def exact_value(node, texts=None) -> tuple[Fraction, bool]:
    """The value of ``node`` with the numbers shown, in fractions; and whether no float function was needed.
    exp, log, sigmoid, softplus are floats on the shown number, read back at 15 significant digits."""
    texts = texts or {}
    floats = []

    def walk(n) -> Fraction:
        if isinstance(n, Number):
            return Fraction(Decimal(n.text))
        if isinstance(n, Name):
            return Fraction(Decimal(texts[n.name]))
        if isinstance(n, Unary):
            return -walk(n.operand)
        if isinstance(n, Call):
            x = walk(n.arg)
            if n.fn == "relu":
                return max(x, Fraction(0))
            if n.fn == "identity":
                return x
            if (n.fn, x) in {("exp", 0), ("log", 1), ("sigmoid", 0)}:
                return {"exp": Fraction(1), "log": Fraction(0), "sigmoid": Fraction(1, 2)}[n.fn]
            floats.append(n.fn)
            return Fraction(Decimal(f"{_float_fn(n.fn, float(x)):.15g}"))
        a, b = walk(n.left), walk(n.right)
        if n.op == "^":
            assert b.denominator == 1  # the strategies use integer powers only
            return a ** int(b)
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[n.op]

    return walk(node), not floats


def person_round(value: Fraction, d: int) -> Fraction:
    """Half away from zero on the decimal digits, exactly."""
    scaled = abs(value) * 10**d
    n = math.floor(scaled + Fraction(1, 2))
    return Fraction(n if value >= 0 else -n, 10**d)


def result_number(text: str) -> Fraction:
    return Fraction(Decimal(text.rstrip("%").replace(MINUS, "-")))


def holds_at(tree, texts, result_text, d) -> bool:
    """Whether the shown arithmetic with ``texts`` rounds to ``result_text`` (exact fractions)."""
    try:
        value, _ = exact_value(tree, texts)
    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
        return False
    scale = 100 if result_text.endswith("%") else 1
    return person_round(value * scale, d) == result_number(result_text)


# ---------------------------------------------------------------- random equations


@st.composite
def equations(draw):
    """(expression text, values, names typed in the script): sums of products of 1-5 operands, quotients,
    exp/log/sigmoid applications, and the derivative shapes p*(1 - p) and -p*q."""
    values: dict[str, float] = {}
    exact: set[str] = set()

    def operand(lo=-10.0, hi=10.0) -> str:
        name = f"x{len(values)}"
        if draw(st.integers(0, 5)) == 0:  # a weight typed in the script
            values[name] = draw(st.sampled_from([-2.5, -1.5, -0.1, 0.0, 0.4, 0.6, 1.0, 1.6, 2.4, 3.7]))
            exact.add(name)
        else:
            values[name] = draw(st.floats(lo, hi, allow_nan=False, allow_subnormal=False))
        return name

    def product() -> str:
        factors = [operand() for _ in range(draw(st.integers(1, 5)))]
        if draw(st.booleans()):
            factors.insert(0, draw(st.sampled_from(["2", "0.5", "-1.5", "3"])))  # a literal weight
        return "*".join(factors)

    def sum_of_products() -> str:
        text = product()
        for _ in range(draw(st.integers(0, 3))):
            text += draw(st.sampled_from([" + ", " - "])) + product()
        return text

    kind = draw(st.sampled_from(["sum", "quotient", "exp", "log", "sigmoid", "softmax", "derivative", "power"]))
    if kind == "sum":
        text = sum_of_products()
    elif kind == "quotient":
        num = sum_of_products()
        den = operand(0.5, 10.0)
        exact.discard(den)
        values[den] = abs(values[den]) + 0.5
        text = f"({num})/{den}"
    elif kind == "exp":
        text = f"exp({operand(-5.0, 5.0)})"
    elif kind == "log":
        p = operand(1e-9, 100.0)
        exact.discard(p)
        values[p] = draw(st.floats(1e-12, 100.0, allow_subnormal=False))
        text = f"-log({p})"
    elif kind == "sigmoid":
        text = f"sigmoid({sum_of_products()})"
    elif kind == "softmax":
        zs = [operand(-4.0, 4.0) for _ in range(draw(st.integers(2, 4)))]
        text = f"exp({zs[0]})/(" + " + ".join(f"exp({z})" for z in zs) + ")"
    elif kind == "derivative":
        p, q = operand(0.0, 1.0), operand(0.0, 1.0)
        text = draw(st.sampled_from([f"{p}*(1 - {p})", f"-{p}*{q}"]))
    else:
        text = f"{operand(-3.0, 3.0)}^{draw(st.integers(0, 3))} + {operand()}"
    return text, values, frozenset(exact)


def attempt(text, values, d, **kw):
    try:
        return show(text, values, None, d, **kw)
    except TruthError:
        return None


@settings(max_examples=400, deadline=None)
@given(equations(), st.integers(0, 4))
def test_every_record_holds_for_the_numbers_it_shows(problem_, d):
    text, values, exact = problem_
    tree = parse(text)
    true = evaluate(tree, values)
    rec = attempt(text, values, d, exact=exact)
    assume(rec is not None)  # no precision up to d + 4 works: a TruthError (tested on its own below)

    # a reader with only the text: lesson.base.truth's own check, and an exact one of this test's
    assert verify(rec.expression, rec.relation, rec.result)
    value, no_floats = exact_value(parse(rec.expression))
    assert person_round(value, d) == result_number(rec.result)
    # "=" only when the shown numbers give exactly the shown result, and no operand was rounded
    assert rec.relation == APPROX or (no_floats and value == result_number(rec.result))
    assert rec.relation == APPROX or not any(o.rounded for o in rec.operands)
    assert rec.relation in (EQUALS, APPROX)
    # the shown result is the person's rounding of the true result
    assert rec.result == digits.fixed(true, d)
    # every operand is its true value, rounded at the chosen decimals, without zeros past d its exact value does not
    # need (or typed, or in scientific notation)
    texts = rec.texts()
    assert list(texts) == list(names(tree))
    for o in rec.operands:
        v = values[o.name]
        assert o.exact == (o.name in exact)
        assert o.text in (typed(v), digits.fixed_at_least(v, rec.decimals, d), *(scientific(v, s) for s in range(1, 13)))
        assert len(o.text.partition(".")[2]) >= d or o.text in (typed(v), *(scientific(v, s) for s in range(1, 13)))
        assert o.rounded == (Decimal(o.text) != digits.decimal(v))
    # and the fewest decimals: no smaller precision works (all of d..d+4 failed, if scientific was needed)
    tried = range(d, rec.decimals) if rec.significant is None else range(d, d + 5)
    for j in tried:
        shown_j = {n: typed(v) if n in exact else digits.fixed(v, j) for n, v in values.items()}
        assert not holds_at(tree, shown_j, rec.result, d)


@settings(max_examples=300, deadline=None)
@given(equations(), st.integers(0, 4))
def test_typed_numbers_are_shown_at_the_decimals_or_their_own_digits_never_rounded_and_the_record_holds(problem_, d):
    text, values, typed_names = problem_
    rec = attempt(text, values, d, padded=typed_names)
    assume(rec is not None)
    assert verify(rec.expression, rec.relation, rec.result)
    value, no_floats = exact_value(parse(rec.expression))
    assert person_round(value, d) == result_number(rec.result)
    assert rec.relation == APPROX or (no_floats and value == result_number(rec.result) and not any(o.rounded for o in rec.operands))
    for o in rec.operands:
        if o.name in typed_names:  # exactly its value, with d decimals (more only if typed with more)
            assert o.exact and not o.rounded and Decimal(o.text) == digits.decimal(values[o.name])
            assert -Decimal(o.text).as_tuple().exponent == max(d, -digits.decimal(values[o.name]).normalize().as_tuple().exponent)
        else:
            assert not o.exact and o.text in (digits.fixed_at_least(values[o.name], rec.decimals, d),
                                              *(scientific(values[o.name], s) for s in range(1, 13)))


def test_a_typed_number_beside_one_that_needs_five_decimals_keeps_the_lessons_decimals():
    values = {"w": -1.0, "rate": 8.0, "g": -0.7718611}
    rec = show("w - rate*g", values, None, 2, padded={"w", "rate"})
    assert rec.equation == "-1.00 - 8.00*(-0.77186) \u2248 5.17"
    # unmarked: one precision for all, but an exact value is not padded with zeros past the lesson's decimals
    assert show("w - rate*g", values, None, 2).equation == "-1.00 - 8.00*(-0.77186) \u2248 5.17"
    assert show("rate*x", {"rate": 0.125, "x": 2.0}, None, 2, padded={"rate", "x"}).equation == "0.125*2.00 = 0.25"


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 4), st.integers(1, 99), st.floats(1e-12, 1e-10))
def test_a_truth_error_means_no_precision_works(d, m, eps):
    # a product just below a rounding tie: every rounded y makes it exactly the tie, which a person rounds up
    values = {"y": 2 * ((m + 0.5) / 10**d - eps)}
    tree = parse("0.5*y")
    result = digits.fixed(evaluate(tree, values), d)
    with pytest.raises(TruthError, match="change display.decimals"):
        show(tree, values, None, d)
    for j in range(d, d + 5):
        assert not holds_at(tree, {"y": digits.fixed(values["y"], j)}, result, d)


def test_an_impossible_claim_is_a_truth_error_that_says_so():
    with pytest.raises(TruthError) as info:
        show("a + b", {"a": 1.0, "b": 2.0}, 4.0, 2)
    assert "up to 6 decimals" in str(info.value) and "4.00" in str(info.value)
    with pytest.raises(TruthError, match="no value"):
        show("a + b", {"a": 1.0}, None, 2)
    with pytest.raises(TruthError, match="no value"):
        show("log(a)", {"a": -1.0}, None, 2)
    # a near tie: 0.5 * 0.249999998 is 0.124999999, shown as 0.12; but 0.5 * 0.250000 is 0.125, a person writes 0.13
    with pytest.raises(TruthError):
        show("x*y", {"x": 0.5, "y": 0.249999998}, None, 2)


def test_a_near_tie_is_solved_with_more_decimals():
    rec = show("x + y", {"x": 0.1249, "y": 0.0001}, None, 2)
    assert rec.equation == "0.125 + 0.000 \u2248 0.13"
    assert rec.decimals == 3
    assert not verify("0.12 + 0.00", APPROX, "0.13")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.01, 10), min_size=2, max_size=6), st.integers(0, 3))
def test_probabilities_that_do_not_visibly_sum_to_one_get_more_decimals(weights, d):
    p = [w / sum(weights) for w in weights]
    values = {f"p{i}": v for i, v in enumerate(p)}
    rec = attempt(" + ".join(values), values, d)
    assume(rec is not None)
    assert rec.result == digits.fixed(1.0, d)
    shown = [Fraction(Decimal(o.text)) for o in rec.operands]
    assert person_round(sum(shown), d) == 1
    at_d = [Fraction(Decimal(digits.fixed(v, d))) for v in p]
    assert rec.decimals > d or person_round(sum(at_d), d) == 1


# ---------------------------------------------------------------- cases a person would check by hand


def test_sigmoid_of_minus_0_51_is_about_0_38_not_0_37():
    rec = show("sigmoid(x)", {"x": -0.51}, None, 2)
    assert (rec.expression, rec.relation, rec.result) == ("sigmoid(-0.51)", APPROX, "0.38")
    assert rec.tex == r"\sigma(-0.51)"
    rec = show("sigmoid(z)", {"z": -0.51}, float(ACTIVATIONS["sigmoid"](np.float64(-0.51))), 2)
    assert rec.result == "0.38"
    assert not verify("sigmoid(-0.51)", APPROX, "0.37")


def test_rounded_softmax_values_that_add_to_1_01_get_more_decimals():
    p = {"a": 0.6871351050192344, "b": 0.10590377854728923, "c": 0.2069611164334764}
    assert [digits.fixed(v, 2) for v in p.values()] == ["0.69", "0.11", "0.21"]  # 1.01
    rec = show("a + b + c", p, 1.0, 2)
    assert rec.equation == "0.687 + 0.106 + 0.207 \u2248 1.00"
    assert rec.decimals == 3
    assert not verify("0.69 + 0.11 + 0.21", APPROX, "1.00")


def test_equals_only_when_nothing_was_rounded():
    rec = show(
        "w1*x + w2*y + b", {"w1": -2.5, "w2": 0.6, "b": 1.6, "x": 0.0, "y": 1.0}, 2.2, 2, exact={"w1", "w2", "b"}
    )
    assert rec.equation == "-2.5*0.00 + 0.6*1.00 + 1.6 = 2.20"
    assert [o.exact for o in rec.operands] == [True, False, True, False, True]
    # the same sum with an input that is not exactly 1.00: "≈", although 0.6*1.00 + 1.6 is exactly 2.20
    rec = show("w*y + b", {"w": 0.6, "y": 1.001, "b": 1.6}, 0.6 * 1.001 + 1.6, 2, exact={"w", "b"})
    assert rec.equation == "0.6*1.00 + 1.6 \u2248 2.20"
    assert [o.rounded for o in rec.operands] == [False, True, False]
    # exact arithmetic, not floats: 0.1 + 0.2 is 0.3
    assert show("a + b", {"a": 0.1, "b": 0.2}, None, 1).equation == "0.1 + 0.2 = 0.3"
    # a quotient that does not terminate is never "="
    assert show("a/b", {"a": 1.0, "b": 3.0}, None, 2, exact={"a", "b"}).equation == "1/3 \u2248 0.33"
    assert show("relu(x)", {"x": 2.2}, None, 2).equation == "relu(2.20) = 2.20"
    assert show("exp(x)", {"x": 0.0}, None, 2).equation == "exp(0.00) = 1.00"


def test_percentages():
    rec = show("a/b", {"a": 25.0, "b": 30.0}, None, 0, percent=True, exact={"a", "b"})
    assert rec.equation == "25/30 \u2248 83%"
    assert verify("25/30", APPROX, "83%") and not verify("25/30", EQUALS, "83%") and not verify("25/30", APPROX, "84%")
    rec = show("p", {"p": 0.6871351050192344}, None, 1, percent=True)
    assert rec.equation == "0.687 \u2248 68.7%"  # the percentage's 1 decimal is the fraction's 3
    assert show("a/b", {"a": 3.0, "b": 4.0}, None, 0, percent=True, exact={"a", "b"}).equation == "3/4 = 75%"


def test_scientific_notation_for_an_operand_too_small_to_show():
    p = 1.5044e-12
    rec = show("-log(p)", {"p": p}, None, 2)
    assert rec.significant is not None and "e-12" in rec.expression
    assert rec.result == digits.fixed(-math.log(p), 2)
    assert verify(rec.expression, rec.relation, rec.result)
    assert r"\times 10^{-12}" in rec.tex
    assert scientific(5.96e-11, 3) == "5.96e-11"
    assert scientific(-9.996e-5, 3) == "-1.00e-4"


def test_verify_reads_the_text_alone():
    assert verify("4.18/6.08", APPROX, "0.69")  # 0.6875 exactly, a person rounds it up
    assert verify("-0.6871*0.1059", APPROX, "-0.07")
    assert verify("-0.6871*0.1059", APPROX, "\u22120.07")
    assert verify("0.687 + 0.106 + 0.207", EQUALS, "1.000")
    assert not verify("0.687 + 0.106 + 0.207", EQUALS, "1.00000001")
    assert not verify("x + 1", APPROX, "1")  # names are not numbers
    assert not verify("1 +", APPROX, "1")
    assert not verify("1", "<", "1")
    assert not verify("1", APPROX, "one")
    assert not verify("log(0)", APPROX, "0")
    assert "rounds to 0.69, not 0.68" in problem("4.18/6.08", APPROX, "0.68")


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="0123456789.e-+*/^()explogsigmoid ", max_size=80),
    st.sampled_from(["=", APPROX, "<"]),
    st.text(alphabet="0123456789.-%", max_size=12),
)
def test_verify_never_raises(expression, relation, result):
    assert problem(expression, relation, result) is None or isinstance(problem(expression, relation, result), str)


def test_chains():
    values = {"raw.a": 1.4300000000000002, "raw.b": -0.4400000000000004, "raw.c": 0.22999999999999954}
    values |= {"exp.a": math.exp(values["raw.a"]), "exp_sum": sum(math.exp(v) for v in values.values())}
    c = chain(["exp(raw.a)/(exp(raw.a) + exp(raw.b) + exp(raw.c))", "exp.a/exp_sum"], values, 2)
    assert c.equation == "exp(1.43)/(exp(1.43) + exp(-0.44) + exp(0.23)) \u2248 4.18/6.08 \u2248 0.69"
    assert verify_chain([(link.expression, link.relation) for link in c.links], c.result)
    c = chain(["w*x + b", "0 + b"], {"w": -2.5, "x": 0.0, "b": 2.2}, 2, exact={"w"})
    assert c.equation == "-2.5*0.00 + 2.20 = 0 + 2.20 = 2.20"
    assert not verify_chain([("0.125 + 0.125", EQUALS), ("0.3", APPROX)], "0.3")
    assert verify_chain([("0.125 + 0.125", EQUALS), ("0.25", APPROX)], "0.3")
    assert not verify_chain([("1/3", EQUALS), ("0.333", APPROX)], "0.33")


# ---------------------------------------------------------------- the default lesson, by the one rule


@pytest.fixture(scope="module")
def lesson():
    return check_lesson(ROOT / "lessons" / "argmax_softmax.yaml")


def _step(lesson, kind):
    return next(s for s in lesson.plan.steps if s.kind == kind).data


def _ascii(text: str) -> str:
    return text.replace(MINUS, "-")


def _forms(lesson):
    """The decimals of each number's one form in the lesson, read from what the plan shows (lesson.plan.forms_of)."""
    from lesson.plan import forms_of

    return {q: len(t.partition(".")[2]) for q, t in forms_of(lesson.plan).items() if "e" not in t and t[0] not in "<>"}


def _typed(lesson):
    from lesson.script.names import typed as typed_names

    return typed_names(lesson.lesson)


def test_the_default_lessons_node_equations_agree_with_the_planner(lesson):
    """The planner's node sums are what the truth rule gives for them with each number at its one form in the lesson
    (its floor) and the numbers the author typed as typed."""
    nums, values, forms, typed_ = lesson.numbers, lesson.numbers.values(), _forms(lesson), _typed(lesson)
    below = [f"input.{i.name}" for i in nums.inputs]
    planned = _step(lesson, "network")["layers"]
    for k, layer in enumerate(nums.layers):
        last = k == len(nums.layers) - 1
        for n, (row, b, total) in enumerate(zip(layer.weights, layer.bias, layer.weighted_sums)):
            text = " + ".join(f"{typed(w)}*{x}" for w, x in zip(row, below)) + f" + {typed(b)}"
            result = f"raw.{nums.classes[n]}" if last else f"sum.{k + 1}.{n + 1}"
            rec = show(text, values, total, 2, exact=typed_, floors=forms, result_places=forms.get(result))
            node = planned[k]["nodes"][n]
            assert [o.text for o in rec.operands] == [_ascii(x) for _, x in node["terms"]]
            assert rec.result == _ascii(node["total"])
            assert rec.relation == node["relation"] == EQUALS
        below = [f"hidden.{k + 1}.{n + 1}" for n in range(len(layer.weights))]
    # the inputs were typed (0 and 1, scaled): shown as typed, and the sum is exact
    assert show("-2.5*input.petal_width + 0.6*input.sepal_width + 1.6", values, 2.2, 2, exact=typed_).equation == (
        "-2.5*0 + 0.6*1 + 1.6 = 2.20"
    )


def _lines(lesson, kind, n=0):
    """The lines of the ``n``-th equation part of the default lesson's step of ``kind``."""
    return parts(_step(lesson, kind), "equation")[n]["lines"]


def test_the_default_lessons_softmax_step_agrees_with_the_planner(lesson):
    nums, values, forms = lesson.numbers, lesson.numbers.values(), _forms(lesson)
    quotients = [show(f"exp.{c}/exp_sum", values, p, 2, floors=forms, result_places=forms[f"softmax.{c}"])
                 for c, p in zip(nums.classes, nums.softmax)]
    planned = _lines(lesson, "softmax")
    assert [q.texts() for q in quotients] == [line["texts"] for line in planned]
    assert [q.result for q in quotients] == [line["result"] for line in planned] == ["0.6871", "0.106", "0.207"]
    assert [q.equation for q in quotients] == [
        "4.1787/6.0813 \u2248 0.6871",
        "0.644/6.0813 \u2248 0.106",
        "1.26/6.0813 \u2248 0.207",
    ]
    assert ["".join(t for _, t in line["numeric"]) for line in planned] == [q.tex for q in quotients]
    # the table beside the equations shows e^z and their sum with the very digits the equations use
    (table,) = parts(_step(lesson, "softmax"), "table")
    assert [row["cells"][2] for row in table["rows"]] == ["4.1787", "0.644", "1.26", "6.0813"]


def test_the_default_lessons_other_equations_agree_with_the_planner(lesson):
    nums, values, forms = lesson.numbers, lesson.numbers.values(), _forms(lesson)
    k = nums.prediction
    c = nums.classes
    rows = [show(f"softmax.{c[k]}*(1 - softmax.{c[k]})" if j == k else f"-softmax.{c[k]}*softmax.{c[j]}", values,
                 nums.jacobian[k][j], 2, floors=forms, result_places=forms.get(f"jacobian.{c[k]}.{c[j]}"))
            for j in range(len(c))]
    planned = _lines(lesson, "softmax_derivatives")
    assert [r.texts() for r in rows] == [p["texts"] for p in planned]
    assert [r.texts()[f"softmax.{c[k]}"] for r in rows] == ["0.6871"] * 3  # 0.687 × 0.313 would round to 0.22
    assert [r.result for r in rows] == [p["result"] for p in planned] == ["0.21", "-0.07", "-0.14"]
    assert all(r.relation == APPROX for r in rows)

    ce = show("-log(p_observed)", values, nums.cross_entropy, 2, floors=forms, result_places=forms.get("cross_entropy"))
    (line,) = _lines(lesson, "cross_entropy")
    assert ce.texts()["p_observed"] == line["texts"]["p_observed"] == "0.6871"  # p is SoftMax's setosa value: one form
    assert ce.result == line["result"] == "0.38"

    # the sum of the SoftMax values, in the order of the table beside it (by raw output), each at its form
    by_raw = sorted(c, key=lambda x: -values[f"raw.{x}"])
    ones = show(" + ".join(f"softmax.{x}" for x in by_raw), values, 1.0, 2, floors=forms, result_places=forms["softmax_sum"])
    (line,) = _lines(lesson, "softmax_properties")
    assert [o.text for o in ones.operands] == list(line["texts"].values()) == ["0.6871", "0.207", "0.106"]
    assert (ones.relation, ones.result) == (APPROX, "1.000") == (line["relation"], line["result"])
    assert verify(" + ".join(line["texts"].values()), APPROX, line["result"])
