"""Several generic parts on one screen, each drawn by its own scene in a region of the frame.

The plan gives ``screens``: each a list of ``parts``, every part a generic kind's name (``bars``, ``equation``,
``table``, ``number_line``, ``plot``, ``text``), that kind's plan data, its ``region`` (``[left, right, top,
bottom]`` as fractions of the step's area, measured from its top-left corner) and an optional ``heading`` drawn
above it (at once, or as the voice reaches its ``heading_cue``, after every part's lead). The parts of a screen are drawn one after another, each exactly as its own step would draw it (with its
own cues), inside its region; a part whose scene has a ``lead`` (what it draws before any cue: a plot's axes
and curves) draws that first, with every heading, so that no part's picture waits for another part's cue. A
screen after the first replaces the one before when the voice reaches its ``cues``. Nothing here knows what the
parts show: the plan decides.
"""

from __future__ import annotations

import types
from dataclasses import replace
from typing import Any

from manim import DOWN, FadeIn, FadeOut, Group

from scenes import style
from scenes.bars import BarsScene
from scenes.base import Area, StepScene
from scenes.equation import EquationScene
from scenes.number_line import NumberLineScene
from scenes.plot import PlotScene
from scenes.table import TableScene
from scenes.text import TextScene

PARTS: dict[str, type[StepScene]] = {
    "bars": BarsScene,
    "equation": EquationScene,
    "number_line": NumberLineScene,
    "plot": PlotScene,
    "table": TableScene,
    "text": TextScene,
}
HEADING_GAP = 0.2  # between a part's heading and the part


class Part:
    """One part drawn by the composite scene: it reads its own data and area, and lends its kind's drawing
    methods; everything else (text, formulas, timing, playing) is the composite scene's."""

    def __init__(self, scene: StepScene, kind: type[StepScene], data: dict, area: Area) -> None:
        object.__setattr__(self, "_scene", scene)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "step", replace(scene.step, data=data))
        object.__setattr__(self, "area", area)

    def __getattr__(self, name: str) -> Any:
        for klass in self._kind.__mro__:
            if klass is StepScene:
                break
            if name in klass.__dict__:
                attr = klass.__dict__[name]
                if isinstance(attr, staticmethod):
                    return attr.__func__
                if isinstance(attr, property):
                    return attr.fget(self)
                if isinstance(attr, types.FunctionType):
                    return types.MethodType(attr, self)
                return attr
        return getattr(self._scene, name)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def draw(self) -> None:
        self._kind.draw(self)

    def formulas(self) -> list[list[str]]:
        own = self._kind.formulas
        return [] if own is StepScene.formulas else own(self)

    @property
    def leads(self) -> bool:
        """Whether the part's scene draws in two stages: ``lead`` (no cue) and ``follow``."""
        return hasattr(self._kind, "lead") and hasattr(self._kind, "follow")


class CompositeScene(StepScene):
    def region(self, box: list[float]) -> Area:
        a = self.area
        left, right, top, bottom = box
        return Area(a.left + left * a.width, a.left + right * a.width, a.top - top * a.height, a.top - bottom * a.height)

    def formulas(self) -> list[list[str]]:
        return [
            parts
            for screen in self.step.data["screens"] for part in screen["parts"]
            for parts in Part(self, PARTS[part["kind"]], part["data"], self.area).formulas()
        ]

    def draw(self) -> None:
        before: list = []
        for i, screen in enumerate(self.step.data["screens"]):
            if i:
                self.cue(*screen.get("cues", []), ahead=style.QUICK)
                gone = [m for m in self.mobjects if m not in before]
                if gone:
                    self.play(FadeOut(Group(*gone)), run_time=style.QUICK)
            else:
                before = list(self.mobjects)
            drawn: list[Part] = []
            later = []  # headings that wait for their word (heading_cue), in the parts' order
            for part in screen["parts"]:  # the headings, and what waits for no cue
                area = self.region(part["region"])
                if part.get("heading"):
                    head = self.text(part["heading"], style.LABEL, color=self.theme.accent)
                    self.fit(head, area.width, area.height / 4)
                    head.move_to([area.center[0], area.top - head.height / 2, 0])
                    if part.get("heading_cue"):
                        later.append((part["heading_cue"], head))
                    else:
                        self.play(FadeIn(head, shift=0.1 * DOWN), run_time=style.QUICK)
                    area = Area(area.left, area.right, head.get_bottom()[1] - HEADING_GAP, area.bottom)
                drawn.append(Part(self, PARTS[part["kind"]], part["data"], area))
                if drawn[-1].leads:
                    drawn[-1].lead()
            for cue, head in later:  # a heading that says something the voice says: at its word
                self.cue(cue, ahead=style.QUICK)
                self.play(FadeIn(head, shift=0.1 * DOWN), run_time=style.QUICK)
            for p in drawn:  # then each part in turn, with its cues
                if p.leads:
                    p.follow()
                else:
                    p.draw()


__all__ = ["CompositeScene", "PARTS"]
