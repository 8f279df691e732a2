"""The ``none`` voice: no sound; tokens are timed at the script's reading speed so captions and cues still work."""

from __future__ import annotations

import numpy as np

from lesson.speech import RATE, Speech, even_times


class SilentEngine:
    name = "none"

    def __init__(self, words_per_minute: int = 150):
        self.words_per_minute = words_per_minute

    def version(self) -> str:
        return f"none:{self.words_per_minute}wpm"

    def synthesize(self, spoken: list[str]) -> Speech:
        words = [len(s.split()) for s in spoken]
        total = sum(words) * 60.0 / self.words_per_minute
        n = int(round(total * RATE))
        # each token gets time in proportion to its letters: "zero point four four" takes longer than "is"
        return Speech(np.zeros(n, dtype=np.float32), even_times([len(s) + 1 if s else 0 for s in spoken], n / RATE))
