"""What a script takes from data files, written into its model before every later stage, so that they see a
network and an example like typed ones:

- :func:`resolve`: a trained network (``network.train``): trained from its seed on its data, its weights and biases
  rounded to ``decimals`` (they are drawn as typed). Deterministic: the same script and data give the same weights.
- :func:`example_from_data`: an ``example:`` picked from ``data:`` by ``row`` or ``where``: its raw inputs and its
  class (or a regression's observed values).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

import mathcore
from lesson.numbers import computed, work
from lesson.base.digits import fixed
from lesson.numbers.datasets import read_table, relabel, unknown_labels
from lesson.base.errors import LessonError
from lesson.script import limits
from lesson.script.computations import ExampleSpec
from lesson.script.model import Example, Lesson


class TrainingProblem(Exception):
    """Why the network cannot be trained, at its place below the script's top level."""

    def __init__(self, where: tuple, message: str) -> None:
        super().__init__(message)
        self.where, self.message = where, message


def resolve(lesson: Lesson, folder: Path, allow_outside: bool = False) -> Lesson:
    """``lesson`` with its network's trained weights and biases filled in (itself if it trains none)."""
    spec = lesson.network
    if spec is None or spec.train is None:
        return lesson
    train = spec.train
    at = ("network", "train")
    names = [i.name for i in spec.inputs]
    classes = [c.name for c in spec.classes]
    for name in names:
        if name not in train.columns:
            raise TrainingProblem((*at, "columns"), f"missing the CSV column for input {name!r}")
    for name in train.columns:
        if name not in names:
            raise TrainingProblem((*at, "columns", name), f"unknown input {name!r} (inputs: {', '.join(names)})")
    for label, cls in train.labels.items():
        if cls not in classes:
            raise TrainingProblem((*at, "labels", label), f"unknown class {cls!r} (classes: {', '.join(classes)})")
    try:
        table = read_table(train.data, folder, [train.columns[n] for n in names], train.label_column, allow_outside=allow_outside)
    except LessonError as exc:
        raise TrainingProblem((*at, "data"), exc.problems[0].message) from None
    table = relabel(table, train.labels)
    if unknown := unknown_labels(table.labels, classes, train.label_column):
        raise TrainingProblem((*at, "data"), unknown)
    passes = len(table.labels) * train.epochs
    if passes > limits.TRAINING_PASSES:
        raise TrainingProblem((*at, "epochs"), f"{len(table.labels)} rows × {train.epochs} epochs make {passes:,} passes through the "
                              f"network; at most {limits.TRAINING_PASSES:,} (fewer epochs or rows)")
    if (seconds := work.training(len(table.labels), train.epochs, 1)) > limits.WORK_SECONDS:
        raise TrainingProblem((*at, "epochs"), f"training asks for about {seconds:.1f} s of computing; at most {limits.WORK_SECONDS:g} s")
    x_raw = np.column_stack([table.columns[train.columns[n]] for n in names])
    x = mathcore.minmax_scale(x_raw, [i.range[0] for i in spec.inputs], [i.range[1] for i in spec.inputs])
    y = np.array([classes.index(label) for label in table.labels], dtype=np.int64)
    sizes = (len(names), *(l.size or len(l.nodes or ()) for l in spec.layers[:-1]), len(classes))
    acts = tuple(l.activation for l in spec.layers)
    got = _trained(sizes, acts, train.seed, x.tobytes(), x.shape, y.tobytes(), train.learning_rate, train.epochs)
    if got is None:
        raise TrainingProblem((*at, "learning_rate"), "training diverged (the loss is no longer a number); use a smaller learning rate")
    layers = []
    for layer, dense in zip(spec.layers, got.layers):
        weights = [[_rounded(w, train.decimals) for w in row] for row in dense.weights]
        bias = [_rounded(b, train.decimals) for b in dense.bias]
        layers.append(layer.model_copy(update={"weights": weights, "bias": bias, "size": None}))
    network = spec.model_copy(update={"layers": layers})
    return lesson.model_copy(update={"network": network})


def _rounded(value: float, decimals: int) -> float:
    """A person's rounding of a trained value (0 for -0), as the float of its digits."""
    out = float(fixed(value, decimals))
    return 0.0 if out == 0 else out


@functools.lru_cache(maxsize=16)
def _trained(sizes: tuple[int, ...], acts: tuple[str, ...], seed: int, x: bytes, shape: tuple[int, ...], y: bytes,
             rate: float, epochs: int) -> mathcore.Network | None:
    data = np.frombuffer(x).reshape(shape)
    labels = np.frombuffer(y, dtype=np.int64)
    with np.errstate(all="ignore"):
        try:
            result = mathcore.train(mathcore.init_network(list(sizes), list(acts), seed=seed), data, labels, learning_rate=rate, epochs=epochs)
        except mathcore.MathError:
            return None
    net = result.network
    if not all(np.all(np.isfinite(l.weights)) and np.all(np.isfinite(l.bias)) for l in net.layers):
        return None
    return net


def example_from_data(lesson: Lesson, folder: Path, allow_outside: bool = False) -> Lesson:
    """``lesson`` with its ``example:`` picked from ``data:`` written out as raw inputs and a class (or observed
    values); itself if the example gives its inputs."""
    ex, net = lesson.example, lesson.network
    if ex is None or net is None or (ex.row is None and ex.where is None):
        return lesson
    if lesson.data is None:
        raise TrainingProblem(("example",), "an example picked by row or where needs a data: section (file, columns, label_column)")
    name = "example_"
    probe = lesson.model_copy(update={"examples": {name: ExampleSpec(row=ex.row, where=ex.where, nth=ex.nth)}})
    observed: dict = {}
    try:
        rows = computed._rows(probe, folder, allow_outside, {}, observed)
    except computed.ComputeProblem as exc:
        where = ("example", *exc.where[2:]) if exc.where[:2] == ("examples", name) else exc.where
        raise TrainingProblem(where, exc.message) from None
    except KeyError as exc:  # a column of data: for an input it lacks: reported by the data: section's own check
        raise TrainingProblem(("data", "columns"), f"missing the column for input {exc.args[0]!r}") from None
    _, raw, label = rows[name]
    inputs = {i.name: float(v) for i, v in zip(net.inputs, raw)}
    if net.output == "identity":
        if name not in observed:
            raise TrainingProblem(("example",), "a regression's example picked from data: needs data: observed: <column>")
        values = [float(v) for v in observed[name]]
        picked = Example(raw=inputs, observed=values[0] if len(values) == 1 else dict(zip((c.name for c in net.classes), values)))
    else:
        picked = Example(raw=inputs, label=label)
    return lesson.model_copy(update={"example": picked})
