"""Min-max scaling of raw measurements to 0..1 and back."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mathcore._checks import FloatArray, finite_array
from mathcore.errors import MathError


def _bounds(low: ArrayLike, high: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lo = finite_array(low, "low")
    hi = finite_array(high, "high")
    if np.any(hi <= lo):
        raise MathError(f"scaling range must have low < high, got low={lo.tolist()} high={hi.tolist()}")
    return lo, hi


def minmax_scale(values: ArrayLike, low: ArrayLike, high: ArrayLike) -> FloatArray:
    """Map ``low`` to 0 and ``high`` to 1 (per feature on the last axis)."""
    lo, hi = _bounds(low, high)
    return (finite_array(values, "values") - lo) / (hi - lo)


def minmax_unscale(scaled: ArrayLike, low: ArrayLike, high: ArrayLike) -> FloatArray:
    """Inverse of :func:`minmax_scale`."""
    lo, hi = _bounds(low, high)
    return finite_array(scaled, "scaled values") * (hi - lo) + lo
