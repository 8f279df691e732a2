"""A network's output as a curve of one input: the fitted curve, and how it is built from the last hidden layer.

For a network whose last layer is ``out = act(W h + b)``, each node j of the last hidden layer contributes
``W[o, j] · h_j(x)`` (its activation curve scaled by its weight into output o); with an identity last layer the
output is the sum of those parts plus the bias ``b[o]``. :func:`fitted` gives all of them at once for a batch of
inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from mathcore._checks import FloatArray, finite_array
from mathcore.errors import MathError
from mathcore.activations import activation
from mathcore.network import Network

@dataclass(frozen=True)
class Fitted:
    """``outputs[n, o]``: the network's output o at input row n; ``parts[n, o, j]``: node j of the last hidden
    layer scaled by its weight into output o (none for a network of one layer); ``bias[o]``: the last layer's bias."""

    outputs: FloatArray
    parts: FloatArray
    bias: FloatArray

def fitted(network: Network, x: ArrayLike, bias: ArrayLike | None = None) -> Fitted:
    """The outputs and the scaled parts at each row of ``x`` (rows of inputs, already scaled); ``bias`` replaces the
    last layer's bias (to draw the curve the network gives with another one)."""
    batch = finite_array(x, "inputs", min_ndim=2)
    last = network.layers[-1]
    b = last.bias if bias is None else finite_array(bias, "bias", min_ndim=1)
    if b.shape != last.bias.shape:
        raise MathError(f"the last layer has {last.bias.size} biases, got {b.size}")
    run = network.forward(batch)
    if len(network.layers) == 1:
        below = run.inputs
    else:
        below = run.post[-2]
    parts = below[:, None, :] * last.weights[None, :, :]  # (rows, outputs, nodes below)

    outputs = activation(last.activation)(parts.sum(axis=-1) + b)
    return Fitted(outputs, parts if len(network.layers) > 1 else np.zeros((batch.shape[0], last.n_out, 0)), b)
