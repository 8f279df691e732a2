"""A small fully connected network: forward pass with every layer's values, and backpropagation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from mathcore._checks import FloatArray, finite_array
from mathcore.activations import activation
from mathcore.errors import MathError
from mathcore.loss import cross_entropy, cross_entropy_grad


@dataclass(frozen=True, eq=False)
class Dense:
    """One layer: ``out = act(x @ weights.T + bias)``.

    ``weights`` has shape (n_out, n_in): row k holds the weights into node k.
    """

    weights: FloatArray
    bias: FloatArray
    activation: str = "identity"

    def __post_init__(self) -> None:
        w = finite_array(self.weights, "weights", min_ndim=2)
        b = finite_array(self.bias, "bias", min_ndim=1)
        if w.ndim != 2 or b.ndim != 1 or b.shape[0] != w.shape[0]:
            raise MathError(f"layer needs weights (n_out, n_in) and bias (n_out,), got {w.shape} and {b.shape}")
        activation(self.activation)  # raises on an unknown name
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "bias", b)

    @property
    def n_in(self) -> int:
        return int(self.weights.shape[1])

    @property
    def n_out(self) -> int:
        return int(self.weights.shape[0])


@dataclass(frozen=True)
class ForwardPass:
    """Every layer's values for a forward pass.

    ``pre[k]`` is layer k's weighted sum plus bias, ``post[k]`` its activation;
    ``post[-1]`` is the network's output (the raw outputs, or logits).
    """

    inputs: FloatArray
    pre: tuple[FloatArray, ...]
    post: tuple[FloatArray, ...]

    @property
    def hidden(self) -> tuple[FloatArray, ...]:
        return self.post[:-1]

    @property
    def output(self) -> FloatArray:
        return self.post[-1]


@dataclass(frozen=True)
class Network:
    """Layers applied in order; consecutive sizes must match."""

    layers: tuple[Dense, ...]

    def __post_init__(self) -> None:
        if not self.layers:
            raise MathError("a network needs at least one layer")
        object.__setattr__(self, "layers", tuple(self.layers))
        for k, (a, b) in enumerate(zip(self.layers, self.layers[1:]), start=1):
            if a.n_out != b.n_in:
                raise MathError(f"layer {k} has {a.n_out} outputs but layer {k + 1} takes {b.n_in} inputs")

    @property
    def n_inputs(self) -> int:
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_out

    def forward(self, x: ArrayLike) -> ForwardPass:
        """Run the network on one example (1-D) or a batch (2-D, examples on axis 0)."""
        values = finite_array(x, "network input", min_ndim=1)
        if values.shape[-1] != self.n_inputs:
            raise MathError(f"network takes {self.n_inputs} inputs, got {values.shape[-1]}")
        pre: list[FloatArray] = []
        post: list[FloatArray] = []
        h = values
        for layer in self.layers:
            z = h @ layer.weights.T + layer.bias
            h = activation(layer.activation)(z)
            pre.append(z)
            post.append(h)
        return ForwardPass(values, tuple(pre), tuple(post))

    def __call__(self, x: ArrayLike) -> FloatArray:
        return self.forward(x).output


@dataclass(frozen=True)
class Gradients:
    """d loss / d weights and d loss / d bias for every layer, in layer order."""

    weights: tuple[FloatArray, ...]
    bias: tuple[FloatArray, ...]


def backprop(network: Network, x: ArrayLike, labels: ArrayLike) -> tuple[float, Gradients]:
    """Mean cross-entropy of softmax(network(x)) over the batch, and its gradients.

    The network's last layer gives the logits (use the identity activation there).
    """
    batch = np.atleast_2d(finite_array(x, "network input", min_ndim=1))
    y = np.atleast_1d(np.asarray(labels))
    run = network.forward(batch)
    n = batch.shape[0]
    loss = float(np.mean(cross_entropy(run.output, y)))
    # d loss / d (last post-activation), then back through each layer
    delta = cross_entropy_grad(run.output, y) / n
    grads_w: list[FloatArray] = []
    grads_b: list[FloatArray] = []
    for k in range(len(network.layers) - 1, -1, -1):
        layer = network.layers[k]
        dz = delta * activation(layer.activation).grad(run.pre[k])
        below = run.post[k - 1] if k > 0 else run.inputs
        grads_w.append(dz.T @ below)
        grads_b.append(dz.sum(axis=0))
        delta = dz @ layer.weights
    return loss, Gradients(tuple(reversed(grads_w)), tuple(reversed(grads_b)))
