"""ArgMax and SoftMax over the last axis, and the SoftMax Jacobian."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mathcore._checks import FloatArray, finite_array


def argmax_onehot(z: ArrayLike) -> FloatArray:
    """One-hot vector with a 1 at the largest value of the last axis.

    Ties: the first (lowest-index) of the equal largest values gets the 1,
    as with :func:`numpy.argmax`, so the result always has exactly one 1.
    """
    values = finite_array(z, "argmax input", min_ndim=1)
    index = np.argmax(values, axis=-1)
    return np.eye(values.shape[-1], dtype=np.float64)[index]


def log_softmax(z: ArrayLike) -> FloatArray:
    """log(softmax(z)), computed without overflow."""
    values = finite_array(z, "softmax input", min_ndim=1)
    shifted = values - np.max(values, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(z: ArrayLike) -> FloatArray:
    """e^{z_i} / sum_j e^{z_j} over the last axis.

    The largest value is subtracted first (softmax does not change when a
    constant is added), so every exponent is <= 0 and nothing overflows:
    [1000, 1001, 999] and [-1000, -1000, -1000] give correct finite results.
    NaN or infinite input raises :class:`~mathcore.MathError`.
    """
    values = finite_array(z, "softmax input", min_ndim=1)
    e = np.exp(values - np.max(values, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_jacobian(z: ArrayLike) -> FloatArray:
    """J[..., i, j] = d p_i / d z_j = p_i (delta_ij - p_j)."""
    p = softmax(z)
    eye = np.eye(p.shape[-1], dtype=np.float64)
    return p[..., :, None] * (eye - p[..., None, :])
