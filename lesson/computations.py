"""The numbers of the script's computations (``examples:``, ``losses:``, ``gradients:``, ``sweeps:``,
``descents:``, ``define:``), every one from the math core; ``define:`` is evaluated by :mod:`lesson.expr`.

:func:`compute` returns them as plain data, or the problems it met, each at its place in the script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import mathcore
from lesson import expr
from lesson.datasets import BUILTIN, read_table
from lesson.errors import LessonError
from lesson.script import limits
from lesson.script.computations import STEP_FIELDS, listed_steps, parameter_index
from lesson.hints import one_of
from lesson.script.computations import uses_computations

if TYPE_CHECKING:
    from lesson.script.model import Lesson

# the script's loss names -> the math core's losses (on a classifier: squared residuals of the SoftMax values)
LOSSES = {"cross_entropy": "cross_entropy", "squared_residuals": "softmax_squared_residuals"}
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


@dataclass(frozen=True)
class Computed:
    values: dict[str, float | int | str] = field(default_factory=dict)
    sweeps: dict[str, Curve] = field(default_factory=dict)
    descents: dict[str, Walk] = field(default_factory=dict)
    doc: dict[str, Any] = field(default_factory=dict)


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


def compute(lesson: Lesson, base: Path, allow_outside: bool = False) -> Computed:
    """Every computation of the script; :class:`ComputeProblem` at the first one the math core cannot do. (The
    script's work budget, lesson.work, is checked before: :func:`lesson.numbers.compute`.)

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
    rows = _rows(lesson, base, allow_outside)
    scaled_of: dict[str, np.ndarray] = {}
    label_of: dict[str, int] = {}
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
        if observed not in classes:
            raise ComputeProblem(("examples", e), f"its class {observed!r} is not a class of the network (classes: {', '.join(classes)})")
        if not np.all(np.abs(scaled) <= limits.SCALED_INPUT_MAX):
            raise ComputeProblem(("examples", e), f"its inputs scale to {np.round(scaled, 4).tolist()}; scaled inputs must lie within ±{limits.SCALED_INPUT_MAX:g}")
        scaled_of[e], label_of[e] = scaled, classes.index(observed)
    for e in lesson.examples:
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
        return members, np.array([scaled_of[e] for e in members]), np.array([label_of[e] for e in members]), LOSSES[loss.loss]

    for name in lesson.losses:
        members, xb, yb, kind = batch(name)
        each = mathcore.losses(net, xb, yb, kind)
        values[name] = float(np.sum(each))
        values[f"{name}.count"] = len(members)
        for e, v in zip(members, each):
            values[f"{name}.{e}"] = float(v)
        doc["losses"][name] = {"total": values[name], "examples": {e: float(v) for e, v in zip(members, each)}}
    for name, g in lesson.gradients.items():
        members, xb, yb, kind = batch(g.of)
        got = mathcore.gradient(net, xb, yb, params[g.by], kind)
        values[name] = got.total
        for e, v in zip(members, got.per_example):
            values[f"{name}.{e}"] = float(v)
        doc["gradients"][name] = {"total": got.total, "examples": {e: float(v) for e, v in zip(members, got.per_example)}}
    sweeps: dict[str, Curve] = {}
    for name, s in lesson.sweeps.items():
        grid = np.linspace(s.range[0], s.range[1], limits.SWEEP_SAMPLES)
        ys = _swept(lesson, net, params[s.by], s.of, grid, scaled_of, label_of, batch)
        if not np.all(np.isfinite(ys)):
            raise ComputeProblem(("sweeps", name, "range"), "the swept value is not a number somewhere in this range; narrow it")
        # the lowest point of the swept function itself, not the lowest of its samples (which is off by up to
        # half their spacing: "lowest at 2.67" for a minimum at 2.6447 that a descent reaches)
        at_one = lambda v, s=s: float(_swept(lesson, net, params[s.by], s.of, np.array([v, v]), scaled_of, label_of, batch)[0])  # noqa: E731
        values[f"{name}.argmin"], values[f"{name}.min"] = mathcore.lowest(at_one, grid, ys)
        sweeps[name] = Curve(s.by, s.of, tuple(map(float, grid)), tuple(map(float, ys)))
        doc["sweeps"][name] = {"by": s.by, "of": s.of, "x": list(sweeps[name].x), "y": list(sweeps[name].y)}
    walks: dict[str, Walk] = {}
    for name, d in lesson.descents.items():
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
        # the curve between each two stops, every leg's points in one sweep; a leg gets points as its share of the
        # walk's width (at least 3, to see whether it dips across the minimum), so 1000 small steps cost little
        xs = [x for x, _ in stops]
        span = (max(xs) - min(xs)) or 1.0
        counts = [min(LEG_SAMPLES, max(3, math.ceil(LEG_SAMPLES * abs(b - a) / span))) for a, b in zip(xs, xs[1:])]
        if sum(counts) > LEG_POINTS_MAX:  # a walk that bounces across the valley many times
            counts = [max(3, n * LEG_POINTS_MAX // sum(counts)) for n in counts]
        grids = [np.linspace(a, b, n) for a, b, n in zip(xs, xs[1:], counts) if a != b]
        ys_all = iter(mathcore.sweep(net, xb, yb, params[d.by], np.concatenate(grids), kind).total if grids else ())
        legs = []
        for a, b, n in zip(xs, xs[1:], counts):
            if a == b:
                legs.append(((a, stops[0][1]),))
                continue
            legs.append(tuple((float(x), float(next(ys_all))) for x in np.linspace(a, b, n)))
        walks[name] = Walk(d.by, d.of, tuple((float(x), float(y)) for x, y in stops), tuple(legs))
        doc["descents"][name] = {"by": d.by, "of": d.of, "learning_rate": d.learning_rate, "converged": run.converged,
                                 "steps": [{"value": s.value, "loss": s.loss, "gradient": s.gradient, "step": s.step_size,
                                            "new_value": s.new_value} for s in run.steps],
                                 "final": run.final_value, "final_loss": run.final_loss}
    return Computed(values, sweeps, walks, doc)


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


def _rows(lesson: Lesson, base: Path, allow_outside: bool) -> dict[str, tuple[int, np.ndarray, str]]:
    """The examples picked from ``data:``: (row number from 1, raw inputs, label)."""
    picked = {e: ex for e, ex in lesson.examples.items() if ex.row is not None or ex.where is not None}
    data = lesson.data
    if data is None or lesson.network is None:
        return {}
    names = [i.name for i in lesson.network.inputs]
    columns = [data.columns[n] for n in names]
    try:  # read even when no example picks a row: a script's data: file is checked like any file it names
        table = read_table(data.file, base, list(dict.fromkeys(columns)), data.label_column, allow_outside=allow_outside,
                           what="data file")
    except LessonError as exc:
        raise ComputeProblem(("data", "file"), exc.problems[0].message) from None
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
            hits = [i for i in range(n_rows) if all(_matches(table, data.label_column, col, want, i) for col, want in ex.where.items())]
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
    return out


def _matches(table: Any, label_column: str, column: str, want: str | float, i: int) -> bool:
    if column == label_column:
        return table.labels[i] == str(want)
    try:
        return table.columns[column][i] == float(want)
    except (TypeError, ValueError):
        return False
