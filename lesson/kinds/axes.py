"""The axes of a plot (a plot of named functions and a sweep's plot alike): round ticks, their labels, the curves'
colours, and the rule that a range must be wide enough for its size to label."""

from __future__ import annotations

from collections.abc import Sequence

import math

from lesson.base import truth
from lesson.kinds import Where
from lesson.script import limits
from lesson.base.shown import MINUS, PlanError, fmt

PALETTE = ("#4fa3e0", "#f08a4b", "#9b6ee8", "#5cc98a")  # curves after the first (which takes the theme's accent)


def nice_step(span: float, target: int) -> float:
    """A tick spacing of 1, 2 or 5 times a power of ten giving about ``target`` intervals over ``span``."""
    raw = span / target
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)


def ticks(low: float, high: float, target: int) -> list[list]:
    """``[value, text]`` of the round numbers inside [low, high]."""
    step = nice_step(high - low, target)
    places = max(0, -math.floor(math.log10(step) + 1e-9))
    first = math.ceil(low / step - 1e-9)
    out = []
    k = first
    while k * step <= high + 1e-9 * step:
        v = round(k * step, places + 2)
        out.append([v, fmt(v, places)])
        k += 1
    return out


def _widest(marks: list[list]) -> str:
    return max((text for _, text in marks), key=len, default="")


def axis(low: float, high: float, target: int, where: Where, what: str) -> dict:
    """A typed range's ticks; a PlanError at ``where`` if the range is too narrow for its size to label (its ticks
    would need more than TICK_CHARS characters: [1, 1.000001] ticks at 1.0000002)."""
    marks = ticks(low, high, target)
    if len(widest := _widest(marks)) > limits.TICK_CHARS:
        raise PlanError(-1, f"the {what} [{truth.typed(low)}, {truth.typed(high)}] is too narrow for its size to label: its ticks would read "
                        f"{widest.replace('-', MINUS)}, and a tick has at most {limits.TICK_CHARS} characters; widen it", where)
    return {"range": [low, high], "ticks": marks}


def readable(low: float, high: float, target: int, where: Where, what: str) -> list[float]:
    """A range the plan worked out (from a curve's values): widened upwards until its ticks can be labelled."""
    for _ in range(64):
        if len(_widest(ticks(low, high, target))) <= limits.TICK_CHARS:
            return [low, high]
        high = low + 2 * (high - low)
    raise PlanError(-1, f"the {what} values are too large to label (about {high:.3g}); give the {what} range", where)


def tangent_line(x: float, y: float, slope: float, x_range: Sequence[float], y_range: Sequence[float]) -> list[list[float]]:
    """The two ends of the tangent through (x, y): a stretch of a third of the x range each way, cut at the plot's edges."""
    reach = (x_range[1] - x_range[0]) / 3
    lo, hi = max(x_range[0], x - reach), min(x_range[1], x + reach)
    if slope > 0:
        lo = max(lo, x + (y_range[0] - y) / slope)
        hi = min(hi, x + (y_range[1] - y) / slope)
    elif slope < 0:
        lo = max(lo, x + (y_range[1] - y) / slope)
        hi = min(hi, x + (y_range[0] - y) / slope)
    return [[lo, y + slope * (lo - x)], [hi, y + slope * (hi - x)]]
