"""The ``plot`` kind's curve from a sweep (``sweeps:``) and the walk of a gradient descent (``descents:``) down it.

The points of the curve and of the walk are the math core's (computed in :mod:`lesson.numbers.computed`); this module
only cuts them to the axes and writes their texts. The data has the same shape as a plot of named functions, so
the plot scene draws both alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lesson.base.errors import Finding
from lesson.base import digits
from lesson.kinds import Context
from lesson.base.record import IN_TURN
from lesson.kinds.axes import PALETTE, axis, readable, tangent_line
from lesson.kinds import highlights
from lesson.base.shown import MINUS, PlanError
from lesson.base.hints import one_of
from lesson.kinds.cues import cue_problem, cue_problems

MAX_STOPS = 8  # stops of a walk drawn one after another (a longer descent shows its first ones and its last)


def sweep_check(step: Any, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    lesson = ctx.lesson
    if step.sweep is not None and step.sweep.name not in lesson.sweeps:
        out.append(Finding(("sweep", "name"), f"unknown sweep {step.sweep.name!r}{one_of(step.sweep.name, lesson.sweeps, 'sweeps')}"))
    if step.sweep is not None and step.sweep.cue is not None:
        out += cue_problems(step.sweep.cue, ("sweep", "cue"), step, ctx)
    if step.descent is not None:
        if step.descent not in lesson.descents:
            out.append(Finding(("descent",), f"unknown descent {step.descent!r}{one_of(step.descent, lesson.descents, 'descents')}"))
        elif step.sweep is not None and step.sweep.name in lesson.sweeps:
            s, d = lesson.sweeps[step.sweep.name], lesson.descents[step.descent]
            if (s.of, s.by) != (d.of, d.by):
                out.append(Finding(("descent",), f"the descent follows {d.of} by {d.by} but the sweep draws {s.of} by {s.by}"))
    return out


def sweep_points_check(step: Any, ctx: Context) -> list[Finding]:
    """A point on a sweep's curve sits at the swept parameter's value in the lesson (``x: b3`` for a sweep by b3), where
    the curve's value is the lesson's quantity the sweep is of: both are the math core's, shown at their forms."""
    out: list[Finding] = []
    sweep = ctx.lesson.sweeps.get(step.sweep.name) if step.sweep is not None else None
    for i, p in enumerate(step.points):
        if p.curve is not None:
            out.append(Finding(("points", i, "curve"), "a point of a sweep's plot sits on the sweep's curve: leave curve out"))
        if sweep is not None and p.x != sweep.by and p.x not in _ends(ctx, sweep):
            ends = "".join(f" or {e}" for e in _ends(ctx, sweep))
            out.append(Finding(("points", i, "x"), f"a point of a sweep's plot sits at the swept parameter's value: write "
                                                   f"x: {sweep.by}{ends}, not {p.x!r}"))
        if p.cue is not None and (why := cue_problem(p.cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding(("points", i, "cue"), why))
    return out


def _ends(ctx: Context, sweep: Any) -> list[str]:
    """Where a descent of the swept loss by the swept parameter ends (``descent.final``): the bottom it walks to."""
    return [f"{name}.final" for name, d in ctx.lesson.descents.items() if (d.of, d.by) == (sweep.of, sweep.by)]


def _points(step: Any, ctx: Context, curve: Any, color: str, x_range: list[float], y_range: list[float]) -> list[dict]:
    """The points on the sweep's curve at the parameter's value, or where a descent of it ends (its quantity and the
    loss's there, the math core's, at their forms), each appearing at its cue, else at the first word that names its
    x or its y."""
    of, by = curve.of, curve.by
    y_name = ctx.fill(step.y_label) if step.y_label else of
    out, names = [], []
    for p in step.points:
        x_name, loss = (by, of) if p.x == by else (p.x, p.x.rpartition(".")[0] + ".final_loss")
        x, y = float(ctx.values[x_name]), float(ctx.values[loss])
        if not (x_range[0] <= x <= x_range[1] and y_range[0] <= y <= y_range[1]):
            raise PlanError(-1, f"the point at {x_name} = {x:.4g} ({of} {y:.4g}) lies outside the plot; widen x and y", ("points",))
        rx, tx = _stop_text(ctx, x_name, x)
        ry, ty = _stop_text(ctx, loss, y)
        out.append({"x": x, "y": y, "label": f"{by} {rx} {tx}, {y_name} {ry} {ty}", "color": color,
                    "name": ctx.fill(p.label) if p.label else "", "cues": [p.cue] if p.cue else [], "named": []})
        names.append([x_name, loss])
    for name, i in highlights.pointing(step, ctx, list(enumerate(names))):
        if step.points[i].cue is None:
            out[i]["cues"] = list(dict.fromkeys([*out[i]["cues"], name]))
        out[i]["named"].append(name)
    return out


def _plain(text: str) -> str:
    return text.replace("-", MINUS)


def _shown(value: float, d: int) -> tuple[str, str]:
    """The value at ``d`` decimals and the relation that says so: '=' only when it is exact."""
    text = digits.fixed(value, d)
    return ("=" if Decimal(text) == digits.decimal(value) else "≈"), _plain(text)


def _stop_text(ctx: Context, name: str, value: float) -> tuple[str, str]:
    """A descent's stop as a quantity of the lesson (at its form) and the relation that says so."""
    text = ctx.number(name, IN_TURN)  # the stops' labels replace one another as the dot moves
    exact = text[0] not in "<>" and Decimal(text.replace(MINUS, "-")) == digits.decimal(value)
    return ("=" if exact else "≈"), text


def clip(points: list[tuple[float, float]], y_range: list[float]) -> list[list[list[float]]]:
    """The polyline cut where it leaves the y range (crossings interpolated)."""
    lo, hi = y_range
    segments: list[list[list[float]]] = []
    current: list[list[float]] = []
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        in0, in1 = lo <= y0 <= hi, lo <= y1 <= hi
        if in0 and not current:
            current.append([x0, y0])
        if in0 != in1:
            edge = hi if max(y0, y1) > hi else lo
            t = (edge - y0) / (y1 - y0)
            cut = [x0 + t * (x1 - x0), edge]
            if in0:
                current.append(cut)
                segments.append(current)
                current = []
            else:
                current = [cut]
        if in1:
            current.append([x1, y1])
    if len(current) > 1:
        segments.append(current)
    return [s for s in segments if len(s) > 1]


def _hop(leg: list[list[float]], start: tuple[float, float], end: tuple[float, float], x_range: list[float],
         y_range: list[float]) -> list[list[float]]:
    """The dot's way from one stop to the next: along the curve while that only goes down, but a hop over the
    valley when the step jumps across the minimum (sliding through it would show the loss falling and rising
    again, which gradient descent never visits): an arc above the straight line between the two stops."""
    if len(leg) < 2 or min(y for _, y in leg) >= min(start[1], end[1]) - 1e-12:
        return leg
    # as high as a quarter of the hop's length on screen (a tiny step near the bottom hops a tiny bit), inside the plot
    across = abs(end[0] - start[0]) / (x_range[1] - x_range[0]) * (y_range[1] - y_range[0])
    lift = max(0.0, min(0.25 * across, y_range[1] - max(start[1], end[1])))
    n = 24
    return [[start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t + lift * 4 * t * (1 - t)]
            for t in (i / n for i in range(n + 1))]


def sweep_build(step: Any, ctx: Context) -> dict:
    d = ctx.decimals
    computed = ctx.numbers.computed if ctx.numbers is not None else None
    if computed is None or step.sweep.name not in computed.sweeps:
        raise PlanError(-1, f"no sweep named {step.sweep.name!r}", ("sweep",))
    curve = computed.sweeps[step.sweep.name]
    points = list(zip(curve.x, curve.y))
    x_range = list(step.x) if step.x is not None else [curve.x[0], curve.x[-1]]
    inside = [(x, y) for x, y in points if x_range[0] <= x <= x_range[1]]
    if len(inside) < 2:
        raise PlanError(-1, "the x range holds less than two of the sweep's values; widen x or the sweep's range", ("x",))
    walk = computed.descents.get(step.descent) if step.descent else None
    stops = list(walk.stops) if walk else []
    if step.y is not None:
        y_range = list(step.y)
    else:
        ys = [y for _, y in inside] + [y for x, y in stops if x_range[0] <= x <= x_range[1]]
        lo, hi = min(0.0, *ys), max(ys)
        pad = 0.08 * (hi - lo or 1.0)
        y_range = readable(lo - pad if lo < 0 else lo, hi + pad, 4, ("y",), "y")
    color = step.sweep.color or ctx.lesson.theme.accent
    data_curves = [{"name": ctx.fill(step.sweep.label) if step.sweep.label else "", "color": color,
                    "segments": clip(inside, y_range), "cues": [step.sweep.cue] if step.sweep.cue else [],
                    "seconds": step.sweep.seconds}]

    walk_data = None
    if walk is not None:
        for i, (x, y) in enumerate(stops):
            if not (x_range[0] <= x <= x_range[1] and y_range[0] <= y <= y_range[1]):
                raise PlanError(-1, f"step {i + 1} of the descent, at {walk.by} = {x:.4g} (loss {y:.4g}), lies outside the plot; "
                                "widen x and y (or the sweep's range)", ("descent",))
        keep = list(range(len(stops)))
        if len(keep) > MAX_STOPS:
            keep = keep[:MAX_STOPS - 1] + [len(stops) - 1]
        legs = []
        for a, b in zip(keep, keep[1:]):
            leg: list[list[float]] = []
            for k in range(a, b):
                leg += [[x, y] for x, y in walk.legs[k]]
            legs.append(_hop(leg, stops[a], stops[b], x_range, y_range))
        y_name = ctx.fill(step.y_label) if step.y_label else walk.of
        used = {color, ctx.lesson.theme.accent}
        out_stops = []
        listed = ctx.values
        for k in keep:
            x, y = stops[k]
            last = k == len(stops) - 1
            x_name = f"{step.descent}.final" if last else f"{step.descent}.{k + 1}.value"
            y_name_k = f"{step.descent}.final_loss" if last else f"{step.descent}.{k + 1}.loss"
            rx, tx = _stop_text(ctx, x_name, x) if x_name in listed else _shown(x, d)
            ry, ty = _stop_text(ctx, y_name_k, y) if y_name_k in listed else _shown(y, d)
            out_stops.append({"x": x, "y": y, "label": f"{walk.by} {rx} {tx}, {y_name} {ry} {ty}", "cues": [],
                              "names": [x_name, y_name_k]})
            if step.descent_tangent is not False and walk.slopes:  # the slope the step is taken by, as the tangent there
                out_stops[-1]["tangent"] = tangent_line(x, y, walk.slopes[k], x_range, y_range)
        # a stop the voice names (by its names, or by its value: "we start at b3 = −2.00" names the first) waits
        # for that word: b3 has reached its final value as the voice says so
        for name, k in highlights.pointing(step, ctx, [(k, stop.pop("names")) for k, stop in enumerate(out_stops)]):
            out_stops[k]["cues"].append(name)
        walk_data = {"color": next((c for c in PALETTE if c not in used), ctx.lesson.theme.text), "stops": out_stops,
                     "legs": legs, "cues": [step.walk_cue] if step.walk_cue else [],
                     # the tangent's first word (none: it comes in with the first stop)
                     "tangent_cues": [step.descent_tangent] if isinstance(step.descent_tangent, str) else []}
    return {
        "x_axis": {**axis(*x_range, 6, ("x",), "x range" if step.x is not None else f"range of the sweep {step.sweep.name!r}"),
                   "label": ctx.fill(step.x_label) if step.x_label else curve.by},
        "y_axis": {**axis(*y_range, 4, ("y",), "y range"),
                   "label": ctx.fill(step.y_label) if step.y_label else curve.of},
        "curves": data_curves,
        "points": _points(step, ctx, curve, color, x_range, y_range) if step.points else [],
        "tangents": [],
        "walk": walk_data,
    }
