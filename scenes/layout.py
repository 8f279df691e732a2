"""Automated layout check: what is visible stays in the frame, out of the caption band, and text never overlaps text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import MathTex, Mobject, SingleStringMathTex, Tex, Text, VMobject

from scenes import style

TOLERANCE = 0.02


@dataclass(frozen=True)
class Box:
    name: str
    left: float
    right: float
    bottom: float
    top: float

    def overlaps(self, other: Box) -> bool:
        return (
            min(self.right, other.right) - max(self.left, other.left) > TOLERANCE
            and min(self.top, other.top) - max(self.bottom, other.bottom) > TOLERANCE
        )


def _visible(m: Mobject) -> bool:
    if not m.has_points() and not m.submobjects:
        return False
    if isinstance(m, VMobject):
        fill = np.max(m.get_fill_opacities()) if len(m.get_fill_opacities()) else 0
        stroke = np.max(m.get_stroke_opacities()) if len(m.get_stroke_opacities()) else 0
        width = m.get_stroke_width()
        if fill <= 0.01 and (stroke <= 0.01 or width <= 0):
            return any(_visible(s) for s in m.submobjects)
    return True


def _box(m: Mobject, name: str) -> Box:
    (x0, y0, _), (x1, y1, _) = m.get_corner(np.array([-1, -1, 0])), m.get_corner(np.array([1, 1, 0]))
    return Box(name, float(x0), float(x1), float(y0), float(y1))


def formula_parts(m: Mobject) -> bool:
    """A group of parts cut from one formula (drawn one after another): checked as one text."""
    return (bool(m.submobjects) and not isinstance(m, (MathTex, Text))
            and all(isinstance(getattr(s, "tex_string", None), str) for s in m.submobjects))


def _texts(mobjects: list[Mobject]) -> list[Mobject]:
    found: list[Mobject] = []
    for m in mobjects:
        if isinstance(m, (Text, MathTex, Tex, SingleStringMathTex)) or formula_parts(m):
            if _visible(m):
                found.append(m)
        else:
            found.extend(_texts(m.submobjects))
    return found


def _leaves(mobjects: list[Mobject]) -> list[Mobject]:
    out: list[Mobject] = []
    for m in mobjects:
        if m.submobjects:
            out.extend(_leaves(m.submobjects))
        elif m.has_points() and _visible(m):
            out.append(m)
    return out


def overlap(a: Mobject, b: Mobject, pad: float = 0.0) -> bool:
    """Whether the bounding boxes of ``a`` and ``b``, each grown by ``pad``, overlap (for placing labels)."""
    ba, bb = _box(a, ""), _box(b, "")
    grown = Box("", ba.left - pad, ba.right + pad, ba.bottom - pad, ba.top + pad)
    return grown.overlaps(bb)


def describe(m: Mobject) -> str:
    if isinstance(m, Text):
        return f"Text({m.text!r})"
    if isinstance(m, (MathTex, Tex)):
        return f"{type(m).__name__}({m.tex_string!r})"
    if formula_parts(m):
        return f"formula parts {' '.join(part.tex_string for part in m.submobjects)!r}"
    return type(m).__name__


def check(mobjects: list[Mobject], *, allow_caption_band: bool = False) -> list[str]:
    """Problems with what is on screen now; an empty list when the layout is clean."""
    problems: list[str] = []
    bottom = -style.FRAME_HEIGHT / 2 if allow_caption_band else style.CAPTION_BAND_TOP
    for m in _leaves(mobjects):
        b = _box(m, describe(m))
        if b.left < -style.FRAME_WIDTH / 2 + 0.1 or b.right > style.FRAME_WIDTH / 2 - 0.1 or b.top > style.FRAME_HEIGHT / 2 - 0.05:
            problems.append(f"outside the frame: {b}")
        elif b.bottom < bottom - TOLERANCE:
            problems.append(f"in the caption band: {b}")
    texts = [(_box(t, describe(t)), t) for t in _texts(mobjects)]
    for i, (a, ma) in enumerate(texts):
        for b, mb in texts[i + 1:]:
            if a.overlaps(b):
                problems.append(f"text overlaps text: {a.name} and {b.name}")
    return problems
