"""Lay a drawn step out for a narration timing, without Manim, and read back a step laid out before.

A step's *drawing* (``drawings/<key>/``, made by :mod:`lesson.render.draw`) holds a clip per animation, a clip of
the still picture of every hold (:func:`lesson.render.mux.still_frames` long), and ``script.json``: the timeline with
the rule of each hold (:class:`lesson.base.timing.Wait`: so long, until the voice reaches a placeholder, until the
step's end). Laying it out works each hold's rule out for the timing and makes the hold its still clip repeated by
stream copy (no B-frames, so any prefix of a clip is a valid clip), which also makes a hold's cost independent of its
length.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from lesson.base.atomic import replacing
from lesson.render.mux import still_frames, write_clips
from lesson.base.timing import StepTiming, Wait, after_hold


@dataclass(frozen=True)
class StepVideo:
    """What a rendered step is made of (kept beside it in the cache)."""

    frames: int
    motion_frames: int
    hold_frames: int
    layout_problems: tuple[str, ...] = ()
    seconds: float = 0.0  # wall time it took to render
    peak_mb: float = 0.0  # the peak resident memory of the worker that drew it, so far (0: not drawn)

    @property
    def drawn(self) -> bool:
        """False: laid out again from the step's drawing for new timing, without Manim."""
        return self.peak_mb > 0


def drawing_ready(drawing: Path) -> bool:
    """Whether ``drawing`` can be laid out for any timing (else its step must be drawn again)."""
    try:
        return bool(json.loads((drawing / "script.json").read_text())["replayable"])
    except (OSError, ValueError, KeyError):
        return False


def assemble(drawing: Path, timing: StepTiming, target: Path, began: float | None = None, peak_mb: float = 0.0) -> StepVideo:
    """Lay a drawn step out for ``timing``: its animations in order, each hold as long as its rule says now.

    Each hold is the clip of its still repeated by stream copy (the last copy cut short), so its length costs
    nothing.
    """
    began = time.perf_counter() if began is None else began
    script = json.loads((drawing / "script.json").read_text())
    spec = script["spec"]
    fps = Fraction(*spec["frame_rate"])
    assert fps.denominator == 1
    fps = int(fps)
    clips: list[tuple[Path, int | None]] = []
    clock, hold_frames = 0.0, 0
    for item in script["items"]:
        if "play" in item:
            if item["play"]:
                clips.append((drawing / item["play"], None))
            clock += item["seconds"]
            continue
        wait = item["wait"]
        frames = item["frames"] if not script["replayable"] else Wait(wait["kind"], wait["seconds"], tuple(wait["names"])).frames(clock, timing, fps)
        if frames > 0:
            clips += _hold_clips(drawing, item["still"], frames, fps)
            hold_frames += frames
        clock = after_hold(clock, frames, fps)
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as tmp:  # replaced last: a section counts as cached only when its video is in place
        frames = write_clips(tmp, clips, fps)
        video = StepVideo(
            frames, frames - hold_frames, hold_frames, tuple(script["layout_problems"]), time.perf_counter() - began,
            peak_mb=round(peak_mb, 1),
        )
        with replacing(target.with_suffix(".json")) as meta:
            meta.write_text(json.dumps(dataclasses.asdict(video)))
    return video


def still_clip(still: str) -> str:
    """The file name of the clip of a drawing's still ``still`` (:func:`lesson.render.mux.still_frames` long)."""
    return f"{still}.mp4"


def _hold_clips(drawing: Path, still: str, frames: int, fps: int) -> list[tuple[Path, int | None]]:
    """(clip, frames to take or None for all) that make a hold of ``frames``: the still's clip, repeated."""
    length = still_frames(fps)
    clip = drawing / still_clip(still)
    whole, rest = divmod(frames, length)
    return [(clip, None)] * whole + ([(clip, rest)] if rest else [])


def cached_video(path: Path) -> StepVideo | None:
    """The description of the step video at ``path``, if it is in the cache whole (else None)."""
    meta = path.with_suffix(".json")
    if not (path.is_file() and meta.is_file()):
        return None
    try:
        doc = json.loads(meta.read_text())
        return StepVideo(**doc | {"layout_problems": tuple(doc["layout_problems"])})
    except (ValueError, KeyError, TypeError):
        return None
