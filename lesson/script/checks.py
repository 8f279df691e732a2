"""Checks of a script that need more than one part of it: that the computations' names exist and do not clash (the
parameters a gradient is taken by, the losses a sweep follows, the names a define: uses). The loader reports each
at FILE:LINE:COL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lesson.base.errors import Finding
from lesson.base import expr
from lesson.base.hints import one_of
from lesson.script import computations, names
from lesson.script.computations import Where

if TYPE_CHECKING:
    from lesson.script.model import Lesson


def computations_problems(lesson: Lesson) -> list[Finding]:
    """Names that must exist, and must not clash."""

    out: list[Finding] = []
    sections = ("parameters", "examples", "losses", "gradients", "sweeps", "descents", "define")
    if lesson.network is None:
        return [Finding((s,), f"'{s}' needs a network: section to compute with", at_key=True) for s in sections if getattr(lesson, s)]
    net = lesson.network
    inputs = [i.name for i in net.inputs]
    classes = [c.name for c in net.classes]
    seen: dict[str, str] = {}
    for section in ("parameters", "losses", "gradients", "sweeps", "descents", "define"):
        for name in getattr(lesson, section):
            if name in computations.RESERVED:
                out.append(Finding((section, name), f"{name!r} is a name the lesson already uses; choose another", at_key=True))
            elif name in seen:
                out.append(Finding((section, name), f"{name!r} is already the name of one of {seen[name]}; choose another", at_key=True))
            seen.setdefault(name, section)
    for name, spec in lesson.parameters.items():
        out += [Finding(("parameters", name, *w), msg) for w, msg in computations.parameter_index(lesson, spec)[1]]
    if lesson.data is not None:
        if isinstance(lesson.data.observed, dict):
            out += [Finding(("data", "observed", c), f"unknown output {c!r}{one_of(c, classes, 'outputs')}", at_key=True) for c in lesson.data.observed if c not in classes]
            out += [Finding(("data", "observed"), f"missing the column of output {c!r}") for c in classes if c not in lesson.data.observed]
        elif lesson.data.observed is not None and len(classes) != 1:
            out.append(Finding(("data", "observed"), f"the network has {len(classes)} outputs: give {{output: column}} for each"))
        if lesson.data.observed is not None and net.output != "identity":
            out.append(Finding(("data", "observed"), "observed columns are a regression's (output: identity); a classifier's rows have "
                        "their class in label_column", at_key=True))
        out += _table_problems("data", lesson.data, classes, inputs)
    for e, ex in lesson.examples.items():
        at = ("examples", e)
        given = ex.scaled if ex.scaled is not None else ex.raw
        if given is not None:
            which = "scaled" if ex.scaled is not None else "raw"
            for name in given:
                if name not in inputs:
                    out.append(Finding((*at, which, name), f"unknown input {name!r}{one_of(name, inputs, 'inputs')}", at_key=True))
            for name in inputs:
                if name not in given:
                    out.append(Finding((*at, which), f"missing a value for input {name!r}"))
            out += _observed_problems(at, ex, net, classes)
        elif lesson.data is None:
            out.append(Finding(at, "an example picked by row or where needs a data: section (file, columns, label_column)", at_key=True))
        elif net.output == "identity" and lesson.data.observed is None:
            out.append(Finding(at, "a regression's example picked by row or where needs its observed values from the data: "
                        "give data: observed: <column> (or {output: column})", at_key=True))
        elif ex.where is not None:
            allowed = [*_observed_columns(lesson.data, classes)] if net.output == "identity" else [lesson.data.label_column]
            allowed += list(lesson.data.columns.values())
            for column in ex.where:
                if column not in allowed:
                    out.append(Finding((*at, "where", column), f"filter on the label column or an input's column{one_of(column, allowed, 'columns')}", at_key=True))
    examples = list(lesson.examples)
    regression = net.output == "identity"
    for name, loss in lesson.losses.items():
        if regression and loss.loss == "cross_entropy":
            out.append(Finding(("losses", name, "loss"), "cross_entropy needs a classifier (output: softmax); this network's output is "
                        "identity (a regression): use squared_residuals or mse"))
        elif not regression and loss.loss == "mse":
            out.append(Finding(("losses", name, "loss"), "mse is a regression's loss (output: identity); for a classifier use "
                        "cross_entropy or squared_residuals"))
        for i, e in enumerate(loss.examples or []):
            if e not in lesson.examples:
                out.append(Finding(("losses", name, "examples", i), f"unknown example {e!r}{one_of(e, examples, 'examples')}"))
        if not loss.examples and not examples:
            out.append(Finding(("losses", name), "there are no examples to add up: add an examples: section", at_key=True))
    for section in ("gradients", "sweeps", "descents"):
        for name, spec in getattr(lesson, section).items():
            moved = spec.by if isinstance(spec.by, list) else [spec.by]
            for i, by in enumerate(moved):
                if by not in lesson.parameters:
                    where = (section, name, "by", i) if isinstance(spec.by, list) else (section, name, "by")
                    out.append(Finding(where, f"unknown parameter {by!r}{one_of(by, lesson.parameters, 'parameters')}"))
            if spec.of not in lesson.losses and spec.of not in lesson.define and not (section == "sweeps" and _output(spec.of, lesson)):
                extra = " or an example's output such as example.<name>.softmax.<class>" if section == "sweeps" else ""
                known = [*lesson.losses, *lesson.define]
                out.append(Finding((section, name, "of"), f"unknown loss {spec.of!r}{one_of(spec.of, known, 'losses and define: values')}{extra}"))
    known = computations.kinds(lesson)
    known.update(names.network_kinds(lesson) if lesson.example is not None else {})
    earlier: list[str] = [k for k in known if k not in lesson.define]
    for name, text in lesson.define.items():
        try:
            tree = expr.parse(text, sums=True)
        except expr.ParseError as exc:
            out.append(Finding(("define", name), f"{exc.message} (at character {exc.offset + 1})"))
            continue
        numbers = [k for k in earlier if known.get(k) == "number"]  # sums add numbers, not counts
        for prefix in expr.patterns(tree):
            if not expr.matching(prefix, numbers):
                out.append(Finding(("define", name), f"sum({prefix}.*) adds nothing: no value is named {prefix}.<something>"))
        for used in expr.names(tree):
            if used not in known:
                out.append(Finding(("define", name), f"unknown name {used!r}{one_of(used, sorted(known), 'names')}"))
            elif used in lesson.define and used not in earlier:
                out.append(Finding(("define", name), f"{used!r} is defined later (or is this value itself): define it first"))
            elif known[used] == "word":
                out.append(Finding(("define", name), f"{used!r} is a word, not a number"))
        earlier.append(name)
    return out


def _observed_columns(data, classes: list[str]) -> list[str]:  # noqa: ANN001
    """The columns holding a regression's observed values, in the outputs' order (as far as given)."""
    if isinstance(data.observed, dict):
        return [data.observed[c] for c in classes if c in data.observed]
    return [data.observed] if data.observed is not None else []


def _observed_problems(at: Where, ex, net, classes: list[str]) -> list[Finding]:  # noqa: ANN001
    """A given example's observed class (a classifier) or observed values (a regression)."""
    if net.output == "identity":
        if ex.label is not None:
            return [Finding((*at, "label"), "a regression (output: identity) has observed values, not a class: observed: <number>", at_key=True)]
        if ex.observed is None:
            return [Finding(at, "this example needs its observed value: observed: <number>"
                     + ("" if len(classes) == 1 else " per output, {output: number}"), at_key=True)]
        if isinstance(ex.observed, dict):
            out = [Finding((*at, "observed", c), f"unknown output {c!r}{one_of(c, classes, 'outputs')}", at_key=True) for c in ex.observed if c not in classes]
            out += [Finding((*at, "observed"), f"missing the observed value of output {c!r}") for c in classes if c not in ex.observed]
            return out
        if len(classes) != 1:
            return [Finding((*at, "observed"), f"the network has {len(classes)} outputs: give {{output: value}} for each")]
        return []
    if ex.observed is not None:
        return [Finding((*at, "observed"), "a classifier (output: softmax) has an observed class: label: <class>", at_key=True)]
    if ex.label is None:
        return [Finding(at, "this example needs its observed class: label: <class>", at_key=True)]
    if ex.label not in classes:
        return [Finding((*at, "label"), f"unknown class {ex.label!r}{one_of(ex.label, classes, 'classes')}")]
    return []


def _output(name: str, lesson: Lesson) -> bool:
    """Whether ``name`` is an example's output a sweep may follow: example.<e>.raw.<class> or .softmax.<class>."""
    parts = name.split(".")
    net = lesson.network
    return (net is not None and len(parts) == 4 and parts[0] == "example" and parts[1] in lesson.examples
            and parts[2] in (("raw", "predicted") if net.output == "identity" else ("raw", "softmax")) and parts[3] in [c.name for c in net.classes])


def no_network_problems(lesson: Lesson) -> list[Finding]:
    """A lesson without a network may not give what only a network uses."""
    return [Finding((section,), f"'{section}' needs a network: section to go through", at_key=True)
            for section in ("example", "training") if getattr(lesson, section) is not None]


def network_problems(lesson: Lesson) -> list[Finding]:
    """The network's shapes and names, the example's inputs and class, the training data's columns."""
    out: list[Finding] = []
    net = lesson.network
    assert net is not None
    inputs = [i.name for i in net.inputs]
    classes = [c.name for c in net.classes]
    for what, listed, base in (("input", inputs, "inputs"), ("class", classes, "classes")):
        seen: set[str] = set()
        for k, name in enumerate(listed):
            if name in seen:
                out.append(Finding(("network", base, k, "name"), f"{what} name {name!r} is used twice"))
            seen.add(name)
    width = len(inputs)
    for k, layer in enumerate(net.layers):
        at = ("network", "layers", k)
        last = k == len(net.layers) - 1
        if len(layer.bias) != len(layer.weights):
            out.append(Finding((*at, "bias"), f"layer {k + 1} has {len(layer.weights)} weight rows but {len(layer.bias)} biases"))
        for r, row in enumerate(layer.weights):
            if len(row) != width:
                feeds = f"{width} inputs" if k == 0 else f"the {width} nodes of layer {k}"
                out.append(Finding((*at, "weights", r), f"layer {k + 1} row {r + 1} has {len(row)} weights; it takes {feeds}"))
        if last and len(layer.weights) != len(classes):
            out.append(Finding((*at, "weights"), f"the last layer has {len(layer.weights)} nodes but there are {len(classes)} classes"))
        if layer.nodes is not None:
            if len(layer.nodes) != len(layer.weights):
                out.append(Finding((*at, "nodes"), f"{len(layer.nodes)} node names for {len(layer.weights)} nodes"))
            for n, node in enumerate(layer.nodes):
                if layer.nodes.index(node) != n:
                    out.append(Finding((*at, "nodes", n), f"node name {node!r} is used twice"))
        width = len(layer.weights)
    ex = lesson.example
    if ex is None:
        return [*out, Finding(("network",), "a lesson with a network needs an example: section (the numbers it shows are that example's)", at_key=True)]
    given = ex.scaled if ex.scaled is not None else ex.raw
    which = "scaled" if ex.scaled is not None else "raw"
    for name in given or {}:
        if name not in inputs:
            out.append(Finding(("example", which, name), f"unknown input {name!r}{one_of(name, inputs, 'inputs')}", at_key=True))
    for name in inputs:
        if name not in (given or {}):
            out.append(Finding(("example", which), f"missing a value for input {name!r}"))
    if ex.label is not None and ex.label not in classes:
        out.append(Finding(("example", "label"), f"unknown class {ex.label!r}{one_of(ex.label, classes, 'classes')}"))
    if net.output == "identity" and ex.label is not None:
        out.append(Finding(("example", "label"), "a regression (output: identity) has observed values, not a class: observed: <number>", at_key=True))
    if net.output == "softmax" and ex.observed is not None:
        out.append(Finding(("example", "observed"), "a classifier (output: softmax) has an observed class: label: <class>", at_key=True))
    if net.output == "identity" and lesson.training is not None:
        out.append(Finding(("training",), "training: trains classifiers (output: softmax); this network is a regression", at_key=True))
    if lesson.training is not None:
        out += _table_problems("training", lesson.training, classes, inputs)
    return out


def _table_problems(section: str, spec: Any, classes: list[str], inputs: list[str]) -> list[Finding]:
    """A CSV section's (``data:``, ``training:``) label map and columns against the network's classes and inputs."""
    out = [Finding((section, "labels", label), f"unknown class {cls!r}{one_of(cls, classes, 'classes')}")
           for label, cls in spec.labels.items() if cls not in classes]
    out += [Finding((section, "columns", name), f"unknown input {name!r}{one_of(name, inputs, 'inputs')}", at_key=True)
            for name in spec.columns if name not in inputs]
    out += [Finding((section, "columns"), f"missing the CSV column for input {name!r}") for name in inputs if name not in spec.columns]
    return out
