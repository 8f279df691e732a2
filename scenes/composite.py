"""Several generic parts on one screen, each drawn by its own scene in a region of the frame.

The plan gives ``screens``: each a list of ``parts``, every part a generic kind's name (``bars``, ``equation``,
``table``, ``number_line``, ``plot``, ``text``), that kind's plan data, its ``region`` (``[left, right, top,
bottom]`` as fractions of the step's area, measured from its top-left corner) and an optional ``heading`` drawn
above it (at once, or as the voice reaches its ``heading_cue``). Each part is drawn exactly as its own step would
draw it (with its own cues), inside its region; a part whose scene has a ``lead`` (what it draws before any cue: a
plot's axes and curves) draws that first, with every heading. Then the parts are drawn one after another, each with
its cues (a part's first drawing that waits for no cue comes after the part before it: "the properties after the
table"), or, in a screen marked ``together``, side by side (:class:`Turns`): each draws until it waits for a cue, and
the part whose cue the voice says first goes on, so that no part's change waits behind another part's later word (a
table pointed at while the equation beside it is worked out). A screen after the first replaces the one before when
the voice reaches its ``cues``. Nothing here knows what the parts show: the plan decides.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable
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

    def cue(self, *names: str, ahead: float = 0.0) -> None:
        """The scene's :meth:`~scenes.timeline.Timeline.cue`, once this part's turn has come (:class:`Turns`)."""
        turns = self.__dict__.get("turns")
        if turns is not None:
            turns.wait_for(names)
        self._scene.cue(*names, ahead=ahead)

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
            if not screen.get("together"):
                for cue, head in later:  # a heading that says something the voice says: at its word
                    self._heading_at(cue, head)()
                for p in drawn:  # then each part in turn, with its cues
                    p.follow() if p.leads else p.draw()
                continue
            # the parts side by side, each with its cues, and the headings that wait for their word
            turns = Turns(self)
            tasks = [turns.task(p, p.follow if p.leads else p.draw) for p in drawn]
            for cue, head in later:
                tasks.append(turns.task(None, self._heading_at(cue, head), cue))
            turns.run(tasks)

    def _heading_at(self, cue: str, head: Any) -> Callable[[], None]:
        """A heading that says something the voice says: shown at its word."""
        def show() -> None:
            self.cue(cue, ahead=style.QUICK)
            self.play(FadeIn(head, shift=0.1 * DOWN), run_time=style.QUICK)
        return show


class Turns:
    """Parts of one screen drawn side by side on the scene's one timeline.

    Each part's drawing runs in a thread of its own, but only one runs at any moment. First each part, in the parts'
    order, draws what waits for no cue (its frame), until it waits for its first cue (:meth:`wait_for`); from then on
    the part whose cue the narration says first goes on (a cue it does not say: at once; a tie: the earlier part), so
    every change comes at its own word whichever part draws it. The order follows the narration's words, not the
    voice's timing, so a step drawn for one timing and laid out again for another (``lesson.render.replay``) is the
    step drawn for the other.
    """

    def __init__(self, scene: StepScene) -> None:
        self.scene = scene
        self._turn: int | None = None
        self._waiting: dict[int, tuple[int, int]] = {}  # task -> (the token of its cue's word, task)
        self._changed = threading.Condition()
        self._error: BaseException | None = None
        self._tasks: list[Callable[[], None]] = []

    def task(self, part: Part | None, draw: Callable[[], None], cue: str | None = None) -> int:
        """Register ``draw`` as a task and return its number: ``part``'s drawing, whose cues wait for their turn, or
        (no part) a drawing that waits for ``cue`` first and for no other."""
        k = len(self._tasks)
        if part is not None:
            object.__setattr__(part, "turns", _Turn(self, k))
            self._tasks.append(draw)
        else:
            def waits() -> None:
                self.wait_for(k, (cue,) if cue else ())
                draw()
            self._tasks.append(waits)
        return k

    def wait_for(self, k: int, names: tuple[str, ...]) -> None:
        """Task ``k`` waits for its cue ``names``: another task may go first."""
        word = self.scene.spoken_at(names)
        with self._changed:
            self._waiting[k] = (-1 if word is None else word, k)
            self._turn = None
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._turn == k or self._error is not None)
            if self._error is not None:  # another part failed: this one stops where it is
                raise _Stopped

    def _body(self, k: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._turn == k)
        try:
            self._tasks[k]()
        except _Stopped:
            pass
        except BaseException as e:  # handed to the scene's thread, which raises it
            self._error = e
        finally:
            with self._changed:
                self._turn = None
                self._changed.notify_all()

    def _give(self, k: int) -> None:
        """Let task ``k`` run until it waits for a cue or ends."""
        with self._changed:
            self._turn = k
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._turn is None)
        if self._error is not None:
            with self._changed:  # the parts still waiting stop
                self._changed.notify_all()
            raise self._error

    def run(self, tasks: list[int]) -> None:
        threads = {k: threading.Thread(target=self._body, args=(k,), daemon=True, name=f"part {k}") for k in tasks}
        for k in tasks:  # each draws what waits for no cue, in the parts' order
            threads[k].start()
            self._give(k)
        while self._waiting:
            _, k = min(self._waiting.values())
            del self._waiting[k]
            self._give(k)
        for thread in threads.values():
            thread.join()


class _Stopped(Exception):
    """Raised in a part's thread that waits while another part has failed."""


class _Turn:
    """A part's place in :class:`Turns`."""

    def __init__(self, turns: Turns, k: int) -> None:
        self.turns, self.k = turns, k

    def wait_for(self, names: tuple[str, ...]) -> None:
        self.turns.wait_for(self.k, names)


__all__ = ["CompositeScene", "PARTS"]
