"""Network forward pass, scaling, cross-entropy, backpropagation and training."""

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore import (
    ACTIVATIONS,
    Dense,
    MathError,
    Network,
    accuracy,
    backprop,
    cross_entropy,
    cross_entropy_grad,
    init_network,
    minmax_scale,
    minmax_unscale,
    softmax,
    train,
)
from mathcore.iris import CLASSES, RAW_RANGES_CM, classic_network


def test_classic_iris_network_reference_values():
    net = classic_network()
    run = net.forward([0.0, 1.0])  # petal width 0, sepal width 1 (scaled)
    np.testing.assert_allclose(run.hidden[0], [2.2, 1.1], atol=1e-12)
    np.testing.assert_allclose(run.output, [1.43, -0.44, 0.23], atol=1e-12)
    np.testing.assert_allclose(softmax(run.output), [0.6871, 0.1059, 0.2070], atol=5e-5)
    np.testing.assert_allclose(net([0.5, 0.37]), [0.0898, 0.8632, 0.1042], atol=5e-5)
    assert CLASSES == ("setosa", "versicolor", "virginica")


def test_forward_works_on_batches_and_keeps_every_layer():
    net = classic_network()
    run = net.forward([[0.0, 1.0], [0.5, 0.37]])
    assert run.output.shape == (2, 3)
    assert len(run.pre) == len(run.post) == 2
    np.testing.assert_allclose(run.post[0], np.maximum(run.pre[0], 0))


def test_minmax_scaling_round_trip_and_iris_ranges():
    low, high = RAW_RANGES_CM["sepal_width"]
    assert minmax_scale(4.4, low, high) == pytest.approx(1.0)
    assert minmax_scale(2.0, low, high) == pytest.approx(0.0)
    raw = np.array([[0.2, 3.5], [2.5, 2.0]])
    lows, highs = [0.1, 2.0], [2.5, 4.4]
    np.testing.assert_allclose(minmax_unscale(minmax_scale(raw, lows, highs), lows, highs), raw)
    with pytest.raises(MathError, match="low < high"):
        minmax_scale(1.0, 2.0, 2.0)


def test_layer_shapes_are_checked():
    with pytest.raises(MathError, match="n_out"):
        Dense(np.ones((2, 3)), np.ones(3))
    with pytest.raises(MathError, match="layer 1 has 2 outputs but layer 2 takes 3"):
        Network((Dense(np.ones((2, 2)), np.ones(2)), Dense(np.ones((1, 3)), np.ones(1))))
    with pytest.raises(MathError, match="unknown activation"):
        Dense(np.ones((1, 1)), np.ones(1), "tanhh")
    with pytest.raises(MathError, match="NaN or infinity"):
        Dense(np.array([[np.nan]]), np.ones(1))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivatives_match_central_differences(name):
    act = ACTIVATIONS[name]
    z = np.array([-3.0, -0.7, 0.4, 2.5, 30.0, -30.0])
    h = 1e-6
    np.testing.assert_allclose(act.grad(z), (act(z + h) - act(z - h)) / (2 * h), atol=1e-6)


def test_softplus_and_sigmoid_are_finite_for_large_inputs():
    z = np.array([-1000.0, 1000.0])
    assert np.all(np.isfinite(ACTIVATIONS["softplus"](z)))
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"](z), [0.0, 1.0])


def test_cross_entropy_matches_scipy_and_its_gradient_is_p_minus_y():
    z = np.array([[1.43, -0.44, 0.23], [0.1, 0.8, 0.1]])
    y = np.array([0, 2])
    expected = -np.log(scipy.special.softmax(z, axis=-1)[[0, 1], y])
    np.testing.assert_allclose(cross_entropy(z, y), expected, rtol=1e-12)
    np.testing.assert_allclose(cross_entropy_grad(z, y), softmax(z) - np.eye(3)[y])
    h = 1e-6
    for j in range(3):
        dz = np.zeros(3)
        dz[j] = h
        numeric = (cross_entropy(z[0] + dz, 0) - cross_entropy(z[0] - dz, 0)) / (2 * h)
        assert cross_entropy_grad(z[0], 0)[j] == pytest.approx(numeric, abs=1e-7)


def test_cross_entropy_rejects_bad_labels():
    with pytest.raises(MathError, match="0..2"):
        cross_entropy([1.0, 2.0, 3.0], 3)
    with pytest.raises(MathError, match="integers"):
        cross_entropy([1.0, 2.0, 3.0], 1.5)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    hidden=st.lists(st.integers(1, 4), min_size=0, max_size=2),
    act=st.sampled_from(["softplus", "sigmoid", "identity", "relu"]),
)
def test_backprop_matches_central_differences_on_random_networks(seed, hidden, act):
    rng = np.random.default_rng(seed)
    sizes = [3, *hidden, 4]
    net = init_network(sizes, [act] * len(hidden) + ["identity"], seed=seed)
    # random biases too, so that the bias gradients are exercised away from zero
    net = Network(tuple(Dense(l.weights, rng.normal(size=l.n_out), l.activation) for l in net.layers))
    x = rng.normal(size=(5, 3))
    y = rng.integers(0, 4, size=5)
    _, grads = backprop(net, x, y)
    h = 1e-6

    def loss_with(k, which, index, delta):
        layers = list(net.layers)
        w, b = layers[k].weights.copy(), layers[k].bias.copy()
        (w if which == "w" else b)[index] += delta
        layers[k] = Dense(w, b, layers[k].activation)
        return backprop(Network(tuple(layers)), x, y)[0]

    for k, layer in enumerate(net.layers):
        for index in np.ndindex(layer.weights.shape):
            numeric = (loss_with(k, "w", index, h) - loss_with(k, "w", index, -h)) / (2 * h)
            assert grads.weights[k][index] == pytest.approx(numeric, abs=1e-5)
        for index in np.ndindex(layer.bias.shape):
            numeric = (loss_with(k, "b", index, h) - loss_with(k, "b", index, -h)) / (2 * h)
            assert grads.bias[k][index] == pytest.approx(numeric, abs=1e-5)


def test_training_lowers_the_loss_and_is_reproducible():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1, 0.3, size=(20, 2)), rng.normal(1, 0.3, size=(20, 2))])
    y = np.array([0] * 20 + [1] * 20)
    start = init_network([2, 3, 2], ["relu", "identity"], seed=7)
    result = train(start, x, y, learning_rate=0.5, epochs=200)
    assert result.losses[-1] < 0.5 * result.losses[0]
    assert all(b <= a + 1e-12 for a, b in zip(result.losses[:20], result.losses[1:21]))
    assert accuracy(result.network, x, y) > 0.95
    again = train(init_network([2, 3, 2], ["relu", "identity"], seed=7), x, y, learning_rate=0.5, epochs=200)
    np.testing.assert_array_equal(again.network.layers[0].weights, result.network.layers[0].weights)
    other = init_network([2, 3, 2], ["relu", "identity"], seed=8)
    assert not np.array_equal(other.layers[0].weights, start.layers[0].weights)


def test_training_rejects_impossible_settings():
    net = init_network([2, 2], ["identity"], seed=0)
    with pytest.raises(MathError, match="learning rate"):
        train(net, np.zeros((2, 2)), np.array([0, 1]), learning_rate=-1.0, epochs=3)
