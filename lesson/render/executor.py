"""Where the steps that must be drawn are drawn: the executor interface, and its local implementation.

:class:`lesson.render.steps.StepRenderer` hands each step to draw to an executor as a :class:`StepJob` and collects one
:class:`Outcome` per job. Two implementations:

- :class:`LocalExecutor` (the default): worker processes forked on this machine (:mod:`lesson.render.workers`);
- :class:`lesson.render.cluster.DaskExecutor` (``--cluster``): tasks on a Dask cluster, each drawing one step into the
  shared cache folder and returning only the step's key and its file's hash (:func:`cluster_task`).

This module does not import Dask (only :mod:`lesson.render.cluster` does, and only with ``--cluster``); the task a Dask
worker runs is here, so that a worker needs nothing of Dask from the project.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lesson.manim import adapter as manim_adapter
from lesson.base.codehash import code_hash, module_files
from lesson.render import draw  # draw.render_step looked up at each call (a worker may wrap it)
from lesson.base.plandata import StepPlan, Style
from lesson.render.replay import StepVideo, assemble, cached_video, drawing_ready
from lesson.manim.texsandbox import TEX_SANDBOX
from lesson.base.timing import StepTiming
from lesson.render.workers import kill, start_pool


@dataclass(frozen=True)
class StepJob:
    """Everything a worker needs to draw one step and lay it out into ``target`` (its content key is the name)."""

    step: StepPlan
    style: Style
    quality: str
    timing: StepTiming
    target: Path  # <cache>/sections/<step key>.mp4
    drawing: Path  # <cache>/drawings/<drawing key>
    replace: bool = False  # --no-cache: draw again even if the drawing is there
    strict_layout: bool = False
    code: str = ""  # the client's hash of the code that draws this kind (lesson.render.cachekeys.code_version): a cluster's
    # worker with other code would put other pixels under the client's key

    @property
    def key(self) -> str:
        return self.target.stem


@dataclass(frozen=True)
class Outcome:
    """A job's end: the step's video, or why it failed (``error``, one line naming the cause), and where it ran."""

    video: StepVideo | None
    error: str | None = None
    worker: str | None = None  # the worker that drew it, when the executor knows (a cluster's worker address)


class Executor(Protocol):
    """What :class:`lesson.render.steps.StepRenderer` needs of an executor."""

    shared: bool  # True: it lives longer than one lesson's render (a cluster); the renderer does not shut it down

    def start(self, workers: int) -> None:
        """Get ``workers`` workers ready now, if that takes time (forking, importing Manim); may do nothing."""

    def submit(self, job: StepJob) -> object:
        """Start drawing ``job``'s step; a handle for :meth:`completed`."""

    def completed(self, handles: Iterable[object]) -> Iterator[tuple[object, Outcome]]:
        """Each handle with its outcome, as they finish."""

    def close(self, handles: Iterable[object], abort: bool = False) -> None:
        """The renderer is done with ``handles``: stop the work (``abort``: at once, Ctrl-C or an error)."""


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class LocalExecutor:
    """Worker processes forked on this machine (at most ``jobs``), started for one lesson's render."""

    shared = False

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def start(self, workers: int) -> None:
        if self._pool is None and workers > 0:
            self._pool = start_pool(max(1, min(self.jobs, workers)))

    def submit(self, job: StepJob) -> Future:
        self.start(1)
        assert self._pool is not None
        return self._pool.submit(draw.render_step, job.step, job.style, job.quality, job.timing, job.target, job.drawing,
                                 replace=job.replace, strict_layout=job.strict_layout)

    def completed(self, handles: Iterable[object]) -> Iterator[tuple[object, Outcome]]:
        for future in as_completed(handles):  # type: ignore[arg-type]
            try:
                yield future, Outcome(future.result())
            except Exception as exc:  # the step failed: its message, the others go on
                yield future, Outcome(None, _describe(exc))

    def close(self, handles: Iterable[object] = (), abort: bool = False) -> None:
        """Stop the workers: once the steps they are drawing are done, or at once (``abort``)."""
        pool = self._pool
        if pool is None:
            return
        if abort:
            kill(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None  # only now: a Ctrl-C while waiting above still finds the workers to kill


# ---- the task a cluster's worker runs (no Dask here: the worker calls it as a plain function) ----

_worker_lock = threading.Lock()  # Manim's settings are global to a process: one step at a time in each worker process
_worker_ready = False


def prepare_worker() -> None:
    """Make this (cluster worker) process ready to draw: TeX sandboxed for good, Manim imported and patched. Idempotent."""
    global _worker_ready
    with _worker_lock:
        if _worker_ready:
            return
        os.environ.update(TEX_SANDBOX)
        import manim  # noqa: F401

        manim_adapter.install()
        _worker_ready = True


def file_hash(path: Path) -> str:
    """The SHA-256 of a file (read in pieces: a step's video at 4K is large)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _worker_code(modules: tuple[str, ...]) -> str | None:
    """This worker's hash of the code that draws a step made of ``modules`` (None: it lacks one of them)."""
    try:
        return code_hash(module_files(modules))
    except LookupError:
        return None


def cluster_task(job: StepJob, after: object = None) -> tuple[str, str | None, str | None]:
    """Draw ``job``'s step into the shared cache (unless it is there already) and return ``(key, sha256 of the step's
    video, None)``, or ``(key, None, why)`` when the step itself fails (a layout or LaTeX error, reported by step and
    not retried: the same step would fail again). Nothing but these few strings goes back through the scheduler.
    ``after``: the task drawing the same picture for another timing (another lesson), which this one waits for and
    then only lays that drawing out, without Manim."""
    if job.code and _worker_code(job.step.code_modules) != job.code:
        return job.key, None, (f"this worker ({os.uname().nodename}) has other code for steps of kind '{job.step.kind}' than the "
                               "client: install the same version of lesson (and Manim) on the client and every worker")
    prepare_worker()
    with _worker_lock:
        if job.replace or cached_video(job.target) is None:  # another worker, or an earlier run, may have made it
            try:
                if after is not None and drawing_ready(job.drawing):  # drawn by the task it waited for
                    assemble(job.drawing, job.timing, job.target)
                else:
                    draw.render_step(job.step, job.style, job.quality, job.timing, job.target, job.drawing,
                                replace=job.replace, strict_layout=job.strict_layout)
            except Exception as exc:
                return job.key, None, _describe(exc)
        return job.key, file_hash(job.target), None
