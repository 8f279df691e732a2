"""Exact derivatives by forward-mode automatic differentiation (dual numbers), numpy only.

A :class:`Dual` carries a value (any shape) and its derivatives with respect to ``k`` chosen variables (the same
shape plus one last axis of length ``k``). Every operation applies the chain rule exactly to both, so a loss built
from Duals carries its gradient with respect to all ``k`` variables at once: no finite differences.

On top of it:

- :func:`forward` — a network's forward pass with some weights and biases as variables;
- :func:`regression_losses`, :func:`mse_losses`, :func:`cross_entropy_losses`, :func:`softmax_squared_losses` — each
  example's loss from the outputs (the sum of squared residuals of a regression, its share of the mean squared
  error, cross-entropy of the observed class, squared residuals of the SoftMax values against 0/1);
- :func:`loss_of` — one of those by name; :func:`output_factors` — each example's chain-rule factors
  d loss / d output and d output / d variable;
- :func:`value_and_gradient` — a function of the variables (written with Duals) and its gradient;
- :func:`descend` — gradient descent on any number of variables at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from mathcore.activations import activation as _activation
from mathcore.calculus import descent_steps
from mathcore.errors import MathError
from mathcore.network import Network

REGRESSION_LOSSES = ("squared_residuals", "mse")  # on the raw outputs of an identity-output network
CLASSIFIER_LOSSES = ("cross_entropy", "softmax_squared_residuals")  # on the SoftMax of the outputs
ALL_LOSSES = REGRESSION_LOSSES + CLASSIFIER_LOSSES


class Dual:
    """A value and its derivatives with respect to ``k`` variables: ``d.shape == v.shape + (k,)``."""

    __slots__ = ("v", "d")
    __array_ufunc__ = None  # numpy arrays and scalars defer to Dual's operators (1.0 - dual is Dual.__rsub__)

    def __init__(self, v: ArrayLike, d: ArrayLike) -> None:
        self.v = np.asarray(v, dtype=np.float64)
        self.d = np.asarray(d, dtype=np.float64)
        if self.d.shape[:-1] != self.v.shape:
            raise MathError(f"derivatives of shape {self.d.shape} do not fit a value of shape {self.v.shape}")

    @property
    def k(self) -> int:
        return int(self.d.shape[-1])

    @property
    def shape(self) -> tuple[int, ...]:
        return self.v.shape

    def __repr__(self) -> str:
        return f"Dual({self.v!r}, {self.d!r})"

    def _lift(self, other: Dual | ArrayLike) -> Dual:
        return other if isinstance(other, Dual) else constant(other, self.k)

    def __add__(self, other: Dual | ArrayLike) -> Dual:
        o = self._lift(other)
        v = self.v + o.v
        return Dual(v, np.broadcast_to(self.d, v.shape + (self.k,)) + o.d)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        return Dual(-self.v, -self.d)

    def __sub__(self, other: Dual | ArrayLike) -> Dual:
        return self + (-self._lift(other))

    def __rsub__(self, other: Dual | ArrayLike) -> Dual:
        return self._lift(other) + (-self)

    def __mul__(self, other: Dual | ArrayLike) -> Dual:
        o = self._lift(other)
        return Dual(self.v * o.v, self.d * o.v[..., None] + o.d * self.v[..., None])

    __rmul__ = __mul__

    def __truediv__(self, other: Dual | ArrayLike) -> Dual:
        o = self._lift(other)
        return self * reciprocal(o)

    def __rtruediv__(self, other: Dual | ArrayLike) -> Dual:
        return self._lift(other) * reciprocal(self)

    def __pow__(self, other: Dual | ArrayLike) -> Dual:
        return power(self, other)

    def __rpow__(self, other: Dual | ArrayLike) -> Dual:
        return power(self._lift(other), self)

    def __getitem__(self, index: object) -> Dual:
        return Dual(self.v[index], self.d[index])  # type: ignore[index,call-overload]

    def sum(self, axis: int | None = None) -> Dual:
        if axis is None:
            return Dual(self.v.sum(), self.d.reshape(-1, self.k).sum(axis=0))
        axis = axis % self.v.ndim
        return Dual(self.v.sum(axis=axis), self.d.sum(axis=axis))


def constant(value: ArrayLike, k: int) -> Dual:
    """A value that no variable changes."""
    v = np.asarray(value, dtype=np.float64)
    return Dual(v, np.zeros(v.shape + (k,)))


def variables(values: ArrayLike) -> list[Dual]:
    """One scalar Dual per value, each the variable of its own position: ``d`` is a row of the identity."""
    vals = np.asarray(values, dtype=np.float64).ravel()
    eye = np.eye(vals.size)
    return [Dual(vals[i], eye[i]) for i in range(vals.size)]


def lift(x: Dual | ArrayLike, k: int) -> Dual:
    return x if isinstance(x, Dual) else constant(x, k)


def _apply(x: Dual, value: np.ndarray, slope: np.ndarray) -> Dual:
    return Dual(value, slope[..., None] * x.d)


def reciprocal(x: Dual) -> Dual:
    if np.any(x.v == 0):
        raise MathError("division by zero")
    return _apply(x, 1.0 / x.v, -1.0 / x.v**2)


def exp(x: Dual) -> Dual:
    e = np.exp(x.v)
    return _apply(x, e, e)


def log(x: Dual) -> Dual:
    if np.any(x.v <= 0):
        raise MathError("the logarithm of a number that is not positive")
    return _apply(x, np.log(x.v), 1.0 / x.v)


def activation(name: str, x: Dual) -> Dual:
    """relu, softplus, sigmoid or identity of a Dual (the math core's own functions and derivatives)."""
    act = _activation(name)
    return _apply(x, np.asarray(act(x.v), dtype=np.float64), np.asarray(act.grad(x.v), dtype=np.float64))


def power(base: Dual | ArrayLike, exponent: Dual | ArrayLike) -> Dual:
    """``base ** exponent``; a constant exponent allows any base its real power allows (a negative base with a whole
    exponent), a variable exponent needs a positive base."""
    k = base.k if isinstance(base, Dual) else exponent.k  # type: ignore[union-attr]
    b, e = lift(base, k), lift(exponent, k)
    value = np.power(b.v, e.v)
    if not np.any(e.d):  # constant exponent: e b^(e-1)
        if np.any((b.v < 0) & (e.v != np.floor(e.v))):
            raise MathError("a negative number to a fractional power has no real value")
        if np.any((b.v == 0) & (e.v < 0)):
            raise MathError("0 to a negative power is a division by zero")
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(e.v == 0, 0.0, e.v * np.power(b.v, e.v - 1))
        return _apply(b, value, slope)
    if np.any(b.v <= 0):
        raise MathError("a power with a variable exponent needs a positive base")
    return Dual(value, (e.v * np.power(b.v, e.v - 1))[..., None] * b.d + (value * np.log(b.v))[..., None] * e.d)


def matmul(x: Dual, w: Dual) -> Dual:
    """``x @ w.T`` for x (examples, inputs) and w (outputs, inputs)."""
    v = x.v @ w.v.T
    d = np.einsum("eik,oi->eok", x.d, w.v) + np.einsum("ei,oik->eok", x.v, w.d)
    return Dual(v, d)


def log_softmax(z: Dual) -> Dual:
    """log SoftMax along the last axis (shifted by the largest value, which changes no derivative)."""
    shift = np.max(z.v, axis=-1, keepdims=True)
    shifted = z - shift
    total = exp(shifted).sum(axis=-1)
    lse = log(total)
    return Dual(shifted.v - lse.v[..., None], shifted.d - lse.d[..., None, :])


def softmax(z: Dual) -> Dual:
    return exp(log_softmax(z))


@dataclass(frozen=True)
class Variable:
    """A weight or bias of a network made a variable: ``layer`` (from 0), ``kind`` ``"weight"`` or ``"bias"``,
    ``row``, ``column`` (from 0), as :class:`mathcore.calculus.Parameter`."""

    layer: int
    kind: str
    row: int
    column: int = 0


@dataclass(frozen=True)
class Run:
    """A forward pass with Duals: each layer's weighted sums and values, ``post[-1]`` the outputs."""

    pre: tuple[Dual, ...]
    post: tuple[Dual, ...]

    @property
    def output(self) -> Dual:
        return self.post[-1]


def forward(network: Network, x: ArrayLike, chosen: Sequence[object], values: Sequence[Dual]) -> Run:
    """The network on a batch ``x`` (examples, inputs), with the weights and biases ``chosen`` (Variables, or any
    object with ``layer``, ``kind``, ``row``, ``column``) set to ``values`` (Duals of the same ``k``)."""
    if len(chosen) != len(values):
        raise MathError("give one value per chosen weight or bias")
    if not values:
        raise MathError("choose at least one weight or bias")
    k = values[0].k
    batch = np.atleast_2d(np.asarray(x, dtype=np.float64))
    if batch.shape[1] != network.n_inputs:
        raise MathError(f"the network takes {network.n_inputs} inputs, got {batch.shape[1]}")
    h = constant(batch, k)
    pre: list[Dual] = []
    post: list[Dual] = []
    for index, layer in enumerate(network.layers):
        w_v, w_d = layer.weights.copy(), np.zeros(layer.weights.shape + (k,))
        b_v, b_d = layer.bias.copy(), np.zeros(layer.bias.shape + (k,))
        for p, value in zip(chosen, values):
            if p.layer != index:  # type: ignore[attr-defined]
                continue
            if p.kind == "weight":  # type: ignore[attr-defined]
                w_v[p.row, p.column], w_d[p.row, p.column] = value.v, value.d  # type: ignore[attr-defined]
            else:
                b_v[p.row], b_d[p.row] = value.v, value.d  # type: ignore[attr-defined]
        z = matmul(h, Dual(w_v, w_d)) + Dual(b_v, b_d)
        h = activation(layer.activation, z)
        pre.append(z)
        post.append(h)
    return Run(tuple(pre), tuple(post))


def _observed(outputs: Dual, observed: ArrayLike) -> np.ndarray:
    y = np.asarray(observed, dtype=np.float64)
    if y.shape != outputs.shape:
        raise MathError(f"observed values of shape {y.shape} do not match the outputs' shape {outputs.shape}")
    return y


def regression_losses(outputs: Dual, observed: ArrayLike) -> Dual:
    """Each example's sum over the outputs of (observed − predicted)²."""
    r = _observed(outputs, observed) - outputs
    return (r * r).sum(axis=-1)


def mse_losses(outputs: Dual, observed: ArrayLike) -> Dual:
    """Each example's share of the mean squared error: its squared residuals over (examples × outputs); the shares
    add up to the mean."""
    n = outputs.shape[0] * outputs.shape[1]
    return regression_losses(outputs, observed) * (1.0 / n)


def _onehot(outputs: Dual, labels: ArrayLike) -> np.ndarray:
    y = np.asarray(labels)
    if not np.issubdtype(y.dtype, np.integer) or y.shape != outputs.shape[:-1]:
        raise MathError("give one class index per example")
    n = outputs.shape[-1]
    if np.any((y < 0) | (y >= n)):
        raise MathError(f"class indices must lie in 0..{n - 1}")
    return np.eye(n)[y]


def cross_entropy_losses(outputs: Dual, labels: ArrayLike) -> Dual:
    """Each example's −log SoftMax(outputs)[observed class]."""
    onehot = _onehot(outputs, labels)
    return -(log_softmax(outputs) * onehot).sum(axis=-1)


def softmax_squared_losses(outputs: Dual, labels: ArrayLike) -> Dual:
    """Each example's sum over the classes of (onehot − SoftMax)²."""
    r = _onehot(outputs, labels) - softmax(outputs)
    return (r * r).sum(axis=-1)


LOSS_FUNCTIONS: dict[str, Callable[[Dual, ArrayLike], Dual]] = {
    "squared_residuals": regression_losses,
    "mse": mse_losses,
    "cross_entropy": cross_entropy_losses,
    "softmax_squared_residuals": softmax_squared_losses,
}


def loss_of(name: str, outputs: Dual, targets: ArrayLike) -> Dual:
    """Each example's loss by name (:data:`ALL_LOSSES`): targets are observed values (examples, outputs) for the
    regression losses, class indices for the others."""
    try:
        f = LOSS_FUNCTIONS[name]
    except KeyError:
        raise MathError(f"unknown loss {name!r} (known: {', '.join(ALL_LOSSES)})") from None
    return f(outputs, targets)


@dataclass(frozen=True)
class Factors:
    """Each example's chain rule: ``loss_output[e, o]`` = d loss_e / d output_o, ``output_variable[e, o, j]`` =
    d output_o / d variable j; their product summed over o is example e's share of the gradient."""

    loss_output: np.ndarray
    output_variable: np.ndarray

    @property
    def per_example(self) -> np.ndarray:
        return np.einsum("eo,eoj->ej", self.loss_output, self.output_variable)


def output_factors(name: str, outputs: Dual, targets: ArrayLike) -> Factors:
    """The chain-rule factors of each example's loss through the outputs."""
    n = outputs.shape[-1]
    free = Dual(outputs.v, np.broadcast_to(np.eye(n), outputs.shape + (n,)).copy())
    return Factors(loss_of(name, free, targets).d, outputs.d)


def value_and_gradient(f: Callable[[list[Dual]], Dual], at: ArrayLike) -> tuple[float, np.ndarray]:
    """``f`` (a scalar function of the variables, written with Duals) and its gradient at ``at``."""
    out = f(variables(at))
    if out.shape != ():
        raise MathError(f"the function must give one number, got shape {out.shape}")
    return float(out.v), np.asarray(out.d, dtype=np.float64)


def values_along(f: Callable[[list[Dual]], Dual], at: ArrayLike, which: int, grid: ArrayLike) -> np.ndarray:
    """``f`` at ``at`` with variable ``which`` run through ``grid`` (the others fixed)."""
    point = np.array(at, dtype=np.float64)
    out = []
    for g in np.asarray(grid, dtype=np.float64):
        point[which] = g
        with np.errstate(all="ignore"):
            try:
                out.append(value_and_gradient(f, point)[0])
            except MathError:
                out.append(float("nan"))
    return np.array(out)


@dataclass(frozen=True)
class Step:
    """One step of gradient descent on several variables: at ``values`` the function is ``loss`` with gradient
    ``gradient``; ``step = learning_rate × gradient`` and ``new_values = values − step``."""

    values: tuple[float, ...]
    loss: float
    gradient: tuple[float, ...]
    step: tuple[float, ...]
    new_values: tuple[float, ...]


@dataclass(frozen=True)
class Walk:
    steps: tuple[Step, ...]
    final: tuple[float, ...]
    final_loss: float
    converged: bool  # the last step was smaller than the tolerance in every variable


def descend(f: Callable[[list[Dual]], Dual], start: ArrayLike, *, learning_rate: float, steps: int | None = None,
            tolerance: float | None = None, max_steps: int = 10_000) -> Walk:
    """Gradient descent on all the variables of ``f`` at once, from ``start``: ``steps`` steps, or until every
    variable's step is smaller than ``tolerance`` (that step is taken and is the last), at most ``max_steps``."""
    limit = descent_steps(learning_rate, steps, tolerance, max_steps)
    point = np.array(start, dtype=np.float64).ravel()
    out: list[Step] = []
    converged = False
    while len(out) < limit:
        with np.errstate(all="ignore"):
            loss, grad = value_and_gradient(f, point)
        step = learning_rate * grad
        new = point - step
        if not (np.isfinite(loss) and np.all(np.isfinite(grad)) and np.all(np.isfinite(new))):
            raise MathError(f"gradient descent diverged after {len(out)} steps; use a smaller learning rate")
        out.append(Step(tuple(map(float, point)), loss, tuple(map(float, grad)), tuple(map(float, step)), tuple(map(float, new))))
        point = new
        if tolerance is not None and np.max(np.abs(step)) < tolerance:
            converged = True
            break
    with np.errstate(all="ignore"):
        final_loss = value_and_gradient(f, point)[0]
    return Walk(tuple(out), tuple(map(float, point)), final_loss, converged)


def outputs_along(network: Network, x: ArrayLike) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """The network's outputs for each row of ``x`` (examples, inputs), and each layer's values (plain floats)."""
    run = network.forward(np.atleast_2d(np.asarray(x, dtype=np.float64)))
    return run.output, run.post[:-1]
