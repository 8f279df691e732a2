"""Render a plan: one Manim scene per step in worker processes, cached by content, joined without re-encoding.

Each step's video is stored in the cache under a key that hashes everything
that changes its pixels: the step's plan (text, numbers), its timing (from the
narration), the style, the quality preset, and the source of the code that
draws it. A step's video is assembled from Manim's animations and its holds:
a hold is one still picture encoded once as a short clip and repeated by
stream copy (no B-frames, so any prefix of the clip is a valid clip), which
makes its cost independent of its length. The steps are then joined by stream
copy with the narration track; see :mod:`lesson.package` for the files around
the MP4.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson.errors import LessonError
from lesson.plan import StepPlan, Style
from lesson.timing import Hold, Play, StepTiming

QUALITIES: dict[str, tuple[int, int, int]] = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "course": (1920, 1080, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
ROOT = Path(__file__).resolve().parent.parent
KEYFRAME_SECONDS = 2  # at most this far between keyframes, so seeking stays quick


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lesson"


def encoder_options(fps: int) -> dict[str, str]:
    """libx264 settings for every clip: the same for motion and holds, so that clips join by stream copy.

    ``veryfast``: on flat lesson graphics it encodes a third faster than ``medium`` at the same
    quality (crf 23) and no larger a file (measured on the network step at 1080p: 11.2 s vs 16.7 s, 1.49 vs 1.65 MB).
    One encoder thread: the parallelism is one worker per core; extra x264 threads on top of that
    cost CPU (default lesson at 1080p, -j2: 45.6 s instead of 48.7 s).
    """
    return {"crf": "23", "preset": "veryfast", "g": str(KEYFRAME_SECONDS * fps), "bf": "0", "threads": "1"}


SHARED_SCENE_CODE = ("__init__.py", "base.py", "layout.py", "style.py")


def code_version(kind: str) -> str:
    """A hash of the code that draws a step of this kind (its scene module, the shared ones, this module) and Manim's version."""
    import importlib.metadata

    from scenes import SCENES

    h = hashlib.sha256(importlib.metadata.version("manim").encode())
    module = SCENES[kind].split(":")[0].split(".")[-1] + ".py"
    for path in [ROOT / "scenes" / n for n in (*SHARED_SCENE_CODE, module)] + [Path(__file__), ROOT / "lesson" / "timing.py"]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def step_key(step: StepPlan, style: Style, quality: str, timing: StepTiming, code: str) -> str:
    doc = {
        "step": dataclasses.asdict(step) | {"index": None},  # moving a step does not change its pixels
        "style": dataclasses.asdict(style),
        "quality": QUALITIES[quality],
        "timing": dataclasses.asdict(timing),
        "code": code,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class StepVideo:
    """What a rendered step is made of (kept beside it in the cache)."""

    frames: int
    motion_frames: int
    hold_frames: int
    layout_problems: tuple[str, ...] = ()
    seconds: float = 0.0  # wall time it took to render


@dataclass(frozen=True)
class StepResult:
    step: StepPlan
    path: Path
    cached: bool
    video: StepVideo

    @property
    def layout_problems(self) -> tuple[str, ...]:
        return self.video.layout_problems


def render_step(step: StepPlan, style: Style, quality: str, timing: StepTiming, target: Path, strict_layout: bool = False) -> StepVideo:
    """Render one step to ``target`` (an .mp4) and its description to ``target.json``, atomically. Runs in a worker."""
    from manim import config, tempconfig

    from scenes import scene_class

    began = time.perf_counter()
    width, height, fps = QUALITIES[quality]
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"lesson-{step.id}-", dir=target.parent) as work:
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
            # LaTeX and text are compiled once and kept beside the sections, so an edited step re-renders quickly;
            # one folder per step id, so that two workers never compile into the same file at once
            "tex_dir": str(target.parent.parent / "tex" / step.id),
            "text_dir": str(target.parent.parent / "texts" / step.id),
        }
        with tempconfig(settings):
            config.background_color = style.background
            scene = scene_class(step.kind)(step, style, timing, strict_layout=strict_layout)
            scene.render()
            partials = [Path(p) if p else None for p in scene.renderer.file_writer.partial_movie_files]
            spec = scene.session_spec.video_encoder
            clips = list(_step_clips(scene.timeline, partials, spec, Path(work)))
        tmp = Path(work) / "step.mp4"
        frames = write_clips(tmp, clips, fps)
        holds = sum(h.frames for h in scene.timeline if isinstance(h, Hold))
        video = StepVideo(frames, frames - holds, holds, tuple(scene.layout_problems), time.perf_counter() - began)
        meta = Path(work) / "step.json"
        meta.write_text(json.dumps(dataclasses.asdict(video)))
        os.replace(meta, target.with_suffix(".json"))
        os.replace(tmp, target)  # last: a section counts as cached only when its video is in place
    return video


def _step_clips(timeline: list[Play | Hold], partials: list[Path | None], spec, work: Path) -> Iterator[tuple[Path, int | None]]:
    """(clip, frames to take or None for all) in order: Manim's animations, and each hold as copies of one still clip."""
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    fps = int(spec.frame_rate)
    longest = KEYFRAME_SECONDS * fps
    for n, item in enumerate(timeline):
        if isinstance(item, Play):
            path = partials[item.index]
            if path is not None:
                yield path, None
            continue
        clip_frames = min(item.frames, longest)
        clip = work / f"hold{n:04d}.mp4"
        encoder = VideoSegmentEncoder(target=clip, spec=spec)
        encoder.write_frame(item.still, repeat=clip_frames)
        encoder.finish()
        whole, rest = divmod(item.frames, clip_frames)
        yield from [(clip, None)] * whole
        if rest:
            yield clip, rest


def write_clips(
    output: Path,
    clips: Iterable[tuple[Path, int | None]],
    fps: int,
    audio: np.ndarray | None = None,
    chapters: list[dict] | None = None,
) -> int:
    """Concatenate H.264 clips by stream copy into ``output`` (moov first), one packet per frame, re-timed frame by frame.

    ``audio``: a mono track at 48 kHz, encoded to AAC and interleaved with the video by time;
    ``chapters``: PyAV chapter dicts. Returns the number of video frames written.
    """
    import av

    from lesson.audio import add_aac_stream

    frame = 0
    with av.open(str(output), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = None
        pending: list = []
        for path, limit in clips:
            with av.open(str(path)) as src:
                vin = src.streams.video[0]
                if stream is None:
                    stream = out.add_stream_from_template(vin)
                    if audio is not None:
                        pending = add_aac_stream(out, audio)
                        pending.reverse()  # popped from the end, earliest first
                    if chapters:
                        out.set_chapters(chapters)
                taken = 0
                for packet in src.demux(vin):
                    if packet.dts is None:
                        continue
                    if limit is not None and taken >= limit:
                        break
                    while pending and pending[-1].pts * pending[-1].time_base <= Fraction(frame, fps):
                        out.mux(pending.pop())
                    packet.stream = stream
                    packet.time_base = Fraction(1, fps)
                    packet.pts = packet.dts = frame
                    packet.duration = 1
                    out.mux(packet)
                    frame += 1
                    taken += 1
        while pending:
            out.mux(pending.pop())
    return frame


def cached_video(path: Path) -> StepVideo | None:
    meta = path.with_suffix(".json")
    if not (path.is_file() and meta.is_file()):
        return None
    try:
        doc = json.loads(meta.read_text())
        return StepVideo(**doc | {"layout_problems": tuple(doc["layout_problems"])})
    except (ValueError, KeyError, TypeError):
        return None


def render_steps(
    steps: Iterable[StepPlan],
    timings: dict[int, StepTiming],
    style: Style,
    quality: str,
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    on_step: Callable[[StepResult], None] | None = None,
    on_start: Callable[[StepPlan, bool], None] | None = None,
) -> list[StepResult]:
    """Render every step that is not in the cache, in worker processes; return the results in step order."""
    steps = list(steps)
    cache = (cache_dir or default_cache_dir()) / "sections"
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[int, StepResult] = {}
    todo: list[tuple[StepPlan, Path]] = []
    for step in steps:
        path = cache / f"{step_key(step, style, quality, timings[step.index], code_version(step.kind))}.mp4"
        video = cached_video(path) if use_cache else None
        if video is not None:
            results[step.index] = StepResult(step, path, True, video)
            if on_start:
                on_start(step, True)
            if on_step:
                on_step(results[step.index])
        else:
            todo.append((step, path))
    failures: list[str] = []
    if todo:
        import manim  # noqa: F401  - imported once here, shared by the forked workers

        todo.sort(key=lambda item: -timings[item[0].index].min_seconds)  # long steps first: the workers finish together
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), mp_context=ctx) as pool:
            futures: dict[Future, tuple[StepPlan, Path]] = {}
            for step, path in todo:
                if on_start:
                    on_start(step, False)
                futures[pool.submit(render_step, step, style, quality, timings[step.index], path)] = (step, path)
            for future in as_completed(futures):
                step, path = futures[future]
                try:
                    video = future.result()
                except Exception as exc:  # a step failed: report it, keep the others
                    failures.append(f"step {step.index + 1} '{step.id}' ({step.kind}) failed: {type(exc).__name__}: {exc}")
                    continue
                results[step.index] = StepResult(step, path, False, video)
                if on_step:
                    on_step(results[step.index])
    if failures:
        raise LessonError(failures + ["the steps that rendered are cached; fix the failing step and render again"])
    return [results[s.index] for s in steps]
