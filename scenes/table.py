"""A table of the plan's texts; a box lights up the row (or cell) whose value the voice is speaking."""

from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, LEFT, RIGHT, Dot, FadeIn, LaggedStart, Line, ManimColor, Mobject, VGroup

from scenes import style
from scenes.align import column, sit
from scenes.base import KEPT_WIDTH, PANEL_GAP, PANEL_WIDTH, Area, StepScene
from scenes.highlight import Marker

COLUMN_GAP = 0.8  # between columns, before the table is scaled to its place
PITCH = 2.0  # from one row's middle to the next, in heights of a digit, at least
MAX_PITCH = 2.8  # ... and at most, when the rows are spread to fill the area's height
FILL = 0.85  # of the area's height that a table with few rows is spread over
PAD = 0.18  # the highlight box reaches this far past what it lights up
GROW = 1.5  # a small table may be drawn this much larger than its type size
WIDTH = 0.9  # of the area, at most
RULE_GAP = 0.3  # between the headings' row and the first row, besides the pitch


@dataclass
class Laid:
    """A table laid out in its area: the headings' row, the rule, the rows of cells, each row's middle, the height of
    the box that lights a row."""

    head_row: VGroup
    rule: Line
    body: VGroup
    cells: list[list[Mobject]]
    middles: list[float]
    box_height: float


def lay_out(scene: StepScene, d: dict, area: Area) -> Laid:
    """The table of the plan's data ``d`` (its columns, rows and alignments), set by ``scene`` and laid out in
    ``area`` as large as it may be; nothing is added to the scene."""
    rows = d["rows"]
    n = len(d["columns"])
    size = style.BODY if len(rows) <= 5 else style.LABEL
    heads = [scene.text(h, size, color=scene.theme.accent) for h in d["columns"]]
    cells = [[scene.text(c, size, color=row["color"] or scene.theme.text) for c in row["cells"]] for row in rows]
    digit = scene.text("0", size).height
    widths = TableScene.set_columns(heads, cells, [row["cells"] for row in rows], d["align"])
    pitch = max(PITCH * digit, max((m.height for r in cells for m in r), default=0.0) + 2 * PAD)
    # few rows: spread them (up to MAX_PITCH) so that the table, as large as its width allows, fills the height
    width = sum(widths) + COLUMN_GAP * (n - 1) + 2 * PAD
    factor = min(GROW, WIDTH * area.width / width)
    pitch = max(pitch, min(MAX_PITCH * digit, (FILL * area.height / factor - RULE_GAP) / (len(rows) + 1)))
    # drawn from x = 0, y = 0 (the headings' middle), then scaled and moved into the area as one group;
    # each column, set on its own from x = 0 (set_columns), moves to its place
    lefts = [sum(widths[:k]) + COLUMN_GAP * k for k in range(n)]
    total = lefts[-1] + widths[-1]
    middles = [-(r + 1) * pitch - RULE_GAP for r in range(len(rows))]
    for r, row_cells in enumerate([heads, *cells]):
        for k, m in enumerate(row_cells):
            m.shift(lefts[k] * RIGHT)
            sit(m, 0.0 if r == 0 else middles[r - 1], digit)
    rule = Line([-PAD, -pitch / 2 - 0.1, 0], [total + PAD, -pitch / 2 - 0.1, 0], color=ManimColor(scene.theme.muted))
    rule.set_stroke(width=2)
    # one invisible mark per row's middle (where its box goes), and the corners of the whole table
    marks = VGroup(*(Line([0, y, 0], [total, y, 0]) for y in middles)).set_opacity(0)
    corners = Line([-PAD, pitch / 2, 0], [total + PAD, middles[-1] - pitch / 2 if rows else -pitch, 0]).set_opacity(0)
    head_row, body = VGroup(*heads), VGroup(*(VGroup(*r) for r in cells))
    table = VGroup(corners, marks, head_row, rule, body)
    factor = min(GROW, WIDTH * area.width / table.width, area.height / table.height)
    table.scale(factor).move_to(area.center)
    return Laid(head_row, rule, body, cells, [m.get_y() for m in marks], 0.92 * pitch * factor)


def kept_picture(scene: StepScene, data: dict) -> dict[str, list]:
    """The final picture of a table step (its plan's ``data``, as the planner hands it on to the step that keeps it),
    laid out where that step had it, for ``scene`` to start from; each cell that shows a value the keeping step uses
    (``data["kept_names"]``: row, column, names) is in ``scene.kept_values`` by those names, for the value to fly
    from the table to where it is used."""
    right = style.RIGHT - (KEPT_WIDTH + PANEL_GAP if data.get("kept") else PANEL_WIDTH + PANEL_GAP if data.get("beside") else 0.0)
    laid = lay_out(scene, data, Area(style.LEFT, right, style.CONTENT_TOP, style.CONTENT_BOTTOM))
    scene.kept_values = {name: laid.cells[r][k] for r, k, names in data.get("kept_names", []) for name in names}
    return {"table": [laid.head_row, laid.rule, laid.body]}


class TableScene(StepScene):
    marker: Marker | None = None  # what lights a row or a cell, once the table follows the voice

    @property
    def highlight(self) -> Mobject | None:
        """The box that lights a row or a cell, once the first cue comes."""
        return self.marker.mobject if self.marker is not None else None

    def draw(self) -> None:
        d = self.step.data
        area = self.area
        # the notes under the table (the table leaves them room), each written at its cue
        self.notes = VGroup(*(self.note(n["text"], area.width * 0.9) for n in d.get("notes", [])))
        if len(self.notes):
            self.notes.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
            area = Area(area.left, area.right, area.top, area.bottom + self.notes.height + 0.4)
        laid = lay_out(self, d, area)
        if len(self.notes):
            self.notes.next_to(laid.rule, DOWN, buff=0).align_to(laid.rule, LEFT)
            self.notes.shift((self.notes.get_top()[1] - (area.bottom - 0.2)) * DOWN)
        head_row, body = laid.head_row, laid.body
        self.cells, rule = laid.cells, laid.rule
        self.rule = rule
        self.heads = list(head_row)  # a column the voice names is boxed from its heading down
        self.middles, self.box_height = laid.middles, laid.box_height
        rows_in = LaggedStart(*(FadeIn(r, shift=0.1 * RIGHT) for r in body), lag_ratio=0.25)
        if d["highlight"] == "none":  # nothing to follow: the whole table comes in at once
            self.play(FadeIn(head_row), FadeIn(rule), rows_in, run_time=style.NORMAL)
        else:
            self.play(FadeIn(head_row), FadeIn(rule), run_time=style.QUICK)
            self.play(rows_in, run_time=style.NORMAL)
        now = [row for row, note in zip(self.notes, d.get("notes", [])) if not note["cues"]]
        if now:
            self.play(*(FadeIn(row, shift=0.2 * RIGHT) for row in now), run_time=style.QUICK)
        if d["highlight"] != "none":
            self.light_up(d["highlight"] == "cell")
        else:
            for name, _ in sorted(self.first_words().items(), key=lambda cue: cue[1]):
                self.notes_at(name)

    def note(self, text: str, width: float) -> VGroup:
        """A note under the table: a bullet and its text (up to two lines)."""
        lines = self.lines(text, style.BODY, max_lines=2, width=width)
        body = lines.arrange(DOWN, buff=0.12, aligned_edge=LEFT) if len(lines) > 1 else lines
        dot = Dot(radius=0.08, color=ManimColor(self.theme.accent)).next_to(body[0], LEFT, buff=0.3)
        return VGroup(dot, body)

    def notes_at(self, name: str) -> None:
        """The notes whose cue is ``name``, written now (at its word)."""
        rows = [row for row, note in zip(self.notes, self.step.data.get("notes", [])) if name in note["cues"]]
        if rows:
            self.cue(name, ahead=style.QUICK)
            self.play(*(FadeIn(row, shift=0.2 * RIGHT) for row in rows), run_time=style.QUICK)

    @staticmethod
    def set_columns(heads: list[Mobject], cells: list[list[Mobject]], texts: list[list[str]], align: list[str]) -> list[float]:
        """Set each column on its own from x = 0 and give its width. A text column starts at 0. A column of
        numbers is aligned on their decimal points (``scenes.align.column``), so a number with more decimals reaches
        further right than the others; its heading ends where the column's rightmost number ends."""
        widths = []
        for k, head in enumerate(heads):
            body = [row[k] for row in cells]
            column(body, [row[k] for row in texts], align[k] == "right", 0.0)
            if align[k] == "right":
                end = max((m.get_right()[0] for m in body if m.width > 0), default=0.0)
                head.move_to([end, 0, 0], aligned_edge=RIGHT)
            else:
                head.move_to([0, 0, 0], aligned_edge=LEFT)
            drawn = [m for m in (head, *body) if m.width > 0]
            start = min((m.get_left()[0] for m in drawn), default=0.0)
            end = max((m.get_right()[0] for m in drawn), default=0.0)
            for m in (head, *body):
                m.shift(-start * RIGHT)
            widths.append(end - start)
        return widths

    def targets(self, cells: bool) -> dict[str, tuple[int, int | None]]:
        """Cue name -> what it lights up: (row, None) for a row, (row, column) for a cell. A row's own cue (a
        placeholder, sentence.N) lights the whole row, and only it lights that row; every other value the voice
        names lights its cell (``highlight: cell``) or its row, as the plan points them (``data["pointing"]``)."""
        rows = self.step.data["rows"]
        out: dict[str, tuple[int, int | None]] = {}
        for r, row in enumerate(rows):
            if row["cue"] is not None:
                out.setdefault(row["cue"], (r, None))
        for name, r, k in self.step.data["pointing"]:
            if rows[r]["cue"] is None:
                out.setdefault(name, (r, k if cells else None))
        return out

    def box(self, target: tuple[int, int | None]) -> tuple[float, float, float, float]:
        """left, right, top, bottom of the box that lights a row (as wide as the table) or a cell."""
        r, k = target
        if k is None:
            left, right = self.rule.get_left()[0], self.rule.get_right()[0]
        else:
            left, right = self.cells[r][k].get_left()[0] - PAD, self.cells[r][k].get_right()[0] + PAD
        return left, right, self.middles[r] + self.box_height / 2, self.middles[r] - self.box_height / 2

    def light_up(self, cells: bool) -> None:
        """Follow the narration: at each cue whose target is not the one lit, move the box there. With rows lit, a
        second marker, a line, moves under the cell the voice names inside the lit row (a row named by a number
        that no cell shows has none: the line goes until the voice names a cell)."""
        targets = self.targets(cells)
        marker = self.marker = Marker(self)
        named = {name: (r, k) for name, r, k in self.step.data["pointing"] if k is not None}
        underline = Marker(self, "underline") if not cells and named else None
        columns = {name: k for name, k in self.step.data.get("columns_pointing", [])}
        parts: dict[str, list] = {}
        for name, key in self.step.data.get("parts_pointing", []):
            parts.setdefault(name, key)
        first = self.first_words()
        # in the order the narration first speaks them (a word is waited for at its first time: a value named again
        # later is not lit again, which would be lit at once, at the word before, instead of at its own)
        for name, _ in sorted(first.items(), key=lambda cue: cue[1]):
            self.notes_at(name)
            if name in parts:  # a row, cells the voice compares, a note (point: row.N, cells.R-S.C, note.N)
                marker.light((name,), self.part_box(parts[name]), key=tuple(parts[name]))
                if underline is not None:
                    underline.off()
            if name in columns:  # a column the voice names (point: column.N), from its heading to its last row
                marker.light((name,), self.column_box(columns[name]), key=("column", columns[name]))
                if underline is not None:
                    underline.off()
            if name in targets:
                marker.light((name,), self.box(targets[name]), key=targets[name])
                if underline is not None and named.get(name) is None and underline.at is not None and underline.at[0] != targets[name][0]:
                    underline.off()
            if underline is not None and name in named:
                same_row = underline.at is None or underline.at[0] == named[name][0]
                underline.light((name,), self.cell_line(named[name]), key=named[name], slide=same_row)

    def part_box(self, key: list) -> tuple[float, float, float, float]:
        """left, right, top, bottom of the box round a row, cells of one column in rows first to last, or a note."""
        if key[0] == "note":
            row = self.notes[key[1]]
            return row.get_left()[0] - PAD, row.get_right()[0] + PAD, row.get_top()[1] + PAD, row.get_bottom()[1] - PAD
        if key[0] == "row":
            return self.box((key[1], None))
        if key[0] == "columns":
            boxes = [self.column_box(k) for k in range(key[1], key[2] + 1)]
            return boxes[0][0], boxes[-1][1], max(b[2] for b in boxes), min(b[3] for b in boxes)
        _, first, last, k = key
        ms = [self.cells[r][k] for r in range(first, last + 1) if self.cells[r][k].width > 0]
        left = min((m.get_left()[0] for m in ms), default=0.0) - PAD
        right = max((m.get_right()[0] for m in ms), default=0.0) + PAD
        return left, right, self.middles[first] + self.box_height / 2, self.middles[last] - self.box_height / 2

    def column_box(self, k: int) -> tuple[float, float, float, float]:
        """left, right, top, bottom of the box round a column: its heading and every cell."""
        ms = [m for m in (self.heads[k], *(row[k] for row in self.cells)) if m.width > 0]
        left, right = min(m.get_left()[0] for m in ms) - PAD, max(m.get_right()[0] for m in ms) + PAD
        return left, right, self.heads[k].get_top()[1] + PAD, self.middles[-1] - self.box_height / 2

    def cell_line(self, target: tuple[int, int]) -> tuple[float, float, float, float]:
        """left, right, top, bottom of the line under a cell's text (inside the row's box)."""
        r, k = target
        cell = self.cells[r][k]
        return cell.get_left()[0] - 0.04, cell.get_right()[0] + 0.04, cell.get_top()[1], cell.get_bottom()[1] - 0.07
