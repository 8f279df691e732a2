"""A small arithmetic language for the equations a lesson shows, parsed by this module alone.

Nothing here is ever evaluated as Python: the text is read by a hand-written lexer and a
recursive-descent parser into an immutable tree, and the tree is evaluated by walking it.

Grammar (lowest precedence first)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | power                 -2^2 is -(2^2)
    power   := atom ("^" unary)?                  right-associative: 2^3^2 is 2^(3^2)
    atom    := NUMBER | NAME | FUNCTION "(" sum ")" | "(" sum ")"

    NUMBER  := [0-9]+ ("." [0-9]+)? | "." [0-9]+, then optionally [eE] [+-]? [0-9]+
    NAME    := [A-Za-z_][A-Za-z0-9_]* ("." [A-Za-z0-9_]+)*      softmax.setosa, hidden.1.top
    FUNCTION:= exp | log (natural) | relu | softplus | sigmoid | identity

With ``parse(text, sums=True)`` (derived values, ``define:``) an atom may also be ``sum(NAME.*)``: the sum of every
value named ``NAME.<one more part>`` (``sum(softmax.*)`` adds the classes' SoftMax values,
``sum(total.*)`` each example's loss). :func:`expand_sums` turns it into a plain sum of names.

``×`` ``·`` ``⋅`` are read as ``*``, ``÷`` as ``/`` and ``−`` (U+2212) as ``-``.

Everything is bounded: an expression has at most 500 characters, nests at most 30 levels
(parentheses, calls, unary minus and exponents all count) and a number has at most 30
digits, so parsing never recurses deeply whatever the input. Errors are :class:`ParseError`
with the 0-based character offset of the fault and a message saying what was expected; the
caller turns the offset into FILE:LINE:COL.
"""

from __future__ import annotations

import operator
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mathcore.activations import ACTIVATIONS

MAX_LENGTH = 500
MAX_DEPTH = 30
MAX_DIGITS = 30

FUNCTIONS: tuple[str, ...] = ("exp", "log", "relu", "softplus", "sigmoid", "identity")
OPERATORS: tuple[str, ...] = ("+", "-", "*", "/", "^")

_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_SPACE = frozenset(" \t\r\n")
_SYMBOLS = {
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "^": "^",
    "(": "(",
    ")": ")",
    ",": ",",
    "\u00d7": "*",  # ×
    "\u00b7": "*",  # ·
    "\u22c5": "*",  # ⋅
    "\u00f7": "/",  # ÷
    "\u2212": "-",  # −
}



# the binary operations whose value needs nothing but the operator (division and powers each have their own rules)
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}

class ParseError(ValueError):
    """Text that is not an expression: ``offset`` is the 0-based character where it goes wrong."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(f"{message} (at character {offset + 1})")
        self.offset, self.message = offset, message


class EvalError(ArithmeticError):
    """An expression that has no value for these numbers (overflow, log of 0, division by 0, ...)."""


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Number:
    """A decimal number as written (never signed: -2 is ``Unary("-", Number("2"))``)."""

    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or _NUMBER.fullmatch(self.text) is None:
            raise ValueError(f"not an unsigned decimal number: {self.text!r}")


@dataclass(frozen=True)
class Name:
    """A placeholder such as ``softmax.setosa``."""

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or _NAME.fullmatch(self.name) is None or self.name in FUNCTIONS:
            raise ValueError(f"not a name: {self.name!r}")


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr

    def __post_init__(self) -> None:
        if self.op != "-":
            raise ValueError(f"not a unary operator: {self.op!r}")


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"not a binary operator: {self.op!r}")


@dataclass(frozen=True)
class Call:
    fn: str
    arg: Expr

    def __post_init__(self) -> None:
        if self.fn not in FUNCTIONS:
            raise ValueError(f"not a function: {self.fn!r}")


@dataclass(frozen=True)
class Sum:
    """``sum(prefix.*)``: the sum of the values named ``prefix.<part>`` (one more part); see :func:`expand_sums`."""

    prefix: str

    def __post_init__(self) -> None:
        if not isinstance(self.prefix, str) or _NAME.fullmatch(self.prefix) is None:
            raise ValueError(f"not a name: {self.prefix!r}")


Expr = Number | Name | Unary | Binary | Call | Sum


# ---------------------------------------------------------------- lexer


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "pattern" (name.*), "op" (one of + - * / ^ ( ) after mapping Unicode), "end"
    text: str
    offset: int


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the expression"
    text = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    return repr(text)


def _tokens(text: str, sums: bool = False) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACE:
            i += 1
            continue
        if ch in _SYMBOLS:
            out.append(_Token("op", _SYMBOLS[ch], i))
            i += 1
            continue
        m = _NUMBER.match(text, i)
        if m is not None:
            literal = m.group()
            if sum(c.isdigit() for c in literal) > MAX_DIGITS:
                raise ParseError(i, f"a number has at most {MAX_DIGITS} digits")
            out.append(_Token("num", literal, i))
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m is not None:
            end = m.end()
            if text.startswith(".*", end):
                if not sums:
                    raise ParseError(end, f"name patterns such as '{m.group()}.*' are not supported yet; expected a name")
                out.append(_Token("pattern", m.group(), i))
                i = end + 2
                continue
            out.append(_Token("name", m.group(), i))
            i = end
            continue
        if ch == ".":
            after_name = bool(out) and out[-1].kind == "name" and out[-1].offset + len(out[-1].text) == i
            raise ParseError(
                i, "expected a letter, digit or '_' after '.' in a name" if after_name else "expected a digit after '.'"
            )
        raise ParseError(
            i, f"unexpected character {ch!r}; expected a number, a name, an operator (+ - * / ^) or a parenthesis"
        )
    out.append(_Token("end", "", n))
    return out


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens: list[_Token], sums: bool = False) -> None:
        self.tokens = tokens
        self.sums = sums
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def at(self, *ops: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text in ops

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(
                token.offset, f"the expression nests deeper than {MAX_DEPTH} levels; expected a simpler expression"
            )

    def leave(self) -> None:
        self.depth -= 1

    def whole(self) -> Expr:
        node = self.sum()
        token = self.peek()
        if token.kind != "end":
            if token.kind == "op" and token.text == ")":
                raise ParseError(
                    token.offset, "found ')' with no '(' before it; expected an operator or the end of the expression"
                )
            hint = " (write * for a product)" if token.kind in ("num", "name") or token.text == "(" else ""
            raise ParseError(
                token.offset,
                f"expected an operator (+ - * / ^) or the end of the expression but found {_describe(token)}{hint}",
            )
        return node

    def sum(self) -> Expr:
        node = self.product()
        while self.at("+", "-"):
            op = self.take().text
            node = Binary(op, node, self.product())
        return node

    def product(self) -> Expr:
        node = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Expr:
        if self.at("-"):
            token = self.take()
            self.enter(token)
            operand = self.unary()
            self.leave()
            return Unary("-", operand)
        return self.power()

    def power(self) -> Expr:
        base = self.atom()
        if self.at("^"):
            token = self.take()
            self.enter(token)
            exponent = self.unary()
            self.leave()
            return Binary("^", base, exponent)
        return base

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "num":
            return Number(token.text)
        if token.kind == "name":
            if token.text in FUNCTIONS:
                return self.call(token)
            if self.at("("):
                if token.text == "sum" and self.sums:
                    return self.sum_of(token)
                if token.text == "sum":
                    raise ParseError(
                        token.offset, "sum(...) is not supported yet; expected a function: " + ", ".join(FUNCTIONS)
                    )
                raise ParseError(
                    token.offset, f"unknown function {_describe(token)}; expected one of: " + ", ".join(FUNCTIONS)
                )
            return Name(token.text)
        if token.kind == "op" and token.text == "(":
            self.enter(token)
            inner = self.sum()
            self.close(token)
            self.leave()
            return inner
        if token.kind == "pattern":
            raise ParseError(token.offset, f"a pattern such as '{token.text}.*' goes inside sum(...)")
        hint = ""
        if token.kind == "op" and token.text == "*" and self.i >= 2 and self.tokens[self.i - 2].text == "*":
            hint = " (write ^ for a power)"
        elif token.kind == "op" and token.text == "+":
            hint = " (a unary plus is not written)"
        raise ParseError(token.offset, f"expected a number, a name or '(' but found {_describe(token)}{hint}")

    def call(self, name: _Token) -> Expr:
        # sum(name.*) is read by sum_of (only with parse(..., sums=True)); expand_sums writes it out as names.
        if not self.at("("):
            raise ParseError(self.peek().offset, f"expected '(' after the function name {name.text!r}")
        opening = self.take()
        self.enter(opening)
        arg = self.sum()
        self.close(opening, name.text)
        self.leave()
        return Call(name.text, arg)

    def sum_of(self, name: _Token) -> Expr:
        opening = self.take()
        token = self.take()
        if token.kind != "pattern":
            raise ParseError(token.offset, f"sum takes a pattern such as softmax.* but found {_describe(token)}")
        self.close(opening, name.text)
        return Sum(token.text)

    def close(self, opening: _Token, fn: str = "") -> None:
        token = self.peek()
        if token.kind == "op" and token.text == ")":
            self.take()
            return
        what = f"{fn}(" if fn else "("
        if token.kind == "end":
            raise ParseError(token.offset, f"expected ')' to close the '{what}' at character {opening.offset + 1}")
        if fn and token.text == ",":
            raise ParseError(token.offset, f"{fn} takes one argument; expected ')'")
        raise ParseError(
            token.offset,
            f"expected ')' to close the '{what}' at character {opening.offset + 1} but found {_describe(token)}",
        )


def parse(text: str, sums: bool = False) -> Expr:
    """The tree of ``text``; :class:`ParseError` (with the character offset) if it is not an expression.
    ``sums``: allow ``sum(name.*)`` (expand it with :func:`expand_sums` before evaluating)."""
    if not isinstance(text, str):
        raise ParseError(0, "expected the expression as text")
    if len(text) > MAX_LENGTH:
        raise ParseError(MAX_LENGTH, f"the expression is longer than {MAX_LENGTH} characters; expected a shorter one")
    return _Parser(_tokens(text, sums), sums).whole()


# ---------------------------------------------------------------- walking the tree


def names(node: Expr) -> tuple[str, ...]:
    """The placeholders ``node`` uses, each once, in the order they are written."""
    return _collect(node, lambda n: n.name if isinstance(n, Name) else None)


def patterns(node: Expr) -> tuple[str, ...]:
    """The prefixes of the ``sum(prefix.*)`` in ``node``, each once, in the order they are written."""
    return _collect(node, lambda n: n.prefix if isinstance(n, Sum) else None)


def _collect(node: Expr, pick: Callable[[Expr], str | None]) -> tuple[str, ...]:
    """What ``pick`` finds in the tree's nodes, each once, in the order written (a loop, not recursion)."""
    seen: dict[str, None] = {}
    stack: list[Expr] = [node]
    while stack:
        n = stack.pop()
        if (found := pick(n)) is not None:
            seen.setdefault(found)
        elif isinstance(n, Unary):
            stack.append(n.operand)
        elif isinstance(n, Binary):
            stack.extend((n.right, n.left))
        elif isinstance(n, Call):
            stack.append(n.arg)
    return tuple(seen)


def matching(prefix: str, known: Sequence[str]) -> list[str]:
    """The names of ``known`` that ``sum(prefix.*)`` adds: ``prefix.<one more part>``, in ``known``'s order."""
    start = prefix + "."
    return [k for k in known if k.startswith(start) and "." not in k[len(start):] and len(k) > len(start)]


def expand_sums(node: Expr, known: Sequence[str]) -> Expr:
    """``node`` with each ``sum(prefix.*)`` written out as ``prefix.a + prefix.b + ...`` over the names of
    ``known``; :class:`EvalError` if a pattern matches no name."""
    if isinstance(node, Sum):
        found = matching(node.prefix, known)
        if not found:
            raise EvalError(f"sum({node.prefix}.*) adds nothing: no value is named {node.prefix}.<something>")
        out: Expr = Name(found[0])
        for name in found[1:]:
            out = Binary("+", out, Name(name))
        return out
    if isinstance(node, Unary):
        return Unary(node.op, expand_sums(node.operand, known))
    if isinstance(node, Binary):
        return Binary(node.op, expand_sums(node.left, known), expand_sums(node.right, known))
    if isinstance(node, Call):
        return Call(node.fn, expand_sums(node.arg, known))
    return node


def substitute(node: Expr, replacements: Mapping[str, Expr]) -> Expr:
    """``node`` with each name in ``replacements`` replaced by its tree."""
    if isinstance(node, Name):
        return replacements.get(node.name, node)
    if isinstance(node, Unary):
        return Unary(node.op, substitute(node.operand, replacements))
    if isinstance(node, Binary):
        return Binary(node.op, substitute(node.left, replacements), substitute(node.right, replacements))
    if isinstance(node, Call):
        return Call(node.fn, substitute(node.arg, replacements))
    return node


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise EvalError(f"{what} is too large to compute")
    return value


def _activation(name: str) -> Callable[[float], float]:
    fn = ACTIVATIONS[name].fn
    return lambda x: float(fn(np.asarray(x, dtype=np.float64)))


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise EvalError(f"exp({x:.6g}) is too large to compute") from None


def _log(x: float) -> float:
    if x <= 0:
        raise EvalError(f"log({x:.6g}) has no value: log needs a positive number")
    return math.log(x)


# The functions on floats, as the math core defines them; each raises only EvalError.
FLOAT_FUNCTIONS: Mapping[str, Callable[[float], float]] = {
    "exp": _exp,
    "log": _log,
    "relu": _activation("relu"),
    "softplus": _activation("softplus"),
    "sigmoid": _activation("sigmoid"),
    "identity": _activation("identity"),
}


def power(base: float, exponent: float) -> float:
    """``base ^ exponent`` on floats, raising only :class:`EvalError`."""
    if base == 0 and exponent < 0:
        raise EvalError("0 to a negative power is a division by zero")
    if base < 0 and exponent != math.floor(exponent):
        raise EvalError(f"{base:.6g} ^ {exponent:.6g} has no real value (a negative number to a fractional power)")
    try:
        return _finite(math.pow(base, exponent), f"{base:.6g} ^ {exponent:.6g}")
    except (OverflowError, ValueError):
        raise EvalError(f"{base:.6g} ^ {exponent:.6g} is too large to compute") from None


def evaluate(node: Expr, values: Mapping[str, float]) -> float:
    """The value of ``node`` in floats, with ``values`` for its names; only :class:`EvalError` if it has none."""
    if isinstance(node, Number):
        return _finite(float(node.text), f"the number {node.text}")
    if isinstance(node, Name):
        if node.name not in values:
            raise EvalError(f"no value for {node.name!r}")
        try:
            value = float(values[node.name])
        except (TypeError, ValueError, OverflowError):
            raise EvalError(f"the value of {node.name!r} is not a number") from None
        if not math.isfinite(value):
            raise EvalError(f"the value of {node.name!r} is not a finite number")
        return value
    if isinstance(node, Sum):
        raise EvalError(f"sum({node.prefix}.*) must be written out first (expand_sums)")
    if isinstance(node, Unary):
        return -evaluate(node.operand, values)
    if isinstance(node, Call):
        return _finite(FLOAT_FUNCTIONS[node.fn](evaluate(node.arg, values)), f"{node.fn}(...)")
    a, b = evaluate(node.left, values), evaluate(node.right, values)
    if node.op == "+":
        return _finite(a + b, "a sum")
    if node.op == "-":
        return _finite(a - b, "a difference")
    if node.op == "*":
        return _finite(a * b, "a product")
    if node.op == "/":
        if b == 0:
            raise EvalError("division by zero")
        return _finite(a / b, "a quotient")
    return power(a, b)


# ---------------------------------------------------------------- rendering

_PREC_SUM, _PREC_PRODUCT, _PREC_UNARY, _PREC_POWER, _PREC_ATOM = 1, 2, 3, 4, 5
_BINARY_PREC = {"+": _PREC_SUM, "-": _PREC_SUM, "*": _PREC_PRODUCT, "/": _PREC_PRODUCT, "^": _PREC_POWER}


def _shown_trees(shown: Mapping[str, str]) -> dict[str, Expr]:
    return {name: parse(text) for name, text in shown.items()}


def _prec(node: Expr) -> int:
    if isinstance(node, Binary):
        return _BINARY_PREC[node.op]
    if isinstance(node, Unary):
        return _PREC_UNARY
    return _PREC_ATOM


def _needs_parens(child: Expr, op: str, side: str) -> bool:
    """Whether ``child``, the ``side`` operand of ``op``, is parenthesised so that it reads back the same."""
    p, q = _prec(child), _BINARY_PREC[op]
    if op == "^":
        return p <= _PREC_POWER if side == "left" else p < _PREC_UNARY
    return p < q if side == "left" else p <= q


def to_ascii(node: Expr, shown: Mapping[str, str] | None = None) -> str:
    """Plain ASCII, machine-readable: explicit ``*`` and ``^``, ``exp(x)``, ``log(x)``, parentheses only where
    needed (and around a negative number that follows an operator). ``shown`` gives the text of names."""
    return _ascii(substitute(node, _shown_trees(shown or {})), first=True)


def _ascii(node: Expr, first: bool) -> str:
    # ``first``: the text starts the expression (or a parenthesis or an argument), so a minus may start it
    if isinstance(node, Number):
        return node.text
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return f"{node.fn}({_ascii(node.arg, True)})"
    if isinstance(node, Unary):
        if _prec(node.operand) < _PREC_POWER:
            text = f"-({_ascii(node.operand, True)})"
        else:
            text = "-" + _ascii(node.operand, False)
        return text if first else f"({text})"
    if isinstance(node, Sum):
        return f"sum({node.prefix}.*)"
    left, right = node.left, node.right
    lt = f"({_ascii(left, True)})" if _needs_parens(left, node.op, "left") else _ascii(left, first)
    rt = f"({_ascii(right, True)})" if _needs_parens(right, node.op, "right") else _ascii(right, False)
    sep = f" {node.op} " if node.op in "+-" else node.op
    return f"{lt}{sep}{rt}"


_TEX_FUNCTIONS = {
    "log": r"\log",
    "relu": r"\operatorname{ReLU}",
    "softplus": r"\operatorname{softplus}",
    "sigmoid": r"\sigma",
    "identity": r"\operatorname{id}",
}


def to_tex(node: Expr, shown: Mapping[str, str] | None = None, *, times: bool = False, frac: bool = True) -> str:
    """LaTeX for MathTex: ``\\cdot`` (or ``\\times``) for ``*``, ``\\frac`` for ``/``, ``e^{x}`` for ``exp``,
    ``\\log``, ``\\operatorname{ReLU}``, ``\\sigma``; minimal parentheses; numbers with an exponent as
    ``1.2 \\times 10^{-5}``. ``shown`` gives the text of names (others are set upright)."""
    return _tex(substitute(node, _shown_trees(shown or {})), True, r"\times" if times else r"\cdot", frac)


def _tex_prec(node: Expr, frac: bool) -> int:
    if isinstance(node, Number) and "e" in node.text.lower():
        return _PREC_PRODUCT  # 1.2 \times 10^{-5} reads as a product
    if isinstance(node, Call) and node.fn == "exp":
        return _PREC_POWER
    if isinstance(node, Binary) and node.op == "/" and frac:
        return _PREC_POWER  # a fraction is a block: only a power needs it in parentheses
    return _prec(node)


def _paren(text: str) -> str:
    return rf"\left({text}\right)" if r"\frac" in text else f"({text})"


def _tex_number(text: str) -> str:
    mantissa, _, exponent = text.lower().partition("e")
    if not exponent:
        return text
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _tex(node: Expr, first: bool, mul: str, frac: bool) -> str:
    if isinstance(node, Number):
        return _tex_number(node.text)
    if isinstance(node, Name):
        return r"\mathrm{" + node.name.replace("_", r"\_") + "}"
    if isinstance(node, Call):
        arg = _tex(node.arg, True, mul, frac)
        if node.fn == "exp":
            return f"e^{{{arg}}}"
        return _TEX_FUNCTIONS[node.fn] + _paren(arg)
    if isinstance(node, Unary):
        p = _PREC_ATOM if isinstance(node.operand, Number) else _tex_prec(node.operand, frac)
        inner = _paren(_tex(node.operand, True, mul, frac)) if p < _PREC_POWER else _tex(node.operand, False, mul, frac)
        text = "-" + inner
        return text if first else _paren(text)
    if isinstance(node, Sum):
        raise EvalError(f"sum({node.prefix}.*) must be written out first (expand_sums)")
    if node.op == "/" and frac:
        return rf"\frac{{{_tex(node.left, True, mul, frac)}}}{{{_tex(node.right, True, mul, frac)}}}"
    if node.op == "^":
        p = _tex_prec(node.left, frac)
        base = _paren(_tex(node.left, True, mul, frac)) if p <= _PREC_POWER else _tex(node.left, first, mul, frac)
        return f"{base}^{{{_tex(node.right, True, mul, frac)}}}"
    q = _BINARY_PREC[node.op]
    lp, rp = _tex_prec(node.left, frac), _tex_prec(node.right, frac)
    lt = _paren(_tex(node.left, True, mul, frac)) if lp < q else _tex(node.left, first, mul, frac)
    rt = _paren(_tex(node.right, True, mul, frac)) if rp <= q else _tex(node.right, False, mul, frac)
    op = {"+": "+", "-": "-", "*": mul, "/": "/"}[node.op]
    return f"{lt} {op} {rt}"
