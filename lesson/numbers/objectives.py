"""What gradients, sweeps and descents follow, as functions of some of the network's parameters: a loss of
``losses:``, or a value of ``define:`` (its expression tree from :mod:`lesson.base.expr`, the defines it uses written in),
evaluated with the math core's dual numbers (:mod:`mathcore.autodiff`), so that every derivative is exact: through
the expression, the loss and the network, by the chain rule, never by finite differences.

A function is built once per script (:func:`objective`) and called with the names of the parameters it is taken
by and their values as Duals; it returns a Dual. A name the function cannot follow (a descent's step, a sweep's
minimum: values that are not functions of the network's parameters alone) is :class:`NotFollowed`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

import mathcore
from mathcore import autodiff as ad
from lesson.base import expr

Function = Callable[[Sequence[str], Sequence[ad.Dual]], ad.Dual]


class NotFollowed(Exception):
    """A value the function uses that is not a function of the network's parameters it can differentiate."""


@dataclass(frozen=True)
class Setting:
    """Everything a function of the parameters reads: the network, the examples as rows of one batch (row 0 the
    lesson's ``example:``, then the named examples in order), what each row observed, the named parameters, the
    losses, the hidden nodes' names and the values that do not depend on any parameter."""

    net: mathcore.Network
    rows: dict[str, int]  # named example -> its row
    x: np.ndarray  # (rows, inputs), scaled
    observed: np.ndarray  # (rows, outputs) for a regression; (rows,) class indices for a classifier (-1: none)
    regression: bool
    classes: tuple[str, ...]
    params: Mapping[str, mathcore.Parameter]
    param_values: Mapping[str, float]
    losses: Mapping[str, tuple[tuple[str, ...], str]]  # loss -> (its examples, the math core's loss)
    hidden: Mapping[str, tuple[int, int, bool]]  # hidden.L.n / sum.L.n -> (layer from 0, node, before activation)
    constants: Mapping[str, float]  # values no parameter changes (inputs, observed values, counts, learning rates)


def trees(defines: Mapping[str, str], numbers: Sequence[str]) -> dict[str, expr.Expr]:
    """Each value of ``define:`` as its expression tree, sums written out over ``numbers`` (the names of numbers, in
    order) and the earlier defines. A tree names earlier defines; they are evaluated once each, in order (written
    in, a chain of defines that each use the one before twice would grow without bound)."""
    out: dict[str, expr.Expr] = {}
    for name, text in defines.items():
        out[name] = expr.expand_sums(expr.parse(text, sums=True), [*numbers, *out])
    return out


def needed(of: str, defined: Mapping[str, expr.Expr]) -> list[str]:
    """The defines ``of`` uses, itself included, in the order of ``define:``."""
    seen: set[str] = set()
    todo = [of]
    while todo:
        name = todo.pop()
        if name in seen or name not in defined:
            continue
        seen.add(name)
        todo += [n for n in expr.names(defined[name]) if n in defined and n not in seen]
    return [n for n in defined if n in seen]


def objective(setting: Setting, of: str, defined: Mapping[str, expr.Expr]) -> Function:
    """The function named ``of`` (a loss or a define) of the chosen parameters."""
    if of in setting.losses:
        members, kind = setting.losses[of]

        def loss(chosen: Sequence[str], values: Sequence[ad.Dual]) -> ad.Dual:
            run = _run(setting, chosen, values)
            index = [setting.rows[e] for e in members]
            return ad.loss_of(kind, run.output[index], setting.observed[index]).sum()

        return loss
    order = needed(of, defined)

    def value(chosen: Sequence[str], values: Sequence[ad.Dual]) -> ad.Dual:
        run = _run(setting, chosen, values)
        k = values[0].k
        cache: dict[str, ad.Dual] = {}

        def leaf(name: str) -> ad.Dual:
            if name not in cache:
                cache[name] = _leaf(setting, name, run, dict(zip(chosen, values)), k)
            return cache[name]

        for name in order:  # each define it uses once, in order; a later one reads the earlier's value
            cache[name] = ad.lift(_evaluate(defined[name], leaf, k), k)
        out = cache[of]
        if not (np.all(np.isfinite(out.v)) and np.all(np.isfinite(out.d))):
            raise mathcore.MathError(f"{of} is too large to compute here")
        return out

    return value


def check_followed(setting: Setting, of: str, defined: Mapping[str, expr.Expr]) -> None:
    """:class:`NotFollowed` naming the first value ``of`` uses that a gradient cannot follow."""
    if of in setting.losses:
        return
    for name in (n for d in needed(of, defined) for n in expr.names(defined[d]) if n not in defined):
        if not _followed(setting, name):
            raise NotFollowed(f"{of} uses {name}, which is not a function of the network's parameters that gradients, "
                              "sweeps and descents can follow (a loss, an example's outputs, a parameter, a hidden node, "
                              "or a value that no parameter changes)")


def _run(setting: Setting, chosen: Sequence[str], values: Sequence[ad.Dual]) -> ad.Run:
    return ad.forward(setting.net, setting.x, [setting.params[n] for n in chosen], values)


def _evaluate(node: expr.Expr, leaf: Callable[[str], ad.Dual], k: int) -> ad.Dual | float:
    if isinstance(node, expr.Number):
        return float(node.text)
    if isinstance(node, expr.Name):
        return leaf(node.name)
    if isinstance(node, expr.Unary):
        return -_evaluate(node.operand, leaf, k)  # type: ignore[operator]
    if isinstance(node, expr.Call):
        arg = ad.lift(_evaluate(node.arg, leaf, k), k)
        if node.fn == "exp":
            return ad.exp(arg)
        if node.fn == "log":
            return ad.log(arg)
        return ad.activation(node.fn, arg)
    if isinstance(node, expr.Binary):
        a, b = ad.lift(_evaluate(node.left, leaf, k), k), ad.lift(_evaluate(node.right, leaf, k), k)
        if node.op in expr.ARITHMETIC:
            return expr.ARITHMETIC[node.op](a, b)
        if node.op == "/":
            if np.any(b.v == 0):
                raise mathcore.MathError("division by zero")
            return a / b
        return ad.power(a, b)
    raise mathcore.MathError(f"sum({node.prefix}.*) must be written out first")  # type: ignore[union-attr]


_EXAMPLE_OUTPUTS = ("raw", "predicted", "residual", "softmax", "exp")
_EXAMPLE_LOSSES = ("squared_residuals", "cross_entropy", "p_observed")


def _followed(setting: Setting, name: str) -> bool:
    parts = name.split(".")
    if name in setting.params or name in setting.losses or name in setting.constants or name in setting.hidden:
        return True
    if len(parts) == 2 and parts[0] in setting.losses and parts[1] in setting.rows:
        return True
    if parts[0] in ("raw", "predicted", "softmax", "exp") and len(parts) <= 2:
        return name in ("predicted",) or (len(parts) == 2 and parts[1] in setting.classes)
    if parts[0] == "example" and len(parts) >= 3 and parts[1] in setting.rows:
        return parts[2] in _EXAMPLE_OUTPUTS + _EXAMPLE_LOSSES
    return False


def _leaf(setting: Setting, name: str, run: ad.Run, chosen: Mapping[str, ad.Dual], k: int) -> ad.Dual:
    if name in chosen:
        return chosen[name]
    if name in setting.params:
        return ad.constant(setting.param_values[name], k)
    if name in setting.constants:
        return ad.constant(setting.constants[name], k)
    if name in setting.hidden:
        layer, node, before = setting.hidden[name]
        return (run.pre if before else run.post)[layer][0, node]
    parts = name.split(".")
    if name in setting.losses or (len(parts) == 2 and parts[0] in setting.losses):
        members, kind = setting.losses[parts[0]]
        index = [setting.rows[e] for e in members]
        each = ad.loss_of(kind, run.output[index], setting.observed[index])
        return each.sum() if len(parts) == 1 else each[members.index(parts[1])]
    if parts[0] == "example":
        row, rest = setting.rows[parts[1]], parts[2:]
    else:
        row, rest = 0, parts
    return _output(setting, run, row, rest, name)


def _output(setting: Setting, run: ad.Run, row: int, rest: Sequence[str], name: str) -> ad.Dual:
    out = run.output[row]
    what = rest[0]
    c = setting.classes.index(rest[1]) if len(rest) > 1 else 0
    if what in ("raw", "predicted"):
        return out[c]
    if what == "residual":
        return setting.observed[row][c] - out[c]
    if what == "squared_residuals":
        if setting.regression:
            return ad.regression_losses(run.output[[row]], setting.observed[[row]])[0]
        return ad.softmax_squared_losses(run.output[[row]], setting.observed[[row]])[0]
    if what == "cross_entropy":
        return ad.cross_entropy_losses(run.output[[row]], setting.observed[[row]])[0]
    p = ad.softmax(run.output[[row]])[0]
    if what == "softmax":
        return p[c]
    if what == "exp":
        return ad.exp(out[c])
    if what == "p_observed":
        return p[int(setting.observed[row])]
    raise NotFollowed(f"{name} is not a value a gradient can follow")
