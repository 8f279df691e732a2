"""Cross-entropy of the observed class and its gradient with respect to the logits."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mathcore._checks import FloatArray, finite_array
from mathcore.errors import MathError
from mathcore.softmax import log_softmax, softmax


def _labels(labels: ArrayLike, batch_shape: tuple[int, ...], n_classes: int) -> np.ndarray:
    y = np.asarray(labels)
    if not np.issubdtype(y.dtype, np.integer):
        raise MathError(f"class labels must be integers, got {y.dtype}")
    if y.shape != batch_shape:
        raise MathError(f"labels shape {y.shape} does not match logits batch shape {batch_shape}")
    if np.any((y < 0) | (y >= n_classes)):
        raise MathError(f"class labels must lie in 0..{n_classes - 1}, got {y.tolist()}")
    return y


def cross_entropy(z: ArrayLike, labels: ArrayLike) -> FloatArray:
    """-log softmax(z)[label] for each example (no averaging)."""
    logits = finite_array(z, "logits", min_ndim=1)
    y = _labels(labels, logits.shape[:-1], logits.shape[-1])
    logp = log_softmax(logits)
    return -np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]


def cross_entropy_grad(z: ArrayLike, labels: ArrayLike) -> FloatArray:
    """d cross_entropy / d z = softmax(z) - onehot(label)."""
    logits = finite_array(z, "logits", min_ndim=1)
    y = _labels(labels, logits.shape[:-1], logits.shape[-1])
    onehot = np.eye(logits.shape[-1], dtype=np.float64)[y]
    return softmax(logits) - onehot


def _targets(outputs: ArrayLike, targets: ArrayLike) -> tuple[FloatArray, FloatArray]:
    out = finite_array(outputs, "outputs", min_ndim=1)
    observed = finite_array(targets, "observed values")
    if observed.shape != out.shape:
        raise MathError(f"observed values of shape {observed.shape} do not match the outputs' shape {out.shape}")
    return out, observed


def squared_residuals(outputs: ArrayLike, targets: ArrayLike) -> FloatArray:
    """Sum over the last axis of (observed − predicted)² for each example."""
    out, observed = _targets(outputs, targets)
    return np.sum((observed - out) ** 2, axis=-1)


def squared_residuals_grad(outputs: ArrayLike, targets: ArrayLike) -> FloatArray:
    """d squared_residuals / d outputs = −2 (observed − predicted)."""
    out, observed = _targets(outputs, targets)
    return -2.0 * (observed - out)
