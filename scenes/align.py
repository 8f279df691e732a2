"""Texts set on a line as a person sets them: side by side on one baseline, numbers on their decimal points."""

from __future__ import annotations

from manim import RIGHT, UP, Mobject


def baseline(m: Mobject) -> float:
    """Where a line of text sits: the middle of its glyphs' bottoms (a descender or a minus does not move it)."""
    bottoms = sorted(g.get_bottom()[1] for g in m.submobjects if g.has_points())
    return bottoms[(len(bottoms) - 1) // 2] if bottoms else m.get_bottom()[1]  # the lower middle: eᶻ sits on e


def sit(m: Mobject, middle: float, digit: float) -> Mobject:
    """Put a text on a row so that digits are centred on ``middle`` (texts side by side share a baseline);
    a text with no letter or digit (a dash) is centred; an empty one (an empty cell) stays where it is."""
    if not m.has_points() and not any(g.has_points() for g in m.get_family()):
        return m
    if any(ch.isalnum() for ch in getattr(m, "original_text", "")):
        m.shift((middle - digit / 2 - baseline(m)) * UP)
    else:
        m.set_y(middle)
    return m


def align_numbers(column: list[Mobject], texts: list[str]) -> None:
    """Right-aligned numbers as a person sets them: on their decimal points (a whole number's point is just right
    of its last digit: 8 stands under the 1 of 1.39), or, when none has one, on the middle of their last
    character. (Aligning the ink's right edges moves "0.21" right of "0.57": a 1 has less ink on its right than
    a 7.) Texts whose glyphs cannot be matched to their characters keep their place."""
    found: list[tuple[Mobject, list[Mobject], list[str]]] = []
    for m, text in zip(column, texts):
        glyphs = [g for g in m.submobjects if g.has_points()]
        chars = [ch for ch in text if not ch.isspace()]
        if chars and len(glyphs) == len(chars):
            found.append((m, glyphs, chars))
    if len(found) < 2:
        return
    if any("." in chars for _, _, chars in found):
        whole = [(m, glyphs, chars) for m, glyphs, chars in found if "." not in chars]
        if any(not chars[-1].isdigit() for _, _, chars in whole):  # "12%" beside "0.5": no point to line up on
            return
        anchors = [glyphs[chars.index(".")].get_left()[0] if "." in chars else glyphs[-1].get_right()[0]
                   for _, glyphs, chars in found]
    else:
        anchors = [glyphs[-1].get_center()[0] for _, glyphs, _ in found]
    target = max(anchors)
    for (m, _, _), x in zip(found, anchors):
        m.shift((target - x) * RIGHT)


def column(texts: list[Mobject], strings: list[str], numbers: bool, x: float) -> None:
    """Set texts under one another at ``x``: numbers end there, lined up on their decimal points
    (:func:`align_numbers`, which may move some further right), words start there."""
    for m in texts:
        if m.width > 0:  # an empty cell has nowhere to be
            m.shift((x - (m.get_right() if numbers else m.get_left())[0]) * RIGHT)
    if numbers:
        align_numbers(texts, strings)
