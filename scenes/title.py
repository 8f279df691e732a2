"""Title card: the lesson's title, subtitle and author, with a row of class-coloured dots."""

from __future__ import annotations

from manim import DOWN, UP, Circle, FadeIn, LaggedStart, VGroup, Write

from scenes import style
from scenes.base import StepScene


class TitleScene(StepScene):
    def construct(self) -> None:  # a title card has no step heading
        data = self.step.data
        title = self.fit(self.lines(data["heading"], style.TITLE, max_lines=3, weight="BOLD"), style.CONTENT_WIDTH)
        title.move_to(0.9 * UP)
        parts = [title]
        if data["subtitle"]:
            sub = self.fit(self.lines(data["subtitle"], style.BODY, max_lines=2, color=self.theme.muted), style.CONTENT_WIDTH)
            sub.next_to(title, DOWN, buff=0.45)
            parts.append(sub)
        if data.get("author"):
            author = self.fit(self.lines(data["author"], style.SMALL, max_lines=1, color=self.theme.muted), style.CONTENT_WIDTH)
            author.next_to(parts[-1], DOWN, buff=0.35)
            parts.append(author)
        dots = VGroup(
            *(Circle(radius=0.16, color=self.class_color(i), fill_opacity=1) for i in range(self.n_classes))
        ).arrange(buff=0.35)
        dots.next_to(parts[-1], DOWN, buff=0.6)
        card = VGroup(*parts, dots) if len(dots) else VGroup(*parts)
        if card.get_bottom()[1] < style.CONTENT_BOTTOM:  # a long title: the card moves up, and shrinks if it must
            self.fit(card, style.CONTENT_WIDTH, style.TOP - style.CONTENT_BOTTOM)
            card.move_to([0, (style.TOP + style.CONTENT_BOTTOM) / 2, 0])
        self.play(Write(title), run_time=style.SLOW)
        if len(parts) > 1:  # the subtitle and the author
            self.play(*(FadeIn(p, shift=0.2 * UP) for p in parts[1:]), run_time=style.NORMAL)
        if len(dots):  # one dot per class; a lesson without a network has none
            self.play(LaggedStart(*(FadeIn(d, scale=0.5) for d in dots), lag_ratio=0.25), run_time=style.NORMAL)
        self.hold_to_end()
        if data.get("closing"):  # a lesson of one title card ends on its closing card too
            self.close(data["closing"])
