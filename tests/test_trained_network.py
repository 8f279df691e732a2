"""network.train: the lesson's network trained from a seed on a data set (deterministic), its weights rounded to
its decimals and used by every stage as if typed; its problems at FILE:LINE:COL."""

from pathlib import Path

import numpy as np
import pytest

import mathcore
from lesson.check import check_text
from lesson.base.errors import LessonError

ROOT = Path(__file__).resolve().parents[1]
IRIS = np.genfromtxt(ROOT / "lesson" / "data" / "iris.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")

TEXT = """\
id: trained
title: Trained
network:
  inputs:
    - {name: petal_width, range: [0.1, 2.5]}
    - {name: sepal_width, range: [2.0, 4.4]}
  layers:
    - {activation: relu, nodes: [top, bottom]}
    - {activation: identity}
  classes:
    - {name: setosa, color: "#4fa3e0"}
    - {name: versicolor, color: "#f08a4b"}
    - {name: virginica, color: "#9b6ee8"}
  train:
    columns: {petal_width: petal_width_cm, sepal_width: sepal_width_cm}
    learning_rate: RATE
    epochs: 200
    seed: SEED
parameters:
  w1: {layer: 1, weight: [top, petal_width]}
example:
  scaled: {petal_width: 0.04, sepal_width: 0.42}
steps:
  - kind: network
    title: The trained network
    show: [weights, biases]
    narration: Its first weight is {w1}, and it predicts {prediction}.
"""


def checked(seed=7, rate=0.5, text=TEXT):
    return check_text(text.replace("SEED", str(seed)).replace("RATE", str(rate)), "t.yaml", ROOT / "lessons")


def test_the_trained_weights_are_the_math_cores_rounded_and_every_stage_uses_them():
    got = checked()
    x = mathcore.minmax_scale(np.column_stack([IRIS["petal_width_cm"], IRIS["sepal_width_cm"]]), [0.1, 2.0], [2.5, 4.4])
    y = np.array([["setosa", "versicolor", "virginica"].index(s) for s in IRIS["species"]])
    net = mathcore.train(mathcore.init_network([2, 2, 3], ["relu", "identity"], seed=7), x, y, learning_rate=0.5, epochs=200).network
    layers = got.lesson.network.layers
    for layer, dense in zip(layers, net.layers):
        np.testing.assert_allclose(layer.weights, np.round(dense.weights, 2), atol=1e-12)
        np.testing.assert_allclose(layer.bias, np.round(dense.bias, 2), atol=1e-12)
    assert all(w == round(w, 2) for layer in layers for row in layer.weights for w in row)
    v = got.numbers.values()
    assert v["w1"] == layers[0].weights[0][0]
    # the numbers are the rounded network's: the raw outputs by hand
    h = np.maximum(np.array(layers[0].weights) @ [0.04, 0.42] + layers[0].bias, 0)
    z = np.array(layers[1].weights) @ h + layers[1].bias
    assert [v[f"raw.{c}"] for c in ("setosa", "versicolor", "virginica")] == pytest.approx(z.tolist(), abs=1e-12)
    # deterministic: the same script gives the same weights; another seed other ones
    assert checked().lesson.network.layers == layers
    assert checked(seed=8).lesson.network.layers != layers


def test_training_problems_are_errors_at_their_place():
    text = TEXT.replace("    columns: {petal_width: petal_width_cm, sepal_width: sepal_width_cm}",
                        "    columns: {petal_width: petal_width_cm, sepal_width: sepal_width_cm}\n    labels: {setosa: setsa}")
    with pytest.raises(LessonError) as caught:
        checked(text=text)
    (p,) = caught.value.problems
    assert p.line == 16 and p.message == "unknown class 'setsa' (classes: setosa, versicolor, virginica)"
    text = TEXT.replace("    - {activation: relu, nodes: [top, bottom]}", "    - {activation: relu}")
    with pytest.raises(LessonError) as caught:
        checked(text=text)
    assert any(p.line == 4 and "size: N" in p.message for p in caught.value.problems), caught.value.problems
    text = TEXT.replace("    - {activation: identity}", "    - {activation: identity, weights: [[1, 2]], bias: [0]}")
    with pytest.raises(LessonError) as caught:
        checked(text=text)
    assert any("come from network.train; leave them out" in p.message for p in caught.value.problems), caught.value.problems
