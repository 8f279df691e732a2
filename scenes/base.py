"""The base of every step scene: the step, its theme, its chrome (heading, side panel, fitting) and the layout check.

Its other jobs are mixins of their own: setting text and formulas (:mod:`scenes.typesetting`), burned-in captions
(:mod:`scenes.captions`) and the timeline of plays and holds that follows the voice (:mod:`scenes.timeline`).
"""

from __future__ import annotations

import functools
import importlib
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UL,
    UP,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    Mobject,
    ReplacementTransform,
    Scene,
    Transform,
    VGroup,
    Write,
)

from lesson.base.plandata import StepPlan, Style
from lesson.base.timing import Hold, Play, StepTiming
from lesson.manim import adapter as manim_adapter
from scenes import layout, style
from scenes.align import baseline, column
from scenes.captions import Captions
from scenes.timeline import Timeline
from scenes.typesetting import READABLE, LRM, Typesetting  # noqa: F401  (READABLE and LRM: the scenes' and tests' names)

# numbers as the plan writes them: anything else (inf, nan) must never be drawn
NOT_FINITE = re.compile(r"(?i)(?<![a-z])(inf|infinity|nan)(?![a-z])")
# the parts of a step's data that are words, not numbers: the author's (a summary point may say "infinite"),
# and the names of placeholders (a class may be called "nan")
NOT_NUMBERS = frozenset({"heading", "subtitle", "author", "points", "label", "unit", "name", "activation", "cues", "words",
                         "next"})


@dataclass(frozen=True)
class Area:
    """The part of the frame a step draws its main content in: below the heading, above the caption band, and left
    of the side panel when the step keeps one (``beside``)."""

    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.left + self.right) / 2, (self.top + self.bottom) / 2, 0.0])
PANEL_WIDTH = 4.1  # the side panel's width (a third of the content width), and the gap before it
PANEL_GAP = 0.35
CLOSING_HOLD = 2.0  # seconds the closing card stays before the video ends
# a kept network's parts, in the order its step drew them (a kept picture of another kind: in its own order)
KEPT_ORDER = ("edges", "nodes", "in_labels", "out_labels", "extras", "values", "written")
KEPT_WIDTH = 6.2  # the panel a network kept from the step before moves into (wider than a panel of values: it is a picture)


class LayoutError(AssertionError):
    """A step's layout has a problem and the render asked for a clean one (``--strict-layout``)."""


def check_numbers(step: StepPlan) -> None:
    """Raise if the plan hands the scene a number that is not finite (e.g. "inf" or "nan" as text): never draw it."""

    def walk(value: Any, where: str) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            bad.append(f"{where} = {value!r}")
        elif isinstance(value, str) and NOT_FINITE.search(value):
            bad.append(f"{where} = {value!r}")
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in NOT_NUMBERS:
                    walk(v, f"{where}[{k!r}]")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    bad: list[str] = []
    walk(step.data, "data")
    if bad:
        raise ValueError(
            f"step {step.id} ({step.kind}): the plan gives numbers that are not finite, which are never drawn: "
            + "; ".join(bad[:5])
        )


class StepScene(Typesetting, Captions, Timeline, Scene):
    """One step of a lesson. Subclasses implement :meth:`draw` using ``self.step.data``.

    Timing follows the narration: :meth:`cue` holds the picture until the voice
    reaches a placeholder (e.g. ``softmax.setosa``), so a number appears as it is
    spoken; the step ends after the voice and the script's pause. Holds are not
    drawn frame by frame: :meth:`hold` only records the still picture and its
    length (see ``self.timeline``), and the renderer fills it by stream copy.
    """

    side_rows: list = []  # the side panel's rows, once made (:meth:`panel`), each its label and value

    step: StepPlan
    theme: Style
    continues_network = False  # a scene that draws the network itself takes a kept network into its own layout
    kept_parts: dict | None = None  # the kept network's picture, by part, for such a scene's draw()

    def __init__(self, step: StepPlan, theme: Style, timing: StepTiming, *, strict_layout: bool = False, **kwargs: Any):
        check_numbers(step)
        self.step = step
        self.theme = theme
        self.timing = timing
        self.strict_layout = strict_layout
        self.layout_problems: list[str] = []
        # values of a kept picture that this step uses, by name: each flies from there to where it is used
        self.kept_values: dict[str, Mobject] = {}
        self.timeline: list[Play | Hold] = []
        self.changes = []  # each change tied to a cue and when it began (scenes.timeline)
        self.replayable = True  # False when the holds cannot be worked out again from their rules (burned-in captions)
        super().__init__(**kwargs)

    # ------------------------------------------------------------ chrome
    def heading(self, title_text: str | None = None) -> VGroup:
        title = self.text(self.step.title if title_text is None else title_text, style.HEADING)
        if title.width > style.CONTENT_WIDTH:
            title.scale_to_fit_width(style.CONTENT_WIDTH)
        title.to_corner(UL, buff=0.45)
        rule = Line(ORIGIN, title.width * RIGHT, color=ManimColor(self.theme.accent))  # as long as the title it underlines
        rule.set_stroke(width=4).next_to(title, DOWN, buff=0.12, aligned_edge=LEFT)
        return VGroup(title, rule)

    @property
    def area(self) -> Area:
        """Where :meth:`draw` puts the step's content (narrower when a side panel is kept, see :meth:`panel`)."""
        right = style.RIGHT - (PANEL_WIDTH + PANEL_GAP if self.step.data.get("beside") else 0.0)
        if self.step.data.get("kept") and not self.continues_network:  # the network kept from the step before
            right = style.RIGHT - (KEPT_WIDTH + PANEL_GAP)
        return Area(style.LEFT, right, style.CONTENT_TOP, style.CONTENT_BOTTOM)

    def panel(self, spec: dict | None = None) -> VGroup | None:
        """The side panel (``data["beside"]``: a heading and rows of label and value, all text from the plan), kept
        on the right while the step works something out beside it; None when the step has none. ``spec``: another
        step's panel (the step before's, which a step that keeps its screen starts from)."""
        own = spec is None
        spec = self.step.data.get("beside") if spec is None else spec
        if not spec:
            return None
        rows = VGroup()
        for row in spec["rows"]:
            label = self.text(row["label"], style.BODY, color=row.get("color") or self.theme.muted)
            value = self.text(row["value"], style.BODY, color=row.get("color") or self.theme.text)
            value.next_to(label, RIGHT)
            if label.submobjects and value.submobjects:
                value.shift((baseline(label) - baseline(value)) * UP)  # label and value on one baseline
            rows.add(VGroup(label, value))
        rows.arrange(DOWN, buff=0.28, aligned_edge=LEFT)
        if own:  # the step's own rows, which the voice may point at
            self.side_rows = list(rows)
        # the values in a column after the longest label: numbers on their decimal points, words from its left
        texts = [row["value"] for row in spec["rows"]]
        start = max((r[0].get_right()[0] for r in rows), default=0.0) + 0.3
        numeric = spec.get("align") == "right"
        column([r[1] for r in rows], texts, numeric, start + max((r[1].width for r in rows), default=0.0) if numeric else start)
        group = VGroup(rows)
        if spec.get("heading"):
            head = self.text(spec["heading"], style.BODY, color=self.theme.accent)
            group = VGroup(head, rows).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        frame = Line(UP, DOWN, color=ManimColor(self.theme.muted)).set_stroke(width=2, opacity=0.6)
        self.fit(group, PANEL_WIDTH - 0.3, style.CONTENT_HEIGHT - 0.2)
        group.move_to([style.RIGHT - PANEL_WIDTH / 2 + 0.15, (style.CONTENT_TOP + style.CONTENT_BOTTOM) / 2, 0])
        frame.scale_to_fit_height(style.CONTENT_HEIGHT - 0.1).move_to([style.RIGHT - PANEL_WIDTH, (style.CONTENT_TOP + style.CONTENT_BOTTOM) / 2, 0])
        return VGroup(frame, group)

    def fit(self, m: Mobject, width: float = style.CONTENT_WIDTH, height: float = style.CONTENT_HEIGHT) -> Mobject:
        """Shrink ``m`` (never enlarge) to fit the given box."""
        factor = min(1.0, width / max(m.width, 1e-6), height / max(m.height, 1e-6))
        if factor < 1.0:
            m.scale(factor)
        return m

    # ------------------------------------------------------------ life cycle
    def setup(self) -> None:
        self.camera.background_color = ManimColor(self.theme.background)
        # burned-in captions: every cue of the step is made up front and shown by opacity, so that the
        # set of objects on screen stays the same while an animation plays
        self.caption_slot = VGroup(*(self.caption_card(text) for _, _, text in self.timing.captions))
        self._caption_shown: int | None = -1
        if self.timing.captions:
            self.show_caption(0.0)
            self.caption_slot.add_updater(lambda _m: self.show_caption(self.time))
            self.add(self.caption_slot)

    def construct(self) -> None:
        try:
            formulas = self.formulas()
        except Exception:  # noqa: BLE001 - listing them only saves time; drawing sets (and reports) what it needs
            formulas = []
        manim_adapter.typeset_together(functools.partial(self.math, *parts) for parts in formulas)
        head = self.heading()
        side = self.panel()
        # quick enough that a change at the narration's first word (timing.LEAD into the step) starts at that word
        if self.step.data.get("kept"):
            self.keep(head, side)
        elif side is None:
            self.play(FadeIn(head, shift=0.2 * UP), run_time=style.HEADING_IN)
        else:
            self.play(FadeIn(head, shift=0.2 * UP), FadeIn(side), run_time=style.HEADING_IN)
        self.draw()
        self.hold_to_end()
        if self.step.data.get("closing"):
            self.close(self.step.data["closing"])

    def close(self, card: dict) -> None:
        """After the lesson's last word: the closing card (the lesson's title, and what comes next when the script
        says), held for a short pause before the video ends."""
        title = self.fit(self.lines(card["heading"], style.TITLE, max_lines=3, weight="BOLD"), style.CONTENT_WIDTH)
        parts = [title]
        if card.get("next"):
            parts.append(self.fit(self.lines(card["next"], style.BODY, max_lines=2, color=self.theme.muted), style.CONTENT_WIDTH))
        rule = Line(ORIGIN, title.width * RIGHT, color=ManimColor(self.theme.accent)).set_stroke(width=4)
        group = VGroup(title, rule, *parts[1:]).arrange(DOWN, buff=0.4)
        self.fit(group, style.CONTENT_WIDTH, style.TOP - style.CONTENT_BOTTOM)
        group.move_to([0, (style.TOP + style.CONTENT_BOTTOM) / 2, 0])
        shown = [m for m in self.mobjects if m is not self.caption_slot]
        self.play(*(FadeOut(m) for m in shown), FadeIn(group, shift=0.2 * UP), run_time=style.NORMAL)
        self.hold(CLOSING_HOLD)

    def keep(self, head: VGroup, side: VGroup | None) -> None:
        """Begin on the step before's last picture (``data["kept"]``: its title and its final picture, plain data from
        the plan) and move what stays into place: the heading becomes this step's, the step before's panel goes (and
        what it kept beside it), and the picture moves into a panel on the right, or, in a step that draws the network
        itself, stays for :meth:`draw` to move into its own layout (``kept_parts``)."""
        kept = self.step.data["kept"]
        parts = self.kept_picture(kept)
        old_head, old_side = self.heading(kept["title"]), self.panel(kept["data"].get("beside"))
        old_kept = self.kept_picture(kept["data"]["kept"]) if kept["data"].get("kept") else None
        names = [p for p in KEPT_ORDER if p in parts] + [p for p in parts if p not in KEPT_ORDER]
        frame = Line(UP, DOWN, color=ManimColor(self.theme.muted)).set_stroke(width=2, opacity=0.6)
        frame.scale_to_fit_height(style.CONTENT_HEIGHT - 0.1).move_to(
            [style.RIGHT - KEPT_WIDTH - PANEL_GAP / 2, (style.CONTENT_TOP + style.CONTENT_BOTTOM) / 2, 0])
        before = [old_head, *([old_side] if old_side is not None else [])]
        anims = [ReplacementTransform(old_head, head)]
        anims += [FadeOut(old_side)] if old_side is not None else []
        if old_kept is not None:  # what the step before kept beside it, in its panel: it goes
            gone = self.into_panel(VGroup(*(m for part in old_kept.values() for m in part)))
            before += [gone, frame]
            anims.append(FadeOut(gone))
        self.add(*before, *(m for part in names for m in parts[part]))
        anims += [FadeIn(side)] if side is not None else []
        if self.continues_network:
            self.kept_parts = parts
        else:
            picture = VGroup(*(m for part in names for m in parts[part]))
            anims += [Transform(picture, self.into_panel(picture.copy()))]
            anims += [] if old_kept is not None else [FadeIn(frame)]
        self.play(*anims, run_time=style.NORMAL)

    def kept_picture(self, kept: dict) -> dict[str, list]:
        """A kept picture's parts, laid out by the scene that drew it (``kept["picture"]``: "module:function", named
        by the plan; that scene builds on this module), where that step had them."""
        module, _, name = kept["picture"].partition(":")
        return getattr(importlib.import_module(module), name)(self, kept["data"])

    def into_panel(self, picture: Mobject) -> Mobject:
        """``picture`` fitted into the panel on the right where a kept picture stands."""
        self.fit(picture, KEPT_WIDTH - 0.2, style.CONTENT_HEIGHT - 0.2)
        return picture.move_to([style.RIGHT - KEPT_WIDTH / 2, (style.CONTENT_TOP + style.CONTENT_BOTTOM) / 2, 0])

    def draw(self) -> None:  # pragma: no cover - every step kind overrides it
        raise NotImplementedError

    def check_layout(self) -> None:
        problems = layout.check([m for m in self.mobjects if m is not self.caption_slot])
        for p in problems:
            if not any(known.endswith(p) for known in self.layout_problems):
                self.layout_problems.append(f"step {self.step.id} ({self.step.kind}) at {self.time:.1f}s: {p}")
        if problems and self.strict_layout:
            raise LayoutError(
                f"step {self.step.id} ({self.step.kind}) is not laid out cleanly (--strict-layout):\n  "
                + "\n  ".join(self.layout_problems)
            )


__all__ = ["StepScene", "Write", "FadeOut"]
