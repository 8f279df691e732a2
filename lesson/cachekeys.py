"""The cache keys of a step: of its *drawing* (what Manim made) and of its *video* (the drawing laid out for one timing).

Each key hashes everything that changes what it names: the step's plan, the style, the quality preset, and the
source of the code that draws, encodes and lays out the step (:data:`PIXEL_CODE`, the scene code, the kind's own
files) with Manim's version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from lesson.plandata import StepPlan, Style
from lesson.qualities import QUALITIES
from lesson.timing import StepTiming

ROOT = Path(__file__).resolve().parent.parent
SHARED_SCENE_CODE = ("__init__.py", "base.py", "layout.py", "style.py")  # in scenes/, used by every kind
# the renderer's modules whose source changes a step's pixels or its clips: drawing it with Manim (and the patches
# of Manim), encoding its stills, laying its holds out for a timing, joining its clips
PIXEL_CODE = ("draw.py", "manim_adapter.py", "frames.py", "timing.py", "mux.py", "replay.py")
# scenes get the voice's timing instead of the words; the equations are read from the data they are drawn from
STEP_FIELDS_NOT_DRAWN = ("index", "narration", "tokens", "spoken", "cues", "audio", "equations")


def code_version(kind: str) -> str:
    """A hash of the code that draws a step of this kind (the kind's own files as the registry names them, the
    shared scene code, the renderer's :data:`PIXEL_CODE`) and Manim's version."""
    import importlib.metadata

    from lesson import kinds

    h = hashlib.sha256(importlib.metadata.version("manim").encode())
    own = kinds.get(kind).code_files()
    scenes = [ROOT / "scenes" / n for n in SHARED_SCENE_CODE]
    renderer = [ROOT / "lesson" / n for n in PIXEL_CODE]
    for path in scenes + own + renderer:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def drawing_key(step: StepPlan, style: Style, quality: str, timing: StepTiming, code: str) -> str:
    """What a step's pictures depend on: everything but the narration's timing, which only sets the lengths of its holds.

    With burned-in captions the pictures depend on the timing too, and it is part of the key.
    """
    doc = {
        "step": {k: v for k, v in dataclasses.asdict(step).items() if k not in STEP_FIELDS_NOT_DRAWN},
        "style": dataclasses.asdict(style),
        "quality": QUALITIES[quality],
        "code": code,
        "timing": dataclasses.asdict(timing) if timing.captions else None,
    }
    return _digest(doc)


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
