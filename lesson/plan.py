"""The plan: one entry per step holding plain data (text, numbers, durations) for the scenes to draw.

Every string of digits that appears on screen is made here, from the math
core's numbers, at the lesson's precision. Where a computation is shown with
rounded operands, the planner picks enough decimals for the operands that the
shown arithmetic really gives the shown result, and uses "≈" unless the
equation holds exactly: the video never shows a false equation.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from lesson import kinds, truth
from lesson.kinds import Context
from lesson.numbers import LessonNumbers, compute
from lesson.script.model import Lesson
from lesson.script.placeholders import fill, fill_spans
from lesson.speech import normalize
from lesson.plandata import ClassStyle, Plan, StepPlan, Style  # noqa: E402,F401  (the plan's types, shared with the scenes)
from lesson.shown import (  # noqa: F401  (re-exported: the number texts every builder uses)
    _SIGN,
    EXTRA_DECIMALS,
    MINUS,
    PlanError,
    fmt,
    rounded,
    short,
    shown_truthfully,
    tex,
)


# ---------------------------------------------------------------- the plan


def build_plan(lesson: Lesson, base: Path = Path("."), numbers: LessonNumbers | None = None) -> Plan:
    nums = numbers if numbers is not None else compute(lesson, base)
    d = lesson.display.decimals
    values = nums.values()
    style = Style(
        background=lesson.theme.background,
        text=lesson.theme.text,
        muted=lesson.theme.muted,
        accent=lesson.theme.accent,
        font=lesson.theme.font,
        classes=tuple(ClassStyle(c.name, c.label or c.name, c.color) for c in lesson.network.classes) if lesson.network else (),
    )
    steps = []
    for index, step in enumerate(lesson.steps):
        try:
            steps.append(_step_plan(lesson, nums, base, index, step, d, values))
        except PlanError:
            raise
        except (ValueError, ArithmeticError) as exc:  # a number the step cannot show: said at the step
            raise PlanError(index, f"this step cannot show the lesson's numbers ({exc})") from None
    return Plan(lesson.id, lesson.title, lesson.video.quality, style, tuple(steps), lesson.narration.pause)


def class_families(names: Any, classes: list[str]) -> list[str]:
    """The per-class placeholder families (``softmax`` for softmax.<class> of every class)."""
    found = {n.rsplit(".", 1)[0] for n in names if "." in n and n.rsplit(".", 1)[1] in classes}
    return sorted(f for f in found if all(f"{f}.{c}" in names for c in classes))


def panel(spec: Any, lesson: Lesson, values: Any, d: int) -> dict:
    """A side panel's text: its rows as the script gives them, then one row per class for ``each_class``."""
    def filled(text: str) -> str:  # "-2.00" is drawn "−2.00": a minus sign, not a hyphen
        return _SIGN.sub(MINUS, fill(text, values, d))

    rows = [{"label": filled(r.label), "value": filled(r.value), "color": None} for r in spec.rows]
    if spec.each_class is not None and lesson.network is not None:
        for c in lesson.network.classes:
            rows.append({"label": c.label or c.name, "value": filled(f"{{{spec.each_class}.{c.name}}}"), "color": c.color})
    return side_panel(filled(spec.heading) if spec.heading else "", rows)


def side_panel(heading: str, rows: list[dict]) -> dict:
    """A side panel's data (the script's ``beside``, or a preset's): its heading, its rows of label and value, and
    how the values line up: on their decimal points when every one is a number (the table's rule), else from the left."""
    from lesson.kinds.table import alignments

    return {"heading": heading, "rows": rows, "align": alignments([[r["value"]] for r in rows], 1)[0] if rows else "left"}


def sentence_cues(tokens: list[str]) -> tuple[tuple[str, int], ...]:
    """``sentence.N``: the token where the narration's N-th sentence (from 1) begins, for things shown sentence by
    sentence (a text step's points)."""
    out = [("sentence.1", 0)] if tokens else []
    for i, token in enumerate(tokens[:-1]):
        if token.rstrip("\"'”’)").endswith((".", "!", "?")):
            out.append((f"sentence.{len(out) + 1}", i + 1))
    return tuple(out)


def _step_plan(lesson: Lesson, nums: LessonNumbers, base: Path, index: int, step: Any, d: int, values: dict) -> StepPlan:
    narration, spans = fill_spans(step.narration, values, d)
    narration = _SIGN.sub(MINUS, narration)  # one character for another: the spans stay valid
    toks = normalize.tokens(narration)
    starts = [start for _, start in toks]
    cues = tuple((name, bisect.bisect_right(starts, start) - 1) for name, start, _ in spans)
    cues += sentence_cues([t for t, _ in toks])
    try:
        with truth.recording() as equations:
            data = kinds.get(step.kind).build(step, Context(lesson, nums, d, values, base))
    except PlanError as exc:
        raise PlanError(index, exc.message, exc.where) from None
    if step.beside is not None:
        data = {**data, "beside": panel(step.beside, lesson, values, d)}
    return StepPlan(
        index=index,
        kind=step.kind,
        id=step.id or f"step{index + 1:02d}_{step.kind}",
        title=fill(step.title, values, d),
        narration=narration,
        data=data,
        tokens=tuple(t for t, _ in toks),
        spoken=tuple(normalize.spoken(t) for t, _ in toks),
        cues=cues,
        audio=str((base / step.audio).resolve()) if step.audio else None,
        equations=tuple(dict.fromkeys((e.expression, e.relation, e.result) for e in equations)),
    )
