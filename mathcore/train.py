"""Plain full-batch gradient descent on mean cross-entropy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from mathcore._checks import finite_array
from mathcore.errors import MathError
from mathcore.network import Dense, Network, backprop


@dataclass(frozen=True)
class TrainResult:
    network: Network
    losses: tuple[float, ...]  # the loss before each epoch's step, then after the last one


def init_network(sizes: Sequence[int], activations: Sequence[str], seed: int) -> Network:
    """Random starting weights (He-scaled normal), zero biases; the seed fixes them."""
    if len(sizes) < 2 or len(activations) != len(sizes) - 1:
        raise MathError("need sizes [n_in, ..., n_out] and one activation per layer")
    rng = np.random.default_rng(seed)
    layers = [
        Dense(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in)), np.zeros(n_out), act)
        for n_in, n_out, act in zip(sizes, sizes[1:], activations)
    ]
    return Network(tuple(layers))


def train(network: Network, x: ArrayLike, labels: ArrayLike, *, learning_rate: float, epochs: int) -> TrainResult:
    """Full-batch gradient descent: every epoch takes one step down the mean cross-entropy."""
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise MathError(f"learning rate must be a positive number, got {learning_rate}")
    if epochs < 0:
        raise MathError(f"epochs must be >= 0, got {epochs}")
    batch = finite_array(x, "training inputs", min_ndim=2)
    y = np.asarray(labels)
    layers = list(network.layers)
    losses: list[float] = []
    for _ in range(epochs):
        loss, grads = backprop(Network(tuple(layers)), batch, y)
        losses.append(loss)
        layers = [
            Dense(layer.weights - learning_rate * gw, layer.bias - learning_rate * gb, layer.activation)
            for layer, gw, gb in zip(layers, grads.weights, grads.bias)
        ]
    trained = Network(tuple(layers))
    losses.append(backprop(trained, batch, y)[0])
    return TrainResult(trained, tuple(losses))


def accuracy(network: Network, x: ArrayLike, labels: ArrayLike) -> float:
    """Share of examples whose largest output is the observed class."""
    predicted = np.argmax(network(x), axis=-1)
    return float(np.mean(predicted == np.asarray(labels)))
