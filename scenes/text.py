"""Text: a heading (optional) and short points, each shown as the narration reaches its cue."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Dot, FadeIn, ManimColor, RoundedRectangle, VGroup

from scenes import style
from scenes.base import StepScene
from scenes.highlight import Marker, bounds
from scenes.typesetting import LRM

PUNCTUATION = ",.;:!?\"'()“”‘’«»–—…"
POINT_SIZE = style.BODY + 6
HEADING_SIZE = style.HEADING
BULLET_GAP = 0.35
CARD_GAP = 0.6  # between two cards side by side
CARD_PAD = 0.45  # inside a card, around its text
CARD_HEAD_SIZE = style.TITLE  # a card's head, as large as a title
CARD_SIZE = style.BODY + 8  # the rest of it
CARD_FILL = 0.8  # a card is at least this share of the area's height


class TextScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        points = data["points"]
        cues = data.get("cues") or [[] for _ in points]
        area = self.area
        if data.get("side_by_side"):  # each point a card, the cards in a row across the area
            rows = cards(self, points, (area.width - CARD_GAP * (len(points) - 1)) / len(points), area.height - 0.3)
            rows.arrange(RIGHT, buff=CARD_GAP, aligned_edge=UP)
        else:
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
        # and each word of a point the voice says while it is on screen (the plan's words: cue, first, last word)
        said = [[name, k, w0, w1] for k, words in enumerate(data.get("words") or []) for name, w0, w1 in words]
        pointing = sorted((p for p in [*data.get("pointing", []), *said] if p[0] in first), key=lambda p: first[p[0]])
        marker = Marker(self)
        under = Marker(self, "underline")
        shown = -1  # the points on screen: 0 to shown (the heading, -1, once it is in)

        def catch_up(until: int | None) -> None:
            """Light what the voice names before token ``until`` (None: to the end) that is on screen."""
            while pointing and (until is None or first[pointing[0][0]] < until):
                name, k, *span = pointing.pop(0)
                on = (heading is not None and not pending) if k == -1 else k <= shown
                if not (on and self.still_to_come(name)):  # on screen, and its word still to come
                    continue
                if span:
                    underline_words(under, name, rows[k][1], k, *span)
                else:
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
    body = left_lines(scene, s, size, width, disable_ligatures=True)  # a glyph a character: its words can be pointed at
    dot = Dot(radius=0.09 * size / POINT_SIZE, color=ManimColor(scene.theme.accent))
    dot.next_to(body[0], LEFT, buff=BULLET_GAP * size / POINT_SIZE)
    return VGroup(dot, body)


def cards(scene: StepScene, texts: list[str], width: float, height: float) -> VGroup:
    """Points as cards side by side, each ``VGroup(frame, VGroup(lines...))``: a point's head (the words before a colon,
    if it has one) large in the accent colour, the rest under it, a clause (after "; ") on lines of its own. Every card's text is set at one scale (the largest at
    which each fits its card), the cards are one height, and their texts start on one line, the block of the tallest
    in the middle of its card; the lines are in the order of the words."""
    inner = width - 2 * CARD_PAD
    blocks = []
    for s in texts:
        head, sep, body = s.partition(": ")
        if not sep:
            head, body = "", s
        parts = []
        if head:
            parts.append(scene.lines(head, CARD_HEAD_SIZE, max_lines=2, width=inner, color=scene.theme.accent, disable_ligatures=True))
        for clause in body.replace("; ", ";\n").splitlines():  # each clause of the rest on lines of its own
            parts.append(scene.lines(clause, CARD_SIZE, max_lines=3, width=inner, disable_ligatures=True))
        block = VGroup(*parts).arrange(DOWN, buff=0.2)
        if head and len(parts) > 1:  # the head further from the rest than the clauses from each other
            VGroup(*parts[1:]).shift(0.25 * DOWN)
        blocks.append((parts, block))
    factor = min(min(1.0, inner / max(b.width, 1e-6), (height - 2 * CARD_PAD) / max(b.height, 1e-6)) for _, b in blocks)
    for _, b in blocks:
        b.scale(factor)
    tallest = max(b.height for _, b in blocks)
    out = VGroup()
    for parts, b in blocks:
        frame = RoundedRectangle(corner_radius=0.2, width=width, height=max(tallest + 2 * CARD_PAD, CARD_FILL * height),
                                 stroke_color=ManimColor(scene.theme.muted), stroke_width=2, fill_opacity=0)
        top = frame.get_top()[1] - (frame.height - tallest) / 2
        b.move_to([frame.get_center()[0], top - b.height / 2, 0])
        out.add(VGroup(frame, VGroup(*(line for part in parts for line in part))))
    return out


def underline_words(under: Marker, name: str, body: VGroup, k: int, first: int, last: int) -> None:
    """Underline words ``first`` to ``last`` of point ``k`` (its text ``body``) as the voice says them (cue ``name``):
    the line comes in there, it does not travel from the words before."""
    under.light((name,), bounds(*word_glyphs(body, first, last), pad=0.06), key=(k, first, last), slide=False,
                run_time=style.UNDERLINE)


def word_glyphs(body: VGroup, first: int, last: int) -> list:
    """The glyphs of words ``first`` to ``last`` (counted from 0 over the lines of ``body``, split at spaces) of a
    text set by :func:`left_lines`: a line whose glyphs are not one a character (a ligature) is given whole."""
    lines: list[list] = []
    k = 0
    for line in body:
        text = getattr(line, "original_text", "").lstrip(LRM)
        words = text.split()
        glyphs = line.submobjects
        spaced = len(glyphs) == len(text)  # a glyph for every character, spaces too (ligatures off), or ...
        one_each = spaced or len(glyphs) == sum(len(w) for w in words)  # ... for every character but the spaces
        at = 0
        mine: list = []
        for w in words:
            if spaced:
                at = text.index(w, at)
            if first <= k <= last:
                lead = len(w) - len(w.lstrip(PUNCTUATION))
                trail = len(w) - len(w.rstrip(PUNCTUATION)) if len(w.strip(PUNCTUATION)) else 0
                mine += glyphs[at + lead:at + len(w) - trail] if one_each else [line]
            at += len(w)
            k += 1
        lines.append(list(dict.fromkeys(mine)))
    # words over two lines: those on the line that holds most of them (a line under both would cross the text)
    return max(lines, key=len, default=[]) or [body]
