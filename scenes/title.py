"""Title card: the lesson's title, subtitle and author, with a row of class-coloured dots, and the points of the
lesson, each coming in under them at its word."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, LaggedStart, VGroup, Write

from scenes import style
from scenes.base import StepScene
from scenes.highlight import Marker
from scenes.text import bullet, underline_words

POINT_SIZE = style.BODY


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
        shown = VGroup(*parts, dots) if len(dots) else VGroup(*parts)
        texts = data.get("points", [])
        points = VGroup(*(bullet(self, t, style.CONTENT_WIDTH - 1.0, POINT_SIZE) for t in texts))
        if texts:  # the points, top to bottom, under the card, their block centred
            points.arrange(DOWN, buff=0.3, aligned_edge=LEFT).next_to(shown, DOWN, buff=0.6)
            card = VGroup(shown, points)
            card.move_to([0, (style.TOP + style.CONTENT_BOTTOM) / 2, 0])
        else:
            card = shown
        if card.get_bottom()[1] < style.CONTENT_BOTTOM:  # a long title: the card moves up, and shrinks if it must
            self.fit(card, style.CONTENT_WIDTH, style.TOP - style.CONTENT_BOTTOM)
            card.move_to([0, (style.TOP + style.CONTENT_BOTTOM) / 2, 0])
        cues = data.get("cues", [[] for _ in texts])
        # a point due with the first sentence comes in with the title; the others at their words
        first = [p for p, cue in zip(points, cues) if not cue or cue == ["sentence.1"]]
        later = [(p, cue) for p, cue in zip(points, cues) if cue and cue != ["sentence.1"]]
        self.play(Write(title), run_time=style.SLOW)
        rest = [*parts[1:], *first]
        if rest:  # the subtitle, the author, and points of the first sentence
            self.play(*(FadeIn(p, shift=0.2 * UP) for p in rest), run_time=style.NORMAL)
        if len(dots):  # one dot per class; a lesson without a network has none
            self.play(LaggedStart(*(FadeIn(d, scale=0.5) for d in dots), lag_ratio=0.25), run_time=style.NORMAL)
        # each point's words underlined as the voice says them, while it is the newest point (the plan's words)
        spoken = self.first_words()
        said = sorted(([name, k, w0, w1] for k, words in enumerate(data.get("words") or []) for name, w0, w1 in words
                       if name in spoken), key=lambda e: spoken[e[0]])
        under = Marker(self, "underline")
        on: set[int] = {k for k, p in enumerate(points) if not any(p is q for q, _ in later)}

        def catch_up(until: int | None) -> None:
            while said and (until is None or spoken[said[0][0]] < until):
                name, k, w0, w1 = said.pop(0)
                if k in on and self.still_to_come(name):
                    underline_words(under, name, points[k][1], k, w0, w1)

        for i, (point, cue) in enumerate(later):
            if not (i and cue == later[i - 1][1]):  # a point due at the word of the one before follows it
                catch_up(min((spoken[c] for c in cue if c in spoken), default=None))
                self.cue(*cue, ahead=style.QUICK)
            self.play(FadeIn(point, shift=0.3 * RIGHT), run_time=style.NORMAL)
            on.add(next(k for k, p in enumerate(points) if p is point))
            self.wait(style.BEAT)
        catch_up(None)
        self.hold_to_end()
        if data.get("closing"):  # a lesson of one title card ends on its closing card too
            self.close(data["closing"])
