"""Narration for every step: speech from the chosen voice (or the author's recording), cached, and the step timings.

The voice runs in the main process before rendering (it is fast: a few percent
of real time), so that every step's animation can be laid out against its real
speech. Audio and word timings are cached per step under a key of the engine's
version and the spoken text (or the recording's content).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lesson.audio import normalise
from lesson.plan import Plan, StepPlan
from lesson.speech import RATE, Engine, Speech, even_times, get_engine
from lesson.timing import LEAD, StepTiming


@dataclass(frozen=True)
class Narrated:
    speech: Speech
    timing: StepTiming


def _recorded(step: StepPlan) -> Speech:
    from lesson.audio import read_audio

    samples = read_audio(Path(step.audio))
    # the words are spread over the voiced part of the recording, in proportion to their length
    voiced = np.flatnonzero(np.abs(samples) > 0.01)
    start, end = (voiced[0] / RATE, voiced[-1] / RATE) if len(voiced) else (0.0, len(samples) / RATE)
    return Speech(samples, even_times([len(s) + 1 if s else 0 for s in step.spoken], end - start, start))


def _key(parts: list[str]) -> str:
    return hashlib.sha256(json.dumps([AUDIO_VERSION, *parts]).encode()).hexdigest()[:24]


AUDIO_VERSION = "normalised -16 LUFS v1"  # change when the processing of cached speech changes


def narrate(plan: Plan, voice: str, words_per_minute: int, cache_dir: Path, use_cache: bool = True) -> dict[int, Narrated]:
    """Speech and timing for every step of ``plan``, keyed by step index."""
    cache = cache_dir / "speech"
    cache.mkdir(parents=True, exist_ok=True)
    engine: Engine | None = None
    out: dict[int, Narrated] = {}
    for step in plan.steps:
        if step.audio:
            digest = hashlib.sha256(Path(step.audio).read_bytes()).hexdigest()
            key = _key(["recorded", digest, *step.spoken])
        else:
            if engine is None:
                engine = get_engine(voice, words_per_minute)
            key = _key([engine.version(), *step.spoken])
        path = cache / f"{key}.npz"
        speech = _load(path) if use_cache else None
        if speech is None:
            speech = _recorded(step) if step.audio else engine.synthesize(list(step.spoken))  # type: ignore[union-attr]
            speech = Speech(normalise(speech.samples), speech.times)  # every step at -16 LUFS: voices and recordings match
            _save(path, speech)
        cues = tuple((name, LEAD + speech.times[i][0]) for name, i in step.cues if i < len(speech.times))
        out[step.index] = Narrated(speech, StepTiming(LEAD, speech.seconds, plan.pause, cues, key))
    return out


def _load(path: Path) -> Speech | None:
    try:
        with np.load(path) as doc:
            return Speech(doc["samples"].astype(np.float32), tuple(map(tuple, doc["times"].tolist())))
    except (OSError, KeyError, ValueError):
        return None


def _save(path: Path, speech: Speech) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, samples=speech.samples, times=np.array(speech.times, dtype=float).reshape(-1, 2))
    tmp.replace(path)
