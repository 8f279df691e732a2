"""Which engine speaks a voice: ``piper`` and ``espeak`` are imported only when asked for (the first is an optional
extra, both load a speech library), ``none`` is the silent engine."""

from __future__ import annotations

from pathlib import Path

from lesson.speech import Engine
from lesson.speech.silent import SilentEngine


def get_engine(voice: str, words_per_minute: int = 150, cache_dir: Path | None = None) -> Engine:
    """The engine for ``voice``; ``cache_dir`` keeps what makes it start faster (piper's prepared model)."""
    if voice == "piper":
        from lesson.speech.piper_engine import PiperEngine

        return PiperEngine(cache_dir)
    if voice == "espeak":
        from lesson.speech.espeak_engine import EspeakEngine

        return EspeakEngine()
    if voice == "none":
        return SilentEngine(words_per_minute)
    raise ValueError(f"unknown voice {voice!r}")


__all__ = ["get_engine"]
