"""Render a plan: one Manim scene per step in worker processes, cached by content, joined without re-encoding.

Each step's section is stored in the cache under a key that hashes everything
that changes its pixels: the step's plan (text, numbers, duration), the style,
the quality preset, and the source of the code that draws it. The sections are
joined by stream copy into ``DIR/<lesson id>.mp4``; the file is written under
a temporary name in the same folder and renamed at the end, so an interrupted
render never leaves a partial file at the output path.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
import multiprocessing

from lesson.errors import LessonError
from lesson.plan import Plan, StepPlan, Style

QUALITIES: dict[str, tuple[int, int, int]] = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "course": (1920, 1080, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
ROOT = Path(__file__).resolve().parent.parent


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lesson"


SHARED_SCENE_CODE = ("__init__.py", "base.py", "layout.py", "style.py")


def code_version(kind: str) -> str:
    """A hash of the code that draws a step of this kind (its scene module and the shared ones) and Manim's version."""
    import importlib.metadata

    from scenes import SCENES

    h = hashlib.sha256(importlib.metadata.version("manim").encode())
    module = SCENES[kind].split(":")[0].split(".")[-1] + ".py"
    for name in (*SHARED_SCENE_CODE, module):
        h.update(name.encode())
        h.update((ROOT / "scenes" / name).read_bytes())
    return h.hexdigest()[:16]


def step_duration(step: StepPlan, pause: float) -> float:
    return step.read_seconds + pause


def step_key(step: StepPlan, style: Style, quality: str, pause: float, code: str) -> str:
    doc = {
        "step": dataclasses.asdict(step) | {"index": None},  # moving a step does not change its pixels
        "style": dataclasses.asdict(style),
        "quality": QUALITIES[quality],
        "duration": step_duration(step, pause),
        "code": code,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class StepResult:
    step: StepPlan
    path: Path
    cached: bool
    layout_problems: tuple[str, ...] = ()


def render_step(step: StepPlan, style: Style, quality: str, duration: float, target: Path, strict_layout: bool = False) -> tuple[str, ...]:
    """Render one step to ``target`` (an .mp4), atomically. Runs inside a worker process."""
    from manim import config, tempconfig

    from scenes import scene_class

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
        }
        with tempconfig(settings):
            config.background_color = style.background
            scene = scene_class(step.kind)(step, style, duration, strict_layout=strict_layout)
            scene.render()
            movie = Path(scene.renderer.file_writer.movie_file_path)
            problems = tuple(scene.layout_problems)
        os.replace(movie, target)
    return problems


def _worker(args: tuple) -> tuple[str, ...]:
    return render_step(*args)


def render_plan(
    plan: Plan,
    out_dir: Path,
    *,
    quality: str | None = None,
    jobs: int = 1,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    on_step: Callable[[StepResult], None] | None = None,
    on_start: Callable[[StepPlan, bool], None] | None = None,
) -> tuple[Path, list[StepResult]]:
    """Render every step (cached ones are reused), then join them into ``out_dir/<id>.mp4``."""
    quality = quality or plan.quality
    cache = (cache_dir or default_cache_dir()) / "sections"
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[int, StepResult] = {}
    todo: list[tuple[StepPlan, Path]] = []
    for step in plan.steps:
        path = cache / f"{step_key(step, plan.style, quality, plan.pause, code_version(step.kind))}.mp4"
        if use_cache and path.is_file():
            results[step.index] = StepResult(step, path, cached=True)
            if on_start:
                on_start(step, True)
            if on_step:
                on_step(results[step.index])
        else:
            todo.append((step, path))
    failures: list[str] = []
    if todo:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), mp_context=ctx) as pool:
            futures: dict[Future, tuple[StepPlan, Path]] = {}
            for step, path in todo:
                if on_start:
                    on_start(step, False)
                args = (step, plan.style, quality, step_duration(step, plan.pause), path)
                futures[pool.submit(_worker, args)] = (step, path)
            for future in as_completed(futures):
                step, path = futures[future]
                try:
                    problems = future.result()
                except Exception as exc:  # a step failed: report it, keep the others
                    failures.append(f"step {step.index + 1} '{step.id}' ({step.kind}) failed: {type(exc).__name__}: {exc}")
                    continue
                results[step.index] = StepResult(step, path, cached=False, layout_problems=problems)
                if on_step:
                    on_step(results[step.index])
    if failures:
        raise LessonError(failures + ["the steps that rendered are cached; fix the failing step and render again"])
    ordered = [results[s.index] for s in plan.steps]
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / f"{plan.lesson_id}.mp4"
    join_sections([r.path for r in ordered], output)
    return output, ordered


def join_sections(sections: list[Path], output: Path) -> None:
    """Concatenate MP4 sections by stream copy into ``output`` (moov first), atomically."""
    import av

    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.stem}-", suffix=".mp4.partial", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
            stream = None
            offset = 0
            for section in sections:
                with av.open(str(section)) as src:
                    vin = src.streams.video[0]
                    if stream is None:
                        stream = out.add_stream_from_template(vin)
                    last_end = offset
                    for packet in src.demux(vin):
                        if packet.dts is None:
                            continue
                        packet.pts += offset
                        packet.dts += offset
                        end = packet.pts + (packet.duration or 0)
                        last_end = max(last_end, end)
                        packet.stream = stream
                        out.mux(packet)
                    offset = last_end
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
