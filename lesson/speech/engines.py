"""Which engine speaks a voice: ``piper``, ``espeak`` or ``none`` (the silent engine). The engines load their speech
library (piper's, an optional extra; espeak-ng's) only when one of them is made."""

from __future__ import annotations

from pathlib import Path

from lesson.speech import Engine
from lesson.speech.espeak_engine import EspeakEngine
from lesson.speech.piper_engine import PiperEngine
from lesson.speech.silent import SilentEngine


def get_engine(voice: str, words_per_minute: int = 150, cache_dir: Path | None = None) -> Engine:
    """The engine for ``voice``; ``cache_dir`` keeps what makes it start faster (piper's prepared model)."""
    if voice == "piper":
        return PiperEngine(cache_dir)
    if voice == "espeak":
        return EspeakEngine()
    if voice == "none":
        return SilentEngine(words_per_minute)
    raise ValueError(f"unknown voice {voice!r}")


__all__ = ["get_engine"]
