"""Text: a heading (optional) and short points, each shown as the narration reaches its cue."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Dot, FadeIn, ManimColor, VGroup

from scenes import style
from scenes.base import StepScene
from scenes.highlight import Marker, bounds

POINT_SIZE = style.BODY + 6
HEADING_SIZE = style.HEADING
BULLET_GAP = 0.35


class TextScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        points = data["points"]
        cues = data.get("cues") or [[] for _ in points]
        area = self.area
        rows = VGroup(*(self.point(p, area.width - 2 * BULLET_GAP) for p in points))
        rows.arrange(DOWN, buff=0.7 if len(points) <= 3 else 0.45, aligned_edge=LEFT)
        heading = None
        if data.get("heading"):
            heading = self.left_lines(data["heading"], HEADING_SIZE, area.width, color=self.theme.accent)
            block = VGroup(heading, rows).arrange(DOWN, buff=0.75, aligned_edge=LEFT)
        else:
            block = rows
        self.fit(block, area.width, area.height - 0.2)
        # a little above the middle of the area, as far as the area lets it
        y = min(max(area.center[1] + 0.3, area.bottom + 0.1 + block.height / 2), area.top - 0.1 - block.height / 2)
        block.move_to([area.center[0], y, 0])
        pending = [] if heading is None else [FadeIn(heading, shift=0.2 * UP)]
        if pending and not (cues and self.cue_time(*cues[0]) is not None and self.cue_time(*cues[0]) < self.time + style.NORMAL):
            self.play(*pending, run_time=style.NORMAL)  # time before the first point's word: the heading on its own
            pending = []
        # each point at its cue (else the heading comes in with the first point, at its word); between them, a point
        # on screen whose value the voice names (the plan's pointing: cue, point) is boxed at that word
        first = self.first_words()
        pointing = sorted((p for p in data.get("pointing", []) if p[0] in first), key=lambda p: first[p[0]])
        marker = Marker(self)
        shown = -1  # the points on screen: 0 to shown (the heading, -1, once it is in)

        def catch_up(until: int | None) -> None:
            """Light what the voice names before token ``until`` (None: to the end) that is on screen."""
            while pointing and (until is None or first[pointing[0][0]] < until):
                name, k = pointing.pop(0)
                on = (heading is not None and not pending) if k == -1 else k <= shown
                if on and self.still_to_come(name):  # on screen, and its word still to come
                    marker.light((name,), bounds(heading if k == -1 else rows[k][1], pad=0.1), key=k)

        for i, (row, cue) in enumerate(zip(rows, cues)):
            if cue and not (i and cue == cues[i - 1]):  # a point due at the word of the one above follows it
                if any(c in first for c in cue):
                    catch_up(min(first[c] for c in cue if c in first))
                self.cue(*cue, ahead=style.QUICK)
            self.play(*pending, FadeIn(row, shift=0.3 * RIGHT), run_time=style.NORMAL)
            pending = []
            shown = i
            self.wait(style.BEAT)
            later = [first[c] for nxt in cues[i + 1:] for c in nxt if c in first]
            catch_up(min(later) if later else None)

    def left_lines(self, s: str, size: int, width: float, **kw) -> VGroup:
        return left_lines(self, s, size, width, **kw)

    def point(self, s: str, width: float) -> VGroup:
        return bullet(self, s, width)


def left_lines(scene: StepScene, s: str, size: int, width: float, **kw) -> VGroup:
    """``s`` broken into up to two lines that fit ``width`` (see :meth:`StepScene.lines`), aligned on the left."""
    lines = scene.lines(s, size, max_lines=2, width=width, **kw)
    return lines.arrange(DOWN, buff=0.25 * size / 48, aligned_edge=LEFT) if len(lines) > 1 else lines


def bullet(scene: StepScene, s: str, width: float, size: int = POINT_SIZE) -> VGroup:
    """A bullet and the point's text beside its first line."""
    body = left_lines(scene, s, size, width)
    dot = Dot(radius=0.09 * size / POINT_SIZE, color=ManimColor(scene.theme.accent))
    dot.next_to(body[0], LEFT, buff=BULLET_GAP * size / POINT_SIZE)
    return VGroup(dot, body)
