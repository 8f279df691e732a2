"""``fitted_curve``: the network's output against one input over a range (the fitted curve, or "squiggle"), with the
examples' observed values as points and their residuals as segments; optionally how the curve is built: each node of
the last hidden layer's activation curve scaled by its weight into the output, their sum, and the sum shifted by the
output's bias. Each part appears at its cue.

Every curve is sampled by the math core (:func:`mathcore.curves.fitted`) from the lesson's network (with the values
``parameters:`` gives); the builder only cuts the curves to the axes and writes the ticks and labels.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from mathcore import Dense, MathError, Network
from mathcore.curves import fitted
from lesson.base.errors import Finding
from lesson.base import truth
from lesson.base.hints import one_of
from lesson.kinds import Context, StepKind, highlights
from lesson.kinds.cues import narration_cues, sentences
from lesson.kinds.axes import PALETTE, axis, readable
from lesson.kinds.plot import Cue, NumberOrName, check_cue, check_value, value_of
from lesson.kinds.sweep_plot import clip
from lesson.script import limits
from lesson.script.parts import Finite, Identifier, StepBase, Strict, template
from lesson.script.placeholders import fill
from lesson.base.shown import MINUS, PlanError

SAMPLES = 161
SHOWS = ("parts", "sum", "curve", "points", "residuals")


class FitStage(Strict):
    """One thing drawn, at its cue: the scaled hidden curves (parts), their sum, the fitted curve (the sum plus the
    output's bias), the examples' observed values (points) or their residuals."""

    show: Literal[SHOWS]  # type: ignore[valid-type]
    label: template(limits.CELL_CHARS) | None = Field(None, description="the legend's name for sum or curve (default: the output's label for curve)")
    labels: list[template(limits.CELL_CHARS)] | None = Field(None, max_length=8, description="parts: one legend name per hidden node")
    cue: Cue | None = Field(None, description="when it appears (default: one after another, with the sentences)")


CAN_HIGHLIGHT = ("point",)  # an example's point the voice names (its input, observed, predicted value) once drawn


class FittedCurveStep(StepBase):
    kind: Literal["fitted_curve"]
    input: Identifier | None = Field(None, description="the input along the x axis (default: the first); the others stay at the example's values")
    output: Identifier | None = Field(None, description="the output drawn (default: the first)")
    x: tuple[Finite, Finite] | None = Field(None, description="[low, high] of the input, in its units (default: its range)")
    y: tuple[Finite, Finite] | None = Field(None, description="[low, high] of the y axis (default: from the curves and points)")
    bias: NumberOrName | None = Field(None, description="the output's bias for the fitted curve (a number or a placeholder such as walk.final; default: the network's)")
    examples: list[Identifier] | None = Field(None, min_length=1, max_length=limits.EXAMPLES_MAX,
                                              description="the examples drawn as points (default: all of examples:)")
    stages: list[FitStage] = Field(default_factory=lambda: [FitStage(show="curve"), FitStage(show="points")], min_length=1, max_length=6)
    x_label: template(limits.CELL_CHARS) | None = None
    highlight: highlights.Highlight = highlights.option("point", CAN_HIGHLIGHT)
    y_label: template(limits.CELL_CHARS) | None = None

    @model_validator(mode="after")
    def _each_once(self) -> FittedCurveStep:
        shows = [s.show for s in self.stages]
        if len(set(shows)) != len(shows):
            raise ValueError("each of parts, sum, curve, points, residuals at most once")
        if self.x is not None and not self.x[0] < self.x[1]:
            raise ValueError("x must be [low, high] with low < high")
        if self.y is not None and not self.y[0] < self.y[1]:
            raise ValueError("y must be [low, high] with low < high")
        return self


def _check(step: FittedCurveStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = highlights.check(step, "fitted_curve", CAN_HIGHLIGHT)
    net = ctx.lesson.network
    if net is None:
        return out
    inputs = [i.name for i in net.inputs]
    outputs = [c.name for c in net.classes]
    if step.input is not None and step.input not in inputs:
        out.append(Finding(("input",), f"unknown input {step.input!r}{one_of(step.input, inputs, 'inputs')}"))
    if step.output is not None and step.output not in outputs:
        out.append(Finding(("output",), f"unknown output {step.output!r}{one_of(step.output, outputs, 'outputs')}"))
    for i, e in enumerate(step.examples or []):
        if e not in ctx.lesson.examples:
            out.append(Finding(("examples", i), f"unknown example {e!r}{one_of(e, ctx.lesson.examples, 'examples')}"))
    if step.bias is not None:
        out += check_value(step.bias, ("bias",), ctx)
    for i, s in enumerate(step.stages):
        at = ("stages", i)
        if s.show in ("points", "residuals"):
            if net.output != "identity":
                out.append(Finding((*at, "show"), f"{s.show}: a classifier's examples have a class, not a value to plot; points and "
                            "residuals are a regression's (output: identity)"))
            elif not (step.examples or ctx.lesson.examples):
                out.append(Finding((*at, "show"), f"{s.show}: there are no examples to draw: add an examples: section"))
        if s.show in ("parts", "sum") and (len(net.layers) < 2 or net.layers[-1].activation != "identity"):
            out.append(Finding((*at, "show"), f"{s.show}: the fitted curve is the sum of the last hidden layer's scaled curves only "
                        "when there is a hidden layer and the output layer's activation is identity"))
        if s.labels is not None and s.show != "parts":
            out.append(Finding((*at, "labels"), "labels (one per hidden node) go with show: parts; use label"))
        if s.label is not None and s.show not in ("sum", "curve"):
            out.append(Finding((*at, "label"), "a legend name (label) goes with sum or curve; parts take labels"))
        if s.labels is not None and len(net.layers) >= 2 and len(s.labels) != len(net.layers[-2].weights):
            out.append(Finding((*at, "labels"), f"give one label per node of the last hidden layer ({len(net.layers[-2].weights)})"))
        out += check_cue(s.cue, (*at, "cue"), step, ctx)
    if any(s.show == "residuals" for s in step.stages) and not any(s.show == "curve" for s in step.stages):
        out.append(Finding(("stages",), "residuals run from the points to the fitted curve: show curve too"))
    return out


def _network(ctx: Context) -> Network:
    nums = ctx.numbers
    assert nums is not None
    return Network(tuple(Dense(np.array(l.weights), np.array(l.bias), l.activation) for l in nums.layers))


def _plain(text: str) -> str:
    """A filled-in label with the minus sign of the numbers it holds (−1.22, not -1.22)."""
    return re.sub(r"(?<![\w.])-(?=[\d.])", MINUS, text)


def build(step: FittedCurveStep, ctx: Context) -> dict:
    lesson, nums, d = ctx.lesson, ctx.numbers, ctx.decimals
    assert lesson.network is not None and nums is not None
    spec = lesson.network
    net = _network(ctx)
    k = [i.name for i in spec.inputs].index(step.input) if step.input else 0
    o = [c.name for c in spec.classes].index(step.output) if step.output else 0
    lo_in, hi_in = spec.inputs[k].range
    x_range = list(step.x) if step.x is not None else [lo_in, hi_in]
    raw_x = np.linspace(x_range[0], x_range[1], SAMPLES)
    base = np.array([i.scaled for i in nums.inputs])
    rows = np.tile(base, (SAMPLES, 1))
    rows[:, k] = (raw_x - lo_in) / (hi_in - lo_in)  # min-max scaled, as the network sees it (mathcore.minmax_scale)
    bias = np.array(net.layers[-1].bias)
    if step.bias is not None:
        bias[o] = value_of(step.bias, ctx, ("bias",))
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            curve = fitted(net, rows, bias)
            own = fitted(net, rows)
    except MathError as exc:
        raise PlanError(-1, f"the network's output cannot be drawn over this range: {exc}", ("x",)) from None

    names = list(lesson.examples) if step.examples is None else list(step.examples)
    computed = nums.computed.values if nums.computed is not None else {}
    points: list[tuple[float, float, float]] = []  # x, observed, predicted on the drawn curve
    if any(s.show in ("points", "residuals") for s in step.stages):
        ex_rows = []
        for e in names:
            x_e = np.array([computed[f"example.{e}.input.{i.name}"] for i in spec.inputs], dtype=float)
            ex_rows.append(x_e)
        at = fitted(net, np.array(ex_rows), bias).outputs[:, o]
        for e, pred in zip(names, at):
            points.append((float(computed[f"example.{e}.raw_input.{spec.inputs[k].name}"]),
                           float(computed[f"example.{e}.observed.{spec.classes[o].name}"]), float(pred)))

    xs = [float(v) for v in raw_x]
    series: dict[str, list[np.ndarray]] = {"curve": [curve.outputs[:, o]], "sum": [own.parts[:, o, :].sum(axis=-1)],
                                           "parts": [curve.parts[:, o, j] for j in range(curve.parts.shape[-1])]}
    shows = [s.show for s in step.stages]
    ys = [v for s in shows if s in series for arr in series[s] for v in arr]
    ys += [y for _, y, _ in points] + ([p for _, _, p in points] if "residuals" in shows else [])
    if not np.all(np.isfinite(ys)):
        raise PlanError(-1, "the network's output is not a number somewhere in this range; narrow x", ("x",))
    if step.y is not None:
        y_range = list(step.y)
    else:
        lo, hi = min(ys), max(ys)
        pad = 0.08 * (hi - lo or 1.0)
        # room above the curves for the legend's rows (a corner the curves leave free)
        rows = sum(len(series["parts"]) if s == "parts" else 1 for s in shows if s in series)
        y_range = readable(lo - pad, hi + pad + 0.1 * rows * (hi - lo or 1.0), 5, ("y",), "y")
    for x, y, p in points:
        if not (x_range[0] <= x <= x_range[1] and y_range[0] <= y <= y_range[1] and ("residuals" not in shows or y_range[0] <= p <= y_range[1])):
            raise PlanError(-1, f"an example at {x:.4g} lies outside the plot; widen x and y", ("x",))

    hidden = lesson.network.layers[-2] if len(lesson.network.layers) > 1 else None
    node_names = (hidden.nodes or [f"h{j + 1}" for j in range(len(hidden.weights))]) if hidden else []
    weights = lesson.network.layers[-1].weights[o]
    color = lesson.network.classes[o].color
    used = {color}
    palette = [c for c in PALETTE if c not in used] + [lesson.theme.text, lesson.theme.muted]
    stages = []
    n_sentences = sentences(narration_cues(step.narration))
    for i, s in enumerate(step.stages):
        # by default one stage a sentence, from the second (the first introduces the plot)
        cues = [s.cue] if s.cue else ([f"sentence.{i + 2}"] if i + 2 <= n_sentences else [])
        stage: dict[str, Any] = {"cues": cues, "curves": [], "dots": [], "segments": []}
        if s.show == "parts":
            for j, arr in enumerate(series["parts"]):
                w = truth.typed(float(net.layers[-1].weights[o, j]))
                label = _plain(fill(s.labels[j], ctx.values, d) if s.labels else f"{w} × {node_names[j]}")
                stage["curves"].append({"name": label, "color": palette[j % len(palette)], "dashed": True,
                                        "segments": clip(list(zip(xs, map(float, arr))), y_range)})
        elif s.show == "sum":
            label = _plain(fill(s.label, ctx.values, d)) if s.label else _plain(" + ".join(f"{truth.typed(float(w))} × {n}" for w, n in zip(weights, node_names))).replace("+ " + MINUS, MINUS + " ")
            stage["curves"].append({"name": label, "color": lesson.theme.muted, "dashed": False,
                                    "segments": clip(list(zip(xs, map(float, series["sum"][0]))), y_range)})
        elif s.show == "curve":
            label = _plain(fill(s.label, ctx.values, d)) if s.label else (lesson.network.classes[o].label or lesson.network.classes[o].name)
            stage["curves"].append({"name": label, "color": color, "dashed": False,
                                    "segments": clip(list(zip(xs, map(float, series["curve"][0]))), y_range)})
        elif s.show == "points":
            stage["dots"] = [{"x": x, "y": y, "color": lesson.theme.text} for x, y, _ in points]
        else:
            stage["segments"] = [{"from": [x, y], "to": [x, p], "color": lesson.theme.accent} for x, y, p in points]
        stages.append(stage)
    label_x = fill(step.x_label, ctx.values, d) if step.x_label else (spec.inputs[k].label or spec.inputs[k].name)
    label_y = fill(step.y_label, ctx.values, d) if step.y_label else (lesson.network.classes[o].label or lesson.network.classes[o].name)
    return {
        "x_axis": {**axis(*x_range, 5, ("x",), "x range"), "label": label_x},
        "y_axis": {**axis(*y_range, 5, ("y",), "y range"), "label": label_y},
        "curves": [],
        "points": [],
        "tangents": [],
        "walk": None,
        "stages": stages,
        "pointing": _points_named(step, ctx, names, spec.inputs[k].name, spec.classes[o].name) if points else [],
    }


def _points_named(step: Any, ctx: Context, examples: list[str], x_name: str, output: str) -> list[list]:
    """``[cue, example's index]`` for each value of an example the voice names (its input, observed or predicted
    value, its residual; by name or by value): the scene boxes its point at that word, once the points are drawn."""
    if step.highlight == "none":
        return []
    values = ctx.values
    targets = [(j, [n for n in (f"example.{e}.raw_input.{x_name}", f"example.{e}.observed.{output}",
                                f"example.{e}.observed", f"example.{e}.predicted.{output}", f"example.{e}.predicted",
                                f"example.{e}.residual.{output}", f"example.{e}.residual") if n in values])
               for j, e in enumerate(examples)]
    return [[name, j] for name, j in highlights.pointing(step, ctx, targets)]


KINDS = (StepKind("fitted_curve", FittedCurveStep, build, "scenes.fitted_curve:FittedCurveScene",
                  "the network's output against one input: the fitted curve, the data and residuals; how the hidden nodes' scaled curves add and shift into it",
                  check=_check, code=("lesson.kinds.plot", "lesson.kinds.axes", "lesson.kinds.sweep_plot", "scenes.plot", "mathcore.curves",
                        "lesson.kinds.slide", "scenes.slide"),
                  needs_network=True),)
