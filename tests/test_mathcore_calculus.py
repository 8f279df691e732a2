"""Losses over several examples, gradients of any parameter, sweeps, gradient descent and parameter counts."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore import (
    Dense,
    MathError,
    Network,
    Parameter,
    descend,
    gradient,
    losses,
    lowest,
    parameter_counts,
    squared_residuals,
    sweep,
    with_parameter,
)
from mathcore.iris import classic_network

# the three training flowers of the cross-entropy lessons (scaled petal width, sepal width) and their classes
FLOWERS = np.array([[0.04, 0.42], [1.00, 0.54], [0.50, 0.37]])
OBSERVED = np.array([0, 2, 1])  # setosa, virginica, versicolor
B3 = Parameter(1, "bias", 0)  # the setosa output bias


def test_cross_entropy_of_three_flowers_by_hand():
    # the classic network, worked by hand: hidden = relu(W x + b), z = V h + c, loss = -log softmax(z)[observed]
    x = FLOWERS[0]
    h = [max(0.0, -2.5 * x[0] + 0.6 * x[1] + 1.6), max(0.0, -1.5 * x[0] + 0.4 * x[1] + 0.7)]
    z = [-0.1 * h[0] + 1.5 * h[1], 2.4 * h[0] - 5.2 * h[1], -2.2 * h[0] + 3.7 * h[1] + 1.0]
    expected = -math.log(math.exp(z[0]) / sum(math.exp(v) for v in z))
    got = losses(classic_network(), FLOWERS, OBSERVED)
    assert got.shape == (3,)
    assert got[0] == pytest.approx(expected, rel=1e-12)


def test_output_bias_gradient_is_p_minus_one_for_the_observed_class_and_p_otherwise():
    net = with_parameter(classic_network(), B3, -2.0)
    g = gradient(net, FLOWERS, OBSERVED, B3)
    z = net.forward(FLOWERS).output
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    terms = [p[0, 0] - 1, p[1, 0], p[2, 0]]  # flower 1 is setosa; the others are not
    np.testing.assert_allclose(g.per_example, terms, rtol=1e-12)
    assert g.total == pytest.approx(sum(terms), rel=1e-12)
    np.testing.assert_allclose(g.output_terms[:, 0], terms, rtol=1e-12)
    # StatQuest's Part 7 numbers, rounded: the slope at b3 = -2 is -0.77, and one step with rate 1 lands at -1.23
    assert round(g.total, 2) == -0.77
    assert round(-2.0 - 1.0 * g.total, 2) == -1.23


def _random_network(draw, sizes, acts):
    layers = []
    for n_in, n_out, act in zip(sizes, sizes[1:], acts):
        w = draw(st.lists(st.floats(-2, 2), min_size=n_in * n_out, max_size=n_in * n_out))
        b = draw(st.lists(st.floats(-2, 2), min_size=n_out, max_size=n_out))
        layers.append(Dense(np.array(w).reshape(n_out, n_in), np.array(b), act))
    return Network(tuple(layers))


@st.composite
def problems(draw):
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3))] + [draw(st.integers(1, 3)) for _ in range(depth - 1)] + [draw(st.integers(2, 4))]
    # smooth activations only: finite differences across ReLU's kink are not its derivative
    acts = [draw(st.sampled_from(["sigmoid", "softplus", "identity"])) for _ in range(depth - 1)] + ["identity"]
    net = _random_network(draw, sizes, acts)
    n = draw(st.integers(1, 4))
    x = np.array(draw(st.lists(st.floats(-1, 1), min_size=n * sizes[0], max_size=n * sizes[0]))).reshape(n, sizes[0])
    layer = draw(st.integers(0, depth - 1))
    kind = draw(st.sampled_from(["weight", "bias"]))
    row = draw(st.integers(0, sizes[layer + 1] - 1))
    column = draw(st.integers(0, sizes[layer] - 1))
    labels = np.array(draw(st.lists(st.integers(0, sizes[-1] - 1), min_size=n, max_size=n)))
    targets = np.array(draw(st.lists(st.floats(-1, 1), min_size=n * sizes[-1], max_size=n * sizes[-1]))).reshape(n, sizes[-1])
    return net, x, labels, targets, Parameter(layer, kind, row, column)


def _finite_difference(net, x, targets, parameter, loss, h=1e-6):
    v = parameter.value(net)
    up = losses(with_parameter(net, parameter, v + h), x, targets, loss)
    down = losses(with_parameter(net, parameter, v - h), x, targets, loss)
    return (up - down) / (2 * h)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_gradients_match_finite_differences(problem):
    net, x, labels, targets, parameter = problem
    for loss, y in (("cross_entropy", labels), ("squared_residuals", targets), ("softmax_squared_residuals", labels)):
        g = gradient(net, x, y, parameter, loss)
        numeric = _finite_difference(net, x, y, parameter, loss)
        np.testing.assert_allclose(g.per_example, numeric, rtol=1e-5, atol=1e-6)
        assert g.total == pytest.approx(float(np.sum(numeric)), rel=1e-5, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(problems(), st.lists(st.floats(-3, 3), min_size=2, max_size=6))
def test_sweep_of_any_parameter_equals_the_network_run_at_each_value(problem, values):
    # the sweep runs all values as one stack; each must be what the network with that value gives
    net, x, labels, targets, parameter = problem
    for loss, y in (("cross_entropy", labels), ("squared_residuals", targets), ("softmax_squared_residuals", labels)):
        s = sweep(net, x, y, parameter, values, loss)
        for i, v in enumerate(values):
            changed = with_parameter(net, parameter, v)
            np.testing.assert_allclose(s.outputs[i], changed(x), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(s.per_example[i], losses(changed, x, y, loss), rtol=1e-12, atol=1e-12)


def test_squared_residuals_gradient_by_hand():
    # one input, one identity layer with one output: predicted = w x + b; SSR = sum (obs - w x - b)^2
    net = Network((Dense(np.array([[2.0]]), np.array([0.5])),))
    x = np.array([[1.0], [3.0]])
    observed = np.array([[2.0], [5.0]])
    g = gradient(net, x, observed, Parameter(0, "bias", 0), "squared_residuals")
    # residuals: 2 - 2.5 = -0.5 and 5 - 6.5 = -1.5; d/db = -2 * residual
    np.testing.assert_allclose(g.per_example, [1.0, 3.0])
    assert g.total == 4.0
    w = gradient(net, x, observed, Parameter(0, "weight", 0, 0), "squared_residuals")
    np.testing.assert_allclose(w.per_example, [1.0 * 1.0, 3.0 * 3.0])
    np.testing.assert_allclose(squared_residuals(net(x), observed), [0.25, 2.25])


def test_softmax_squared_residuals_by_hand():
    net = classic_network()
    z = net(FLOWERS)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    onehot = np.eye(3)[OBSERVED]
    np.testing.assert_allclose(losses(net, FLOWERS, OBSERVED, "softmax_squared_residuals"), ((onehot - p) ** 2).sum(axis=1))


def test_sweep_gives_the_loss_at_each_value():
    values = np.array([-3.0, -2.0, 0.0, 1.5])
    s = sweep(classic_network(), FLOWERS, OBSERVED, B3, values)
    for i, v in enumerate(values):
        expected = losses(with_parameter(classic_network(), B3, v), FLOWERS, OBSERVED)
        np.testing.assert_allclose(s.per_example[i], expected)
        assert s.total[i] == pytest.approx(expected.sum())
    assert s.outputs.shape == (4, 3, 3)
    # only the setosa output moves with the setosa bias, one for one
    np.testing.assert_allclose(s.outputs[1, :, 0] - s.outputs[0, :, 0], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(s.outputs[1, :, 1:], s.outputs[0, :, 1:])


def test_one_descent_step_by_hand():
    d = descend(classic_network(), FLOWERS, OBSERVED, B3, start=-2.0, learning_rate=1.0, steps=1)
    (step,) = d.steps
    g = gradient(with_parameter(classic_network(), B3, -2.0), FLOWERS, OBSERVED, B3)
    assert step.value == -2.0
    assert step.gradient == g.total and step.step_size == g.total
    assert step.new_value == -2.0 - g.total == d.final_value
    assert step.loss == pytest.approx(float(g.losses.sum()))
    assert d.final_loss == pytest.approx(float(losses(with_parameter(classic_network(), B3, d.final_value), FLOWERS, OBSERVED).sum()))


def test_descent_until_the_step_is_small_reaches_the_minimum():
    d = descend(classic_network(), FLOWERS, OBSERVED, B3, start=-2.0, learning_rate=1.0, tolerance=1e-4)
    assert d.converged
    assert abs(d.steps[-1].step_size) < 1e-4
    assert all(abs(s.step_size) >= 1e-4 for s in d.steps[:-1])
    # at the minimum the slope is (nearly) zero and the loss is below both neighbours
    g = gradient(with_parameter(classic_network(), B3, d.final_value), FLOWERS, OBSERVED, B3)
    assert abs(g.total) < 1e-4
    around = sweep(classic_network(), FLOWERS, OBSERVED, B3, [d.final_value - 0.05, d.final_value, d.final_value + 0.05]).total
    assert around[1] < around[0] and around[1] < around[2]
    # each step's new value is the next step's value; the loss goes down
    for a, b in zip(d.steps, d.steps[1:]):
        assert b.value == a.new_value
        assert b.loss < a.loss


def test_descent_refuses_bad_settings():
    with pytest.raises(MathError, match="learning rate"):
        descend(classic_network(), FLOWERS, OBSERVED, B3, start=0.0, learning_rate=0.0, steps=3)
    with pytest.raises(MathError, match="how long"):
        descend(classic_network(), FLOWERS, OBSERVED, B3, start=0.0, learning_rate=1.0)
    with pytest.raises(MathError, match="diverged"):
        descend(Network((Dense(np.array([[1.0]]), np.array([0.0])),)), [[1.0]], [[0.0]], Parameter(0, "weight", 0, 0),
                start=1.0, learning_rate=1e300, steps=5, loss="squared_residuals")


def test_parameters_are_checked_and_counted():
    net = classic_network()
    assert Parameter(0, "weight", 1, 0).value(net) == -1.5
    assert Parameter(1, "bias", 2).value(net) == 1.0
    with pytest.raises(MathError, match="layer 2 has 3 nodes, not a node 4"):
        Parameter(1, "bias", 3).value(net)
    with pytest.raises(MathError, match="takes 2 inputs"):
        Parameter(1, "weight", 0, 2).value(net)
    counts = parameter_counts(net)
    assert (counts.weights, counts.biases, counts.total) == (2 * 2 + 3 * 2, 2 + 3, 15)


@settings(max_examples=200, deadline=None)
@given(st.floats(-5, 5), st.floats(0.05, 20), st.floats(-3, 3), st.floats(-4, 0), st.floats(0.5, 6), st.integers(3, 200))
def test_lowest_finds_the_minimum_between_the_samples_or_the_end_of_the_interval(centre, curvature, level, start, span, n):
    # a smooth bowl a·(x − c)² + a·(x − c)⁴ + d, sampled on n points of [start, start + span]
    f = lambda x: curvature * ((x - centre) ** 2 + (x - centre) ** 4) + level  # noqa: E731
    grid = np.linspace(start, start + span, n)
    x, fx = lowest(f, grid)
    inside = min(max(centre, start), start + span)  # the true minimum on the interval: the centre, or the nearer end
    assert x == pytest.approx(inside, abs=1e-6 * span + 1e-9)
    assert fx == f(x) and fx <= min(f(float(g)) for g in grid)  # never worse than the best sample


def test_lowest_of_a_sweep_is_where_the_slope_is_zero_not_the_nearest_sample():
    net = classic_network()
    x, y = np.array([[0.04, 0.42], [1.0, 0.54], [0.5, 0.37]]), [0, 2, 1]
    bias = Parameter(1, "bias", 0)
    grid = np.linspace(-4, 4, 121)
    sampled = grid[int(np.argmin(sweep(net, x, y, bias, grid).total))]
    at = lambda v: float(losses(with_parameter(net, bias, v), x, y).sum())  # noqa: E731
    best, value = lowest(at, grid)
    assert abs(gradient(with_parameter(net, bias, best), x, y, bias).total) < 1e-6
    assert abs(gradient(with_parameter(net, bias, sampled), x, y, bias).total) > 1e-3  # the sample alone is off
    assert value == at(best) < at(sampled)
    totals = sweep(net, x, y, bias, grid).total  # the samples already computed: the same point, found without them again
    assert lowest(at, grid, totals) == pytest.approx((best, value), rel=1e-12)
    with pytest.raises(MathError):
        lowest(at, grid, totals[:-1])
    with pytest.raises(MathError):
        lowest(at, [1.0, 0.0])
    with pytest.raises(MathError):  # a NaN is not a lowest value
        lowest(lambda v: math.nan if 0.2 < v < 0.8 else (v - 0.5) ** 2, [0.0, 0.5, 1.0])
