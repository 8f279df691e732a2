"""Every equation a shipped lesson shows, as its package's manifest lists it, re-checked here without the
project's arithmetic: the expression is read by Python's own parser (only numbers, + - * / ^, parentheses and the
listed functions are accepted), evaluated in exact decimals where it can be, and the relation must hold — "=" only
when the shown arithmetic gives the shown result exactly, "≈" when it rounds to it as a person rounds."""

import ast
import math
from decimal import ROUND_HALF_UP, Decimal, getcontext
from pathlib import Path

import pytest

from lesson.package import manifest as package
from lesson.course.load import looks_like_course
from lesson.check import check_lesson

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p for p in (ROOT / "lessons").rglob("*.yaml") if not looks_like_course(p))
getcontext().prec = 60


def _function(name: str, x: Decimal) -> Decimal:
    f = float(x)
    value = {"exp": math.exp, "log": math.log, "relu": lambda v: max(v, 0.0),
             "softplus": lambda v: math.log1p(math.exp(-abs(v))) + max(v, 0.0),
             "sigmoid": lambda v: 1 / (1 + math.exp(-v)), "identity": lambda v: v}[name](f)
    return x if name == "identity" or (name == "relu" and x >= 0) else (Decimal(0) if name == "relu" else Decimal(value))


def value_of(text: str) -> tuple[Decimal, bool]:
    """The expression's value, and whether it is exact (no function other than relu or identity was applied)."""
    exact = True
    text = text.replace("^", "**")  # the manifest's power, with its precedence (above * and unary minus): Python's **

    def walk(node: ast.AST) -> Decimal:
        nonlocal exact
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return Decimal(ast.get_source_segment(text, node))  # the digits as written, not a float
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, ast.Div):
                q = a / b
                exact = exact and q * b == a
                return q
            if isinstance(node.op, ast.Pow) and b == b.to_integral_value():  # ^ is a power
                return a ** int(b)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
            name = node.func.id
            exact = exact and name in ("relu", "identity")
            return _function(name, walk(node.args[0]))
        raise AssertionError(f"not in the manifest's grammar: {ast.dump(node)} in {text!r}")

    return walk(ast.parse(text, mode="eval")), exact


def rounds_to(value: Decimal, result: str) -> bool:
    percent = result.endswith("%")
    digits = result.rstrip("%")
    places = len(digits.partition(".")[2])
    scaled = value * 100 if percent else value
    return scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == Decimal(digits)


def equations_of(path: Path) -> list[dict]:
    return package.equations(check_lesson(path).plan)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_equation_a_lesson_shows_is_true_at_the_digits_shown(path):
    for entry in equations_of(path):
        assert entry["relation"] in ("=", "\u2248") and entry["expression"].isascii() and entry["result"].isascii()
        value, exact = value_of(entry["expression"])
        if entry["relation"] == "=":
            assert exact and value == Decimal(entry["result"]), entry
        else:
            assert rounds_to(value, entry["result"]), entry


def test_the_lessons_show_equations_and_the_checker_refuses_a_false_one():
    counts = {p.stem: len(equations_of(p)) for p in LESSONS}
    assert counts["argmax_softmax"] >= 10 and counts["cross_entropy"] >= 9 and counts["activation_functions"] >= 6
    assert not rounds_to(value_of("4.18/6.08")[0], "0.68") and rounds_to(value_of("4.18/6.08")[0], "0.69")
    assert value_of("0.6871*(1 - 0.6871)") == (Decimal("0.21499359"), True)
    assert rounds_to(Decimal("0.575"), "0.58") and rounds_to(Decimal("0.825"), "83%")  # a person's rounding
