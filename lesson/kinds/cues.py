"""When something appears: the cues of a step's narration, shared by the kinds that show things at a cue.

A cue is a placeholder the narration speaks (``softmax.sunny``: the moment the voice says its value) or the
start of a sentence (``sentence.3``), as the planner marks them (:func:`sentence_cues`).
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from lesson.base.errors import Finding
from lesson.base.hints import one_of
from lesson.script.placeholders import text_of
from lesson.speech import normalize

SENTENCE = re.compile(r"sentence\.([0-9]+)")
CUE_HELP = "a placeholder the narration speaks (without braces, e.g. softmax.sunny) or sentence.N"


def sentence_cues(tokens: list[str]) -> tuple[tuple[str, int], ...]:
    """``sentence.N``: the token where the narration's N-th sentence (from 1) begins, for things shown sentence by
    sentence (a text step's points)."""
    out = [("sentence.1", 0)] if tokens else []
    for i, token in enumerate(tokens[:-1]):
        if token.rstrip("\"'”’)").endswith((".", "!", "?")):
            out.append((f"sentence.{len(out) + 1}", i + 1))
    return tuple(out)


def narration_cues(narration: str, values: Mapping[str, Any] | None = None, decimals: int = 2,
                   forms: Mapping[str, int] | None = None, typed: Collection[str] = ()) -> dict[str, int]:
    """Every cue of ``narration`` with the token where it is first reached: each placeholder it speaks, and
    ``sentence.N`` for the start of its N-th sentence.

    With ``values`` the narration is filled in first, as the planner does (so the token numbers are the plan's);
    without, the raw narration is read (``lesson check``, before the math core), each placeholder one token.
    """
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
        shown = text_of(values, field, spec or "", decimals, forms, typed) if values is not None else "{" + field + "}"
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


def cue_problems(cue: str | None, where: tuple[str | int, ...], step: Any, ctx: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """A kind's check of one optional cue option: ``[(where, message)]`` from :func:`cue_problem`, or ``[]``."""
    if cue is None:
        return []
    why = cue_problem(cue, step.narration, ctx.placeholder_kinds)
    return [Finding(where, why)] if why else []
