"""``title``: the lesson's title card (its heading, subtitle and author come from the script).

A title card may also carry up to three short ``points``: what the lesson will do, each shown under the title as
the voice says it, so that the card follows the introduction instead of holding still under it. A point appears at
its ``cue`` (a placeholder spoken, or ``sentence.N``), by default as a text step's points do
(:mod:`lesson.kinds.text`: point i at sentence i + 1 when the narration has more sentences than points); a point
at ``sentence.1`` comes in with the title.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lesson.base.errors import Finding
from lesson.kinds import Context, StepKind
from lesson.kinds.cues import narration_cues, narration_tokens, named_words
from lesson.kinds.text import PointOrText, point_cues, point_order_problems, point_problems, point_words
from lesson.script.parts import StepBase

TITLE_POINTS = 3  # below the title, the subtitle and the author, three short lines fit the card


class TitleStep(StepBase):
    kind: Literal["title"]
    points: list[PointOrText] = Field(
        [], max_length=TITLE_POINTS,
        description=f"up to {TITLE_POINTS} short lines under the title, each shown as it is spoken (what the lesson will do)",
    )


def build(step: Any, ctx: Context) -> dict:
    lesson = ctx.lesson
    texts = [p.text for p in step.points]
    cues = narration_cues(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed, words=named_words(step))
    chosen = point_cues([p.cue for p in step.points], cues)
    points = [ctx.fill(t) for t in texts]
    tokens = narration_tokens(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed)
    return {"heading": lesson.title, "subtitle": lesson.subtitle or "", "author": lesson.author or "",
            "points": points, "cues": [[c] if c else [] for c in chosen],
            "words": point_words(points, chosen, cues, tokens)}  # each point's words pointed at as they are said


def check(step: Any, ctx: Context) -> list[Finding]:
    """Each point's ``cue`` is a cue of this narration, and the points are reached from top to bottom."""
    ats = [p.cue for p in step.points]
    return point_problems(ats, step, ctx) or point_order_problems(ats, step)


KINDS = (StepKind("title", TitleStep, build, "scenes.title:TitleScene",
                  "the lesson's title, subtitle and author, and up to three points shown as they are spoken", check=check,
                  code=("lesson.kinds.cues", "lesson.kinds.text", "scenes.text")),)
