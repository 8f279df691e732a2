"""``number_line``: values placed on a line beside reference marks; each appears as the voice says it."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from lesson.base.errors import Finding
from lesson.kinds import Context, StepKind, highlights
from lesson.kinds.cues import cue_problems
from lesson.kinds.plot import Cue, NumberOrName, check_value, value_of
from lesson.script import limits
from lesson.script.parts import Color, Family, Finite, StepBase, Strict, template
from lesson.base.shown import PlanError, short
from lesson.base.hints import one_of
from lesson.script.placeholders import class_families

MAX_VALUES = limits.LINE_VALUES
MAX_MARKS = limits.LINE_MARKS


class LineValue(Strict):
    value: NumberOrName
    label: template(limits.CELL_CHARS) | None = Field(None, description="a name written above the value")
    color: Color | None = None
    cue: Cue | None = Field(None, description="when it appears (default: when its placeholder is spoken)")


CAN_HIGHLIGHT = ("value",)  # a value the voice names again (by another name of it) is boxed at that word


class NumberLineStep(StepBase):
    kind: Literal["number_line"]
    values: list[LineValue] = Field(default=[], max_length=MAX_VALUES)
    each_class: Family | None = Field(
        None, description="a per-class placeholder family (raw, softmax, ...): one value per class, labelled and coloured"
    )
    marks: list[Finite] = Field(default=[], max_length=MAX_MARKS, description="reference ticks, e.g. [0, 1]")
    band: tuple[Finite, Finite] | None = Field(None, description="[low, high] of a stretch of the line to shade, e.g. [0, 1]")
    range: tuple[Finite, Finite] | None = Field(None, description="[low, high] of the line (default: around the values and marks)")
    highlight: highlights.Highlight = highlights.option("value", CAN_HIGHLIGHT)
    point: list[highlights.Point] = highlights.points("band, or mark.N (a mark, from 1), e.g. as the voice says 'between 0 and 1'")

    @field_validator("range", "band")
    @classmethod
    def _increases(cls, pair: tuple[float, float] | None, info: ValidationInfo) -> tuple[float, float] | None:
        if pair is not None and not pair[0] < pair[1]:
            raise ValueError(f"{info.field_name} must be [low, high] with low < high, got [{pair[0]:g}, {pair[1]:g}]")
        return pair

    @model_validator(mode="after")
    def _something_to_show(self) -> NumberLineStep:
        if not self.values and self.each_class is None:
            raise ValueError("a number line needs values or each_class")
        return self


def _check(step: NumberLineStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = highlights.check(step, "number_line", CAN_HIGHLIGHT)
    if step.each_class is not None:
        families = class_families(ctx.placeholder_kinds, [c.name for c in ctx.classes])
        if step.each_class not in families:
            out.append(Finding(("each_class",), f"{step.each_class!r} is not a per-class value{one_of(step.each_class, families, 'per-class values')}"))
    if step.each_class is not None and len(step.values) + len(ctx.classes) > MAX_VALUES:
        out.append(Finding(("values",), f"at most {MAX_VALUES} values on one line, with the classes of each_class"))
    for i, v in enumerate(step.values):
        out += check_value(v.value, ("values", i, "value"), ctx)
        out += cue_problems(v.cue, ("values", i, "cue"), step, ctx)
    for i, p in enumerate(step.point):
        if (why := _cannot_point(p.at, step)) is not None:
            out.append(Finding(("point", i, "at"), why))
        out += cue_problems(p.cue, ("point", i, "cue"), step, ctx)
    if step.point and step.highlight == "none":
        out.append(Finding(("point",), "point: with highlight: none: nothing would point (write highlight: value)"))
    return out


MARK = re.compile(r"mark\.([0-9]+)")


def _cannot_point(at: str, step: NumberLineStep) -> str | None:
    """Why a number line cannot point at ``at`` (None if it can): the band, if it has one, or one of its marks."""
    n = len(step.marks)
    if at == "band":
        return None if step.band is not None else "cannot point at the band: the line has none (give it band: [low, high])"
    m = MARK.fullmatch(at)
    if m is not None and 1 <= int(m.group(1)) <= n:
        return None
    marks = f"mark.1 to mark.{n}" if n else "no mark (it has none)"
    return f"cannot point at {at!r}: a number line points at band{' (if it has one)' if step.band is None else ''} or {marks}"


def _text(name: str, ctx: Context) -> str:
    """A placeholder's value as the narration says it (a value too small for the decimals reads "< 0.01")."""
    return ctx.number(name)


def build(step: NumberLineStep, ctx: Context) -> dict:
    entries: list[dict[str, Any]] = []
    for i, v in enumerate(step.values):
        where = ("values", i, "value")
        x = value_of(v.value, ctx, where)
        entries.append({
            "x": x,
            "label": _text(v.value, ctx) if isinstance(v.value, str) else short(x),
            "name": ctx.fill(v.label) if v.label else "",
            "color": v.color or ctx.lesson.theme.accent,
            "cues": [v.cue] if v.cue else ([v.value] if isinstance(v.value, str) else []),
            "names": [v.value] if isinstance(v.value, str) else [],
            "where": list(where),
        })
    if step.each_class is not None:
        for c in ctx.classes:
            name = f"{step.each_class}.{c.name}"
            entries.append({
                "x": float(ctx.values[name]), "label": _text(name, ctx), "name": c.label or c.name, "color": c.color,
                "cues": [name], "names": [name], "where": ["each_class"],
            })
    marks = [[float(m), short(m)] for m in step.marks]
    xs = [e["x"] for e in entries] + [m for m, _ in marks] + list(step.band or ())
    if step.range is not None:
        lo, hi = step.range
        for e in entries:
            if not lo <= e["x"] <= hi:
                raise PlanError(-1, f"the value {e['label']} lies outside the range [{short(lo)}, {short(hi)}]", tuple(e["where"]))
        for k, (m, text) in enumerate(marks):
            if not lo <= m <= hi:
                raise PlanError(-1, f"the mark {text} lies outside the range [{short(lo)}, {short(hi)}]", ("marks", k))
        if step.band is not None and not lo <= step.band[0] < step.band[1] <= hi:
            raise PlanError(-1, f"the band lies outside the range [{short(lo)}, {short(hi)}]", ("band",))
    else:
        lo, hi = min(xs), max(xs)
        span = max(hi - lo, 1.0)
        lo, hi = lo - 0.12 * span, hi + 0.12 * span
    for e in entries:
        del e["where"]
    # a value appears at the first word that names it (its placeholder, or another name of its value); each later
    # one boxes it at that word. A value with its own cue appears at that cue
    pointing: list[list] = []
    if step.highlight != "none":
        named: dict[int, list[str]] = {}
        for name, i in highlights.pointing(step, ctx, [(i, e["names"]) for i, e in enumerate(entries)]):
            named.setdefault(i, []).append(name)
        for i, names in named.items():
            own = [v for v in step.values[i:i + 1] if v.cue] if i < len(step.values) else []
            if not own:
                entries[i]["cues"] = list(dict.fromkeys([*names[:1], *entries[i]["cues"]]))
                names = names[1:]
            pointing += [[name, i] for name in names if name not in entries[i]["cues"]]
        highlights.nothing_lit(step, "number_line", pointing + [n for names in named.values() for n in names])
    for e in entries:
        del e["names"]
    # the band or a mark the voice names (point:): [cue, "band"] or [cue, mark index]
    parts = [[p.cue, "band" if p.at == "band" else int(MARK.fullmatch(p.at).group(1)) - 1] for p in step.point]  # type: ignore[union-attr]
    return {"range": [lo, hi], "marks": marks, "values": entries, "band": list(step.band) if step.band else None,
            "pointing": pointing, "parts_pointing": parts if step.highlight != "none" else []}


KINDS = (
    StepKind("number_line", NumberLineStep, build, "scenes.number_line:NumberLineScene",
             "values on a line beside reference marks, each appearing as it is spoken", check=_check),
)
