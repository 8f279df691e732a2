"""Render a plan's steps: each from the cache, laid out again for new narration, or drawn by Manim in a worker.

A step is cached twice (:mod:`lesson.render.cachekeys`): its *drawing* (``drawings/<key>/``, what Manim made, see
:mod:`lesson.render.draw`), whose key leaves the narration's timing out, and its *video* (``sections/<key>.mp4``), the
drawing laid out for one timing. New narration for a step that is drawn already is laid out again in the main
process, without Manim (:mod:`lesson.render.replay`). The steps are then joined with the narration track by
:mod:`lesson.package.build`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lesson.base.cachedir import default_cache_dir, remove_stale_work_files
from lesson.render.cachekeys import drawing_key, step_key
from lesson.base.errors import LessonError
from lesson.render.executor import Executor, LocalExecutor, StepJob
from lesson.base.plandata import StepPlan, Style
from lesson.render.replay import StepVideo, assemble, cached_video, drawing_ready
from lesson.base.timing import StepTiming


# Laying a drawn step out in this process writes its files under this process's id: one at a time, for the lessons
# of a course built in threads (on a cluster, lesson.course.build)
LAYING_OUT = threading.Lock()


@dataclass(frozen=True)
class StepResult:
    step: StepPlan
    path: Path
    cached: bool
    video: StepVideo
    worker: str | None = None  # the cluster worker that drew it (--cluster), else None

    @property
    def layout_problems(self) -> tuple[str, ...]:
        return self.video.layout_problems


def _failure(step: StepPlan, exc: Exception | str) -> str:
    why = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return f"step {step.index + 1} '{step.id}' ({step.kind}) failed: {why}"


class StepRenderer:
    """Renders steps as they are handed in: from the cache at once, else by an executor (:mod:`lesson.render.executor`):
    the local pool of worker processes, or a Dask cluster's workers (``executor``, shared by the lessons of a course).

    ``submit(step, timing)`` may be called while the narration is still being made for later steps;
    ``start(n)`` forks the workers early (before a voice model with its threads is loaded, and so that
    Manim is imported in the workers while the voice speaks); ``results()`` waits for every step and
    returns them in step order, or raises one :class:`LessonError` naming every step that failed.
    """

    def __init__(
        self,
        style: Style,
        quality: str,
        *,
        jobs: int = 1,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        on_step: Callable[[StepResult], None] | None = None,
        on_start: Callable[[StepPlan, bool], None] | None = None,
        strict_layout: bool = False,
        executor: Executor | None = None,
    ):
        self.style, self.quality, self.jobs, self.use_cache = style, quality, jobs, use_cache
        self.strict_layout = strict_layout  # a layout problem fails its step (also one found when it was drawn before)
        self.on_step, self.on_start = on_step, on_start
        self.cache = (cache_dir or default_cache_dir()) / "sections"
        self.cache.mkdir(parents=True, exist_ok=True)
        self.drawings = self.cache.parent / "drawings"
        self._failures: list[str] = []
        remove_stale_work_files(self.cache.parent)  # left by renders that were killed
        self._done: dict[int, StepResult] = {}
        self._futures: dict[object, tuple[StepPlan, Path]] = {}
        self.executor: Executor = executor if executor is not None else LocalExecutor(jobs)

    def path(self, step: StepPlan, timing: StepTiming) -> Path:
        return self.cache / f"{step_key(step, self.style, self.quality, timing, step.code)}.mp4"

    def drawing(self, step: StepPlan, timing: StepTiming) -> Path:
        return self.drawings / drawing_key(step, self.style, self.quality, timing, step.code)

    def cached(self, step: StepPlan, timing: StepTiming) -> StepResult | None:
        path = self.path(step, timing)
        video = cached_video(path) if self.use_cache else None
        return None if video is None else StepResult(step, path, True, video)

    def can_lay_out(self, step: StepPlan) -> bool:
        """Whether the step is drawn already and only needs laying out for its (new) timing: no Manim, no worker."""
        return self.use_cache and drawing_ready(self.drawing(step, StepTiming(0.0, 0.0, 0.0)))  # any timing without captions: the key leaves it out

    def start(self, workers: int) -> None:
        """Fork the worker pool now (at most ``jobs`` workers, and no more than there are steps to draw); a cluster's
        workers are there already."""
        self.executor.start(workers)

    def submit(self, step: StepPlan, timing: StepTiming) -> None:
        found = self.cached(step, timing)
        if found is not None:
            if self.on_start:
                self.on_start(step, True)
            self._finished(found)
            return
        path, drawing = self.path(step, timing), self.drawing(step, timing)
        if self.use_cache and drawing_ready(drawing):  # drawn before: lay it out for this timing, here and now
            try:
                with LAYING_OUT:
                    video = assemble(drawing, timing, path)
            except Exception as exc:
                self._failures.append(_failure(step, exc))
                return
            self._finished(StepResult(step, path, False, video))
            return
        if self.on_start:
            self.on_start(step, False)
        job = StepJob(step, self.style, self.quality, timing, path, drawing, replace=not self.use_cache, strict_layout=self.strict_layout,
                      code=step.code)
        self._futures[self.executor.submit(job)] = (step, path)

    def _finished(self, result: StepResult) -> None:
        self._done[result.step.index] = result
        if self.on_step:
            self.on_step(result)

    def results(self, steps: Iterable[StepPlan]) -> list[StepResult]:
        failures = self._failures
        try:
            for handle, outcome in self.executor.completed(list(self._futures)):
                step, path = self._futures[handle]
                if outcome.video is None:  # a step failed: report it, keep the others
                    failures.append(_failure(step, outcome.error or "no result"))
                    continue
                self._finished(StepResult(step, path, False, outcome.video, outcome.worker))
        except BaseException:  # Ctrl-C, SIGTERM, an error in on_step: the workers stop now
            self.close(abort=True)
            raise
        finally:
            self.close()
        if self.strict_layout:  # steps drawn by an earlier render without the flag
            failures += [f"step {r.step.index + 1} '{r.step.id}' ({r.step.kind}) is not laid out cleanly: {p}"
                         for r in sorted(self._done.values(), key=lambda r: r.step.index) for p in r.layout_problems]
        if failures:
            raise LessonError(failures + ["the steps that rendered are cached; fix the failing step and render again"])
        return [self._done[s.index] for s in steps]

    def close(self, abort: bool = False) -> None:
        """Stop the work: once the steps being drawn are done, or at once (``abort``: Ctrl-C, an error). A cluster
        stays up for the next lesson; its tasks of this render are cancelled (what a worker has begun still lands
        in the cache, whole, for the next run)."""
        self.executor.close(list(self._futures), abort=abort)
