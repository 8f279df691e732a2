"""Named functions of one variable, sampled for plots: the activations, exp and −log, with their derivatives.

A plot on screen is a list of points from here; no scene evaluates a function itself.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mathcore._checks import FloatArray, finite_array
from mathcore.activations import ACTIVATIONS
from mathcore.errors import MathError


def _neg_log(x: FloatArray) -> FloatArray:
    if np.any(x <= 0):
        raise MathError("−log is defined for positive numbers only")
    return -np.log(x)


def _neg_log_grad(x: FloatArray) -> FloatArray:
    if np.any(x <= 0):
        raise MathError("−log is defined for positive numbers only")
    return -1.0 / x


FUNCTIONS: dict[str, Callable[[FloatArray], FloatArray]] = {
    **{name: act.fn for name, act in ACTIVATIONS.items()},
    "exp": np.exp,
    "neg_log": _neg_log,
    "squared_residual": lambda p: (1.0 - p) ** 2,  # of a probability p against the observed 1
}

# the derivative of each function (ReLU's at exactly 0 is taken as 0, as in training)
DERIVATIVES: dict[str, Callable[[FloatArray], FloatArray]] = {
    **{name: act.grad for name, act in ACTIVATIONS.items()},
    "exp": np.exp,
    "neg_log": _neg_log_grad,
    "squared_residual": lambda p: -2.0 * (1.0 - p),
}


def _at(table: dict[str, Callable[[FloatArray], FloatArray]], name: str, x: float, what: str) -> float:
    if name not in table:
        raise MathError(f"unknown function {name!r} (known: {', '.join(sorted(table))})")
    if not np.isfinite(x):
        raise MathError(f"{what} of {name} needs a finite number, got {x!r}")
    with np.errstate(over="raise"):
        try:
            y = finite_array(table[name](np.asarray([x], dtype=np.float64)), name)
        except FloatingPointError:
            raise MathError(f"{what} of {name} overflows at {x}") from None
    return float(y[0])


def value(name: str, x: float) -> float:
    """The function ``name`` at ``x``."""
    return _at(FUNCTIONS, name, x, "the value")


def derivative(name: str, x: float) -> float:
    """The slope of the function ``name`` at ``x``."""
    return _at(DERIVATIVES, name, x, "the derivative")


def sample(name: str, low: float, high: float, n: int = 200) -> tuple[FloatArray, FloatArray]:
    """``n`` evenly spaced points of the function ``name`` on [low, high]: (x, y)."""
    if name not in FUNCTIONS:
        raise MathError(f"unknown function {name!r} (known: {', '.join(sorted(FUNCTIONS))})")
    if not (np.isfinite(low) and np.isfinite(high) and low < high) or n < 2:
        raise MathError(f"need a range low < high and at least 2 points, got [{low}, {high}] and {n}")
    x = np.linspace(low, high, n)
    with np.errstate(over="raise"):
        try:
            y = finite_array(FUNCTIONS[name](x), name)
        except FloatingPointError:
            raise MathError(f"{name} overflows on [{low}, {high}]") from None
    return x, y
