"""One lesson, one number (issue 23): every quantity has one form in a whole lesson, two different values never read
the same in one step, and the arithmetic the narration states is true at the digits spoken.

The shipped lessons are read the way a viewer would check them: from the plan's record of every number drawn and
spoken (the manifest's ``numbers_shown``) and the spoken relations, re-evaluated here with this file's own decimal
arithmetic (:mod:`test_equations_manifest`), not the project's. The check fixtures are the sentences a viewer
caught in the shipped course before this change.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson.base import coherence, relations
from lesson.check import check_text
from lesson.base.errors import LessonError
from lesson.course.load import looks_like_course
from lesson.check import check_lesson
from test_equations_manifest import rounds_to, value_of

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p for p in (ROOT / "lessons").rglob("*.yaml") if not looks_like_course(p))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_quantity_has_one_form_in_the_whole_lesson_and_no_two_values_read_the_same(path):
    checked = check_lesson(path)
    values = checked.numbers.values()
    forms: dict[str, set[str]] = {}
    for step in checked.plan.steps:
        for quantity, text, _how, spec in step.numbers:
            if not spec:
                forms.setdefault(quantity, set()).add(text)
            # every number is the math core's value at its digits (a bound "< 0.01" is true of it)
            if text[0] not in "<>" and "e" not in text and not text.endswith("%") and isinstance(values.get(quantity), float):
                assert rounds_to(Decimal(repr(values[quantity])), text), (step.id, quantity, text)
        assert coherence.findings(step.numbers, values) == [], step.id
    assert {q: t for q, t in forms.items() if len(t) > 1} == {}
    assert forms, "the lesson shows numbers"
    assert [w for w in checked.warnings] == []


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_relation_the_narration_states_is_true_at_the_spoken_digits(path):
    for step in check_lesson(path).plan.steps:
        for said, expression, relation, verdict, _ in step.relations:
            assert verdict == relations.VERDICT_TRUE, (step.id, said)
            value, exact = value_of(expression)
            result = next(t for q, t, how, _ in step.numbers if how == "spoken" and "{" + q + "}" in said.rsplit(" ", 1)[-1])
            assert (exact and value == Decimal(result)) if relation == "=" else (rounds_to(value, result) and not (exact and value == Decimal(result)))


def test_the_shipped_lessons_state_spoken_arithmetic():
    stated = {p.stem: [r for s in check_lesson(p).plan.steps for r in s.relations] for p in LESSONS}
    assert len(stated["cross_entropy"]) >= 2 and len(stated["argmax_softmax"]) >= 1


# ---------------------------------------------------------------- check, on a lesson written for these fixtures

LESSON = """\
id: fruit
title: Ripe or not
network:
  inputs:
    - {name: sugar, range: [0, 20]}
    - {name: acid, range: [0, 5]}
  layers:
    - {weights: [[1.3, -0.8], [0.4, 0.9]], bias: [0.2, -0.1], activation: relu}
    - {weights: [[1.1, -0.6], [-0.7, 1.2]], bias: [0.0, 0.1], activation: identity}
  classes:
    - {name: ripe, color: "#e07a5f"}
    - {name: green, color: "#81b29a"}
example:
  scaled: {sugar: 0.8, acid: 0.3}
  label: ripe
steps:
  - kind: title
    title: Ripe or not
    narration: {narration}
"""


def _check(narration: str):
    return check_text(LESSON.replace("{narration}", narration), "fruit.yaml", ROOT)


def _column(narration: str, needle: str) -> int:
    return len("    narration: ") + narration.index(needle) + 1


@pytest.mark.parametrize("narration, needle", [
    ("The ripe class gets minus the log of {p_observed}, which is {p_observed}.", "minus the log of {p_observed}"),
    ("In all {softmax.ripe} plus {softmax.green} plus {cross_entropy} makes {exp_sum}.", "{softmax.ripe} plus"),
    ("With probability {softmax.ripe}, minus the log of {softmax.ripe} is {softmax.green}.", "minus the log of {softmax.ripe}"),
])
def test_a_false_spoken_relation_is_an_error_at_its_line_and_column(narration, needle):
    with pytest.raises(LessonError) as caught:
        _check(narration)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (19, _column(narration, needle))
    assert "false at the digits spoken" in problem.message


def test_a_relation_that_only_rounds_must_say_about_and_an_exact_one_must_not():
    with pytest.raises(LessonError) as caught:
        _check("SoftMax gives {exp.ripe} divided by {exp_sum}, which is {softmax.ripe}.")
    assert 'say "about"' in caught.value.problems[0].message
    assert _check("SoftMax gives {exp.ripe} divided by {exp_sum}, which is about {softmax.ripe}.").warnings == ()
    checked = _check("The two add up, {softmax.ripe} plus {softmax.green} makes about {softmax_sum}.")
    assert [w.message for w in checked.warnings if "about" in w.message], checked.warnings


def test_a_format_that_splits_a_quantity_in_one_step_is_a_warning_at_the_format():
    narration = "Ripe is {softmax.ripe:.4f}, and green {softmax.green}; ripe again, {softmax.ripe}."
    [warning] = _check(narration).warnings
    assert (warning.line, warning.column) == (19, _column(narration, "{softmax.ripe:.4f}"))
    assert "one value, two forms" in warning.message and "softmax.ripe" in warning.message


def test_a_coincidence_is_a_warning_naming_both_quantities():
    values = {"a": 0.5712, "b": 0.5689, "c": 0.5712}
    found = coherence.findings([("a", "0.57", "spoken", ""), ("b", "0.57", "drawn", ""), ("c", "0.57", "drawn", "")], values)
    assert found == [coherence.Incoherence(coherence.COINCIDENCE, ("a", "b"), ("0.57",))]  # a and c are one value
    assert "{a} and {b}" in found[0].message()
    # in a lesson: two values one more decimal cannot tell apart stay a warning at the step, naming both
    text = LESSON.replace("steps:\n", 'define:\n  early: "0.57121 * 1"\n  late: "0.57119 * 1"\nsteps:\n')
    [warning] = check_text(text.replace("{narration}", "It cost {early} at first and {late} in the end."), "fruit.yaml", ROOT).warnings
    assert "{early} and {late} are different values that both read 0.57 " in warning.message
    # one more decimal tells 0.5712 from 0.5689 apart: the planner does that, and nothing is left to warn of
    text = LESSON.replace("steps:\n", 'define:\n  early: "0.5712 * 1"\n  late: "0.5689 * 1"\nsteps:\n')
    checked = check_text(text.replace("{narration}", "It cost {early} at first and {late} in the end."), "fruit.yaml", ROOT)
    assert checked.warnings == () and "0.571 at first and 0.569 in the end" in checked.plan.steps[0].narration


# ---------------------------------------------------------------- the rules, for any numbers


@settings(max_examples=300, deadline=None)
@given(st.lists(st.decimals(min_value=-50, max_value=50, places=3, allow_nan=False), min_size=2, max_size=4),
       st.integers(min_value=0, max_value=3), st.booleans())
def test_a_spoken_sum_is_judged_as_exact_decimal_arithmetic(terms, places, about):
    names = [f"v{i}" for i in range(len(terms))]
    total = sum(terms)
    result = str(total.quantize(Decimal(1).scaleb(-places)))  # Python's decimal: banker's rounding, a different rule
    sentence = " plus ".join("{" + n + "}" for n in names) + (" makes about {r}." if about else " makes {r}.")
    [relation] = relations.spoken(sentence)
    texts = {**{n: str(t) for n, t in zip(names, terms)}, "r": result}
    expression, claimed, verdict = relations.judged(relation, lambda name, spec: texts[name])
    exact = Decimal(result) == total
    close = rounds_to(total, result)
    assert claimed == ("\u2248" if about else "=")
    assert verdict == (relations.VERDICT_NO_ABOUT if about and exact else relations.VERDICT_TRUE if exact or (about and close)
                       else relations.VERDICT_SAY_ABOUT if close else relations.VERDICT_FALSE)


@pytest.mark.parametrize("sentence, expression", [
    ("{a}, {b} and {c} add up to {d}.", "{0} + {1} + {2}"),
    ("The sum of {a}, {b} and {c} is {d}.", "{0} + {1} + {2}"),
    ("{a} squared is {d}.", "({0})^2"),
    ("Twice {a} is {d}.", "2*({0})"),
    ("e to the power of {a} is {d}.", "exp({0})"),
    ("{a} plus {b} plus {c} makes 1.", "{0} + {1} + {2}"),
])
def test_the_ways_a_teacher_says_arithmetic_are_read(sentence, expression):
    [r] = relations.spoken(sentence)
    assert r.expression == expression


def test_formats_with_thousands_and_percentages_are_judged_at_their_spoken_digits():
    texts = {"amount": "10,000", "rate": "0.14", "interest": "1,359", "r": "49%", "s": "31%", "t": "19%", "u": "100%"}
    [r] = relations.spoken("{amount:,.0f} times {rate} is {interest:,.0f}.")
    assert relations.judged(r, lambda n, spec: texts[n]) == ("10000 * 0.14", "=", relations.VERDICT_FALSE)
    [r] = relations.spoken("{r:.0%} plus {s:.0%} plus {t:.0%} makes {u:.0%}.")
    assert relations.judged(r, lambda n, spec: texts[n])[2] == relations.VERDICT_FALSE  # 49 + 31 + 19 is 99
    [r] = relations.spoken("{r:.0%} plus {s:.0%} is about {rate}.")  # a percentage beside a plain number: not judged
    assert relations.judged(r, lambda n, spec: texts[n]) == ("", "", "")


def test_a_relation_over_two_sentences_or_in_words_is_not_read():
    assert relations.spoken("Take {a} plus {b}. That makes {c}.") == []
    assert relations.spoken("{a} minus {b} plus zero point two gives {c}.") == []


def test_an_error_in_a_folded_narration_points_at_its_own_line_and_the_operand_spoken_there():
    """The same placeholder said twice with two formats: the relation is judged at the digits of its own sentence,
    and pointed at where that sentence stands in the file, though the narration is folded over several lines."""
    text = LESSON.replace("    narration: {narration}\n", "    narration: >-\n      Ripe is {softmax.ripe:.1f} for short.\n"
                          "      Exactly, minus the log of\n      {softmax.ripe} is {softmax.green}.\n")
    with pytest.raises(LessonError) as caught:
        check_text(text, "fruit.yaml", ROOT)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (21, 16) and "−log(" in problem.message


def test_a_number_no_form_can_show_says_which_equations_gave_its_numbers_their_decimals():
    text = LESSON.replace("steps:\n", 'define:\n  amount: "10000"\n  base: "0.04"\n  premium: "softmax.green * 0.6"\n'
                          '  rate: "base + premium"\n  interest: "amount * rate"\nsteps:\n')
    text = text.replace("  - kind: title\n    title: Ripe or not\n    narration: {narration}\n",
                        "  - kind: equation\n    title: Price\n    lines:\n      - {expr: softmax.green * 0.6, result: premium}\n"
                        "      - {expr: base + premium, result: rate}\n      - {expr: amount * rate, result: interest}\n"
                        "    narration: The rate is {rate}.\n")
    try:
        checked = check_text(text, "fruit.yaml", ROOT)
    except LessonError as exc:
        message = exc.problems[0].message
        assert "because" in message and "needs them" in message, message
    else:
        forms = {q: t for s in checked.plan.steps for q, t, _, spec in s.numbers if not spec}
        assert forms["amount"] == "10000"  # a define: entry that is a number is typed: shown as typed
        assert len(forms["rate"].partition(".")[2]) > 2  # 10000 × rate must come out right at 2 decimals


def test_relation_words_are_only_read_between_placeholders():
    assert relations.spoken("It is {a} and it is {b}.") == []  # no arithmetic word: no relation
    assert relations.spoken("The log of the odds is {a}.") == []  # a function of no placeholder
    [r] = relations.spoken("e to the {z} over {s} is about {p}")
    assert (r.expression, r.operands, r.result, r.about) == (
        "exp({0}) / {1}", (("placeholder", "z", ""), ("placeholder", "s", "")), ("placeholder", "p", ""), True)
