"""lesson.base.expr: the equation language, parsed by the project's own parser and never by Python."""

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lesson.base import expr
from lesson.base.expr import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_LENGTH,
    Binary,
    Call,
    EvalError,
    Name,
    Number,
    ParseError,
    Unary,
    evaluate,
    names,
    parse,
    substitute,
    to_ascii,
    to_tex,
)
from mathcore.activations import ACTIVATIONS

ROOT = Path(__file__).resolve().parents[1]
NODES = (Number, Name, Unary, Binary, Call)


def outcome(fn, *args, expected=(ParseError, EvalError)):
    """The value of ``fn(*args)``, or the expected exception it raised (anything else propagates)."""
    try:
        return fn(*args)
    except expected as exc:
        return exc


# ---------------------------------------------------------------- parsing and precedence


@pytest.mark.parametrize(
    "text, value",
    [
        ("1 + 2*3", 7),
        ("(1 + 2)*3", 9),
        ("-2^2", -4),
        ("(-2)^2", 4),
        ("2^3^2", 512),
        ("(2^3)^2", 64),
        ("2*3^2", 18),
        ("2^-1", 0.5),
        ("-2*3", -6),
        ("8/4/2", 1),
        ("8 - 4 - 2", 2),
        ("--3", 3),
        ("2 × 3 ÷ 4 − 1", 0.5),
        ("2·3⋅4", 24),
        ("1.5e2 + .5 + 2E-1", 150.7),
        ("exp(0) + log(1)", 1),
        ("relu(-3) + relu(2) + identity(-1)", 1),
    ],
)
def test_precedence_and_associativity(text, value):
    assert math.isclose(evaluate(parse(text), {}), value, rel_tol=1e-12)


def test_the_tree_says_what_binds_tighter():
    assert parse("-x^2") == Unary("-", Binary("^", Name("x"), Number("2")))
    assert parse("-x*y") == Binary("*", Unary("-", Name("x")), Name("y"))
    assert parse("a - b - c") == Binary("-", Binary("-", Name("a"), Name("b")), Name("c"))
    assert parse("a^b^c") == Binary("^", Name("a"), Binary("^", Name("b"), Name("c")))
    assert parse("exp(softmax.setosa)") == Call("exp", Name("softmax.setosa"))
    assert parse("hidden.1.top*exp_sum") == Binary("*", Name("hidden.1.top"), Name("exp_sum"))
    assert parse("exp.setosa") == Name("exp.setosa")  # a placeholder, not a call


def test_names_are_listed_once_in_the_order_written():
    tree = parse("exp(b)/(exp(a) + exp(b) + c.1.x)")
    assert names(tree) == ("b", "a", "c.1.x")
    assert names(parse("1 + 2")) == ()


def test_nodes_are_immutable_and_checked():
    node = Number("1.5")
    with pytest.raises(AttributeError):
        node.text = "2"  # type: ignore[misc]
    for bad in (
        lambda: Number("-1"),
        lambda: Name("exp"),
        lambda: Name("a b"),
        lambda: Binary("%", node, node),
        lambda: Unary("+", node),
        lambda: Call("eval", node),
    ):
        with pytest.raises(ValueError):
            bad()


@pytest.mark.parametrize(
    "text, offset, says",
    [
        ("", 0, "expected a number, a name or '('"),
        ("1 +", 3, "but found the end of the expression"),
        ("(1 + 2", 6, "expected ')' to close the '(' at character 1"),
        ("exp(1", 5, "expected ')' to close the 'exp(' at character 4"),
        ("1 + 2)", 5, "found ')' with no '('"),
        ("2 x", 2, "write * for a product"),
        ("2x", 1, "expected an operator"),
        ("1 ** 2", 3, "write ^ for a power"),
        ("+1", 0, "unary plus"),
        ("foo(1)", 0, "unknown function 'foo'"),
        ("exp 1", 4, "expected '(' after the function name 'exp'"),
        ("log(1, 2)", 5, "log takes one argument"),
        ("1 + 2.", 5, "expected a digit after '.'"),
        ("a..b", 1, "after '.' in a name"),
        ("1 $ 2", 2, "unexpected character '$'"),
        ("1 + \x00", 4, "unexpected character '\\x00'"),
        ("sum(softmax.*)", 11, "not supported yet"),
        ("sum(x)", 0, "sum(...) is not supported yet"),
        ("1" * (MAX_DIGITS + 1), 0, f"at most {MAX_DIGITS} digits"),
        ("x" * (MAX_LENGTH + 1), MAX_LENGTH, f"longer than {MAX_LENGTH} characters"),
        ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), MAX_DEPTH, f"deeper than {MAX_DEPTH} levels"),
        ("-" * (MAX_DEPTH + 1) + "1", MAX_DEPTH, "deeper than"),
    ],
)
def test_errors_say_where_and_what_was_expected(text, offset, says):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.offset == offset
    assert says in info.value.message
    assert "\n" not in str(info.value)


def test_limits_are_inclusive():
    assert isinstance(parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH), Number)
    assert isinstance(parse("-" * MAX_DEPTH + "1"), Unary)
    assert parse("9" * MAX_DIGITS) == Number("9" * MAX_DIGITS)
    assert isinstance(parse("x" * MAX_LENGTH), Name)
    # exponents nest too: 2^-2^-2... is refused before Python's recursion limit is anywhere near
    with pytest.raises(ParseError):
        parse("2^-" * MAX_DEPTH + "2")


def test_ten_thousand_parentheses_are_a_parse_error_not_a_recursion_error():
    for text in ("(" * 10_000, "(" * 10_000 + "1" + ")" * 10_000, "(" * 499, "-" * 499 + "1", "exp(" * 100 + "1"):
        with pytest.raises(ParseError):
            parse(text)


def test_the_longest_chain_evaluates_and_renders():
    text = "+".join(["1"] * 250)  # 499 characters, a tree 249 levels deep
    tree = parse(text)
    assert evaluate(tree, {}) == 250
    assert to_ascii(tree).count("+") == 249
    assert to_tex(tree).count("+") == 249


# ---------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    "text, values, says",
    [
        ("exp(1000)", {}, "too large"),
        ("exp(x)", {"x": 710.0}, "too large"),
        ("log(0)", {}, "positive"),
        ("log(-x)", {"x": 1.0}, "positive"),
        ("1/0", {}, "division by zero"),
        ("1/(x - x)", {"x": 0.1}, "division by zero"),
        ("0^-1", {}, "division by zero"),
        ("(-8)^(1/3)", {}, "no real value"),
        ("10^400", {}, "too large"),
        ("x*x", {"x": 1e200}, "too large"),
        ("1e999", {}, "too large"),
        ("x + 1", {}, "no value for 'x'"),
        ("x", {"x": float("nan")}, "not a finite number"),
        ("x", {"x": "abc"}, "not a number"),
    ],
)
def test_evaluation_errors_are_eval_errors(text, values, says):
    with pytest.raises(EvalError) as info:
        evaluate(parse(text), values)
    assert says in str(info.value)


@given(st.floats(-50, 50))
def test_activations_are_the_math_cores(x):
    for fn in ("relu", "softplus", "sigmoid", "identity"):
        assert evaluate(parse(f"{fn}(x)"), {"x": x}) == float(ACTIVATIONS[fn](np.float64(x)))


def test_sigmoid_of_minus_0_51():
    assert round(evaluate(parse("sigmoid(-0.51)"), {}), 5) == 0.37519


# ---------------------------------------------------------------- rendering


@pytest.mark.parametrize(
    "text, ascii_, tex",
    [
        ("-2.5*x + 0.6*y + 1.6", "-2.5*x + 0.6*y + 1.6", r"-2.5 \cdot \mathrm{x} + 0.6 \cdot \mathrm{y} + 1.6"),
        ("a*-b", "a*(-b)", r"\mathrm{a} \cdot (-\mathrm{b})"),
        ("a + -b*c", "a + (-b)*c", r"\mathrm{a} + (-\mathrm{b}) \cdot \mathrm{c}"),
        ("-(a*b)", "-(a*b)", r"-(\mathrm{a} \cdot \mathrm{b})"),
        ("((a)) - ((b - c))", "a - (b - c)", r"\mathrm{a} - (\mathrm{b} - \mathrm{c})"),
        ("(a - b) - c", "a - b - c", r"\mathrm{a} - \mathrm{b} - \mathrm{c}"),
        ("p*(1-p)", "p*(1 - p)", r"\mathrm{p} \cdot (1 - \mathrm{p})"),
        (
            "exp(a)/(exp(a)+exp(b))",
            "exp(a)/(exp(a) + exp(b))",
            r"\frac{e^{\mathrm{a}}}{e^{\mathrm{a}} + e^{\mathrm{b}}}",
        ),
        ("(a/b)^2", "(a/b)^2", r"\left(\frac{\mathrm{a}}{\mathrm{b}}\right)^{2}"),
        ("(-a)^2", "(-a)^2", r"(-\mathrm{a})^{2}"),
        ("exp(a)^2", "exp(a)^2", r"(e^{\mathrm{a}})^{2}"),
        ("-log(p)", "-log(p)", r"-\log(\mathrm{p})"),
        (
            "relu(z) + softplus(z) + sigmoid(z) + identity(z)",
            "relu(z) + softplus(z) + sigmoid(z) + identity(z)",
            r"\operatorname{ReLU}(\mathrm{z}) + \operatorname{softplus}(\mathrm{z}) + \sigma(\mathrm{z}) + \operatorname{id}(\mathrm{z})",
        ),
        ("1.2e-12*x_1", "1.2e-12*x_1", r"1.2 \times 10^{-12} \cdot \mathrm{x\_1}"),
        ("2 × 3 ÷ 4 − 1", "2*3/4 - 1", r"\frac{2 \cdot 3}{4} - 1"),
    ],
)
def test_renderings(text, ascii_, tex):
    tree = parse(text)
    assert to_ascii(tree) == ascii_
    assert to_tex(tree) == tex
    assert parse(ascii_) == tree


def test_shown_text_replaces_names_with_the_parentheses_it_needs():
    tree = parse("w*x + b")
    assert to_ascii(tree, {"w": "-2.5", "x": "0.00", "b": "1.6"}) == "-2.5*0.00 + 1.6"
    assert to_ascii(tree, {"w": "2.4", "x": "\u22120.44", "b": "0"}) == "2.4*(-0.44) + 0"
    assert to_ascii(parse("x^2"), {"x": "-0.5"}) == "(-0.5)^2"
    assert to_ascii(parse("-log(p)"), {"p": "5.96e-11"}) == "-log(5.96e-11)"
    assert to_tex(parse("-log(p)"), {"p": "-5.96e-11"}) == r"-\log(-5.96 \times 10^{-11})"
    assert to_tex(tree, {"w": "2.4", "x": "1.10", "b": "0"}, times=True) == r"2.4 \times 1.10 + 0"
    assert to_tex(parse("a/b"), {"a": "1", "b": "3"}, frac=False) == "1 / 3"
    assert substitute(tree, {"x": Number("2")}) == parse("w*2 + b")


# trees of a bounded depth (so that their text, with the parentheses it needs, is within the limits)
names_ = st.sampled_from(["x", "y", "softmax.setosa", "hidden.1.top", "e_1"])
numbers_ = st.sampled_from(["0", "1", "2.5", "0.001", "1e-3", "12.75", ".5", "3E2"])
leaves = st.one_of(names_.map(Name), numbers_.map(Number))
trees = st.recursive(
    leaves,
    lambda sub: st.one_of(
        st.builds(Unary, st.just("-"), sub),
        st.builds(Binary, st.sampled_from(expr.OPERATORS), sub, sub),
        st.builds(Call, st.sampled_from(expr.FUNCTIONS), sub),
    ),
    max_leaves=12,
)


def depth(node) -> int:
    children = [getattr(node, f) for f in ("operand", "left", "right", "arg") if hasattr(node, f)]
    return 1 + max((depth(c) for c in children), default=0)


@given(trees)
def test_round_trip_through_ascii(tree):
    assume(depth(tree) <= 10)
    text = to_ascii(tree)
    assert parse(text) == tree
    assert to_ascii(parse(text)) == text
    assert text.isascii()


@given(trees)
def test_renderings_never_fail_and_tex_balances_braces(tree):
    assume(depth(tree) <= 10)
    tex = to_tex(tree)
    assert tex.count("{") == tex.count("}")
    assert tex.count("(") == tex.count(")")


# ---------------------------------------------------------------- fuzzing

ALPHABET = "0123456789.eE+-*/^() \t\nabcxyz_.×÷−·⋅\x00\u2028é$,%"
TOKENS = [
    "1",
    "0.5",
    "2.25e-3",
    "x",
    "y.1",
    "softmax.setosa",
    "+",
    "-",
    "*",
    "/",
    "^",
    "(",
    ")",
    "exp(",
    "log(",
    "relu(",
    "softplus(",
    "sigmoid(",
    "identity(",
    "−",
    "×",
    "÷",
    " ",
    "1e308",
    "1e-320",
    "0",
    "9" * 30,
]

fuzz_texts = st.one_of(
    st.text(max_size=600),
    st.text(alphabet=ALPHABET, max_size=600),
    st.lists(st.sampled_from(TOKENS), max_size=80).map("".join),
    st.integers(0, 12_000).map(lambda n: "(" * n),
    st.integers(0, 2_000).map(lambda n: "(" * n + "1" + ")" * n),
    st.integers(0, 2_000).map(lambda n: "-" * n + "x"),
    st.integers(0, 1_000).map(lambda n: "2^" * n + "2"),
    st.integers(0, 200).map(lambda n: "7" * n),
    st.integers(0, 200).map(lambda n: "1." + "0" * n + "e" + "9" * (n % 40)),
)
fuzz_values = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, 1e308, -1e308, 5e-324, 710.0]
)


@settings(max_examples=600, deadline=None)
@given(fuzz_texts, st.dictionaries(st.sampled_from(["x", "y.1", "softmax.setosa"]), fuzz_values))
def test_fuzz_parse_raises_only_parse_errors_and_evaluate_only_eval_errors(text, values):
    parsed = outcome(parse, text, expected=ParseError)
    assert isinstance(parsed, (ParseError, *NODES))
    assert 0 <= getattr(parsed, "offset", 0) <= len(text)
    tree = parsed if isinstance(parsed, NODES) else Number("0")
    value = outcome(evaluate, tree, values, expected=EvalError)
    assert isinstance(value, EvalError) or (isinstance(value, float) and math.isfinite(value))
    assert isinstance(outcome(to_ascii, tree, expected=()), str)
    assert isinstance(outcome(to_tex, tree, expected=()), str)


@settings(max_examples=300, deadline=None)
@given(trees, st.dictionaries(names_, fuzz_values))
def test_fuzz_evaluate_raises_only_eval_errors(tree, values):
    value = outcome(evaluate, tree, values, expected=EvalError)
    assert isinstance(value, EvalError) or (isinstance(value, float) and math.isfinite(value))


def test_the_module_never_evaluates_text_as_python():
    for module in ("base/expr.py", "base/truth.py"):
        source = (ROOT / "lesson" / module).read_text()
        tree = ast.parse(source)
        forbidden = {"eval", "exec", "compile", "literal_eval", "__import__", "import_module"}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        used |= {
            n.attr
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute)
            and not (n.attr == "compile" and isinstance(n.value, ast.Name) and n.value.id == "re")
        }
        assert not used & forbidden, module
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not imported & {"ast", "importlib", "manim", "yaml", "pydantic", "builtins"}, module
