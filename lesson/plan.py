"""The plan: one entry per step holding plain data (text, numbers, durations) for the scenes to draw.

Every string of digits that appears on screen is made here, from the math
core's numbers, at the lesson's precision. Where a computation is shown with
rounded operands, the planner picks enough decimals for the operands that the
shown arithmetic really gives the shown result, and uses "≈" unless the
equation holds exactly: the video never shows a false equation.
"""

from __future__ import annotations

import bisect
import math
import re
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from lesson.base import coherence, relations
from lesson.base.codehash import code_hash, module_files

from lesson import kinds
from lesson.base.digits import fixed
from lesson.kinds import Context, highlights
from lesson.kinds.cues import sentence_cues, word_cues
from lesson.kinds.table import panel
from lesson.numbers.compute import LessonNumbers, compute
from lesson.script.model import Lesson
from lesson.base.record import SPOKEN
from lesson.script import names as script_names
from lesson.script.placeholders import fields, fill_spans, text_of
from lesson.speech import normalize
from lesson.base.plandata import ClassStyle, Plan, StepPlan, Style  # noqa: E402,F401  (the plan's types, shared with the scenes)
from lesson.base.shown import (  # noqa: F401  (re-exported: the number texts every builder uses)
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


FORM_ROUNDS = 12  # rounds of the planner's fixed point over every equation's needs (each raises some form)


def build_plan(lesson: Lesson, base: Path = Path("."), numbers: LessonNumbers | None = None) -> Plan:
    """The plan of every step. Each quantity gets one form for the whole lesson: the fewest decimals (at least the
    lesson's) at which every equation that uses it, anywhere in the lesson, is true by the truth rule. The steps are
    planned with the forms found so far until no equation needs more (a fixed point: forms only grow)."""
    nums = numbers if numbers is not None else compute(lesson, base)
    d = lesson.display.decimals
    values = nums.values()
    groups = value_groups(values)
    same = {n: g for g in groups.values() if len(g) > 1 for n in g}
    typed = frozenset(_typed_with(script_names.typed(lesson), same))
    forms = _tiny_forms(values, typed, d)
    why: dict[str, str] = {}  # a quantity shown with more decimals -> the equation that asked for them
    codes: dict[str, str] = {}  # each kind's code hash, read once per plan
    for _ in range(FORM_ROUNDS):
        try:
            plan, needs, needed_by = _plan_once(lesson, nums, base, forms, typed, groups, codes)
        except PlanError as exc:
            raise _explained(exc, forms, why, d) from None
        grown: dict[str, int] = {}
        for n, k in needs.items():
            if k > forms.get(n, d):
                for m in same.get(n, (n,)):
                    grown[m], why[m] = k, needed_by[n]
        if not grown:  # every equation holds: separate two values that read the same, where one more decimal does it
            grown = _separated(plan, values, forms, d, same)
        if not grown:
            return plan
        forms = {**forms, **grown}
    raise PlanError(0, "the equations of this lesson keep asking for more decimals of their numbers; "
                       "change display.decimals or show fewer equations over the same values")


def _explained(exc: PlanError, forms: Mapping[str, int], why: Mapping[str, str], d: int) -> PlanError:
    """A step that cannot be shown once other equations gave its numbers more decimals: which, and for what."""
    named = [n for n in forms if n in why and re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", exc.message)]
    most = sorted((n for n in forms if n in why and forms[n] > d), key=lambda n: (-forms[n], n))  # the chain's far end
    causes = [f"{n} has {forms[n]} decimals because {why[n].replace('-', MINUS)} needs them" for n in dict.fromkeys([*named, *most])
              if forms[n] > d]
    if not causes:
        return exc
    return PlanError(exc.step, f"{exc.message} ({'; '.join(causes[:3])}: every number has one form in a lesson, so "
                               "show that equation with fewer digits, or leave one of them out)", exc.where)


def _tiny_forms(values: Mapping[str, Any], typed: set[str], d: int) -> dict[str, int]:
    """A computed value too small to read at the lesson's decimals is shown to its first digit (0.004, not "< 0.01"
    in one place and 0.00 in another), up to ``d + EXTRA_DECIMALS`` decimals."""
    out = {}
    for name, v in values.items():
        if isinstance(v, float) and name not in typed and v != 0 and math.isfinite(v) and float(fixed(v, d)) == 0:
            k = next((k for k in range(d + 1, d + EXTRA_DECIMALS + 1) if float(fixed(v, k)) != 0), None)
            if k is not None:
                out[name] = k
    return out


def _separated(plan: Plan, values: Mapping[str, Any], forms: dict[str, int], d: int,
               same: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """For two different values that read the same in one step, one more decimal of both where that tells them apart."""
    grown: dict[str, int] = {}
    for step in plan.steps:
        for found in coherence.findings(step.numbers, values):
            if found.what != coherence.COINCIDENCE:
                continue
            a, b = found.quantities
            k = max(forms.get(a, d), forms.get(b, d)) + 1
            if k <= d + EXTRA_DECIMALS and fixed(float(values[a]), k) != fixed(float(values[b]), k):
                grown.update({m: k for n in (a, b) for m in same.get(n, (n,)) if forms.get(m, d) < k})
    return grown


def typed_names(lesson: Lesson, values: Mapping[str, Any]) -> set[str]:
    """The numbers written as typed: those the author typed, and every computed value that is one of them (a
    descent's start, a slope of exactly 1)."""
    same = {n: g for g in value_groups(values).values() if len(g) > 1 for n in g}
    return _typed_with(script_names.typed(lesson), same)


def _typed_with(typed: set[str], same: Mapping[str, tuple[str, ...]]) -> set[str]:
    return typed | {m for n in typed for m in same.get(n, ())}


def value_groups(values: Mapping[str, Any]) -> dict[float, tuple[str, ...]]:
    """The names of the computed numbers by value (to the last bits of float arithmetic, coherence.same_value):
    p_observed and softmax.setosa, the first example's and the lesson's are one value, so one form."""
    groups: dict[float, list[str]] = {}
    for name, v in values.items():
        if isinstance(v, float) and math.isfinite(v):
            groups.setdefault(coherence.same_value(v), []).append(name)
    return {k: tuple(g) for k, g in groups.items()}


def forms_of(plan: Plan) -> dict[str, str]:
    """Each quantity's number as the plan shows it (the first text; one per quantity when the lesson is coherent)."""
    out: dict[str, str] = {}
    for step in plan.steps:
        for quantity, text, _how, spec in step.numbers:
            if not spec:
                out.setdefault(quantity, text)
    return out


def _plan_once(lesson: Lesson, nums: LessonNumbers, base: Path, forms: dict[str, int], typed: frozenset[str],
               groups: Mapping[float, tuple[str, ...]], codes: dict[str, str]) -> tuple[Plan, dict[str, int], dict[str, str]]:
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
    needs: dict[str, int] = {}
    needed_by: dict[str, str] = {}
    for index, step in enumerate(lesson.steps):
        ctx = Context(lesson, nums, d, values, base, forms=forms, typed=typed, by_value=groups)
        try:
            steps.append(_step_plan(ctx, index, step, codes))
        except PlanError:
            raise
        except (ValueError, ArithmeticError) as exc:  # a number the step cannot show: said at the step
            raise PlanError(index, f"this step cannot show the lesson's numbers ({exc})") from None
        for n, k in ctx.record.needs.items():
            if k > needs.get(n, -1):
                needs[n], needed_by[n] = k, ctx.record.needed_by[n]
    return Plan(lesson.id, lesson.title, lesson.video.quality, style, tuple(steps), lesson.narration.pause), needs, needed_by


def _step_plan(ctx: Context, index: int, step: Any, codes: dict[str, str]) -> StepPlan:
    values, d = ctx.values, ctx.decimals
    narration, spans = fill_spans(step.narration, values, d, ctx.forms, ctx.typed)
    narration = _SIGN.sub(MINUS, narration)  # one character for another: the spans stay valid
    for name, spec, a, b in spans:
        if not isinstance(values[name], str):
            ctx.record.number(name, narration[a:b], SPOKEN, spec)

    def spoken_text(name: str, spec: str) -> str:  # a placeholder as the voice says it, with this format
        return text_of(values, name, spec, d, ctx.forms, ctx.typed)

    stated = tuple((r.written(step.narration), *relations.judged(r, spoken_text), r.start)
                   for r in relations.spoken(step.narration, ctx.lesson.language))
    toks = normalize.tokens(narration)
    starts = [start for _, start in toks]
    cues = tuple((name, bisect.bisect_right(starts, start) - 1) for name, _, start, _ in spans)
    cues += sentence_cues([t for t, _ in toks])
    kind = kinds.get(step.kind)
    try:
        data = kind.build(step, ctx)
    except PlanError as exc:
        raise PlanError(index, exc.message, exc.where) from None
    if step.beside is not None:
        side = panel(step.beside, ctx)
        # each row the voice names by a value it shows, at that word (a scene that follows the voice points there)
        targets = [(r, [name for name, _ in fields(row.value)]) for r, row in enumerate(step.beside.rows)]
        side["pointing"] = [[name, r] for name, r in highlights.pointing(step, ctx, targets)]
        data = {**data, "beside": side}
    before = kinds.get(ctx.lesson.steps[index - 1].kind) if index > 0 else None
    keeping = step.transition == "keep" and before is not None and before.keeps is not None
    if keeping:  # the step before's screen stays: its picture is part of this step's plan
        data = before.keeps(ctx.lesson, index, data, ctx)
    if index == len(ctx.lesson.steps) - 1:  # the last step ends on the closing card
        data = {**data, "closing": closing(ctx)}
    cues += word_cues(data, [t for t, _ in toks])  # the words the step's data waits for (sentence.N:words)
    title = ctx.fill(step.title)
    modules = kind.code_modules()
    if keeping:  # the kept picture is drawn by the step before's code too (and what that step kept beside it, by
        # its own): a change in any of it draws this step again
        kept, nested = data["kept"], []
        while kept is not None:
            nested.append(kinds.get(ctx.lesson.steps[index - 1 - len(nested)].kind).keeps_code)
            kept = kept["data"].get("kept")
        modules = tuple(dict.fromkeys((*modules, *(m for code in nested for m in code))))
        code = code_hash(module_files(modules))
    else:
        code = codes[kind.name] if kind.name in codes else codes.setdefault(kind.name, kind.code_version())
    return StepPlan(
        index=index,
        kind=step.kind,
        id=step.id or f"step{index + 1:02d}_{step.kind}",
        title=title,
        narration=narration,
        data=data,
        tokens=tuple(t for t, _ in toks),
        spoken=tuple(normalize.spoken(t) for t, _ in toks),
        cues=cues,
        audio=str((ctx.base / step.audio).resolve()) if step.audio else None,
        equations=tuple(dict.fromkeys((e.expression, e.relation, e.result) for e, _ in ctx.record.equations)),
        numbers=tuple(dict.fromkeys((n.quantity, n.text, n.how, n.spec) for n in ctx.record.numbers)),
        results=tuple(dict.fromkeys((e.expression, e.relation, e.result, r or "") for e, r in ctx.record.equations)),
        drawn_words=tuple(sorted(ctx.record.words)),
        relations=tuple(r for r in stated if r[3]),
        scene=kind.scene,
        code_modules=modules,
        code=code,
    )


def closing(ctx: Context) -> dict:
    """The closing card the last step ends on, after its last word: the lesson's title and, when the script says what
    comes next (``next:``), that."""
    lesson = ctx.lesson
    return {"heading": lesson.title, "next": ctx.words()("next", what=lesson.next) if lesson.next else ""}
