"""The piper voice's noise, made a function of what it says.

A VITS voice draws normal noise inside its model twice per sentence (``RandomNormalLike``: the durations' noise and
the sound's), so the same sentence came out a little different on every render: its length moved by tens of
milliseconds, a lesson's by about 1.5 s, and with it every timing measured on the video. Here each of those nodes is
replaced by standard normal noise computed in the graph from the sentence's phoneme ids: the same sentence is the
same sound, whatever was said before it and in whichever process, and different sentences get different noise.

The noise: a seed from the ids (their sum weighted by position, times the golden ratio, mod 1000); for element ``i``
of the noise tensor two uniform numbers ``frac(sin(a·i + s) · b)`` (the well-known sine hash, in double precision),
and Box-Muller to turn them into one normal number. ``tests/test_piper_noise.py`` checks its mean, spread, tails and
that neighbours are uncorrelated.
"""

from __future__ import annotations

import numpy as np

# (a, b, seed factor) of the two uniform numbers, per replaced node (the second node's are shifted)
_U = (12.9898, 43758.5453, 78.233)
_V = (39.3468, 24634.6345, 11.135)


class _Builder:
    """Nodes and constants added to one graph, under the name prefix ``/noise/``."""

    def __init__(self, graph) -> None:
        import onnx  # piper's optional extra, loaded only when a voice model is patched

        self.helper, self.numpy_helper, self.types = onnx.helper, onnx.numpy_helper, onnx.TensorProto
        self.graph = graph
        self.nodes: list = []
        self._consts: dict[str, str] = {}
        self._n = 0

    def const(self, value, dtype=np.float64) -> str:
        key = f"{np.dtype(dtype).name}:{value!r}"
        if key not in self._consts:
            name = f"/noise/c{len(self._consts)}"
            self.graph.initializer.append(self.numpy_helper.from_array(np.array(value, dtype=dtype), name))
            self._consts[key] = name
        return self._consts[key]

    def op(self, op_type: str, *inputs: str, **attrs) -> str:
        self._n += 1
        out = f"/noise/{op_type}_{self._n}"
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], **attrs))
        return out


def _uniform(b: _Builder, index: str, seed: str, a: float, scale: float, factor: float) -> str:
    """frac(sin(a·index + factor·seed) · scale), element by element: numbers in [0, 1)."""
    h = b.op(
        "Mul",
        b.op("Sin", b.op("Add", b.op("Mul", index, b.const(a)), b.op("Mul", seed, b.const(factor)))),
        b.const(scale),
    )
    return b.op("Sub", h, b.op("Floor", h))


def _seed(b: _Builder, ids: str) -> str:
    """A number in [0, 1000) from the phoneme ids (batch 1): Σ id·(position + 1) · golden ratio, mod 1000."""
    one = b.const(1, np.int64)
    length = b.op("Gather", b.op("Shape", ids), one, axis=0)
    position = b.op("Cast", b.op("Range", one, b.op("Add", length, one), one), to=b.types.DOUBLE)
    weighted = b.op("Mul", b.op("Cast", ids, to=b.types.DOUBLE), position)
    total = b.op("ReduceSum", weighted, keepdims=0)
    return b.op("Mod", b.op("Mul", total, b.const(0.6180339887498949)), b.const(1000.0), fmod=1)


def _normal_like(b: _Builder, like: str, seed: str, k: int, dtype: int, out: str) -> None:
    """Standard normal noise of ``like``'s shape and ``dtype``, written to ``out``."""
    shape = b.op("Shape", like)
    count = b.op("ReduceProd", shape, keepdims=0)
    index = b.op("Cast", b.op("Range", b.const(0, np.int64), count, b.const(1, np.int64)), to=b.types.DOUBLE)
    u = _uniform(b, index, seed, _U[0], _U[1], _U[2] + 17 * k)
    v = _uniform(b, index, seed, _V[0], _V[1], _V[2] + 31 * k)
    radius = b.op("Sqrt", b.op("Mul", b.op("Log", b.op("Max", u, b.const(1e-12))), b.const(-2.0)))
    z = b.op("Mul", radius, b.op("Cos", b.op("Mul", v, b.const(2 * np.pi))))
    b.nodes.append(b.helper.make_node("Reshape", [b.op("Cast", z, to=dtype), shape], [out]))


def seed_noise(model, ids: str = "input") -> int:
    """Replace the ``RandomNormalLike`` nodes of ``model`` (an ``onnx.ModelProto``) with noise made from the graph
    input ``ids``, in place; returns how many were replaced."""
    graph = model.graph
    random = [n for n in graph.node if n.op_type == "RandomNormalLike"]
    if not random:
        return 0
    b = _Builder(graph)
    seed = _seed(b, ids)
    head = list(b.nodes)  # the seed's nodes go first: they need only the graph's input
    b.nodes.clear()
    replaced: dict[int, list] = {}
    for k, node in enumerate(random):
        dtype = next((a.i for a in node.attribute if a.name == "dtype"), b.types.FLOAT)
        _normal_like(b, node.input[0], seed, k, dtype, node.output[0])
        replaced[id(node)] = list(b.nodes)
        b.nodes.clear()
    nodes = head + [m for n in graph.node for m in replaced.get(id(n), [n])]
    del graph.node[:]
    graph.node.extend(nodes)
    return len(random)
