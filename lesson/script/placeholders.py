"""Placeholders such as ``{softmax.setosa}`` or ``{raw.versicolor:+.2f}`` in narration and on-screen text.

Names are known from the script's structure alone (so ``lesson check`` needs
no computation); values come from the math core (see ``lesson.numbers``).
A placeholder without a format uses the lesson's display precision.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lesson.script.model import Lesson

_FORMATTER = string.Formatter()


def hidden_node_keys(layer_index: int, n_nodes: int, node_names: list[str] | None) -> list[list[str]]:
    """For each node of hidden layer ``layer_index`` (1-based), the placeholder names that reach it."""
    keys = []
    for n in range(n_nodes):
        names = [f"hidden.{layer_index}.{n + 1}"]
        if node_names:
            names.append(f"hidden.{layer_index}.{node_names[n]}")
        keys.append(names)
    return keys


def names(lesson: Lesson) -> set[str]:
    """Every placeholder name that the lesson can use."""
    net = lesson.network
    classes = [c.name for c in net.classes]
    out = {"prediction", "exp_sum", "softmax_sum", "n_classes"}
    out |= {f"input.{i.name}" for i in net.inputs} | {f"raw_input.{i.name}" for i in net.inputs}
    for k, layer in enumerate(net.layers[:-1], start=1):
        for node_keys in hidden_node_keys(k, len(layer.weights), layer.nodes):
            out.update(node_keys)
    for c in classes:
        out |= {f"raw.{c}", f"argmax.{c}", f"softmax.{c}", f"exp.{c}", f"threshold.{c}", f"label.{c}"}
        out |= {f"jacobian.{c}.{d}" for d in classes}
    if lesson.example.label is not None:
        out |= {"cross_entropy", "observed", "p_observed"}
    if lesson.training is not None:
        for t in range(1, len(lesson.training.seeds) + 1):
            out |= {f"trained.{t}.accuracy", f"trained.{t}.seed", f"trained.{t}.prediction"}
            out |= {f"trained.{t}.softmax.{c}" for c in classes}
    return out


def _fields(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(f, spec, conv) for _, f, spec, conv in _FORMATTER.parse(text) if f is not None]


def problems(text: str, known: set[str]) -> list[str]:
    """What is wrong with the placeholders in ``text`` (an empty list when nothing is)."""
    import difflib

    try:
        fields = _fields(text)
    except ValueError as exc:
        return [f"broken placeholder braces ({exc}); write {{{{ and }}}} for literal braces"]
    out = []
    for field, spec, conv in fields:
        if field not in known:
            close = difflib.get_close_matches(field, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {{{close[0]}}}?" if close else ""
            out.append(f"unknown placeholder {{{field}}}{hint}")
            continue
        if conv:
            out.append(f"placeholder {{{field}!{conv}}}: conversions are not supported")
        if spec:
            try:
                format(1.0, spec)
            except ValueError:
                out.append(f"placeholder {{{field}:{spec}}}: {spec!r} is not a number format such as .2f or +.3f")
    return out


def fill_spans(text: str, values: Mapping[str, float | int | str], decimals: int) -> tuple[str, list[tuple[str, int, int]]]:
    """Like :func:`fill`, and where each placeholder's value landed: ``(name, start, end)`` character spans."""
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    for literal, field, spec, _ in _FORMATTER.parse(text):
        parts.append(literal)
        pos += len(literal)
        if field is None:
            continue
        value = values[field]
        if isinstance(value, str) or (isinstance(value, int) and not spec):
            shown = str(value)
        else:
            shown = format(value, spec or f".{decimals}f")
        parts.append(shown)
        spans.append((field, pos, pos + len(shown)))
        pos += len(shown)
    return "".join(parts), spans


def fill(text: str, values: Mapping[str, float | int | str], decimals: int) -> str:
    """Replace every placeholder with its value (names were checked when the script was loaded)."""
    return fill_spans(text, values, decimals)[0]
