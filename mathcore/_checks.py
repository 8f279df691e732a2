"""Input checks shared by the math core's public functions."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.errors import MathError

FloatArray = NDArray[np.float64]


def finite_array(values: ArrayLike, name: str, *, min_ndim: int = 0) -> FloatArray:
    """Return ``values`` as a float64 array, refusing NaN, infinity and non-numbers."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MathError(f"{name} must be numbers: {exc}") from None
    if array.ndim < min_ndim:
        raise MathError(f"{name} needs at least {min_ndim} dimension(s), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise MathError(f"{name} contains NaN or infinity: {array.tolist()}")
    return array
