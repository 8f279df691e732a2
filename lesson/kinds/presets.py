"""The kinds of the ArgMax/SoftMax lesson, kept so that its script (and every script written for it) works.

Each is an options model, a plan builder and a scene, registered like any other kind.
"""

from __future__ import annotations

import dataclasses

import math
from typing import Any, Literal

from pydantic import Field

import mathcore
from lesson import truth, words
from lesson.kinds import Context, StepKind, Where
from lesson.script import limits
from lesson.script.placeholders import fill
from lesson.script.parts import StepBase, template
from lesson.shown import EXTRA_DECIMALS, PlanError, fmt, relation, rounded, shown_truthfully, sum_to_one_decimals, tex, tex_operand


class RawOutputsStep(StepBase):
    kind: Literal["raw_outputs"]


class ArgmaxStep(StepBase):
    kind: Literal["argmax"]


class ArgmaxGradientStep(StepBase):
    kind: Literal["argmax_gradient"]
    of_class: str | None = Field(None, description="the class whose argmax output is plotted (default: the prediction)")


class SoftmaxStep(StepBase):
    kind: Literal["softmax"]


class SoftmaxPropertiesStep(StepBase):
    kind: Literal["softmax_properties"]
    compare_training: bool = Field(True, description="show networks trained from different starts (needs 'training')")


class SoftmaxFormulaStep(StepBase):
    kind: Literal["softmax_formula"]


class SoftmaxDerivativesStep(StepBase):
    kind: Literal["softmax_derivatives"]
    of_class: str | None = Field(None, description="whose probability is differentiated (default: the prediction)")


class SummaryStep(StepBase):
    kind: Literal["summary"]
    points: list[template(limits.POINT_CHARS)] = Field(min_length=1, max_length=4)


class CrossEntropyStep(StepBase):
    kind: Literal["cross_entropy"]


def _of_class(step: Any, ctx: Context) -> list[tuple[Where, str]]:
    from lesson.script.load import one_of

    classes = [c.name for c in ctx.lesson.network.classes]
    if step.of_class is not None and step.of_class not in classes:
        return [(("of_class",), f"unknown class {step.of_class!r}{one_of(step.of_class, classes, 'classes')}")]
    return []


def _needs_training(step: Any, ctx: Context) -> list[tuple[Where, str]]:
    if step.compare_training and ctx.lesson.training is None:
        return [(("compare_training",), "needs a 'training' section (or set compare_training: false)")]
    return []


def _needs_label(step: Any, ctx: Context) -> list[tuple[Where, str]]:
    if ctx.lesson.example.label is None:
        return [(("kind",), "needs the example's observed class: set example.label")]
    return []


def _class_index(nums: LessonNumbers, name: str | None) -> int:
    return nums.prediction if name is None else nums.classes.index(name)


def _label(ctx: Context, k: int) -> str:
    """Class ``k``'s label as drawn."""
    c = ctx.lesson.network.classes[k]
    return c.label or c.name


def _raw_outputs(step: Any, ctx: Context) -> dict:
    nums, d = ctx.numbers, ctx.decimals
    lo, hi = min(0.0, *nums.raw), max(1.0, *nums.raw)
    pad = 0.15 * (hi - lo)
    return {
        "raw": [fmt(v, d) for v in nums.raw],
        "positions": list(nums.raw),
        "axis": [lo - pad, hi + pad],
        "outside": [v < 0 or v > 1 for v in nums.raw],
    }


def _argmax(step: Any, ctx: Context) -> dict:
    nums, d = ctx.numbers, ctx.decimals
    w = words.of(ctx.lesson)
    return {
        "raw": [fmt(v, d) for v in nums.raw], "argmax": [int(v) for v in nums.argmax], "prediction": nums.prediction,
        "words": {"class": w("class"), "raw_output": w("raw_output"), "argmax": w("argmax"),
                  "prediction": w("prediction", label=_label(ctx, nums.prediction))},
    }


def _argmax_gradient(step: Any, ctx: Context) -> dict:
    nums, d = ctx.numbers, ctx.decimals
    k = _class_index(nums, step.of_class)
    z, t = nums.raw[k], nums.thresholds[k]
    span = max(abs(z - t), 1.0) * 1.6
    w = words.of(ctx.lesson)
    return {
        "class_index": k,
        "raw": z,
        "raw_text": fmt(z, d),
        "threshold": t,
        "threshold_text": fmt(t, d),
        "others": [(c, fmt(v, d)) for c, v in enumerate(nums.raw) if c != k],
        "x_range": [min(z, t) - span * 0.6, max(z, t) + span * 0.6],
        "value": int(nums.argmax[k]),
        "words": {"x_axis": w("raw_output_for", label=_label(ctx, k)), "y_axis": w("argmax_output"),
                  "example": w("example_at", value=fmt(z, d)), "slope": w("slope_zero"), "others": w("others_fixed"),
                  "loss": w("loss")},
    }


def _softmax(step: Any, ctx: Context) -> dict:
    nums, d = ctx.numbers, ctx.decimals
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


def _softmax_properties(step: Any, ctx: Context) -> dict:
    nums, d, values = ctx.numbers, ctx.decimals, ctx.values
    ds = sum_to_one_decimals(nums.softmax, d)
    w = words.of(ctx.lesson)
    data: dict[str, Any] = {
        "raw": [fmt(v, d) for v in nums.raw],
        "raw_values": list(nums.raw),
        "softmax": [fmt(p, d) for p in nums.softmax],
        "softmax_values": list(nums.softmax),
        "sum_terms": [fmt(p, ds if ds is not None else d) for p in nums.softmax],
        "sum_text": fmt(1.0, ds) if ds is not None else None,  # None: say the values are rounded
        "order": sorted(range(len(nums.raw)), key=lambda c: -nums.raw[c]),
        "trained": [],
        "words": {"raw_output": w("raw_output"), "softmax": w("softmax"), "same_order": w("same_order"),
                  "sum_note": w("add_up_to_one") if ds is not None else w("values_rounded")},
    }
    if step.compare_training:
        data["trained"] = [
            {"seed": run.seed, "accuracy": f"{run.accuracy:.0%}", "softmax": [fmt(p, d) for p in run.softmax],
             "softmax_values": list(run.softmax), "prediction": run.prediction}
            for run in nums.trained
        ]
        letters = w("start_letters")
        data["words"]["starts"] = [w("start", letter=letters[t], accuracy=run["accuracy"]) for t, run in enumerate(data["trained"])]
        data["words"]["same_example"] = w("other_starts")
    return data


def _softmax_formula(step: Any, ctx: Context) -> dict:
    nums = ctx.numbers
    w = words.of(ctx.lesson)
    n = len(nums.classes)
    return {"n_classes": n, "words": {"i": w("i_meaning"), "j": w("j_meaning", n=n), "z": w("z_meaning")}}


def _softmax_derivatives(step: Any, ctx: Context) -> dict:
    nums, d = ctx.numbers, ctx.decimals
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
    # at few decimals a derivative may round to 0 on screen: then the verdict says that none is *exactly* 0
    w = words.of(ctx.lesson)
    shown_zero = any(_shows_zero(r["result"]) for r in out)
    return {"class_index": k, "rows": out, "words": {"verdict": w("none_exactly_zero" if shown_zero else "none_zero")}}


def _shows_zero(text: str) -> bool:
    """Whether a shown result reads as 0 ("0.00", "-0.00"); a number in another notation does not."""
    try:
        return float(text.replace("\u2212", "-")) == 0
    except ValueError:
        return False


def _summary(step: Any, ctx: Context) -> dict:
    from lesson.kinds.text import text_data  # drawn as a text step: the points, each at its sentence

    return text_data(None, step.points, [None] * len(step.points), step, ctx)


def _cross_entropy(step: Any, ctx: Context) -> dict:
    nums, d = ctx.numbers, ctx.decimals
    assert nums.observed is not None and nums.cross_entropy is not None
    p = nums.softmax[nums.observed]
    shown = shown_truthfully("-log(p)", {"p": p}, nums.cross_entropy, d)
    xs, ys = mathcore.sample("neg_log", math.exp(-4), 1.0, 160)  # the curve −log p, drawn from 0.018 to 1
    w = words.of(ctx.lesson)
    return {
        "observed": nums.observed,
        "p": p,
        "p_text": tex_operand(shown.operands[0].text),
        "curve": [(float(x), float(y)) for x, y in zip(xs, ys)],
        "relation": shown.relation,
        "cross_entropy": nums.cross_entropy,
        "cross_entropy_text": tex(nums.cross_entropy, d),
        "words": {"name": w("cross_entropy"), "x_axis": w("observed_probability")},
    }


KINDS = (
    StepKind("raw_outputs", RawOutputsStep, _raw_outputs, "scenes.raw_outputs:RawOutputsScene",
             "the raw outputs on a number line, outside 0..1"),
    StepKind("argmax", ArgmaxStep, _argmax, "scenes.argmax:ArgmaxScene", "ArgMax turns the raw outputs into 1 and 0s"),
    StepKind("argmax_gradient", ArgmaxGradientStep, _argmax_gradient, "scenes.argmax_gradient:ArgmaxGradientScene",
             "ArgMax as a step function of one raw output: its slope is 0", check=_of_class, code=("scenes.formula_text",)),
    StepKind("softmax", SoftmaxStep, _softmax, "scenes.softmax:SoftmaxScene",
             "SoftMax worked out: e^z, their sum, and each quotient"),
    StepKind("softmax_properties", SoftmaxPropertiesStep, _softmax_properties, "scenes.softmax_properties:SoftmaxPropertiesScene",
             "SoftMax keeps the order, sums to 1; networks trained from other starts", check=_needs_training),
    StepKind("softmax_formula", SoftmaxFormulaStep, _softmax_formula, "scenes.softmax_formula:SoftmaxFormulaScene",
             "the SoftMax formula in general"),
    StepKind("softmax_derivatives", SoftmaxDerivativesStep, _softmax_derivatives,
             "scenes.softmax_derivatives:SoftmaxDerivativesScene", "the derivatives of one SoftMax output", check=_of_class),
    StepKind("summary", SummaryStep, _summary, "scenes.text:TextScene", "the script's points, one after another",
             code=("lesson.kinds.text",)),
    StepKind("cross_entropy", CrossEntropyStep, _cross_entropy, "scenes.cross_entropy:CrossEntropyScene",
             "cross-entropy of the observed class: −log p on its curve", check=_needs_label, code=("scenes.formula_text",)),
)
# every preset shows the lesson's network, example or classes
KINDS = tuple(dataclasses.replace(kind, needs_network=True) for kind in KINDS)
