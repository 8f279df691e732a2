"""``text``: a heading and up to five short points, each revealed as the narration reaches it.

A point appears at a cue: ``cue`` names a placeholder spoken in the narration (``softmax.sunny``) or the start of
a sentence (``sentence.3``). By default point i (from 1) appears as sentence i + 1 begins when the narration has
more sentences than there are points (the first sentence introduces them), as sentence i begins when it has just
as many, and otherwise the points are spread evenly over the sentences there are (points that share a sentence
follow each other a beat apart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from lesson.base.errors import Finding
from lesson.kinds import Context, StepKind, highlights
from lesson.kinds.cues import cue_problem, narration_cues, sentences
from lesson.script import limits
from lesson.script.placeholders import fields
from lesson.script.parts import StepBase, Strict, template



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


class TextStep(StepBase):
    kind: Literal["text"]
    heading: template(limits.TITLE_CHARS) | None = Field(
        None, description="a statement drawn large above the points (the step's title is already at the top)"
    )
    points: list[PointOrText] = Field(
        min_length=1, max_length=limits.TEXT_POINTS, description=f"1 to {limits.TEXT_POINTS} short lines, shown top to bottom as they are spoken"
    )
    highlight: highlights.Highlight = highlights.option("point", CAN_HIGHLIGHT)


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


def _parts(step: Any) -> tuple[list[str], list[str | None]]:
    return [p.text for p in step.points], [p.cue for p in step.points]


def text_data(heading: str | None, texts: Sequence[str], ats: Sequence[str | None], step: Any, ctx: Context) -> dict:
    """The text scene's data: the heading and points filled in (a minus sign before a number as a minus), and the
    cue of each point (a list of names)."""
    d, values = ctx.decimals, ctx.values
    cues = narration_cues(step.narration, values, d, ctx.forms, ctx.typed)

    def drawn(text: str) -> str:
        return ctx.fill(text)

    chosen = point_cues(ats, cues)
    # a value the voice names that a point on screen shows (by name or value), after that point came in: boxed then
    pointing: list[list] = []
    if getattr(step, "highlight", "point") != "none":
        named = highlights.pointing(step, ctx, [(i, [n for n, _ in fields(t)]) for i, t in enumerate(texts)])
        appear = [cues.get(c, -1) if c else -1 for c in chosen]
        pointing = [[name, i] for name, i in named if cues.get(name, -1) > appear[i]]
    return {
        "heading": drawn(heading) if heading else "",
        "points": [drawn(t) for t in texts],
        "cues": [[c] if c else [] for c in chosen],
        "pointing": pointing,
    }


def build(step: Any, ctx: Context) -> dict:
    texts, ats = _parts(step)
    return text_data(step.heading, texts, ats, step, ctx)


def point_problems(ats: Sequence[str | None], step: Any, ctx: Context, where: str = "points") -> list[Finding]:
    """Each point's ``cue`` that is not a cue of this narration."""
    return [Finding((where, i, "cue"), why) for i, at in enumerate(ats)
            if at is not None and (why := cue_problem(at, step.narration, ctx.placeholder_kinds))]


def point_order_problems(ats: Sequence[str | None], step: Any, where: str = "points") -> list[Finding]:
    """A point whose ``cue`` comes before the cue of a point above it: points appear from top to bottom."""
    out: list[Finding] = []
    cues = narration_cues(step.narration)
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
    out += point_problems(ats, step, ctx)
    return out or point_order_problems(ats, step)


KINDS = (
    StepKind("text", TextStep, build, "scenes.text:TextScene",
             "a heading and up to five short points, each shown as the narration reaches it", check=check,
             code=("lesson.kinds.cues",)),
)
