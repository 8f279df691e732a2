"""Every number a lesson shows, computed by the math core from a validated lesson.

The result is plain data (floats, strings, tuples): the planner and the
scenes read it and never compute the math themselves.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

import mathcore
from lesson.script import architectures
from lesson.numbers import work
from lesson.numbers import computed as computed_values
from lesson.numbers.datasets import Table, read_table, relabel, unknown_labels
from lesson.base.errors import LessonError
from lesson.script import limits
from lesson.script.model import Lesson
from lesson.script.names import hidden_node_keys


class TrainingTooLong(LessonError):
    """The training the script asks for would take too long (rows × epochs × seeds over the limit)."""


@dataclass(frozen=True)
class InputValue:
    name: str
    label: str
    unit: str
    raw: float
    scaled: float
    low: float
    high: float


@dataclass(frozen=True)
class LayerValues:
    """One layer of the network as drawn: its weights and biases, and this example's values."""

    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    activation: str
    node_names: tuple[str, ...] | None
    weighted_sums: tuple[float, ...]  # before the activation
    values: tuple[float, ...]  # after it


@dataclass(frozen=True)
class TrainedRun:
    seed: int
    accuracy: float
    final_loss: float
    raw: tuple[float, ...]
    softmax: tuple[float, ...]
    prediction: int


@dataclass(frozen=True)
class LessonNumbers:
    classes: tuple[str, ...]
    class_labels: tuple[str, ...]
    inputs: tuple[InputValue, ...]
    layers: tuple[LayerValues, ...]
    raw: tuple[float, ...]
    argmax: tuple[float, ...]
    prediction: int
    exp: tuple[float, ...]
    exp_sum: float
    softmax: tuple[float, ...]
    jacobian: tuple[tuple[float, ...], ...]
    thresholds: tuple[float, ...]  # for class k: the largest raw output of the other classes
    observed: int | None
    cross_entropy: float | None
    trained: tuple[TrainedRun, ...]
    architectures: Any = None  # the script's architectures: section, whose counts lesson.script.architectures computes
    computed: Any = None  # the computations' numbers (lesson.numbers.computed.Computed): examples, losses, gradients, ...
    output: str = "softmax"  # the network's output: softmax (a classifier) or identity (a regression, no SoftMax shown)
    observed_values: tuple[float, ...] = ()  # a regression example's observed values, one per output
    training_counts: tuple[int, ...] = ()  # rows of the training data, then the rows of each class

    @property
    def regression(self) -> bool:
        return self.output == "identity"

    @property
    def hidden(self) -> tuple[tuple[float, ...], ...]:
        return tuple(layer.values for layer in self.layers[:-1])

    @property
    def has_network(self) -> bool:
        return bool(self.classes)

    def values(self) -> dict[str, float | int | str]:
        """The placeholder namespace (see ``lesson.script.placeholders``)."""
        out: dict[str, float | int | str] = {}
        if self.has_network:
            out.update(self._network_values())
        out.update(architectures.values(self.architectures))
        if self.computed is not None:
            out.update(self.computed.values)
        return out

    def _regression_values(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {"n_classes": len(self.classes)}
        for i in self.inputs:
            out[f"input.{i.name}"] = i.scaled
            out[f"raw_input.{i.name}"] = i.raw
        for k, layer in enumerate(self.layers[:-1], start=1):
            names = list(layer.node_names) if layer.node_names else None
            for value, total, keys in zip(layer.values, layer.weighted_sums, hidden_node_keys(k, len(layer.values), names)):
                out.update(dict.fromkeys(keys, value))
                out.update(dict.fromkeys((key.replace("hidden.", "sum.", 1) for key in keys), total))
        for c, name in enumerate(self.classes):
            out[f"label.{name}"] = self.class_labels[c]
            out[f"raw.{name}"] = out[f"predicted.{name}"] = self.raw[c]
            if self.observed_values:
                out[f"observed.{name}"] = self.observed_values[c]
        if len(self.classes) == 1:
            out["predicted"] = self.raw[0]
            if self.observed_values:
                out["observed"] = self.observed_values[0]
        return out

    def _network_values(self) -> dict[str, float | int | str]:
        if self.regression:
            return self._regression_values()
        out: dict[str, float | int | str] = {
            "prediction": self.class_labels[self.prediction],
            "exp_sum": self.exp_sum,
            "softmax_sum": float(sum(self.softmax)),
            "n_classes": len(self.classes),
        }
        for i in self.inputs:
            out[f"input.{i.name}"] = i.scaled
            out[f"raw_input.{i.name}"] = i.raw
        for k, layer in enumerate(self.layers[:-1], start=1):
            names = list(layer.node_names) if layer.node_names else None
            for value, keys in zip(layer.values, hidden_node_keys(k, len(layer.values), names)):
                out.update(dict.fromkeys(keys, value))
            for total, keys in zip(layer.weighted_sums, hidden_node_keys(k, len(layer.values), names)):
                out.update(dict.fromkeys((key.replace("hidden.", "sum.", 1) for key in keys), total))
        for c, name in enumerate(self.classes):
            out[f"label.{name}"] = self.class_labels[c]
            out[f"raw.{name}"] = self.raw[c]
            out[f"argmax.{name}"] = int(self.argmax[c])
            out[f"softmax.{name}"] = self.softmax[c]
            out[f"exp.{name}"] = self.exp[c]
            out[f"threshold.{name}"] = self.thresholds[c]
            for d, other in enumerate(self.classes):
                out[f"jacobian.{name}.{other}"] = self.jacobian[c][d]
        if self.observed is not None and self.cross_entropy is not None:
            out["observed"] = self.class_labels[self.observed]
            out["p_observed"] = self.softmax[self.observed]
            out["cross_entropy"] = self.cross_entropy
        if self.training_counts:
            out["training.rows"] = self.training_counts[0]
            for c, name in enumerate(self.classes):
                out[f"training.count.{name}"] = self.training_counts[c + 1]
        for t, run in enumerate(self.trained, start=1):
            out[f"trained.{t}.accuracy"] = run.accuracy
            out[f"trained.{t}.seed"] = run.seed
            out[f"trained.{t}.prediction"] = self.class_labels[run.prediction]
            for c, name in enumerate(self.classes):
                out[f"trained.{t}.softmax.{name}"] = run.softmax[c]
        return out

    def to_json(self) -> dict[str, Any]:
        """The document printed by ``lesson numbers --json`` (full float precision)."""
        doc: dict[str, Any] = self._network_json() if self.has_network else {}
        doc.update(architectures.to_json(self.architectures))
        if self.computed is not None:
            doc["parameter_counts"] = {k.split(".")[1]: v for k, v in self.computed.values.items() if k.startswith("parameters.")}
            doc.update({k: v for k, v in self.computed.doc.items() if v})
        return doc

    def _network_json(self) -> dict[str, Any]:
        def by_class(values: tuple[float, ...]) -> dict[str, float]:
            return dict(zip(self.classes, values))

        if self.regression:
            return {"outputs": list(self.classes), "inputs": {i.name: i.scaled for i in self.inputs},
                    "raw_inputs": {i.name: i.raw for i in self.inputs}, "hidden": [list(h) for h in self.hidden],
                    "predicted": by_class(self.raw), **({"observed": by_class(self.observed_values)} if self.observed_values else {})}
        doc: dict[str, Any] = {
            "classes": list(self.classes),
            "inputs": {i.name: i.scaled for i in self.inputs},
            "raw_inputs": {i.name: i.raw for i in self.inputs},
            "hidden": [list(h) for h in self.hidden],
            "raw_outputs": by_class(self.raw),
            "argmax": {c: int(v) for c, v in zip(self.classes, self.argmax)},
            "prediction": self.classes[self.prediction],
            "exp": by_class(self.exp),
            "softmax": by_class(self.softmax),
            "softmax_jacobian": {c: by_class(row) for c, row in zip(self.classes, self.jacobian)},
        }
        if self.observed is not None:
            doc["observed"] = self.classes[self.observed]
            doc["cross_entropy"] = self.cross_entropy
        if self.trained:
            doc["trained"] = [
                {**asdict(run), "softmax": by_class(run.softmax), "raw": by_class(run.raw), "prediction": self.classes[run.prediction]}
                for run in self.trained
            ]
        return doc


def network_of(lesson: Lesson) -> mathcore.Network:
    """The script's network, with the values its parameters: section gives."""
    return computed_values.network(lesson)


# the numbers of a lesson without a network: section (it shows other computations)
NO_NETWORK = LessonNumbers(
    classes=(), class_labels=(), inputs=(), layers=(), raw=(), argmax=(), prediction=-1, exp=(), exp_sum=float("nan"),
    softmax=(), jacobian=(), thresholds=(), observed=None, cross_entropy=None, trained=(),
)


def compute(lesson: Lesson, base: Path = Path("."), *, allow_outside: bool = False) -> LessonNumbers:
    """Run the math core on the lesson's network and example (and its training, if any)."""
    if lesson.network is None or lesson.example is None:
        return replace(NO_NETWORK, architectures=lesson.architectures)
    spec = lesson.network
    lows = np.array([i.range[0] for i in spec.inputs])
    highs = np.array([i.range[1] for i in spec.inputs])
    names = [i.name for i in spec.inputs]
    ex = lesson.example
    if ex.scaled is not None:
        scaled = np.array([ex.scaled[n] for n in names], dtype=float)
        raw = mathcore.minmax_unscale(scaled, lows, highs)
    else:
        raw = np.array([ex.raw[n] for n in names], dtype=float)  # type: ignore[index]
        scaled = mathcore.minmax_scale(raw, lows, highs)
    net = network_of(lesson)
    table = _training_table(lesson, base, allow_outside) if lesson.training is not None else None
    # the whole script's work, before any of it is done: training, then the computations (lesson.numbers.work)
    items = work.items(lesson)
    if table is not None and lesson.training is not None:
        seconds = work.training(len(table.labels), lesson.training.epochs, len(lesson.training.seeds))
        items.insert(0, work.Item(("training", "epochs"), "training", seconds))
    if found := work.over(items):
        raise computed_values.ComputeProblem(found[0].where, found[1])
    with np.errstate(over="ignore"):  # out-of-range values are reported by the check, at their cause in the script
        numbers = replace(_compute(lesson, net, raw, scaled, table), architectures=lesson.architectures)
    return with_computations(lesson, base, allow_outside, numbers)


def with_computations(lesson: Lesson, base: Path, allow_outside: bool, numbers: LessonNumbers) -> LessonNumbers:
    """``numbers`` with the script's computations (lesson.numbers.computed); ComputeProblem where one fails."""
    with np.errstate(over="ignore", invalid="ignore"):
        computed = computed_values.compute(lesson, base, allow_outside)
        if lesson.define:
            values = {**numbers.values(), **computed.values}
            computed.values.update(computed_values.define(lesson, values))
            computed.doc["define"] = {k: computed.values[k] for k in lesson.define}
    return replace(numbers, computed=computed)


def _compute(lesson: Lesson, net: mathcore.Network, raw: np.ndarray, scaled: np.ndarray, table: Table | None) -> LessonNumbers:
    spec, ex = lesson.network, lesson.example
    run = net.forward(scaled)
    z = run.output
    p = mathcore.softmax(z)
    classes = tuple(c.name for c in spec.classes)
    others = [np.delete(z, k) for k in range(len(z))]
    observed = classes.index(ex.label) if ex.label is not None else None
    layers = tuple(
        LayerValues(
            weights=tuple(tuple(float(w) for w in row) for row in dense.weights),
            bias=tuple(float(b) for b in dense.bias),
            activation=layer.activation,
            node_names=tuple(layer.nodes) if layer.nodes else None,
            weighted_sums=_floats(pre),
            values=_floats(post),
        )
        for layer, dense, pre, post in zip(spec.layers, net.layers, run.pre, run.post)
    )
    return LessonNumbers(
        classes=classes,
        class_labels=tuple(c.label or c.name for c in spec.classes),
        inputs=tuple(
            InputValue(i.name, i.label or i.name, i.unit, float(r), float(s), i.range[0], i.range[1])
            for i, r, s in zip(spec.inputs, raw, scaled)
        ),
        layers=layers,
        raw=_floats(z),
        argmax=_floats(mathcore.argmax_onehot(z)),
        prediction=int(np.argmax(mathcore.argmax_onehot(z))),
        exp=_floats(np.exp(z)),
        exp_sum=float(np.sum(np.exp(z))),
        softmax=_floats(p),
        jacobian=tuple(_floats(row) for row in mathcore.softmax_jacobian(z)),
        thresholds=tuple(float(np.max(o)) if o.size else float("-inf") for o in others),  # none with one output
        observed=observed,
        cross_entropy=float(mathcore.cross_entropy(z, observed)) if observed is not None else None,
        trained=_train(lesson, table, scaled) if table is not None else (),
        training_counts=(len(table.labels), *(table.labels.count(c) for c in classes)) if table is not None else (),
        output=spec.output,
        observed_values=_observed_values(ex.observed, classes),
    )


def _observed_values(observed: Any, classes: tuple[str, ...]) -> tuple[float, ...]:
    """A regression example's observed values in the outputs' order (none if it gives none)."""
    if observed is None:
        return ()
    if isinstance(observed, dict):
        return tuple(float(observed[c]) for c in classes)
    return (float(observed),)


def _floats(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(values).ravel())


def _training_table(lesson: Lesson, base: Path, allow_outside: bool) -> Table:
    """The training data, checked: its labels are the network's classes, and rows × epochs × seeds are within bounds."""
    spec, training = lesson.network, lesson.training
    assert spec is not None and training is not None
    names = [i.name for i in spec.inputs]
    classes = [c.name for c in spec.classes]
    table = read_table(training.data, base, [training.columns[n] for n in names], training.label_column, allow_outside=allow_outside)
    table = relabel(table, training.labels)
    unknown = unknown_labels(table.labels, classes, training.label_column)
    if unknown:
        raise LessonError(unknown)
    passes = len(table.labels) * training.epochs * len(training.seeds)
    if passes > limits.TRAINING_PASSES:
        raise TrainingTooLong(
            f"{len(table.labels)} rows × {training.epochs} epochs × {len(training.seeds)} seeds make {passes:,} passes "
            f"through the network; at most {limits.TRAINING_PASSES:,} (fewer epochs or rows)"
        )
    return table


def _train(lesson: Lesson, table: Table, example: np.ndarray) -> tuple[TrainedRun, ...]:
    """A network trained from each seed on the (checked) training data."""
    spec, training = lesson.network, lesson.training
    assert spec is not None and training is not None
    names = [i.name for i in spec.inputs]
    classes = [c.name for c in spec.classes]
    x_raw = np.column_stack([table.columns[training.columns[n]] for n in names])
    x = mathcore.minmax_scale(x_raw, [i.range[0] for i in spec.inputs], [i.range[1] for i in spec.inputs])
    y = np.array([classes.index(label) for label in table.labels], dtype=np.int64)
    sizes = [len(names), *(len(l.weights) for l in spec.layers)]
    acts = [l.activation for l in spec.layers]
    runs = []
    for seed in training.seeds:
        trained = _trained(tuple(sizes), tuple(acts), seed, x.tobytes(), x.shape, y.tobytes(), training.learning_rate, training.epochs)
        if trained is None:  # diverged: the check reports it at training.learning_rate
            nan = tuple([float("nan")] * len(classes))
            runs.append(TrainedRun(seed=seed, accuracy=float("nan"), final_loss=float("nan"), raw=nan, softmax=nan, prediction=0))
            continue
        network, final_loss = trained
        z = network(example)
        runs.append(
            TrainedRun(
                seed=seed,
                accuracy=mathcore.accuracy(network, x, y),
                final_loss=final_loss,
                raw=_floats(z),
                softmax=_floats(mathcore.softmax(z)),
                prediction=int(np.argmax(z)),
            )
        )
    return tuple(runs)


@functools.lru_cache(maxsize=64)
def _trained(
    sizes: tuple[int, ...], acts: tuple[str, ...], seed: int, x: bytes, shape: tuple[int, ...], y: bytes, rate: float, epochs: int
) -> tuple[mathcore.Network, float] | None:
    """A network trained from ``seed``, and its final loss; None if training diverged. Cached: ``lesson check`` and
    ``lesson render`` in one process train once."""
    data = np.frombuffer(x).reshape(shape)
    labels = np.frombuffer(y, dtype=np.int64)
    with np.errstate(all="ignore"):
        try:
            result = mathcore.train(mathcore.init_network(list(sizes), list(acts), seed=seed), data, labels,
                                    learning_rate=rate, epochs=epochs)
        except mathcore.MathError:
            return None
    if not np.isfinite(result.losses[-1]) or not all(np.all(np.isfinite(l.weights)) and np.all(np.isfinite(l.bias)) for l in result.network.layers):
        return None
    return result.network, result.losses[-1]
