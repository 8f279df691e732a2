"""SoftMax, ArgMax and the SoftMax Jacobian: properties, stability, and an independent implementation."""

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathcore import MathError, argmax_onehot, softmax, softmax_jacobian

# Logits within +-15 keep every softmax value strictly inside (0, 1) in float64.
logits = arrays(np.float64, st.integers(2, 8), elements=st.floats(-15, 15))
batches = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 6)), elements=st.floats(-15, 15))


@given(logits)
def test_softmax_sums_to_one_and_lies_strictly_between_zero_and_one(z):
    p = softmax(z)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(p > 0) and np.all(p < 1)


@given(logits)
def test_softmax_preserves_order(z):
    p = softmax(z)
    for i in range(len(z)):
        for j in range(len(z)):
            if z[i] < z[j]:
                assert p[i] <= p[j]
            if z[i] == z[j]:
                assert p[i] == p[j]


@given(logits, st.floats(-500, 500))
def test_softmax_unchanged_by_adding_a_constant(z, c):
    np.testing.assert_allclose(softmax(z + c), softmax(z), rtol=1e-9, atol=1e-12)


@given(batches)
def test_softmax_matches_scipy_on_batches(z):
    np.testing.assert_allclose(softmax(z), scipy.special.softmax(z, axis=-1), rtol=1e-12, atol=1e-15)


def test_softmax_is_stable_for_huge_and_tiny_logits():
    np.testing.assert_allclose(softmax([1000.0, 1001.0, 999.0]), scipy.special.softmax([1.0, 2.0, 0.0]), rtol=1e-12)
    np.testing.assert_allclose(softmax([-1000.0, -1000.0, -1000.0]), [1 / 3, 1 / 3, 1 / 3], rtol=1e-12)
    assert np.all(np.isfinite(softmax([1e300, -1e300, 0.0])))


@pytest.mark.parametrize("bad", [[1.0, np.nan, 0.0], [np.inf, 0.0], [-np.inf, 1.0]])
def test_softmax_rejects_nan_and_infinity(bad):
    with pytest.raises(MathError, match="NaN or infinity"):
        softmax(bad)


def test_softmax_rejects_non_numbers():
    with pytest.raises(MathError, match="must be numbers"):
        softmax(["a", "b"])


def test_argmax_is_one_hot_at_the_largest_value():
    np.testing.assert_array_equal(argmax_onehot([1.43, -0.44, 0.23]), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(argmax_onehot([[0, 2, 1], [5, 1, 7]]), [[0, 1, 0], [0, 0, 1]])


def test_argmax_ties_go_to_the_first_largest_value():
    np.testing.assert_array_equal(argmax_onehot([0.5, 2.0, 2.0, 1.0]), [0, 1, 0, 0])


@given(logits)
def test_argmax_has_exactly_one_one_at_a_maximum(z):
    onehot = argmax_onehot(z)
    assert onehot.sum() == 1
    assert z[np.argmax(onehot)] == z.max()


def _numeric_jacobian(f, z, h=1e-6):
    cols = []
    for j in range(len(z)):
        dz = np.zeros_like(z)
        dz[j] = h
        cols.append((f(z + dz) - f(z - dz)) / (2 * h))
    return np.stack(cols, axis=-1)


@settings(max_examples=60)
@given(logits)
def test_softmax_jacobian_matches_central_differences(z):
    np.testing.assert_allclose(softmax_jacobian(z), _numeric_jacobian(softmax, z), atol=1e-8)


def test_softmax_jacobian_formula_and_row_sums():
    z = np.array([1.43, -0.44, 0.23])
    p = softmax(z)
    jac = softmax_jacobian(z)
    assert jac[0, 0] == pytest.approx(p[0] * (1 - p[0]))
    assert jac[0, 1] == pytest.approx(-p[0] * p[1])
    # softmax sums to 1 whatever z is, so each column of d p / d z sums to 0
    np.testing.assert_allclose(jac.sum(axis=0), 0.0, atol=1e-15)
    assert softmax_jacobian(np.stack([z, z])).shape == (2, 3, 3)
