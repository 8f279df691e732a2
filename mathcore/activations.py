"""Activation functions for hidden layers, each with its derivative."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mathcore._checks import FloatArray
from mathcore.errors import MathError


@dataclass(frozen=True)
class Activation:
    """An elementwise function and its derivative with respect to its input."""

    name: str
    fn: Callable[[FloatArray], FloatArray]
    grad: Callable[[FloatArray], FloatArray]

    def __call__(self, z: FloatArray) -> FloatArray:
        return self.fn(z)


def _sigmoid(z: FloatArray) -> FloatArray:
    # exp of a non-positive number never overflows
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_grad(z: FloatArray) -> FloatArray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _softplus(z: FloatArray) -> FloatArray:
    # log(1 + e^z) = max(z, 0) + log1p(e^-|z|), finite for every finite z
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


ACTIVATIONS: dict[str, Activation] = {
    # The derivative of ReLU at exactly 0 is taken as 0 (the usual subgradient).
    "relu": Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
    "softplus": Activation("softplus", _softplus, _sigmoid),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_grad),
    "identity": Activation("identity", lambda z: np.asarray(z, dtype=np.float64), np.ones_like),
}


def activation(name: str) -> Activation:
    """Look an activation up by name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise MathError(f"unknown activation {name!r} (known: {known})") from None
