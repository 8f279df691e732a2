"""The plan's types: plain data that the planner makes and the scenes draw.

Dependency-free on purpose (standard library only): a scene imports this module and never the script
model, the math core or the planner, so everything it shows (every word, every number as text, every cue
name) arrives as data. ``tests/test_architecture.py`` checks it by importing each scene alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ClassStyle:
    name: str
    label: str
    color: str


@dataclass(frozen=True)
class Style:
    background: str
    text: str
    muted: str
    accent: str
    font: str
    classes: tuple[ClassStyle, ...]


@dataclass(frozen=True)
class StepPlan:
    index: int
    kind: str
    id: str
    title: str
    narration: str  # as captioned: digits, Unicode minus
    data: dict[str, Any] = field(default_factory=dict)
    tokens: tuple[str, ...] = ()  # the narration's whitespace-separated tokens, as captioned
    spoken: tuple[str, ...] = ()  # each token as the voice reads it ("−0.44" → "minus zero point four four")
    cues: tuple[tuple[str, int], ...] = ()  # (placeholder name, index of the token where its value is spoken)
    audio: str | None = None  # a recording of the narration, an absolute path
    # every equation the step shows, as (expression, relation, result) in plain ASCII with the operands as shown
    equations: tuple[tuple[str, str, str], ...] = ()
    # every number drawn or spoken: (quantity, text as shown with ASCII minus, "drawn" | "spoken", the author's format)
    numbers: tuple[tuple[str, str, str, str], ...] = ()
    # every equation with the quantity its result is: (expression, relation, result, quantity or "")
    results: tuple[tuple[str, str, str, str], ...] = ()
    # spoken arithmetic: (as written, expression at the spoken digits, relation claimed, verdict, its start in the template)
    relations: tuple[tuple[str, str, str, str, int], ...] = ()
    drawn_words: tuple[str, ...] = ()  # the keys of the words tables the scenes draw
    # how the render stage draws it, resolved by the planner from the registry: the scene ("module:Class"), the
    # modules that draw and plan its kind, and the hash of their code (lesson.base.codehash)
    scene: str = ""
    code_modules: tuple[str, ...] = ()
    code: str = ""


@dataclass(frozen=True)
class Plan:
    lesson_id: str
    title: str
    quality: str
    style: Style
    steps: tuple[StepPlan, ...]
    pause: float


