"""Narration for every step: speech from the chosen voice (or the author's recording), cached, and the step timings.

Speech is made one sentence at a time and cached per sentence, under a key of
the engine's version and the sentence's spoken text: editing one sentence speaks
only that sentence again (the voice's other sentences stay exactly as they were),
and the engine is not even loaded when every sentence is in the cache. A step's
speech is its sentences back to back, normalised to -16 LUFS as a whole, and is
cached too, under ``speech_id``, with its AAC packets: the lesson's track is made
of those (see :func:`lesson.narration.audio.aac_track`), so a step's voice is encoded once.

:class:`Narrator` answers per step, so that the build can start rendering the
steps whose speech is cached while the voice speaks the others.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lesson.base.atomic import replacing
from lesson.narration.audio import normalise
from lesson.plan import Plan, StepPlan
from lesson.speech import RATE, Engine, Speech, even_times, sentences
from lesson.speech.engines import get_engine
from lesson.base.timing import LEAD, StepTiming
from lesson.narration.audio import AAC_VERSION, encode_aac
from lesson.narration.audio import read_audio

AUDIO_VERSION = "normalised -16 LUFS v2, by sentence"  # change when the processing of cached speech changes


@dataclass(frozen=True)
class Narrated:
    speech: Speech
    timing: StepTiming
    packets: tuple[bytes, ...] = ()  # the speech as AAC (lesson.narration.audio.encode_aac); none for the silent voice


def _key(parts: list[str]) -> str:
    return hashlib.sha256(json.dumps([AUDIO_VERSION, *parts]).encode()).hexdigest()[:24]


class Narrator:
    """Speech and timing per step of ``plan``, from the cache when it can, else from the voice."""

    def __init__(self, plan: Plan, voice: str, words_per_minute: int, cache_dir: Path, use_cache: bool = True):
        self.plan = plan
        self.cache = cache_dir / "speech"
        self.cache.mkdir(parents=True, exist_ok=True)
        self.use_cache = use_cache
        self.voice = voice
        self.engine: Engine | None = None
        if any(not s.audio for s in plan.steps):
            self.engine = get_engine(voice, words_per_minute, cache_dir / "voices")  # cheap: a model loads on its first sentence
            self._version = self.engine.version()
        self.synthesis_seconds = 0.0  # spent in the engine
        self._made: set[str] = set()  # keys spoken in this run (so --no-cache speaks each sentence once)

    # ------------------------------------------------------------ keys
    def _sentences(self, step: StepPlan) -> list[tuple[str, int, int]]:
        return [(_key([self._version, *step.spoken[a:b]]), a, b) for a, b in sentences(step.tokens)]

    def speech_id(self, step: StepPlan) -> str:
        if step.audio:
            digest = hashlib.sha256(Path(step.audio).read_bytes()).hexdigest()
            return _key(["recorded", digest, *step.spoken])
        return _key(["step", *(k for k, _, _ in self._sentences(step))])

    def _usable(self, key: str) -> bool:
        return self.use_cache or key in self._made

    # ------------------------------------------------------------ answers
    def cached(self, step: StepPlan, sid: str | None = None) -> Narrated | None:
        """The step's narration if its speech is in the cache (nothing is spoken or read aloud)."""
        sid = sid or self.speech_id(step)  # for a recording, its whole file is read and hashed: once per step
        speech = _load(self.cache / f"{sid}.npz") if self._usable(sid) else None
        return None if speech is None else self._narrated(step, speech, sid)

    def needs_voice(self, step: StepPlan) -> bool:
        """Whether some sentence of this step must be spoken (the step then renders anew)."""
        if step.audio:
            return False
        return any(not (self._usable(k) and (self.cache / f"s-{k}.npz").is_file()) for k, _, _ in self._sentences(step))

    def narrate(self, step: StepPlan) -> Narrated:
        sid = self.speech_id(step)
        found = self.cached(step, sid)
        if found is not None:
            return found
        if step.audio:
            speech = _recorded(step)
        else:
            pieces = [self._sentence(step, key, a, b) for key, a, b in self._sentences(step)]
            speech = _join(pieces)
        speech = Speech(normalise(speech.samples), speech.times)  # every step at -16 LUFS: voices and recordings match
        _save(self.cache / f"{sid}.npz", speech)
        self._made.add(sid)
        return self._narrated(step, speech, sid)

    def _sentence(self, step: StepPlan, key: str, a: int, b: int) -> Speech:
        path = self.cache / f"s-{key}.npz"
        speech = _load(path) if self._usable(key) else None
        if speech is None:
            import time

            began = time.perf_counter()
            speech = self.engine.synthesize(list(step.spoken[a:b]))  # type: ignore[union-attr]
            self.synthesis_seconds += time.perf_counter() - began
            _save(path, speech)
            self._made.add(key)
        return speech

    def _narrated(self, step: StepPlan, speech: Speech, sid: str) -> Narrated:
        cues = tuple((name, LEAD + speech.times[i][0]) for name, i in step.cues if i < len(speech.times))
        packets = self._packets(speech, sid) if (step.audio or self.voice != "none") else ()
        return Narrated(speech, StepTiming(LEAD, speech.seconds, self.plan.pause, cues, sid), packets)

    def _packets(self, speech: Speech, sid: str) -> tuple[bytes, ...]:
        """The step's speech encoded to AAC on its own, cached beside it: the lesson's track is made of these."""
        path = self.cache / f"{_key([AAC_VERSION, sid])}.aac.npz"
        if self._usable(sid):
            try:
                with np.load(path) as doc:
                    data, ends = doc["data"].tobytes(), doc["ends"].tolist()
                return tuple(data[a:b] for a, b in zip([0, *ends[:-1]], ends))
            except (OSError, KeyError, ValueError):
                pass
        packets = encode_aac(speech.samples)
        with replacing(path, ".npz") as tmp:  # np.savez adds .npz to a name without it
            np.savez(tmp, data=np.frombuffer(b"".join(packets), dtype=np.uint8), ends=np.cumsum([len(p) for p in packets]))
        return tuple(packets)


def narrate(plan: Plan, voice: str, words_per_minute: int, cache_dir: Path, use_cache: bool = True) -> dict[int, Narrated]:
    """Speech and timing for every step of ``plan``, keyed by step index."""
    narrator = Narrator(plan, voice, words_per_minute, cache_dir, use_cache)
    return {step.index: narrator.narrate(step) for step in plan.steps}


def _join(pieces: list[Speech]) -> Speech:
    """Sentences back to back (the voice ends each with its own short silence), their token times moved along."""
    times: list[tuple[float, float]] = []
    offset = 0
    for p in pieces:
        t0 = offset / RATE
        times += [(t0 + a, t0 + b) for a, b in p.times]
        offset += len(p.samples)
    samples = np.concatenate([p.samples for p in pieces]) if pieces else np.zeros(0, dtype=np.float32)
    return Speech(samples.astype(np.float32), tuple(times))


def _recorded(step: StepPlan) -> Speech:
    samples = read_audio(Path(step.audio))
    # the words are spread over the voiced part of the recording, in proportion to their length
    voiced = np.flatnonzero(np.abs(samples) > 0.01)
    start, end = (voiced[0] / RATE, voiced[-1] / RATE) if len(voiced) else (0.0, len(samples) / RATE)
    return Speech(samples, even_times([len(s) + 1 if s else 0 for s in step.spoken], end - start, start))


def _load(path: Path) -> Speech | None:
    try:
        with np.load(path) as doc:
            return Speech(doc["samples"].astype(np.float32), tuple(map(tuple, doc["times"].tolist())))
    except (OSError, KeyError, ValueError):
        return None


def _save(path: Path, speech: Speech) -> None:
    with replacing(path, ".npz") as tmp:  # two renders speaking one sentence never share a file
        np.savez(tmp, samples=speech.samples, times=np.array(speech.times, dtype=float).reshape(-1, 2))
