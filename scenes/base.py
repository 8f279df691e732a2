"""The base of every step scene: theme, heading, text helpers, timing and the layout check."""

from __future__ import annotations

from typing import Any

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
    MathTex,
    Mobject,
    Scene,
    Text,
    VGroup,
    Write,
)

from lesson.plan import StepPlan, Style
from scenes import layout, style


class StepScene(Scene):
    """One step of a lesson. Subclasses implement :meth:`draw` using ``self.step.data``."""

    step: StepPlan
    theme: Style
    step_seconds: float = 0.0  # the step's total length in seconds; filled up with a hold at the end

    def __init__(self, step: StepPlan, theme: Style, duration: float, *, strict_layout: bool = False, **kwargs: Any):
        self.step = step
        self.theme = theme
        self.step_seconds = duration
        self.strict_layout = strict_layout
        self.layout_problems: list[str] = []
        super().__init__(**kwargs)

    # ------------------------------------------------------------ helpers
    def text(self, s: str, size: int = style.BODY, color: str | None = None, **kw: Any) -> Text:
        return Text(s, font=self.theme.font, font_size=size, color=ManimColor(color or self.theme.text), **kw)

    def math(self, *parts: str, size: int = style.MATH, color: str | None = None) -> MathTex:
        return MathTex(*parts, font_size=size, color=ManimColor(color or self.theme.text), tex_template=style.SANS_MATH)

    @staticmethod
    def tex_number(s: str) -> str:
        """A plan's number text (Unicode minus) for MathTex."""
        return s.replace("\u2212", "-")

    def tex_label(self, index: int) -> str:
        """A class label for MathTex, e.g. ``\\text{Setosa}``."""
        escaped = "".join("\\" + ch if ch in "&%$#_{}" else ch for ch in self.class_label(index))
        return f"\\text{{{escaped}}}"

    def class_color(self, index: int) -> ManimColor:
        return ManimColor(self.theme.classes[index].color)

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

    def fit(self, m: Mobject, width: float = style.CONTENT_WIDTH, height: float = style.CONTENT_HEIGHT) -> Mobject:
        """Shrink ``m`` (never enlarge) to fit the given box."""
        factor = min(1.0, width / max(m.width, 1e-6), height / max(m.height, 1e-6))
        if factor < 1.0:
            m.scale(factor)
        return m

    # ------------------------------------------------------------ life cycle
    def setup(self) -> None:
        self.camera.background_color = ManimColor(self.theme.background)

    def construct(self) -> None:
        head = self.heading()
        self.play(FadeIn(head, shift=0.2 * UP), run_time=style.QUICK)
        self.draw()
        self.hold_until(self.step_seconds)

    def draw(self) -> None:  # pragma: no cover - every step kind overrides it
        raise NotImplementedError

    def hold_until(self, total: float) -> None:
        """Hold the last picture so that the step lasts ``total`` seconds."""
        # at least a beat, so the last animation's final state is on screen before the next step
        self.wait(max(total - self.time, style.BEAT))

    def play(self, *args: Any, **kwargs: Any) -> None:
        super().play(*args, **kwargs)
        self.check_layout()

    def check_layout(self) -> None:
        problems = layout.check(self.mobjects)
        for p in problems:
            if not any(known.endswith(p) for known in self.layout_problems):
                self.layout_problems.append(f"step {self.step.id} ({self.step.kind}) at {self.time:.1f}s: {p}")
        if problems and self.strict_layout:
            raise AssertionError("\n".join(self.layout_problems))


__all__ = ["StepScene", "Write", "FadeOut"]
