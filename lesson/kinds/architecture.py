"""``architecture``: a block diagram of a network of the script's ``architectures:`` section.

Its stages are drawn top to bottom as blocks whose width on screen is proportional to their number of filters
(conv1, the three groups of residual blocks with "× N", the head), each with its output shape and its
parameter count (and, on request, its multiply-adds), and the total. A group's counts appear when the
narration speaks one of its placeholders (``arch.<name>.group2.params``, ...), the total when it speaks
``arch.<name>.params`` or ``.mult_adds``; counts the narration does not speak are there from the start.

``block: group2`` expands the first residual block of that group at ``block_cue`` (default: the second
sentence): BN, ReLU, conv, BN, ReLU, conv, and the shortcut joining with a +. ``widen_from: 1`` draws the
network first with widening factor k = 1 and, at ``widen_cue`` (default: the second sentence), widens it one
k at a time to the network's own k, the blocks growing and every count updating: the first step at ``widen_cue``,
the last at ``widen_until`` (default: the sentence that first speaks a value of the widened network), the steps
between spread evenly over that stretch of the narration.

``highlight: row`` (default) or ``cell`` points at what the voice names: a placeholder of a stage drawn in the
diagram lights its row (or its cell: the shape for ``.size``/``.channels``/``.shape``, the count for ``.params``,
``.mult_adds``), a total the total's row (or cell), each at its word. ``point:`` points at a part the voice names
without a number, at a cue the author gives (``sentence.2:batch normalisation``): the network's name (``name``), a
row (``input``, ``conv1``, ``group2``, ``total``, ...) or a part of the opened block (``layer.1``, ``layers.4-6``, ``plus``, ``shortcut``).

Every text, count and width comes from here (the math core's counts); the scene only draws them.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from lesson.base.errors import Finding
from lesson.script import architectures as archs
from lesson.kinds import Context, StepKind, highlights
from lesson.kinds.cues import SENTENCE, cue_problem, narration_cues, sentences
from lesson.script import limits
from lesson.script.parts import Identifier, StepBase, template
from lesson.base.shown import PlanError
from lesson.base.hints import one_of
from mathcore.architecture import BatchNorm2d, Conv2d, ReLU

CAN_HIGHLIGHT = ("row", "cell")
ROWS = ("input", *archs.STAGES, "total")  # the diagram's rows a point may name
PART = re.compile(r"(?:(name|input|conv1|group[123]|head|total)|layer\.([0-9]+)|layers\.([0-9]+)-([0-9]+)|(plus)|(shortcut))")
# a stage's cell (its block, its "× N", its shape or a count), the three groups' rows or cells together, a note
CELL = re.compile(r"(conv1|group[123]|groups|head)\.(block|repeat|shape|params|mult_adds)|(groups)|note\.([0-9]+)|name\.(depth|width)")
PART_HELP = ("the network's name (name.depth, name.width: its d or its k), a row (input, conv1, group1, group2, group3, head, total; groups: the three), a stage's cell "
             "(group2.block, group2.repeat, group2.shape, group2.params, group2.mult_adds; groups.repeat: the three), a note "
             "(note.N) or a part of the opened block (layer.N, layers.N-M, plus, shortcut)")
CELL_SHOWN = {"shape": "shapes", "params": "counts", "mult_adds": "mult_adds"}  # the option that draws a cell's column
# which column shows a stage's placeholder (the shape column shows the maps' side and the filters too)
COLUMN_OF = {"size": "shape", "shape": "shape", "channels": "shape", "params": "params", "mult_adds": "mult_adds"}


BLOCK_PART = re.compile(r"(input|correction|shortcut|plus|output)|layers|layer\.([0-9]+)|note\.([0-9]+)")
BLOCK_PART_HELP = "input, layers, layer.N, correction, shortcut, plus, output or note.N"


BlockNote = highlights.Note  # a note beside the diagram or the block


class ArchitectureStep(StepBase):
    kind: Literal["architecture"]
    arch: Identifier = Field(description="the network to draw: a name from the architectures: section")
    shapes: bool = Field(True, description="write each stage's output shape (channels × height × width)")
    counts: Literal["short", "exact", "none"] = Field(
        "short", description="each stage's parameters: short (1.6 M; below a million written out), exact (1,640,672) or none"
    )
    mult_adds: bool = Field(False, description="also write each stage's multiply-adds for one 32×32 image")
    block: Literal["group1", "group2", "group3"] | None = Field(
        None, description="expand the first residual block of this group: BN, ReLU, conv, ..., the shortcut and the +"
    )
    block_cue: str | None = Field(None, max_length=80, description="when the block opens: a placeholder spoken or sentence.N (default: sentence.2)")
    widen_from: int | None = Field(
        None, ge=1, le=limits.ARCH_WIDTH_MAX, description="start at this widening factor k and widen to the network's own k"
    )
    widen_cue: str | None = Field(None, max_length=80, description="when the widening starts (default: sentence.2)")
    widen_until: str | None = Field(
        None, max_length=80, description="when the last step of the widening lands (default: the sentence that first "
        "speaks a value of the widened network); the steps between are spread evenly")
    highlight: highlights.Highlight = highlights.option("row", CAN_HIGHLIGHT)
    point: list[highlights.Point] = highlights.points(PART_HELP)
    notes: list[BlockNote] = Field([], max_length=5, description="short notes written beside the diagram, each at its cue "
                                   "(not with block:, which opens beside it)")


# ---------------------------------------------------------------- counts as text


def count_text(n: int, how: str) -> str:
    """A count as drawn: exact with thousands separators, or short (in millions from a million up, in billions
    from a billion up; below a million written out)."""
    if how == "exact" or n < 10**6:
        return f"{n:,}"
    if n >= 10**9:
        return archs.scaled(n, ".2G") or ""
    return archs.scaled(n, "M") or ""


# ---------------------------------------------------------------- checks


def _default_cue(narration: str) -> str | None:
    """sentence.2 when the narration has two sentences, else none (at once)."""
    return "sentence.2" if sentences(narration_cues(narration)) >= 2 else None


def check(step: ArchitectureStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    known = ctx.lesson.architectures or {}
    if step.arch not in known:
        if not known:
            out.append(Finding(("arch",), f"no network {step.arch!r}: the lesson has no architectures: section to draw from"))
        else:
            out.append(Finding(("arch",), f"no network {step.arch!r} in architectures:{one_of(step.arch, list(known), 'networks')}"))
        return out
    spec = known[step.arch]
    if step.widen_from is not None and step.widen_from >= spec.width:
        out.append(Finding(("widen_from",), f"widen_from must be below the network's widening factor k = {spec.width}; got {step.widen_from}"))
    if step.widen_from is not None and step.block is not None:
        out.append(Finding(("block",), "a step either widens the network or opens a block; give widen_from or block, not both"))
    for name, cue, needs in (("block_cue", step.block_cue, step.block), ("widen_cue", step.widen_cue, step.widen_from),
                             ("widen_until", step.widen_until, step.widen_from)):
        if cue is None:
            continue
        if needs is None:
            out.append(Finding((name,), f"{name} without {'block' if name == 'block_cue' else 'widen_from'} has nothing to time"))
        elif why := cue_problem(cue, step.narration, ctx.placeholder_kinds):
            out.append(Finding((name,), why))
    out += highlights.check(step, "architecture", CAN_HIGHLIGHT)
    layers = len(next(s for s in archs.of(spec).stages if s.name == step.block).layers[0].main) if step.block else 0
    if step.notes and step.block is not None:
        out.append(Finding(("notes",), "notes stand where an opened block goes: give block or notes, not both"))
    for i, note in enumerate(step.notes):
        if note.cue is not None and (why := cue_problem(note.cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding(("notes", i, "cue"), why))
    for i, p in enumerate(step.point):
        m = PART.fullmatch(p.at)
        cell = CELL.fullmatch(p.at)
        if cell is not None:
            out += _check_cell(step, i, cell)
            if why := cue_problem(p.cue, step.narration, ctx.placeholder_kinds):
                out.append(Finding(("point", i, "cue"), why))
            continue
        if m is None:
            out.append(Finding(("point", i, "at"), f"cannot point at {p.at!r}: give {PART_HELP}"))
        elif m.group(1) is None and step.block is None:
            out.append(Finding(("point", i, "at"), f"{p.at!r} is a part of an opened block, and this step opens none (block: group1, group2 or group3)"))
        elif m.group(1) == "total" and step.counts == "none" and not step.mult_adds:
            out.append(Finding(("point", i, "at"), "the diagram has no total to point at: it draws no counts (counts: none)"))
        elif m.group(1) is None and (bad := [int(n) for n in (m.group(2), m.group(3), m.group(4)) if n is not None and not 1 <= int(n) <= layers]):
            out.append(Finding(("point", i, "at"), f"layer {bad[0]}: the opened block has layers 1 to {layers}"))
        elif m.group(3) is not None and int(m.group(3)) > int(m.group(4)):
            out.append(Finding(("point", i, "at"), f"{p.at!r}: the first layer comes first (layers.{m.group(4)}-{m.group(3)})"))
        if why := cue_problem(p.cue, step.narration, ctx.placeholder_kinds):
            out.append(Finding(("point", i, "cue"), why))
    return out


def _check_cell(step: ArchitectureStep, i: int, m: re.Match) -> list[Finding]:
    """A point at a stage's cell, the groups or a note that the diagram does not draw, as a problem at its ``at``."""
    where = ("point", i, "at")
    if m.group(4) is not None:
        n = len(step.notes)
        if not 1 <= int(m.group(4)) <= n:
            return [Finding(where, f"{step.point[i].at!r}: the step has {n} note{'s' if n != 1 else ''}" + (f" (note.1 to note.{n})" if n else ""))]
        return []
    column = m.group(2)
    if m.group(5) is not None:
        return []
    if column == "repeat" and m.group(1) in ("conv1", "head"):
        return [Finding(where, f"{step.point[i].at!r}: only a group has a \"× N\" (its blocks)")]
    if column in CELL_SHOWN:
        option = CELL_SHOWN[column]
        if not {"shapes": step.shapes, "counts": step.counts != "none", "mult_adds": step.mult_adds}[option]:
            return [Finding(where, f"{step.point[i].at!r}: the diagram draws no {column.replace('_', '-')} column ({option} is off)")]
    return []


# ---------------------------------------------------------------- the plan


def _stage_label(stage: str, say: Any) -> str:
    if stage == "conv1":
        return say("arch_conv1")
    if stage == "head":
        return say("arch_head")
    return say("arch_group", n=stage[-1])


def _state(depth: int, k: int, classes: int, counts: str, say: Any) -> dict:
    """The diagram for WRN-depth-k: per stage its filters (the block's width), shape and counts; the totals."""
    net = archs.network(depth, k, classes)
    summary = net.summary()
    rows = []
    for stage in summary.stages:
        rows.append({
            "filters": stage.output_shape[0],
            "shape": archs.shape_text(stage.output_shape),
            "params": count_text(stage.params, counts if counts != "none" else "short"),
            "mult_adds": count_text(stage.mult_adds, "short"),
        })
    return {
        "name": net.name,
        "name_parts": _name_parts(net.name, depth, k),
        "k": say("arch_widen", k=k),
        "rows": rows,
        "params": count_text(summary.params, counts if counts != "none" else "short"),
        "mult_adds": count_text(summary.mult_adds, "short"),
    }


def _name_parts(name: str, depth: int, k: int) -> dict[str, list[int]]:
    """Where the name writes the depth and the widening factor: ``[first, last + 1]`` among its characters that are not
    spaces (the glyphs the scene draws), the depth's the first run of its digits, k's the last (WRN-28-10: 4-6, 7-9)."""
    glyphs = name.replace(" ", "")
    runs = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[0-9]+", glyphs)]
    out = {}
    depth_run = next((r for r in runs if r[2] == str(depth)), None)
    width_run = next((r for r in reversed(runs) if r[2] == str(k) and r is not depth_run), None)
    if depth_run is not None:
        out["depth"] = [depth_run[0], depth_run[1]]
    if width_run is not None:
        out["width"] = [width_run[0], width_run[1]]
    return out


def _block(spec: archs.ArchitectureSpec, group: str, say: Any) -> dict:
    """The first residual block of ``group``: its main path's layers and its shortcut, as the math core has them."""
    stage = next(s for s in archs.of(spec).stages if s.name == group)
    block = stage.layers[0]

    def conv(layer: Conv2d) -> list[str]:  # "conv 3×3, 320", then "stride 2" where it halves the picture
        text = [say("arch_conv", kernel=layer.kernel, filters=layer.out_channels)]
        return text + ([say("arch_stride", stride=layer.stride)] if layer.stride != 1 else [])

    layers = []
    for layer in block.main:
        if isinstance(layer, BatchNorm2d):
            layers.append(say("arch_bn"))
        elif isinstance(layer, ReLU):
            layers.append(say("arch_relu"))
        elif isinstance(layer, Conv2d):
            layers.append(", ".join(conv(layer)))  # one line in its box
        else:  # pragma: no cover - a WRN block holds only these
            raise PlanError(-1, f"cannot draw a {layer.kind} in a block", ("block",))
    # the shortcut's 1×1 convolution halves the picture too where the block does, or the two could not be added;
    # its label beside the block on lines of their own (the convolution, then its stride) so that it stays narrow
    shortcut = conv(block.shortcut) if block.shortcut is not None else []
    return {
        "row": archs.STAGES.index(group),  # the diagram's row it opens (conv1 is row 0)
        "heading": say("arch_block", group=_stage_label(group, say)),
        "layers": layers,
        "shortcut": shortcut,
        "shortcut_from": block.shortcut_from,  # the shortcut leaves after this many layers (0: the block's input)
    }


def build(step: ArchitectureStep, ctx: Context) -> dict:
    spec = (ctx.lesson.architectures or {})[step.arch]
    say = ctx.words()
    n = (spec.depth - 4) // 6
    ks = list(range(step.widen_from, spec.width + 1)) if step.widen_from is not None else [spec.width]
    states = [_state(spec.depth, k, spec.classes, step.counts, say) for k in ks]
    spoken = narration_cues(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed)
    name = step.arch
    rows = []
    for i, stage in enumerate(archs.STAGES):
        # its counts appear as the voice speaks them; failing that, as it speaks anything else of this stage
        cues = [c for c in spoken if c in (f"arch.{name}.{stage}.params", f"arch.{name}.{stage}.mult_adds")]
        cues = cues or [c for c in spoken if c.startswith(f"arch.{name}.{stage}.")]
        rows.append({
            "label": _stage_label(stage, say),
            "repeat": say("arch_repeat", n=n) if stage in archs.GROUPS else "",
            "cues": cues if step.widen_from is None else [],
        })
    total_cues = [c for c in (f"arch.{name}.params", f"arch.{name}.mult_adds") if c in spoken]
    default = _default_cue(step.narration)
    widen_cue = (step.widen_cue or default) if step.widen_from is not None else None
    block_cue = (step.block_cue or default) if step.block is not None else None
    words = [p.cue for p in step.point] + [c for c in (widen_cue, block_cue, step.widen_until) if c] + [n.cue for n in step.notes if n.cue]
    spoken = narration_cues(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed, words=words)
    until = _until(step, ctx, spec, ks, spoken, widen_cue)
    return {
        "input": {"label": say("arch_input"), "shape": archs.shape_text(archs.of(spec).input_shape)},
        "headings": {"shape": say("arch_output"), "params": say("arch_params"), "mult_adds": say("arch_mult_adds")},
        "total": say("arch_total"),
        "rows": rows,
        "states": states,
        "max_filters": max(r["filters"] for s in states for r in s["rows"]),
        "show": {"shapes": step.shapes, "params": step.counts != "none", "mult_adds": step.mult_adds},
        "total_cues": total_cues if step.widen_from is None else [],
        "widen_cues": [widen_cue] if widen_cue else [],
        "widen_until": [until] if until else [],
        "block": _block(spec, step.block, say) if step.block is not None else None,
        "block_cues": [block_cue] if block_cue else [],
        "highlight": step.highlight,
        "pointing": _pointing(step, ctx, spec, ks, spoken, widen_cue, until, block_cue),
        "notes": [{"text": ctx.fill(n.text), "cues": [n.cue] if n.cue else []} for n in step.notes],
    }


def _names(ctx: Context, spec: archs.ArchitectureSpec, k: int) -> list[str]:
    """The networks of the script that are this diagram's at widening factor ``k`` (their placeholders name its texts)."""
    return [n for n, s in (ctx.lesson.architectures or {}).items()
            if (s.family, s.depth, s.width, s.classes) == (spec.family, spec.depth, k, spec.classes)]


def _until(step: ArchitectureStep, ctx: Context, spec: archs.ArchitectureSpec, ks: list[int], spoken: dict[str, int],
           widen_cue: str | None) -> str | None:
    """When the widening's last step lands: ``widen_until``, else the start of the sentence that first speaks a value
    of the widened network after the widening starts (that value itself when it is in the widening's own sentence)."""
    if step.widen_from is None or widen_cue is None:
        return None
    if step.widen_until is not None:
        return step.widen_until
    start = spoken.get(widen_cue, -1)
    last = [f"arch.{n}." for n in _names(ctx, spec, ks[-1])]
    later = sorted((t, c) for c, t in spoken.items() if t > start and any(c.startswith(p) for p in last))
    if not later:
        return None
    token, cue = later[0]
    heads = sorted((t, c) for c, t in spoken.items() if SENTENCE.fullmatch(c) and t <= token)
    sentence_token, sentence = heads[-1]
    return sentence if sentence_token > start else cue


def _pointing(step: ArchitectureStep, ctx: Context, spec: archs.ArchitectureSpec, ks: list[int], spoken: dict[str, int],
              widen_cue: str | None, until: str | None, block_cue: str | None) -> list[list]:
    """``[cue, target, state]`` in the order the voice reaches them: each placeholder the narration speaks that the
    diagram draws (its row, or its cell: ``["row", i]``, ``["cell", i, column]``, ``["total", column or None]``,
    ``i`` the stage's row from conv1 = 0), and each ``point`` (a row, ``["input"]``, ``["name"]``, or a part of the opened block:
    ``["layers", first, last]`` from 0, ``["plus"]``, ``["shortcut"]``). ``state``: the widening's state whose texts
    it names (0 before the widening, the last after it; None: any). A value of a state the screen does not show at
    that word (a count of k = 10 named while k = 1 is drawn) is not pointed at."""
    out: list[tuple[int, int, list]] = []
    cell = step.highlight == "cell"
    if step.highlight != "none":
        counts = step.counts != "none" or step.mult_adds
        shown = {"shape": step.shapes, "params": step.counts != "none", "mult_adds": step.mult_adds}
        per_state = [(0, ks[0]), (len(ks) - 1, ks[-1])] if len(ks) > 1 else [(0, ks[0])]
        for state, k in per_state:
            names = _names(ctx, spec, k) if len(ks) > 1 else [step.arch]
            targets: list[tuple[tuple, list[str]]] = []
            for i, stage in enumerate(archs.STAGES):
                for field, column in COLUMN_OF.items():
                    key = ("cell", i, column) if cell and shown[column] else ("row", i)
                    targets.append((key, [f"arch.{n}.{stage}.{field}" for n in names]))
            if counts:
                for field in ("params", "mult_adds"):
                    key = ("total", field) if cell and shown[field] else ("total", None)
                    targets.append((key, [f"arch.{n}.{field}" for n in names]))
            for cue, key in highlights.pointing(step, ctx, targets):
                token = spoken.get(cue, -1)
                if len(ks) > 1 and widen_cue is not None:
                    if state == 0 and token >= spoken.get(widen_cue, 0):
                        continue
                    if state > 0 and (until is None or token < spoken.get(until, 10**9)):
                        continue
                out.append((token, len(out), [cue, list(key), state if len(ks) > 1 else None]))
    groups = [archs.STAGES.index(g) for g in archs.GROUPS]
    for p in step.point:
        cell = CELL.fullmatch(p.at)
        if cell is not None and p.cue in spoken:
            if cell.group(5) is not None:
                if cell.group(5) not in _name_parts(archs.network(spec.depth, ks[-1], spec.classes).name, spec.depth, ks[-1]):
                    raise PlanError(-1, f"point {p.at!r}: the network's name does not write its {cell.group(5)}", ("point",))
                out.append((spoken[p.cue], len(out), [p.cue, ["name", cell.group(5)], None]))
                continue
            if cell.group(4) is not None:
                note = step.notes[int(cell.group(4)) - 1]
                if note.cue is not None and spoken[p.cue] < spoken.get(note.cue, -1):
                    raise PlanError(-1, f"point {p.at!r} at {p.cue} comes before the note is written ({note.cue})", ("point",))
                key = ["note", int(cell.group(4)) - 1]
            elif cell.group(3) is not None:
                key = ["rows", groups[0], groups[-1]]
            else:
                rows = (groups[0], groups[-1]) if cell.group(1) == "groups" else (archs.STAGES.index(cell.group(1)),) * 2
                key = ["cells", rows[0], rows[1], cell.group(2)]
            out.append((spoken[p.cue], len(out), [p.cue, key, None]))
            continue
        m = PART.fullmatch(p.at)
        if m is None or p.cue not in spoken:
            continue
        if m.group(1) is not None:
            row = m.group(1)
            key = [row] if row in ("name", "input") else ["total", None] if row == "total" else ["row", archs.STAGES.index(row)]
        elif m.group(2) is not None:
            key = ["layers", int(m.group(2)) - 1, int(m.group(2)) - 1]
        elif m.group(3) is not None:
            key = ["layers", int(m.group(3)) - 1, int(m.group(4)) - 1]
        else:
            key = ["plus"] if m.group(5) else ["shortcut"]
        if key[0] in ("layers", "plus", "shortcut") and block_cue is not None and spoken[p.cue] <= spoken.get(block_cue, -1):
            raise PlanError(-1, f"point {p.at!r} at {p.cue} comes before the block opens ({block_cue}): point at it after", ("point",))
        out.append((spoken[p.cue], len(out), [p.cue, key, None]))
    found = [entry for _, _, entry in sorted(out)]
    highlights.nothing_lit(step, "architecture", found)
    return found


# ---------------------------------------------------------------- one residual block, drawn as a block


class ResidualBlockStep(StepBase):
    kind: Literal["residual_block"]
    layers: list[template(limits.CELL_CHARS)] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=6, description="the layers of the block's main path F, top to bottom, e.g. 'BN, ReLU, conv 3×3'")
    input: template(limits.CELL_CHARS) = Field("x", description="the block's input, written above it")  # type: ignore[valid-type]
    correction: template(limits.CELL_CHARS) = Field("F(x)", description="what the main path computes, written beside it")  # type: ignore[valid-type]
    output: template(limits.CELL_CHARS) = Field("x + F(x)", description="the block's output, written below the +")  # type: ignore[valid-type]
    shortcut: template(limits.CELL_CHARS) = Field("x", description="written on the shortcut: what it carries past the layers")  # type: ignore[valid-type]
    layers_cue: str | None = Field(None, max_length=80, description="when the main path's layers appear (default: sentence.2, else at once)")
    shortcut_cue: str | None = Field(None, max_length=80, description="when the shortcut carries the input round them (default: as layers_cue)")
    flow_cue: str | None = Field(None, max_length=80, description="when the input runs down the main path, through one layer "
                                 "after another, into the + (after the layers appear; default: never)")
    notes: list[BlockNote] = Field([], max_length=4, description="short notes beside the block, each at its cue")
    point: list[highlights.Point] = highlights.points(BLOCK_PART_HELP)


def check_block(step: ResidualBlockStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for name in ("layers_cue", "shortcut_cue", "flow_cue"):
        cue = getattr(step, name)
        if cue is not None and (why := cue_problem(cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding((name,), why))
    for i, note in enumerate(step.notes):
        if note.cue is not None and (why := cue_problem(note.cue, step.narration, ctx.placeholder_kinds)):
            out.append(Finding(("notes", i, "cue"), f"note {i + 1}: {why}"))
    return out + _check_block_points(step, ctx)


def _check_block_points(step: ResidualBlockStep, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for i, p in enumerate(step.point):
        m = BLOCK_PART.fullmatch(p.at)
        if m is None:
            out.append(Finding(("point", i, "at"), f"cannot point at {p.at!r}: give {BLOCK_PART_HELP}"))
        elif m.group(2) is not None and not 1 <= int(m.group(2)) <= len(step.layers):
            out.append(Finding(("point", i, "at"), f"{p.at!r}: the block has layers 1 to {len(step.layers)}"))
        elif m.group(3) is not None and not 1 <= int(m.group(3)) <= len(step.notes):
            n = len(step.notes)
            out.append(Finding(("point", i, "at"), f"{p.at!r}: the step has {n} note{'s' if n != 1 else ''}" + (f" (note.1 to note.{n})" if n else "")))
        if why := cue_problem(p.cue, step.narration, ctx.placeholder_kinds):
            out.append(Finding(("point", i, "cue"), why))
    return out


def _block_pointing(step: ResidualBlockStep, spoken: dict[str, int], layers_cue: str | None, shortcut_cue: str | None) -> list[list]:
    """``[cue, part]`` for each ``point`` in the order the voice reaches them (part: ``["input"]``, ``["layers", first,
    last]`` from 0, ``["correction"]``, ``["shortcut"]``, ``["plus"]``, ``["output"]``, ``["note", i]``); a part
    pointed at before it is drawn is a plan error at the point."""
    out = []
    for i, p in enumerate(step.point):
        m = BLOCK_PART.fullmatch(p.at)
        if m is None or p.cue not in spoken:
            continue
        if m.group(2) is not None:
            key, appears = ["layers", int(m.group(2)) - 1, int(m.group(2)) - 1], layers_cue
        elif m.group(3) is not None:
            key, appears = ["note", int(m.group(3)) - 1], step.notes[int(m.group(3)) - 1].cue
        elif p.at == "layers":
            key, appears = ["layers", 0, len(step.layers) - 1], layers_cue
        else:
            key = [p.at]
            appears = {"correction": layers_cue, "shortcut": shortcut_cue}.get(p.at)
        if appears is not None and spoken[p.cue] < spoken.get(appears, -1):
            raise PlanError(-1, f"point {i + 1} names {p.at!r} at {p.cue}, before it is drawn (at {appears})", ("point", i, "cue"))
        out.append((spoken[p.cue], i, [p.cue, key]))
    return [entry for *_, entry in sorted(out)]


def build_block(step: ResidualBlockStep, ctx: Context) -> dict:
    """The block's texts (every number in them at its form) and when each part appears."""
    layers_cue = step.layers_cue or _default_cue(step.narration)
    shortcut_cue = step.shortcut_cue or layers_cue
    spoken = narration_cues(step.narration, ctx.values, ctx.decimals, ctx.forms, ctx.typed,
                            words=[p.cue for p in step.point] + [c for c in (layers_cue, shortcut_cue, step.flow_cue) if c]
                            + [n.cue for n in step.notes if n.cue])
    if step.flow_cue is not None and step.flow_cue in spoken and spoken[step.flow_cue] <= spoken.get(layers_cue or "", -1):
        raise PlanError(-1, f"flow_cue {step.flow_cue} comes before the layers appear ({layers_cue}): the input would run "
                        "through nothing", ("flow_cue",))
    return {
        "pointing": _block_pointing(step, spoken, layers_cue, shortcut_cue),
        "input": ctx.fill(step.input),
        "layers": [ctx.fill(t) for t in step.layers],
        "correction": ctx.fill(step.correction),
        "output": ctx.fill(step.output),
        "shortcut": ctx.fill(step.shortcut),
        "layers_cues": [layers_cue] if layers_cue else [],
        "shortcut_cues": [shortcut_cue] if shortcut_cue else [],
        "flow_cues": [step.flow_cue] if step.flow_cue else [],
        "notes": [{"text": ctx.fill(n.text), "cues": [n.cue] if n.cue else []} for n in step.notes],
    }


KINDS = (
    StepKind("architecture", ArchitectureStep, build, "scenes.architecture:ArchitectureScene",
             "a network of architectures: as blocks as wide as their filters, with shapes and counts; a block opened, or the network widened",
             check=check, code=("lesson.script.architectures", "lesson.kinds.cues", "mathcore.architecture")),
    StepKind("residual_block", ResidualBlockStep, build_block, "scenes.architecture:ResidualBlockScene",
             "one residual block drawn as a block: its input, the layers of its main path F, the shortcut round them and the + "
             "that joins them, with notes beside it", check=check_block, code=("lesson.kinds.cues",)),
)
