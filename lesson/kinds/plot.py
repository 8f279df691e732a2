"""``plot``: axes with named functions of one variable, marked points, a tangent and a walk along a curve.

Every curve is sampled here, by the math core (``mathcore.functions``); every number drawn (ticks, the points'
equations, the tangent's slope) is text made here, each equation checked by the general truth rule
(:mod:`lesson.base.truth`). The scene only maps the given coordinates onto its axes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from lesson.base.errors import Finding
from lesson.base import digits, truth
from lesson.kinds import Context, StepKind, Where, highlights
from lesson.kinds import slide
from lesson.kinds.axes import PALETTE, axis, tangent_line
from lesson.base.record import decimals_of
from lesson.kinds.sweep_plot import sweep_build, sweep_check, sweep_points_check  # a sweep's curve and a descent's walk
from lesson.script import limits
from lesson.script.parts import Color, Finite, StepBase, Strict, _finite, template
from lesson.base.shown import EXTRA_DECIMALS, MINUS, PlanError, fmt, short
from mathcore.errors import MathError
from mathcore.functions import FUNCTIONS, derivative, sample, value
from lesson.base.hints import did_you_mean
from lesson.kinds.cues import cue_problems

FUNCTION_NAMES = tuple(FUNCTIONS)
FunctionName = Literal[FUNCTION_NAMES]  # type: ignore[valid-type]

# how each function is written in an equation on screen (the notation lesson.base.expr.to_tex uses too)
SYMBOLS = {"relu": "ReLU", "softplus": "softplus", "sigmoid": "σ", "identity": "id", "exp": "exp", "neg_log": MINUS + "log",
           "squared_residual": "SR"}
# the same function as lesson.base.truth reads it
EXPRESSIONS = {name: {"neg_log": "-log(z)", "squared_residual": "(1 - z)^2"}.get(name, f"{name}(z)") for name in FUNCTION_NAMES}
# functions whose derivative is exactly what the math core says at any shown number (0 or 1)
EXACT_SLOPES = ("relu", "identity")
SAMPLES = 240
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$")
MAX_POINTS = limits.PLOT_POINTS
MAX_WALK = limits.PLOT_WALK


# ---------------------------------------------------------------- options


def _number_or_name(v: Any) -> float | str:
    """A value typed in the script (a number) or the name of a placeholder (``hidden.1.1``, also ``{hidden.1.1}``)."""
    if isinstance(v, bool) or v is None:
        raise ValueError("write a number or a placeholder name such as hidden.1.1")
    if isinstance(v, (int, float)):
        return _finite(float(v))
    if isinstance(v, str):
        name = v.strip()
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1].strip()
        if len(name) <= limits.KEY_CHARS and NAME.fullmatch(name):
            return name
        raise ValueError(f"{v[:40]!r} is neither a number nor a placeholder name (such as hidden.1.1); write numbers without quotes")
    raise ValueError("write a number or a placeholder name such as hidden.1.1")


NumberOrName = Annotated[
    float | str,
    BeforeValidator(_number_or_name),
    Field(description="a number, or the name of a placeholder whose value is used (e.g. hidden.1.1)"),
]
Cue = Annotated[
    str, Field(max_length=limits.KEY_CHARS, description="a placeholder name, or sentence.N: appear when the voice gets there")
]


def _increasing(pair: tuple[float, float] | None, name: str) -> None:
    if pair is not None and not pair[0] < pair[1]:
        raise ValueError(f"{name} must be [low, high] with low < high, got [{pair[0]:g}, {pair[1]:g}]")


DrawSeconds = Annotated[float, Field(ge=0.5, le=6.0, description="how long drawing the curve takes (seconds)")]


class Curve(Strict):
    function: FunctionName = Field(description="relu, softplus, sigmoid, identity, exp or neg_log (−log)")
    label: template(limits.CELL_CHARS) | None = Field(None, description="the curve's name in the legend")
    symbol: template(limits.CELL_CHARS) | None = Field(None, description="how the function is written in equations (default: ReLU, σ, softplus, id, exp, −log)")
    color: Color | None = None
    cue: Cue | None = Field(None, description="drawn when the voice gets there, left to right (default: with the axes)")
    seconds: DrawSeconds = 1.5


def _one_or_list(v: Any) -> Any:
    return [v] if isinstance(v, dict) else v


class PlotPoint(Strict):
    curve: FunctionName | None = Field(None, description="the curve it sits on (default: the first)")
    x: NumberOrName
    label: template(limits.CELL_CHARS) | None = Field(None, description="a name written above the point's equation")
    cue: Cue | None = Field(None, description="when it appears (default: when x's placeholder is spoken)")


class Tangent(Strict):
    curve: FunctionName | None = Field(None, description="the curve (default: the first)")
    x: NumberOrName
    label: template(limits.CELL_CHARS) | None = Field(None, description="written before the slope instead of f′(x)")
    cue: Cue | None = None


class SweepCurve(Strict):
    """A sweep of the script's ``sweeps:`` section drawn as a curve: the loss (or an output) against a parameter."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="a sweep of sweeps:")]
    label: template(limits.CELL_CHARS) | None = Field(None, description="the curve's name in the legend")
    color: Color | None = None
    cue: Cue | None = Field(None, description="drawn when the voice gets there, left to right (default: with the axes)")
    seconds: DrawSeconds = 1.5


class SlideStop(Strict):
    """Where a slide's value goes next, and when it starts going there."""

    to: NumberOrName
    cue: Cue | None = Field(None, description="when this leg starts (default: as soon as the one before ends)")
    seconds: slide.Seconds = slide.SECONDS


class Slide(Strict):
    """The value x slides along the x axis, a dot rides each named curve, and each dot's equation follows it."""

    start: NumberOrName = Field(description="where x starts: a number or a placeholder")
    stops: list[SlideStop] = Field(min_length=1, max_length=slide.MAX_LEGS, description="where x goes, leg by leg")
    curves: list[FunctionName] = Field(default=[], max_length=limits.PLOT_CURVES,
                                       description="the curves a dot rides (default: the first)")
    tangents: bool = Field(False, description="each dot carries its curve's tangent, and its readout the slope there")


CAN_HIGHLIGHT = ("point",)  # a point appears at the first word that names it: its x, or the quantity its y is


class PlotStep(StepBase):
    kind: Literal["plot"]
    curves: list[Curve] = Field(default=[], max_length=limits.PLOT_CURVES)
    sweep: SweepCurve | None = Field(None, description="a sweep of sweeps: drawn as a curve (instead of curves)")
    descent: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")] | None = Field(
        None, description="a descent of descents: that walks down the sweep's curve, step by step")
    points: list[PlotPoint] = Field(default=[], max_length=MAX_POINTS)
    tangent: Annotated[list[Tangent], BeforeValidator(_one_or_list)] = Field(
        default=[], max_length=limits.PLOT_CURVES, description="a tangent {x, curve, label, cue}, or a list of them, each at its cue")
    walk: list[NumberOrName] | None = Field(
        None, min_length=2, max_length=MAX_WALK, description="x values a dot walks through along the first curve"
    )
    walk_cue: Cue | None = Field(None, description="when the walk starts (default: after the points and the tangent)")
    descent_tangent: bool | Cue = Field(False, description="the descent's dot carries the curve's tangent: at each stop, the "
                                        "slope the step is taken by (true: from the first stop on; a cue: from that word)")
    slide: Slide | None = Field(None, description="x slides from start through its stops, a dot and its equation following "
                                "each curve in every frame")
    highlight: highlights.Highlight = highlights.option("point", CAN_HIGHLIGHT)
    x: tuple[Finite, Finite] | None = Field(None, description="[low, high] of the x axis (default: from the points)")
    y: tuple[Finite, Finite] | None = Field(None, description="[low, high] of the y axis (default: from the curves)")
    x_label: template(limits.CELL_CHARS) | None = None
    y_label: template(limits.CELL_CHARS) | None = None

    @model_validator(mode="after")
    def _something_drawn(self) -> PlotStep:
        if not self.curves and self.sweep is None:
            raise ValueError("give curves (named functions) or a sweep to draw")
        if self.descent is not None and self.sweep is None:
            raise ValueError("a descent walks down a sweep's curve: add sweep: {name: ...}")
        return self

    @field_validator("x", "y")
    @classmethod
    def _range_increases(cls, pair: tuple[float, float] | None, info: ValidationInfo) -> tuple[float, float] | None:
        _increasing(pair, info.field_name or "the range")
        return pair


# ---------------------------------------------------------------- checks that need the whole lesson


def check_value(v: float | str, where: Where, ctx: Context) -> list[Finding]:
    """A placeholder used as a value must exist and hold a number."""
    if not isinstance(v, str):
        return []
    kind = ctx.placeholder_kinds.get(v)
    if kind is None:
        hint = did_you_mean(v, ctx.placeholder_kinds) or "; `lesson numbers` lists every name"
        return [Finding(where, f"unknown placeholder {v!r}{hint}")]
    if kind == "word":
        return [Finding(where, f"{v!r} is a word, not a number")]
    return []


def check_cue(cue: str | None, where: Where, step: Any, ctx: Context) -> list[Finding]:
    """A cue option: checked like every kind's cues (:func:`lesson.kinds.cues.cue_problem`)."""
    return cue_problems(cue, where, step, ctx)


def _check(step: PlotStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = highlights.check(step, "plot", CAN_HIGHLIGHT)
    if step.sweep is not None:  # said at what cannot go with the sweep
        for field in ("curves", "tangent", "walk", "slide"):
            if getattr(step, field):
                out.append(Finding((field,), f"a plot of a sweep takes no {field}: curves, a tangent and a walk go with "
                                      "named functions; a sweep's curve takes a descent (descent: NAME) that walks down it, "
                                      "and points at the parameter's value"))
        out += sweep_points_check(step, ctx)
        if out:
            return out
    drawn = [c.function for c in step.curves]
    for i, c in enumerate(step.curves):
        out += check_cue(c.cue, ("curves", i, "cue"), step, ctx)
    if len(set(drawn)) < len(drawn):
        out.append(Finding(("curves",), "the same function is drawn twice"))
    marks: list[tuple[Where, Any]] = [(("points", i), p) for i, p in enumerate(step.points)]
    for i, t in enumerate(step.tangent):
        marks.append((("tangent", i), t))
    for where, mark in marks:
        if mark.curve is not None and mark.curve not in drawn:
            out.append(Finding((*where, "curve"), f"{mark.curve!r} is not one of the plot's curves ({', '.join(drawn)})"))
        out += check_value(mark.x, (*where, "x"), ctx)
        out += check_cue(mark.cue, (*where, "cue"), step, ctx)
    for i, v in enumerate(step.walk or ()):
        out += check_value(v, ("walk", i), ctx)
    out += check_cue(step.walk_cue, ("walk_cue",), step, ctx)
    if step.descent_tangent is not False and step.descent is None:
        out.append(Finding(("descent_tangent",), "there is no descent to carry a tangent: add descent: NAME"))
    if isinstance(step.descent_tangent, str):
        out += check_cue(step.descent_tangent, ("descent_tangent",), step, ctx)
    if step.walk_cue is not None and not step.walk and step.descent is None:
        out.append(Finding(("walk_cue",), "there is no walk to start: add walk: [x1, x2, ...]"))
    if step.slide is not None:
        out += check_value(step.slide.start, ("slide", "start"), ctx)
        for i, c in enumerate(step.slide.curves):
            if c not in drawn:
                out.append(Finding(("slide", "curves", i), f"{c!r} is not one of the plot's curves ({', '.join(drawn)})"))
        for i, stop in enumerate(step.slide.stops):
            out += check_value(stop.to, ("slide", "stops", i, "to"), ctx)
            out += check_cue(stop.cue, ("slide", "stops", i, "cue"), step, ctx)
    out += sweep_check(step, ctx)
    if "neg_log" in drawn and step.x is not None and step.x[0] <= 0:
        out.append(Finding(("x",), f"−log is defined for positive numbers only: the x range must start above 0, not at {step.x[0]:g}"))
    return out


# ---------------------------------------------------------------- numbers and their texts


def value_of(v: float | str, ctx: Context, where: Where) -> float:
    if isinstance(v, str):
        got = ctx.values[v]
        if isinstance(got, str):
            raise PlanError(-1, f"{v!r} is a word, not a number", where)
        return float(got)
    return float(v)


def _plain(text: str) -> str:
    return text.replace("-", MINUS)


def _fn_symbol(curve: Curve, ctx: Context) -> str:
    return ctx.fill(curve.symbol) if curve.symbol else SYMBOLS[curve.function]


def _derivative_symbol(symbol: str) -> str:
    return f"({symbol})′" if symbol.startswith((MINUS, "-")) or " " in symbol else f"{symbol}′"


def point_equation(ctx: Context, fn: str, symbol: str, x: float, name: str | None, where: Where) -> tuple[str, float, str]:
    """``σ(−0.51) ≈ 0.38``: the function at ``x`` as shown (true at its digits), its value, and x as shown. ``name``
    is the quantity x is (a placeholder, shown at its form), or None for a number typed in the script (as typed)."""
    try:
        y = value(fn, x)
        if name is None:
            shown = ctx.show(EXPRESSIONS[fn], y, exact=("z",), values={"z": x})
        else:
            shown = ctx.show(re.sub(r"\bz\b", name, EXPRESSIONS[fn]), y, values={name: x})
    except (MathError, PlanError) as exc:
        raise PlanError(-1, f"{SYMBOLS[fn]} at {x:g}: {getattr(exc, 'message', exc)}", where) from None
    x_text = _plain(shown.operands[0].text)
    return f"{symbol}({x_text}) {shown.relation} {_plain(shown.result)}", y, x_text


def slope_equation(ctx: Context, fn: str, symbol: str, x: float, name: str | None, where: Where) -> tuple[str, str, float, str]:
    """The point's equation and the slope there, ``σ′(−0.51) ≈ 0.24``, with x shown the same way in both: at the
    fewest decimals (from those the point's equation needs) at which both come out right."""
    d, typed = ctx.decimals, name is None
    equation, y, x_text = point_equation(ctx, fn, symbol, x, name, where)
    try:
        slope = derivative(fn, x)
    except MathError as exc:
        raise PlanError(-1, f"the slope of {SYMBOLS[fn]} at {x:g}: {exc}", where) from None
    result = digits.fixed(slope, d)
    start = len(x_text.partition(".")[2])
    for k in ([start] if typed else range(start, d + EXTRA_DECIMALS + 1)):
        if not typed and k > start:  # more decimals of x: the point's equation must still hold
            x_text = _plain(digits.fixed(x, k))
            y_text = digits.fixed(y, d)
            expr = EXPRESSIONS[fn].replace("(z)", "(" + x_text.replace(MINUS, "-") + ")")
            relation = truth.APPROX  # x is rounded
            if not truth.verify(expr, relation, y_text):
                continue
            equation = f"{symbol}({x_text}) {relation} {_plain(y_text)}"
        shown_x = float(x_text.replace(MINUS, "-"))
        try:
            at_shown = derivative(fn, shown_x)
        except MathError:
            continue
        if digits.fixed(at_shown, d) != result:
            continue
        x_exact = Decimal(x_text.replace(MINUS, "-")) == digits.decimal(x)
        exact = fn in EXACT_SLOPES and x_exact and Decimal(result) == digits.decimal(at_shown)
        relation = truth.EQUALS if exact else truth.APPROX
        if name is not None and k > start:  # x needed more decimals here: its form in the lesson grows
            ctx.record.number(name, x_text)
            ctx.record.needs[name] = max(ctx.record.needs.get(name, 0), k)
        return equation, f"{_derivative_symbol(symbol)}({x_text}) {relation} {_plain(result)}", slope, relation
    raise PlanError(-1, f"no precision of x up to {d + EXTRA_DECIMALS} decimals shows both {SYMBOLS[fn]}({x:g}) and its slope "
                    "truthfully; change display.decimals", where)


def curve_segments(fn: str, x_range: Sequence[float], y_range: Sequence[float]) -> list[list[list[float]]]:
    """The curve sampled on the x range, cut where it leaves the y range (crossings interpolated on the chord)."""
    xs, ys = sample(fn, x_range[0], x_range[1], SAMPLES)
    pts = sorted({(float(x), float(y)) for x, y in zip(xs, ys)} | ({(0.0, 0.0)} if fn == "relu" and x_range[0] < 0 < x_range[1] else set()))
    lo, hi = y_range
    segments: list[list[list[float]]] = []
    current: list[list[float]] = []

    def inside(y: float) -> bool:
        return lo <= y <= hi

    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if inside(y0) and not current:
            current.append([x0, y0])
        if inside(y0) != inside(y1):  # crosses the edge: cut there
            edge = hi if max(y0, y1) > hi else lo
            t = (edge - y0) / (y1 - y0)
            cut = [x0 + t * (x1 - x0), edge]
            if inside(y0):
                current.append(cut)
                segments.append(current)
                current = []
            else:
                current = [cut]
        if inside(y1):
            current.append([x1, y1])
    if len(current) > 1:
        segments.append(current)
    return [s for s in segments if len(s) > 1]


def auto_x(step: PlotStep, xs: list[float]) -> list[float]:
    """The x range: the script's, or one around the marked values (−log: above 0)."""
    if step.x is not None:
        return list(step.x)
    positive = any(c.function == "neg_log" for c in step.curves)
    lo, hi = (0.02, 1.0) if positive else (-3.0, 3.0)
    if xs:
        span = max(max(xs) - min(xs), hi - lo)
        if min(xs) < lo:
            lo = min(xs) - 0.1 * span
        if max(xs) > hi:
            hi = max(xs) + 0.1 * span
    if positive and lo <= 0:
        lo = min(x for x in xs if x > 0) / 2
    return [lo, hi]


def auto_y(step: PlotStep, x_range: Sequence[float], ys: list[float], where: Where) -> list[float]:
    if step.y is not None:
        return list(step.y)
    for c in step.curves:
        try:
            ys += [float(y) for y in sample(c.function, x_range[0], x_range[1], SAMPLES)[1]]
        except MathError as exc:
            raise PlanError(-1, str(exc), ("curves",)) from None
    lo, hi = min(0.0, *ys), max(ys)
    if hi - lo < 1e-9:
        hi = lo + 1.0
    pad = 0.08 * (hi - lo)
    return [lo - pad, hi + pad]


def _inside(v: float | str, x: float, y: float, x_range: Sequence[float], y_range: Sequence[float], what: str, where: Where, d: int) -> None:
    at = f"x = {v} = {fmt(x, d)}" if isinstance(v, str) else f"x = {short(x)}"
    if not x_range[0] <= x <= x_range[1]:
        raise PlanError(-1, f"{what} at {at} lies outside the x range [{fmt(x_range[0], d)}, {fmt(x_range[1], d)}]", where)
    if not y_range[0] <= y <= y_range[1]:
        raise PlanError(-1, f"{what} at {at} has y = {fmt(y, d)}, outside the y range [{fmt(y_range[0], d)}, {fmt(y_range[1], d)}]; "
                        "widen y or leave it out", where)


def cues_of(v: float | str, cue: str | None) -> list[str]:
    if cue is not None:
        return [cue]
    return [v] if isinstance(v, str) else []


# ---------------------------------------------------------------- the plan


def build(step: PlotStep, ctx: Context) -> dict:
    if step.sweep is not None:
        return sweep_build(step, ctx)
    return build_curves(step, ctx)


def build_curves(step: PlotStep, ctx: Context) -> dict:
    d = ctx.decimals
    curves = {c.function: c for c in step.curves}
    first = step.curves[0].function
    colors = {c.function: c.color or (ctx.lesson.theme.accent if i == 0 else PALETTE[(i - 1) % len(PALETTE)]) for i, c in enumerate(step.curves)}

    marks = [(("points", i, "x"), p.curve or first, value_of(p.x, ctx, ("points", i, "x"))) for i, p in enumerate(step.points)]
    for i, t in enumerate(step.tangent):
        marks.append((("tangent", i, "x"), t.curve or first, value_of(t.x, ctx, ("tangent", i, "x"))))
    walk = [value_of(v, ctx, ("walk", i)) for i, v in enumerate(step.walk or ())]
    slid = [value_of(step.slide.start, ctx, ("slide", "start")),
            *(value_of(t.to, ctx, ("slide", "stops", i, "to")) for i, t in enumerate(step.slide.stops))] if step.slide else []
    xs = [x for _, _, x in marks] + walk + slid
    x_range = auto_x(step, xs)
    for where, fn, x in [*marks, *((("walk", i), first, x) for i, x in enumerate(walk))]:
        if fn == "neg_log" and x <= 0:
            raise PlanError(-1, f"−log is defined for positive numbers only, not at x = {fmt(x, d)}", where)
    ys = []
    for where, fn, x in [*marks, *((("walk", i), first, x) for i, x in enumerate(walk))]:
        try:
            ys.append(value(fn, x))
        except MathError as exc:
            raise PlanError(-1, str(exc), where) from None
    y_range = auto_y(step, x_range, ys, ("y",))

    data_curves = []
    for c in step.curves:
        try:
            segments = curve_segments(c.function, x_range, y_range)
        except MathError as exc:
            raise PlanError(-1, str(exc), ("x",)) from None
        data_curves.append({
            "name": ctx.fill(c.label) if c.label else "",
            "color": colors[c.function],
            "segments": segments,
            "cues": [c.cue] if c.cue else [],
            "seconds": c.seconds,
        })

    points = []
    names: list[list[str]] = []
    for i, p in enumerate(step.points):
        fn = p.curve or first
        where = ("points", i, "x")
        x = value_of(p.x, ctx, where)
        label, y, _ = point_equation(ctx, fn, _fn_symbol(curves[fn], ctx), x, p.x if isinstance(p.x, str) else None, where)
        _inside(p.x, x, y, x_range, y_range, "the point", where, d)
        points.append({
            "x": x, "y": y, "label": label, "color": colors[fn],
            "name": ctx.fill(p.label) if p.label else "",
            "cues": cues_of(p.x, p.cue), "named": [],
        })
        # what names the point: its x, and the lesson's quantity its y is (ReLU of the sum is the hidden node)
        names.append([*([p.x] if isinstance(p.x, str) else []), *([q] if (q := ctx.quantity_of(y)) is not None else [])])
    if step.highlight != "none":  # a point without a cue of its own appears at the first word that names it
        for name, i in highlights.pointing(step, ctx, list(enumerate(names))):
            if step.points[i].cue is None:  # the scene waits for the first of its cues the voice says
                points[i]["cues"] = list(dict.fromkeys([*points[i]["cues"], name]))
            points[i]["named"].append(name)  # once it is there, the marker moves onto it as the voice names it

    tangents = []
    for i, t in enumerate(step.tangent):
        fn = t.curve or first
        where = ("tangent", i, "x")
        x = value_of(t.x, ctx, where)
        symbol = _fn_symbol(curves[fn], ctx)
        label, slope_label, slope, relation = slope_equation(ctx, fn, symbol, x, t.x if isinstance(t.x, str) else None, where)
        y = value(fn, x)
        _inside(t.x, x, y, x_range, y_range, "the tangent's point", where, d)
        # the slope's line, "σ′(0.81) ≈ 0.21" or "<label> ≈ 0.21": its left side (which may hold the author's words)
        # and the relation with the number
        left, _, right = slope_label.rpartition(f" {relation} ")
        if t.label:
            left = ctx.fill(t.label)
        if any(p["x"] == x and p["label"] == label for p in points):  # a marked point says it already: the slope alone
            label = ""
        tangents.append({
            "x": x, "y": y, "slope": slope, "label": label, "name": left, "slope_text": f"{relation} {right}", "color": colors[fn],
            "line": tangent_line(x, y, slope, x_range, y_range), "cues": cues_of(t.x, t.cue),
        })

    walk_data = None
    if walk:
        symbol = _fn_symbol(curves[first], ctx)
        stops = []
        for i, (v, x) in enumerate(zip(step.walk or (), walk)):
            label, y, _ = point_equation(ctx, first, symbol, x, v if isinstance(v, str) else None, ("walk", i))
            _inside(v, x, y, x_range, y_range, f"walk stop {i + 1}", ("walk", i), d)
            stops.append({"x": x, "y": y, "label": label, "cues": cues_of(v, None)})
        legs = []
        for a, b in zip(walk, walk[1:]):
            if a == b:
                legs.append([[a, value(first, a)]])
                continue
            lo, hi = min(a, b), max(a, b)
            lx, ly = sample(first, lo, hi, 40)
            leg = [[float(x), float(y)] for x, y in zip(lx, ly)]
            legs.append(leg if a < b else leg[::-1])
        used = {*colors.values(), ctx.lesson.theme.accent}
        walk_color = next((c for c in PALETTE if c not in used), ctx.lesson.theme.text)
        walk_data = {"color": walk_color, "stops": stops, "legs": legs, "cues": [step.walk_cue] if step.walk_cue else []}

    return {
        "x_axis": {**axis(*x_range, 6, ("x",), "x range"), "label": ctx.fill(step.x_label) if step.x_label else ""},
        "y_axis": {**axis(*y_range, 4, ("y",), "y range"), "label": ctx.fill(step.y_label) if step.y_label else ""},
        "curves": data_curves,
        "points": points,
        "tangents": tangents,
        "walk": walk_data,
        "slide": _slide(step, ctx, curves, colors, x_range, y_range) if step.slide else None,
    }


@functools.lru_cache(maxsize=8192)  # the planner plans a lesson several times (its forms' fixed point): sampled once
def _sample_lines(fn: str, symbol: str, x: float, decimals: int, places: int, result_places: int, slope: bool) -> tuple[str, ...]:
    """A slide's readout at x (exact at its digits): the function's equation by the truth rule, and, with ``slope``, the
    slope there rounded ("=" only when that is exact)."""
    shown = truth.show(EXPRESSIONS[fn], {"z": x}, value(fn, x), decimals, padded=("z",), floors={"z": places},
                       result_places=result_places)
    x_text = _plain(shown.operands[0].text)
    lines = [f"{symbol}({x_text}) {shown.relation} {_plain(shown.result)}"]
    if slope:
        at = derivative(fn, x)
        text = digits.fixed(at, decimals)
        relation = truth.EQUALS if Decimal(text) == digits.decimal(at) else truth.APPROX
        lines.append(f"{_derivative_symbol(symbol)}({x_text}) {relation} {_plain(text)}")
    return tuple(lines)


def _slide(step: PlotStep, ctx: Context, curves: dict[str, Curve], colors: dict[str, str], x_range: Sequence[float],
           y_range: Sequence[float]) -> dict:
    """The slide's legs (:mod:`lesson.kinds.slide`): each dot's way along its curve and, at samples of x, its
    equation: at a value of the lesson (a placeholder) as the lesson shows it, elsewhere at x's form in the lesson
    with x exact there (a round value between), true at its digits by the truth rule."""
    spec = step.slide
    assert spec is not None
    fns = list(dict.fromkeys(spec.curves)) or [step.curves[0].function]
    symbols = {fn: _fn_symbol(curves[fn], ctx) for fn in fns}
    named = {spec.start, *(t.to for t in spec.stops)}
    # x's form: the start's (a placeholder's form, or the decimals a typed number needs), at least the lesson's
    places = max(ctx.decimals, *(ctx.places(v) if isinstance(v, str) else len(digits.typed(v).partition('.')[2]) for v in named))
    lesson_values = {value_of(v, ctx, ("slide",)): v for v in named if isinstance(v, str)}

    results: dict[str, int] = {}  # a curve's results at the decimals its equation at the start shows (else the lesson's)

    def readout(fn: str, x: float, where: Where) -> list[str]:
        if x in lesson_values:  # a value of the lesson: its equation (and slope) as the points show it (recorded)
            if spec.tangents:
                text, slope_text, _, _ = slope_equation(ctx, fn, symbols[fn], x, lesson_values[x], where)
            else:
                text, slope_text = point_equation(ctx, fn, symbols[fn], x, lesson_values[x], where)[0], ""
            results.setdefault(fn, decimals_of(text.rpartition(" ")[2]))
            return [text, slope_text] if slope_text else [text]
        try:
            return list(_sample_lines(fn, symbols[fn], x, ctx.decimals, places, results.get(fn, ctx.decimals), spec.tangents))
        except (MathError, truth.TruthError) as exc:
            raise PlanError(-1, f"{SYMBOLS[fn]} at {x:g}: {exc}", where) from None

    def tangents(fn: str, path: list[list[float]]) -> list[list[float]]:
        """The tangent's two ends at each point of a dot's path (cut at the plot's edges, as the tangent option's)."""
        out = []
        for share, px, py in path:
            (ax, ay), (bx, by) = tangent_line(px, py, derivative(fn, px), x_range, y_range)
            out.append([share, ax, ay, bx, by])
        return out

    x = value_of(spec.start, ctx, ("slide", "start"))
    legs = []
    for i, stop in enumerate(spec.stops):
        where: Where = ("slide", "stops", i, "to")
        end = value_of(stop.to, ctx, where)
        for fn in fns:
            if fn == "neg_log" and min(x, end) <= 0:
                raise PlanError(-1, f"−log is defined for positive numbers only, not at x = {fmt(min(x, end), ctx.decimals)}", where)
            try:
                ys = [value(fn, v) for v in (x, end)]
            except MathError as exc:
                raise PlanError(-1, str(exc), where) from None
            for v, y in zip((x, end), ys):
                _inside(stop.to if v == end else spec.start, v, y, x_range, y_range, "the slide", where, ctx.decimals)
        xs = slide.grid(x, end, places, slide.most_samples(stop.seconds))
        paths = [slide.path(x, end, lambda v, fn=fn: value(fn, v)) for fn in fns]
        legs.append({
            "cues": [stop.cue] if stop.cue else [],
            "seconds": stop.seconds,
            "paths": paths,
            "tangents": [tangents(fn, path) for fn, path in zip(fns, paths)] if spec.tangents else None,
            "samples": [{"at": at, "texts": [readout(fn, v, where) for fn in fns]}
                        for at, v in zip(slide.sample_shares(x, end, xs), xs)],
        })
        x = end
    return {"riders": [{"color": colors[fn]} for fn in fns], "legs": legs}



KINDS = (
    StepKind("plot", PlotStep, build, "scenes.plot:PlotScene",
             "axes with named functions (ReLU, σ, softplus, exp, −log…): marked points with their values, a tangent, a walk; "
             "or a sweep of a loss with gradient descent walking down it",
             check=_check, code=("lesson.kinds.sweep_plot", "lesson.kinds.axes", "lesson.numbers.computed", "lesson.kinds.slide",
                                 "scenes.slide")),
)
