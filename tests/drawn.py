"""What a scene puts on screen, read back from the scene itself (no video is encoded).

``draw(script, step_id)`` plans the lesson at ``script``, runs the scene of one step with Manim (no movie
written, strict layout check on) and returns every Text and formula it showed: after each animation and at the
end, with their strings and positions in Manim units (the frame is 14.2 × 8 units, centred on 0). Tests of step
kinds assert on these strings: that 0.69 is drawn as "0.69", where, and that no other number is.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from manim import MathTex, Text, tempconfig

from lesson import kinds
from lesson.base.plandata import StepPlan
from lesson.check import check_lesson
from lesson.base.timing import StepTiming
from scenes.base import LRM

TIMING = StepTiming(0.3, 6.0, 0.6)


@dataclass(frozen=True)
class Item:
    kind: str  # "text" or "tex"
    string: str  # a Text's characters, or a formula's TeX source
    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        return self.y + self.height / 2

    @property
    def bottom(self) -> float:
        return self.y - self.height / 2


@dataclass
class Drawing:
    step: StepPlan
    final: list[Item]  # what is on screen at the end of the step
    seen: list[list[Item]] = field(default_factory=list)  # what was on screen after each animation
    layout_problems: list[str] = field(default_factory=list)
    changes: list = field(default_factory=list)  # the scene's changes tied to cues (lesson.base.timing.Change)

    def strings(self, when: str = "final") -> list[str]:
        items = self.final if when == "final" else [i for snap in self.seen for i in snap]
        return [i.string for i in items]

    def texts(self) -> list[str]:
        """The Text strings on screen at the end (Pango text: words, labels, numbers outside formulas)."""
        return [i.string for i in self.final if i.kind == "text"]

    def ever(self) -> set[str]:
        """Every string shown at some point of the step."""
        return {i.string for snap in [*self.seen, self.final] for i in snap}


def _visible(m) -> bool:
    try:
        return max(m.get_fill_opacity(), m.get_stroke_opacity()) > 0.01
    except Exception:  # noqa: BLE001 - a mobject without opacity is drawn as is
        return True


# where a class label sits in a formula (drawn as Text, listed on its own): written as "□" in the formula's string
_LABEL_BOX = re.compile(r"\\text\{\\kern[^}]*\\special\{dvisvgm:raw <g id='lessonlabel\d+'>\}.*?</g>\}\\kern[^}]*\}")


def _parts(m) -> bool:
    """A group of parts cut from one formula (a scene draws a formula's parts one by one)."""
    from scenes.layout import formula_parts

    return formula_parts(m)


def items(scene) -> list[Item]:
    return _items(scene)


def _items(scene) -> list[Item]:
    out: list[Item] = []
    for top in scene.mobjects:
        if top is getattr(scene, "caption_slot", None):
            continue
        for m in top.get_family():
            if isinstance(m, Text) and _visible(m):
                out.append(Item("text", m.original_text.lstrip(LRM), *m.get_center()[:2], m.width, m.height))
            elif isinstance(m, MathTex) and any(_visible(s) for s in m.get_family() if s.has_points()):
                out.append(Item("tex", _LABEL_BOX.sub("□", m.tex_string), *m.get_center()[:2], m.width, m.height))
            elif _parts(m) and any(_visible(s) for s in m.get_family() if s.has_points()):  # some parts of a formula
                tex = " ".join(part.tex_string for part in m.submobjects)
                out.append(Item("tex", _LABEL_BOX.sub("□", tex), *m.get_center()[:2], m.width, m.height))
    return out


def plan_of(script: Path):
    return check_lesson(script).plan


def draw_plan_step(plan, step: StepPlan, *, timing: StepTiming = TIMING, closing: bool = False,
                   on_frame=None) -> Drawing:
    """Draw one step. A lesson's last step ends on the closing card, which would leave nothing of the step in
    ``Drawing.final``: it is left out unless ``closing`` (the card's own tests ask for it)."""
    if not closing and "closing" in step.data:
        step = dataclasses.replace(step, data={k: v for k, v in step.data.items() if k != "closing"})
    scene_type = kinds.get(step.kind).scene_class()
    with tempfile.TemporaryDirectory() as tmp:
        settings = {
            "write_to_movie": False, "save_last_frame": False, "quality": "low_quality", "disable_caching": True,
            "progress_bar": "none", "verbosity": "ERROR", "media_dir": tmp,
            "tex_dir": str(Path(tmp) / "tex"), "text_dir": str(Path(tmp) / "texts"),
        }
        with tempconfig(settings):
            scene = scene_type(step, plan.style, timing, strict_layout=True)
            snaps: list[list[Item]] = []
            play = scene.play

            def recording_play(*args, **kwargs):
                play(*args, **kwargs)
                snaps.append(_items(scene))

            scene.play = recording_play
            if on_frame is not None:  # called with the scene after each frame of an animation is worked out
                update_to_time = scene.update_to_time

                def recording_update(t):
                    update_to_time(t)
                    on_frame(scene)

                scene.update_to_time = recording_update
            scene.render()
            return Drawing(step, _items(scene), snaps, list(scene.layout_problems), list(scene.changes))


def draw(script: Path, step_id: str, *, timing: StepTiming = TIMING, on_frame=None) -> Drawing:
    """Plan ``script`` and draw its step ``step_id`` (an id, or a kind: its first step of that kind); ``on_frame``, if
    given, is called with the scene after each frame of an animation is worked out."""
    plan = plan_of(script)
    step = next((s for s in plan.steps if s.id == step_id), None) or next(s for s in plan.steps if s.kind == step_id)
    return draw_plan_step(plan, step, timing=timing, on_frame=on_frame)


def parts(data: dict, kind: str) -> list[dict]:
    """The data of every part of ``kind`` in a composite step's plan data (``scenes.composite``), in order."""
    return [p["data"] for screen in data["screens"] for p in screen["parts"] if p["kind"] == kind]


# ---------------------------------------------------------------- errors at their place (FILE:LINE:COL)


def located(text: str, needle: str) -> tuple[int, int]:
    """The 1-based line and column where ``needle`` first begins in ``text``."""
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def at(filename: str, text: str, line_part: str, needle: str) -> str:
    """``FILE:LINE:COL`` of ``needle`` on the first line of ``text`` that holds ``line_part``."""
    for n, line in enumerate(text.splitlines(), start=1):
        if line_part in line:
            return f"{filename}:{n}:{line.index(needle) + 1}"
    raise AssertionError(line_part)


def broken(script: Path, old: str, new: str, filename: str) -> tuple[str, str]:
    """``script``'s text with ``old`` (which must be in it) replaced by ``new``, and the loader's error message for it."""
    text = script.read_text()
    assert old in text, old
    edited = text.replace(old, new)
    return edited, broken_text(edited, filename)


def problem(script: Path, replace: str, by: str, filename: str, at: str | None = None, *, before: bool = False) -> tuple[int, str]:
    """``script`` with ``replace`` replaced (once) by ``by``: the line the problem should be reported on (the
    replacement's, or that of ``at``: its first occurrence after the replacement, or its last one before it) and
    the message."""
    text = script.read_text()
    start = text.index(replace)
    where = start if at is None else (text.rindex(at, 0, start) if before else text.index(at, start))
    edited = text.replace(replace, by, 1)
    return text[:where].count("\n") + 1, broken_text(edited, filename)


def broken_text(text: str, filename: str) -> str:
    """The loader's error message for ``text`` (which must have one)."""
    from lesson.base.errors import LessonError
    from lesson.check import parse_lesson

    try:
        parse_lesson(text, filename)
    except LessonError as exc:
        return str(exc)
    raise AssertionError(f"{filename}: no error")


# ---------------------------------------------------------------- numbers as a person writes them (not lesson.base.digits)


def person(value: float, decimals: int = 2) -> str:
    """A person's rounding (half away from zero) of what the float means (15 significant digits), with a real minus
    sign and never "−0.00": worked out here with Decimal, independently of the planner's lesson.base.digits."""
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return str(abs(q) if q == 0 else q).replace("-", "\u2212")


def item(drawing: Drawing, string: str) -> Item:
    """The one thing on screen at the end whose string is ``string``."""
    (found,) = [i for i in drawing.final if i.string == string]
    return found
