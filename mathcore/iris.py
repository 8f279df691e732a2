"""The classic iris network of the ArgMax/SoftMax lesson, as a named default.

Inputs (in this order): petal width and sepal width, each min-max scaled to
0..1 over Fisher's iris data (petal width 0.1..2.5 cm, sepal width 2.0..4.4 cm).
Outputs: setosa, versicolor, virginica.
"""

from __future__ import annotations

import numpy as np

from mathcore.network import Dense, Network

INPUTS = ("petal_width", "sepal_width")
CLASSES = ("setosa", "versicolor", "virginica")
RAW_RANGES_CM = {"petal_width": (0.1, 2.5), "sepal_width": (2.0, 4.4)}


def classic_network() -> Network:
    """h = ReLU(w_petal*petal + w_sepal*sepal + b); raw_k = v_k1*h_top + v_k2*h_bottom + b_k."""
    hidden = Dense(
        weights=np.array([[-2.5, 0.6], [-1.5, 0.4]]),
        bias=np.array([1.6, 0.7]),
        activation="relu",
    )
    output = Dense(
        weights=np.array([[-0.1, 1.5], [2.4, -5.2], [-2.2, 3.7]]),
        bias=np.array([0.0, 0.0, 1.0]),
        activation="identity",
    )
    return Network((hidden, output))
