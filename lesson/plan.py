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
from lesson.kinds.cues import sentence_cues
from lesson.kinds.table import panel
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
