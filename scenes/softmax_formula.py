"""The general SoftMax formula, with what i and j stand for."""

from __future__ import annotations

from manim import DOWN, RIGHT, UP, Brace, FadeIn, ManimColor, VGroup

from scenes import style
from scenes.base import StepScene


class SoftmaxFormulaScene(StepScene):
    def draw(self) -> None:
        n = self.step.data["n_classes"]
        formula = self.math(
            r"\mathrm{softmax}(z)_{", "i", r"}", "=", r"\frac{e^{z_{", "i", r"}}}{\sum_{", "j", rf"=1}}^{{{n}}} e^{{z_{{", "j", r"}}}}",
            size=style.MATH + 16,
        )
        formula.move_to([0, 0.9, 0])
        self.play(FadeIn(formula, shift=0.1 * UP), run_time=style.SLOW * 1.5)
        accent = ManimColor(self.theme.accent)
        for idx in (1, 5):
            formula[idx].set_color(accent)
        second = ManimColor(self.theme.classes[min(1, self.n_classes - 1)].color)
        for idx in (7, 9):
            formula[idx].set_color(second)
        words = self.step.data["words"]
        note_i = self.text(words["i"], style.LABEL, color=self.theme.accent)
        note_j = self.text(words["j"], style.LABEL, color=self.theme.classes[min(1, self.n_classes - 1)].color)
        brace = Brace(formula[4:], DOWN, color=ManimColor(self.theme.muted))
        notes = self.fit(VGroup(note_i, note_j).arrange(DOWN, buff=0.3), style.CONTENT_WIDTH).next_to(brace, DOWN, buff=0.35)
        notes.shift(min(0.0, style.RIGHT - notes.get_right()[0]) * RIGHT)  # under the brace as far as the frame allows
        z_note = self.fit(self.text(words["z"], style.SMALL, color=self.theme.muted), style.CONTENT_WIDTH).next_to(formula, UP, buff=0.45)
        self.play(FadeIn(z_note), run_time=style.QUICK)
        self.play(FadeIn(brace), FadeIn(note_i, shift=0.2 * UP), run_time=style.NORMAL)
        self.play(FadeIn(note_j, shift=0.2 * UP), run_time=style.NORMAL)
