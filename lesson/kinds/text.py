"""``text``: a heading and up to five short points, each revealed as the narration reaches it.

A point appears at a cue: ``cue`` names a placeholder spoken in the narration (``softmax.sunny``) or the start of
a sentence (``sentence.3``). By default point i (from 1) appears as sentence i + 1 begins when the narration has
more sentences than there are points (the first sentence introduces them), as sentence i begins when it has just
as many, and otherwise the points are spread evenly over the sentences there are (points that share a sentence
follow each other a beat apart).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from lesson.base.errors import Finding
from lesson.kinds import Context, StepKind, highlights
from lesson.kinds.cues import cue_problem, narration_cues, narration_tokens, sentences, spoken_words
from lesson.script import limits
from lesson.script.placeholders import fields
from lesson.script.parts import StepBase, Strict, template
from lesson.base.shown import PlanError



class Point(Strict):
    text: template(limits.POINT_CHARS) = Field(description="the point as drawn; {placeholders} are filled in")
    cue: str | None = Field(
        None, max_length=80, description="when it appears: a placeholder spoken in the narration (e.g. softmax.sunny) or sentence.N"
    )


def _as_point(value: Any) -> Any:
    """A point written as a plain string is a point without ``at``."""
    return {"text": value} if isinstance(value, str) else value


# a string, or {text, at}: a string is read as {text: ...}, so a problem is reported once, at the point
PointOrText = Annotated[Point, BeforeValidator(_as_point, json_schema_input_type=template(limits.POINT_CHARS) | Point)]


CAN_HIGHLIGHT = ("point",)  # a point on screen whose value the voice names: boxed at that word


SIDE_BY_SIDE = 3  # cards in a row across the frame: more would be too narrow to read


def side_by_side_option() -> Any:
    """The ``side_by_side`` field of the kinds that show points (text, summary)."""
    return Field(False, description=f"the points as up to {SIDE_BY_SIDE} cards side by side (things to compare, e.g. which to use "
                                    "when) instead of a list; a point written 'Head: rest' has its head drawn large")


def side_by_side_problems(step: Any, n: int) -> list[Finding]:
    """``side_by_side`` with more points than fit in a row."""
    if getattr(step, "side_by_side", False) and n > SIDE_BY_SIDE:
        return [Finding(("side_by_side",), f"side_by_side shows at most {SIDE_BY_SIDE} points as cards in a row; this step has {n}")]
    return []


class TextStep(StepBase):
    kind: Literal["text"]
    heading: template(limits.TITLE_CHARS) | None = Field(
        None, description="a statement drawn large above the points (the step's title is already at the top)"
    )
    points: list[PointOrText] = Field(
        min_length=1, max_length=limits.TEXT_POINTS, description=f"1 to {limits.TEXT_POINTS} short lines, shown top to bottom as they are spoken"
    )
    side_by_side: bool = side_by_side_option()
    highlight: highlights.Highlight = highlights.option("point", CAN_HIGHLIGHT)
    point: list[highlights.Point] = highlights.points("heading, or point.N (a point, from 1) once it is on screen")


POINT_AT = re.compile(r"heading|point\.([0-9]+)")


# ---------------------------------------------------------------- when each point appears


def default_cues(n_points: int, n_sentences: int) -> list[str]:
    """The sentence at whose start each point appears when the script does not say (see the module's doc)."""
    if n_sentences == 0:
        return ["" for _ in range(n_points)]
    if n_sentences > n_points:
        return [f"sentence.{i + 2}" for i in range(n_points)]
    return [f"sentence.{1 + i * n_sentences // n_points}" for i in range(n_points)]


def point_cues(ats: Sequence[str | None], cues: Mapping[str, int]) -> list[str]:
    """Each point's cue: its ``at``, else its default sentence, but never before the point above it (a point
    without ``at`` below one that has it appears right after it)."""
    defaults = default_cues(len(ats), sentences(cues))
    out: list[str] = []
    last = -1
    for at, default in zip(ats, defaults):
        cue = at if at is not None else default
        if at is None and out and cues.get(cue, -1) < last:
            cue = out[-1]
        out.append(cue)
        last = max(last, cues.get(cue, last))
    return out


def point_words(texts: Sequence[str], chosen: Sequence[str], cues: Mapping[str, int], tokens: Sequence[str]) -> list[list[list]]:
    """For each point, its words that the voice says while it is the newest point on screen (from its cue to the
    next point's), as :func:`lesson.kinds.cues.spoken_words` gives them: the scene points at each at its word."""
    appear = [cues.get(c, 0) if c else 0 for c in chosen]
    out = []
    for i, text in enumerate(texts):
        later = [a for a in appear[i + 1:] if a > appear[i]]
        out.append(spoken_words(text, tokens, appear[i], min(later) if later else None))
    return out


def _parts(step: Any) -> tuple[list[str], list[str | None]]:
    return [p.text for p in step.points], [p.cue for p in step.points]


def text_data(heading: str | None, texts: Sequence[str], ats: Sequence[str | None], step: Any, ctx: Context) -> dict:
    """The text scene's data: the heading and points filled in (a minus sign before a number as a minus), and the
    cue of each point (a list of names)."""
    d, values = ctx.decimals, ctx.values
    cues = narration_cues(step.narration, values, d, ctx.forms, ctx.typed,
                          words=[a for a in ats if a] + [p.cue for p in getattr(step, "point", [])])

    def drawn(text: str) -> str:
        return ctx.fill(text)

    chosen = point_cues(ats, cues)
    # a value the voice names that a point on screen shows (by name or value), after that point came in: boxed then;
    # and each part the script points at (point:, the heading being -1), once it is on screen
    pointing: list[list] = []
    appear = [cues.get(c, -1) if c else -1 for c in chosen]
    if getattr(step, "highlight", "point") != "none":
        named = highlights.pointing(step, ctx, [(i, [n for n, _ in fields(t)]) for i, t in enumerate(texts)])
        pointing = [[name, i] for name, i in named if cues.get(name, -1) > appear[i]]
    for j, p in enumerate(getattr(step, "point", [])):
        m = POINT_AT.fullmatch(p.at)
        k = -1 if m is None or m.group(1) is None else int(m.group(1)) - 1
        if p.cue not in cues or not -1 <= k < len(texts):
            continue
        if k >= 0 and cues[p.cue] <= appear[k]:
            raise PlanError(-1, f"point {j + 1} names point {k + 1} at {p.cue}, before it is on screen (at {chosen[k] or 'the start'})",
                            ("point", j, "cue"))
        pointing.append([p.cue, k])
    pointing.sort(key=lambda entry: cues.get(entry[0], -1))
    points = [drawn(t) for t in texts]
    words: list[list[list]] = [[] for _ in points]
    if getattr(step, "highlight", "point") != "none":  # each point's words pointed at as the voice says them
        words = point_words(points, chosen, cues, narration_tokens(step.narration, values, d, ctx.forms, ctx.typed))
    return {
        "heading": drawn(heading) if heading else "",
        "points": points,
        "cues": [[c] if c else [] for c in chosen],
        "pointing": pointing,
        "words": words,
        "side_by_side": bool(getattr(step, "side_by_side", False)),
    }


def build(step: Any, ctx: Context) -> dict:
    texts, ats = _parts(step)
    return text_data(step.heading, texts, ats, step, ctx)


def point_problems(ats: Sequence[str | None], step: Any, ctx: Context, where: str = "points") -> list[Finding]:
    """Each point's ``cue`` that is not a cue of this narration."""
    return [Finding((where, i, "cue"), why) for i, at in enumerate(ats)
            if at is not None and (why := cue_problem(at, step.narration, ctx.placeholder_kinds))]


def pointed_problems(step: Any, ctx: Context, n: int) -> list[Finding]:
    """Each ``point:`` (what the box moves to at a cue) that names no part of the step, or whose cue is not one."""
    out: list[Finding] = []
    for j, p in enumerate(getattr(step, "point", [])):
        m = POINT_AT.fullmatch(p.at)
        if m is None or (m.group(1) is not None and not 1 <= int(m.group(1)) <= n):
            out.append(Finding(("point", j, "at"), f"cannot point at {p.at!r}: a text step points at heading or point.1 to point.{n}"))
        elif m.group(1) is None and not step.heading:
            out.append(Finding(("point", j, "at"), "the step has no heading to point at"))
        if why := cue_problem(p.cue, step.narration, ctx.placeholder_kinds):
            out.append(Finding(("point", j, "cue"), why))
    return out


def point_order_problems(ats: Sequence[str | None], step: Any, where: str = "points") -> list[Finding]:
    """A point whose ``cue`` comes before the cue of a point above it: points appear from top to bottom."""
    out: list[Finding] = []
    cues = narration_cues(step.narration, words=[a for a in ats if a])
    chosen = point_cues(ats, cues)
    for i in range(1, len(ats)):
        before = max(cues.get(c, -1) for c in chosen[:i])
        if ats[i] is not None and cues[ats[i]] < before:
            j = max(range(i), key=lambda k: cues.get(chosen[k], -1))
            out.append(Finding((where, i, "cue"), f"cue: point {i + 1} would appear at {ats[i]}, before point {j + 1} above it "
                        f"({chosen[j]}); points appear from top to bottom, so give them cues in the order they are spoken"))
    return out


def check(step: Any, ctx: Context) -> list[Finding]:
    """Each ``cue`` is a cue of this narration, and the points are reached from top to bottom."""
    out: list[Finding] = highlights.check(step, "text", CAN_HIGHLIGHT) if hasattr(step, "highlight") else []
    _, ats = _parts(step)
    out += point_problems(ats, step, ctx) + pointed_problems(step, ctx, len(ats)) + side_by_side_problems(step, len(ats))
    return out or point_order_problems(ats, step)


KINDS = (
    StepKind("text", TextStep, build, "scenes.text:TextScene",
             "a heading and up to five short points, each shown as the narration reaches it", check=check,
             code=("lesson.kinds.cues",)),
)
