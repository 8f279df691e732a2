"""The script's computations beyond the one example: named parameters, several examples, losses, gradients,
sweeps, gradient descent and derived values (``parameters:``, ``data:``, ``examples:``, ``losses:``,
``gradients:``, ``sweeps:``, ``descents:``, ``define:``).

The models (validated by pydantic), the checks that need the whole script (names that must exist, at
FILE:LINE:COL) and the placeholder names they add are here; the numbers are computed by
:mod:`lesson.numbers.computed` with the math core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from lesson.base import expr
from lesson.script import limits
from lesson.script.parts import Finite, Identifier, NodeName, Strict, Weight
from lesson.base.hints import one_of

if TYPE_CHECKING:
    from lesson.script.model import Lesson

Kind = Literal["number", "integer", "word"]
Where = tuple  # a path below the script's top level
LOSS_NAMES = ("cross_entropy", "squared_residuals", "mse")
DataField = Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)]
Node = Annotated[int | NodeName, Field(description="a node: its number from 1, a class name (output layer), a node's name (hidden layer) or an input's name")]
# the dotless placeholder names, and the first parts of the dotted ones, that a name given in the script may not take
RESERVED = frozenset({
    "prediction", "predicted", "residual", "exp_sum", "softmax_sum", "n_classes", "observed", "p_observed", "cross_entropy", "input", "raw_input",
    "hidden", "sum", "raw", "argmax", "softmax", "exp", "threshold", "label", "jacobian", "trained", "example", "parameters",
    "sentence", "data", "training", *expr.FUNCTIONS,
})
STEP_FIELDS = ("value", "loss", "gradient", "step", "new_value")


class ParameterSpec(Strict):
    """One weight or bias of the network, by layer (from 1) and node."""

    layer: Annotated[int, Field(ge=1, le=3, description="the layer, from 1 (the first layer after the inputs)")]
    bias: Node | None = Field(None, description="the bias of this node of the layer")
    weight: tuple[Node, Node] | None = Field(None, description="[node, node below]: the weight into the node from the node (or input) below")
    value: Weight | None = Field(
        None, description="a value replacing the network's own for every number the lesson shows")

    @model_validator(mode="after")
    def _one_of(self) -> ParameterSpec:
        if (self.bias is None) == (self.weight is None):
            raise ValueError("name either a bias (bias: node) or a weight (weight: [node, node below])")
        return self


class DataSource(Strict):
    """The data set examples are picked from."""

    file: Annotated[str, Field(min_length=1, max_length=limits.PATH_CHARS)] = Field(
        "iris", description="'iris' (shipped) or a CSV file inside the lesson script's folder")
    columns: dict[str, DataField] = Field(description="input name -> column holding its raw value")
    label_column: DataField = "species"
    observed: DataField | dict[str, DataField] | None = Field(
        None, description="a regression's observed values: the column (one output), or {output: column}; then label_column is not read")
    labels: dict[DataField, Identifier] = Field(
        default_factory=dict, description="the data's labels -> the network's classes, e.g. {Adelie: adelie} (labels equal to a class need none)")


class ExampleSpec(Strict):
    """A named example: its inputs ``scaled`` or ``raw`` with its observed ``label``, or a row of ``data:`` picked by
    ``row`` (its number, from 1) or ``where`` (the ``nth`` row whose columns hold these values)."""

    scaled: dict[str, Finite] | None = None
    raw: dict[str, Finite] | None = None
    label: str | None = Field(None, description="the observed class (given with scaled or raw), for a classifier")
    observed: Finite | dict[str, Finite] | None = Field(
        None, description="a regression's observed value (one output), or {output: value} (given with scaled or raw)")
    row: Annotated[int, Field(ge=1, le=limits.DATA_ROWS)] | None = Field(None, description="a row of data:, from 1")
    where: dict[str, DataField | float] | None = Field(None, description="{column: value}: the first (or nth) row that holds these values")
    nth: Annotated[int, Field(ge=1, le=limits.DATA_ROWS)] = 1

    @model_validator(mode="after")
    def _one_of(self) -> ExampleSpec:
        given = [k for k in ("scaled", "raw", "row", "where") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give the example as scaled or raw inputs (with label), or as a row of data: (row or where)"
                             + (f"; not {' and '.join(given)}" if given else ""))
        if self.label is not None and given[0] in ("row", "where"):
            raise ValueError("a row of data: has its label in the data's label column; leave label out")
        if self.observed is not None and given[0] in ("row", "where"):
            raise ValueError("a row of data: has its observed values in the data's columns (data: observed); leave observed out")
        if self.label is not None and self.observed is not None:
            raise ValueError("give label (a classifier's observed class) or observed (a regression's observed values), not both")
        if self.nth != 1 and self.where is None:
            raise ValueError("nth counts the rows that match where:")
        return self


class LossSpec(Strict):
    loss: Literal[LOSS_NAMES] = Field("cross_entropy", description="cross_entropy (−log p of the observed class, a classifier), "  # type: ignore[valid-type]
                                      "squared_residuals (a classifier: the sum over the classes of (observed − p)², observed 1 or 0; "
                                      "a regression: the sum of squared residuals (observed − predicted)²) or mse (a regression: "
                                      "the mean squared error, each example's share its squared residuals / count)")
    examples: list[Identifier] | None = Field(None, min_length=1, max_length=limits.EXAMPLES_MAX,
                                              description="the examples it adds up (default: all of them)")


class GradientSpec(Strict):
    of: Identifier = Field(description="a loss of losses:, or a value of define:")
    by: Identifier = Field(description="a parameter of parameters:")


class SweepSpec(Strict):
    of: Annotated[str, Field(max_length=limits.KEY_CHARS)] = Field(
        description="a loss of losses:, a value of define:, or an output of one example such as example.flower.softmax.setosa")
    by: Identifier = Field(description="a parameter of parameters:")
    range: tuple[Finite, Finite] = Field(description="[low, high] of the parameter")

    @model_validator(mode="after")
    def _increases(self) -> SweepSpec:
        if not self.range[0] < self.range[1]:
            raise ValueError(f"range must be [low, high] with low < high, got {list(self.range)}")
        return self


class DescentSpec(Strict):
    of: Identifier = Field(description="a loss of losses:, or a value of define:")
    by: Identifier | Annotated[list[Identifier], Field(min_length=1, max_length=limits.DESCENT_PARAMETERS)] = Field(
        description="a parameter of parameters:, or a list of them moved together")
    start: Finite | Annotated[list[Finite], Field(min_length=1, max_length=limits.DESCENT_PARAMETERS)] | None = Field(
        None, description="the parameter's first value, or one per parameter (default: its value in the network)")
    learning_rate: Annotated[float, Field(gt=0, le=limits.LEARNING_RATE_MAX)]
    steps: Annotated[int, Field(ge=1, le=limits.DESCENT_STEPS_MAX)] | None = Field(None, description="take this many steps")
    until: Annotated[float, Field(gt=0, le=1)] | None = Field(None, description="or stop after the first step smaller than this")

    @model_validator(mode="after")
    def _how_long(self) -> DescentSpec:
        if self.steps is None and self.until is None:
            raise ValueError("say how long to descend: steps (a number of steps), until (a step size to stop below), or both")
        if isinstance(self.by, list) and len(set(self.by)) != len(self.by):
            raise ValueError("each parameter of by: once")
        if self.start is not None and isinstance(self.start, list) != isinstance(self.by, list):
            raise ValueError("start: one value for one parameter, a list of values for a list of parameters")
        if isinstance(self.start, list) and isinstance(self.by, list) and len(self.start) != len(self.by):
            raise ValueError(f"start: give one value per parameter of by: ({len(self.by)})")
        return self

    @property
    def moved(self) -> list[str]:
        """The parameters it moves, in order."""
        return list(self.by) if isinstance(self.by, list) else [self.by]

    @property
    def several(self) -> bool:
        return isinstance(self.by, list)


Definition = Annotated[str, Field(min_length=1, max_length=expr.MAX_LENGTH)]


def listed_steps(spec: DescentSpec) -> list[str]:
    """The step numbers of a descent that have placeholders: 1..steps (at most DESCENT_LISTED), then 'last'."""
    count = min(spec.steps or limits.DESCENT_LISTED, limits.DESCENT_LISTED)
    return [str(n) for n in range(1, count + 1)] + ["last"]


def uses_computations(lesson: Lesson) -> bool:
    return any(getattr(lesson, k) for k in ("parameters", "examples", "losses", "gradients", "sweeps", "descents", "define"))


def kinds(lesson: Lesson) -> dict[str, Kind]:
    """The placeholder names the computations add (names known from the script alone)."""
    out: dict[str, Kind] = {}
    net = lesson.network
    if net is None:
        return out
    out.update(dict.fromkeys(("parameters.weights", "parameters.biases", "parameters.total"), "integer"))
    classes = [c.name for c in net.classes]
    for name in lesson.parameters:
        out[name] = "number"
    if lesson.data is not None:
        out["data.rows"] = "integer"
        if net.output == "softmax":
            out.update({f"data.count.{c}": "integer" for c in classes})
    for e, spec in lesson.examples.items():
        at = f"example.{e}."
        for i in net.inputs:
            out[f"{at}input.{i.name}"] = out[f"{at}raw_input.{i.name}"] = "number"
        for k, layer in enumerate(net.layers[:-1], start=1):  # its hidden nodes' values and weighted sums
            for n in range(len(layer.weights) if layer.weights is not None else 0):
                for key in [f"{k}.{n + 1}", *([f"{k}.{layer.nodes[n]}"] if layer.nodes and n < len(layer.nodes) else [])]:
                    out[f"{at}hidden.{key}"] = out[f"{at}sum.{key}"] = "number"
        if net.output == "identity":
            for c in classes:
                out.update(dict.fromkeys((f"{at}raw.{c}", f"{at}predicted.{c}", f"{at}observed.{c}", f"{at}residual.{c}"), "number"))
            if len(classes) == 1:
                out.update(dict.fromkeys((f"{at}predicted", f"{at}observed", f"{at}residual"), "number"))
            out[f"{at}squared_residuals"] = "number"
        else:
            for c in classes:
                out.update(dict.fromkeys((f"{at}raw.{c}", f"{at}softmax.{c}", f"{at}exp.{c}"), "number"))
            out.update({f"{at}prediction": "word", f"{at}observed": "word", f"{at}p_observed": "number",
                        f"{at}cross_entropy": "number", f"{at}squared_residuals": "number"})
        if spec.row is not None or spec.where is not None:
            out[f"{at}row"] = "integer"
    for name, loss in lesson.losses.items():
        out[name] = "number"
        out[f"{name}.count"] = "integer"
        for e in loss.examples or list(lesson.examples):
            out[f"{name}.{e}"] = "number"
    for name, g in lesson.gradients.items():
        out[name] = "number"
        loss = lesson.losses.get(g.of)
        for e in (loss.examples or list(lesson.examples)) if loss else []:
            out[f"{name}.{e}"] = "number"
            for c in classes:  # the chain rule's factors: d loss / d output, d output / d parameter
                out[f"{name}.{e}.d_loss.{c}"] = out[f"{name}.{e}.d_output.{c}"] = "number"
            if len(classes) == 1:
                out[f"{name}.{e}.d_loss"] = out[f"{name}.{e}.d_output"] = "number"
    for name in lesson.sweeps:
        out[f"{name}.min"] = out[f"{name}.argmin"] = "number"
    for name, d in lesson.descents.items():
        out.update({f"{name}.learning_rate": "number", f"{name}.final_loss": "number", f"{name}.steps": "integer"})
        if d.several:
            for p in d.moved:
                out[f"{name}.start.{p}"] = out[f"{name}.final.{p}"] = "number"
            for n in listed_steps(d):
                out[f"{name}.{n}.loss"] = "number"
                out.update(dict.fromkeys((f"{name}.{n}.{f}.{p}" for f in STEP_FIELDS if f != "loss" for p in d.moved), "number"))
            continue
        out.update({f"{name}.start": "number", f"{name}.final": "number"})
        for n in listed_steps(d):
            out.update(dict.fromkeys((f"{name}.{n}.{f}" for f in STEP_FIELDS), "number"))
    for name in lesson.define:
        out[name] = "number"
    return out


def _node(node: int | str, names: list[str], what: str) -> tuple[int | None, str | None]:
    """A node given by number (from 1) or name: its index, or why not."""
    if isinstance(node, int):
        if 1 <= node <= len(names):
            return node - 1, None
        return None, f"{what} has {len(names)} nodes; {node} is not one of 1..{len(names)}"
    if node in names:
        return names.index(node), None

    return None, f"{what} has no node {node!r}{one_of(node, names, 'nodes')}"


def parameter_index(lesson: Lesson, spec: ParameterSpec) -> tuple[tuple[int, str, int, int] | None, list[tuple[Where, str]]]:
    """``(layer, kind, row, column)`` counted from 0, or the problems (with their place below the parameter)."""
    net = lesson.network
    assert net is not None
    if spec.layer > len(net.layers):
        return None, [(("layer",), f"the network has {len(net.layers)} layers; there is no layer {spec.layer}")]
    k = spec.layer - 1
    layer = net.layers[k]
    last = k == len(net.layers) - 1
    rows = [c.name for c in net.classes] if last else list(layer.nodes or [str(n + 1) for n in range(len(layer.weights))])
    if k == 0:
        below = [i.name for i in net.inputs]
    else:
        prev = net.layers[k - 1]
        below = list(prev.nodes or [str(n + 1) for n in range(len(prev.weights))])
    what = f"layer {spec.layer}" + (" (the outputs)" if last else "")
    if spec.bias is not None:
        row, why = _node(spec.bias, rows, what)
        return ((k, "bias", row, 0), []) if why is None else (None, [(("bias",), why)])
    assert spec.weight is not None
    row, why = _node(spec.weight[0], rows, what)
    col, why2 = _node(spec.weight[1], below, "the inputs" if k == 0 else f"layer {spec.layer - 1}")
    problems = [(("weight", 0), why)] if why else []
    problems += [(("weight", 1), why2)] if why2 else []
    return ((k, "weight", row, col), []) if not problems else (None, problems)  # type: ignore[return-value]
