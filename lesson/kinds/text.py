"""``text``: a heading and up to five short points, each revealed as the narration reaches it.

A point appears at a cue: ``cue`` names a placeholder spoken in the narration (``softmax.sunny``) or the start of
a sentence (``sentence.3``). By default point i (from 1) appears as sentence i + 1 begins when the narration has
more sentences than there are points (the first sentence introduces them), as sentence i begins when it has just
as many, and otherwise the points are spread evenly over the sentences there are (points that share a sentence
follow each other a beat apart).

The cue helpers here (:func:`narration_cues`, :func:`cue_problem`) are shared with other kinds that show things
at a cue (``network``'s highlights).
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from lesson.kinds import Context, StepKind, Where
from lesson.script import limits
from lesson.script.parts import StepBase, Strict, template

SENTENCE = re.compile(r"sentence\.([0-9]+)")
CUE_HELP = "a placeholder the narration speaks (without braces, e.g. softmax.sunny) or sentence.N"


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


class TextStep(StepBase):
    kind: Literal["text"]
    heading: template(limits.TITLE_CHARS) | None = Field(
        None, description="a statement drawn large above the points (the step's title is already at the top)"
    )
    points: list[PointOrText] = Field(
        min_length=1, max_length=5, description="1 to 5 short lines, shown top to bottom as they are spoken"
    )


# ---------------------------------------------------------------- cues of a narration


def narration_cues(narration: str, values: Mapping[str, Any] | None = None, decimals: int = 2) -> dict[str, int]:
    """Every cue of ``narration`` with the token where it is first reached: each placeholder it speaks, and
    ``sentence.N`` for the start of its N-th sentence.

    With ``values`` the narration is filled in first, as the planner does (so the token numbers are the plan's);
    without, the raw narration is read (``lesson check``, before the math core), each placeholder one token.
    """
    from lesson.plan import sentence_cues
    from lesson.script.placeholders import format_value
    from lesson.speech import normalize

    parts: list[str] = []
    spans: list[tuple[str, int]] = []
    pos = 0
    try:
        parsed = list(string.Formatter().parse(narration))
    except ValueError:  # broken braces: the loader reports them; read the narration as it is
        parsed = [(narration, None, None, None)]
    for literal, field, spec, _ in parsed:
        parts.append(literal)
        pos += len(literal)
        if field is None:
            continue
        shown = format_value(values[field], spec or "", decimals) if values is not None else "{" + field + "}"
        parts.append(shown)
        spans.append((field, pos))
        pos += len(shown)
    tokens = normalize.tokens("".join(parts))
    starts = [start for _, start in tokens]
    out: dict[str, int] = {}
    for name, start in spans:
        out.setdefault(name, bisect.bisect_right(starts, start) - 1)
    for name, index in sentence_cues([t for t, _ in tokens]):
        out.setdefault(name, index)
    return out


def sentences(cues: Mapping[str, int]) -> int:
    """How many sentences the narration has (its ``sentence.N`` cues)."""
    return sum(1 for name in cues if SENTENCE.fullmatch(name))


def cue_problem(at: str, narration: str, known: Mapping[str, str] | Sequence[str]) -> str | None:
    """Why ``at`` cannot be a cue of a step with this (raw) narration, or None if it can."""
    from lesson.script.load import one_of

    cues = narration_cues(narration)
    n = sentences(cues)
    if m := SENTENCE.fullmatch(at):
        if 1 <= int(m.group(1)) <= n:
            return None
        return f"cue: {at!r}: the narration has {n} sentence{'s' if n != 1 else ''} (sentence.1 to sentence.{n})"
    if at.startswith("{") and at.endswith("}") and at[1:-1].split(":")[0] in known:
        return f"cue: write the placeholder's name without braces: {at[1:-1].split(':')[0]!r}"
    if at in known:
        if at in cues:
            return None
        return (f"cue: {at!r} is never spoken in this step's narration, so it gives no moment; "
                f"write {{{at}}} in the narration or use sentence.N")
    spoken = [c for c in cues if not SENTENCE.fullmatch(c)] + [f"sentence.{i}" for i in range(1, n + 1)]
    return f"cue: unknown cue {at!r}{one_of(at, [*known, *spoken] if '.' in at else spoken, 'cues of this narration')}; {CUE_HELP}"


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
    from lesson.script.placeholders import fill
    from lesson.shown import _SIGN, MINUS

    d, values = ctx.decimals, ctx.values
    cues = narration_cues(step.narration, values, d)

    def drawn(text: str) -> str:
        return _SIGN.sub(MINUS, fill(text, values, d))

    return {
        "heading": drawn(heading) if heading else "",
        "points": [drawn(t) for t in texts],
        "cues": [[c] if c else [] for c in point_cues(ats, cues)],
    }


def build(step: Any, ctx: Context) -> dict:
    texts, ats = _parts(step)
    return text_data(step.heading, texts, ats, step, ctx)


def check(step: Any, ctx: Context) -> list[tuple[Where, str]]:
    """Each ``at`` is a cue of this narration, and the points are reached from top to bottom."""
    out: list[tuple[Where, str]] = []
    _, ats = _parts(step)
    for i, at in enumerate(ats):
        if at is not None and (why := cue_problem(at, step.narration, ctx.placeholder_kinds)):
            out.append((("points", i, "cue"), why))
    if out:
        return out
    cues = narration_cues(step.narration)
    chosen = point_cues(ats, cues)
    for i in range(1, len(ats)):
        before = max(cues.get(c, -1) for c in chosen[:i])
        if ats[i] is not None and cues[ats[i]] < before:
            j = max(range(i), key=lambda k: cues.get(chosen[k], -1))
            out.append((("points", i, "cue"), f"cue: point {i + 1} would appear at {ats[i]}, before point {j + 1} above it "
                        f"({chosen[j]}); points appear from top to bottom, so give them cues in the order they are spoken"))
    return out


KINDS = (
    StepKind("text", TextStep, build, "scenes.text:TextScene",
             "a heading and up to five short points, each shown as the narration reaches it", check=check),
)
