"""The cache keys of a step: of its *drawing* (what Manim made) and of its *video* (the drawing laid out for one timing).

Each key hashes everything that changes what it names: the step's plan, the style, the quality preset, and the
source of the code that draws, encodes and lays out the step (:data:`PIXEL_CODE`, the scene code, the kind's own
files) with Manim's version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from lesson.base.plandata import StepPlan, Style
from lesson.base.qualities import QUALITIES
from lesson.base.timing import StepTiming

# scenes get the voice's timing instead of the words; the equations and the record of numbers are read from the data
# they are drawn from
STEP_FIELDS_NOT_DRAWN = ("index", "narration", "tokens", "spoken", "cues", "audio", "equations", "numbers", "results",
                         "relations", "drawn_words")


def drawing_key(step: StepPlan, style: Style, quality: str, timing: StepTiming, code: str) -> str:
    """What a step's pictures depend on: everything but the narration's timing, which only sets the lengths of its holds.

    With burned-in captions the pictures depend on the timing too, and it is part of the key.
    """
    doc = {
        "step": {k: v for k, v in dataclasses.asdict(step).items() if k not in STEP_FIELDS_NOT_DRAWN},
        "spoken_order": spoken_order(step),
        "style": dataclasses.asdict(style),
        "quality": QUALITIES[quality],
        "code": code,
        "timing": dataclasses.asdict(timing) if timing.captions else None,
    }
    return _digest(doc)


def spoken_order(step: StepPlan) -> list[list[str]]:
    """Which cues the narration speaks, and in what order (those at one word together): a scene shows its things in
    this order (``in_spoken_order``) and waits for no word it never speaks, so its drawing depends on it; where in
    the narration each is (rewording that keeps the order) does not."""
    groups: dict[int, list[str]] = {}
    for name, token in step.cues:
        groups.setdefault(token, []).append(name)
    return [sorted(groups[t]) for t in sorted(groups)]


def step_key(step: StepPlan, style: Style, quality: str, timing: StepTiming, code: str) -> str:
    """What a step's video depends on: its drawing's inputs and the narration's timing."""
    doc = {
        "step": dataclasses.asdict(step) | {"index": None, "equations": None},  # moving a step does not change its pixels
        "style": dataclasses.asdict(style),
        "quality": QUALITIES[quality],
        "timing": dataclasses.asdict(timing),
        "code": code,
    }
    return _digest(doc)


def _digest(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:24]
