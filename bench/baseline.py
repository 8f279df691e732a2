"""`lesson` as the render benchmark's baseline: stock Manim, which draws and encodes every held frame itself.

    .venv/bin/python bench/baseline.py render LESSON -j 1 --cache-dir FRESH ...   (the arguments of `lesson`)

The product has no switch for this; this script makes two changes before the command runs, in its own process
and in each render worker as it starts (Manim is imported only there, as in a plain render):

- lesson.manim.adapter is told that Manim is not the version its patches were written for, so it leaves Manim as
  it is (its stock fallback: every frame copied on its way to the encoder, LaTeX and text pictures kept per process);
- StepScene.hold_for, instead of recording a hold's still picture and rule (laid out later by stream copy), has
  Manim draw and encode the hold frame by frame, as a frozen-frame wait.

A drawing made so depends on the narration's timing, which its cache key leaves out: give the command a cache of
its own (``--cache-dir``), used once.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lesson.manim import adapter as manim_adapter, workers  # noqa: E402


def stock_manim() -> None:
    """As for another version of Manim: nothing is patched (and nothing is said about it)."""
    manim_adapter.check = lambda: False


def holds_as_frames() -> None:
    """Each hold drawn and encoded by Manim, frame by frame (burned-in captions: as the product draws them)."""
    from manim import Scene

    from scenes.base import StepScene

    recorded = StepScene.hold_for

    def hold_for(self, wait) -> None:
        if self.timing.captions:
            recorded(self, wait)
            return
        self.replayable = False  # the drawing holds the frames themselves: it cannot be laid out for other timing
        frames = wait.frames(self.time, self.timing, self.fps)
        if frames > 0:
            Scene.wait(self, (frames + 0.5) / self.fps, frozen_frame=True)  # play() puts it on the timeline

    StepScene.hold_for = hold_for


def in_each_worker(change) -> None:
    started = workers.start_worker

    def start_worker(*args) -> None:
        started(*args)
        change()

    workers.start_worker = start_worker


if __name__ == "__main__":
    stock_manim()
    in_each_worker(holds_as_frames)
    from lesson.cli import main

    sys.argv[0] = "lesson"
    main()
