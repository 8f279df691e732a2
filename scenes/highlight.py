"""Highlights, drawn one way for every kind: a marker that moves to what the voice names, at that word.

The plan says which cue lights which target (``lesson.kinds.highlights``); a scene makes a :class:`Marker` and
calls :meth:`Marker.light` with the cue and the target's box. The marker is a box behind the target (or a line
under it) in the theme's accent; it comes in at the first cue and moves from target to target, so the eye follows
the voice. Nothing pulses: the marker moves only when the voice names something else.
"""

from __future__ import annotations

from typing import Any

from manim import DOWN, Line, ManimColor, Mobject, RoundedRectangle, Transform

from scenes import style

PAD = 0.12  # the box reaches this far past what it lights


def bounds(*ms: Mobject, pad: float = PAD) -> tuple[float, float, float, float]:
    """left, right, top, bottom of ``ms`` together, ``pad`` beyond them."""
    left = min(m.get_left()[0] for m in ms) - pad
    right = max(m.get_right()[0] for m in ms) + pad
    top = max(m.get_top()[1] for m in ms) + pad
    bottom = min(m.get_bottom()[1] for m in ms) - pad
    return left, right, top, bottom


class Marker:
    """One highlight of a scene: ``box`` (a filled box behind the target) or ``underline`` (a line under it)."""

    def __init__(self, scene: Any, shape: str = "box", *, fill: float = 0.16, stroke: float = 2.5, behind: bool = True) -> None:
        self.scene = scene
        self.behind = behind  # False: over what it lights (a label on a box of its own would hide it)
        self.shape = shape
        self.fill = fill
        self.stroke = stroke
        self.mobject: Mobject | None = None
        self.at: Any = None  # the key of what is lit now

    def shape_for(self, box: tuple[float, float, float, float]) -> Mobject:
        left, right, top, bottom = box
        accent = ManimColor(self.scene.theme.accent)
        if self.shape == "underline":
            return Line([left, bottom, 0], [right, bottom, 0], color=accent).set_stroke(width=4)
        rect = RoundedRectangle(corner_radius=0.08, width=max(right - left, 0.05), height=max(top - bottom, 0.05),
                                stroke_color=accent, stroke_width=self.stroke, fill_color=accent, fill_opacity=self.fill)
        return rect.move_to([(left + right) / 2, (top + bottom) / 2, 0])

    def light(self, names: tuple[str, ...] | list[str], box: tuple[float, float, float, float], key: Any = None,
              run_time: float = style.POINT, slide: bool = True) -> None:
        """At the cue ``names`` (the voice's word), move the marker onto ``box`` (left, right, top, bottom); nothing
        when it is there already (``key``: what the box is, to know). ``slide=False``: it leaves where it was at once
        and comes in at the box (a line under a number moving to another row would cross the numbers between)."""
        if key is not None and key == self.at:
            return
        target = self.shape_for(box)
        self.scene.cue(*names)
        if self.mobject is not None and not slide:
            self.mobject.become(target.copy().set_fill(opacity=0).set_stroke(opacity=0))
            if self.shape == "underline":
                self.mobject.shift(0.05 * DOWN)
        if self.mobject is None:  # added behind everything, unseen; Transform (not an introducer) keeps it there
            self.mobject = target.copy().set_fill(opacity=0).set_stroke(opacity=0)
            if self.shape == "underline":
                self.mobject.shift(0.05 * DOWN)
            self.scene.add(self.mobject)
            if self.behind:
                self.scene.bring_to_back(self.mobject)
        self.scene.play(Transform(self.mobject, target), run_time=run_time)
        self.at = key

    def off(self, run_time: float = style.POINT) -> None:
        """Take the marker away (what it lit is no longer what the voice is on); it comes back at its next cue."""
        if leaving := self.leaving():
            self.scene.play(*leaving, run_time=run_time)

    def leaving(self) -> list:
        """The marker's going away, as an animation to play with another (none if it lights nothing)."""
        if self.mobject is None or self.at is None:
            return []
        self.at = None
        return [self.mobject.animate.set_fill(opacity=0).set_stroke(opacity=0)]
