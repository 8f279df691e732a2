"""The fallback voice: the espeak-ng library (Debian ``libespeak-ng1``, GPL-3.0), called through ctypes.

The text goes in once, with every token's spoken form at a known character
offset; espeak-ng reports a word event (with its audio position) for each word
it speaks, which gives every token its start time.
"""

from __future__ import annotations

import bisect
import ctypes
import ctypes.util
import threading

import numpy as np

from lesson.base.errors import LessonError
from lesson.speech import RATE, Speech, resample

INSTALL = "sudo apt-get install --no-install-recommends espeak-ng"
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EVENT_WORD = 1
_EVENT_LIST_TERMINATED = 0


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))
_LOCK = threading.Lock()
_LIB = None
_RATE = 0


def _library():
    global _LIB, _RATE
    if _LIB is None:
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            raise LessonError(f"espeak-ng is not installed; install it with: {INSTALL}, or render with --voice none") from None
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise LessonError("espeak-ng could not start (is espeak-ng-data installed?)")
        if lib.espeak_SetVoiceByName(b"en-us") != 0:
            raise LessonError("espeak-ng has no 'en-us' voice (is espeak-ng-data installed?)")
        _LIB, _RATE = lib, rate
    return _LIB


class EspeakEngine:
    name = "espeak"

    def __init__(self) -> None:
        _library()

    def version(self) -> str:
        lib = _library()
        lib.espeak_Info.restype = ctypes.c_char_p
        return "espeak-ng " + (lib.espeak_Info(None) or b"?").decode()

    def synthesize(self, spoken: list[str]) -> Speech:
        lib = _library()
        text, starts = "", []
        for s in spoken:
            starts.append(len(text.encode()))
            if s:
                text += s + " "
        audio: list[np.ndarray] = []
        words: list[tuple[int, int]] = []  # (byte offset in text, sample position)

        def on_audio(wav, n, events):
            if n > 0:
                audio.append(np.ctypeslib.as_array(wav, shape=(n,)).astype(np.float32) / 32768.0)
            k = 0
            while events[k].type != _EVENT_LIST_TERMINATED:
                e = events[k]
                if e.type == _EVENT_WORD:
                    words.append((e.text_position - 1, e.audio_position * _RATE // 1000))
                k += 1
            return 0

        callback = _CALLBACK(on_audio)
        data = text.encode()
        with _LOCK:
            lib.espeak_SetSynthCallback(callback)
            lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
        raw = np.concatenate(audio) if audio else np.zeros(0, dtype=np.float32)
        samples = resample(raw, _RATE)
        total = len(samples) / RATE
        # every token starts where the first word event at or after its offset does
        offsets = [o for o, _ in words]
        times_at = [p / _RATE for _, p in words]
        token_starts = []
        for start in starts:
            k = bisect.bisect_left(offsets, start)
            token_starts.append(times_at[k] if k < len(words) else total)
        ends = token_starts[1:] + [total]
        return Speech(samples, tuple((a, max(a, b)) for a, b in zip(token_starts, ends)))
