"""The plan: one entry per step holding plain data (text, numbers, durations) for the scenes to draw.

Every string of digits that appears on screen is made here, from the math
core's numbers, at the lesson's precision. Where a computation is shown with
rounded operands, the planner picks enough decimals for the operands that the
shown arithmetic really gives the shown result, and uses "≈" unless the
equation holds exactly: the video never shows a false equation.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mathcore
from lesson import digits, truth
from lesson.errors import LessonError
from lesson.numbers import LessonNumbers, compute
from lesson.script.model import Lesson
from lesson.script.placeholders import fill, fill_spans, hidden_node_keys
from lesson.speech import normalize

MINUS = "\u2212"
_SIGN = re.compile(r"(?<![\w.])-(?=\d)")  # a hyphen used as a minus sign in front of a number
EXTRA_DECIMALS = 4


class PlanError(LessonError):
    """A step that cannot be shown truthfully: ``step`` is its index, ``where`` the option at fault (if any)."""

    def __init__(self, step: int, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.step, self.message, self.where = step, message, where


from lesson.plandata import ClassStyle, Plan, StepPlan, Style  # noqa: E402  (the plan's types, shared with the scenes)


# ---------------------------------------------------------------- number text


def fmt(value: float, decimals: int) -> str:
    """A number as shown on screen, rounded as a person rounds (Unicode minus; never "−0.00")."""
    return digits.fixed(value, decimals).replace("-", MINUS)


def tex(value: float, decimals: int) -> str:
    """A number for LaTeX (ASCII minus, which TeX sets as a real minus sign)."""
    return fmt(value, decimals).replace(MINUS, "-")


def short(value: float) -> str:
    """A value typed in the script (a weight, a bias), shown as written: 1.6, -2.5, 0."""
    return truth.typed(value).replace("-", MINUS)


def shown_truthfully(expression: str, values: dict[str, float], result: float | None, decimals: int) -> truth.Shown:
    """``expression`` shown true at its digits (the one general rule, :mod:`lesson.truth`), or a PlanError."""
    try:
        return truth.show(expression, values, result, decimals)
    except truth.TruthError as exc:
        raise PlanError(-1, str(exc)) from None


def tex_operand(text: str) -> str:
    """An operand as :mod:`lesson.truth` shows it ("5.96e-11" included), for MathTex."""
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


rounded = digits.rounded


def is_shown_exactly(value: float, decimals: int) -> bool:
    return math.isclose(rounded(value, decimals), value, rel_tol=0, abs_tol=1e-9)


def relation(operands: Sequence[float], decimals_shown: int, result: float, decimals: int) -> str:
    """"=" if every shown operand and the shown result are exact, else "≈"."""
    exact = all(is_shown_exactly(v, decimals_shown) for v in operands) and is_shown_exactly(result, decimals)
    return "=" if exact else "\u2248"


def sum_to_one_decimals(values: Sequence[float], decimals: int) -> int | None:
    """Decimals at which the rounded values visibly add up to exactly 1 (None if none up to +4)."""
    for d in range(decimals, decimals + EXTRA_DECIMALS + 1):
        if round(sum(rounded(v, d) for v in values), d + 2) == 1.0:
            return d
    return None


# ---------------------------------------------------------------- the plan


def build_plan(lesson: Lesson, base: Path = Path("."), numbers: LessonNumbers | None = None) -> Plan:
    nums = numbers if numbers is not None else compute(lesson, base)
    d = lesson.display.decimals
    values = nums.values()
    style = Style(
        background=lesson.theme.background,
        text=lesson.theme.text,
        muted=lesson.theme.muted,
        accent=lesson.theme.accent,
        font=lesson.theme.font,
        classes=tuple(ClassStyle(c.name, c.label or c.name, c.color) for c in lesson.network.classes),
    )
    steps = []
    for index, step in enumerate(lesson.steps):
        try:
            steps.append(_step_plan(lesson, nums, base, index, step, d, values))
        except PlanError:
            raise
        except (ValueError, ArithmeticError) as exc:  # a number the step cannot show: said at the step
            raise PlanError(index, f"this step cannot show the lesson's numbers ({exc})") from None
    return Plan(lesson.id, lesson.title, lesson.video.quality, style, tuple(steps), lesson.narration.pause)


def _step_plan(lesson: Lesson, nums: LessonNumbers, base: Path, index: int, step: Any, d: int, values: dict) -> StepPlan:
    narration, spans = fill_spans(step.narration, values, d)
    narration = _SIGN.sub(MINUS, narration)  # one character for another: the spans stay valid
    toks = normalize.tokens(narration)
    starts = [start for _, start in toks]
    cues = tuple((name, bisect.bisect_right(starts, start) - 1) for name, start, _ in spans)
    builder = _BUILDERS[step.kind]
    try:
        data = builder(lesson, nums, step, d, values)
    except PlanError as exc:
        raise PlanError(index, exc.message, exc.where) from None
    return StepPlan(
        index=index,
        kind=step.kind,
        id=step.id or f"step{index + 1:02d}_{step.kind}",
        title=fill(step.title, values, d),
        narration=narration,
        data=data,
        tokens=tuple(t for t, _ in toks),
        spoken=tuple(normalize.spoken(t) for t, _ in toks),
        cues=cues,
        audio=str((base / step.audio).resolve()) if step.audio else None,
    )


def _class_index(nums: LessonNumbers, name: str | None) -> int:
    return nums.prediction if name is None else nums.classes.index(name)


def _title(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    return {"heading": lesson.title, "subtitle": lesson.subtitle or "", "author": lesson.author or ""}


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


def _network(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
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


def _raw_outputs(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    lo, hi = min(0.0, *nums.raw), max(1.0, *nums.raw)
    pad = 0.15 * (hi - lo)
    return {
        "raw": [fmt(v, d) for v in nums.raw],
        "positions": list(nums.raw),
        "axis": [lo - pad, hi + pad],
        "outside": [v < 0 or v > 1 for v in nums.raw],
    }


def _argmax(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    return {"raw": [fmt(v, d) for v in nums.raw], "argmax": [int(v) for v in nums.argmax], "prediction": nums.prediction}


def _argmax_gradient(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    k = _class_index(nums, step.of_class)
    z, t = nums.raw[k], nums.thresholds[k]
    span = max(abs(z - t), 1.0) * 1.6
    return {
        "class_index": k,
        "raw": z,
        "raw_text": fmt(z, d),
        "threshold": t,
        "threshold_text": fmt(t, d),
        "others": [(c, fmt(v, d)) for c, v in enumerate(nums.raw) if c != k],
        "x_range": [min(z, t) - span * 0.6, max(z, t) + span * 0.6],
        "value": int(nums.argmax[k]),
    }


def _softmax(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    # the exponentials are shown at enough decimals that the sum and every quotient come out right
    exps = list(nums.exp)

    def checks(de: int) -> bool:
        shown = [rounded(e, de) for e in exps]
        if rounded(sum(shown), de) != rounded(nums.exp_sum, de):
            return False
        total = rounded(nums.exp_sum, de)
        return all(rounded(s / total, d) == rounded(p, d) for s, p in zip(shown, nums.softmax))

    de = next((x for x in range(d, d + EXTRA_DECIMALS + 1) if checks(x)), None)
    if de is None:
        raise PlanError(-1, "no precision of e^z up to +4 decimals makes the shown sum and quotients come out right; change display.decimals")
    return {
        "raw": [tex(v, d) for v in nums.raw],
        "exp": [fmt(e, de) for e in exps],
        "exp_sum": fmt(nums.exp_sum, de),
        "softmax": [fmt(p, d) for p in nums.softmax],
        "sum_relation": relation(exps, de, nums.exp_sum, de),
    }


def _softmax_properties(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    ds = sum_to_one_decimals(nums.softmax, d)
    data: dict[str, Any] = {
        "raw": [fmt(v, d) for v in nums.raw],
        "raw_values": list(nums.raw),
        "softmax": [fmt(p, d) for p in nums.softmax],
        "softmax_values": list(nums.softmax),
        "sum_terms": [fmt(p, ds if ds is not None else d) for p in nums.softmax],
        "sum_text": fmt(1.0, ds) if ds is not None else None,  # None: say the values are rounded
        "order": sorted(range(len(nums.raw)), key=lambda c: -nums.raw[c]),
        "trained": [],
    }
    if step.compare_training:
        data["trained"] = [
            {"seed": run.seed, "accuracy": f"{run.accuracy:.0%}", "softmax": [fmt(p, d) for p in run.softmax],
             "softmax_values": list(run.softmax), "prediction": run.prediction}
            for run in nums.trained
        ]
    return data


def _softmax_formula(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    return {"n_classes": len(nums.classes)}


def _softmax_derivatives(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    k = _class_index(nums, step.of_class)
    p = nums.softmax
    names = {j: f"p{j + 1}" for j in range(len(p))}
    rows = [(f"{names[k]}*(1 - {names[k]})" if j == k else f"-{names[k]}*{names[j]}", nums.jacobian[k][j]) for j in range(len(p))]
    try:  # one precision for every row, at which every row's shown arithmetic gives its shown result
        shown = truth.show_all(rows, {names[j]: p[j] for j in range(len(p))}, d)
    except truth.TruthError as exc:
        raise PlanError(-1, str(exc)) from None
    out = []
    for j, row in enumerate(shown):
        texts = {o.name: tex_operand(o.text) for o in row.operands}
        operands = [texts[names[k]]] if j == k else [texts[names[k]], texts[names[j]]]
        out.append({"j": j, "operands": operands, "result": row.result, "relation": row.relation})
    return {"class_index": k, "rows": out}


def _summary(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    return {"points": [fill(p, values, d) for p in step.points]}


def _cross_entropy(lesson: Lesson, nums: LessonNumbers, step: Any, d: int, values: dict) -> dict:
    assert nums.observed is not None and nums.cross_entropy is not None
    p = nums.softmax[nums.observed]
    shown = shown_truthfully("-log(p)", {"p": p}, nums.cross_entropy, d)
    xs, ys = mathcore.sample("neg_log", math.exp(-4), 1.0, 160)  # the curve −log p, drawn from 0.018 to 1
    return {
        "observed": nums.observed,
        "p": p,
        "p_text": tex_operand(shown.operands[0].text),
        "curve": [(float(x), float(y)) for x, y in zip(xs, ys)],
        "relation": shown.relation,
        "cross_entropy": nums.cross_entropy,
        "cross_entropy_text": tex(nums.cross_entropy, d),
    }


_BUILDERS: dict[str, Callable[..., dict]] = {
    "title": _title,
    "network": _network,
    "raw_outputs": _raw_outputs,
    "argmax": _argmax,
    "argmax_gradient": _argmax_gradient,
    "softmax": _softmax,
    "softmax_properties": _softmax_properties,
    "softmax_formula": _softmax_formula,
    "softmax_derivatives": _softmax_derivatives,
    "summary": _summary,
    "cross_entropy": _cross_entropy,
}
