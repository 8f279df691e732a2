"""Forward-mode automatic differentiation: networks with any number of outputs, every loss, against finite
differences for random networks (hypothesis); the dosage regression network by hand; descent on several variables."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore import Dense, MathError, Network, Parameter, gradient, with_parameter
from mathcore import autodiff as ad

ACTS = ("relu", "softplus", "sigmoid", "identity")


def dosage_network(b3: float = 0.0) -> Network:
    return Network((Dense(np.array([[3.34], [-3.53]]), np.array([-1.43, 0.57]), "softplus"),
                    Dense(np.array([[-1.22, -2.30]]), np.array([b3]), "identity")))


DOSES = np.array([[0.0], [0.5], [1.0]])
EFFICACY = np.array([[0.0], [1.0], [0.0]])
B3 = ad.Variable(1, "bias", 0)


def softplus(x):
    return math.log1p(math.exp(x))


def test_dosage_predictions_and_ssr_by_hand():
    def predict(x):
        return -1.22 * softplus(3.34 * x - 1.43) - 2.30 * softplus(-3.53 * x + 0.57)

    run = ad.forward(dosage_network(), DOSES, [B3], ad.variables([0.0]))
    assert run.output.shape == (3, 1)
    np.testing.assert_allclose(run.output.v[:, 0], [predict(0.0), predict(0.5), predict(1.0)], rtol=1e-13)
    assert [round(float(v), 2) for v in run.output.v[:, 0]] == [-2.60, -1.61, -2.61]
    ssr = ad.regression_losses(run.output, EFFICACY).sum()
    assert round(float(ssr.v), 2) == 20.42
    # d SSR / d b3 = sum of -2 (observed - predicted) * 1
    expected = sum(-2 * (o - predict(x)) for x, o in ((0, 0), (0.5, 1), (1, 0)))
    assert float(ssr.d[0]) == pytest.approx(expected, rel=1e-13)
    assert round(float(ssr.d[0]), 2) == -15.66


def test_chain_rule_factors_of_the_dosage_network():
    run = ad.forward(dosage_network(), DOSES, [B3], ad.variables([0.0]))
    f = ad.output_factors("squared_residuals", run.output, EFFICACY)
    np.testing.assert_allclose(f.loss_output[:, 0], -2 * (EFFICACY[:, 0] - run.output.v[:, 0]), rtol=1e-14)
    np.testing.assert_allclose(f.output_variable[:, 0, 0], [1.0, 1.0, 1.0])
    per = ad.regression_losses(run.output, EFFICACY).d[:, 0]
    np.testing.assert_allclose(f.per_example[:, 0], per, rtol=1e-14)


def test_one_descent_step_and_the_optimum_of_b3():
    def ssr(vs):
        return ad.regression_losses(ad.forward(dosage_network(), DOSES, [B3], vs).output, EFFICACY).sum()

    walk = ad.descend(ssr, [0.0], learning_rate=0.1, steps=1)
    assert round(walk.steps[0].step[0], 2) == -1.57
    assert round(walk.final[0], 2) == 1.57
    walk = ad.descend(ssr, [0.0], learning_rate=0.1, tolerance=1e-10)
    assert walk.converged
    # the optimum: b3 is the mean residual of the network without it
    residual = EFFICACY[:, 0] - dosage_network().forward(DOSES).output[:, 0]
    assert walk.final[0] == pytest.approx(float(residual.mean()), abs=1e-9)
    assert round(walk.final[0], 2) == 2.61


def test_descent_over_three_variables_at_once_lowers_the_loss_every_step():
    chosen = [ad.Variable(1, "weight", 0, 0), ad.Variable(1, "weight", 0, 1), B3]

    def ssr(vs):
        return ad.regression_losses(ad.forward(dosage_network(), DOSES, chosen, vs).output, EFFICACY).sum()

    walk = ad.descend(ssr, [-1.22, -2.30, 0.0], learning_rate=0.05, steps=40)
    losses = [s.loss for s in walk.steps] + [walk.final_loss]
    assert all(b < a for a, b in zip(losses, losses[1:]))
    first = walk.steps[0]
    value, grad = ad.value_and_gradient(ssr, [-1.22, -2.30, 0.0])
    np.testing.assert_allclose(first.gradient, grad)
    np.testing.assert_allclose(first.new_values, np.array(first.values) - 0.05 * grad)
    assert len(first.gradient) == 3 and all(g != 0 for g in first.gradient)


@st.composite
def networks(draw):
    n_in = draw(st.integers(1, 3))
    n_hidden = draw(st.integers(1, 4))
    n_out = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    acts = (draw(st.sampled_from(ACTS[1:])), "identity")  # smooth: finite differences need a derivative everywhere
    net = Network((Dense(rng.normal(size=(n_hidden, n_in)), rng.normal(size=n_hidden), acts[0]),
                   Dense(rng.normal(size=(n_out, n_hidden)), rng.normal(size=n_out), acts[1])))
    x = rng.uniform(-1, 1, size=(draw(st.integers(1, 4)), n_in))
    return net, x, rng


def _all_parameters(net):
    out = []
    for k, layer in enumerate(net.layers):
        out += [ad.Variable(k, "weight", r, c) for r in range(layer.n_out) for c in range(layer.n_in)]
        out += [ad.Variable(k, "bias", r) for r in range(layer.n_out)]
    return out


def _value(net, p):
    layer = net.layers[p.layer]
    return float(layer.weights[p.row, p.column] if p.kind == "weight" else layer.bias[p.row])


def _numeric(net, x, targets, loss, chosen, h=1e-6):
    out = []
    for p in chosen:
        param = Parameter(p.layer, p.kind, p.row, p.column)
        value = _value(net, p)
        hi = ad.loss_of(loss, ad.constant(with_parameter(net, param, value + h).forward(x).output, 1), targets).v.sum()
        lo = ad.loss_of(loss, ad.constant(with_parameter(net, param, value - h).forward(x).output, 1), targets).v.sum()
        out.append((hi - lo) / (2 * h))
    return np.array(out)


@settings(max_examples=60, deadline=None)
@given(networks(), st.sampled_from(ad.ALL_LOSSES))
def test_every_loss_gradient_matches_finite_differences(case, loss):
    net, x, rng = case
    n_out = net.n_outputs
    if loss in ad.REGRESSION_LOSSES:
        targets = rng.normal(size=(x.shape[0], n_out))
    else:
        targets = rng.integers(0, n_out, size=x.shape[0])
    chosen = _all_parameters(net)
    run = ad.forward(net, x, chosen, ad.variables([_value(net, p) for p in chosen]))
    np.testing.assert_allclose(run.output.v, net.forward(x).output, rtol=1e-12, atol=1e-12)
    got = ad.loss_of(loss, run.output, targets).sum()
    np.testing.assert_allclose(got.d, _numeric(net, x, targets, loss, chosen), rtol=1e-5, atol=1e-6)
    # the chain-rule factors multiply out to each example's share
    f = ad.output_factors(loss, run.output, targets)
    np.testing.assert_allclose(f.per_example, ad.loss_of(loss, run.output, targets).d, rtol=1e-10, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(networks())
def test_cross_entropy_gradient_agrees_with_backpropagation(case):
    net, x, rng = case
    if net.n_outputs < 2:
        net = Network((net.layers[0], Dense(np.vstack([net.layers[1].weights, net.layers[1].weights]),
                                            np.concatenate([net.layers[1].bias, [0.3]]), "identity")))
    labels = rng.integers(0, net.n_outputs, size=x.shape[0])
    for p in _all_parameters(net):
        param = Parameter(p.layer, p.kind, p.row, p.column)
        run = ad.forward(net, x, [p], ad.variables([_value(net, p)]))
        got = ad.cross_entropy_losses(run.output, labels)
        np.testing.assert_allclose(got.d[:, 0], gradient(net, x, labels, param).per_example, rtol=1e-9, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(st.floats(0.1, 3), st.floats(-2, 2), st.sampled_from(ACTS[1:]))
def test_elementary_functions_match_finite_differences(a, b, act):
    def f(vs):
        x, y = vs
        return ad.exp(x * y) / (1 + x**2) + ad.log(x) * y - x ** y + ad.activation(act, y - x) + (2.0 - y) / x

    value, grad = ad.value_and_gradient(f, [a, b])
    h = 1e-6
    numeric = [(ad.value_and_gradient(f, [a + h, b])[0] - ad.value_and_gradient(f, [a - h, b])[0]) / (2 * h),
               (ad.value_and_gradient(f, [a, b + h])[0] - ad.value_and_gradient(f, [a, b - h])[0]) / (2 * h)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


def test_errors():
    x = ad.variables([0.0])[0]
    with pytest.raises(MathError):
        ad.log(x)
    with pytest.raises(MathError):
        ad.loss_of("hinge", x, [0])
    with pytest.raises(MathError):
        ad.descend(lambda vs: vs[0] * vs[0], [1.0], learning_rate=0)
    with pytest.raises(MathError, match="diverged"):
        ad.descend(lambda vs: ad.exp(vs[0] * vs[0]), [3.0], learning_rate=100, steps=50)
