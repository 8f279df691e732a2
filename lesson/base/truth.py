"""One rule for showing an equation truthfully, whatever the equation.

Given an expression (``lesson.base.expr``), the true values of its operands (floats from the math
core), the true result and the display decimals ``d``:

* the result is shown as a person rounds it (``lesson.base.digits``) at ``d`` decimals (or as a
  percentage with ``d`` decimals: 83%);
* the operands are shown with the fewest decimals ``k >= d`` (up to ``d + 4``; a percentage starts
  at ``d + 2``) such that the arithmetic *of the numbers shown* rounds to the shown result. That
  arithmetic is exact decimal arithmetic (Python's ``decimal`` at 100 digits) for + - * / and for
  powers with an integer exponent; exp, log, sigmoid, softplus and fractional powers are computed
  in floats on the shown decimals and read back at 15 significant digits, as ``digits`` reads
  every float; ReLU and the identity stay exact;
* operands typed in the script may be marked exact: they are shown as typed, never rounded (an integer such
  as a count: ``3``); or marked typed: shown at the display decimals, or with their own digits if they have
  more, never rounded (a learning rate of 8 beside a slope that needs five decimals: ``8.00``, not
  ``8.00000``);
* if no fixed precision works, operands too small to show at ``d`` decimals (0 < |v| < 10^-d) are
  written in scientific notation (``5.96e-11``) with the fewest significant digits that work;
  if nothing works, :class:`TruthError` says so (``lesson check`` reports it at the step);
* the relation is "=" only if the shown arithmetic gives exactly the shown result and no operand
  was rounded; otherwise "≈".

Every record is re-checked from its text alone by :func:`verify` before it is returned: that is
what a reader of the manifest can do with ``expression``, ``relation`` and ``result``.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

from lesson.base import digits
from lesson.base.expr import (
    ARITHMETIC,
    FLOAT_FUNCTIONS,
    Call,
    EvalError,
    Expr,
    Name,
    Number,
    Sum,
    ParseError,
    Unary,
    evaluate,
    names,
    parse,
    power,
    to_ascii,
    to_tex,
)

EQUALS = "="
APPROX = "\u2248"
RELATIONS = (EQUALS, APPROX)
EXTRA_DECIMALS = 4
MAX_SIGNIFICANT = 12
MAX_DECIMALS = 12
PRECISION = 100  # digits of the decimal arithmetic: exact for every sum and product a lesson shows
MAX_INTEGER_POWER = 1000

_RESULT = re.compile(r"(?P<number>[-\u2212]?[0-9]{1,30}(?:\.(?P<decimals>[0-9]{1,30}))?)(?P<percent>%?)")


class TruthError(ValueError):
    """An equation that cannot be shown truthfully at any precision tried."""

    def __init__(self, message: str, expression: str = "") -> None:
        super().__init__(message)
        self.message, self.expression = message, expression


@dataclass(frozen=True)
class Operand:
    name: str
    text: str  # as shown, ASCII minus: "0.687", "-0.44", "5.96e-11"
    rounded: bool  # the shown number differs from the true value
    exact: bool  # typed in the script and shown as typed


@dataclass(frozen=True)
class Shown:
    """One equation as shown: ``expression relation result``, e.g. ``4.18/6.08 ≈ 0.69``."""

    expression: str  # plain ASCII with the shown operands (the manifest's "expression")
    relation: str  # "=" or "≈"
    result: str  # the shown result, ASCII minus: "0.69", "-0.07", "83%"
    operands: tuple[Operand, ...]  # the names used, in the order they are written
    decimals: int  # the decimals of the operands shown in fixed notation
    significant: int | None  # significant digits of the operands in scientific notation (None: none are)
    tex: str  # the expression for MathTex (ASCII minus)

    @property
    def equation(self) -> str:
        return f"{self.expression} {self.relation} {self.result}"

    def texts(self) -> dict[str, str]:
        """Each operand's shown text by name."""
        return {o.name: o.text for o in self.operands}


@dataclass(frozen=True)
class Link:
    """One stage of a chain and the relation to what follows it."""

    expression: str
    relation: str
    tex: str


@dataclass(frozen=True)
class Chain:
    """``a ≈ b ≈ c``: each link's expression, its relation to the next one, and finally the result."""

    links: tuple[Link, ...]
    result: str
    operands: tuple[Operand, ...]
    decimals: int
    significant: int | None
    stages: tuple[Shown, ...] = ()  # each stage against the shown result (what the manifest records)

    @property
    def equation(self) -> str:
        return " ".join(f"{link.expression} {link.relation}" for link in self.links) + f" {self.result}"


# ---------------------------------------------------------------- numbers as text


typed = digits.typed


def typed_at(value: float, decimals: int) -> str:
    """A value typed in the script at ``decimals`` decimals, or with its own digits if it has more: exactly
    its value, never rounded (8 → 8.00, 0.125 → 0.125 at 2 decimals)."""
    own = max(0, -digits.decimal(value).normalize().as_tuple().exponent)  # type: ignore[operator]
    return digits.fixed(value, max(decimals, own))


def scientific(value: float, significant: int) -> str:
    """``value`` with ``significant`` significant digits as ``5.96e-11`` (a person's rounding, ASCII minus)."""
    q = digits.decimal(value)
    if q == 0:
        return "0"
    with localcontext() as ctx:
        ctx.prec = 60
        exponent = q.adjusted()
        mantissa = q.scaleb(-exponent).quantize(Decimal(1).scaleb(1 - significant), rounding=ROUND_HALF_UP)
        if abs(mantissa) >= 10:
            exponent += 1
            mantissa = q.scaleb(-exponent).quantize(Decimal(1).scaleb(1 - significant), rounding=ROUND_HALF_UP)
    return f"{mantissa}e{exponent}"


def _result_text(result: float, d: int, percent: bool) -> str:
    return digits.format_number(result, f".{d}%", d) if percent else digits.fixed(result, d)


# ---------------------------------------------------------------- the arithmetic of shown numbers


def _context() -> Context:
    return Context(
        prec=PRECISION,
        rounding=ROUND_HALF_UP,
        Emax=10**6,
        Emin=-(10**6),
        traps=[InvalidOperation, DivisionByZero, Overflow],
    )


def _shown_value(node: Expr, texts: Mapping[str, str]) -> tuple[Decimal, bool]:
    """The value of ``node`` with the shown numbers, and whether it is exact (no rounding anywhere)."""
    with localcontext(_context()) as ctx:
        floats: list[bool] = []
        try:
            value = _walk(node, texts, floats)
        except DecimalException as exc:
            raise EvalError(f"no value ({type(exc).__name__})") from None
        if not value.is_finite():
            raise EvalError("no finite value")
        return value, not (ctx.flags[Inexact] or floats)


def _from_float(y: float) -> Decimal:
    if not math.isfinite(y):
        raise EvalError("too large to compute")
    return digits.decimal(y)


def _to_float(x: Decimal) -> float:
    f = float(x)
    if not math.isfinite(f):
        raise EvalError("too large to compute in floats")
    return f


_EXACT_POINTS = {
    ("exp", Decimal(0)): Decimal(1),
    ("log", Decimal(1)): Decimal(0),
    ("sigmoid", Decimal(0)): Decimal("0.5"),
}


def _walk(node: Expr, texts: Mapping[str, str], floats: list[bool]) -> Decimal:
    if isinstance(node, Number):
        return Decimal(node.text)
    if isinstance(node, Name):
        if node.name not in texts:
            raise EvalError(f"no shown number for {node.name!r}")
        return Decimal(texts[node.name].replace("\u2212", "-"))
    if isinstance(node, Unary):
        return -_walk(node.operand, texts, floats)
    if isinstance(node, Call):
        x = _walk(node.arg, texts, floats)
        if node.fn == "relu":
            return x if x > 0 else Decimal(0)
        if node.fn == "identity":
            return x
        if (node.fn, x) in _EXACT_POINTS:
            return _EXACT_POINTS[(node.fn, x)]
        floats.append(True)
        return _from_float(FLOAT_FUNCTIONS[node.fn](_to_float(x)))
    if isinstance(node, Sum):
        raise EvalError(f"sum({node.prefix}.*) must be written out first (expand_sums)")
    a = _walk(node.left, texts, floats)
    b = _walk(node.right, texts, floats)
    if node.op in ARITHMETIC:
        return ARITHMETIC[node.op](a, b)
    if node.op == "/":
        if b == 0:
            raise EvalError("division by zero")
        return a / b
    if b == b.to_integral_value() and abs(b) <= MAX_INTEGER_POWER:
        if b == 0:
            return Decimal(1)  # 0^0 = 1, as in floats
        if a == 0 and b < 0:
            raise EvalError("0 to a negative power is a division by zero")
        return a ** int(b)
    floats.append(True)
    return _from_float(power(_to_float(a), _to_float(b)))


def _round(value: Decimal, d: int) -> Decimal:
    with localcontext(_context()):
        try:
            return value.quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
        except DecimalException:
            raise EvalError("too large to round") from None


# ---------------------------------------------------------------- reading a record back


def problem(expression: str, relation: str, result: str) -> str | None:
    """What is wrong with ``expression relation result`` read from its text alone (None: it holds).

    ``result`` is a decimal number ("0.69", "-0.07", "1") or a percentage ("83%"); its decimals are
    the precision of the claim. "≈" holds if the expression's value rounds (half away from zero) to
    the result; "=" also needs the value to be exactly the result."""
    if relation not in RELATIONS:
        return f"{relation!r} is not a relation; expected '=' or '\u2248'"
    m = _RESULT.fullmatch(result)
    if m is None:
        return f"{result!r} is not a number"
    try:
        node = parse(expression)
    except ParseError as exc:
        return f"{expression!r} is not an expression: {exc}"
    if names(node):
        return f"{expression!r} has names, not numbers: {', '.join(names(node))}"
    try:
        value, exact = _shown_value(node, {})
        if m["percent"]:
            value *= 100
        shown = Decimal(m["number"].replace("\u2212", "-"))
        rounded = _round(value, len(m["decimals"] or ""))
    except EvalError as exc:
        return f"{expression} has no value: {exc}"
    if rounded != shown:
        return f"{expression} is {value:.{len(m['decimals'] or '') + 4}f}..., which rounds to {rounded}, not {shown}"
    if relation == EQUALS and not (exact and value == shown):
        return f"{expression} is not exactly {result}; the relation is '\u2248'"
    return None


def verify(expression: str, relation: str, result: str) -> bool:
    """Whether ``expression relation result`` holds, checked from the text alone with exact decimal arithmetic."""
    return problem(expression, relation, result) is None


def verify_chain(links: Sequence[tuple[str, str]], result: str) -> bool:
    """Whether the chain ``e0 r0 e1 r1 ... en rn result`` holds: every stage rounds to the result, and every
    "=" between two stages joins two exactly equal values."""
    if not links or any(problem(e, APPROX, result) is not None for e, _ in links):
        return False
    if problem(links[-1][0], links[-1][1], result) is not None:
        return False
    for (left, rel), (right, _) in itertools.pairwise(links):
        if rel not in RELATIONS:
            return False
        if rel == EQUALS:
            (a, exact_a), (b, exact_b) = _shown_value(parse(left), {}), _shown_value(parse(right), {})
            if not (exact_a and exact_b and a == b):
                return False
    return True


# ---------------------------------------------------------------- the rule


@dataclass(frozen=True)
class _Found:
    shown: Shown
    value: Decimal
    exact: bool


def _check_decimals(decimals: int) -> None:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"decimals must be a whole number from 0 to {MAX_DECIMALS}, not {decimals!r}")


def _true_values(used: Sequence[str], values: Mapping[str, float], where: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name in used:
        if name not in values:
            raise TruthError(f"{where} uses {name!r}, which has no value", where)
        v = values[name]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise TruthError(f"{where} uses {name!r}, whose value {v!r} is not a finite number", where)
        out[name] = float(v)
    return out


def _attempt(
    trees: Sequence[Expr],
    results: Sequence[tuple[str, int]],
    texts: Mapping[str, str],
    rounded: Mapping[str, bool],
    exact_names: Collection[str],
    d: int,
    percent: bool,
    k: int,
    s: int | None,
) -> list[_Found] | None:
    found = []
    for tree, (result, places) in zip(trees, results):
        used = names(tree)
        try:
            value, exact = _shown_value(tree, texts)
            scaled = value * 100 if percent else value
            target = Decimal(result.rstrip("%"))
            if _round(scaled, places) != target:
                return None
        except EvalError:
            return None
        holds = exact and scaled == target and not any(rounded[n] for n in used)
        relation = EQUALS if holds else APPROX
        mine = {n: texts[n] for n in used}
        try:
            expression, tex = to_ascii(tree, mine), to_tex(tree, mine)
        except ParseError:
            return None
        if not verify(expression, relation, result):  # what a reader can check: never hand out anything else
            return None
        operands = tuple(Operand(n, texts[n], rounded[n], n in exact_names) for n in used)
        found.append(_Found(Shown(expression, relation, result, operands, k, s, tex), value, exact))
    return found


def _search(
    equations: Sequence[tuple[Expr | str, float | None]],
    values: Mapping[str, float],
    decimals: int,
    exact: Collection[str],
    percent: bool,
    extra: int,
    padded: Collection[str] = (),
    floors: Mapping[str, int] | None = None,
    result_places: Sequence[int | None] = (),
) -> list[_Found]:
    _check_decimals(decimals)
    floors = floors or {}
    trees = [parse(e) if isinstance(e, str) else e for e, _ in equations]
    where = "; ".join(to_ascii(t) for t in trees)
    used = list(dict.fromkeys(n for t in trees for n in names(t)))
    true = _true_values(used, values, where)
    if large := [n for n in used if digits.too_large(true[n])]:
        raise TruthError(f"{large[0]} is about {scientific(true[large[0]], 3)}, too large to show as digits "
                         f"(at most {digits.WHOLE_DIGITS_MAX} before the decimal point): show it in larger units", where)
    results: list[tuple[str, int]] = []
    places_of = [*result_places, *[None] * len(trees)]
    for i, (tree, (_, result)) in enumerate(zip(trees, equations)):
        if result is None:
            try:
                result = evaluate(tree, true)
            except EvalError as exc:
                raise TruthError(f"{to_ascii(tree)} has no value: {exc}", where) from None
        if isinstance(result, bool) or not isinstance(result, numbers.Real) or not math.isfinite(result):
            raise TruthError(f"the result of {to_ascii(tree)} is not a finite number: {result!r}", where)
        if digits.too_large(float(result)):
            raise TruthError(f"the result of {to_ascii(tree)} is about {scientific(float(result), 3)}, too large to show as "
                             f"digits (at most {digits.WHOLE_DIGITS_MAX} before the decimal point)", where)
        places = decimals if places_of[i] is None or percent else max(decimals, places_of[i])  # type: ignore[type-var]
        results.append((_result_text(float(result), places, percent), places))
    start = decimals + 2 if percent else decimals
    typed_texts = {n: typed(true[n]) for n in used if n in exact}
    typed_texts.update({n: typed_at(true[n], start) for n in used if n in padded and n not in exact})
    exact = {*exact, *typed_texts}

    def texts_for(k: int, s: int | None, small: Collection[str]) -> tuple[dict[str, str], dict[str, bool]]:
        texts: dict[str, str] = {}
        for n in used:
            if n in typed_texts:
                texts[n] = typed_texts[n]
            elif s is not None and n in small:
                texts[n] = scientific(true[n], s)
            else:
                texts[n] = digits.fixed_at_least(true[n], max(k, floors.get(n, 0)), max(start, floors.get(n, 0)))
        return texts, {n: Decimal(texts[n]) != digits.decimal(true[n]) for n in used}

    finest = start + extra
    for k in range(start, finest + 1):
        texts, rounded = texts_for(k, None, ())
        found = _attempt(trees, results, texts, rounded, exact, decimals, percent, k, None)
        if found is not None:
            return found
    small = [n for n in used if n not in typed_texts and 0 < abs(true[n]) < 10.0**-start]
    if small:
        for s in range(1, MAX_SIGNIFICANT + 1):
            for k in range(start, finest + 1):
                texts, rounded = texts_for(k, s, small)
                found = _attempt(trees, results, texts, rounded, exact, decimals, percent, k, s)
                if found is not None:
                    return found
    also = f" nor scientific notation up to {MAX_SIGNIFICANT} significant digits" if small else ""
    claims = " and ".join(f"{to_ascii(t)} round to {r}" for t, (r, _) in zip(trees, results))
    raise TruthError(
        f"no precision of the operands up to {finest} decimals{also} makes the shown {claims}; change display.decimals",
        where,
    )


def show(
    expression: Expr | str,
    values: Mapping[str, float],
    result: float | None,
    decimals: int,
    *,
    exact: Collection[str] = (),
    percent: bool = False,
    extra: int = EXTRA_DECIMALS,
    padded: Collection[str] = (),
    floors: Mapping[str, int] | None = None,
    result_places: int | None = None,
) -> Shown:
    """``expression`` with its operands (``values``, true floats) and ``result`` (the true value; None:
    computed from ``values``) shown truthfully at ``decimals``. Names in ``exact`` are shown as typed, names in
    ``padded`` (typed too) at ``decimals`` or their own digits (:func:`typed_at`). ``floors`` gives a name the
    fewest decimals it may be shown with (its form in the whole lesson); ``result_places`` the result's decimals
    (at least ``decimals``). :class:`TruthError` if no precision up to ``decimals + extra`` (nor scientific
    notation) works."""
    return _search([(expression, result)], values, decimals, exact, percent, extra, padded, floors, (result_places,))[0].shown


def show_all(
    equations: Sequence[tuple[Expr | str, float | None]],
    values: Mapping[str, float],
    decimals: int,
    *,
    exact: Collection[str] = (),
    percent: bool = False,
    extra: int = EXTRA_DECIMALS,
    padded: Collection[str] = (),
    floors: Mapping[str, int] | None = None,
    result_places: Sequence[int | None] = (),
) -> tuple[Shown, ...]:
    """Several equations on one screen, each ``(expression, true result)``: one precision for all their
    operands (a name is shown the same way everywhere), the fewest at which every equation holds."""
    if not equations:
        return ()
    return tuple(f.shown for f in _search(equations, values, decimals, exact, percent, extra, padded, floors, result_places))


def chain(
    stages: Sequence[Expr | str],
    values: Mapping[str, float],
    decimals: int,
    *,
    result: float | None = None,
    exact: Collection[str] = (),
    percent: bool = False,
    extra: int = EXTRA_DECIMALS,
    padded: Collection[str] = (),
    floors: Mapping[str, int] | None = None,
    result_places: int | None = None,
) -> Chain:
    """``stage0 ≈ stage1 ≈ ... ≈ result``: every stage's shown arithmetic rounds to the shown result (one
    precision for all operands); two stages are joined by "=" only if both are exact, equal and use no
    rounded operand. ``result`` is the true value (None: the first stage's value)."""
    if not stages:
        raise ValueError("a chain needs at least one stage")
    trees = [parse(s) if isinstance(s, str) else s for s in stages]
    if result is None:
        where = to_ascii(trees[0])
        try:
            result = evaluate(trees[0], _true_values(names(trees[0]), values, where))
        except EvalError as exc:
            raise TruthError(f"{where} has no value: {exc}", where) from None
    found = _search([(t, result) for t in trees], values, decimals, exact, percent, extra, padded, floors,
                    [result_places] * len(trees))
    links = []
    for i, f in enumerate(found):
        if i + 1 < len(found):
            g = found[i + 1]
            clean = not any(o.rounded for o in f.shown.operands + g.shown.operands)
            relation = EQUALS if f.exact and g.exact and f.value == g.value and clean else APPROX
        else:
            relation = f.shown.relation
        links.append(Link(f.shown.expression, relation, f.shown.tex))
    operands = tuple({o.name: o for f in found for o in f.shown.operands}.values())
    out = Chain(tuple(links), found[0].shown.result, operands, found[0].shown.decimals, found[0].shown.significant,
                tuple(f.shown for f in found))
    if not verify_chain([(link.expression, link.relation) for link in out.links], out.result):
        raise TruthError(f"the chain {out.equation} does not check", out.equation)
    return out
