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
CHANGE_WITHIN = 0.3  # a change tied to a cue starts at most this far from the start of its word (either side)


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

    def cue_time(self, *names: str) -> float | None:
        """When the voice speaks the first of these placeholders, in seconds from the step's start (None: not spoken)."""
        times = [t for n, t in self.cues if n in names]
        return min(times) if times else None


@dataclass(frozen=True)
class Wait:
    """A hold as a scene asks for it, so that its length can be worked out again for other narration timing.

    ``for``: ``seconds`` long; ``cue``: until ``seconds`` before the voice speaks one of ``names``
    (no hold if none is spoken or it is already past); ``share``: until ``seconds`` (a fraction, 0 to 1) of the way
    from the first cue of ``names`` to the second (steps spread over a stretch of the narration; no hold if either is
    not spoken or the moment is past); ``end``: until the step has lasted its ``min_seconds``, and at least
    ``seconds`` more.
    """

    kind: str  # "for" | "cue" | "end"
    seconds: float
    names: tuple[str, ...] = ()

    def frames(self, time: float, timing: StepTiming, fps: int) -> int:
        """How many frames the hold lasts when it starts ``time`` seconds into the step."""
        if self.kind == "for":
            length = self.seconds
        elif self.kind == "cue":
            t = timing.cue_time(*self.names)
            if t is None:
                return 0
            length = t - self.seconds - time
        elif self.kind == "share":
            a, b = timing.cue_time(self.names[0]), timing.cue_time(self.names[1])
            if a is None or b is None:
                return 0
            length = a + self.seconds * (b - a) - time
        elif self.kind == "end":
            length = max(timing.min_seconds, time + self.seconds) - time
        else:
            raise ValueError(f"unknown wait {self.kind!r}")
        return max(0, int(round(length * fps)))


def after_hold(time: float, frames: int, fps: int) -> float:
    """The step's clock after a hold of ``frames`` (holds end on a whole frame)."""
    return time if frames <= 0 else (int(round(time * fps)) + frames) / fps


@dataclass(frozen=True)
class Play:
    index: int  # the Manim animation's number within the scene
    seconds: float = 0.0  # how far it moved the step's clock


@dataclass(frozen=True)
class Change:
    """A change of the picture tied to a cue of the narration, as the scene made it: the cue's names (the change
    waits for the first of them the voice speaks) and when the change began, in seconds from the step's start.
    Plain data, so that a test (or a tool) can compare it with the word's start in the speech timing."""

    names: tuple[str, ...]
    start: float

    def word(self, timing: StepTiming) -> float | None:
        """When the voice starts the word this change is tied to (None: the narration does not speak it)."""
        return timing.cue_time(*self.names)


@dataclass(frozen=True, eq=False)
class Hold:
    frames: int  # may be 0: a wait that needs no frames at this timing, kept for other timings
    still: np.ndarray  # RGBA, uint8, the picture held
    wait: Wait | None = None  # the rule it came from (None: not to be worked out again)
