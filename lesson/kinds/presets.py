"""The kinds of the ArgMax/SoftMax lesson, kept so that its script (and every script written for it) works.

Each preset is only a plan builder: it fills in the options of generic parts (``number_line``, ``table``,
``equation``, ``bars``, ``plot``, ``text``) from the lesson, lets their own builders make the plan data, and has
them drawn by the generic scenes, several at once through ``scenes.composite`` (each part in a region of the
frame) or with a side panel (``beside``). No preset has a scene of its own; every shown computation goes through
the equation kind, so through the one general truth rule (:mod:`lesson.base.truth`).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from pydantic import Field

from lesson.base.errors import Finding
from lesson.base.expr import Binary, Call, Name
from lesson.kinds import Context, StepKind
from lesson.kinds import highlights
from lesson.kinds import equation as eq
from lesson.kinds import plot as plot_kind
from lesson.kinds.bars import BarsStep
from lesson.kinds.bars import build as build_bars
from lesson.kinds.cues import cue_at, narration_cues, narration_tokens, next_word, sentence_cues, spoken_words, word_at, content_stems
from lesson.kinds.number_line import NumberLineStep
from lesson.kinds.number_line import build as build_number_line
from lesson.kinds.table import side_panel
from lesson.kinds import slide
from lesson.kinds.axes import PALETTE, tangent_line
from lesson.base import digits
import mathcore
import numpy as np
from lesson.kinds.text import point_cues, point_words, side_by_side_option, side_by_side_problems, text_data
from lesson.script import limits
from lesson.script.parts import StepBase, template
from lesson.base.shown import MINUS
from lesson.speech.normalize import number_words
from lesson.base.hints import one_of
from lesson.kinds.table import alignments

COMPOSITE = "scenes.composite:CompositeScene"
# what a composite step's picture depends on besides this module and the composite scene: every part's scene and
# the builders of the parts
PARTS_CODE = (
    "scenes.bars", "scenes.equation", "scenes.number_line", "scenes.plot", "scenes.table", "scenes.text",
    "lesson.kinds.bars", "lesson.kinds.equation", "lesson.kinds.number_line", "lesson.kinds.plot",
    "lesson.kinds.table", "lesson.kinds.text", "lesson.kinds.cues", "lesson.kinds.slide", "scenes.slide",
)


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
    points: list[template(limits.POINT_CHARS)] = Field(min_length=1, max_length=limits.SUMMARY_POINTS)
    side_by_side: bool = side_by_side_option()


class CrossEntropyStep(StepBase):
    kind: Literal["cross_entropy"]


def _of_class(step: Any, ctx: Context) -> list[Finding]:
    classes = [c.name for c in ctx.lesson.network.classes]
    if step.of_class is not None and step.of_class not in classes:
        return [Finding(("of_class",), f"unknown class {step.of_class!r}{one_of(step.of_class, classes, 'classes')}")]
    return []


def _needs_training(step: Any, ctx: Context) -> list[Finding]:
    if step.compare_training and ctx.lesson.training is None:
        return [Finding(("compare_training",), "needs a 'training' section (or set compare_training: false)")]
    return []


def _needs_label(step: Any, ctx: Context) -> list[Finding]:
    if ctx.lesson.example is None or ctx.lesson.example.label is None:
        return [Finding(("kind",), "needs the example's observed class: set example.label")]
    return []


# ---------------------------------------------------------------- building blocks


def _classes(ctx: Context) -> list[Any]:
    return list(ctx.lesson.network.classes)


def _label(c: Any) -> str:
    return c.label or c.name


def _class_index(ctx: Context, name: str | None) -> int:
    assert ctx.numbers is not None
    return ctx.numbers.prediction if name is None else ctx.numbers.classes.index(name)


def _common(step: Any) -> dict[str, Any]:
    return {"title": step.title, "narration": step.narration}


def _part(kind: str, data: dict, region: tuple[float, float, float, float], heading: str = "") -> dict:
    """One part of a composite screen: a generic kind's data in ``region`` ([left, right, top, bottom] as
    fractions of the step's area, from its top-left corner)."""
    return {"kind": kind, "data": data, "region": list(region), "heading": heading}


def _composite(*screens: dict) -> dict:
    return {"screens": list(screens)}


def _screen(*parts: dict, cues: list[str] | None = None, together: bool = False) -> dict:
    """One screen of a composite: its parts, drawn one after another (each part's first drawing after the part
    before it), or ``together``: side by side, each change at its word whichever part draws it."""
    return {"parts": list(parts), "cues": cues or [], "together": together}


def _equation(step: Any, ctx: Context, lines: list[dict], symbols: dict[str, str] | None = None) -> dict:
    """The equation kind's data for these lines (its options as a script would write them): every line is
    checked by the general truth rule at one precision for all (:func:`lesson.base.truth.show_all`)."""
    model = eq.EquationStep.model_construct(
        kind="equation", id=None, audio=None, beside=None, symbols=symbols or {},
        lines=[eq.EquationLine(**line) for line in lines], **_common(step),
    )
    return eq.build(model, ctx)


def _points(step: Any, ctx: Context, texts: list[str], cues: list[list[str]] | None = None) -> dict:
    """The text kind's data: ``texts`` as points, at the narration's sentences (or at ``cues``)."""
    spoken = narration_cues(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed,
                            words=[c for cue in cues or [] for c in cue])
    if cues is None:  # the texts are finished words (a class label in them may hold braces): never filled in again
        cues = [[c] if c else [] for c in point_cues([None] * len(texts), spoken)]
    tokens = _tokens(step, ctx)
    words = point_words(texts, [c[0] if c else "" for c in cues], spoken, tokens)
    return {"heading": "", "points": list(texts), "cues": cues, "words": words}


def _table(columns: list[str], rows: list[dict]) -> dict:
    """The table kind's data for rows already made (``cells`` as text, ``color``), drawn at once (no cues)."""
    full = [{"cells": r["cells"], "color": r.get("color"), "cue": None, "cell_cues": [[] for _ in r["cells"]]} for r in rows]
    return {"columns": columns, "align": alignments([r["cells"] for r in full], len(columns)), "rows": full, "highlight": "none",
            "pointing": []}


def _value(ctx: Context, name: str) -> str:
    """A placeholder's value as the narration says it, with a real minus."""
    return ctx.number(name)


def _shown(data: dict, line: int, name: str) -> str:
    """How the equation kind showed ``name``'s number in line ``line`` (the numbers' part with that name)."""
    return data["lines"][line]["texts"][name]


# ---------------------------------------------------------------- the presets


def _raw_outputs(step: Any, ctx: Context) -> dict:
    """The raw outputs on a number line, beside 0 and 1 and the stretch between them."""
    part = NumberLineStep(kind="number_line", each_class="raw", marks=[0, 1], band=(0, 1), **_common(step))
    data = build_number_line(part, ctx)
    spoken = _spoken(step, ctx)
    tokens = _tokens(step, ctx)
    if "parts_pointing" not in data:
        return data
    # the outputs are all there as the voice begins on them ("these raw outputs"); each is boxed as the voice names
    # it (its class, then its value), and 1, 0 and the stretch between them as it says "one", "zero", "between ..."
    pointing = []
    for i, (c, entry) in enumerate(zip(_classes(ctx), data["values"])):
        names = [n for n in entry["cues"] if n in spoken]
        entry["cues"] = []  # right after the line, as the voice begins
        after = min((spoken[n] for n in names), default=None)
        sentence = _sentence_of(spoken, names)
        said = next_word(tokens, {c.name, _label(c), f"{_label(c)}'s"}, spoken[sentence[0]] if sentence else 0, after)
        if said is not None and (cue := cue_at(tokens, said)) is not None:
            pointing.append([cue, i, "name"])  # the class's name, then its value at its number
        pointing += [[n, i] for n in names]
    words = {m: number_words(text) for m, text in data["marks"]}
    parts = []
    for k, (m, _) in enumerate(data["marks"]):
        said = next_word(tokens, {words[m]}, 0)
        if said is not None and (cue := cue_at(tokens, said)) is not None:
            parts.append([cue, k])
    lo, hi = data["band"]
    if (cue := _said(f"between {words.get(lo, '')} and {words.get(hi, '')}", tokens)) is not None:
        parts.append([cue, "band"])
    data["pointing"], data["parts_pointing"] = pointing, parts
    return data


def _argmax(step: Any, ctx: Context) -> dict:
    """A table of the raw outputs and their ArgMax (the predicted row lit when the voice names it), the verdict under it."""
    nums = ctx.numbers
    assert nums is not None
    w = ctx.words()
    rows = [{"cells": [_label(c), _value(ctx, f"raw.{c.name}"), _value(ctx, f"argmax.{c.name}")], "color": c.color}
            for c in _classes(ctx)]
    table = _table([w("class"), w("raw_output"), w("argmax")], rows)
    # the voice points: a raw output or an ArgMax value it names lights its cell, the prediction its row
    classes = _classes(ctx)
    cells = [((r, k), [f"{family}.{c.name}"]) for r, c in enumerate(classes) for k, family in ((1, "raw"), (2, "argmax"))]
    named = highlights.pointing(step, ctx, cells)
    table["highlight"] = "cell" if named else "row"
    table["pointing"] = [[name, r, k] for name, (r, k) in named] + [["prediction", nums.prediction, None]]
    if named:  # and each ArgMax value as the voice says it ("becomes one", "give zero"), the row at "is the prediction"
        table["pointing"] += _argmax_words(step, ctx, table["pointing"])
        tokens = _tokens(step, ctx)
        table["pointing"].sort(key=lambda entry: word_at(entry[0], tokens) if ":" in entry[0] else -1)
    else:
        table["rows"][nums.prediction]["cue"] = "prediction"
    verdict = _points(step, ctx, [w("prediction", label=_label(_classes(ctx)[nums.prediction]))], [["prediction"]])
    return _composite(_screen(_part("table", table, (0.05, 0.95, 0.0, 0.78)), _part("text", verdict, (0.1, 0.9, 0.8, 1.0))))


def _tokens(step: Any, ctx: Context) -> list[str]:
    """The step's narration as the planner counts its tokens."""
    return narration_tokens(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed)


def _spoken(step: Any, ctx: Context) -> dict[str, int]:
    """Each placeholder and sentence of the step's narration and the token where the voice says it."""
    return narration_cues(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed)


def _argmax_words(step: Any, ctx: Context, pointing: list[list]) -> list[list]:
    """Word cues lighting the ArgMax cells as the voice says their values: a class's "one" or "zero" said after its
    raw output and before the next class's; and the word "prediction" said in the sentence that names the prediction,
    before it: its row."""
    nums = ctx.numbers
    assert nums is not None
    tokens = _tokens(step, ctx)
    spoken = _spoken(step, ctx)
    classes = _classes(ctx)
    raw = sorted((spoken[f"raw.{c.name}"], r) for r, c in enumerate(classes) if f"raw.{c.name}" in spoken)
    out: list[list] = []
    for i, (at, r) in enumerate(raw):
        said = number_words(digits.fixed(float(nums.argmax[r]), 0))
        end = raw[i + 1][0] if i + 1 < len(raw) else spoken.get(_next_sentence(spoken, at), len(tokens))
        t = next_word(tokens, {said}, at + 1, end)
        if t is not None and (cue := cue_at(tokens, t)) is not None:
            out.append([cue, r, 2])
    if "prediction" in spoken and (sentence := _sentence_of(spoken, ["prediction"])):
        start, end = spoken[sentence[0]], spoken["prediction"]
        word = ctx.words()("prediction", label="").split()[0].strip(":")
        t = next_word(tokens, {word}, start, end)
        if t is not None and (cue := cue_at(tokens, t)) is not None:
            out.append([cue, nums.prediction, None])
    return out


def _next_sentence(spoken: dict[str, int], at: int) -> str:
    """The ``sentence.N`` after token ``at`` (a name that is not a cue when there is none)."""
    after = sorted((t, name) for name, t in spoken.items() if name.startswith("sentence.") and ":" not in name and t > at)
    return after[0][1] if after else ""


def _argmax_gradient(step: Any, ctx: Context) -> dict:
    """A plot of class k's ArgMax output against its raw output (the others fixed, in a side panel): 0 up to the
    largest other output, 1 after it; the example's point, and its flat tangent."""
    nums = ctx.numbers
    assert nums is not None
    k = _class_index(ctx, step.of_class)
    classes = _classes(ctx)
    z, t = nums.raw[k], nums.thresholds[k]
    span = max(abs(z - t), 1.0) * 1.6
    x_range = (min(z, t) - span * 0.6, max(z, t) + span * 0.6)
    y_range = (-0.3, 1.3)
    w = ctx.words()
    # the axes as the plot kind makes them (ticks, labels), with the step function as its curve
    frame = plot_kind.PlotStep(kind="plot", curves=[plot_kind.Curve(function="identity")], x=x_range, y=y_range, **_common(step))
    data = plot_kind.build(frame, ctx)
    data["x_axis"]["label"] = w("raw_output_for", label=_label(classes[k]))
    data["y_axis"]["label"] = w("argmax_output")
    data["y_axis"]["ticks"] = [[0.0, "0"], [1.0, "1"]]
    color = classes[k].color
    data["curves"] = [{"name": "", "color": color, "segments": [[[x_range[0], 0.0], [t, 0.0]], [[t, 1.0], [x_range[1], 1.0]]]}]
    value = float(nums.argmax[k])
    cues = _spoken(step, ctx)
    threshold_cue = f"threshold.{classes[k].name}"
    data["points"] = [{"x": t, "y": 0.0, "label": ctx.number(threshold_cue), "color": ctx.lesson.theme.muted, "name": "", "cues": [threshold_cue]}]
    # the flat tangent at the example: in the sentence after the threshold is spoken (if there is one)
    after = [name for name, at in sorted(cues.items(), key=lambda kv: kv[1])
             if name.startswith("sentence.") and threshold_cue in cues and at > cues[threshold_cue]]
    data["tangents"] = [{
        "x": z, "y": value, "slope": 0.0, "label": w("example_at", value=ctx.number(f"raw.{classes[k].name}")), "name": w("slope_zero"),
        "slope_text": "", "color": ctx.lesson.theme.accent,
        "line": tangent_line(z, value, 0.0, x_range, y_range), "cues": after[:1],
    }]
    data["walk"] = None
    _argmax_slide(step, ctx, data, k, x_range, cues, after[0] if after else None)
    data["beside"] = side_panel(w("others_fixed"),
                                [{"label": _label(c), "value": ctx.number(f"raw.{c.name}"), "color": c.color} for j, c in enumerate(classes) if j != k])
    return data


def _argmax_slide(step: Any, ctx: Context, data: dict, k: int, x_range: tuple[float, float], cues: dict[str, int],
                  flat: str | None) -> None:
    """Class k's raw output slides up from the left of the plot to the threshold (from the sentence that says to slide
    it, the second) and on to the example's value (when the voice names the threshold), then, from cue ``flat`` (the
    sentence that brings the flat tangent) back down to where it started: a dot rides ArgMax's steps,
    which jump at the threshold, and another SoftMax's curve, which glides; both outputs are read out as they go, each
    value the math core's (:func:`mathcore.argmax_onehot`, :func:`mathcore.softmax`) for the raw outputs with z_k
    there, at the lesson's form of its quantity (:mod:`lesson.kinds.slide`)."""
    nums = ctx.numbers
    assert nums is not None
    classes = _classes(ctx)
    name = classes[k].name
    w = ctx.words()
    z, t = nums.raw[k], nums.thresholds[k]
    raw = np.array(nums.raw, dtype=float)

    def outputs(v: float) -> tuple[float, float]:
        vec = raw.copy()
        vec[k] = v
        return float(mathcore.argmax_onehot(vec)[k]), float(mathcore.softmax(vec)[k])

    color = classes[k].color
    glide = next((c for c in PALETTE if c not in {color, *(c.color for c in classes)}), ctx.lesson.theme.accent)
    data["curves"][0]["name"] = w("argmax")
    xs = [x_range[0] + (x_range[1] - x_range[0]) * i / (plot_kind.SAMPLES - 1) for i in range(plot_kind.SAMPLES)]
    data["curves"].append({"name": w("softmax"), "color": glide, "segments": [[[x, outputs(x)[1]] for x in xs]]})
    if t >= z or not (x_range[0] < t < x_range[1]):  # the example is not past the threshold: nothing jumps on the way to it
        return
    places = ctx.places(f"raw.{name}")
    start = float(digits.rounded(x_range[0] + 0.1 * (x_range[1] - x_range[0]), places))
    lesson_texts = {t: (ctx.number(f"threshold.{name}"), None, None),
                    z: (ctx.number(f"raw.{name}"), ctx.number(f"argmax.{name}"), ctx.number(f"softmax.{name}"))}
    soft_places = ctx.places(f"softmax.{name}")

    def readout(v: float) -> list[list[str]]:
        a, p = outputs(v)
        x_text, a_text, p_text = lesson_texts.get(v, (None, None, None))
        x_text = x_text or digits.fixed(v, places).replace("-", MINUS)
        a_text = a_text or digits.fixed(a, 0)
        p_text = p_text or digits.fixed(p, soft_places)
        return [[f"{w('raw_output')} {x_text}", f"{w('argmax')} {a_text}"], [f"{w('softmax')} {p_text}"]]

    second = "sentence.2" if "sentence.2" in cues else "sentence.1"
    route = [(start, t, second, 5.0), (t, z, f"threshold.{name}", 3.0)]
    if flat:  # and back down over both flat pieces as the voice says they are flat (with the tangent at the example)
        route.append((z, start, flat, 4.0))
    legs = []
    for a, b, cue, seconds in route:
        values = slide.grid(a, b, places, slide.most_samples(seconds))
        legs.append({
            "cues": [cue], "seconds": seconds,
            "paths": [slide.path(a, b, lambda v: outputs(v)[0], [(t, 0.0, 1.0)]), slide.path(a, b, lambda v: outputs(v)[1])],
            "samples": [{"at": at, "texts": readout(v)} for at, v in zip(slide.sample_shares(a, b, values), values)],
        })
    data["slide"] = {"riders": [{"color": color}, {"color": glide}], "legs": legs}


def _softmax(step: Any, ctx: Context) -> dict:
    """SoftMax worked out: each class's e^z over their sum (the equation kind, true at its digits), beside a table
    of the raw outputs, their e^z and the sum, written with the very digits the equations use."""
    classes = _classes(ctx)
    w = ctx.words()
    lines = [{"expr": f"exp.{c.name} / exp_sum", "result": f"softmax.{c.name}"} for c in classes]
    equation = _equation(step, ctx, lines)
    for i, (c, line) in enumerate(zip(classes, equation["lines"])):
        # the numbers go in as the voice reaches the class's raw output, e^z or SoftMax value, whichever comes first;
        # the first line is worked out step by step, the others (the same pattern) appear whole at their cue
        line["cues"] = [f"raw.{c.name}", f"exp.{c.name}", f"softmax.{c.name}"]
        line["color"] = c.color
        line["at_once"] = i > 0
    rows = [{"cells": [_label(c), _value(ctx, f"raw.{c.name}"), _shown(equation, i, f"exp.{c.name}")], "color": c.color}
            for i, c in enumerate(classes)]
    rows.append({"cells": [w("sum"), "", _shown(equation, 0, "exp_sum")]})
    table = _table([w("class"), w("raw_output"), w("exp_column")], rows)
    # the voice says what SoftMax does before it works anything out: the raw outputs' column as it says "raw output",
    # the sum's row as it says "sum" (each the first time, before any number; the table is still coming in while the
    # voice says "e to the power")
    tokens = _tokens(step, ctx)
    spoken = _spoken(step, ctx)
    first_number = min((at for name, at in spoken.items() if not name.startswith("sentence.")), default=len(tokens))
    said = [(cue, k) for cue, k in ((_said(w("raw_output"), tokens), 1),)
            if cue is not None and (word_at(cue, tokens) or 0) < first_number]
    table["columns_pointing"] = [[cue, k] for cue, k in said]
    t = next_word(tokens, {w("sum")}, 0, first_number)
    if t is not None and (cue := cue_at(tokens, t)) is not None:
        table["pointing"], table["highlight"] = [[cue, len(rows) - 1, None]], "row"
    # then, as each line is worked out, the table's row it takes its e^z from: the class's row at its name (its e^z
    # underlined), the sum's row at "sum" before that class's SoftMax value ("e to the 1.43 over the sum"); the first
    # line's SoftMax value comes at its word, not with its numbers
    for i, (c, line) in enumerate(zip(classes, equation["lines"])):
        value = spoken.get(f"softmax.{c.name}")
        if value is None:
            continue
        if i == 0 and any(spoken.get(n, value) < value for n in line["cues"] if n != f"softmax.{c.name}"):
            line["result_cues"] = [f"softmax.{c.name}"]
        sentence = _sentence_of(spoken, [f"softmax.{c.name}"])
        start = spoken[sentence[0]] if sentence else first_number
        named = next_word(tokens, {c.name, _label(c)}, start, value)
        if named is not None and (cue := cue_at(tokens, named)) is not None:
            table["pointing"].append([cue, i, 2])
            table["highlight"] = "row"
        over = next_word(tokens, {w("sum")}, (named or start) + 1, value)
        if over is not None and (cue := cue_at(tokens, over)) is not None:
            table["pointing"].append([cue, len(rows) - 1, None])
    # the table is pointed at while the equation beside it is worked out: the two go together
    return _composite(_screen(_part("table", table, (0.56, 1.0, 0.0, 0.85)), _part("equation", equation, (0.0, 0.54, 0.0, 1.0)),
                              together=True))


def _softmax_properties(step: Any, ctx: Context) -> dict:
    """SoftMax keeps the order (a table sorted by raw output), each value lies in 0..1 and they add up to 1 (an
    equation, true at its digits); then, at the first trained network's cue, networks trained from other starts."""
    nums = ctx.numbers
    assert nums is not None
    classes = _classes(ctx)
    w = ctx.words()
    order = sorted(range(len(classes)), key=lambda c: -nums.raw[c])
    rows = [{"cells": [_label(classes[c]), _value(ctx, f"raw.{classes[c].name}"), _value(ctx, f"softmax.{classes[c].name}")],
             "color": classes[c].color} for c in order]
    table = _table([w("class"), w("raw_output"), w("softmax")], rows)
    # the voice names the largest raw output and the largest value: their cells in the top row (the largest) lit
    tokens = _tokens(step, ctx)
    # (the largest raw output only: the properties come in after the table's words, the first before the second
    # sentence)
    largest = [[cue, 0, k] for k, heading in ((1, w("raw_output")),) if (cue := _said(f"largest {heading}", tokens))]
    if largest:
        table["highlight"], table["pointing"] = "cell", largest
    # the first property right after the table, the others with its second sentence (if it has one)
    spoken = _spoken(step, ctx)
    second = "sentence.2" if "sentence.2" in spoken else "sentence.1"
    keeps = _points(step, ctx, [w("same_order"), w("between_0_and_1"), w("add_up_to_one")],
                    [[], [second], []])  # the first right after the table: the voice has begun by then
    # the sum in the table's order, so that each term sits in the order the viewer just read the values
    total = _equation(step, ctx, [{"expr": " + ".join(f"softmax.{classes[c].name}" for c in order), "result": "softmax_sum"}])
    total["rows"] = 2  # the numbers under the symbols: in its half of the frame one row would be small
    first = _screen(
        _part("table", table, (0.0, 0.52, 0.0, 0.6)),
        _part("text", keeps, (0.55, 1.0, 0.0, 0.6)),
        _part("equation", total, (0.05, 0.95, 0.64, 1.0)),
    )
    if not step.compare_training or not nums.trained:
        return _composite(first)
    letters = w("start_letters")
    runs = nums.trained[: len(letters)]
    width = 1.0 / len(runs)
    parts = []
    for t, run in enumerate(runs, start=1):
        bars = build_bars(BarsStep(kind="bars", values=f"trained.{t}.softmax", scale=[0, 1], **_common(step)), ctx)
        heading = w("start", letter=letters[t - 1], accuracy=ctx.fill(f"{{trained.{t}.accuracy:.0%}}"))
        part = _part("bars", bars, ((t - 1) * width + 0.02, t * width - 0.02, 0.0, 0.85), heading)
        if f"trained.{t}.accuracy" in spoken:  # the heading says the network's accuracy: it comes in as the voice says it
            part["heading_cue"] = f"trained.{t}.accuracy"
        parts.append(part)
    # what the networks show (the same example, other starts) with the sentence after the last of their values, if any
    last = max((at for name, at in spoken.items() if name.startswith("trained.")), default=None)
    after = _next_sentence(spoken, last) if last is not None else ""
    parts.append(_part("text", _points(step, ctx, [w("other_starts")], [[after] if after else []]), (0.05, 0.95, 0.85, 1.0)))
    run_cues = [f"trained.1.{what}" for what in ("accuracy", "seed", "prediction")]
    run_cues += [f"trained.1.softmax.{c.name}" for c in classes]
    # the networks come in as the voice starts talking about them: the sentence that first names one
    opening = _sentence_of(spoken, [c for t in range(1, len(runs) + 1) for c in spoken if c.startswith(f"trained.{t}.")])
    return _composite(first, _screen(*parts, cues=opening or run_cues))


def _said(phrase: str, tokens: list[str]) -> str | None:
    """``sentence.N:phrase``, the first sentence that says ``phrase`` (a word cue), or None if none does."""
    for n in range(1, len(tokens) + 1):
        cue = f"sentence.{n}:{phrase}"
        if word_at(cue, tokens) is not None:
            return cue
        if f"sentence.{n + 1}" not in dict(sentence_cues(tokens)):
            return None
    return None


def _softmax_formula(step: Any, ctx: Context) -> dict:
    """The general formula, in symbols only, and what i, j and z stand for, each as the narration reaches it."""
    n = len(_classes(ctx))
    w = ctx.words()
    symbols = {"z": (("z_{i}",), eq.ATOM), "sum": ((f"\\sum_{{j=1}}^{{{n}}} e^{{z_{{j}}}}",), eq.SUM)}
    tree = Binary("/", Call("exp", Name("z")), Name("sum"))
    parts = eq.symbolic_parts(tree, symbols.__getitem__)
    line = {"label": "", "lhs": ["\\mathrm{softmax}(z)_{i}"], "symbolic": [[k, list(p)] for k, p in parts],
            "numeric": [], "substitution": "=", "relation": "=", "result": "", "cues": [], "result_cues": []}
    tokens = _tokens(step, ctx)
    # the formula as the voice reads it: its left side first, "= e^z_i" at the "is" that says it, the sum under it
    # at "divided" (each only if the first sentence says it, in that order)
    spoken = _spoken(step, ctx)
    first_end = spoken.get("sentence.2", len(tokens))
    split: list[list] = []
    at = 0
    for word, part in (("is", 1), ("divided", 1 + [k for k, _ in parts].index("r|") + 1 if any(k == "r|" for k, _ in parts) else 0)):
        said = next_word(tokens, {word}, at, first_end)
        if part and said is not None and (cue := cue_at(tokens, said)) is not None:
            split.append([cue, part])
            at = said + 1
    if split:
        line["head_split"] = split
    texts = [w("i_meaning"), w("j_meaning", n=n), w("z_meaning")]
    notes = _points(step, ctx, texts)
    # each note as the voice first says its words after the formula is written (in that order, top to bottom); else
    # the formula comes first and a note due at the first sentence follows it at once (its word is past by then)
    stems = [content_stems(t) for t in texts]
    shared = {x for i, a in enumerate(stems) for b in stems[i + 1:] for x in a & b}  # in two notes: tells neither
    found = [spoken_words(t, tokens, at, ignore=shared) for t in texts]
    found = [sorted(f, key=lambda entry: word_at(entry[0], tokens) or 0) for f in found]
    if all(found):
        order = sorted(range(len(texts)), key=lambda i: word_at(found[i][0][0], tokens) or 0)
        notes = _points(step, ctx, [texts[i] for i in order], [[found[i][0][0]] for i in order])
    else:
        notes["cues"] = [[] if cue == ["sentence.1"] else cue for cue in notes["cues"]]
    return _composite(_screen(_part("equation", {"lines": [line]}, (0.0, 1.0, 0.0, 0.45)),
                              _part("text", notes, (0.1, 0.9, 0.47, 1.0))))


def _softmax_derivatives(step: Any, ctx: Context) -> dict:
    """∂p_k/∂z_j for every j as equations (true at their digits) across the frame, each written as the voice says it
    (its symbol as the voice names the class, the rest at the "is" that says it, its numbers at its value), and the
    verdict: none is zero (none *exactly* zero when one rounds to 0 on screen)."""
    nums = ctx.numbers
    assert nums is not None
    classes = _classes(ctx)
    k = _class_index(ctx, step.of_class)
    pk = f"softmax.{classes[k].name}"
    lines = []
    for j, c in enumerate(classes):
        expr = f"{pk} * (1 - {pk})" if j == k else f"-{pk} * softmax.{c.name}"
        lines.append({"expr": expr, "result": f"jacobian.{classes[k].name}.{c.name}"})
    equation = _equation(step, ctx, lines)
    equation["rows"] = 1  # the numbers beside the symbols, the lines across the frame: one per class, large
    spoken = _spoken(step, ctx)
    tokens = _tokens(step, ctx)
    before = -1  # the token of the line before's number
    for j, (c, line) in enumerate(zip(classes, equation["lines"])):
        line["color"] = c.color
        line["at_once"] = j >= 3  # many classes: after three lines worked out, the others appear whole
        word = min((spoken[n] for n in line["cues"] if n in spoken), default=None)
        # each derivative written as it is spoken: its symbol as the voice names the class it is taken with respect
        # to (the first line's: as its sentence starts, "the derivative of ..."), the rest at the "is" that says it
        named = next_word(tokens, {c.name, _label(c)}, before + 1, word) if j != k else None
        if named is not None and (cue := cue_at(tokens, named)) is not None:
            line["head_cues"] = [cue]
        elif j == 0:  # else the first line's symbols as the voice starts describing them (the others' after the line before)
            line["head_cues"] = _sentence_of(spoken, line["cues"])
        start = named if named is not None else spoken.get(line["head_cues"][0], before) if line.get("head_cues") else before
        said = next_word(tokens, {"is"}, start + 1, word) if word is not None and not line["at_once"] else None
        if said is not None and (cue := cue_at(tokens, said)) is not None:
            line["head_split"] = [[cue, 1]]  # the derivative's symbol first, then "=" and its expression
        before = word if word is not None else before
    w = ctx.words()
    shown_zero = any(_shows_zero(line["result"]) for line in equation["lines"])
    verdict = _points(step, ctx, [w("none_exactly_zero" if shown_zero else "none_zero")], [[]])
    data = _composite(_screen(_part("equation", equation, (0.0, 1.0, 0.0, 0.78)), _part("text", verdict, (0.0, 1.0, 0.82, 1.0))))
    return data  # no side panel: the lines take the frame's width (each shows the SoftMax values it uses)


def _shows_zero(text: str) -> bool:
    """Whether a shown result reads as 0 ("0.00", "-0.00"); a number in another notation does not."""
    try:
        return float(text.replace(MINUS, "-")) == 0
    except ValueError:
        return False


def _sentence_of(spoken: dict[str, int], cues: list[str]) -> list[str]:
    """``[sentence.N]``, the sentence in which the voice says the first of ``cues``, when it starts before that word
    (the voice describes what it then names); else ``[]``."""
    word = min((spoken[c] for c in cues if c in spoken), default=None)
    opening = sorted((at, name) for name, at in spoken.items() if name.startswith("sentence.") and word is not None and at < word)
    return [opening[-1][1]] if opening else []


def _summary(step: Any, ctx: Context) -> dict:
    return text_data(None, step.points, [None] * len(step.points), step, ctx)  # the points, each at its sentence


def _cross_entropy(step: Any, ctx: Context) -> dict:
    """Cross-entropy of the observed class as an equation (true at its digits) over the curve −log p, with the
    example's point on it."""
    w = ctx.words()
    # the point appears as the voice names p; the equation's numbers go in as it names the cross-entropy
    spoken = _spoken(step, ctx)
    line = {"expr": "-log(p_observed)", "result": "cross_entropy"}
    if "p_observed" in spoken and "cross_entropy" in spoken:
        line["cue"] = "cross_entropy"
    equation = _equation(step, ctx, [line])
    equation["lines"][0]["label"] = w("cross_entropy")
    # written as it is said: its symbols as the sentence that says the cross-entropy's value begins ("Its
    # cross-entropy is minus the log of that probability"), the rest of them at its "is"; the numbers as the voice says
    # p again there ("minus the log of 0.6871"), the result at its value
    tokens = _tokens(step, ctx)
    eq_line = equation["lines"][0]
    if "cross_entropy" in spoken and (sentence := _sentence_of(spoken, ["cross_entropy"])):
        start, word = spoken[sentence[0]], spoken["cross_entropy"]
        eq_line["head_cues"] = sentence
        said = next_word(tokens, {"is"}, start, word)
        if said is not None and (cue := cue_at(tokens, said)) is not None:
            eq_line["head_split"] = [[cue, 1]]
        again = next_word(tokens, {ctx.number("p_observed")}, start, word)
        if again is not None and again > spoken.get("p_observed", word) and (cue := cue_at(tokens, again)) is not None:
            eq_line["cues"], eq_line["result_cues"] = [cue], ["cross_entropy"]
    # the curve −log p drawn as the voice first names the cross-entropy, if it does before p ("... is replaced by
    # cross-entropy"); else with the axes
    named = _said(w("cross_entropy"), tokens)
    if named is not None and (word_at(named, tokens) or 0) >= spoken.get("p_observed", len(tokens)):
        named = None
    curve = plot_kind.PlotStep(
        kind="plot", curves=[plot_kind.Curve(function="neg_log", cue=named)], points=[plot_kind.PlotPoint(x="p_observed")],
        **_common(step),
    )
    plot = plot_kind.build(curve, ctx)
    plot["x_axis"]["label"] = w("observed_probability")
    # the two go together: the point's label is boxed as the voice says the cross-entropy while the equation above
    # is written
    return _composite(_screen(_part("plot", plot, (0.03, 0.97, 0.24, 1.0)), _part("equation", equation, (0.0, 1.0, 0.0, 0.22)),
                              together=True))


KINDS = (
    StepKind("raw_outputs", RawOutputsStep, _raw_outputs, "scenes.number_line:NumberLineScene",
             "the raw outputs on a number line, outside 0..1", code=("lesson.kinds.number_line",)),
    StepKind("argmax", ArgmaxStep, _argmax, COMPOSITE, "ArgMax turns the raw outputs into 1 and 0s", code=PARTS_CODE),
    StepKind("argmax_gradient", ArgmaxGradientStep, _argmax_gradient, "scenes.plot:PlotScene",
             "ArgMax as a step function of one raw output beside SoftMax's curve, the raw output sliding up through the "
             "threshold and back: ArgMax jumps, SoftMax glides; ArgMax's slope is 0", check=_of_class,
             code=("lesson.kinds.plot", "lesson.kinds.slide", "scenes.slide")),
    StepKind("softmax", SoftmaxStep, _softmax, COMPOSITE, "SoftMax worked out: e^z, their sum, and each quotient",
             code=PARTS_CODE),
    StepKind("softmax_properties", SoftmaxPropertiesStep, _softmax_properties, COMPOSITE,
             "SoftMax keeps the order, sums to 1; networks trained from other starts", check=_needs_training, code=PARTS_CODE),
    StepKind("softmax_formula", SoftmaxFormulaStep, _softmax_formula, COMPOSITE, "the SoftMax formula in general",
             code=PARTS_CODE),
    StepKind("softmax_derivatives", SoftmaxDerivativesStep, _softmax_derivatives, COMPOSITE,
             "the derivatives of one SoftMax output", check=_of_class, code=PARTS_CODE),
    StepKind("summary", SummaryStep, _summary, "scenes.text:TextScene", "the script's points, one after another (or side by side)",
             check=lambda step, ctx: side_by_side_problems(step, len(step.points)), code=("lesson.kinds.text", "lesson.kinds.cues")),
    StepKind("cross_entropy", CrossEntropyStep, _cross_entropy, COMPOSITE,
             "cross-entropy of the observed class: −log p on its curve", check=_needs_label, code=PARTS_CODE),
)
# every preset but the summary (the script's own points) shows the lesson's network, example or classes


def _classifier(check: Any) -> Any:
    """``check``, after the one every classifier preset has: the network is a classifier (output: softmax)."""

    def checked(step: Any, ctx: Context) -> list[Finding]:
        net = ctx.lesson.network
        if net is not None and net.output != "softmax":
            return [Finding(("kind",), f"{step.kind} shows a classifier's raw outputs, ArgMax or SoftMax; this network is a regression "
                                "(output: identity)")]
        return check(step, ctx) if check is not None else []

    return checked


KINDS = tuple(kind if kind.name == "summary" else dataclasses.replace(kind, needs_network=True, check=_classifier(kind.check)) for kind in KINDS)
