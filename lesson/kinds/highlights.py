"""Highlights, one mechanism for every kind: the picture points where the voice is.

A kind draws *targets*: a table's rows and cells, a bar, a value on a line, a term of an equation, a point of a
plot, a network's nodes, edges and paths. Each target shows some quantities (the placeholders in it). At plan time
:func:`pointing` maps each placeholder the narration speaks to the target that shows its value, by its name, or by
its value (``example.first.p_observed`` is the cell that shows ``example.first.softmax.setosa``), so that the scene
lights that target at that word (``scenes.highlight``). A table's row is also named by a placeholder of the same
family as its cells (``rep.resnet1001.millions`` names the row of ``rep.resnet1001.params``).

The script's ``highlight:`` is one option shape for every kind (:data:`Highlight`): what is lit, or ``none``. A kind
declares what it can light (:func:`check`): anything else is an error at ``lesson check``, at the option, and so is a
highlight asked for that lights nothing (:func:`nothing_lit`), never a silent picture.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal, TypeVar

from pydantic import Field

from lesson.base.coherence import same_value
from lesson.base.errors import Finding
from lesson.kinds.cues import SENTENCE, narration_cues
from lesson.base.shown import PlanError
from lesson.script import limits
from lesson.script.parts import Strict, template

class Point(Strict):
    """A part of a step the voice names without a number (a row, a column, a layer, the +), pointed at at a cue: the
    ``point:`` option, one shape for every kind that takes it; what ``at`` may name is the kind's."""

    at: str = Field(max_length=100, description="the part: what the kind can point at (its option's description says)")
    cue: str = Field(max_length=80, description="when: a placeholder spoken, sentence.N or sentence.N:words (where sentence N says them)")


class Note(Strict):
    """A short note a kind writes beside (or under) its picture at a cue: the ``notes:`` option, one shape for every
    kind that takes it."""

    text: template(limits.POINT_CHARS)  # type: ignore[valid-type]
    cue: str | None = Field(None, max_length=80, description="when: a placeholder spoken, sentence.N or sentence.N:words (default: at the start)")


def points(parts: str) -> Any:
    """The ``point`` field of a kind's options (``parts``: what ``at`` may name, for its description)."""
    return Field([], max_length=16, description=f"parts pointed at as the voice names them, {{at, cue}}; at: {parts}")


# every thing a kind of the project can light; each kind draws some of them
HIGHLIGHTS = ("row", "cell", "node", "edge", "path", "point", "bar", "value", "term")
Highlight = Literal["row", "cell", "node", "edge", "path", "point", "bar", "value", "term", "none"]

K = TypeVar("K", bound=Hashable)


def option(default: str, can: Sequence[str]) -> Any:
    """The ``highlight`` field of a kind's options: one shape for every kind (which of :data:`HIGHLIGHTS` it draws
    is said in the description and checked by :func:`check`)."""
    return Field(default, description=f"what lights up as the voice names a value drawn in the step: {', '.join(can)}, "
                                      "or none (default " + default + ")")


def check(step: Any, kind: str, can: Sequence[str]) -> list[Finding]:
    """A highlight this kind cannot draw, as a problem at ``highlight``."""
    wanted = getattr(step, "highlight", "none")
    if wanted == "none" or wanted in can:
        return []
    return [Finding(("highlight",), f"{_a(kind)} step cannot highlight {_a(wanted)}: it highlights "
                                    f"{' or '.join(can)} (or none)")]


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def asked(step: Any) -> bool:
    """Whether the script wrote ``highlight:`` (not the kind's default)."""
    return "highlight" in step.model_fields_set and step.highlight != "none"


def spoken(step: Any) -> list[str]:
    """The placeholders the narration speaks, in the order it first speaks them (``sentence.N`` left out)."""
    cues = narration_cues(step.narration)
    return [name for name, _ in sorted(cues.items(), key=lambda c: c[1]) if not SENTENCE.fullmatch(name)]


def _stem(name: str) -> str:
    return name.rpartition(".")[0]


def pointing(step: Any, ctx: Any, targets: Sequence[tuple[K, Sequence[str]]], *, family: bool = False) -> list[tuple[str, K]]:
    """``(cue, target)`` for each placeholder the narration speaks that a target shows, in the narration's order.

    ``targets``: each target's key and the quantities it shows. A spoken placeholder is shown by the first target
    that draws it by name; else by the one target that draws its value (two values of the lesson that are one
    float are one quantity, ``lesson.plan.value_groups``; a value several targets draw points at none of them); else,
    with ``family``, by the one target that draws a placeholder of its family (the same name up to its last part).
    """
    values = ctx.values
    by_name: dict[str, K] = {}
    by_value: dict[float, list[K]] = {}
    by_family: dict[str, list[K]] = {}
    for key, names in targets:
        for name in names:
            by_name.setdefault(name, key)
            v = values.get(name)
            if isinstance(v, float):
                found = by_value.setdefault(same_value(v), [])
                if key not in found:
                    found.append(key)
            if _stem(name):
                fam = by_family.setdefault(_stem(name), [])
                if key not in fam:
                    fam.append(key)
    out: list[tuple[str, K]] = []
    for name in spoken(step):
        if name in by_name:
            out.append((name, by_name[name]))
            continue
        v = values.get(name)
        same = by_value.get(same_value(v), []) if isinstance(v, float) else []
        if len(same) == 1:
            out.append((name, same[0]))
        elif family and len(by_family.get(_stem(name), [])) == 1:
            out.append((name, by_family[_stem(name)][0]))
    return out


def nothing_lit(step: Any, kind: str, lit: Sequence[Any]) -> None:
    """Raise at ``highlight`` when the script asked for a highlight and the narration names nothing it could light."""
    if asked(step) and not lit:
        raise PlanError(-1, f"highlight: {step.highlight} lights nothing: the narration names none of the values this "
                            f"{kind} step draws (say one of them with its {{placeholder}}, or write highlight: none)",
                        ("highlight",))
