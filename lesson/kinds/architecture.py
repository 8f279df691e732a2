"""``architecture``: a block diagram of a network of the script's ``architectures:`` section.

Its stages are drawn top to bottom as blocks whose width on screen is proportional to their number of filters
(conv1, the three groups of residual blocks with "× N", the head), each with its output shape and its
parameter count (and, on request, its multiply-adds), and the total. A group's counts appear when the
narration speaks one of its placeholders (``arch.<name>.group2.params``, ...), the total when it speaks
``arch.<name>.params`` or ``.mult_adds``; counts the narration does not speak are there from the start.

``block: group2`` expands the first residual block of that group at ``block_cue`` (default: the second
sentence): BN, ReLU, conv, BN, ReLU, conv, and the shortcut joining with a +. ``widen_from: 1`` draws the
network first with widening factor k = 1 and, at ``widen_cue`` (default: the second sentence), widens it one
k at a time to the network's own k, the blocks growing and every count updating.

Every text, count and width comes from here (the math core's counts); the scene only draws them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lesson.base.errors import Finding
from lesson.script import architectures as archs
from lesson.kinds import Context, StepKind
from lesson.kinds.cues import cue_problem, narration_cues, sentences
from lesson.script import limits
from lesson.script.parts import Identifier, StepBase
from lesson.base.shown import PlanError
from lesson.base.hints import one_of
from mathcore.architecture import BatchNorm2d, Conv2d, ReLU


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
    for name, cue, needs in (("block_cue", step.block_cue, step.block), ("widen_cue", step.widen_cue, step.widen_from)):
        if cue is None:
            continue
        if needs is None:
            out.append(Finding((name,), f"{name} without {'block' if name == 'block_cue' else 'widen_from'} has nothing to time"))
        elif why := cue_problem(cue, step.narration, ctx.placeholder_kinds):
            out.append(Finding((name,), why))
    return out


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
        "k": say("arch_widen", k=k),
        "rows": rows,
        "params": count_text(summary.params, counts if counts != "none" else "short"),
        "mult_adds": count_text(summary.mult_adds, "short"),
    }


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
    return {
        "input": {"label": say("arch_input"), "shape": archs.shape_text(archs.of(spec).input_shape)},
        "headings": {"shape": say("arch_output"), "params": say("arch_params"), "mult_adds": say("arch_mult_adds")},
        "total": say("arch_total"),
        "rows": rows,
        "states": states,
        "max_filters": max(r["filters"] for s in states for r in s["rows"]),
        "show": {"shapes": step.shapes, "params": step.counts != "none", "mult_adds": step.mult_adds},
        "total_cues": total_cues if step.widen_from is None else [],
        "widen_cues": ([step.widen_cue or default] if (step.widen_cue or default) else []) if step.widen_from is not None else [],
        "block": _block(spec, step.block, say) if step.block is not None else None,
        "block_cues": ([step.block_cue or default] if (step.block_cue or default) else []) if step.block is not None else [],
    }


KINDS = (
    StepKind("architecture", ArchitectureStep, build, "scenes.architecture:ArchitectureScene",
             "a network of architectures: as blocks as wide as their filters, with shapes and counts; a block opened, or the network widened",
             check=check, code=("lesson.script.architectures", "lesson.kinds.cues", "mathcore.architecture")),
)
