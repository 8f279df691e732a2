"""Plain data shared by the planner, the scenes and the renderer: a step's timing, and the pieces of its video.

A step's timing comes from its narration (spoken, recorded, or read at the
script's pace): when the voice starts, how long it speaks, when each
placeholder's value is spoken. A rendered step is a sequence of motion
(one Manim animation each) and holds (a still picture for a number of frames).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEAD = 0.3  # seconds of picture at the start of each step before the voice begins


@dataclass(frozen=True)
class StepTiming:
    lead: float  # the voice starts this many seconds into the step
    speech: float  # seconds of narration audio
    pause: float  # silence after the narration before the next step
    cues: tuple[tuple[str, float], ...] = ()  # (placeholder name, seconds from the step's start)
    speech_id: str = ""  # a hash of the narration audio and its timings
    captions: tuple[tuple[float, float, str], ...] = ()  # burned-in captions: (start, end, text) from the step's start

    @property
    def min_seconds(self) -> float:
        """The step lasts at least this long: it never cuts the voice off."""
        return self.lead + self.speech + self.pause


@dataclass(frozen=True)
class Play:
    index: int  # the Manim animation's number within the scene


@dataclass(frozen=True, eq=False)
class Hold:
    frames: int
    still: np.ndarray  # RGBA, uint8, the picture held
