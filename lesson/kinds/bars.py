"""``bars``: one bar per class for a per-class value (probabilities, raw outputs), labelled, sorted if asked.

A bar grows from the zero line as the voice speaks its value (``<family>.<class>``); bars whose value is not
spoken are there from the start. Negative values go left of the zero line.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator

from lesson.base.errors import Finding
from lesson.kinds import Context, StepKind, highlights
from lesson.kinds.table import FamilyEntry, _class_template, _family, _text, check_families
from lesson.script.parts import Finite, StepBase
from lesson.base.shown import PlanError, short


CAN_HIGHLIGHT = ("bar",)  # a bar the voice names again (by another name of its value) is boxed at that word


class BarsStep(StepBase):
    kind: Literal["bars"]
    values: FamilyEntry = Field(description="a per-class placeholder family of numbers (softmax, raw, exp, ...; 'raw:+.2f' gives a format)")
    sort: bool = Field(False, description="largest value on top (default: the classes' order)")
    scale: list[Finite] | None = Field(
        None, min_length=2, max_length=2, description="[low, high] of the axis, with 0 inside (default: from the values)"
    )
    label_values: bool = Field(True, description="write each bar's value beside it")
    highlight: highlights.Highlight = highlights.option("bar", CAN_HIGHLIGHT)

    @field_validator("scale")
    @classmethod
    def _low_zero_high(cls, scale: list[float] | None) -> list[float] | None:
        if scale is not None and (not scale[0] <= 0 <= scale[1] or scale[0] == scale[1]):
            raise ValueError(f"scale must be [low, high] with low ≤ 0 ≤ high and low < high (bars start at 0), got {scale}")
        return scale


def _check(step: BarsStep, ctx: Context) -> list[Finding]:
    return highlights.check(step, "bars", CAN_HIGHLIGHT) + check_families([(("values",), step.values)], ctx, True)


def nice_scale(values: list[float]) -> tuple[float, float]:
    """An axis from a round number at or below the values (and 0) to one at or above them; [0, 1] for values in 0..1."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    if lo == 0 and 0 < hi <= 1:
        return 0.0, 1.0
    span = hi - lo or 1.0
    step = 10.0 ** math.floor(math.log10(span))
    if span / step <= 2:
        step /= 5
    elif span / step <= 5:
        step /= 2
    low = round(math.floor(lo / step + 1e-9) * step, 12)
    high = round(math.ceil(hi / step - 1e-9) * step, 12)
    return (low, high) if low < high else (low, low + step)


def build(step: BarsStep, ctx: Context) -> dict:
    family, _ = _family(step.values)
    classes = ctx.classes
    values = [float(ctx.values[f"{family}.{c.name}"]) for c in classes]
    if step.scale is not None:
        low, high = float(step.scale[0]), float(step.scale[1])
        outside = [(c, v) for c, v in zip(classes, values) if not low <= v <= high]
        if outside:
            c, v = outside[0]
            raise PlanError(-1, f"{family}.{c.name} is {v:.4g}, outside the scale [{short(low)}, {short(high)}]; "
                            "widen it or leave it out", ("scale",))
    else:
        low, high = nice_scale(values)
    order = list(range(len(classes)))
    if step.sort:
        order.sort(key=lambda k: -values[k])  # a stable sort: equal values keep the classes' order
    bars = [
        {
            "label": classes[k].label or classes[k].name,
            "color": classes[k].color,
            "value": values[k],  # a position on the axis
            "text": _text(_class_template(step.values, classes[k].name), ctx),
            "cues": [f"{family}.{classes[k].name}"],
        }
        for k in order
    ]
    ticks = [{"at": t, "text": short(t)} for t in dict.fromkeys((0.0, low, high))]
    # the voice names a bar by its value's name, or by another name of that value (p_observed is softmax.<observed>):
    # the bar grows at the first of them; each later one boxes the bar at its word
    pointing: list[list] = []
    if step.highlight != "none":
        named: dict[int, list[str]] = {}
        for name, i in highlights.pointing(step, ctx, [(i, bar["cues"]) for i, bar in enumerate(bars)]):
            named.setdefault(i, []).append(name)
        for i, names in named.items():
            bars[i]["cues"] = list(dict.fromkeys([*names[:1], *bars[i]["cues"]]))
            pointing += [[name, i] for name in names[1:]]
        highlights.nothing_lit(step, "bars", pointing + [n for names in named.values() for n in names])
    return {"bars": bars, "scale": [low, high], "ticks": ticks, "label_values": step.label_values, "pointing": pointing}


KINDS = (
    StepKind("bars", BarsStep, build, "scenes.bars:BarsScene",
             "one bar per class for a per-class value; each grows as its value is spoken", check=_check,
             code=("lesson.kinds.table", "scenes.table"), needs_network=True),  # the family checks and texts; the texts' baselines
)
