"""What a scene puts on screen, read back from the scene itself (no video is encoded).

``draw(script, step_id)`` plans the lesson at ``script``, runs the scene of one step with Manim (no movie
written, strict layout check on) and returns every Text and formula it showed: after each animation and at the
end, with their strings and positions in Manim units (the frame is 14.2 × 8 units, centred on 0). Tests of step
kinds assert on these strings: that 0.69 is drawn as "0.69", where, and that no other number is.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from manim import MathTex, Text, tempconfig

from lesson import kinds
from lesson.plandata import StepPlan
from lesson.script.load import check_lesson
from lesson.timing import StepTiming
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
    return out


def plan_of(script: Path):
    return check_lesson(script).plan


def draw_plan_step(plan, step: StepPlan, *, timing: StepTiming = TIMING) -> Drawing:
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
            scene.render()
            return Drawing(step, _items(scene), snaps, list(scene.layout_problems))


def draw(script: Path, step_id: str, *, timing: StepTiming = TIMING) -> Drawing:
    """Plan ``script`` and draw its step ``step_id`` (an id, or a kind: its first step of that kind)."""
    plan = plan_of(script)
    step = next((s for s in plan.steps if s.id == step_id), None) or next(s for s in plan.steps if s.kind == step_id)
    return draw_plan_step(plan, step, timing=timing)
