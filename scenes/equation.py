"""Lines of arithmetic: each first in symbols, then the numbers move into the symbols' places, then the result.

The plan gives every line as formula parts keyed by their place in the expression: the symbolic parts (TeX, with
class indices where a class's label goes), the numeric parts (TeX of the numbers shown), the relations and the
result. A line is laid out as one formula (or two rows when one is too wide), and drawn as separate formulas placed
exactly on it: the symbols, the relation, the numbers, the result, so that each appears in its turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, MathTex, Mobject, ReplacementTransform, Text, VGroup

from scenes import style
from scenes.base import READABLE, StepScene
from scenes.highlight import Marker, bounds

RELATIONS = {"=": "=", "\u2248": "\\approx"}
ROW_GAP = 0.55  # between lines, at least ...
MAX_ROW_GAP = 1.2  # ... and at most, when a few lines are spread to fill the area's height
FILL = 0.7  # of the area's height that a few lines are spread over (when they cannot simply be larger)
GROW = 1.3  # a short block of formulas is set up to this much larger, so that it fills its area
SPLIT_GAP = 0.25  # between a line's symbols and its numbers when they take two rows
LABEL_GAP = 0.45  # between the labels' column and the formulas
SPLIT_GAIN = 1.1  # a line takes two rows when that makes it at least this much larger


@dataclass
class Row:
    """One line: where its parts sit (the laid-out formula's parts) and, once made, what is drawn."""

    label: Text | None
    layout: list[MathTex]  # one formula, or two rows
    head: VGroup  # the parts of the layout that the drawn pieces cover
    rel1: VGroup
    num: VGroup
    tail: VGroup
    terms: dict[Any, Mobject] = field(default_factory=dict)  # each number part's key (once in) -> it; ("symbol", key): its symbols


class EquationScene(StepScene):
    def tex(self, pieces: list) -> str:
        """A symbol's TeX: the plan's pieces, with a class's label (an index) put in by ``tex_label``."""
        return "".join(self.tex_label(p) if isinstance(p, int) else p for p in pieces)

    def head_parts(self, line: dict) -> list[str]:
        lhs = [self.tex(line["lhs"]), "="] if line["lhs"] else []
        return lhs + [self.tex(p) for _, p in line["symbolic"]]

    def tail_parts(self, line: dict) -> list[str]:
        if not line["numeric"]:  # a line in symbols only (a general formula)
            return []
        return [RELATIONS[line["substitution"]], *(t for _, t in line["numeric"]), RELATIONS[line["relation"]], line["result"]]

    def line_formulas(self, line: dict, split: bool) -> list[list[str]]:
        """The formulas a line is set as: one, or (split, and the line has numbers) its symbols and its numbers."""
        head, tail = self.head_parts(line), self.tail_parts(line)
        return [head, tail] if split and tail else [head + tail]

    def formulas(self) -> list[list[str]]:
        """Each line as each layout that :meth:`draw` may try sets it: the plan's number of rows, or else both."""
        rows = self.step.data.get("rows")
        splits = [rows == 2] if rows in (1, 2) else [False, True]
        return [f for line in self.step.data["lines"] for split in splits for f in self.line_formulas(line, split)]

    @property
    def size(self) -> int:
        return style.MATH + 6 if len(self.step.data["lines"]) <= 2 else style.MATH

    def layout(self, split: bool) -> tuple[float, VGroup, list[Row]]:
        rows: list[Row] = []
        for line in self.step.data["lines"]:
            n, h = len(line["numeric"]), len(self.head_parts(line))
            formulas = [self.math(*f, size=self.size) for f in self.line_formulas(line, split)]
            if len(formulas) == 2:
                top, bottom = formulas
                bottom.next_to(top, DOWN, buff=SPLIT_GAP)
                # the numbers' relation under the "=" after the result's symbol, or indented under the symbols
                x = top[1].get_left()[0] if line["lhs"] else top.get_left()[0] + 0.6
                bottom.shift((x - bottom[0].get_left()[0]) * RIGHT)
            parts = [part for f in formulas for part in f]
            label = self.text(line["label"], style.LABEL, color=self.theme.muted) if line["label"] else None
            if line["numeric"]:
                rows.append(Row(label, formulas, VGroup(*parts[:h]), VGroup(parts[h]), VGroup(*parts[h + 1:h + 1 + n]),
                                VGroup(*parts[h + 1 + n:])))
            else:
                rows.append(Row(label, formulas, VGroup(*parts[:h]), VGroup(), VGroup(), VGroup()))
        lines = VGroup(*(VGroup(*r.layout) for r in rows)).arrange(DOWN, buff=ROW_GAP, aligned_edge=LEFT)
        equals = [(g, r.layout[0][1]) for g, r, line in zip(lines, rows, self.step.data["lines"]) if line["lhs"]]
        if equals:  # the "=" after each result's symbol in one column
            x = max(eq.get_left()[0] for _, eq in equals)
            for g, eq in equals:
                g.shift((x - eq.get_left()[0]) * RIGHT)
        labels = [r.label for r in rows if r.label is not None]
        for r in rows:
            if r.label is not None:
                r.label.next_to(r.layout[0], LEFT, buff=LABEL_GAP)
        if labels:  # one column: the labels end where the formulas begin
            edge = min(lab.get_left()[0] for lab in labels)
            for lab in labels:
                lab.shift((edge - lab.get_left()[0]) * RIGHT)
        block = VGroup(lines, *labels)
        area = self.area
        factor = min(GROW, area.width / block.width, area.height / block.height)
        if len(rows) > 1 and factor * block.height < FILL * area.height:  # a few lines in a tall area: spread them
            gap = min(MAX_ROW_GAP, ROW_GAP + (FILL * area.height / factor - block.height) / (len(rows) - 1))
            for i, (g, r) in enumerate(zip(lines, rows)):
                g.shift(i * (gap - ROW_GAP) * DOWN)
                if r.label is not None:
                    r.label.shift(i * (gap - ROW_GAP) * DOWN)
            factor = min(GROW, area.width / block.width, area.height / block.height)
        return factor, block, rows

    def draw(self) -> None:
        if self.step.data.get("rows") in (1, 2):  # the plan knows how the lines go: no other layout to try and drop
            factor, block, rows = self.layout(split=self.step.data["rows"] == 2)
            block.scale(factor).move_to(self.area.center)
            self.lines_in_turn(rows, factor)
            return
        factor, block, rows = self.layout(split=False)
        if factor < 1.0:  # shrunk to fit on one row: the numbers go under the symbols if that is larger
            factor2, block2, rows2 = self.layout(split=True)
            if factor2 > factor * SPLIT_GAIN or factor < READABLE <= factor2:
                factor, block, rows = factor2, block2, rows2
        block.scale(factor).move_to(self.area.center)
        self.lines_in_turn(rows, factor)

    def lines_in_turn(self, rows: list[Row], factor: float) -> None:
        """Each line at its cues; between them, each number on screen that the voice names (the plan's
        ``pointing``: cue, line, part) boxed at that word (``scenes.highlight``)."""
        lines = self.step.data["lines"]
        self.first: dict[str, int] = self.first_words()
        # the numbers the voice names once they are on screen, and the symbols it describes (point:), in its order
        # (a symbol several lines write: the latest of them on screen at its word; waits for the first of them)
        symbols = [[cue, where[0][0], ("symbol", tuple(map(tuple, where)))] for cue, where in self.step.data.get("symbol_points", [])]
        # and the rows of the side panel, by the values they show (on screen from the start: line -1)
        taken = {p[0] for p in self.step.data.get("pointing", [])} | {c for line in lines for c in (*line["cues"], *line["result_cues"])}
        beside = [[cue, -1, ("beside", r)] for cue, r in (self.step.data.get("beside") or {}).get("pointing", []) if cue not in taken]
        self.pointing = sorted((p for p in [*self.step.data.get("pointing", []), *symbols, *beside] if p[0] in self.first),
                               key=lambda p: self.first[p[0]])
        self.marker = Marker(self)
        self.rows_in: list[Row] = []
        for i, (line, row) in enumerate(zip(lines, rows)):
            self.rows_in.append(row)
            self.line(line, row, factor)
            self.point_before([c for nxt in lines[i + 1:] for c in nxt["cues"]])

    def point_before(self, cues: list[str]) -> None:
        """Box each number the voice names before the first of ``cues`` is spoken (all that are left, if none is):
        a number on screen whose word is still to come."""
        first = getattr(self, "first", None)
        if first is None:  # drawn as a part that does not follow the voice
            return
        later = [first[c] for c in cues if c in first]
        until = min(later) if later else None
        while self.pointing and (until is None or first[self.pointing[0][0]] < until):
            name, k, key = self.pointing[0]
            if isinstance(key, tuple) and k >= len(self.rows_in):  # a symbol of a line still to come: once it is in
                break
            self.pointing.pop(0)
            if k < 0:  # a row of the side panel
                term = self.side_rows[key[1]] if key[1] < len(self.side_rows) else None
            elif key[0] == "symbol":  # the latest line on screen that writes it
                i, part = [w for w in key[1] if w[0] < len(self.rows_in)][-1]
                term = self.rows_in[i].terms.get(("symbol", part))
            else:
                term = self.rows_in[k].terms.get(key) if k < len(self.rows_in) else None
            if term is not None and self.still_to_come(name):  # on screen, its word to come
                self.marker.light((name,), bounds(term, pad=0.08), key=(k, key))

    def show_head(self, line: dict, head: VGroup, shown: list) -> None:
        """The line's symbols (``shown``: their animations), in pieces when the plan says (``head_split``: [cue, first
        part]: the parts from there on come in as the voice says that word), else all at once."""
        split = [(c, k) for c, k in line.get("head_split", []) if 0 < k < len(head)]
        ends = [k for _, k in split] + [len(head)]
        for part in head[ends[0]:]:  # the formula comes in whole (one text), its later pieces unseen until their word
            part.set_fill(opacity=0)
        self.play(*shown, run_time=style.NORMAL)
        for (cue, k), end in zip(split, ends[1:]):
            self.cue(cue, ahead=style.POINT)
            self.play(*(part.animate.set_fill(opacity=1) for part in head[k:end]), run_time=style.POINT)

    def placed(self, m: MathTex, where: VGroup, factor: float) -> MathTex:
        """``m`` (the same parts as ``where``) scaled like the layout and put exactly where its parts are."""
        return m.scale(factor).move_to(where.get_center())

    def line(self, line: dict, row: Row, factor: float) -> None:
        head_parts = self.head_parts(line)
        tail_parts = self.tail_parts(line)
        # the layout's own parts are drawn (no formula is set twice: each costs a LaTeX run)
        head = row.head
        shown = [FadeIn(head, shift=0.1 * UP)] + ([FadeIn(row.label)] if row.label is not None else [])
        offset = len(head_parts) - len(line["symbolic"])
        row.terms.update({("symbol", key): head[offset + j] for j, (key, _) in enumerate(line["symbolic"])})
        if line["lhs"]:
            row.terms[("symbol", "lhs")] = head[0]
        if not tail_parts:  # symbols only: shown at the line's cue
            self.cue(*line["cues"], ahead=style.NORMAL)
            self.show_head(line, head, shown)
            self.wait(style.BEAT)
            return
        rel1, num, tail = row.rel1, row.num, row.tail
        tail[-1].set_color(line.get("color") or self.theme.accent)

        row.terms.update({key: part for (key, _), part in zip(line["numeric"], num)})
        row.terms["="] = tail[-1]
        if line.get("at_once"):  # the line whole, at its cue (a line like the one before it, worked out already)
            self.cue(*line["cues"], *line["result_cues"], ahead=style.NORMAL)
            self.play(*shown, FadeIn(rel1), FadeIn(num), FadeIn(tail), run_time=style.NORMAL)
            return
        if line.get("head_cues"):  # the symbols as the voice starts describing them (the numbers at their word)
            self.cue(*line["head_cues"], ahead=style.QUICK)
        self.show_head(line, head, shown)
        self.point_before(line["cues"])  # the symbols the voice describes before the numbers go in
        self.cue(*line["cues"], ahead=style.NORMAL)
        # the numbers go in: each part of the symbols (or the kept value) moves onto the part of the numbers in its place
        sources = {key: head[offset + j] for j, (key, _) in enumerate(line["symbolic"])}
        start = num.copy()
        for j, ((key, _), target) in enumerate(zip(line["numeric"], num)):
            # a value of the picture kept from the step before flies from there; another goes from its symbol
            kept = self.kept_values.get(line.get("names", {}).get(key, ""))
            source = kept if kept is not None else sources.get(key)
            if source is not None and source.submobjects and target.submobjects:
                start.submobjects[j] = source.copy()
            else:  # a part the symbols do not have (a bracket around a negative number) fades in where it stands
                start.submobjects[j].set_opacity(0)
        self.play(FadeIn(rel1), ReplacementTransform(start, num), run_time=style.NORMAL)
        if line["result_cues"]:  # a number the voice names before the result: boxed at its word
            self.point_before(line["result_cues"])
        self.cue(*line["result_cues"], ahead=style.QUICK)
        self.play(FadeIn(tail, shift=0.2 * LEFT), run_time=style.QUICK)
        self.wait(style.BEAT)
