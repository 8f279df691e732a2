"""Losses of a network over several examples, and their derivatives with respect to any one weight or bias.

A parameter is named by :class:`Parameter` (layer index, ``"weight"`` or ``"bias"``, row, column), counted from 0.
Everything here works on a batch: examples on axis 0.

- :func:`losses` — each example's loss (cross-entropy of the observed class, or the sum of squared residuals of
  the outputs against targets);
- :func:`gradient` — backpropagation: d(total loss)/d(parameter), each example's share of it, and the chain rule's
  first term per example (d loss / d output: ``p − 1`` for the observed class and ``p`` otherwise, for
  cross-entropy, which for an output bias is the whole derivative);
- :func:`sweep` — the total loss, each example's loss and the outputs over a range of values of the parameter;
- :func:`lowest` — where a function of one value is lowest on an interval (a sweep's minimum, not its lowest sample);
- :func:`descend` — gradient descent on one parameter, step by step;
- :func:`parameter_counts` — weights, biases and their total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from mathcore._checks import FloatArray, finite_array
from mathcore.activations import activation
from mathcore.errors import MathError
from mathcore.loss import cross_entropy, cross_entropy_grad, squared_residuals, squared_residuals_grad
from mathcore.network import Dense, Network
from mathcore.softmax import softmax

Loss = Literal["cross_entropy", "squared_residuals", "softmax_squared_residuals"]
# cross_entropy: -log softmax(z)[label]; squared_residuals: sum (observed - output)^2 over the raw outputs;
# softmax_squared_residuals: sum over the classes of (onehot(label) - softmax(z))^2
LOSSES: tuple[str, ...] = ("cross_entropy", "squared_residuals", "softmax_squared_residuals")
MAX_DESCENT_STEPS = 10_000


@dataclass(frozen=True)
class Parameter:
    """One weight or bias: ``layer`` (from 0), ``kind`` ``"weight"`` or ``"bias"``, ``row`` (the node it feeds,
    from 0) and, for a weight, ``column`` (the node below it, from 0)."""

    layer: int
    kind: Literal["weight", "bias"]
    row: int
    column: int = 0

    def check(self, network: Network) -> None:
        if not 0 <= self.layer < len(network.layers):
            raise MathError(f"the network has {len(network.layers)} layers, not a layer {self.layer + 1}")
        layer = network.layers[self.layer]
        if self.kind not in ("weight", "bias"):
            raise MathError(f"a parameter is a weight or a bias, not {self.kind!r}")
        if not 0 <= self.row < layer.n_out:
            raise MathError(f"layer {self.layer + 1} has {layer.n_out} nodes, not a node {self.row + 1}")
        if self.kind == "weight" and not 0 <= self.column < layer.n_in:
            raise MathError(f"layer {self.layer + 1} takes {layer.n_in} inputs, not an input {self.column + 1}")

    def value(self, network: Network) -> float:
        self.check(network)
        layer = network.layers[self.layer]
        return float(layer.weights[self.row, self.column] if self.kind == "weight" else layer.bias[self.row])


def with_parameter(network: Network, parameter: Parameter, value: float) -> Network:
    """The same network with one parameter set to ``value``."""
    parameter.check(network)
    if not np.isfinite(value):
        raise MathError(f"a parameter's value must be a finite number, got {value!r}")
    layers = list(network.layers)
    old = layers[parameter.layer]
    weights, bias = old.weights.copy(), old.bias.copy()
    if parameter.kind == "weight":
        weights[parameter.row, parameter.column] = value
    else:
        bias[parameter.row] = value
    layers[parameter.layer] = Dense(weights, bias, old.activation)
    return Network(tuple(layers))


def _batch(network: Network, x: ArrayLike) -> FloatArray:
    batch = finite_array(x, "network inputs", min_ndim=1)
    batch = batch[None, :] if batch.ndim == 1 else batch
    if batch.ndim != 2 or batch.shape[1] != network.n_inputs:
        raise MathError(f"need examples as rows of {network.n_inputs} inputs, got shape {batch.shape}")
    return batch


def _loss_and_grad(loss: str, outputs: FloatArray, targets: ArrayLike) -> tuple[FloatArray, FloatArray]:
    if loss == "cross_entropy":
        labels = np.asarray(targets)
        return cross_entropy(outputs, labels), cross_entropy_grad(outputs, labels)
    if loss == "squared_residuals":
        return squared_residuals(outputs, targets), squared_residuals_grad(outputs, targets)
    if loss == "softmax_squared_residuals":
        labels = np.asarray(targets)
        cross_entropy(outputs, labels)  # checks the labels
        p = softmax(outputs)
        onehot = np.eye(outputs.shape[-1])[labels]
        g = squared_residuals_grad(p, onehot)  # d loss / d p
        # d loss / d z_j = sum_i g_i p_i (delta_ij - p_j) = g_j p_j - p_j sum_i g_i p_i
        grad = g * p - p * np.sum(g * p, axis=-1, keepdims=True)
        return squared_residuals(p, onehot), grad
    raise MathError(f"unknown loss {loss!r} (known: {', '.join(LOSSES)})")


def losses(network: Network, x: ArrayLike, targets: ArrayLike, loss: Loss = "cross_entropy") -> FloatArray:
    """Each example's loss: ``targets`` are class indices (cross-entropy) or the outputs' observed values, one
    row per example (squared residuals)."""
    batch = _batch(network, x)
    return _loss_and_grad(loss, network.forward(batch).output, targets)[0]


@dataclass(frozen=True)
class Gradient:
    """d(total loss)/d(parameter) and its parts.

    ``total`` is the derivative of the sum of the examples' losses; ``per_example[i]`` is example i's share
    (they add up to ``total``); ``output_terms[i]`` is d(loss of example i)/d(outputs) (for cross-entropy
    ``p − onehot``); ``losses[i]`` is example i's loss.
    """

    total: float
    per_example: FloatArray
    output_terms: FloatArray
    losses: FloatArray


def gradient(network: Network, x: ArrayLike, targets: ArrayLike, parameter: Parameter, loss: Loss = "cross_entropy") -> Gradient:
    """Backpropagation of each example's loss down to one parameter."""
    parameter.check(network)
    batch = _batch(network, x)
    run = network.forward(batch)
    values, delta = _loss_and_grad(loss, run.output, targets)
    output_terms = delta
    per_example = np.zeros(batch.shape[0])
    for k in range(len(network.layers) - 1, parameter.layer - 1, -1):
        layer = network.layers[k]
        dz = delta * activation(layer.activation).grad(run.pre[k])  # d loss / d (layer k's weighted sums), per example
        if k == parameter.layer:
            if parameter.kind == "bias":
                per_example = dz[:, parameter.row]
            else:
                below = run.post[k - 1] if k > 0 else run.inputs
                per_example = dz[:, parameter.row] * below[:, parameter.column]
            break
        delta = dz @ layer.weights
    per_example = np.asarray(per_example, dtype=np.float64)
    return Gradient(float(np.sum(per_example)), per_example, np.asarray(output_terms, dtype=np.float64), values)


@dataclass(frozen=True)
class Sweep:
    """The parameter at each of ``values``: the total loss, each example's loss and each example's outputs."""

    values: FloatArray  # (n_values,)
    total: FloatArray  # (n_values,)
    per_example: FloatArray  # (n_values, n_examples)
    outputs: FloatArray  # (n_values, n_examples, n_outputs)


def sweep(network: Network, x: ArrayLike, targets: ArrayLike, parameter: Parameter, values: ArrayLike,
          loss: Loss = "cross_entropy") -> Sweep:
    """The loss (and the outputs) as the parameter runs through ``values``."""
    parameter.check(network)
    batch = _batch(network, x)
    grid = finite_array(values, "sweep values", min_ndim=1)
    if grid.ndim != 1 or grid.size < 2:
        raise MathError("a sweep needs at least 2 values")
    # every value at once: the layers below the parameter's are the same for all of them, so they run once; the
    # parameter's layer and those above run on a stack of (values × examples)
    run = network.forward(batch)
    k = parameter.layer
    layer = network.layers[k]
    below = run.post[k - 1] if k > 0 else run.inputs  # (examples, inputs of layer k)
    weights = np.broadcast_to(layer.weights, (grid.size, *layer.weights.shape)).copy()
    bias = np.broadcast_to(layer.bias, (grid.size, layer.bias.size)).copy()
    if parameter.kind == "weight":
        weights[:, parameter.row, parameter.column] = grid
    else:
        bias[:, parameter.row] = grid
    z = np.einsum("ej,voj->veo", below, weights) + bias[:, None, :]  # (values, examples, nodes)
    h = activation(layer.activation)(z)
    for above in network.layers[k + 1:]:
        h = activation(above.activation)(h @ above.weights.T + above.bias)
    n_values, n_examples = grid.size, batch.shape[0]
    flat = h.reshape(n_values * n_examples, -1)
    stacked = np.tile(np.asarray(targets), (n_values,) + (1,) * (np.ndim(targets) - 1))
    with np.errstate(over="ignore", invalid="ignore"):
        per_example = _loss_and_grad(loss, flat, stacked)[0].reshape(n_values, n_examples)
    return Sweep(grid, per_example.sum(axis=1), per_example, h)


def lowest(f, grid: ArrayLike, values: ArrayLike | None = None, *, tolerance: float = 1e-13) -> tuple[float, float]:
    """Where the function ``f`` (one float to one float) is lowest on the interval ``grid`` spans, and its value there.

    ``grid``: increasing sample points of the interval; ``values``: ``f`` at them, when known already. The lowest
    sample brackets the minimum between its two
    neighbours (or lies at an end of the interval); golden-section search then narrows that bracket until it is
    ``tolerance`` wide relative to the interval (or the floats cannot tell its points apart). The point returned
    is never worse than the lowest sample. A sweep's lowest sample alone is only as close as its spacing: 2.67 for
    a minimum at 2.6447.
    """
    xs = finite_array(grid, "grid", min_ndim=1)
    if xs.ndim != 1 or xs.size < 2 or not np.all(np.diff(xs) > 0):
        raise MathError("the grid needs at least 2 increasing values")
    ys = np.array([f(float(x)) for x in xs]) if values is None else np.asarray(values, dtype=float)
    if ys.shape != xs.shape:
        raise MathError("give one value per grid point")
    if not np.all(np.isfinite(ys)):
        raise MathError("the function is not a finite number everywhere on the grid")
    k = int(np.argmin(ys))
    best = (float(xs[k]), float(ys[k]))
    lo, hi = float(xs[max(k - 1, 0)]), float(xs[min(k + 1, xs.size - 1)])
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = f(a), f(b)
    width = tolerance * (float(xs[-1]) - float(xs[0]))
    while hi - lo > width:
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            if not lo < a < hi:
                break
            fa = f(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            if not lo < b < hi:
                break
            fb = f(b)
    for x in (lo, a, b, hi):  # the bracket's ends too: the minimum may lie at an end of the interval
        fx = f(x)
        if np.isfinite(fx) and fx < best[1]:
            best = (float(x), float(fx))
    return best


@dataclass(frozen=True)
class DescentStep:
    """One step of gradient descent: at ``value`` the total loss is ``loss`` and its slope ``gradient``; the step
    is ``step_size = learning_rate × gradient`` and the parameter becomes ``new_value = value − step_size``."""

    value: float
    loss: float
    gradient: float
    step_size: float
    new_value: float


@dataclass(frozen=True)
class Descent:
    steps: tuple[DescentStep, ...]
    final_value: float
    final_loss: float
    converged: bool  # the last step was smaller than the tolerance


def descent_steps(learning_rate: float, steps: int | None, tolerance: float | None, max_steps: int) -> int:
    """The most steps a descent may take, once its arguments are checked (a MathError says which is wrong)."""
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise MathError(f"the learning rate must be a positive number, got {learning_rate}")
    if steps is None and tolerance is None:
        raise MathError("say how long to descend: a number of steps, a tolerance, or both")
    if steps is not None and not 0 <= steps <= max_steps:
        raise MathError(f"steps must lie in 0..{max_steps}, got {steps}")
    if tolerance is not None and not (np.isfinite(tolerance) and tolerance > 0):
        raise MathError(f"the tolerance must be a positive number, got {tolerance}")
    return steps if steps is not None else max_steps


def descend(network: Network, x: ArrayLike, targets: ArrayLike, parameter: Parameter, *, start: float,
            learning_rate: float, steps: int | None = None, tolerance: float | None = None,
            loss: Loss = "cross_entropy", max_steps: int = MAX_DESCENT_STEPS) -> Descent:
    """Gradient descent on one parameter (the others fixed), from ``start``: ``steps`` steps, or until a step is
    smaller than ``tolerance`` in size (that step is taken and is the last), at most ``max_steps``."""
    limit = descent_steps(learning_rate, steps, tolerance, max_steps)
    batch = _batch(network, x)
    value = float(start)
    out: list[DescentStep] = []
    converged = False
    while len(out) < limit:
        with np.errstate(over="ignore", invalid="ignore"):
            g = gradient(with_parameter(network, parameter, value), batch, targets, parameter, loss)
        step = learning_rate * g.total
        new = value - step
        if not (np.isfinite(new) and np.isfinite(g.total)):
            raise MathError(f"gradient descent diverged after {len(out)} steps; use a smaller learning rate")
        out.append(DescentStep(value, float(np.sum(g.losses)), g.total, step, new))
        value = new
        if tolerance is not None and abs(step) < tolerance:
            converged = True
            break
    final_loss = float(np.sum(losses(with_parameter(network, parameter, value), batch, targets, loss)))
    return Descent(tuple(out), value, final_loss, converged)


@dataclass(frozen=True)
class ParameterCounts:
    weights: int
    biases: int

    @property
    def total(self) -> int:
        return self.weights + self.biases


def parameter_counts(network: Network) -> ParameterCounts:
    """How many weights and biases the network has."""
    return ParameterCounts(sum(int(l.weights.size) for l in network.layers), sum(int(l.bias.size) for l in network.layers))
