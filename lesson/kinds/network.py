"""``network``: the script's network drawn node by node, with the example's values travelling through it.

Options: ``values`` (the example's values travel through; false: the structure alone), ``show`` (weights on the
edges, hidden nodes' names, each layer's activation, each node's bias), and ``highlight``: nodes, edges, weights or
biases picked out at a cue of the narration. Nodes and weights are named as in placeholders and the script (see
:func:`parse_node`, :func:`parse_weight`); a weight or bias may also be named by its name in ``parameters:``.

The weights and biases drawn are the ones the lesson computes with: a parameter's ``value:`` replaces the
network's own (the math core's network, :func:`lesson.numbers.computed.network`, gives ``ctx.numbers``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field

from lesson.base.errors import Finding
from lesson.base import truth
from lesson.kinds import Context, StepKind
from lesson.script import limits
from lesson.script.parts import StepBase, Strict
from lesson.base.shown import MINUS, short
from lesson.script.names import hidden_node_keys
from lesson.base.hints import one_of
from lesson.script.computations import parameter_index
from lesson.kinds.cues import cue_problem
from lesson.kinds.cues import narration_cues

SHOWABLE = ("weights", "names", "activations", "biases")
TARGETS = ("node", "edge", "weight", "bias", "parameter")

NODE_HELP = "input.<input>, hidden.<layer>.<node> or output.<class> (a name or a number from 1)"
EDGE = re.compile(r"\s*(\S+?)\s*->\s*(\S+?)\s*")
WEIGHT = re.compile(r"w\[(\d+)\]\[(\d+)\]\[(\d+)\]")


class Highlight(Strict):
    """One thing picked out: a node, an edge, a weight, a bias or a named parameter (give one), at a cue."""

    node: str | None = Field(None, max_length=60, description="input.<input>, hidden.<layer>.<node> or output.<class>")
    edge: str | None = Field(None, max_length=120, description="'<node> -> <node>' between neighbouring columns")
    weight: str | None = Field(None, max_length=30, description="w[layer][row][column], counted from 1 as in the script")
    bias: str | None = Field(None, max_length=60, description="the bias of a node: hidden.<layer>.<node> or output.<class>")
    parameter: str | None = Field(None, max_length=40, description="a weight or bias by its name in parameters:")
    cue: str | None = Field(
        None, max_length=80, description="when: a placeholder spoken in the narration or sentence.N (default: at the start)"
    )


class NetworkStep(StepBase):
    kind: Literal["network"]
    values: bool = Field(True, description="the example's values travel through the network (false: the structure alone)")
    show: list[Literal[SHOWABLE]] = Field(  # type: ignore[valid-type]
        [], max_length=4,
        description="also draw: weights (on the edges), names (of hidden nodes), activations (under each layer), biases (under each node)",
    )
    highlight: list[Highlight] = Field([], max_length=12, description="nodes, edges, weights, biases or parameters picked out at cues")
    examples: list[Annotated[str, Field(max_length=limits.KEY_CHARS)]] | None = Field(
        None, min_length=1, max_length=8,
        description="examples of examples: that go through the network one after another (instead of the lesson's example); "
                    "each value appears as the voice says it (example.<e>.hidden.1.top, example.<e>.raw.<class>, ...)")


# ---------------------------------------------------------------- naming nodes and weights


def _columns(lesson: Any) -> list[list[str]]:
    """The names a node of each column may be called by (besides its number): inputs, hidden layers, classes."""
    net = lesson.network
    cols = [[i.name for i in net.inputs]]
    for layer in net.layers[:-1]:
        cols.append(list(layer.nodes) if layer.nodes else [""] * len(layer.weights))
    cols.append([c.name for c in net.classes])
    return cols


def parse_node(text: str, lesson: Any) -> tuple[int, int]:
    """``input.<input>``, ``hidden.<layer>.<node>`` or ``output.<class>`` (a name, or a number from 1) as (column,
    node index), column 0 being the inputs; ValueError with the reason otherwise."""
    cols = _columns(lesson)
    parts = text.strip().split(".")
    if parts[0] == "input" and len(parts) == 2:
        column, name = 0, parts[1]
    elif parts[0] == "output" and len(parts) == 2:
        column, name = len(cols) - 1, parts[1]
    elif parts[0] == "hidden" and len(parts) == 3:
        hidden = len(cols) - 2
        if not hidden:
            raise ValueError(f"{text!r}: this network has no hidden layer")
        if not (parts[1].isdigit() and 1 <= int(parts[1]) <= hidden):
            raise ValueError(f"{text!r}: the hidden layer is a number from 1 to {hidden}")
        column, name = int(parts[1]), parts[2]
    else:
        raise ValueError(f"{text!r} is not a node; write {NODE_HELP}")
    names = cols[column]
    if name.isdigit():
        if 1 <= int(name) <= len(names):
            return column, int(name) - 1
        raise ValueError(f"{text!r}: that column has nodes 1 to {len(names)}")
    if name in names:
        return column, names.index(name)

    what = {0: "inputs", len(cols) - 1: "classes"}.get(column, "nodes")
    known = [n for n in names if n]
    hint = one_of(name, known, what) if known else f" (the nodes of hidden layer {column} have no names: use 1 to {len(names)})"
    raise ValueError(f"{text!r}: no node {name!r}{hint}")


def parse_edge(text: str, lesson: Any) -> tuple[int, int, int]:
    """``'<node> -> <node>'`` as (column of its end, index of its start node, index of its end node)."""
    m = EDGE.fullmatch(text)
    if m is None:
        raise ValueError(f"{text!r} is not an edge; write '<node> -> <node>', e.g. 'input.1 -> hidden.1.2'")
    (a_col, a), (b_col, b) = parse_node(m.group(1), lesson), parse_node(m.group(2), lesson)
    if b_col != a_col + 1:
        raise ValueError(f"{text!r}: an edge joins a node to one in the next column (input → hidden → output)")
    return b_col, a, b


def parse_weight(text: str, lesson: Any) -> tuple[int, int, int]:
    """``w[L][R][C]``: layer L's weight in row R, column C of the script (from 1): the edge into node R of layer L
    from node C below it. As (column of the edge's end, start node index, end node index)."""
    m = WEIGHT.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a weight; write w[layer][row][column], counted from 1 as in the script, e.g. w[1][2][1]")
    layer, row, col = (int(g) for g in m.groups())
    layers = lesson.network.layers
    if not 1 <= layer <= len(layers):
        raise ValueError(f"{text!r}: the layer is a number from 1 to {len(layers)}")
    weights = layers[layer - 1].weights
    if not 1 <= row <= len(weights):
        raise ValueError(f"{text!r}: layer {layer} has weight rows 1 to {len(weights)}")
    if not 1 <= col <= len(weights[row - 1]):
        raise ValueError(f"{text!r}: layer {layer} row {row} has columns 1 to {len(weights[row - 1])}")
    return layer, col - 1, row - 1


def parse_bias(text: str, lesson: Any) -> tuple[int, int]:
    """The bias of ``hidden.<layer>.<node>`` or ``output.<class>`` as (column, node index)."""
    column, n = parse_node(text, lesson)
    if column == 0:
        raise ValueError(f"{text!r}: an input has no bias; name a node of a hidden layer or an output")
    return column, n


def parse_parameter(name: str, lesson: Any) -> dict:
    """A weight or bias named in ``parameters:``, as a highlight's target; ValueError if there is no such name.
    (A parameter that names no weight or bias of the network is reported at ``parameters:``.)"""
    if name not in lesson.parameters:
        hint = one_of(name, list(lesson.parameters), "parameters") if lesson.parameters else " (the lesson has no parameters: section)"
        raise ValueError(f"no parameter {name!r}{hint}")
    index, _ = parameter_index(lesson, lesson.parameters[name])
    if index is None:
        return {}
    layer, kind, row, col = index
    return {"bias": [layer + 1, row]} if kind == "bias" else {"weight": [layer + 1, col, row]}


def _target(h: Highlight, lesson: Any) -> dict:
    if h.node is not None:
        return {"node": list(parse_node(h.node, lesson))}
    if h.edge is not None:
        return {"edge": list(parse_edge(h.edge, lesson))}
    if h.bias is not None:
        return {"bias": list(parse_bias(h.bias, lesson))}
    if h.parameter is not None:
        return parse_parameter(h.parameter, lesson)
    assert h.weight is not None
    return {"weight": list(parse_weight(h.weight, lesson))}


def _bias_names(lesson: Any) -> dict[tuple[int, int], str]:
    """(column, node) -> the name ``parameters:`` gives that node's bias."""
    out = {}
    for name in lesson.parameters:
        target = parse_parameter(name, lesson)
        if "bias" in target:
            out.setdefault(tuple(target["bias"]), name)
    return out


def check(step: Any, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    lesson = ctx.lesson
    for i, h in enumerate(step.highlight):
        given = [k for k in TARGETS if getattr(h, k) is not None]
        if len(given) != 1:
            one = "give one of node, edge, weight, bias or parameter"
            why = one if not given else f"{one}, not {' and '.join(given)}"
            out.append(Finding(("highlight", i), f"highlight {i + 1}: {why}"))
            continue
        try:
            _target(h, lesson)
        except ValueError as exc:
            out.append(Finding(("highlight", i, given[0]), f"highlight {i + 1}: {exc}"))
        if h.cue is not None and (why := cue_problem(h.cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding(("highlight", i, "cue"), f"highlight {i + 1}: {why}"))
    for i, e in enumerate(step.examples or []):
        if e not in lesson.examples:
            out.append(Finding(("examples", i), f"unknown example {e!r}{one_of(e, lesson.examples, 'examples')}"))
        elif step.examples.index(e) != i:
            out.append(Finding(("examples", i), f"{e!r} is listed twice"))
    if step.examples and not step.values:
        out.append(Finding(("examples",), "examples go through the network with their values: leave values: false out"))
    for i, what in enumerate(step.show):
        if step.show.index(what) != i:
            out.append(Finding(("show", i), f"{what!r} is listed twice"))
        elif what == "names" and not any(layer.nodes for layer in lesson.network.layers[:-1]):
            out.append(Finding(("show", i), "'names' draws the hidden nodes' names, and none has one: give a hidden layer "
                        "nodes: [...] in the network, or leave 'names' out"))
    return out


# ---------------------------------------------------------------- the plan


def _node_equation(ctx: Context, weights: Sequence[float], inputs: Sequence[str], bias: float, total: str) -> dict:
    """A node's weighted sum over the quantities below it (``inputs``), each at its form in the lesson (more
    decimals where the sum needs them to come out right); ``total`` is the sum's quantity."""
    expression = " + ".join(f"{truth.typed(w)}*{n}" for w, n in zip(weights, inputs)) + f" + {truth.typed(bias)}"
    shown = ctx.show(expression, float(ctx.values[total]), result_name=total)
    texts = {o.name: o.text.replace("-", MINUS) for o in shown.operands}
    return {
        "terms": [(short(w), texts[n]) for w, n in zip(weights, inputs)],
        "bias": short(bias),
        "total": shown.result.replace("-", MINUS),
        "relation": shown.relation,
    }


def _activation(ctx: Context, activation: str, total: str, value: str) -> dict:
    """``act(total) = value`` as shown: ReLU and the identity keep the shown digits; others are checked."""
    if total == value or (activation in ("relu", "identity") and ctx.places(total) == ctx.places(value)):
        return {"act_input": ctx.number(total), "act_relation": "=", "value": ctx.number(value)}
    shown = ctx.show(f"{activation}({total})", float(ctx.values[value]), result_name=value)
    return {"act_input": shown.operands[0].text.replace("-", MINUS), "act_relation": shown.relation,
            "value": shown.result.replace("-", MINUS)}


def _node_cues(layer: int, n_nodes: int, names: Sequence[str] | None, n: int) -> list[str]:
    """A hidden node's value placeholders, then its weighted sum's (``sum.<layer>.<node>``)."""
    keys = hidden_node_keys(layer, n_nodes, list(names) if names else None)[n]
    return keys + [k.replace("hidden.", "sum.", 1) for k in keys]


def _predicted_cues(nums: Any, n: int) -> list[str]:
    """A regression's output node also appears as the voice says its prediction (predicted.<output>, predicted)."""
    if not nums.regression:
        return []
    return [f"predicted.{nums.classes[n]}", *(["predicted"] if len(nums.classes) == 1 else [])]


def _events(layers: list[dict], inputs: list[dict], groups: list[dict], cues: dict[str, int], values: bool) -> list[dict]:
    """The order in which the scene shows things: the example's inputs, each node's sum in turn, and each group of
    highlights where its cue falls among them (before the first of them that is not spoken earlier)."""
    flow: list[tuple[int, dict]] = []
    if values:
        at = -1

        def when(names: list[str]) -> int:
            nonlocal at
            spoken = [cues[n] for n in names if n in cues]
            at = max(at, min(spoken)) if spoken else at
            return at

        flow.append((when([c for spec in inputs for c in spec["cues"]]), {"kind": "inputs"}))
        for k, layer in enumerate(layers):
            for n, node in enumerate(layer["nodes"]):
                flow.append((when(node["cues"]), {"kind": "node", "layer": k, "node": n}))
    marks = [(cues.get(g["cues"][0], -1) if g["cues"] else -1, {"kind": "highlight", "group": g_index})
             for g_index, g in enumerate(groups)]
    marks.sort(key=lambda m: m[0])
    out: list[dict] = []
    for position, event in flow:
        while marks and marks[0][0] <= position:
            out.append(marks.pop(0)[1])
        out.append(event)
    return out + [m[1] for m in marks]


def build(step: Any, ctx: Context) -> dict:
    if not step.examples:
        return _build(step, ctx, "")
    # examples one after another: the first's pass is the step's own, the others follow it
    first, *rest = step.examples
    out = _build(step, ctx, f"example.{first}.")
    passes = []
    for e in rest:
        data = _build(step, ctx, f"example.{e}.", first=False)
        passes.append({k: data[k] for k in ("inputs", "layers", "raw", "events")})
    out["passes"] = passes
    return out


def _build(step: Any, ctx: Context, prefix: str, first: bool = True) -> dict:
    """The plan for one example going through: ``prefix`` starts its quantities' names ("" for the lesson's example,
    ``example.<e>.`` for a named one, whose inputs, hidden nodes and outputs are placeholders too). An example after
    the ``first`` shows its nodes' values alone (its sums are worked out as the first's were), and no highlights."""
    nums, d, values = ctx.numbers, ctx.decimals, ctx.values
    say = ctx.words()
    bias_names = _bias_names(ctx.lesson)
    layers = []
    below = [f"{prefix}input.{i.name}" for i in nums.inputs]
    for k, layer in enumerate(nums.layers):
        nodes = []
        last = k == len(nums.layers) - 1
        here = [f"{prefix}raw.{c}" for c in nums.classes] if last else [f"{prefix}hidden.{k + 1}.{n + 1}" for n in range(len(layer.weights))]
        for n, (row, b) in enumerate(zip(layer.weights, layer.bias)):
            total = here[n] if last else f"{prefix}sum.{k + 1}.{n + 1}"
            worked = {**_node_equation(ctx, row, below, b, total), **_activation(ctx, layer.activation, total, here[n])} if first \
                else {"value": ctx.number(here[n])}
            nodes.append(
                {
                    **worked,
                    "name": layer.node_names[n] if layer.node_names else "",
                    # the bias as drawn beside its node: its value, after its name in parameters: if it has one
                    "bias_label": f"{bias_names[(k + 1, n)]} = {short(b)}" if (k + 1, n) in bias_names else short(b),
                    # the placeholders whose value this node shows: the moment the voice says one, it appears
                    "cues": [prefix + c for c in ([f"raw.{nums.classes[n]}", *_predicted_cues(nums, n)] if last
                                                  else _node_cues(k + 1, len(layer.weights), layer.node_names, n))],
                }
            )
        layers.append(
            {
                "activation": layer.activation,
                "activation_name": say(f"activation_{layer.activation}"),
                "weights": [[short(w) for w in row] for row in layer.weights],
                "nodes": nodes,
                "output": k == len(nums.layers) - 1,
            }
        )
        below = here
    inputs = [
        {
            "label": i.label,
            "unit": i.unit,
            "scaled": ctx.number(f"{prefix}input.{i.name}"),
            # as typed when the script gives the example's raw inputs (118 bpm, 39.2 °C), else worked out from the
            # scaled ones and rounded at its form
            "raw": ctx.number(f"{prefix}raw_input.{i.name}"),
            "cues": [f"{prefix}input.{i.name}", f"{prefix}raw_input.{i.name}"],
        }
        for i in nums.inputs
    ]
    # highlights with the same cue are one group: shown together, kept until the next group
    by_cue: dict[str, dict] = {}
    for h in step.highlight if first else ():
        group = by_cue.setdefault(h.cue or "", {"cues": [h.cue] if h.cue else [], "items": []})
        group["items"].append(_target(h, ctx.lesson))
    groups = list(by_cue.values())
    cues = narration_cues(step.narration, values, d, ctx.forms, ctx.typed)
    return {
        "inputs": inputs,
        "layers": layers,
        "raw": [ctx.number(f"{prefix}raw.{c}") for c in nums.classes],
        "values": step.values,
        "show": {what: what in step.show for what in SHOWABLE},
        "highlights": groups,
        "events": _events(layers, inputs, groups, cues, step.values),
    }


KINDS = (
    StepKind("network", NetworkStep, build, "scenes.network:NetworkScene",
             "any network, node by node: the example's values travel through it; weights, names, activations, biases and "
             "highlights (of nodes, edges, weights, biases, named parameters) on request", check=check, code=("lesson.kinds.cues",), needs_network=True),
)
