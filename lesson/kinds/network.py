"""``network``: the script's network drawn node by node, with the example's values travelling through it.

Options: ``values`` (the example's values travel through; false: the structure alone), ``show`` (weights on the
edges, hidden nodes' names, each layer's activation, each node's bias), and ``highlight``: nodes, edges, weights or
biases picked out at a cue of the narration. Nodes and weights are named as in placeholders and the script (see
:func:`parse_node`, :func:`parse_weight`); a weight or bias may also be named by its name in ``parameters:``.

The weights and biases drawn are the ones the lesson computes with: a parameter's ``value:`` replaces the
network's own (the math core's network, :func:`lesson.numbers.computed.network`, gives ``ctx.numbers``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field

from lesson.base.errors import Finding
from lesson.base import truth
from lesson.kinds import Context, StepKind
from lesson.script import limits
from lesson.script.parts import StepBase, Strict, template
from lesson.base.shown import MINUS, PlanError, short
from lesson.script.names import hidden_node_keys
from lesson.base.hints import one_of
from lesson.script.computations import parameter_index
from lesson.kinds.cues import cue_problem
from lesson.kinds import highlights
from mathcore.functions import sample
from lesson.kinds.cues import SENTENCE, narration_cues, named_words
from lesson.kinds.table import panel
from lesson.base.record import DRAWN, Record

SHOWABLE = ("weights", "names", "activations", "biases")
TARGETS = ("node", "edge", "weight", "bias", "parameter", "path")

NODE_HELP = "input.<input>, hidden.<layer>.<node> or output.<class> (a name or a number from 1)"
EDGE = re.compile(r"\s*(\S+?)\s*->\s*(\S+?)\s*")
PATH_HELP = ("'<node> -> <node> -> ...', each node in the column next to the one before (it may start at a bias by its "
             "name in parameters:), e.g. 'b3 -> output.setosa' or 'input.dosage -> hidden.1.top -> output.efficacy'")
WEIGHT = re.compile(r"w\[(\d+)\]\[(\d+)\]\[(\d+)\]")


class Highlight(Strict):
    """One thing picked out: a node, an edge, a weight, a bias or a named parameter (give one), at a cue."""

    node: str | None = Field(None, max_length=60, description="input.<input>, hidden.<layer>.<node> or output.<class>")
    edge: str | None = Field(None, max_length=120, description="'<node> -> <node>' between neighbouring columns")
    weight: str | None = Field(None, max_length=30, description="w[layer][row][column], counted from 1 as in the script")
    bias: str | None = Field(None, max_length=60, description="the bias of a node: hidden.<layer>.<node> or output.<class>")
    parameter: str | None = Field(None, max_length=40, description="a weight or bias by its name in parameters:")
    path: str | None = Field(
        None, max_length=300,
        description="a path through the network, '<node> -> <node> -> ...' (it may start at a bias by its name in parameters:), "
                    "lit link by link",
    )
    factors: list[template(limits.CELL_CHARS)] | None = Field(  # type: ignore[valid-type]
        None, min_length=1, max_length=8,
        description="with path: one text per link of the path, written at its edge as the path is lit (a chain rule's factors)",
    )
    cue: str | None = Field(
        None, max_length=80, description="when: a placeholder spoken in the narration or sentence.N (default: at the start)"
    )


class Written(Strict):
    """A value written onto the network at a cue, kept there to the end of the step (and into the next one that keeps
    this step's screen): beside a node (an output's after its label) or on an edge."""

    node: str | None = Field(None, max_length=60, description="input.<input>, hidden.<layer>.<node> or output.<class>")
    edge: str | None = Field(None, max_length=120, description="'<node> -> <node>' between neighbouring columns")
    text: template(limits.CELL_CHARS) = Field(description="what is written, usually a placeholder: 'p = {softmax.setosa}'")  # type: ignore[valid-type]
    cue: str | None = Field(None, max_length=80, description="when: a placeholder spoken in the narration or sentence.N (default: at the start)")


class NetworkStep(StepBase):
    kind: Literal["network"]
    values: bool = Field(True, description="the example's values travel through the network (false: the structure alone)")
    show: list[Literal[SHOWABLE]] = Field(  # type: ignore[valid-type]
        [], max_length=4,
        description="also draw: weights (on the edges), names (of hidden nodes), activations (under each layer), biases (under each node)",
    )
    highlight: list[Highlight] = Field([], max_length=12, description="nodes, edges, weights, biases, parameters or paths picked out at cues")
    write: list[Written] = Field([], max_length=12, description="values written onto the network (beside a node, on an edge) at cues, kept")
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


def parse_path(text: str, lesson: Any) -> dict:
    """``'<node> -> <node> -> ...'`` as {"nodes": [[column, node], ...], "bias": [column, node] or None}: each node in
    the column next to the one before, all one way (forward or back); the first may be a bias by its name in
    ``parameters:`` (then the path starts at that bias, under the node that follows it). ValueError otherwise."""
    parts = [p.strip() for p in text.split("->")]
    if len(parts) < 2 or not all(parts):
        raise ValueError(f"{text!r} is not a path; write {PATH_HELP}")
    bias = None
    if parts[0] in lesson.parameters:
        target = parse_parameter(parts[0], lesson)
        if "bias" not in target:
            raise ValueError(f"{text!r}: a path may start at a bias, and {parts[0]!r} is a weight (name the nodes its edge joins)")
        bias = list(target["bias"])
        parts = parts[1:]
    nodes = [list(parse_node(p, lesson)) for p in parts]
    if bias is not None and nodes[0] != bias:
        raise ValueError(f"{text!r}: the bias {text.split('->')[0].strip()!r} belongs to another node than {parts[0]!r}; "
                         "a path from a bias goes on to its own node")
    steps = [b[0] - a[0] for a, b in zip(nodes, nodes[1:])]
    for (a, b), step, (pa, pb) in zip(zip(nodes, nodes[1:]), steps, zip(parts, parts[1:])):
        if abs(step) != 1:
            raise ValueError(f"{text!r} is not a path in the network: {pa} and {pb} are not in neighbouring columns")
    if len(set(steps)) > 1:
        raise ValueError(f"{text!r} is not a path in the network: it turns back; a path goes one way, from the inputs "
                         "towards the outputs or back")
    return {"nodes": nodes, "bias": bias}


def path_links(path: dict) -> int:
    """How many links a parsed path has: between its nodes, and from its bias to the first."""
    return len(path["nodes"]) - 1 + (path["bias"] is not None)


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
    if h.path is not None:
        return {"path": parse_path(h.path, lesson)}
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


def _written_at(w: Written, lesson: Any) -> dict:
    return {"node": list(parse_node(w.node, lesson))} if w.node is not None else {"edge": list(parse_edge(w.edge or "", lesson))}


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
            target = _target(h, lesson)
        except ValueError as exc:
            out.append(Finding(("highlight", i, given[0]), f"highlight {i + 1}: {exc}"))
        else:
            if h.factors is not None and "path" not in target:
                out.append(Finding(("highlight", i, "factors"), f"highlight {i + 1}: factors are written on a path's links; "
                                   "give path: or leave factors out"))
            elif h.factors is not None and len(h.factors) != path_links(target["path"]):
                n = path_links(target["path"])
                out.append(Finding(("highlight", i, "factors"), f"highlight {i + 1}: the path has {n} link{'s' if n != 1 else ''}, "
                                   f"so write {n} factor{'s' if n != 1 else ''} (one per link), not {len(h.factors)}"))
        if h.cue is not None and (why := cue_problem(h.cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding(("highlight", i, "cue"), f"highlight {i + 1}: {why}"))
    for i, w in enumerate(step.write):
        given = [k for k in ("node", "edge") if getattr(w, k) is not None]
        if len(given) != 1:
            out.append(Finding(("write", i), f"write {i + 1}: give node or edge (one of them), where the text is written"))
            continue
        try:
            _written_at(w, lesson)
        except ValueError as exc:
            out.append(Finding(("write", i, given[0]), f"write {i + 1}: {exc}"))
        if w.cue is not None and (why := cue_problem(w.cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding(("write", i, "cue"), f"write {i + 1}: {why}"))
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


def _events(layers: list[dict], inputs: list[dict], groups: list[dict], cues: dict[str, int], values: bool,
            writes: Sequence[dict] = ()) -> list[dict]:
    """The order in which the scene shows things: each input's value as the voice says it (its raw value, under its
    label, when the voice says that later), each node's sum in turn, and each group of highlights and each written
    value where its cue falls among them (before the first of them that is not spoken earlier).

    A node whose value is the first thing the voice names in its sentence has its weighted sum come in at the
    sentence's start (a ``lead`` event: the voice is describing it), its result and value at the word (its node
    event, ``led``); highlights and writes the sentence brings in between ("its weighted inputs and its bias") come
    between the two."""
    flow: list[tuple[int, dict]] = []
    if values:
        at = -1

        def first(names: list[str]) -> int | None:
            spoken = [cues[n] for n in names if n in cues]
            return min(spoken) if spoken else None

        def when(names: list[str]) -> int:
            nonlocal at
            spoken = first(names)
            at = max(at, spoken) if spoken is not None else at
            return at

        unspoken = len(inputs) + max(cues.values(), default=0) + 1
        order = sorted(range(len(inputs)), key=lambda i: (p if (p := first(inputs[i]["cues"])) is not None else unspoken))
        for i in order:
            flow.append((when(inputs[i]["cues"]), {"kind": "input", "index": i}))
        for k, layer in enumerate(layers):
            for n, node in enumerate(layer["nodes"]):
                flow.append((when(node["cues"]), {"kind": "node", "layer": k, "node": n}))
        for i, spec in enumerate(inputs):  # a raw value the voice says after the input's scaled one comes in at its word
            if spec["raw_cues"]:
                flow.append((cues[spec["raw_cues"][0]], {"kind": "raw_input", "index": i}))
        flow.sort(key=lambda f: f[0])  # stable: the nodes' order stays
    marks = [(cues.get(g["cues"][0], -1) if g["cues"] else -1, {"kind": "highlight", "group": g_index})
             for g_index, g in enumerate(groups)]
    marks += [(cues.get(w["cues"][0], -1) if w["cues"] else -1, {"kind": "write", "index": w_index})
              for w_index, w in enumerate(writes)]
    marks.sort(key=lambda m: m[0])
    starts = sorted((index, name) for name, index in cues.items() if SENTENCE.fullmatch(name))
    leads: list[tuple[int, dict]] = []
    for position, event in flow:
        if event["kind"] != "node":
            continue
        layer = layers[event["layer"]]
        word = min((cues[c] for c in layer["nodes"][event["node"]]["cues"] if c in cues), default=None)
        opening = [(s, name) for s, name in starts if word is not None and s <= word]
        if word != position or not opening or opening[-1][0] == word:
            continue
        s, name = opening[-1]
        if not any(s <= p < word for p, e in flow if e is not event):
            leads.append((s, {"kind": "lead", "layer": event["layer"], "node": event["node"], "cues": [name]}))
            event["led"] = True
    flow = sorted(flow + leads, key=lambda f: f[0])  # stable: a lead goes before the nodes at its sentence's start
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
        item = _target(h, ctx.lesson)
        if "path" in item:  # each link's factor, written at its edge as the path is lit
            item["path"]["factors"] = [ctx.fill(f) for f in h.factors] if h.factors else []
        group["items"].append(item)
    groups = list(by_cue.values())
    writes = [{**_written_at(w, ctx.lesson), "text": ctx.fill(w.text), "cues": [w.cue] if w.cue else []}
              for w in (step.write if first else ())]
    cues = narration_cues(step.narration, values, d, ctx.forms, ctx.typed, words=named_words(step))
    for spec in inputs:  # the raw value comes in at its own word when the voice says it after the scaled one
        scaled, raw = spec["cues"]
        spec["raw_cues"] = [raw] if raw in cues and scaled in cues and cues[raw] > cues[scaled] else []
    return {
        "inputs": inputs,
        "layers": layers,
        "raw": [ctx.number(f"{prefix}raw.{c}") for c in nums.classes],
        "values": step.values,
        "show": {what: what in step.show for what in SHOWABLE},
        "highlights": groups,
        "writes": writes,
        "events": _events(layers, inputs, groups, cues, step.values, writes),
    }


# ---------------------------------------------------------------- one node, drawn large


NODE_PART = re.compile(r"(inputs|weights|bias|sum|activation|output|curve)|input\.([1-9]\d?)|weight\.([1-9]\d?)")
NODE_PART_HELP = ("inputs, input.N (the N-th from the top), weights, weight.N, bias, sum (the Σ half), activation (its half), "
                  "output (the arrow out) or curve (the graph, with curve_cue)")
CURVE_RANGE = (-2.0, 2.0)  # the weighted sums the node's graph spans: where every activation bends
CURVE_SAMPLES = 81


class NodeStep(StepBase):
    kind: Literal["node"]
    node: str = Field(max_length=60, description="the node to draw: hidden.<layer>.<node> or output.<class>")
    sum_cue: str | None = Field(None, max_length=80, description="when the weighted sum is worked: its inputs flow in along "
                                "their weights into the sum (a placeholder spoken, sentence.N or sentence.N:words; default: sentence.1)")
    bias_cue: str | None = Field(None, max_length=80, description="when the bias joins the sum (default: with the sum)")
    activation_cue: str | None = Field(None, max_length=80, description="when the activation turns the sum into the node's "
                                       "output (default: sentence.2, else with the sum)")
    curve_cue: str | None = Field(None, max_length=80, description="when a straight line (the output if the node only added "
                                  "up) bends into the activation's curve, in a graph of output against weighted sum beside the node; "
                                  "the graph comes in with the activation (default: no graph)")
    point: list[highlights.Point] = highlights.points(NODE_PART_HELP)


def check_node(step: NodeStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    try:
        column, n = parse_node(step.node, ctx.lesson)
    except ValueError as exc:
        return [Finding(("node",), str(exc))]
    if column == 0:
        return [Finding(("node",), f"{step.node!r} is an input: it adds nothing up; name a node of a hidden layer or an output")]
    for name in ("sum_cue", "bias_cue", "activation_cue", "curve_cue"):
        cue = getattr(step, name)
        if cue is not None and (why := cue_problem(cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding((name,), why))
    layer = ctx.lesson.network.layers[column - 1]
    if step.curve_cue is not None and layer.activation == "identity":
        out.append(Finding(("curve_cue",), "this node's activation is the identity: its output is the sum, nothing bends"))
    feeders = len(layer.weights[n])
    for i, p in enumerate(step.point):
        m = NODE_PART.fullmatch(p.at)
        if m is None:
            out.append(Finding(("point", i, "at"), f"cannot point at {p.at!r}: give {NODE_PART_HELP}"))
        elif (m.group(2) or m.group(3)) and not 1 <= int(m.group(2) or m.group(3)) <= feeders:
            out.append(Finding(("point", i, "at"), f"{p.at!r}: the node has {feeders} inputs (1 to {feeders})"))
        elif p.at == "curve" and step.curve_cue is None:
            out.append(Finding(("point", i, "at"), "there is no graph to point at: give curve_cue"))
        if why := cue_problem(p.cue, step.narration, ctx.placeholder_kinds):
            out.append(Finding(("point", i, "cue"), why))
    return out


def _node_pointing(step: NodeStep, spoken: dict[str, int], appears: dict[str, str]) -> list[list]:
    """``[cue, part]`` for each ``point`` in the order the voice reaches them (part: ``["inputs"]``, ``["input", i]``,
    ``["weights"]``, ``["weight", i]`` from 0, ``["bias"]``, ``["sum"]``, ``["activation"]``, ``["output"]``,
    ``["curve"]``); a part pointed at before it is drawn (``appears``: the cue each part comes in at) is a plan error."""
    out = []
    for i, p in enumerate(step.point):
        m = NODE_PART.fullmatch(p.at)
        if m is None or p.cue not in spoken:
            continue
        key: list = [p.at] if m.group(1) else (["input", int(m.group(2)) - 1] if m.group(2) else ["weight", int(m.group(3)) - 1])
        cue = appears.get(key[0])
        if cue is not None and spoken[p.cue] < spoken.get(cue, -1):
            raise PlanError(-1, f"point {i + 1} names {p.at!r} at {p.cue}, before it is drawn (at {cue})", ("point", i, "cue"))
        out.append((spoken[p.cue], i, [p.cue, key]))
    return [entry for *_, entry in sorted(out)]


def build_node(step: NodeStep, ctx: Context) -> dict:
    """The node and what feeds it: the nodes below it (labels), the weights on its edges and its bias as typed, the
    name of its activation, the cues of its stages, and (with ``curve_cue``) its activation's curve against the
    straight line it bends, sampled by the math core."""
    lesson, say = ctx.lesson, ctx.words()
    column, n = parse_node(step.node, lesson)
    layer = lesson.network.layers[column - 1]
    below = [i.label for i in lesson.network.inputs] if column == 1 else [
        name or f"{i + 1}" for i, name in enumerate(_columns(lesson)[column - 1])]
    cues = narration_cues(step.narration, words=named_words(step))
    sum_cue = step.sum_cue or "sentence.1"
    bias_cue = step.bias_cue or sum_cue
    act_cue = step.activation_cue or ("sentence.2" if "sentence.2" in cues else sum_cue)
    names = _columns(lesson)[column]
    curve = None
    if step.curve_cue is not None:
        xs, ys = sample(layer.activation, *CURVE_RANGE, CURVE_SAMPLES)
        curve = {"straight": [[float(x), float(x)] for x in xs], "bent": [[float(x), float(y)] for x, y in zip(xs, ys)],
                 "x_label": say("node_sum"), "y_label": say("node_output"), "cues": [step.curve_cue]}
    appears = {"weights": sum_cue, "weight": sum_cue, "sum": sum_cue, "bias": bias_cue, "activation": act_cue,
               "output": act_cue, "curve": act_cue}
    return {
        "inputs": below,
        "weights": [short(w) for w in layer.weights[n]],
        "bias": short(layer.bias[n]),
        "name": names[n] if names[n] else "",
        "output_color": lesson.network.classes[n].color if column == len(lesson.network.layers) else "",
        "activation": say(f"activation_{layer.activation}"),
        "sum_label": say("node_sum"),
        "sigma": say("node_sigma"),
        "activation_label": say("node_activation"),
        "bias_label": say("node_bias", bias=short(layer.bias[n])),
        "sum_cues": [sum_cue],
        "bias_cues": [bias_cue],
        "activation_cues": [act_cue],
        "curve": curve,
        "pointing": _node_pointing(step, cues, appears),
    }


KEPT_PICTURE = "scenes.network:kept_picture"  # lays out a kept network's picture in the scene of the step that keeps it
KEPT_CODE = ("scenes.network", "lesson.kinds.network")  # what draws and plans it: part of that step's code





def final_screen(lesson: Any, index: int, ctx: Context) -> dict:
    """The picture network step ``index`` leaves on screen, as plain data for the step after it that keeps it
    (``transition: keep``): its network with the last example's values (when it shows values), every value
    written on it (those it kept from the step before included) and the highlights still picked out; nothing left to
    happen.
    The numbers it draws are recorded in ``ctx`` (they are drawn again by the step that keeps them); its equations
    are not (they are gone)."""
    step = lesson.steps[index]
    scratch = dataclasses.replace(ctx, record=Record())
    data = build(step, scratch)
    if step.beside is not None:
        data["beside"] = panel(step.beside, scratch)
    if data.get("passes"):  # several examples: the last one's values stay
        last = data["passes"][-1]
        data["inputs"], data["raw"] = last["inputs"], last["raw"]
        for layer, done in zip(data["layers"], last["layers"]):
            for node, value in zip(layer["nodes"], done["nodes"]):
                node["value"] = value["value"]
    writes = [{**w, "cues": []} for w in data["writes"]]
    if step.transition == "keep" and index > 0:
        writes += final_screen(lesson, index - 1, ctx)["writes"]
    # the numbers of the picture are drawn again by the step that keeps it: recorded there (its equations are gone)
    drawn = [w["text"] for w in writes]
    if data["values"]:
        drawn += [t for i in data["inputs"] for t in (i["scaled"], i["raw"])]
        drawn += [node["value"] for layer in data["layers"] for node in layer["nodes"]]
    for n in scratch.record.numbers:
        number = re.compile(rf"(?<![\d.{MINUS}]){re.escape(n.text.replace('-', MINUS))}(?![\d])")  # the whole number, not a digit of one
        if n.how == DRAWN and any(number.search(text) for text in drawn):
            ctx.record.number(n.quantity, n.text, n.how, n.spec)
    last = [e["group"] for e in data["events"] if e["kind"] == "highlight"][-1:]  # the group still picked out at the end
    out = {k: v for k, v in data.items() if k not in ("passes", "events", "kept")}
    return {**out, "highlights": [{**data["highlights"][g], "cues": []} for g in last], "events": [], "writes": writes}


def kept(lesson: Any, index: int, data: dict, ctx: Context) -> dict:
    """Step ``index``'s data with what it keeps of the step before's screen (``transition: keep``): ``kept`` (the
    step before's title and final picture, :func:`final_screen`), and, when this step draws the network itself, the
    values written on the network before, kept in their places (after this step's own written values)."""
    screen = final_screen(lesson, index - 1, ctx)
    scratch = dataclasses.replace(ctx, record=Record())
    out = {**data, "kept": {"title": scratch.fill(lesson.steps[index - 1].title), "data": screen, "picture": KEPT_PICTURE}}
    if lesson.steps[index].kind == "network":
        out["writes"] = [*data["writes"], *({**w, "kept": True} for w in screen["writes"])]
    return out


KINDS = (
    StepKind("network", NetworkStep, build, "scenes.network:NetworkScene",
             "any network, node by node: the example's values travel through it; weights, names, activations, biases and "
             "highlights (of nodes, edges, weights, biases, named parameters) on request", check=check, code=("lesson.kinds.cues",), needs_network=True,
             keeps=kept, keeps_code=KEPT_CODE),
    StepKind("node", NodeStep, build_node, "scenes.network:NodeScene",
             "one node of the network drawn large: the nodes that feed it, the weights on its edges, its weighted sum "
             "and its activation, each stage lit at its cue", check=check_node, code=("lesson.kinds.cues",), needs_network=True),
)
