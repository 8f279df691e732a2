"""A slide: one value moves continuously, and every number and dot that depends on it follows, in every frame.

The plan samples everything at plan time, from the math core: for each leg of the slide (from one value to the next,
starting when the voice reaches the leg's cue) a dense path per dot (``[share of the leg, x, y]``, a jump written as
two points at one share) and the readouts at samples of the value (each text already written: a value of a quantity
at that quantity's form in the lesson, an equation by the truth rule). The scene moves each dot along its path and
shows, in every frame, the readouts of the sample nearest to that moment: it never writes a number itself, so every
number on screen during the slide is one the plan wrote, true at its digits.

The data (``"slide"`` in a plot's data)::

    {"riders": [{"color": "#..."}],                       # one dot per rider
     "legs": [{"cues": ["sentence.2"], "seconds": 2.5,
               "paths": [[[share, x, y], ...], ...],      # per rider, share 0 → 1 along the leg
               "tangents": [[[share, x0, y0, x1, y1], ...], ...] or None,   # per rider, its tangent's ends on the path
               "samples": [{"at": share, "texts": [["line", ...], ...]}, ...]}]}   # per rider, its readout's lines
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Annotated

from pydantic import Field


PATH_POINTS = 90  # per leg: the dots' way, dense enough to lie on the drawn curve
SAMPLES_PER_SECOND = 12  # readouts per second of a leg, at most (each is a text, set once)
MIN_SECONDS, MAX_SECONDS, SECONDS = 1.0, 8.0, 2.5
MAX_LEGS = 4

Seconds = Annotated[float, Field(ge=MIN_SECONDS, le=MAX_SECONDS, description="how long the leg takes (seconds)")]


def grid(start: float, end: float, places: int, most: int) -> list[float]:
    """Values from ``start`` to ``end`` (both kept, as they are) and between them numbers that are exact at ``places``
    decimals, evenly spaced by a round step (1, 2 or 5 units of the last place, times a power of ten), at most
    ``most`` in all."""
    if start == end:
        return [start]
    lo, hi = sorted((Decimal(repr(start)), Decimal(repr(end))))
    unit = Decimal(1).scaleb(-places)
    room = max(most - 2, 1)
    step = unit
    for k in range(40):
        step = next((unit * f * 10**k for f in (1, 2, 5) if (hi - lo) / (unit * f * 10**k) <= room), Decimal(0))
        if step:
            break
    v = (lo / step).to_integral_value(rounding=ROUND_FLOOR) * step + step
    inner = []
    while v < hi:
        inner.append(float(v))
        v += step
    return [start, *(inner if start < end else inner[::-1]), end]


def path(start: float, end: float, y: Callable[[float], float], jumps: Sequence[tuple[float, float, float]] = (),
         n: int = PATH_POINTS) -> list[list[float]]:
    """A dot's way as ``[share, x, y]`` while x goes from ``start`` to ``end`` at an even pace: ``y`` (the math core's
    function) at ``n`` evenly spaced x, plus, at each jump ``(x, y before, y after)`` inside the leg, two points."""
    if start == end:
        return [[0.0, start, y(start)], [1.0, end, y(end)]]
    xs = [start, *(start + (end - start) * i / (n - 1) for i in range(1, n - 1)), end]
    out = [[(x - start) / (end - start), x, y(x)] for x in xs]
    for at, before, after in jumps:
        if min(start, end) < at < max(start, end):
            share = (at - start) / (end - start)
            first, second = (before, after) if start < end else (after, before)
            out += [[share, at, first], [share, at, second]]
    out.sort(key=lambda p: p[0])  # a stable sort: a jump's two points stay in order
    return out


def sample_shares(start: float, end: float, values: Sequence[float]) -> list[float]:
    """The share of a leg from ``start`` to ``end`` at which x is each of ``values``."""
    return [0.0 if start == end else (v - start) / (end - start) + 0.0 for v in values]  # + 0.0: never -0.0


def most_samples(seconds: float) -> int:
    return max(2, int(seconds * SAMPLES_PER_SECOND) + 1)
