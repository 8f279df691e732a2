"""A word from the plan set beside or inside a formula: Pango text (never TeX) at the formula's size, on its baseline."""

from __future__ import annotations

import numpy as np
from manim import UP, Mobject, Text

from scenes.base import StepScene


def formula_word(scene: StepScene, word: str, size: int, color: str | None = None) -> Text:
    """``word`` as text as large as a formula's letters at font ``size`` (TeX sets smaller type than Pango at the
    same font size): scaled so that a digit is as tall in both."""
    factor = scene.math("0", size=size).height / scene.text("0", size).height
    return scene.text(word, size, color=color).scale(factor)


def baseline(word: Text) -> float:
    """Where the text's letters stand: most glyphs sit on the baseline (a few reach below it, a hyphen stays above)."""
    return float(np.median([g.get_bottom()[1] for g in word.submobjects if g.has_points()]))


def onto_baseline(word: Text, glyph: Mobject) -> Text:
    """Move ``word`` up or down so that it stands where ``glyph`` (a formula's letter on its baseline) stands."""
    return word.shift((glyph.get_bottom()[1] - baseline(word)) * UP)
