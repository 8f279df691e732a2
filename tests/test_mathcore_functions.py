"""The named functions of one variable and their derivatives (mathcore.functions)."""

import math

import pytest

from mathcore.errors import MathError
from mathcore.functions import DERIVATIVES, FUNCTIONS, derivative, value


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("x", [-2.3, -0.51, 0.37, 1.9])
def test_derivative_matches_a_central_difference(name, x):
    if name == "neg_log" and x <= 0:
        x = -x  # −log is defined for positive numbers only
    h = 1e-6
    slope = (value(name, x + h) - value(name, x - h)) / (2 * h)
    assert derivative(name, x) == pytest.approx(slope, rel=1e-6, abs=1e-8)


def test_known_values_and_slopes():
    assert value("relu", -0.51) == 0.0 and derivative("relu", -0.51) == 0.0 and derivative("relu", 0.2) == 1.0
    assert value("sigmoid", 0.0) == 0.5 and derivative("sigmoid", 0.0) == 0.25
    assert derivative("softplus", 0.0) == 0.5
    assert derivative("neg_log", 0.25) == -4.0
    assert value("exp", 1.0) == pytest.approx(math.e) and derivative("exp", 1.0) == pytest.approx(math.e)
    assert set(DERIVATIVES) == set(FUNCTIONS)


def test_bad_arguments_are_math_errors():
    with pytest.raises(MathError, match="unknown function"):
        derivative("tanh", 0.0)
    with pytest.raises(MathError, match="positive"):
        value("neg_log", 0.0)
    with pytest.raises(MathError, match="positive"):
        derivative("neg_log", -1.0)
    with pytest.raises(MathError, match="overflows"):
        value("exp", 1000.0)
