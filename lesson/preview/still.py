"""``lesson still``: the picture of one step at one moment, as a PNG.

The moment is the step's last frame, the moment the voice speaks a cue (a placeholder such as ``softmax.setosa``, or
``sentence.N``, the start of the step's N-th sentence), or a time in seconds from the step's start. The step is
found the way a render finds it (:class:`lesson.render.steps.StepRenderer`): its video from the cache, else its drawing
laid out for the narration's timing (no Manim), else drawn by a worker; the frame is then decoded from that one
step's video, so a cached step answers without drawing anything.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from lesson.base.cachedir import default_cache_dir
from lesson.check import check_lesson
from lesson.base.errors import UsageError
from lesson.narration.narrate import Narrator
from lesson.plan import Plan, StepPlan
from lesson.base.qualities import QUALITIES
from lesson.package import manifest as package
from lesson.render.steps import StepRenderer, StepResult
from lesson.base.timing import StepTiming


@dataclass(frozen=True)
class Still:
    png: bytes
    lesson_id: str
    step: StepPlan
    seconds: float  # the frame's time from the step's start
    frame: int  # its number in the step
    cached: bool  # the step's video was in the cache


def find_step(plan: Plan, step_id: str) -> StepPlan:
    for step in plan.steps:
        if step.id == step_id:
            return step
    raise UsageError(f"no step with id {step_id!r} (ids: {', '.join(s.id for s in plan.steps)})")


def frame_at(at: str | None, timing: StepTiming, frames: int, fps: int, step_id: str = "") -> int:
    """The number of the frame shown at ``at``: None for the last frame, a cue's name, or seconds from the step's start."""
    if at is None or at == "end":
        return frames - 1
    try:
        seconds = float(at)
    except ValueError:
        seconds = math.nan
        names = [name for name, _ in timing.cues]
        found = timing.cue_time(at)
        if found is None:
            spoken = ", ".join(dict.fromkeys(names)) or "none"
            raise UsageError(f"--at {at}: step {step_id!r} has no cue {at!r} (its cues: {spoken}; or seconds, or end)") from None
        seconds = found
    length = frames / fps
    if not math.isfinite(seconds) or not 0 <= seconds <= length:
        raise UsageError(f"--at {at}: step {step_id!r} lasts {length:.2f} s; give a time from 0 to {length:.2f}")
    return min(frames - 1, int(math.floor(seconds * fps + 1e-6)))


def frame_png(video: Path, frame: int, fps: int) -> bytes:
    """Frame number ``frame`` of ``video`` (constant ``fps``), as PNG bytes."""
    out = io.BytesIO()
    package.frame_at(video, frame / fps, 0.5 / fps).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def step_video(plan: Plan, step: StepPlan, *, quality: str, voice: str, words_per_minute: int, cache_dir: Path) -> tuple[StepResult, StepTiming]:
    """The step's video (from the cache, laid out from its drawing, or drawn by one worker) and its narration's timing."""
    narrator = Narrator(Plan(plan.lesson_id, plan.title, plan.quality, plan.style, (step,), plan.pause), voice, words_per_minute, cache_dir)
    timing = narrator.narrate(step).timing
    renderer = StepRenderer(plan.style, quality, jobs=1, cache_dir=cache_dir)
    try:
        renderer.submit(step, timing)  # a step neither cached nor drawn before forks one worker to draw it
        [result] = renderer.results([step])
    finally:
        renderer.close()
    return result, timing


def still(file: Path, step_id: str, at: str | None = None, *, quality: str | None = None, voice: str | None = None,
          cache_dir: Path | None = None, allow_outside: bool = False) -> Still:
    checked = check_lesson(file, allow_outside=allow_outside)
    plan, lesson = checked.plan, checked.lesson
    step = find_step(plan, step_id)
    quality = quality or plan.quality
    fps = QUALITIES[quality][2]
    result, timing = step_video(plan, step, quality=quality, voice=voice or lesson.narration.voice,
                                words_per_minute=lesson.narration.words_per_minute, cache_dir=cache_dir or default_cache_dir())
    frame = frame_at(at, timing, result.video.frames, fps, step.id)
    return Still(frame_png(result.path, frame, fps), plan.lesson_id, step, frame / fps, frame, result.cached)
