"""The ``equation`` step kind: the symbols, numbers, relations and results it draws, in what order, where, and its
errors (a broken expression, an unknown name, a line that cannot be shown truthfully)."""

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner


from drawn import draw, located  # noqa: E402

from lesson.cli import cli  # noqa: E402
from lesson.base.errors import LessonError  # noqa: E402
from lesson.base.expr import names, parse, to_tex  # noqa: E402
from lesson.kinds.equation import joined, numeric_parts, symbol_problem, symbol_tex, symbolic_parts  # noqa: E402
from lesson.check import check_text, parse_lesson  # noqa: E402
from scenes import style  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "equation.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")


def flat(tex: str) -> str:
    return re.sub(r"\s+", "", tex)


def dec(value: float) -> Decimal:
    return Decimal(f"{value:.15g}")


def rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def text(value: Decimal) -> str:
    return format(value, "f")


@pytest.fixture(scope="module")
def numbers():
    result = CliRunner().invoke(cli, ["numbers", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def derivatives():
    return draw(EXAMPLE, "derivatives")


@pytest.fixture(scope="module")
def hidden():
    return draw(EXAMPLE, "hidden")


def tex_items(drawing):
    return [i for i in drawing.final if i.kind == "tex"]


def strings(drawing):
    return [flat(i.string) for i in tex_items(drawing)]


# ---------------------------------------------------------------- what is drawn


def test_derivative_lines_show_the_numbers_the_truth_rule_allows(derivatives, numbers):
    p, q = dec(numbers["softmax"]["apple"]), dec(numbers["softmax"]["banana"])
    same, other = dec(numbers["softmax_jacobian"]["apple"]["apple"]), dec(numbers["softmax_jacobian"]["apple"]["banana"])
    want_same, want_other = rounded(same, 2), rounded(other, 2)
    # one precision for both lines: the fewest decimals (from 2) at which both shown products round right
    for k in range(2, 7):
        a, b = rounded(p, k), rounded(q, k)
        if rounded(a * (1 - a), 2) == want_same and rounded(-a * b, 2) == want_other:
            break
    else:
        pytest.fail("no precision works")
    assert (k, text(a), text(b)) == (2, "0.52", "0.12")  # the example's numbers, as a reader checks them
    drawn = strings(derivatives)
    assert flat(f"{text(a)} \\cdot (1 - {text(a)})") in drawn
    assert flat(f"- {text(a)} \\cdot {text(b)}") in drawn
    # the operands are rounded and so is the result: "≈" to the numbers and "≈" to the result
    assert drawn.count("\\approx") == 2
    assert f"\\approx{text(want_same)}" in drawn and f"\\approx{text(want_other)}" in drawn
    assert text(want_other) == "-0.06"
    # the symbols first: ∂p/∂z = p(1 − p) with the class's label in the subscripts
    assert "\\partialp_{□}/\\partialz_{□}=p_{□}\\cdot(1-p_{□})" in drawn
    assert "\\partialp_{□}/\\partialz_{□}=-p_{□}\\cdot p_{□}".replace(" ", "") in drawn
    labels = [i.string for i in derivatives.final if i.kind == "text"]
    assert labels.count("Apple") == 6 and labels.count("Banana") == 2
    assert "same class" in labels and "other class" in labels
    assert derivatives.layout_problems == []


def test_an_exact_line_gets_equals_and_a_rounded_result_gets_approx(hidden, numbers):
    s, l = dec(numbers["inputs"]["sweetness"]), dec(numbers["inputs"]["length"])
    assert (text(rounded(s, 2)), text(rounded(l, 2))) == ("0.75", "0.50")
    first = 2 * rounded(s, 2) - rounded(l, 2) + Decimal("0.5")
    second = Decimal("-0.5") * rounded(s, 2) + Decimal("1.5") * rounded(l, 2) + Decimal("0.2")
    h1, h2 = dec(numbers["hidden"][0][0]), dec(numbers["hidden"][0][1])
    assert first == h1 == rounded(first, 2)  # exactly 1.5: "=" all along
    assert rounded(second, 2) == rounded(h2, 2) != second  # 0.575 shows as 0.58: "≈"
    drawn = strings(hidden)
    assert "h_{1}=2\\cdots-l+0.5" in drawn  # the script's symbols s and l
    assert "h_{2}=-0.5\\cdots+1.5\\cdotl+0.2" in drawn
    # the inputs were typed (0.75 and 0.5): shown as typed everywhere, one form per number
    assert flat("2 \\cdot 0.75 - 0.5 + 0.5") in drawn and f"={text(rounded(first, 2))}" in drawn
    assert flat("-0.5 \\cdot 0.75 + 1.5 \\cdot 0.5 + 0.2") in drawn and f"\\approx{text(rounded(h2, 2))}" in drawn
    assert drawn.count("=") == 2  # both substitutions are exact: the inputs are shown as they are
    assert "\\approx" not in drawn
    assert hidden.layout_problems == []


def test_everything_is_inside_the_area(derivatives, hidden):
    for drawing in (derivatives, hidden):
        items = [i for i in drawing.final if i.string != drawing.step.title]
        assert items
        for i in items:
            assert style.LEFT - 0.01 <= i.left and i.right <= style.RIGHT + 0.01, i
            assert style.CONTENT_BOTTOM - 0.01 <= i.bottom and i.top <= style.CONTENT_TOP + 0.01, i


def test_symbols_come_first_then_the_numbers_then_the_result(derivatives):
    snaps = [[flat(i.string) for i in snap if i.kind == "tex"] for snap in derivatives.seen]
    symbols = "\\partialp_{□}/\\partialz_{□}=p_{□}\\cdot(1-p_{□})"
    numbers, result = "0.52\\cdot(1-0.52)", "\\approx0.25"
    first = lambda s: next(n for n, snap in enumerate(snaps) if s in snap)  # noqa: E731
    assert first(symbols) < first(numbers) < first(result)
    # the numbers' line lies right of (or under) its symbols, and the result right of the numbers
    final = {flat(i.string): i for i in tex_items(derivatives)}
    assert final[numbers].left > final[symbols].left and final[result].left > final[numbers].right - 0.01
    assert abs(final[result].y - final[numbers].y) < 0.1


def test_the_softmax_line_is_a_fraction_with_its_shown_terms(numbers):
    drawing = draw(EXAMPLE, "softmax")
    exps = [text(rounded(dec(numbers["exp"][c]), 2)) for c in ("apple", "banana", "cherry")]
    a, b, c = (Decimal(e) for e in exps)
    p = rounded(dec(numbers["softmax"]["apple"]), 2)
    assert rounded(a / (a + b + c), 2) == p
    drawn = strings(drawing)
    assert flat(f"\\frac{{ {exps[0]} }}{{ {exps[0]} + {exps[1]} + {exps[2]} }}") in drawn
    assert f"\\approx{text(p)}" in drawn
    assert drawing.layout_problems == []


# ---------------------------------------------------------------- formula parts


@pytest.mark.parametrize("expr", ["a*(1-a)", "-a*b", "a^2", "-a", "exp(a)/(exp(a)+exp(b))", "a - (b - c)", "a*b^c",
                                  "-a^2", "(a/b)^2", "sigmoid(a*b+c)", "a*-b", "a - -b", "a^-b", "log(a)", "relu(-a)"])
@pytest.mark.parametrize("value", ["0.5", "-0.3", "5.96e-11", "-1.2e-5"])
def test_the_parts_make_exactly_the_formula_the_truth_rule_checks(expr, value):
    tree = parse(expr)
    texts = {n: value for n in names(tree)}
    parts = numeric_parts(tree, texts)
    assert joined(parts) == to_tex(tree, texts)
    symbols = symbolic_parts(tree, lambda n: ((f"\\mathrm{{{n}}}",), "atom"))
    assert joined(symbols) == to_tex(tree)
    # every name's place in the symbols has a part among the numbers (the part that the symbol moves onto)
    numeric_keys = {k for k, _ in parts}
    slots = [k for k, pieces in symbols if pieces[0].startswith("\\mathrm")]
    assert len(slots) == len(re.findall(r"\b[abc]\b", expr))  # one per name as written
    assert set(slots) <= numeric_keys


def test_a_negative_number_in_a_power_or_after_an_operator_is_bracketed():
    tree = parse("a^2 - b")
    assert joined(numeric_parts(tree, {"a": "-0.3", "b": "-0.2"})) == "(-0.3)^{2} - (-0.2)"


@pytest.mark.parametrize("symbol,tex", [("p", "p"), ("sigma_1", "\\sigma_{1}"), ("w_{2,1}", "w_{2,1}"),
                                        ("p_apple", "p_{\\mathrm{apple}}"), ("Delta", "\\Delta"), ("loss", "\\mathrm{loss}")])
def test_symbols_of_the_grammar_become_tex(symbol, tex):
    assert symbol_problem(symbol) is None
    assert symbol_tex(symbol) == tex


@pytest.mark.parametrize("symbol", ["\\alpha", "p^2", "x}", "p_", "nan", "p_inf", "a b", "p_{1", "x_1_2", "é"])
def test_anything_else_is_not_a_symbol(symbol):
    assert symbol_problem(symbol) is not None


# ---------------------------------------------------------------- errors at their place


def error_of(text: str) -> str:
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    return str(info.value)


def edited(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


def test_a_broken_expression_is_reported_at_its_line():
    bad = '"softmax.apple * (1 - softmax.apple"'
    text_ = edited('"softmax.apple * (1 - softmax.apple)"', bad)
    line, col = located(text_, bad)
    message = error_of(text_)
    # at the expression's last character: the ')' is missing after it
    assert message.startswith(f"<lesson>:{line}:{col + len(bad) - 2}: not an expression: expected ')'"), message
    bad = '"softmax.apple * * softmax.banana"'
    text_ = edited('"-softmax.apple * softmax.banana"', bad)
    line, col = located(text_, bad)
    message = error_of(text_)
    assert message.startswith(f"<lesson>:{line}:{col + 1 + bad.index('* softmax.banana') - 1}: not an expression:"), message


def test_braces_in_an_expression_get_a_hint():
    text_ = edited('"-softmax.apple * softmax.banana"', '"-{softmax.apple} * softmax.banana"')
    line, _ = located(text_, "{softmax.apple} *")
    message = error_of(text_)
    assert message.startswith(f"<lesson>:{line}:") and "written without braces" in message, message


def test_an_unknown_name_is_reported_with_the_name_it_may_be():
    text_ = edited('"-softmax.apple * softmax.banana"', '"-softmax.apple * softmax.banan"')
    line, col = located(text_, '"-softmax.apple * softmax.banan"')
    assert error_of(text_) == f"<lesson>:{line}:{col}: unknown placeholder 'softmax.banan'; did you mean 'softmax.banana'?"


def test_a_word_is_not_a_number():
    text_ = edited("result: jacobian.apple.banana", "result: label.apple")
    line, col = located(text_, "label.apple\n")
    assert error_of(text_) == f"<lesson>:{line}:{col}: 'label.apple' is a word, not a number; an equation uses numbers"


def test_a_line_that_cannot_be_shown_truthfully_is_an_error_at_its_step():
    # a product with 10^8: no precision of p up to 6 decimals makes the shown product round to the shown result
    text_ = edited("        result: softmax.apple\n", "").replace(
        '"exp.apple / (exp.apple + exp.banana + exp.cherry)"', '"softmax.apple * 100000000"')
    line, col = located(text_, '"softmax.apple * 100000000"')
    message = error_of(text_)
    assert message.startswith(f"<lesson>:{line}:{col}: line 1 (softmax.apple * 100000000) cannot be shown truthfully: "
                              "no precision of the operands up to 6 decimals"), message


def test_a_result_that_is_not_the_expressions_value_is_an_error():
    text_ = edited("result: jacobian.apple.apple", "result: jacobian.apple.cherry")
    line, col = located(text_, "jacobian.apple.cherry")
    message = error_of(text_)
    assert message.startswith(f"<lesson>:{line}:{col}: line 1: softmax.apple * (1 - softmax.apple) is 0.249709, "
                              "but jacobian.apple.cherry is -0.186051"), message


def test_a_symbol_outside_the_grammar_is_an_error_at_it():
    text_ = edited("{input.sweetness: s, input.length: l}", "{input.sweetness: s, input.length: '\\ell'}")
    line, _ = located(text_, "'\\ell'")
    message = error_of(text_)
    assert message.startswith(f"<lesson>:{line}:") and "is not a symbol" in message, message


def test_a_symbol_for_a_name_no_line_uses_is_an_error():
    text_ = edited("{input.sweetness: s, input.length: l}", "{input.sweetness: s, input.length: l, raw.apple: z}")
    line, _ = located(text_, "raw.apple: z")
    assert f"<lesson>:{line}:" in error_of(text_) and "'raw.apple' is not used by any line" in error_of(text_)


def test_a_misspelt_name_in_a_line_is_reported_there_and_not_again_as_an_unused_symbol():
    text_ = TEXT.replace("* input.sweetness ", "* input.sweetnes ")  # in both lines: no line uses the symbol s
    assert text_.count("input.sweetnes ") == 2
    message = error_of(text_)
    assert "unknown placeholder 'input.sweetnes'; did you mean 'input.sweetness'?" in message
    assert "is not used by any line" not in message


def test_an_integer_is_shown_as_it_is():
    text_ = edited('"-softmax.apple * softmax.banana"', '"argmax.apple * softmax.banana"').replace(
        "        result: jacobian.apple.banana\n", "")
    step = next(s for s in check_text(text_, "<lesson>", Path(".")).plan.steps if s.id == "derivatives")
    line = step.data["lines"][1]
    assert [t for _, t in line["numeric"]] == ["1", " \\cdot ", "0.12"]  # not 1.00
    # 1 · 0.12 is exactly 0.12, but 0.12 is p rounded: "≈" both times
    assert line["substitution"] == line["relation"] == "\u2248" and line["result"] == "0.12"


def test_negative_numbers_are_bracketed_on_screen_where_the_formula_needs_it(tmp_path):
    text_ = edited('"-softmax.apple * softmax.banana"', '"raw.banana ^ 2 - raw.banana"').replace(
        "        result: jacobian.apple.banana\n", "")
    script = tmp_path / "negative.yaml"
    script.write_text(text_, encoding="utf-8")
    drawing = draw(script, "derivatives")
    line = drawing.step.data["lines"][1]
    # -0.095 exactly (the math core's value read at 15 digits): shown as it is, so the substitution is "="
    assert [t for _, t in line["numeric"]] == ["(", "-0.095", ")^{", "2", "}", " - ", "(", "-0.095", ")"]
    assert line["substitution"] == "=" and line["relation"] == "\u2248" and line["result"] == "0.10"
    drawn = strings(drawing)
    assert "(-0.095)^{2}-(-0.095)" in drawn and "z_{□}^{2}-z_{□}" in drawn and "\\approx0.10" in drawn
    assert drawing.layout_problems == []


def test_a_cue_is_checked_like_every_kinds_cue():
    # a placeholder the narration never speaks, and a sentence it does not have: the one message of lesson.kinds.cues
    text_ = edited("        result: softmax.apple\n", "        result: softmax.apple\n        cue: softmax.banana\n")
    line, col = located(text_, "softmax.banana\n")
    assert error_of(text_) == (
        f"<lesson>:{line}:{col}: cue: 'softmax.banana' is never spoken in this step's narration, so it gives no "
        "moment; write {softmax.banana} in the narration or use sentence.N"
    )
    text_ = edited("        result: softmax.apple\n", "        result: softmax.apple\n        cue: sentence.3\n")
    line, col = located(text_, "sentence.3\n")
    assert error_of(text_) == f"<lesson>:{line}:{col}: cue: 'sentence.3': the narration has 1 sentence (sentence.1 to sentence.1)"


PART7 = ROOT / "lessons" / "cross_entropy_backprop.yaml"


def part7_equation(*lines: str) -> dict:
    """The plan data of an equation step with these ``lines`` (YAML flow maps) added to Part 7 (a lesson with
    parameters, a loss, a gradient and two descents)."""
    text_ = PART7.read_text(encoding="utf-8") + "  - kind: equation\n    id: added\n    title: Added\n    lines:\n"
    text_ += "".join(f"      - {line}\n" for line in lines) + "    narration: The bias is {b3}.\n"
    return next(s for s in check_text(text_, "<lesson>", PART7.parent).plan.steps if s.id == "added").data


def test_default_symbols_use_the_authors_names_and_typed_numbers_keep_the_lessons_decimals():
    data = part7_equation('{expr: "b3 - one_step.learning_rate * slope", result: one_step.1.new_value}',
                          '{expr: "relu(sum.1.2)", result: hidden.1.2}')
    step_line, node_line = data["lines"]
    # the parameter by its own name, the learning rate as eta, the lesson's one gradient as g, a hidden node's sum as s
    assert [flat("".join(p)) for _, p in step_line["symbolic"]] == ["b_{3}", "-", "\\eta", "\\cdot", "g"]
    assert [flat("".join(map(str, p))) for _, p in node_line["symbolic"]] == ["\\operatorname{ReLU}", "(", "s_{2}", ")"]
    assert node_line["lhs"] == ["h_{2}"]
    # b3 = -2 and the learning rate 1 are typed: shown as typed, as everywhere in the lesson ("=" to the symbols)
    assert [t for _, t in step_line["numeric"]][:3] == ["-2", " - ", "1"]


def test_two_names_with_the_same_default_symbol_get_numbered_stand_ins_and_a_constant_is_no_parameters_name():
    from lesson.kinds.equation import parameter_symbol

    data = part7_equation('{expr: "total - cross_entropy"}',  # the lesson's one loss and the example's cross-entropy: both L
                          '{expr: "one_step.learning_rate * descent.learning_rate * b3"}')  # two learning rates: both eta
    first, second = ([flat("".join(map(str, p))) for _, p in line["symbolic"]] for line in data["lines"])
    assert first[0] != first[2] and first[0].startswith("v_") and first[2].startswith("v_")
    assert second[0] != second[2] and second[0].startswith("v_") and second[4] == "b_{3}"
    for name, symbol in (("w", "w"), ("b3", "b_3"), ("w_top", "w_top"), ("x1", None), ("s", None), ("pi", None), ("sigma", None), ("e", None)):
        assert parameter_symbol(name) == symbol, name


def _sum_of(terms: int) -> str:
    """A line adding ``terms`` numbers (0.75 and 0.50 in turn, short names from define:): five characters each."""
    return " + ".join("ab"[k % 2] for k in range(terms))


def _with_line(expr: str) -> str:
    return edited('"softmax.apple * (1 - softmax.apple)"', f'"{expr}"').replace(
        "        result: jacobian.apple.apple\n", "").replace("display:\n", 'define: {a: "input.sweetness", b: "input.length"}\ndisplay:\n', 1)


def test_a_line_too_long_to_read_is_an_error_at_its_step(tmp_path):
    from lesson.script import limits

    too_long = _sum_of(limits.EQUATION_ROW_CHARS // 5 + 2)
    text_ = _with_line(too_long)
    line, col = located(text_, f'"{too_long}"')
    message = error_of(text_)
    assert message.startswith(f"<lesson>:{line}:{col}: line 1 is too long to read at the frame's size"), message


def test_a_line_at_the_width_limit_is_drawn_at_a_readable_size(tmp_path):
    from manim import MathTex

    from lesson.script import limits
    from scenes.base import READABLE

    longest = _sum_of((limits.EQUATION_ROW_CHARS - 7) // 5)  # its numbers, the relation and the result: at the limit
    text_ = _with_line(longest)
    script = tmp_path / "wide.yaml"
    script.write_text(text_, encoding="utf-8")
    drawing = draw(script, "derivatives")
    numbers = max((i for i in tex_items(drawing) if "0.75" in i.string), key=lambda i: i.width)
    natural = MathTex(numbers.string, font_size=style.MATH, tex_template=style.SANS_MATH).width
    assert numbers.width / natural >= READABLE, (numbers.width, natural)


# ---------------------------------------------------------------- point: symbols as the voice describes them

CROSS_ENTROPY = ROOT / "lessons" / "cross_entropy.yaml"
BACKPROP = ROOT / "lessons" / "cross_entropy_backprop.yaml"


def _step_data(path: Path, step_id: str, text_: str | None = None) -> dict:
    text_ = path.read_text(encoding="utf-8") if text_ is None else text_
    return next(s for s in check_text(text_, str(path), path.parent).plan.steps if s.id == step_id).data


def test_point_finds_each_symbol_a_line_writes_by_its_placeholder_its_result_or_its_function():
    data = _step_data(CROSS_ENTROPY, "each")
    # −log in every line (the scene takes the latest on screen), p₁ in the first line, L₁ before its =
    assert [where for _, where in data["symbol_points"]] == [
        [[0, "ruf"], [1, "ruf"], [2, "ruf"]], [[0, "rua"]], [[0, "lhs"]], [[0, "ruf"], [1, "ruf"], [2, "ruf"]]]
    step = _step_data(BACKPROP, "step")
    # the step size: the first line's result and a symbol of the second
    assert ["sentence.3:minus the step size", [[0, "lhs"], [1, "rR"]]] in step["symbol_points"]


def test_point_at_what_no_line_writes_is_an_error_at_it():
    text_ = CROSS_ENTROPY.read_text(encoding="utf-8")
    edited = text_.replace('      - {at: example.first.p_observed, cue: "sentence.1:probability"}',
                           '      - {at: example.first.softmax.virginica, cue: "sentence.1:probability"}', 1)
    assert edited != text_
    with pytest.raises(LessonError) as exc:
        check_text(edited, str(CROSS_ENTROPY), CROSS_ENTROPY.parent)
    assert "no line writes 'example.first.softmax.virginica'" in str(exc.value)
    said = text_.replace('cue: "sentence.1:probability"}', 'cue: "sentence.1:no such words"}', 1)
    with pytest.raises(LessonError) as exc:
        check_text(said, str(CROSS_ENTROPY), CROSS_ENTROPY.parent)
    line = next(i for i, s in enumerate(said.splitlines(), 1) if "no such words" in s)
    assert f"cross_entropy.yaml:{line}:" in str(exc.value) and "sentence 1 does not say 'no such words'" in str(exc.value)


def test_a_side_panel_row_is_pointed_at_by_the_value_it_shows():
    step = _step_data(BACKPROP, "step")
    # "There the total cross-entropy is {one_step.final_loss}, down from {total}": the second row, then the first
    assert step["beside"]["pointing"] == [["one_step.final_loss", 1], ["total", 0]]
