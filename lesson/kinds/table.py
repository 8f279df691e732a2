"""``table``: rows by columns of any placeholders, one row (or cell) lit up as the voice speaks its value.

Rows are given one by one (``rows``: cells written as templates) or made one per class (``each_class``: a
per-class placeholder family for each column, e.g. ``[label, raw, softmax]``, drawn in the class's colour), or
both (the class rows first). A row lights up when the narration speaks one of its placeholders, or at its
``cue`` (a placeholder name or ``sentence.N``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Annotated, Any, Literal

from pydantic import Field

from lesson.base.errors import Finding
from lesson.kinds import Context, StepKind, Where
from lesson import kinds
from lesson.base.coherence import same_value
from lesson.base.record import DRAWN, Record
from lesson.kinds import highlights
from lesson.kinds.cues import cue_problems
from lesson.script import limits
from lesson.script.parts import Strict, StepBase, template
from lesson.script.placeholders import class_families, fields
from lesson.base.shown import MINUS, PlanError
from lesson.base.hints import one_of
from lesson.script.placeholders import problems

CAN_HIGHLIGHT = ("row", "cell")
COLUMN = re.compile(r"column\.([0-9]+)")
# a row, a cell, cells of one column in rows R to S (the voice compares them), a note
PART = re.compile(r"row\.([0-9]+)|cell\.([0-9]+)\.([0-9]+)|cells\.([0-9]+)-([0-9]+)\.([0-9]+)|note\.([0-9]+)|columns\.([0-9]+)-([0-9]+)")
POINT_HELP = ("column.N (a column, from 1), columns.N-M, row.N, cell.R.C, cells.R-S.C (column C of rows R to S: values "
              "the voice compares) or note.N")
COLUMNS_MAX = limits.TABLE_COLUMNS
ROWS_MAX = limits.TABLE_ROWS
# a cell that reads as a number (is lined up on the right): 0.69, −1.23, 12%, < 0.01, 1,234, 36.5 M, 1.68 G
NUMERIC = re.compile(rf"^(?:[<>] )?[{MINUS}+-]?[0-9][0-9,]*(?:\.[0-9]+)?(?:%| [kMGT])?$")


def alignments(rows: list[list[str]], n: int) -> list[str]:
    """Each column's alignment: "right" (on the decimal points) when every cell that is not empty is a number."""
    return ["right" if all(NUMERIC.match(cells[k]) for cells in rows if cells[k]) else "left" for k in range(n)]


# what a scene refuses to draw as if it were a number (scenes.base.NOT_FINITE): said at `lesson check` instead
NOT_FINITE = re.compile(r"(?i)(?<![a-z])(inf|infinity|nan)(?![a-z])")
# "softmax" or "softmax:.3f": a per-class placeholder family, with a format if wanted
FamilyEntry = Annotated[str, Field(min_length=1, max_length=60, description="a per-class placeholder family, e.g. softmax or raw:+.2f")]


class TableRow(Strict):
    cells: list[template(limits.CELL_CHARS)] = Field(
        min_length=1, max_length=COLUMNS_MAX, description="one text per column, with {placeholders} (at most 24 characters once filled in)"
    )
    cue: str | None = Field(
        None,
        max_length=80,
        description="when the row lights up: a placeholder name spoken in the narration, or sentence.N "
        "(default: when one of its cells' placeholders is spoken)",
    )


class TableStep(StepBase):
    kind: Literal["table"]
    columns: list[template(limits.CELL_CHARS)] = Field(
        min_length=1, max_length=COLUMNS_MAX, description="the column headings"
    )
    each_class: list[FamilyEntry] | None = Field(
        None,
        min_length=1,
        max_length=COLUMNS_MAX,
        description="one row per class, one per-class placeholder family per column (label, raw, softmax, exp, "
        "argmax, ...; 'raw:+.2f' gives a format), drawn in the class's colour",
    )
    rows: list[TableRow] = Field(default=[], max_length=ROWS_MAX, description="rows written out, after the class rows")
    highlight: highlights.Highlight = highlights.option("row", CAN_HIGHLIGHT)
    point: list[highlights.Point] = highlights.points(POINT_HELP)
    notes: list[highlights.Note] = Field([], max_length=3, description="short notes written under the table, each at its cue")


def _family(entry: str) -> tuple[str, str]:
    name, _, spec = entry.partition(":")
    return name.strip(), spec.strip()


def _class_template(entry: str, cls: str) -> str:
    name, spec = _family(entry)
    return f"{{{name}.{cls}{':' + spec if spec else ''}}}"


def check_families(entries: list[tuple[Where, str]], ctx: Context, numbers_only: bool) -> list[Finding]:
    """Each entry must be a per-class family (``lesson.script.placeholders.class_families``) with a format its values take."""
    classes = [c.name for c in ctx.classes]
    if not classes:
        return [Finding(where, "one row per class needs the script's network: section (its classes)") for where, _ in entries[:1]]
    known = ctx.placeholder_kinds
    families = class_families(known, classes)
    out: list[Finding] = []
    for where, entry in entries:
        name, _ = _family(entry)
        if name not in families:
            out.append(Finding(where, f"{name!r} is not a per-class value{one_of(name, families, 'per-class values')}"))
            continue
        kind = known[f"{name}.{classes[0]}"]
        if numbers_only and kind == "word":
            out.append(Finding(where, f"{name!r} holds words, not numbers; bars need numbers (raw, softmax, exp, ...)"))
            continue
        for message, _ in problems(_class_template(entry, classes[0]), known):
            out.append(Finding(where, message.replace(f".{classes[0]}", ".<class>")))
    return out


def _check(step: TableStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = highlights.check(step, "table", CAN_HIGHLIGHT)
    n = len(step.columns)
    if step.each_class is None and not step.rows:
        out.append(Finding((), "a table needs rows, each_class, or both"))
    if step.each_class is not None:
        out += check_families([(("each_class", i), e) for i, e in enumerate(step.each_class)], ctx, False)
        if len(step.each_class) != n:
            out.append(Finding(("each_class",), f"{len(step.each_class)} families for {n} column(s): give one per column"))
        total = len(ctx.classes) + len(step.rows)
        if total > ROWS_MAX:
            out.append(Finding(("rows",), f"{total} rows with the {total - len(step.rows)} class rows; a table holds at most {ROWS_MAX}"))
    for r, row in enumerate(step.rows):
        if len(row.cells) != n:
            out.append(Finding(("rows", r, "cells"), f"row {r + 1} has {len(row.cells)} cell(s) but the table has {n} column(s)"))
        out += cue_problems(row.cue, ("rows", r, "cue"), step, ctx)
    n_rows = (len(ctx.classes) if step.each_class is not None else 0) + len(step.rows)
    for i, p in enumerate(step.point):
        out += [Finding(("point", i, "at"), why) for why in _part_problems(p.at, n, n_rows, len(step.notes))]
        out += cue_problems(p.cue, ("point", i, "cue"), step, ctx)
    for i, note in enumerate(step.notes):
        out += cue_problems(note.cue, ("notes", i, "cue"), step, ctx)
    if step.point and step.highlight == "none":
        out.append(Finding(("point",), "point: with highlight: none: nothing would point (write highlight: row or cell)"))
    return out


def _part_problems(at: str, columns: int, rows: int, notes: int) -> list[str]:
    """Why a table of this size cannot point at ``at`` (nothing when it can)."""
    if (m := COLUMN.fullmatch(at)) is not None:
        return [] if 1 <= int(m.group(1)) <= columns else [f"cannot point at {at!r}: the table has columns 1 to {columns}"]
    m = PART.fullmatch(at)
    if m is None:
        return [f"cannot point at {at!r}: give {POINT_HELP}"]
    if m.group(8) is not None:
        a, b = int(m.group(8)), int(m.group(9))
        if not 1 <= a < b <= columns:
            return [f"{at!r}: columns N to M of 1 to {columns}, the first first (or column.N)"]
        return []
    if m.group(7) is not None:
        return [] if 1 <= int(m.group(7)) <= notes else [f"{at!r}: the table has {notes} note{'s' if notes != 1 else ''}"]
    row_numbers = [int(g) for g in (m.group(1), m.group(2), m.group(4), m.group(5)) if g is not None]
    column = m.group(3) or m.group(6)
    if any(not 1 <= r <= rows for r in row_numbers):
        return [f"{at!r}: the table has rows 1 to {rows}"]
    if column is not None and not 1 <= int(column) <= columns:
        return [f"{at!r}: the table has columns 1 to {columns}"]
    if m.group(4) is not None and int(m.group(4)) >= int(m.group(5)):
        return [f"{at!r}: the first row comes first, and two at least (cells.{m.group(5)}-{m.group(4)}.{column}, or cell.R.C)"]
    return []


def _part(at: str) -> list:
    """What a (checked) point names, counted from 0: ``["row", r]``, ``["cells", first, last, column]``, ``["note", i]``,
    ``["columns", first, last]``."""
    m = PART.fullmatch(at)
    assert m is not None
    if m.group(1) is not None:
        return ["row", int(m.group(1)) - 1]
    if m.group(2) is not None:
        return ["cells", int(m.group(2)) - 1, int(m.group(2)) - 1, int(m.group(3)) - 1]
    if m.group(4) is not None:
        return ["cells", int(m.group(4)) - 1, int(m.group(5)) - 1, int(m.group(6)) - 1]
    if m.group(8) is not None:
        return ["columns", int(m.group(8)) - 1, int(m.group(9)) - 1]
    return ["note", int(m.group(7)) - 1]


def _text(template_text: str, ctx: Context) -> str:
    return ctx.fill(template_text)


def _cell(template_text: str, ctx: Context, where: Where) -> str:
    """A heading's or a cell's text; the words inf, infinity and nan, which the scenes take for a broken number
    and refuse to draw, are refused here, where the script can be pointed at."""
    text = _text(template_text, ctx)
    if m := NOT_FINITE.search(text):
        raise PlanError(-1, f"{m.group()!r} cannot be drawn in a table (it reads as a number that is not finite)", where)
    return text


def build(step: TableStep, ctx: Context) -> dict:
    rows: list[dict] = []
    for c in ctx.classes if step.each_class is not None else ():
        cell_cues = [[f"{_family(e)[0]}.{c.name}"] for e in step.each_class]
        rows.append({
            "cells": [_cell(_class_template(e, c.name), ctx, ("each_class", k)) for k, e in enumerate(step.each_class)],
            "color": c.color,
            "cue": None,
            "cell_cues": cell_cues,
        })
    for r, row in enumerate(step.rows):
        cell_cues = [list(dict.fromkeys(name for name, _ in fields(cell))) for cell in row.cells]
        rows.append({
            "cells": [_cell(cell, ctx, ("rows", r, "cells", k)) for k, cell in enumerate(row.cells)],
            "color": None,
            "cue": row.cue,  # lights the whole row; without it, the row (or cell) lights as its values are spoken
            "cell_cues": cell_cues,
        })
    return {
        "columns": [_cell(h, ctx, ("columns", k)) for k, h in enumerate(step.columns)],
        "align": alignments([row["cells"] for row in rows], len(step.columns)),
        "rows": rows,
        "highlight": step.highlight,
        "pointing": _pointing(step, ctx, rows),
        "columns_pointing": [[p.cue, int(m.group(1)) - 1] for p in step.point if (m := COLUMN.fullmatch(p.at))],
        "parts_pointing": [[p.cue, _part(p.at)] for p in step.point if not COLUMN.fullmatch(p.at)],
        "notes": [{"text": ctx.fill(n.text), "cues": [n.cue] if n.cue else []} for n in step.notes],
    }


def _pointing(step: TableStep, ctx: Context, rows: list[dict]) -> list[list]:
    """``[cue, row, column or None]`` for each placeholder the narration speaks that the table shows, in the order
    it speaks them: its cell (by name or by value, ``lesson.kinds.highlights.pointing``), else its row (a name of
    the same family as the row's cells). A row with a ``cue`` of its own is lit whole at it (the scene)."""
    if step.highlight == "none":
        return []
    cells = highlights.pointing(step, ctx, [((r, k), names) for r, row in enumerate(rows) for k, names in enumerate(row["cell_cues"])])
    whole = highlights.pointing(step, ctx, [(r, [n for names in row["cell_cues"] for n in names]) for r, row in enumerate(rows)],
                               family=True)
    at = {name: [name, r, k] for name, (r, k) in cells}
    for name, r in whole:
        at.setdefault(name, [name, r, None])
    out = [at[name] for name in highlights.spoken(step) if name in at]
    highlights.nothing_lit(step, "table", out + [row["cue"] for row in rows if row["cue"]])
    return out



def panel(spec: Any, ctx: Context) -> dict:
    """A side panel's text: its rows as the script gives them, then one row per class for ``each_class``."""
    lesson, filled = ctx.lesson, ctx.fill
    rows = [{"label": filled(r.label), "value": filled(r.value), "color": None} for r in spec.rows]
    if spec.each_class is not None and lesson.network is not None:
        for c in lesson.network.classes:
            rows.append({"label": c.label or c.name, "value": filled(f"{{{spec.each_class}.{c.name}}}"), "color": c.color})
    return side_panel(filled(spec.heading) if spec.heading else "", rows)


def side_panel(heading: str, rows: list[dict]) -> dict:
    """A side panel's data (the script's ``beside``, or a preset's): its heading, its rows of label and value, and
    how the values line up: on their decimal points when every one is a number (the table's rule), else from the left."""
    return {"heading": heading, "rows": rows, "align": alignments([[r["value"]] for r in rows], 1)[0] if rows else "left"}



# ---------------------------------------------------------------- a table kept by the step after it

KEPT_PICTURE = "scenes.table:kept_picture"  # lays out a kept table in the scene of the step that keeps it
KEPT_CODE = ("scenes.table", "lesson.kinds.table")  # what draws and plans it: part of that step's code


def final_screen(lesson: Any, index: int, ctx: Context) -> dict:
    """The picture table step ``index`` leaves on screen, as plain data for the step after it that keeps it
    (``transition: keep``): every row, nothing lit, and, in ``kept``, what it kept beside it from the step before
    it (which goes as the next step begins). The numbers it draws are recorded in ``ctx``: the step that keeps it
    draws them again."""
    step = lesson.steps[index]
    scratch = dataclasses.replace(ctx, record=Record())
    data = build(step, scratch)
    for n in scratch.record.numbers:
        if n.how == DRAWN:
            ctx.record.number(n.quantity, n.text, n.how, n.spec)
    screen = {**data, "highlight": "none", "pointing": []}
    before = kinds.get(lesson.steps[index - 1].kind) if index > 0 else None
    if step.transition == "keep" and before is not None and before.keeps is not None:
        screen["kept"] = before.keeps(lesson, index, {}, ctx)["kept"]
    return screen


def used_cells(step: Any, rows: list[dict], ctx: Context) -> list[list]:
    """``[row, column, names]`` for each cell whose value step ``step`` (the one keeping the table) names in its
    options or narration: by one of the cell's placeholders, or by another name of that very value."""
    used = json.dumps(step.model_dump(mode="json"))
    mentioned = {n for n in re.findall(r"[A-Za-z_][\w.]*", used) if n in ctx.values}
    out: list[list] = []
    for r, row in enumerate(rows):
        for k, names in enumerate(row["cell_cues"]):
            values = {same_value(ctx.values[n]) for n in names if isinstance(ctx.values.get(n), float)}
            same = sorted(n for n in mentioned if n in names or (len(values) == 1 and isinstance(ctx.values[n], float)
                                                               and same_value(ctx.values[n]) in values))
            if same:
                out.append([r, k, same])
    return out


def kept(lesson: Any, index: int, data: dict, ctx: Context) -> dict:
    """Step ``index``'s data with the table of the step before kept (``transition: keep``): ``kept``, its title and
    its final picture (:func:`final_screen`), with the cells whose values this step uses (:func:`used_cells`)."""
    screen = final_screen(lesson, index - 1, ctx)
    screen["kept_names"] = used_cells(lesson.steps[index], screen["rows"], ctx)
    scratch = dataclasses.replace(ctx, record=Record())
    return {**data, "kept": {"title": scratch.fill(lesson.steps[index - 1].title), "data": screen, "picture": KEPT_PICTURE}}


KINDS = (
    StepKind("table", TableStep, build, "scenes.table:TableScene",
             "a table of values (written rows, or one row per class); a row lights up as its value is spoken",
             check=_check, keeps=kept, keeps_code=KEPT_CODE),
)
