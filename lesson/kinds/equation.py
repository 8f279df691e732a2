"""``equation``: lines built from expressions over placeholders, shown in symbols, then with the numbers in, then
the result; every line is true at the digits shown (:mod:`lesson.base.truth`, one precision for all the lines).

An expression is written in :mod:`lesson.base.expr`'s grammar with placeholder names (``softmax.apple * (1 -
softmax.apple)``). Each line is cut into formula *parts* keyed by where they sit in the expression's tree, once
with symbols and once with numbers: the scene moves each symbol's part onto the number's part with the same key.
The TeX of the parts is made here, from the tree, the shown numbers and symbols from a small safe grammar (or the
defaults below); a class label in a symbol is a class index, which the scene draws with ``tex_label``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from lesson.base.errors import Finding
from lesson.base import truth
from lesson.base.expr import Binary, Call, EvalError, Expr, Name, Number, ParseError, Unary, evaluate, names, parse, to_tex
from lesson.kinds import Context, StepKind, Where
from lesson.kinds import highlights
from lesson.kinds.cues import cue_problems, narration_cues, named_words
from lesson.script import limits
from lesson.script.parts import StepBase, Strict, template
from lesson.base.shown import MINUS, PlanError

EXPR_CHARS = limits.EXPR_CHARS
SYMBOL_CHARS = limits.SYMBOL_CHARS
MAX_LINES = limits.EQUATION_LINES
MAX_SYMBOLS = limits.EQUATION_SYMBOLS
APPROX = truth.APPROX

# ---------------------------------------------------------------- symbols: a small grammar, turned into TeX here

GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi "
    "omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
)
_WORD = r"(?:[A-Za-z]{1,12}|[0-9]{1,4})"
_SUB = rf"{_WORD}(?:,{_WORD}){{0,2}}"
SYMBOL = re.compile(rf"(?P<base>[A-Za-z]{{1,12}})(?:_(?:\{{(?P<braced>{_SUB})\}}|(?P<sub>{_SUB})))?")
_RESERVED = re.compile(r"(?i)^(inf|infinity|nan)$")  # never drawn as a number's stand-in (the plan refuses them)
SYMBOL_HELP = "write a letter or a Greek name (p, z, sigma), optionally with a subscript: p_1, z_apple, w_{2,1}"


def _word_tex(word: str) -> str:
    if word in GREEK:
        return "\\" + word
    if len(word) == 1 or word.isdigit():
        return word
    return "\\mathrm{" + word + "}"


# letters the default symbols give other numbers (x inputs, h hidden values, s their sums, p and z a class's
# probability and raw output, v stand-ins, ...) and names that read as a constant or a function (e, pi, sigma)
_TAKEN_LETTERS = frozenset("x h s p z a t v g e L K A".split())


def parameter_symbol(name: str) -> str | None:
    """A parameter's name as a symbol of the grammar, when it reads as one and as nothing else: w → w, b3 → b_3,
    w_top → w_top; None for a name that does not, or that another default symbol or a constant could be mistaken
    for (x1, s, pi, sigma: it then gets a numbered stand-in)."""
    m = re.fullmatch(r"([A-Za-z]{1,12})([0-9]{1,4})", name)
    symbol = f"{m[1]}_{m[2]}" if m else name
    found = SYMBOL.fullmatch(symbol)
    if found is None or _RESERVED.match(symbol) or found["base"] in _TAKEN_LETTERS or found["base"] in GREEK:
        return None
    return symbol


def symbol_problem(text: str) -> str | None:
    """Why ``text`` is not a symbol of the grammar (None if it is)."""
    m = SYMBOL.fullmatch(text)
    if m is None:
        return f"{text!r} is not a symbol: {SYMBOL_HELP}"
    words = [m["base"], *re.split(",", m["braced"] or m["sub"] or "")]
    if any(_RESERVED.match(w) for w in words if w):
        return f"{text!r} reads as a number that is not finite; use another symbol"
    return None


def symbol_tex(text: str) -> str:
    """The TeX of a checked symbol: only letters, digits, commas and Greek commands from :data:`GREEK`."""
    m = SYMBOL.fullmatch(text)
    assert m is not None, text
    out = _word_tex(m["base"])
    sub = m["braced"] or m["sub"]
    if sub:
        out += "_{" + ",".join(_word_tex(w) for w in sub.split(",")) + "}"
    return out


def _symbol(text: str) -> str:
    if why := symbol_problem(text):
        raise ValueError(why)
    return text


def _name(text: str) -> str:
    try:
        node = parse(text)
    except ParseError:
        node = None
    if not isinstance(node, Name):
        raise ValueError(f"{text!r} is not a placeholder name (written without braces, e.g. softmax.apple)")
    return text


PlaceholderName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_name)]
Symbol = Annotated[str, Field(min_length=1, max_length=SYMBOL_CHARS), AfterValidator(_symbol)]


class EquationLine(Strict):
    expr: Annotated[str, Field(min_length=1, max_length=EXPR_CHARS)] = Field(
        description="arithmetic over placeholder names, without braces: softmax.apple * (1 - softmax.apple)"
    )
    label: template(limits.CELL_CHARS) | None = Field(None, description="drawn as text left of the line")
    result: PlaceholderName | None = Field(
        None, description="the placeholder this line computes (its symbol is written first); default: the expression's value"
    )
    cue: Annotated[str, Field(max_length=100)] | None = Field(
        None, description="a placeholder or sentence.N: the numbers go in when the voice reaches it "
        "(default: the first of the line's placeholders the narration says)"
    )


CAN_HIGHLIGHT = ("term",)  # a number the voice names once it is on screen: boxed at that word


class EquationStep(StepBase):
    kind: Literal["equation"]
    lines: list[EquationLine] = Field(min_length=1, max_length=MAX_LINES)
    symbols: dict[PlaceholderName, Symbol] = Field(
        default_factory=dict, max_length=MAX_SYMBOLS,
        description="how a placeholder is written in symbols, e.g. {softmax.apple: p_1} (default: p, z, x... with an index)",
    )
    highlight: highlights.Highlight = highlights.option("term", CAN_HIGHLIGHT)
    point: list[highlights.Point] = highlights.points(
        "a placeholder a line writes as a symbol (or computes: its symbol before the =), or a function a line applies "
        "(log, exp, ...): its symbol boxed as the voice describes it, before the numbers go in")


# ---------------------------------------------------------------- the check (before the math core)


def _symbols_at(step: Any, at: str, trees: Sequence[Any]) -> list[list]:
    """Each line that writes ``at`` as a symbol (a placeholder of its expression, its result, or a function it
    applies), with the key of that symbol's part ("lhs": the result's symbol before the =): ``[[line, key], ...]``
    (the scene points at the latest of them on screen at the word)."""
    out: list[list] = []
    for i, (line, tree) in enumerate(zip(step.lines, trees)):
        if tree is None:
            continue
        if line.result == at:
            out.append([i, "lhs"])
            continue
        keys = [key for key, name in _leaf_names(tree).items() if name == at]
        keys += [key for key, pieces in symbolic_parts(tree, lambda name: ((name,), ATOM))
                 if key.endswith("f") and any(p in (at, "\\" + at) for p in pieces)]
        if keys:
            out.append([i, keys[0]])
    return out



def _unknown(name: str, known: Mapping[str, str]) -> str:
    numbers = sorted(n for n, k in known.items() if k != "word")
    close = difflib.get_close_matches(name, numbers, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; `lesson numbers` lists every name"
    return f"unknown placeholder {name!r}{hint}"


def _name_problem(name: str, known: Mapping[str, str]) -> str | None:
    if name not in known:
        return _unknown(name, known)
    if known[name] == "word":
        return f"{name!r} is a word, not a number; an equation uses numbers"
    return None


def check(step: Any, ctx: Context) -> list[tuple[Where, str] | tuple[Where, str, int]]:
    known = ctx.placeholder_kinds
    out: list[tuple[Where, str] | tuple[Where, str, int]] = list(highlights.check(step, "equation", CAN_HIGHLIGHT))
    used: set[str] = set()
    names_known = True  # every line read, every name in them known: only then is an unused symbol a mistake
    for i, line in enumerate(step.lines):
        try:
            tree = parse(line.expr)
        except ParseError as exc:
            hint = "; placeholder names are written without braces" if "{" in line.expr else ""
            at = min(exc.offset, len(line.expr) - 1)  # the character the message points at (the last one at the end)
            out.append(Finding(("lines", i, "expr"), f"not an expression: {exc.message} (at character {exc.offset + 1}){hint}", char=at))
            tree, names_known = None, False
        if tree is not None:
            found = names(tree)
            if not found:
                out.append(Finding(("lines", i, "expr"), "the expression uses no placeholder; write one such as softmax.apple"))
            for name in found:
                if why := _name_problem(name, known):
                    out.append(Finding(("lines", i, "expr"), why))
                    names_known = False
            used.update(found)
        if line.result is not None:
            if why := _name_problem(line.result, known):
                out.append(Finding(("lines", i, "result"), why))
            used.add(line.result)
        out += cue_problems(line.cue, ("lines", i, "cue"), step, ctx)
    for name in step.symbols if names_known else ():  # a misspelt name in a line is that line's mistake alone
        if name not in used:
            out.append(Finding(("symbols", name), f"{name!r} is not used by any line of this step"))
    if names_known:
        trees = [parse(line.expr) for line in step.lines]
        for i, p in enumerate(step.point):
            if not _symbols_at(step, p.at, trees):
                out.append(Finding(("point", i, "at"), f"no line writes {p.at!r}: point at a placeholder of a line, a line's "
                                                       "result, or a function a line applies (log, exp, ...)"))
            out += cue_problems(p.cue, ("point", i, "cue"), step, ctx)
    return out


# ---------------------------------------------------------------- symbols by default

ATOM, POWER, SUM = "atom", "power", "sum"  # how a symbol binds: as a letter, as a power (e^z), as a sum
Pieces = tuple[str | int, ...]  # TeX strings and class indices (the scene draws a class's label there)


def default_symbols(ctx: Context) -> Callable[[str], tuple[Pieces, str]]:
    """A placeholder's symbol when the script gives none: p for SoftMax, z for raw outputs, x for inputs..."""
    lesson = ctx.lesson
    net, example = lesson.network, lesson.example
    classes = [c.name for c in net.classes] if net is not None else []
    inputs = [i.name for i in net.inputs] if net is not None else []
    hidden = net.layers[:-1] if net is not None else []
    observed = classes.index(example.label) if example is not None and example.label in classes else None
    others: dict[str, int] = {}

    def node(layer: int, key: str) -> int | None:
        if not 1 <= layer <= len(hidden):
            return None
        names_ = hidden[layer - 1].nodes or []
        if key in names_:
            return names_.index(key) + 1
        return int(key) if key.isdigit() else None

    def of(name: str, stand_in: bool = False) -> tuple[Pieces, str]:
        if stand_in:  # a numbered stand-in, for a name whose symbol another name of the step has too
            k = others.setdefault(name, len(others) + 1)
            return (f"v_{{{k}}}",), ATOM
        parts = name.split(".")
        family, rest = parts[0], parts[1:]
        if len(rest) == 1 and rest[0] in classes:
            c = classes.index(rest[0])
            table = {"raw": (("z_{", c, "}"), ATOM), "softmax": (("p_{", c, "}"), ATOM),
                     "exp": (("e^{z_{", c, "}}"), POWER), "argmax": (("a_{", c, "}"), ATOM),
                     "threshold": (("t_{", c, "}"), ATOM)}
            if family in table:
                return table[family]
        if family == "jacobian" and len(rest) == 2 and all(r in classes for r in rest):
            return ("\\partial p_{", classes.index(rest[0]), "}/\\partial z_{", classes.index(rest[1]), "}"), SUM
        if family in ("input", "raw_input") and len(rest) == 1 and rest[0] in inputs:
            k = inputs.index(rest[0]) + 1
            return ((f"x_{{{k}}}",), ATOM) if family == "input" else ((f"\\tilde{{x}}_{{{k}}}",), ATOM)
        if family == "hidden" and len(rest) == 2 and rest[0].isdigit() and (n := node(int(rest[0]), rest[1])):
            return ((f"h_{{{n}}}",), ATOM) if len(hidden) == 1 else ((f"h^{{({rest[0]})}}_{{{n}}}",), POWER)
        if family == "trained" and len(rest) == 3 and rest[1] == "softmax" and rest[2] in classes:
            return (f"p^{{({rest[0]})}}_{{", classes.index(rest[2]), "}"), POWER
        if family == "trained" and len(rest) == 2 and rest[0].isdigit():
            letter = {"accuracy": "A", "seed": "s"}.get(rest[1])
            if letter:
                return (f"{letter}_{{{rest[0]}}}",), ATOM
        fixed = {"exp_sum": (("\\sum\\nolimits_{j} e^{z_{j}}",), SUM), "softmax_sum": (("\\sum\\nolimits_{j} p_{j}",), SUM),
                 "cross_entropy": (("L",), ATOM), "n_classes": (("K",), ATOM)}
        if name in fixed:
            return fixed[name]
        if name == "p_observed" and observed is not None:
            return ("p_{", observed, "}"), ATOM
        if family == "sum" and len(rest) == 2 and rest[0].isdigit() and (n := node(int(rest[0]), rest[1])):
            # a hidden node's weighted sum, before its activation: s₁ beside its value h₁
            return ((f"s_{{{n}}}",), ATOM) if len(hidden) == 1 else ((f"s^{{({rest[0]})}}_{{{n}}}",), POWER)
        if name in lesson.parameters and (symbol := parameter_symbol(name)):  # the author's own name: w, b₃
            return (symbol_tex(symbol),), ATOM
        if family in lesson.descents and rest == ["learning_rate"]:
            return ("\\eta",), ATOM
        if not rest and len(lesson.gradients) == 1 and name in lesson.gradients:  # the lesson's one slope
            return ("g",), ATOM
        if not rest and len(lesson.losses) == 1 and name in lesson.losses:  # the lesson's one loss
            return ("L",), ATOM
        k = others.setdefault(name, len(others) + 1)  # any other number: v_1, v_2, ... in the order met
        return (f"v_{{{k}}}",), ATOM

    return of


# ---------------------------------------------------------------- a tree as formula parts

_PREC_SUM, _PREC_PRODUCT, _PREC_UNARY, _PREC_POWER, _PREC_ATOM = 1, 2, 3, 4, 5
_BINARY = {"+": _PREC_SUM, "-": _PREC_SUM, "*": _PREC_PRODUCT, "/": _PREC_PRODUCT, "^": _PREC_POWER}
_FUNCTIONS = {"log": r"\log", "relu": r"\operatorname{ReLU}", "softplus": r"\operatorname{softplus}",
              "sigmoid": r"\sigma", "identity": r"\operatorname{id}"}
_STAND_IN = {ATOM: Name("s"), POWER: Call("exp", Name("s")), SUM: Binary("+", Name("s"), Name("s"))}
Part = tuple[str, Pieces]  # (key, pieces): the key says where in the tree the part sits


class _Parts:
    """:func:`lesson.base.expr.to_tex`, written as parts: the same TeX (checked), cut where a name's text begins and ends.

    ``leaf(name, first, key)`` gives a name's parts; ``stand_in(name)`` the tree that binds as the name's text does
    (a number, a negative number, a symbol), which decides the parentheses as in ``to_tex``."""

    def __init__(self, leaf: Callable[[str, bool, str], list[Part]], stand_in: Callable[[str], Expr]) -> None:
        self.leaf, self.stand_in = leaf, stand_in

    def node(self, n: Expr) -> Expr:
        return self.stand_in(n.name) if isinstance(n, Name) else n

    def prec(self, n: Expr) -> int:
        n = self.node(n)
        if isinstance(n, Number):
            return _PREC_PRODUCT if "e" in n.text.lower() else _PREC_ATOM
        if isinstance(n, Call):
            return _PREC_POWER if n.fn == "exp" else _PREC_ATOM
        if isinstance(n, Binary):
            return _PREC_POWER if n.op == "/" else _BINARY[n.op]
        if isinstance(n, Unary):
            return _PREC_UNARY
        return _PREC_ATOM

    @staticmethod
    def paren(parts: list[Part], key: str) -> list[Part]:
        frac = any(isinstance(p, str) and "\\frac" in p for _, pieces in parts for p in pieces)
        left, right = ("\\left(", "\\right)") if frac else ("(", ")")
        return [(key + "(", (left,)), *parts, (key + ")", (right,))]

    def parts(self, n: Expr, first: bool = True, key: str = "r") -> list[Part]:
        if isinstance(n, Number):
            return [(key, (to_tex(n),))]
        if isinstance(n, Name):
            return self.leaf(n.name, first, key)
        if isinstance(n, Call):
            arg = self.parts(n.arg, True, key + "a")
            if n.fn == "exp":
                return [(key + "e", ("e^{",)), *arg, (key + "}", ("}",))]
            return [(key + "f", (_FUNCTIONS[n.fn],)), *self.paren(arg, key + "a")]
        if isinstance(n, Unary):
            operand = self.node(n.operand)
            p = _PREC_ATOM if isinstance(operand, Number) else self.prec(n.operand)
            inner = self.paren(self.parts(n.operand, True, key + "u"), key + "u") if p < _PREC_POWER \
                else self.parts(n.operand, False, key + "u")
            out = [(key + "-", ("-",)), *inner]
            return out if first else self.paren(out, key)
        left, right = key + "L", key + "R"
        if n.op == "/":
            return [(key + "/", ("\\frac{",)), *self.parts(n.left, True, left), (key + "|", ("}{",)),
                    *self.parts(n.right, True, right), (key + "}", ("}",))]
        if n.op == "^":
            base = self.paren(self.parts(n.left, True, left), left) if self.prec(n.left) <= _PREC_POWER \
                else self.parts(n.left, first, left)
            last_key, last = base[-1]
            base[-1] = (last_key, (*last, "^{"))  # the exponent opens in its base's part: TeX sets it on the base
            return [*base, *self.parts(n.right, True, right), (key + "}", ("}",))]
        q = _BINARY[n.op]
        lt = self.paren(self.parts(n.left, True, left), left) if self.prec(n.left) < q else self.parts(n.left, first, left)
        rt = self.paren(self.parts(n.right, True, right), right) if self.prec(n.right) <= q \
            else self.parts(n.right, False, right)
        op = {"+": "+", "-": "-", "*": "\\cdot", "/": "/"}[n.op]
        return [*lt, (key + "o", (f" {op} ",)), *rt]


def numeric_parts(tree: Expr, texts: Mapping[str, str]) -> list[Part]:
    """The expression with the shown numbers (``texts``: name → number as :mod:`lesson.base.truth` shows it)."""
    trees = {n: parse(t) for n, t in texts.items()}

    def leaf(name: str, first: bool, key: str) -> list[Part]:
        tex = to_tex(trees[name])
        if isinstance(trees[name], Unary) and not first:
            return [(key + "(", ("(",)), (key, (tex,)), (key + ")", (")",))]
        return [(key, (tex,))]

    return _Parts(leaf, trees.__getitem__).parts(tree)


def symbolic_parts(tree: Expr, symbol: Callable[[str], tuple[Pieces, str]]) -> list[Part]:
    """The expression in symbols (``symbol``: name → its pieces and how it binds)."""
    return _Parts(lambda name, first, key: [(key, symbol(name)[0])], lambda name: _STAND_IN[symbol(name)[1]]).parts(tree)


def _leaf_names(tree: Expr) -> dict[str, str]:
    """Each part key of ``tree`` that stands for a placeholder, and that placeholder's name."""
    leaves = set(names(tree))
    return {k: p[0] for k, p in symbolic_parts(tree, lambda name: ((name,), ATOM)) if len(p) == 1 and p[0] in leaves}


def joined(parts: Sequence[Part]) -> str:
    return "".join(p for _, pieces in parts for p in pieces if isinstance(p, str))


# ---------------------------------------------------------------- the plan


def _where_truth_fails(trees: Sequence[Expr], results: Sequence[float | None], result_names: Sequence[str | None],
                       ctx: Context, exact: set[str], exprs: Sequence[str]) -> PlanError:
    for i, (tree, result) in enumerate(zip(trees, results)):
        try:
            truth.show(tree, ctx.values, result, ctx.decimals, exact={*exact, *ctx.typed}, floors=ctx.forms,  # type: ignore[arg-type]
                       result_places=ctx.places(result_names[i]) if result_names[i] else None)
        except truth.TruthError as exc:
            return PlanError(-1, f"line {i + 1} ({exprs[i]}) cannot be shown truthfully: {exc}", ("lines", i, "expr"))
    return PlanError(-1, "the lines cannot be shown truthfully at one precision for all their numbers; "
                         "change display.decimals or show them in two steps", ("lines",))


def build(step: Any, ctx: Context) -> dict:
    values = ctx.values
    default = default_symbols(ctx)

    trees: list[Expr] = []
    results: list[float | None] = []
    exprs = [line.expr for line in step.lines]
    for i, line in enumerate(step.lines):
        try:
            tree = parse(line.expr)
        except ParseError as exc:
            raise PlanError(-1, f"not an expression: {exc}", ("lines", i, "expr")) from None
        trees.append(tree)
        if line.result is None:
            results.append(None)
            continue
        result = float(values[line.result])
        try:
            value = evaluate(tree, values)
        except EvalError as exc:
            raise PlanError(-1, f"line {i + 1} ({line.expr}) has no value: {exc}", ("lines", i, "expr")) from None
        if not math.isclose(value, result, rel_tol=1e-9, abs_tol=1e-12):
            raise PlanError(-1, f"line {i + 1}: {line.expr} is {value:.6g}, but {line.result} is {result:.6g}; "
                                "the result must be the expression's value", ("lines", i, "result"))
        results.append(result)
    # integer values (argmax.*, n_classes) are shown as they are, never as 1.00; numbers the author typed (an
    # input, a parameter, a learning rate) as typed (the context's typed names)
    used = {n for t in trees for n in names(t)}
    exact = {n for n in used if isinstance(values.get(n), int) and not isinstance(values.get(n), bool)}
    result_names = [line.result for line in step.lines]
    try:
        shown = ctx.show_all(list(zip(trees, results)), result_names, exact=exact)
    except PlanError:
        raise _where_truth_fails(trees, results, result_names, ctx, exact, exprs) from None
    except EvalError as exc:
        raise PlanError(-1, f"the lines have no value: {exc}", ("lines",)) from None
    # two names of the step with the same default symbol (the one loss and cross_entropy both L, two learning rates
    # both eta) would read as one value: both get numbered stand-ins instead
    mentioned = [name for line, tree in zip(step.lines, trees) for name in (*([line.result] if line.result else []), *names(tree))]
    probe, by_symbol = default_symbols(ctx), {}
    for name in dict.fromkeys(mentioned):
        if name not in step.symbols:
            by_symbol.setdefault(probe(name), []).append(name)
    clashing = {name for group in by_symbol.values() if len(group) > 1 for name in group}

    def symbol(name: str) -> tuple[Pieces, str]:
        if name in step.symbols:
            return (symbol_tex(step.symbols[name]),), ATOM
        return default(name, stand_in=name in clashing)

    lines = []
    cue_of = _line_cues(step, trees)
    for (line, tree, s), (line_cues, result_cues) in zip(zip(step.lines, trees, shown), cue_of):
        numeric = [[k, joined([(k, p)])] for k, p in numeric_parts(tree, s.texts())]
        if "".join(t for _, t in numeric) != s.tex:  # the parts must be the very formula the truth rule checked
            raise ValueError(f"the parts of {line.expr} do not make its formula {s.tex}")
        used = list(names(tree))
        lines.append({
            "label": _fill(line.label, ctx) if line.label else "",
            "lhs": list(symbol(line.result)[0]) if line.result else [],
            "symbolic": [[k, list(p)] for k, p in symbolic_parts(tree, symbol)],
            "numeric": numeric,
            # the symbols stand for the true values: "=" to the numbers only if none was rounded
            "substitution": "=" if not any(o.rounded for o in s.operands) else APPROX,
            "relation": s.relation,
            "result": s.result,
            "texts": {name: text.replace("-", MINUS) for name, text in s.texts().items()},  # each number as shown
            "names": _leaf_names(tree),  # the placeholder each number part shows, by its key
            "cues": line_cues,
            "result_cues": result_cues,
        })
    pointing = _terms_named(step, ctx, trees, shown, lines)
    most = limits.EQUATION_ROW_CHARS_BESIDE if step.beside is not None else limits.EQUATION_ROW_CHARS
    for i, (line, s) in enumerate(zip(lines, shown)):
        head = tex_chars(joined([("", tuple(line["lhs"]))]) + "=" + joined([(k, tuple(p)) for k, p in line["symbolic"]]))
        tail = tex_chars(s.tex) + 2 + len(s.result) + len(line["label"]) // 2
        if max(head, tail) > most:  # even set as two rows, the symbols over the numbers, one of them is too wide
            raise PlanError(-1, f"line {i + 1} is too long to read at the frame's size: its numbers take about {tail} "
                            f"characters and a row holds {most}{' beside a panel' if step.beside is not None else ''}; "
                            "split it over two lines or two steps (a define: entry can hold a partial sum)",
                            ("lines", i, "expr"))
    symbol_points = [[p.cue, _symbols_at(step, p.at, trees)] for p in step.point]
    return {"lines": lines, "pointing": pointing, "symbol_points": symbol_points}


def _terms_named(step: EquationStep, ctx: Context, trees: list, shown: Sequence[Any], lines: list[dict]) -> list[list]:
    """``[cue, line, part]`` for each placeholder the narration speaks, at no line's cue, whose number a line shows
    (a number part's key, or "=" for the line's result): the scene boxes that number at that word, if its line is in
    by then (:mod:`lesson.kinds.highlights`)."""
    if getattr(step, "highlight", "term") == "none":
        return []
    targets: list[tuple[tuple[int, str], list[str]]] = []
    for i, (line, tree, s) in enumerate(zip(step.lines, trees, shown)):
        texts = s.texts()
        trees_ = {n: parse(t) for n, t in texts.items()}
        marked = _Parts(lambda name, first, key: [(key, ("\0" + name,))], trees_.__getitem__).parts(tree)
        targets += [((i, key), [pieces[0][1:]]) for key, pieces in marked if pieces and str(pieces[0]).startswith("\0")]
        if line.result:
            targets.append(((i, "="), [line.result]))
    used = {c for line in lines for c in (*line["cues"], *line["result_cues"])}
    return [[name, i, key] for name, (i, key) in highlights.pointing(step, ctx, targets) if name not in used]


def _line_cues(step: EquationStep, trees: list) -> list[tuple[list[str], list[str]]]:
    """Each line's cues: when its numbers go in and when its result appears. A line's own ``cue``; else the first
    of its placeholders the narration speaks after the line before went in (a name spoken earlier, for an earlier
    line, is no moment for this one: the line follows the one before, at no word); the result at its name, when the
    voice says it after the line's numbers went in."""
    order = narration_cues(step.narration, words=named_words(step))
    out: list[tuple[list[str], list[str]]] = []
    last = -1
    for line, tree in zip(step.lines, trees):
        if line.cue:
            cues = [line.cue]
        else:
            mine = [n for n in dict.fromkeys([*names(tree), *([line.result] if line.result else [])]) if order.get(n, -1) > last]
            cues = sorted(mine, key=lambda n: order[n])[:1]
        at = order.get(cues[0], last) if cues else last
        last = at
        result = [line.result] if line.result and order.get(line.result, -1) > at else []
        last = max([last, *(order[n] for n in result)])
        out.append((cues, result))
    return out


def tex_chars(tex: str) -> int:
    """About how many characters wide a formula is set: its TeX less the commands that take no room (a command
    that draws counts as its name, \\log, or one sign, \\cdot), braces, sub- and superscript marks and spaces."""
    t = re.sub(r"\\(left|right|,|;|!|quad|qquad)(?![a-zA-Z])", "", tex)
    t = re.sub(r"\\(log|ln|exp|max|min|sum)(?![a-zA-Z])", lambda m: m.group(1), t)
    t = re.sub(r"\\[a-zA-Z]+", "x", t)
    return len(re.sub(r"[{}_^\s]", "", t))


def _fill(text: str, ctx: Context) -> str:
    return ctx.fill(text)


KINDS = (
    StepKind("equation", EquationStep, build, "scenes.equation:EquationScene",
             "lines of arithmetic over placeholders: in symbols, then with the numbers, then the result", check=check),
)
