"""The numbers of the script's computations (``examples:``, ``losses:``, ``gradients:``, ``sweeps:``,
``descents:``, ``define:``), every one from the math core; ``define:`` is evaluated by :mod:`lesson.base.expr`.

:func:`compute` returns them as plain data, or the problems it met, each at its place in the script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

import mathcore
from mathcore import autodiff as ad
from lesson.base import expr
from lesson.numbers import objectives
from lesson.numbers.datasets import BUILTIN, read_table, relabel
from lesson.base.errors import LessonError
from lesson.script import limits
from lesson.script.computations import STEP_FIELDS, listed_steps, parameter_index
from lesson.base.hints import one_of
from lesson.script.computations import uses_computations
from lesson.script.names import hidden_node_keys
from lesson.script.names import kinds as placeholder_kinds

if TYPE_CHECKING:
    from lesson.script.model import Lesson

# the script's loss names -> the math core's losses (on a classifier: squared residuals of the SoftMax values; on a
# regression, output: identity, of the outputs themselves)
LOSSES = {"cross_entropy": "cross_entropy", "squared_residuals": "softmax_squared_residuals"}
REGRESSION_LOSSES = {"squared_residuals": "squared_residuals", "mse": "mse"}
LEG_SAMPLES = 24  # points of the curve between two steps of a descent's walk, at the most
LEG_POINTS_MAX = 4000  # points of all the legs of one walk


class ComputeProblem(Exception):
    def __init__(self, where: tuple, message: str) -> None:
        super().__init__(message)
        self.where, self.message = where, message


@dataclass(frozen=True)
class Curve:
    """A sweep: the parameter's values and the swept quantity at each."""

    by: str
    of: str
    x: tuple[float, ...]
    y: tuple[float, ...]


@dataclass(frozen=True)
class Walk:
    """A descent: each step's (value, loss), the final one, and the curve between consecutive values."""

    by: str
    of: str
    stops: tuple[tuple[float, float], ...]
    legs: tuple[tuple[tuple[float, float], ...], ...]
    slopes: tuple[float, ...] = ()  # the gradient at each stop (the math core's; the last: at the final value)


@dataclass(frozen=True)
class Computed:
    values: dict[str, float | int | str] = field(default_factory=dict)
    sweeps: dict[str, Curve] = field(default_factory=dict)
    descents: dict[str, Walk] = field(default_factory=dict)
    doc: dict[str, Any] = field(default_factory=dict)
    # each named example's forward pass: every layer's weighted sums and values (the network kind's examples:)
    forward: dict[str, tuple[tuple[tuple[float, ...], ...], tuple[tuple[float, ...], ...]]] = field(default_factory=dict)


EMPTY = Computed()


def parameter_of(lesson: Lesson, name: str) -> mathcore.Parameter:
    index, problems = parameter_index(lesson, lesson.parameters[name])
    if index is None:
        raise ComputeProblem(("parameters", name), problems[0][1])
    layer, kind, row, column = index
    return mathcore.Parameter(layer, kind, row, column)  # type: ignore[arg-type]


def network(lesson: Lesson) -> mathcore.Network:
    """The script's network with the values that ``parameters:`` gives."""
    assert lesson.network is not None
    net = mathcore.Network(
        tuple(mathcore.Dense(np.array(l.weights), np.array(l.bias), l.activation) for l in lesson.network.layers)
    )
    for name, spec in lesson.parameters.items():
        if spec.value is not None:
            net = mathcore.with_parameter(net, parameter_of(lesson, name), spec.value)
    return net


def walk_legs(stops: list[tuple[float, float]], curve: Callable[[np.ndarray], Any]) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The curve between each two stops of a descent, every leg's points in one call of ``curve`` (the swept value
    at an array of parameter values): a leg gets points as its share of the walk's width (at least 3, to see whether
    it dips across the minimum), so 1000 small steps cost little."""
    xs = [x for x, _ in stops]
    span = (max(xs) - min(xs)) or 1.0
    counts = [min(LEG_SAMPLES, max(3, math.ceil(LEG_SAMPLES * abs(b - a) / span))) for a, b in zip(xs, xs[1:])]
    if sum(counts) > LEG_POINTS_MAX:  # a walk that bounces across the valley many times
        counts = [max(3, n * LEG_POINTS_MAX // sum(counts)) for n in counts]
    grids = [np.linspace(a, b, n) for a, b, n in zip(xs, xs[1:], counts) if a != b]
    ys_all = iter(curve(np.concatenate(grids)) if grids else ())
    legs: list[tuple[tuple[float, float], ...]] = []
    for a, b, n in zip(xs, xs[1:], counts):
        if a == b:
            legs.append(((a, stops[0][1]),))
            continue
        legs.append(tuple((float(x), float(next(ys_all))) for x in np.linspace(a, b, n)))
    return tuple(legs)


def compute(lesson: Lesson, base: Path, allow_outside: bool = False) -> Computed:
    """Every computation of the script; :class:`ComputeProblem` at the first one the math core cannot do. (The
    script's work budget, lesson.numbers.work, is checked before: :func:`lesson.numbers.compute.compute`.)

    Kept for the same script and data file in this process: ``lesson check``, ``numbers`` and the planner of one
    command (and a render after its check) compute once. The caller gets its own copy to add to."""
    data = lesson.data.file if lesson.data is not None else None
    key = (lesson.model_dump_json(), str(base.resolve()), allow_outside, _file_state(base, data))
    found = _computed.get(key)
    if found is None:
        found = _computed[key] = _compute(lesson, base, allow_outside)
        while len(_computed) > 4:
            del _computed[next(iter(_computed))]
    return replace(found, values=dict(found.values), doc=dict(found.doc))  # the caller adds values and define:


_computed: dict[tuple, Computed] = {}


def _file_state(base: Path, name: str | None) -> tuple:
    """What tells a data file's content apart cheaply: its size and when it was changed (nothing for 'iris')."""
    if name is None or name in BUILTIN:
        return ()
    try:
        st = (base / name).stat()
    except (OSError, RuntimeError, ValueError):
        return ("unreadable",)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _compute(lesson: Lesson, base: Path, allow_outside: bool) -> Computed:
    if lesson.network is None or not (uses_computations(lesson) or lesson.data is not None):
        return EMPTY if lesson.network is None else Computed(values=_counts(network(lesson)))
    spec = lesson.network
    net = network(lesson)
    classes = [c.name for c in spec.classes]
    labels = [c.label or c.name for c in spec.classes]
    names = [i.name for i in spec.inputs]
    lows = np.array([i.range[0] for i in spec.inputs])
    highs = np.array([i.range[1] for i in spec.inputs])
    values: dict[str, float | int | str] = _counts(net)
    doc: dict[str, Any] = {"parameters": {}, "examples": {}, "losses": {}, "gradients": {}, "sweeps": {}, "descents": {}, "define": {}}
    params = {name: parameter_of(lesson, name) for name in lesson.parameters}
    for name, p in params.items():
        values[name] = doc["parameters"][name] = p.value(net)

    # the examples: inputs, observed class
    observed_rows: dict[str, np.ndarray] = {}
    rows = _rows(lesson, base, allow_outside, values, observed_rows)  # type: ignore[arg-type]
    scaled_of: dict[str, np.ndarray] = {}
    label_of: dict[str, int] = {}
    observed_of: dict[str, np.ndarray] = {}  # a regression's observed values
    regression = spec.output == "identity"
    for e, ex in lesson.examples.items():
        if ex.scaled is not None or ex.raw is not None:
            given = ex.scaled if ex.scaled is not None else ex.raw
            x = np.array([given[n] for n in names], dtype=float)  # type: ignore[index]
            scaled = x if ex.scaled is not None else mathcore.minmax_scale(x, lows, highs)
            observed = ex.label
        else:
            row, raw, observed = rows[e]
            scaled = mathcore.minmax_scale(raw, lows, highs)
            values[f"example.{e}.row"] = row
        if regression:
            if not np.all(np.abs(scaled) <= limits.SCALED_INPUT_MAX):
                raise ComputeProblem(("examples", e), f"its inputs scale to {np.round(scaled, 4).tolist()}; scaled inputs must lie within ±{limits.SCALED_INPUT_MAX:g}")
            got = ex.observed
            if e in observed_rows:
                observed_of[e] = observed_rows[e]
            else:
                observed_of[e] = np.array([got[c] for c in classes] if isinstance(got, dict) else [got], dtype=float)
            scaled_of[e], label_of[e] = scaled, -1
            continue
        if observed not in classes:
            raise ComputeProblem(("examples", e), f"its class {observed!r} is not a class of the network (classes: {', '.join(classes)})")
        if not np.all(np.abs(scaled) <= limits.SCALED_INPUT_MAX):
            raise ComputeProblem(("examples", e), f"its inputs scale to {np.round(scaled, 4).tolist()}; scaled inputs must lie within ±{limits.SCALED_INPUT_MAX:g}")
        scaled_of[e], label_of[e] = scaled, classes.index(observed)
    forward: dict[str, tuple] = {}
    for e in lesson.examples:
        run = net.forward(scaled_of[e])
        forward[e] = (tuple(tuple(map(float, z)) for z in run.pre), tuple(tuple(map(float, h)) for h in run.post))
        if not all(np.all(np.abs(h) <= limits.HIDDEN_MAX) for h in (*run.pre[:-1], *run.post[:-1])):
            raise ComputeProblem(("examples", e), f"a hidden node's value must lie within ±{limits.HIDDEN_MAX:g}")
        for k, layer in enumerate(spec.layers[:-1], start=1):
            for n, keys in enumerate(hidden_node_keys(k, len(layer.weights), layer.nodes)):
                for key in keys:
                    values[f"example.{e}.{key}"] = float(run.post[k - 1][n])
                    values[f"example.{e}.{key.replace('hidden.', 'sum.', 1)}"] = float(run.pre[k - 1][n])
        if regression:
            _regression_example(values, doc, e, net(scaled_of[e]), observed_of[e], scaled_of[e], names, classes, lows, highs)
            continue
        x, y = scaled_of[e], label_of[e]
        z = net(x)
        if not np.all(np.abs(z) <= limits.RAW_OUTPUT_MAX):
            raise ComputeProblem(("examples", e), f"a raw output comes to {float(np.max(np.abs(z))):.4g}; it must lie within ±{limits.RAW_OUTPUT_MAX:g}")
        p = mathcore.softmax(z)
        at = f"example.{e}."
        raw = mathcore.minmax_unscale(x, lows, highs)
        for i, n in enumerate(names):
            values[f"{at}input.{n}"], values[f"{at}raw_input.{n}"] = float(x[i]), float(raw[i])
        for c, name in enumerate(classes):
            values[f"{at}raw.{name}"], values[f"{at}softmax.{name}"], values[f"{at}exp.{name}"] = float(z[c]), float(p[c]), float(np.exp(z[c]))
        values[f"{at}prediction"] = labels[int(np.argmax(z))]
        values[f"{at}observed"] = labels[y]
        values[f"{at}p_observed"] = float(p[y])
        values[f"{at}cross_entropy"] = float(mathcore.losses(net, x, [y], "cross_entropy")[0])
        values[f"{at}squared_residuals"] = float(mathcore.losses(net, x, [y], LOSSES["squared_residuals"])[0])
        doc["examples"][e] = {"inputs": dict(zip(names, map(float, x))), "observed": classes[y], "raw_outputs": dict(zip(classes, map(float, z))),
                              "softmax": dict(zip(classes, map(float, p))), "cross_entropy": values[f"{at}cross_entropy"],
                              "squared_residuals": values[f"{at}squared_residuals"]}

    def batch(loss_name: str) -> tuple[list[str], np.ndarray, np.ndarray, str]:
        loss = lesson.losses[loss_name]
        members = list(loss.examples or lesson.examples)
        if regression:
            return members, np.array([scaled_of[e] for e in members]), np.array([observed_of[e] for e in members]), REGRESSION_LOSSES[loss.loss]
        return members, np.array([scaled_of[e] for e in members]), np.array([label_of[e] for e in members]), LOSSES[loss.loss]

    for name in lesson.losses:
        members, xb, yb, kind = batch(name)
        each = mathcore.losses(net, xb, yb, kind) if kind in mathcore.LOSSES else ad.loss_of(kind, ad.constant(net(xb), 1), yb).v
        values[name] = float(np.sum(each))
        values[f"{name}.count"] = len(members)
        for e, v in zip(members, each):
            values[f"{name}.{e}"] = float(v)
        doc["losses"][name] = {"total": values[name], "examples": {e: float(v) for e, v in zip(members, each)}}
    setting = _setting(lesson, net, params, scaled_of, label_of, observed_of, values, batch)
    follows = {s.of for s in (*lesson.gradients.values(), *lesson.sweeps.values(), *lesson.descents.values())}
    defined = _defined(lesson) if follows & set(lesson.define) else {}
    for name, g in lesson.gradients.items():
        f = _function(setting, g.of, defined, ("gradients", name, "of"))
        try:
            total_grad = float(ad.value_and_gradient(lambda vs, f=f, g=g: f([g.by], vs), [setting.param_values[g.by]])[1][0])
        except mathcore.MathError as exc:
            raise ComputeProblem(("gradients", name, "of"), f"{g.of} has no derivative at {g.by} = {setting.param_values[g.by]:.6g}: {exc}") from None
        values[name] = total_grad
        doc["gradients"][name] = {"total": total_grad}
        if g.of in lesson.losses:  # each example's share, and its chain rule through the outputs
            members, xb, yb, kind = batch(g.of)
            run = ad.forward(net, xb, [params[g.by]], ad.variables([setting.param_values[g.by]]))
            factors = ad.output_factors(kind, run.output, yb)
            per_example = factors.per_example[:, 0]
            for i, e in enumerate(members):
                values[f"{name}.{e}"] = float(per_example[i])
                for c, cls in enumerate(classes):
                    values[f"{name}.{e}.d_loss.{cls}"] = float(factors.loss_output[i, c])
                    values[f"{name}.{e}.d_output.{cls}"] = float(factors.output_variable[i, c, 0])
                if len(classes) == 1:
                    values[f"{name}.{e}.d_loss"] = float(factors.loss_output[i, 0])
                    values[f"{name}.{e}.d_output"] = float(factors.output_variable[i, 0, 0])
            doc["gradients"][name]["examples"] = {e: float(v) for e, v in zip(members, per_example)}
            doc["gradients"][name]["chain_rule"] = {
                e: {"d_loss": dict(zip(classes, map(float, factors.loss_output[i]))),
                    "d_output": dict(zip(classes, map(float, factors.output_variable[i, :, 0])))} for i, e in enumerate(members)}
    sweeps: dict[str, Curve] = {}
    for name, s in lesson.sweeps.items():
        grid = np.linspace(s.range[0], s.range[1], limits.SWEEP_SAMPLES)
        if _classic(lesson, s.of):
            ys = _swept(lesson, net, params[s.by], s.of, grid, scaled_of, label_of, batch)
            # the lowest point of the swept function itself, not the lowest of its samples (which is off by up to
            # half their spacing: "lowest at 2.67" for a minimum at 2.6447 that a descent reaches)
            at_one = lambda v, s=s: float(_swept(lesson, net, params[s.by], s.of, np.array([v, v]), scaled_of, label_of, batch)[0])  # noqa: E731
        else:
            f = _function(setting, s.of, defined, ("sweeps", name, "of"))
            ys = _along(setting, s.of, s.by, lambda vs, f=f, s=s: f([s.by], vs), grid)
            at_one = lambda v, f=f, s=s: float(ad.values_along(lambda vs: f([s.by], vs), [0.0], 0, [v])[0])  # noqa: E731
        if not np.all(np.isfinite(ys)):
            raise ComputeProblem(("sweeps", name, "range"), "the swept value is not a number somewhere in this range; narrow it")
        values[f"{name}.argmin"], values[f"{name}.min"] = mathcore.lowest(at_one, grid, ys)
        sweeps[name] = Curve(s.by, s.of, tuple(map(float, grid)), tuple(map(float, ys)))
        doc["sweeps"][name] = {"by": s.by, "of": s.of, "x": list(sweeps[name].x), "y": list(sweeps[name].y)}
    walks: dict[str, Walk] = {}
    for name, d in lesson.descents.items():
        if d.several or not _classic(lesson, d.of):
            walks[name] = _descent(lesson, setting, defined, name, d, values, doc)
            continue
        members, xb, yb, kind = batch(d.of)
        start = d.start if d.start is not None else params[d.by].value(net)
        try:
            run = mathcore.descend(net, xb, yb, params[d.by], start=start, learning_rate=d.learning_rate, steps=d.steps,
                                   tolerance=d.until, loss=kind, max_steps=limits.DESCENT_STEPS_MAX)
        except mathcore.MathError as exc:
            raise ComputeProblem(("descents", name, "learning_rate"), str(exc)) from None
        if d.until is not None and not run.converged and d.steps is None:
            raise ComputeProblem(("descents", name, "until"), f"no step was smaller than {d.until:g} after {limits.DESCENT_STEPS_MAX} steps; "
                                 "use a larger learning rate or a larger until")
        values.update({f"{name}.start": float(start), f"{name}.learning_rate": float(d.learning_rate), f"{name}.final": run.final_value,
                       f"{name}.final_loss": run.final_loss, f"{name}.steps": len(run.steps)})
        for n in listed_steps(d):
            if n == "last" or int(n) <= len(run.steps):
                step = run.steps[-1] if n == "last" else run.steps[int(n) - 1]
                for f, v in zip(STEP_FIELDS, (step.value, step.loss, step.gradient, step.step_size, step.new_value)):
                    values[f"{name}.{n}.{f}"] = float(v)
        stops = [(s.value, s.loss) for s in run.steps] + [(run.final_value, run.final_loss)]
        legs = walk_legs(stops, lambda grid: mathcore.sweep(net, xb, yb, params[d.by], grid, kind).total)
        final_slope = mathcore.gradient(mathcore.with_parameter(net, params[d.by], run.final_value), xb, yb, params[d.by], kind).total
        slopes = tuple(float(s.gradient) for s in run.steps) + (float(final_slope),)
        walks[name] = Walk(d.by, d.of, tuple((float(x), float(y)) for x, y in stops), legs, slopes)
        doc["descents"][name] = {"by": d.by, "of": d.of, "learning_rate": d.learning_rate, "converged": run.converged,
                                 "steps": [{"value": s.value, "loss": s.loss, "gradient": s.gradient, "step": s.step_size,
                                            "new_value": s.new_value} for s in run.steps],
                                 "final": run.final_value, "final_loss": run.final_loss}
    return Computed(values, sweeps, walks, doc, forward)


def _regression_example(values: dict, doc: dict, e: str, z: np.ndarray, observed: np.ndarray, x: np.ndarray, names: list[str],
                        classes: list[str], lows: np.ndarray, highs: np.ndarray) -> None:
    """A regression example's placeholders: inputs, predicted and observed values, residuals, squared residuals."""
    if not np.all(np.abs(z) <= limits.HIDDEN_MAX):
        raise ComputeProblem(("examples", e), f"an output comes to {float(np.max(np.abs(z))):.4g}; it must lie within ±{limits.HIDDEN_MAX:g}")
    at = f"example.{e}."
    raw = mathcore.minmax_unscale(x, lows, highs)
    for i, n in enumerate(names):
        values[f"{at}input.{n}"], values[f"{at}raw_input.{n}"] = float(x[i]), float(raw[i])
    for c, name in enumerate(classes):
        values[f"{at}raw.{name}"] = values[f"{at}predicted.{name}"] = float(z[c])
        values[f"{at}observed.{name}"] = float(observed[c])
        values[f"{at}residual.{name}"] = float(observed[c] - z[c])
    if len(classes) == 1:
        values[f"{at}predicted"], values[f"{at}observed"], values[f"{at}residual"] = float(z[0]), float(observed[0]), float(observed[0] - z[0])
    values[f"{at}squared_residuals"] = float(np.sum((observed - z) ** 2))
    doc["examples"][e] = {"inputs": dict(zip(names, map(float, x))), "observed": dict(zip(classes, map(float, observed))),
                          "predicted": dict(zip(classes, map(float, z))), "squared_residuals": values[f"{at}squared_residuals"]}


def _classic(lesson: Lesson, of: str) -> bool:
    """Whether ``of`` is a classifier's loss or output, which the vectorised sweeps and descents of mathcore.calculus
    follow (everything else goes through the dual numbers of mathcore.autodiff)."""
    assert lesson.network is not None
    return lesson.network.output == "softmax" and (of in lesson.losses or _of_output(of))


def _of_output(of: str) -> bool:
    return of.startswith("example.") and len(of.split(".")) == 4


def _defined(lesson: Lesson) -> dict[str, expr.Expr]:
    """Each define: value as one expression tree (sums written out, earlier defines written in)."""
    numbers = [k for k, v in placeholder_kinds(lesson).items() if v == "number" and k not in lesson.define]
    try:
        return objectives.trees(lesson.define, numbers)
    except (expr.ParseError, expr.EvalError) as exc:
        raise ComputeProblem(("define",), str(exc)) from None


def _function(setting: objectives.Setting, of: str, defined: dict[str, expr.Expr], where: tuple) -> objectives.Function:
    if of not in defined and of not in setting.losses:  # one example's output: a tree of its one name
        defined, of = {"_output": expr.Name(of)}, "_output"
    try:
        objectives.check_followed(setting, of, defined)
    except objectives.NotFollowed as exc:
        raise ComputeProblem(where, str(exc)) from None
    return objectives.objective(setting, of, defined)


def _setting(lesson: Lesson, net: mathcore.Network, params: dict[str, mathcore.Parameter], scaled_of: dict, label_of: dict,
             observed_of: dict, values: dict, batch: Any) -> objectives.Setting:
    """The examples as one batch (row 0 the lesson's example:) and what functions of the parameters read."""
    spec = lesson.network
    assert spec is not None
    classes = tuple(c.name for c in spec.classes)
    regression = spec.output == "identity"
    names = [i.name for i in spec.inputs]
    lows = np.array([i.range[0] for i in spec.inputs])
    highs = np.array([i.range[1] for i in spec.inputs])
    constants: dict[str, float] = {}
    top = lesson.example
    if top is not None:
        given = top.scaled if top.scaled is not None else top.raw
        x0 = np.array([given[n] for n in names], dtype=float)  # type: ignore[index]
        scaled0 = x0 if top.scaled is not None else mathcore.minmax_scale(x0, lows, highs)
    else:
        scaled0 = np.zeros(len(names))
    raw0 = mathcore.minmax_unscale(scaled0, lows, highs)
    for i, n in enumerate(names):
        constants[f"input.{n}"], constants[f"raw_input.{n}"] = float(scaled0[i]), float(raw0[i])
    constants["n_classes"] = float(len(classes))
    for k, v in values.items():
        parts = k.split(".")
        if isinstance(v, str):
            continue
        if (parts[0] == "example" and len(parts) >= 3 and parts[2] in ("input", "raw_input", "observed", "row")) or parts[-1] == "count" \
                or parts[0] == "parameters":
            constants[k] = float(v)
    for name, d in lesson.descents.items():
        constants[f"{name}.learning_rate"] = float(d.learning_rate)
    order = list(lesson.examples)
    rows = {e: i + 1 for i, e in enumerate(order)}
    x = np.array([scaled0, *(scaled_of[e] for e in order)])
    if regression:
        obs0 = _observed0(top, classes)
        for c, cls in enumerate(classes):
            constants[f"observed.{cls}"] = float(obs0[c])
        if len(classes) == 1:
            constants["observed"] = float(obs0[0])
        observed = np.array([obs0, *(observed_of[e] for e in order)])
    else:
        observed = np.array([0, *(label_of[e] for e in order)], dtype=np.int64)
    hidden: dict[str, tuple[int, int, bool]] = {}
    for k, layer in enumerate(spec.layers[:-1], start=1):
        for n, keys in enumerate(hidden_node_keys(k, len(layer.weights), layer.nodes)):
            for key in keys:
                hidden[key] = (k - 1, n, False)
                hidden[key.replace("hidden.", "sum.", 1)] = (k - 1, n, True)
    losses = {name: (tuple(batch(name)[0]), batch(name)[3]) for name in lesson.losses}
    return objectives.Setting(net, rows, x, observed, regression, classes, params, {n: p.value(net) for n, p in params.items()},
                              losses, hidden, constants)


def _observed0(top: Any, classes: tuple[str, ...]) -> np.ndarray:
    got = top.observed if top is not None else None
    if got is None:
        return np.zeros(len(classes))
    return np.array([got[c] for c in classes] if isinstance(got, dict) else [got], dtype=float)


def _descent(lesson: Lesson, setting: objectives.Setting, defined: dict[str, expr.Expr], name: str, d: Any,
             values: dict, doc: dict) -> Walk:
    """Gradient descent by the dual numbers: on one parameter or several at once, of any loss or define: value."""
    moved = d.moved
    f = _function(setting, d.of, defined, ("descents", name, "of"))
    if d.start is None:
        start = [setting.param_values[p] for p in moved]
    else:
        start = list(d.start) if isinstance(d.start, list) else [d.start]

    def along(vs: list) -> Any:
        return f(moved, vs)

    try:
        run = ad.descend(along, start, learning_rate=d.learning_rate, steps=d.steps, tolerance=d.until, max_steps=limits.DESCENT_STEPS_MAX)
    except mathcore.MathError as exc:
        raise ComputeProblem(("descents", name, "learning_rate"), str(exc)) from None
    if d.until is not None and not run.converged and d.steps is None:
        raise ComputeProblem(("descents", name, "until"), f"no step was smaller than {d.until:g} after {limits.DESCENT_STEPS_MAX} steps; "
                             "use a larger learning rate or a larger until")
    values.update({f"{name}.learning_rate": float(d.learning_rate), f"{name}.final_loss": run.final_loss, f"{name}.steps": len(run.steps)})
    fields = ("value", "gradient", "step", "new_value")
    for n in listed_steps(d):
        if n != "last" and int(n) > len(run.steps):
            continue
        step = run.steps[-1] if n == "last" else run.steps[int(n) - 1]
        each = (step.values, step.gradient, step.step, step.new_values)
        if d.several:
            values[f"{name}.{n}.loss"] = step.loss
            for f_name, vector in zip(fields, each):
                for p, v in zip(moved, vector):
                    values[f"{name}.{n}.{f_name}.{p}"] = float(v)
        else:
            for f_name, v in zip(STEP_FIELDS, (step.values[0], step.loss, step.gradient[0], step.step[0], step.new_values[0])):
                values[f"{name}.{n}.{f_name}"] = float(v)
    if d.several:
        for p, a, b in zip(moved, start, run.final):
            values[f"{name}.start.{p}"], values[f"{name}.final.{p}"] = float(a), float(b)
    else:
        values[f"{name}.start"], values[f"{name}.final"] = float(start[0]), run.final[0]
    doc["descents"][name] = {"by": moved if d.several else d.by, "of": d.of, "learning_rate": d.learning_rate, "converged": run.converged,
                             "steps": [{"values": dict(zip(moved, s.values)), "loss": s.loss, "gradient": dict(zip(moved, s.gradient)),
                                        "step": dict(zip(moved, s.step)), "new_values": dict(zip(moved, s.new_values))} for s in run.steps],
                             "final": dict(zip(moved, run.final)), "final_loss": run.final_loss}
    stops = [(s.values[0], s.loss) for s in run.steps] + [(run.final[0], run.final_loss)]
    if d.several:  # no one curve to walk along: the plot kind draws one parameter's sweep
        return Walk(",".join(moved), d.of, tuple((float(x), float(y)) for x, y in stops), ())
    legs = walk_legs(stops, lambda grid: _along(setting, d.of, d.by, along, grid))
    slopes = tuple(float(s.gradient[0]) for s in run.steps) + (float(ad.value_and_gradient(along, run.final)[1][0]),)
    return Walk(d.by, d.of, tuple((float(x), float(y)) for x, y in stops), legs, slopes)


def _along(setting: objectives.Setting, of: str, by: str, f: Any, grid: np.ndarray) -> np.ndarray:
    """The function at each value of one parameter: a loss the math core sweeps in one vectorised pass, else the
    function called at each value."""
    if of in setting.losses and setting.losses[of][1] in mathcore.LOSSES:
        members, kind = setting.losses[of]
        index = [setting.rows[e] for e in members]
        with np.errstate(all="ignore"):
            return mathcore.sweep(setting.net, setting.x[index], setting.observed[index], setting.params[by], grid, kind).total  # type: ignore[arg-type]
    return ad.values_along(f, [0.0], 0, grid)


def define(lesson: Lesson, values: dict[str, float | int | str]) -> dict[str, float]:
    """The ``define:`` values, in order, each from the values before it (and the network's placeholders)."""
    out: dict[str, float] = {}
    for name, text in lesson.define.items():
        known = {k: v for k, v in values.items() if not isinstance(v, str)}
        try:
            summed = [k for k, v in known.items() if not isinstance(v, int)]  # sums add numbers, not counts
            tree = expr.expand_sums(expr.parse(text, sums=True), summed)
            out[name] = values[name] = expr.evaluate(tree, known)  # type: ignore[arg-type]
        except (expr.ParseError, expr.EvalError) as exc:
            raise ComputeProblem(("define", name), f"{name} has no value: {exc}") from None
    return out


def _counts(net: mathcore.Network) -> dict[str, float | int | str]:
    counts = mathcore.parameter_counts(net)
    return {"parameters.weights": counts.weights, "parameters.biases": counts.biases, "parameters.total": counts.total}


def _swept(lesson: Lesson, net: mathcore.Network, parameter: mathcore.Parameter, of: str, grid: np.ndarray,
           scaled_of: dict, label_of: dict, batch: Any) -> np.ndarray:
    if of in lesson.losses:
        _, xb, yb, kind = batch(of)
        return mathcore.sweep(net, xb, yb, parameter, grid, kind).total
    _, e, family, cls = of.split(".")
    c = [k.name for k in lesson.network.classes].index(cls)  # type: ignore[union-attr]
    outs = mathcore.sweep(net, scaled_of[e][None, :], [label_of[e]], parameter, grid).outputs[:, 0, :]
    return outs[:, c] if family == "raw" else mathcore.softmax(outs)[:, c]


def _rows(lesson: Lesson, base: Path, allow_outside: bool, counts: dict, observed_rows: dict) -> dict[str, tuple[int, np.ndarray, str]]:
    """The examples picked from ``data:``: (row number from 1, raw inputs, label); the data's rows and the rows of
    each class go into ``counts`` (``data.rows``, ``data.count.<class>``); a regression's observed values of each
    picked row into ``observed_rows``."""
    picked = {e: ex for e, ex in lesson.examples.items() if ex.row is not None or ex.where is not None}
    data = lesson.data
    if data is None or lesson.network is None:
        return {}
    names = [i.name for i in lesson.network.inputs]
    columns = [data.columns[n] for n in names]
    regression = lesson.network.output == "identity"
    outputs = [c.name for c in lesson.network.classes]
    observed = [] if not regression or data.observed is None else (
        [data.observed[c] for c in outputs] if isinstance(data.observed, dict) else [data.observed])
    # a regression's rows have no class: its first observed column stands in for the label column (read, not used)
    label_column = observed[0] if observed else data.label_column
    try:  # read even when no example picks a row: a script's data: file is checked like any file it names
        table = read_table(data.file, base, list(dict.fromkeys([*columns, *observed])), label_column, allow_outside=allow_outside,
                           what="data file")
    except LessonError as exc:
        raise ComputeProblem(("data", "file"), exc.problems[0].message) from None
    table = relabel(table, data.labels)
    counts["data.rows"] = len(table.labels)
    if not regression:
        for c in lesson.network.classes:
            counts[f"data.count.{c.name}"] = sum(1 for label in table.labels if label == c.name)
    if not picked:
        return {}
    n_rows = len(table.labels)
    out = {}
    for e, ex in picked.items():
        if ex.row is not None:
            if ex.row > n_rows:
                raise ComputeProblem(("examples", e, "row"), f"the data has {n_rows} rows; there is no row {ex.row}")
            index = ex.row - 1
        else:
            assert ex.where is not None
            hits = [i for i in range(n_rows) if all(_matches(table, "" if regression else data.label_column, col, data.labels.get(str(want), want), i)
                                                    for col, want in ex.where.items())]
            if len(hits) < ex.nth:
                wanted = " and ".join(f"{col} = {want}" for col, want in ex.where.items())
                if hits:
                    why = f"only {len(hits)} row(s) of the data have {wanted}; there is no match number {ex.nth}"
                else:

                    why = f"no row of the data has {wanted}"
                    labels = sorted(set(table.labels))
                    for col, want in ex.where.items():
                        if col == data.label_column and str(want) not in labels:
                            why += one_of(str(want), labels, f"the values of {col}")
                raise ComputeProblem(("examples", e, "where"), why)
            index = hits[ex.nth - 1]
        raw = np.array([table.columns[c][index] for c in columns])
        out[e] = (index + 1, raw, table.labels[index])
        if observed:
            observed_rows[e] = np.array([table.columns[c][index] for c in observed])
    return out


def _matches(table: Any, label_column: str, column: str, want: str | float, i: int) -> bool:
    if column == label_column:
        return table.labels[i] == str(want)
    try:
        return table.columns[column][i] == float(want)
    except (TypeError, ValueError):
        return False
