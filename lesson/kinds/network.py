"""``network``: the script's network drawn node by node, with the example's values travelling through it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from lesson import truth
from lesson.kinds import Context, StepKind
from lesson.script.parts import StepBase
from lesson.shown import MINUS, fmt, short, shown_truthfully
from lesson.script.placeholders import hidden_node_keys


class NetworkStep(StepBase):
    kind: Literal["network"]


def _node_equation(weights: Sequence[float], inputs: Sequence[float], bias: float, total: float, d: int) -> dict:
    """A node's weighted sum, with inputs shown at enough decimals for the sum to come out right."""
    names = [f"x{i + 1}" for i in range(len(inputs))]
    expression = " + ".join(f"{truth.typed(w)}*{n}" for w, n in zip(weights, names)) + f" + {truth.typed(bias)}"
    shown = shown_truthfully(expression, dict(zip(names, inputs)), total, d)
    texts = {o.name: o.text.replace("-", MINUS) for o in shown.operands}
    return {
        "terms": [(short(w), texts[n]) for w, n in zip(weights, names)],
        "bias": short(bias),
        "total": shown.result.replace("-", MINUS),
        "relation": shown.relation,
    }


def _activation(activation: str, total: float, value: float, d: int) -> dict:
    """``act(total) = value`` as shown: ReLU and the identity keep the shown digits; others are checked."""
    if activation in ("relu", "identity"):
        return {"act_input": fmt(total, d), "act_relation": "=", "value": fmt(value, d)}
    shown = shown_truthfully(f"{activation}(z)", {"z": total}, value, d)
    return {"act_input": shown.operands[0].text.replace("-", MINUS), "act_relation": shown.relation,
            "value": shown.result.replace("-", MINUS)}


def build(step: Any, ctx: Context) -> dict:
    nums, d, values = ctx.numbers, ctx.decimals, ctx.values
    layers = []
    below = [i.scaled for i in nums.inputs]
    for k, layer in enumerate(nums.layers):
        nodes = []
        last = k == len(nums.layers) - 1
        for n, (row, b, s, v) in enumerate(zip(layer.weights, layer.bias, layer.weighted_sums, layer.values)):
            eq = _node_equation(row, below, b, s, d)
            nodes.append(
                {
                    **eq,
                    **_activation(layer.activation, s, v, d),
                    "name": layer.node_names[n] if layer.node_names else "",
                    # the placeholders whose value this node shows: the moment the voice says one, it appears
                    "cues": [f"raw.{nums.classes[n]}"] if last else hidden_node_keys(k + 1, len(layer.weights), layer.node_names)[n],
                }
            )
        layers.append(
            {
                "activation": layer.activation,
                "weights": [[short(w) for w in row] for row in layer.weights],
                "nodes": nodes,
                "output": k == len(nums.layers) - 1,
            }
        )
        below = list(layer.values)
    return {
        "inputs": [
            {
                "label": i.label,
                "unit": i.unit,
                "scaled": fmt(i.scaled, d),
                "raw": fmt(i.raw, max(d - 1, 1)),
                "cues": [f"input.{i.name}", f"raw_input.{i.name}"],
            }
            for i in nums.inputs
        ],
        "layers": layers,
        "raw": [fmt(v, d) for v in nums.raw],
    }


KINDS = (
    StepKind("network", NetworkStep, build, "scenes.network:NetworkScene",
             "the network, node by node; the example's values travel through it to the raw outputs"),
)
