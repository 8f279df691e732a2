"""Every placeholder name a script has, and the kind of value it holds (number, integer, word).

Names are known from the script's structure alone (so ``lesson check`` needs no computation): the network's
numbers for the example, the computations' (:mod:`lesson.script.computations`) and the architectures'.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lesson.script import architectures
from lesson.script import computations
from lesson.script.placeholders import Kind

if TYPE_CHECKING:
    from lesson.script.model import Lesson


def hidden_node_keys(layer_index: int, n_nodes: int, node_names: list[str] | None) -> list[list[str]]:
    """For each node of hidden layer ``layer_index`` (1-based), the placeholder names that reach it."""
    keys = []
    for n in range(n_nodes):
        names = [f"hidden.{layer_index}.{n + 1}"]
        if node_names and n < len(node_names):
            names.append(f"hidden.{layer_index}.{node_names[n]}")
        keys.append(names)
    return keys


def kinds(lesson: Lesson) -> dict[str, Kind]:
    """Every placeholder name that the lesson can use, with the kind of value it holds."""
    out: dict[str, Kind] = {}
    if lesson.network is not None and lesson.example is not None:
        out.update(network_kinds(lesson))
        out.update(computations.kinds(lesson))  # parameters, examples, losses, gradients, sweeps, descents, define
    out.update(architectures.placeholder_kinds(lesson.architectures))  # type: ignore[arg-type]
    return out


def network_kinds(lesson: Lesson) -> dict[str, Kind]:
    """The names of the network's numbers for the example (a lesson with a network: section)."""
    net, example = lesson.network, lesson.example
    assert net is not None and example is not None
    classes = [c.name for c in net.classes]
    out: dict[str, Kind] = {"prediction": "word", "exp_sum": "number", "softmax_sum": "number", "n_classes": "integer"}
    for i in net.inputs:
        out[f"input.{i.name}"] = out[f"raw_input.{i.name}"] = "number"
    for k, layer in enumerate(net.layers[:-1], start=1):
        for node_keys in hidden_node_keys(k, len(layer.weights), layer.nodes):
            out.update(dict.fromkeys(node_keys, "number"))
            out.update(dict.fromkeys((key.replace("hidden.", "sum.", 1) for key in node_keys), "number"))  # before the activation
    if net.output == "identity":  # a regression: its outputs are the predictions; no SoftMax, no class
        out = {k: v for k, v in out.items() if k not in ("prediction", "exp_sum", "softmax_sum")}
        for c in classes:
            out[f"raw.{c}"] = out[f"predicted.{c}"] = "number"
            out[f"label.{c}"] = "word"
        if len(classes) == 1:
            out["predicted"] = "number"
        if example.observed is not None:
            out.update(dict.fromkeys([f"observed.{c}" for c in classes] + (["observed"] if len(classes) == 1 else []), "number"))
        return out
    for c in classes:
        out.update(dict.fromkeys([f"raw.{c}", f"softmax.{c}", f"exp.{c}", f"threshold.{c}"], "number"))
        out[f"argmax.{c}"] = "integer"
        out[f"label.{c}"] = "word"
        out.update(dict.fromkeys([f"jacobian.{c}.{d}" for d in classes], "number"))
    if example.label is not None:
        out.update({"cross_entropy": "number", "observed": "word", "p_observed": "number"})
    if lesson.training is not None:
        out["training.rows"] = "integer"
        out.update({f"training.count.{c}": "integer" for c in classes})
        for t in range(1, len(lesson.training.seeds) + 1):
            out.update({f"trained.{t}.accuracy": "number", f"trained.{t}.seed": "integer", f"trained.{t}.prediction": "word"})
            out.update(dict.fromkeys([f"trained.{t}.softmax.{c}" for c in classes], "number"))
    return out


def _number_literal(text: str) -> bool:
    """Whether a define: expression is a number as typed (10000, -0.04, 2.5e3), not arithmetic."""
    return re.fullmatch(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*", text) is not None


def names(lesson: Lesson) -> set[str]:
    """Every placeholder name that the lesson can use."""
    return set(kinds(lesson))


def typed(lesson: Lesson) -> set[str]:
    """The placeholders whose value is a number the author typed (in the script or its data file): the example's
    inputs as given (raw or scaled), the named parameters (a weight, a bias), a descent's learning rate and
    start, a named example's inputs as given, a ``define:`` entry that is a number. An equation shows them as typed,
    never rounded, and so does every other place."""
    literals = {name for name, text in lesson.define.items() if _number_literal(str(text))}
    net = lesson.network
    if net is None or lesson.example is None:
        return literals
    inputs = [i.name for i in net.inputs]
    given = "raw_input" if lesson.example.raw is not None else "input"
    out = literals | {f"{given}.{i}" for i in inputs}
    out.update(lesson.parameters)
    for name in lesson.descents:
        out.update((f"{name}.learning_rate", f"{name}.start"))  # the start typed, or the parameter's (typed) value
    for e, spec in lesson.examples.items():
        given = "input" if spec.scaled is not None else "raw_input"  # raw, or a row of the data file: raw inputs
        out.update(f"example.{e}.{given}.{i}" for i in inputs)
    return out
