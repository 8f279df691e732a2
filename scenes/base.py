"""The base of every step scene: theme, heading, text helpers, timing and the layout check."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    BackgroundRectangle,
    ORIGIN,
    RIGHT,
    UL,
    UP,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    Scene,
    Text,
    VGroup,
    Write,
)

from lesson.plandata import StepPlan, Style
from lesson.timing import Hold, Play, StepTiming, Wait, after_hold
from lesson import fonts, manim_adapter
from scenes import layout, style
from scenes.align import baseline, column

LABEL_MARK = re.compile(r"\\lessonlabel\{(\d+)\}")  # where tex_label() puts a class label in a formula
CAP_HEIGHT_EM = 0.726  # the height of a capital in the formulas' font (helvet), in ems, as TeX draws it
LABEL_SIDE_BEARING = 0.06  # ems of space on each side of a label in a formula (a glyph's side bearings)
LRM = "\u200e"  # LEFT-TO-RIGHT MARK
READABLE = 0.8  # text may be shrunk to this fraction of its type size to fit; below that it is laid out otherwise
_LABEL_METRICS: dict[tuple[str, str], tuple[float, float, float]] = {}
# Texts this process has set, by what was asked for: a step sets the same label or number again and again (and
# the steps a worker draws share many), and a copy costs a twentieth of setting a text (reading Pango's picture)
_TEXTS: dict[tuple, Text] = {}
KEPT_TEXTS = 512  # at most (then forgotten all at once): a few tens of MB, however long the course

# numbers as the plan writes them: anything else (inf, nan) must never be drawn
NOT_FINITE = re.compile(r"(?i)(?<![a-z])(inf|infinity|nan)(?![a-z])")
# the parts of a step's data that are words, not numbers: the author's (a summary point may say "infinite"),
# and the names of placeholders (a class may be called "nan")
NOT_NUMBERS = frozenset({"heading", "subtitle", "author", "points", "label", "unit", "name", "activation", "cues", "words"})


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


def _balanced(words: list[str], n: int) -> list[str]:
    """``words`` in ``n`` lines whose longest is as short as can be (by characters)."""
    best: tuple[int, list[str]] | None = None

    def split(rest: list[str], k: int, done: list[str]) -> None:
        nonlocal best
        if k == 1:
            lines = done + [" ".join(rest)]
            longest = max(map(len, lines))
            if best is None or longest < best[0]:
                best = (longest, lines)
            return
        for i in range(1, len(rest) - k + 2):
            split(rest[i:], k - 1, done + [" ".join(rest[:i])])

    split(words, n, [])
    assert best is not None
    return best[1]


class StepScene(Scene):
    """One step of a lesson. Subclasses implement :meth:`draw` using ``self.step.data``.

    Timing follows the narration: :meth:`cue` holds the picture until the voice
    reaches a placeholder (e.g. ``softmax.setosa``), so a number appears as it is
    spoken; the step ends after the voice and the script's pause. Holds are not
    drawn frame by frame: :meth:`hold` only records the still picture and its
    length (see ``self.timeline``), and the renderer fills it by stream copy.
    """

    step: StepPlan
    theme: Style

    def __init__(self, step: StepPlan, theme: Style, timing: StepTiming, *, strict_layout: bool = False, **kwargs: Any):
        check_numbers(step)
        self.step = step
        self.theme = theme
        self.timing = timing
        self.strict_layout = strict_layout
        self.layout_problems: list[str] = []
        self.timeline: list[Play | Hold] = []
        self.replayable = True  # False when the holds cannot be worked out again from their rules (burned-in captions)
        super().__init__(**kwargs)

    # ------------------------------------------------------------ helpers
    def text(self, s: str, size: int = style.BODY, color: str | None = None, **kw: Any) -> Text:
        """Text set by Pango in the theme's font (never by TeX). Each text is set once in a process and handed
        out as a copy (:data:`_TEXTS`)."""
        self.require_fonts(s)
        if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in s):
            # a right-to-left text as a left-to-right paragraph: Pango would set it right-aligned outside the drawing
            s = LRM + s
        fill = ManimColor(color or self.theme.text)
        key = (s, self.theme.font, size, fill.to_hex(with_alpha=True), tuple(sorted(kw.items())))
        try:
            made = _TEXTS.get(key)
        except TypeError:  # an option that cannot be a key (a dict of colours): set this one alone
            return Text(s, font=self.theme.font, font_size=size, color=fill, **kw)
        if made is None:
            if len(_TEXTS) >= KEPT_TEXTS:
                _TEXTS.clear()
            made = _TEXTS[key] = Text(s, font=self.theme.font, font_size=size, color=fill, **kw)
        return made.copy()  # the one kept is never drawn, moved or coloured

    def require_fonts(self, s: str) -> None:
        """Raise a clear error, naming the step and a font package, if no installed font can draw part of ``s``
        (Pango would draw empty boxes)."""
        missing = fonts.undrawable(s)
        if missing:
            chars = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing[:5])
            packages = sorted({fonts.font_package(ch) for ch in missing})
            raise ValueError(
                f"step {self.step.id} ({self.step.kind}): no installed font can draw {chars} in {s!r}; "
                f"install a font that does (Debian: {', '.join(packages)})"
            )

    def lines(self, s: str, size: int = style.BODY, max_lines: int = 2, width: float = style.CONTENT_WIDTH, **kw: Any) -> VGroup:
        """``s`` as centred lines of text: one if it fits ``width`` at no less than READABLE of its size (shrink it with
        :meth:`fit`), else broken between words into the fewest lines of about equal length (up to ``max_lines``)
        that fit; as many as allowed if none do."""
        words = s.split()
        best = VGroup(self.text(s, size, **kw))
        for n in range(2, min(max_lines, len(words)) + 1):
            if best.width * READABLE <= width:
                break
            best = VGroup(*(self.text(line, size, **kw) for line in _balanced(words, n))).arrange(DOWN, buff=0.25 * size / 48)
        return best

    def formulas(self) -> list[list[str]]:
        """The parts of every formula this step may set with :meth:`math`, as it will pass them (a kind that sets
        formulas says so; size and colour do not matter). They are typeset together, in one LaTeX run, before the
        step is drawn: each run costs about a quarter of a second, mostly TeX starting."""
        return []

    def math(self, *parts: str, size: int = style.MATH, color: str | None = None) -> MathTex:
        """A formula. Class labels in it (``self.tex_label(c)``) are never given to TeX: TeX sets an empty box of
        the label's size, and the label itself is drawn by Pango (a manim Text) in that box. So no text the
        author wrote is ever read by TeX, and a label in any script the installed fonts cover works in a formula."""
        fill = ManimColor(color or self.theme.text)
        labels: list[tuple[str, int]] = []  # (the box's group id in TeX's drawing, class index)

        def box(match: re.Match) -> str:
            index = int(match.group(1))
            group = f"lessonlabel{len(labels):03d}"
            labels.append((group, index))
            w, h, d = self._label_metrics(self.class_label(index))
            # \text{}: the box scales with the math style (smaller in a subscript), like the letters around it
            return (
                f"\\text{{\\kern{LABEL_SIDE_BEARING}em\\special{{dvisvgm:raw <g id='{group}'>}}"
                f"\\rule[{-d:.4f}em]{{{max(w, 0.001):.4f}em}}{{{max(h + d, 0.001):.4f}em}}"
                f"\\special{{dvisvgm:raw </g>}}\\kern{LABEL_SIDE_BEARING}em}}"
            )

        tex_parts = [LABEL_MARK.sub(box, p) for p in parts]
        formula = MathTex(*tex_parts, font_size=size, color=fill, tex_template=style.SANS_MATH)
        for group, index in labels:
            (rule,) = formula.id_to_vgroup_dict[group].submobjects
            label = self.text(self.class_label(index), color=fill)
            if label.width > 0 and rule.width > 0:
                label.scale(rule.width / label.width).move_to(rule.get_center())
            else:
                label.move_to(rule.get_center())
            for part in formula.submobjects:
                if rule in part.submobjects:
                    part.submobjects[part.submobjects.index(rule)] = label
        return formula

    @staticmethod
    def tex_number(s: str) -> str:
        """A plan's number text (Unicode minus) for MathTex."""
        return s.replace("\u2212", "-")

    def tex_label(self, index: int) -> str:
        """Where class ``index``'s label goes in a formula (for :meth:`math`): a mark that :meth:`math` replaces
        by a box of the label's size, in which the label is drawn as text. The label itself never reaches TeX."""
        return f"\\lessonlabel{{{index}}}"

    def _label_metrics(self, label: str) -> tuple[float, float, float]:
        """The label's ink as drawn by :meth:`text`: width, height above the baseline and depth below it, in ems
        of the formula's font (whose capitals are CAP_HEIGHT_EM high), measured against a capital H."""
        key = (label, self.theme.font)
        if key not in _LABEL_METRICS:
            self.require_fonts(label)
            probe = self.text("H " + label, style.MATH)
            h_glyph = min(probe.submobjects, key=lambda g: g.get_left()[0])
            em = h_glyph.height / CAP_HEIGHT_EM
            baseline = h_glyph.get_bottom()[1]
            ink = [g for g in probe.submobjects if g is not h_glyph and g.has_points()]
            if not ink:
                _LABEL_METRICS[key] = (0.0, 0.0, 0.0)
            else:
                rest = VGroup(*ink)
                _LABEL_METRICS[key] = (
                    rest.width / em,
                    max(0.0, (rest.get_top()[1] - baseline) / em),
                    max(0.0, (baseline - rest.get_bottom()[1]) / em),
                )
        return _LABEL_METRICS[key]

    def class_color(self, index: int) -> ManimColor:
        return ManimColor(self.theme.classes[index].color)

    def class_name(self, index: int) -> str:
        """The class's name in the script, as used in placeholders (``softmax.<name>``)."""
        return self.theme.classes[index].name

    def class_label(self, index: int) -> str:
        return self.theme.classes[index].label

    @property
    def n_classes(self) -> int:
        return len(self.theme.classes)

    def heading(self) -> VGroup:
        title = self.text(self.step.title, style.HEADING)
        if title.width > style.CONTENT_WIDTH:
            title.scale_to_fit_width(style.CONTENT_WIDTH)
        title.to_corner(UL, buff=0.45)
        rule = Line(ORIGIN, 1.2 * RIGHT, color=ManimColor(self.theme.accent))
        rule.set_stroke(width=4).next_to(title, DOWN, buff=0.12, aligned_edge=LEFT)
        return VGroup(title, rule)

    @property
    def area(self) -> Area:
        """Where :meth:`draw` puts the step's content (narrower when a side panel is kept, see :meth:`panel`)."""
        right = style.RIGHT - (PANEL_WIDTH + PANEL_GAP if self.step.data.get("beside") else 0.0)
        return Area(style.LEFT, right, style.CONTENT_TOP, style.CONTENT_BOTTOM)

    def panel(self) -> VGroup | None:
        """The side panel (``data["beside"]``: a heading and rows of label and value, all text from the plan), kept
        on the right while the step works something out beside it; None when the step has none."""
        spec = self.step.data.get("beside")
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

    # ------------------------------------------------------------ burned-in captions
    def caption_card(self, text: str) -> VGroup:
        lines = VGroup(*(self.text(line, style.CAPTION) for line in text.split("\n"))).arrange(DOWN, buff=0.12)
        box = BackgroundRectangle(lines, color=ManimColor("#000000"), fill_opacity=style.CAPTION_BOX_OPACITY, buff=0.12)
        card = VGroup(box, lines)
        self.fit(card, style.CONTENT_WIDTH, style.CAPTION_BAND_TOP + style.FRAME_HEIGHT / 2 - 0.2)
        return card.move_to([0, (style.CAPTION_BAND_TOP - style.FRAME_HEIGHT / 2) / 2, 0])

    def caption_index(self, t: float) -> int | None:
        for i, (start, end, _) in enumerate(self.timing.captions):
            if start <= t + 1e-9 < end:
                return i
        return None

    def show_caption(self, t: float) -> None:
        """Show the caption due at ``t`` (seconds from the step's start) and hide the others."""
        index = self.caption_index(t)
        if index == self._caption_shown:
            return
        self._caption_shown = index
        for i, (box, lines) in enumerate(self.caption_slot):
            box.set_fill(opacity=style.CAPTION_BOX_OPACITY if i == index else 0.0)
            lines.set_opacity(1.0 if i == index else 0.0)

    def caption_changes(self, start: float, end: float) -> list[float]:
        """Times in (start, end) at which the burned-in caption changes."""
        edges = {t for s, e, _ in self.timing.captions for t in (s, e)}
        return sorted(t for t in edges if start < t < end)

    def construct(self) -> None:
        try:
            formulas = self.formulas()
        except Exception:  # noqa: BLE001 - listing them only saves time; drawing sets (and reports) what it needs
            formulas = []
        manim_adapter.typeset_together(functools.partial(self.math, *parts) for parts in formulas)
        head = self.heading()
        side = self.panel()
        if side is None:
            self.play(FadeIn(head, shift=0.2 * UP), run_time=style.QUICK)
        else:
            self.play(FadeIn(head, shift=0.2 * UP), FadeIn(side), run_time=style.QUICK)
        self.draw()
        self.hold_to_end()

    def draw(self) -> None:  # pragma: no cover - every step kind overrides it
        raise NotImplementedError

    # ------------------------------------------------------------ timing
    @property
    def fps(self) -> int:
        return int(round(self.camera.frame_rate))

    @property
    def frame(self) -> int:
        """Frames of this step so far (motion and holds)."""
        return int(round(manim_adapter.clock(self) * self.fps))

    def hold(self, seconds: float) -> None:
        """Keep the current picture for ``seconds`` (rounded to whole frames), without drawing frames."""
        self.hold_for(Wait("for", seconds))

    def wait(self, duration: float = style.BEAT, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.hold(duration)

    def cue(self, *names: str, ahead: float = 0.0) -> None:
        """Hold until the voice reaches one of these placeholders (no wait if it is not spoken, or already past).

        ``ahead``: the length of the animations that lead up to the number, so that it lands as it is spoken.
        """
        self.hold_for(Wait("cue", style.CUE_LEAD + ahead, tuple(names)))

    def hold_to_end(self) -> None:
        """Hold until the voice and the script's pause are over, and for at least a beat after the last animation."""
        self.hold_for(Wait("end", style.BEAT))

    def cue_time(self, *names: str) -> float | None:
        """When the narration speaks the first of these placeholders, in seconds from the step's start."""
        return self.timing.cue_time(*names)

    def hold_for(self, wait: Wait) -> None:
        """Hold the picture as ``wait`` says. The still and the rule are recorded (also when no frames are needed
        at this timing), so that the renderer can lay the step out again for new narration without Manim."""
        frames = wait.frames(self.time, self.timing, self.fps)
        if self.timing.captions:  # one still per caption: split the hold where the caption changes
            self.replayable = False
            end_frame = self.frame + frames
            for t in self.caption_changes(self.time, end_frame / self.fps):
                self._hold_frames(int(round(t * self.fps)) - self.frame, None)
            self._hold_frames(end_frame - self.frame, None)
            return
        self._hold_frames(frames, wait)

    def _hold_frames(self, frames: int, wait: Wait | None) -> None:
        if frames <= 0 and wait is None:
            return
        self.show_caption(self.time)
        still = manim_adapter.picture(self)  # the picture as it is now, with anything added or removed since the last play
        self.timeline.append(Hold(max(0, frames), still, wait))
        manim_adapter.set_clock(self, after_hold(self.time, frames, self.fps))

    def play(self, *args: Any, **kwargs: Any) -> None:
        t0 = self.time
        super().play(*args, **kwargs)
        self.timeline.append(Play(manim_adapter.plays(self) - 1, self.time - t0))
        self.check_layout()

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
