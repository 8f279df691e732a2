"""Draw one step with Manim (in a worker process): its animations' clips, the still of every hold, and their rules.

A step's *drawing* (``drawings/<key>/``) is what Manim made: a clip per animation, the still picture of every hold
(PNG) with a clip of it, and ``script.json``, the timeline with the rule of each hold (:class:`lesson.base.timing.Wait`).
:mod:`lesson.render.replay` lays it out for a narration timing, now and again later for new narration without Manim.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from lesson.manim import adapter as manim_adapter
from lesson.render.mux import encode_still, encoder_options, still_frames
from lesson.base.plandata import StepPlan, Style
from lesson.base.qualities import QUALITIES
from lesson.render.replay import StepVideo, assemble, still_clip
from lesson.manim.texsandbox import tex_sandbox
from lesson.base.timing import Hold, Play, StepTiming


def scene_class(scene: str) -> type:
    """The scene class the plan names ("module:Class"), imported here (the render stage needs no registry)."""
    module, _, name = scene.partition(":")
    return getattr(importlib.import_module(module), name)


def render_step(
    step: StepPlan, style: Style, quality: str, timing: StepTiming, target: Path, drawing: Path, *, replace: bool = False,
    strict_layout: bool = False,
) -> StepVideo:
    """Draw one step with Manim into ``drawing`` (its animations, the still of every hold and the rules of the holds),
    then lay it out for ``timing`` into ``target`` (an .mp4, with ``target.json``), atomically. Runs in a worker.
    ``replace``: draw even if ``drawing`` exists, and replace it (``--no-cache``)."""
    from manim import config, tempconfig

    manim_adapter.install()
    began = time.perf_counter()
    width, height, fps = QUALITIES[quality]
    target.parent.mkdir(parents=True, exist_ok=True)
    drawing.parent.mkdir(parents=True, exist_ok=True)
    # this process's own work folder (Manim's media folder); its name carries the pid, see lesson.base.cachedir
    prefix = f".work-{os.getpid()}-{step.id}-"
    # LaTeX and text pictures are made once and kept beside the sections, shared by every step and every render
    # (see lesson.manim.adapter.picture_folders)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=target.parent) as work, tex_sandbox(), \
            manim_adapter.picture_folders(target.parent.parent) as pictures:
        settings = {
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": fps,
            "media_dir": work,
            "disable_caching": True,
            "progress_bar": "none",
            "verbosity": "ERROR",
            "output_file": "section",
            "format": "mp4",
            "write_to_movie": True,
            "save_last_frame": False,
            "video_encoder_options": encoder_options(fps),
            **pictures,
        }
        with tempconfig(settings):
            config.background_color = style.background
            scene = scene_class(step.scene)(step, style, timing, strict_layout=strict_layout)
            scene.render()
            partials = manim_adapter.movie_parts(scene)
            spec = manim_adapter.video_encoder(scene)
        staged = Path(tempfile.mkdtemp(prefix=f".draw-{os.getpid()}-", dir=drawing.parent))
        aside = drawing.with_name(f".old-{os.getpid()}-{drawing.name}")
        try:
            _save_drawing(staged, scene, partials, spec)
            if replace:  # --no-cache: this drawing replaces any earlier one (moved aside whole, not deleted in place)
                try:
                    os.rename(drawing, aside)
                except OSError:
                    pass
            try:
                os.rename(staged, drawing)
            except OSError:  # drawn meanwhile by another render: theirs is the same, ours is discarded
                pass
        finally:
            shutil.rmtree(staged, ignore_errors=True)
            shutil.rmtree(aside, ignore_errors=True)
        import resource

        video = assemble(drawing, timing, target, began, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        expected = sum(h.frames for h in scene.timeline if isinstance(h, Hold))
        if video.hold_frames != expected:  # the rules, worked out again, must give what Manim just did
            raise RuntimeError(f"holds laid out again: {video.hold_frames} frames, the scene held {expected}")
    return video


def _save_drawing(folder: Path, scene, partials: list[Path | None], spec) -> None:
    """The scene's timeline as files: each animation's clip, a clip of each hold's still, and script.json.

    Holds in a row with the same picture (a beat, then a wait for the voice) share one still: a quarter of a lesson's
    hold frames were encoded twice before. Every still's clip is a keyframe's distance long (:func:`still_frames`),
    whatever its holds need now: repeated and cut, it makes a hold of any length, so laying the step out for new
    narration never needs the picture again (its clip costs what a short one does: the repeats are copied packets,
    see :func:`lesson.render.mux.encode_still`). The pictures were kept as PNGs for that before, and writing them cost
    more than encoding the clips."""
    fps = int(spec.frame_rate)
    settings = _spec_doc(spec)
    items: list[dict] = []
    last: tuple[str, np.ndarray] | None = None  # the still of the hold just before, if nothing was played since
    for n, item in enumerate(scene.timeline):
        if isinstance(item, Play):
            path = partials[item.index]
            clip = None
            if path is not None:
                clip = f"play-{n:03d}.mp4"
                shutil.move(path, folder / clip)
            items.append({"play": clip, "seconds": item.seconds})
            last = None
            continue
        if last is None or not np.array_equal(last[1], item.still):
            last = (f"still-{n:03d}", item.still)
            encode_still(folder / still_clip(last[0]), item.still, still_frames(fps), settings)
        wait = None if item.wait is None else dataclasses.asdict(item.wait)
        items.append({"still": last[0], "wait": wait, "frames": item.frames})
    script = {
        "replayable": scene.replayable,
        "spec": settings,
        "items": items,
        "layout_problems": list(scene.layout_problems),
    }
    (folder / "script.json").write_text(json.dumps(script, indent=1))


def _spec_doc(spec) -> dict:
    """Manim's encoder settings as JSON, for the still clips to be encoded alike (:func:`lesson.render.mux.encode_still`)."""
    return {
        "container_format": spec.container_format,
        "codec": spec.codec,
        "pixel_format": spec.pixel_format,
        "width": spec.width,
        "height": spec.height,
        "frame_rate": [spec.frame_rate.numerator, spec.frame_rate.denominator],
        "options": [list(o) for o in spec.options],
    }
