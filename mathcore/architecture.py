"""Convolutional networks described by shapes alone: output shapes, parameter counts, multiply-adds.

No weights and no deep-learning framework: a layer is a frozen dataclass of its sizes, and
the numbers a lesson shows about a network's size are computed from those sizes.

Shapes are tuples for one example (no batch axis): ``(C, H, W)`` for images and feature
maps, ``(n,)`` for vectors.

Counting conventions
--------------------
Parameters are the trained numbers: convolution and linear weights, their biases when
present, and batch norm's scale and shift (2 per channel).  Batch norm's running mean
and variance are *not* counted: they are statistics collected during training, not
trained by gradient descent (the authors' PyTorch code keeps them apart from the
parameters, as "stats").

Multiply-adds count one multiplication with its accumulation, for one input example:

* Conv2d: ``out_C * out_H * out_W * in_C * k * k``;
* Linear: ``in * out``.

Bias additions are not multiply-adds and are not counted.  Batch norm, ReLU, average
pooling, flattening and the residual addition are counted as 0 multiply-adds: they do
a few element-wise operations per value (at most one multiply and one add per value for
batch norm at inference time), negligible beside the convolutions, and not what
"mult-adds" tallies in the literature.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from mathcore.errors import MathError

Shape = tuple[int, ...]


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MathError(f"{name} must be a positive whole number, got {value!r}")
    return value


def _non_negative_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MathError(f"{name} must be a whole number >= 0, got {value!r}")
    return value


def _shape(shape: object, name: str = "input shape") -> Shape:
    if not isinstance(shape, Iterable):
        raise MathError(f"{name} must be a tuple of positive whole numbers, got {shape!r}")
    dims = tuple(shape)
    if not dims:
        raise MathError(f"{name} must have at least one dimension")
    return tuple(_positive_int(d, name) for d in dims)


def _image(shape: Shape, layer: str) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise MathError(f"{layer} takes a (C, H, W) input, got shape {shape}")
    return shape[0], shape[1], shape[2]


def _window_out(size: int, kernel: int, stride: int, padding: int, layer: str) -> int:
    """Output length of a sliding window: floor((size + 2 padding - kernel) / stride) + 1."""
    span = size + 2 * padding - kernel
    if span < 0:
        raise MathError(f"{layer}: kernel {kernel} does not fit an input of size {size} with padding {padding}")
    return span // stride + 1


class _Layer:
    """What every layer shares: its kind is its class's name."""

    @property
    def kind(self) -> str:
        return type(self).__name__


class _Free(_Layer):
    """A layer that counts no multiply-adds (normalising, activations, pooling, reshaping); no parameters unless
    it says otherwise (batch-norm's scale and shift)."""

    @property
    def params(self) -> int:
        return 0

    def mult_adds(self, input_shape: Shape) -> int:
        self.output_shape(input_shape)  # type: ignore[attr-defined]  # the shape is still checked
        return 0


@dataclass(frozen=True)
class Conv2d(_Layer):
    """2-D convolution with square ``kernel``.  ``bias`` defaults to False, as in every WRN convolution.

    params = out_C * in_C * k * k (+ out_C with bias); output side = floor((side + 2p - k) / s) + 1.
    """

    in_channels: int
    out_channels: int
    kernel: int
    stride: int = 1
    padding: int = 0
    bias: bool = False

    short: ClassVar[str] = "conv"

    def __post_init__(self) -> None:
        _positive_int(self.in_channels, "in_channels")
        _positive_int(self.out_channels, "out_channels")
        _positive_int(self.kernel, "kernel")
        _positive_int(self.stride, "stride")
        _non_negative_int(self.padding, "padding")
        if not isinstance(self.bias, bool):
            raise MathError(f"bias must be True or False, got {self.bias!r}")

    @property
    def params(self) -> int:
        weights = self.out_channels * self.in_channels * self.kernel * self.kernel
        return weights + (self.out_channels if self.bias else 0)

    def output_shape(self, input_shape: Shape) -> Shape:
        c, h, w = _image(_shape(input_shape), self.kind)
        if c != self.in_channels:
            raise MathError(f"{self.kind} takes {self.in_channels} channels, got {c}")
        out_h = _window_out(h, self.kernel, self.stride, self.padding, self.kind)
        out_w = _window_out(w, self.kernel, self.stride, self.padding, self.kind)
        return (self.out_channels, out_h, out_w)

    def mult_adds(self, input_shape: Shape) -> int:
        out_c, out_h, out_w = self.output_shape(input_shape)
        return out_c * out_h * out_w * self.in_channels * self.kernel * self.kernel


@dataclass(frozen=True)
class BatchNorm2d(_Free):
    """Batch normalisation over ``channels``: a learnt scale and shift per channel, 2 * C parameters.

    The running mean and variance (another 2 * C numbers) are statistics, not parameters.
    """

    channels: int

    short: ClassVar[str] = "bn"

    def __post_init__(self) -> None:
        _positive_int(self.channels, "channels")

    @property
    def params(self) -> int:
        return 2 * self.channels

    def output_shape(self, input_shape: Shape) -> Shape:
        c, h, w = _image(_shape(input_shape), self.kind)
        if c != self.channels:
            raise MathError(f"{self.kind} normalises {self.channels} channels, got {c}")
        return (c, h, w)


@dataclass(frozen=True)
class ReLU(_Free):
    """max(0, x) element-wise: any shape, no parameters, 0 multiply-adds."""

    short: ClassVar[str] = "relu"

    def output_shape(self, input_shape: Shape) -> Shape:
        return _shape(input_shape)


@dataclass(frozen=True)
class AvgPool2d(_Free):
    """Average over ``kernel`` x ``kernel`` windows, moved by ``stride`` (default: ``kernel``); no padding."""

    kernel: int
    stride: int | None = None

    short: ClassVar[str] = "avgpool"

    def __post_init__(self) -> None:
        _positive_int(self.kernel, "kernel")
        if self.stride is not None:
            _positive_int(self.stride, "stride")

    def output_shape(self, input_shape: Shape) -> Shape:
        c, h, w = _image(_shape(input_shape), self.kind)
        step = self.kernel if self.stride is None else self.stride
        return (c, _window_out(h, self.kernel, step, 0, self.kind), _window_out(w, self.kernel, step, 0, self.kind))


@dataclass(frozen=True)
class Flatten(_Free):
    """Any shape to a vector of all its values: (C, H, W) -> (C*H*W,)."""

    short: ClassVar[str] = "flatten"

    def output_shape(self, input_shape: Shape) -> Shape:
        return (math.prod(_shape(input_shape)),)


@dataclass(frozen=True)
class Linear(_Layer):
    """Fully connected layer on a vector: params = in * out (+ out with bias), mult-adds = in * out."""

    in_features: int
    out_features: int
    bias: bool = True

    short: ClassVar[str] = "fc"

    def __post_init__(self) -> None:
        _positive_int(self.in_features, "in_features")
        _positive_int(self.out_features, "out_features")
        if not isinstance(self.bias, bool):
            raise MathError(f"bias must be True or False, got {self.bias!r}")

    @property
    def params(self) -> int:
        return self.in_features * self.out_features + (self.out_features if self.bias else 0)

    def output_shape(self, input_shape: Shape) -> Shape:
        shape = _shape(input_shape)
        if shape != (self.in_features,):
            raise MathError(
                f"{self.kind} takes a vector of {self.in_features} values, got shape {shape} (flatten first)"
            )
        return (self.out_features,)

    def mult_adds(self, input_shape: Shape) -> int:
        self.output_shape(input_shape)
        return self.in_features * self.out_features


Layer = Conv2d | BatchNorm2d | ReLU | AvgPool2d | Flatten | Linear
_LAYER_TYPES = (Conv2d, BatchNorm2d, ReLU, AvgPool2d, Flatten, Linear)


def _layer_names(layers: tuple[Block, ...]) -> tuple[str, ...]:
    """``conv``, ``bn`` ... by type; numbered (``conv1``, ``conv2``) when a type occurs more than once.

    Residual blocks are always numbered: ``block1``, ``block2`` ...
    """
    totals: dict[str, int] = {}
    for layer in layers:
        totals[layer.short] = totals.get(layer.short, 0) + 1
    seen: dict[str, int] = {}
    names = []
    for layer in layers:
        seen[layer.short] = seen.get(layer.short, 0) + 1
        numbered = totals[layer.short] > 1 or isinstance(layer, ResidualBlock)
        names.append(f"{layer.short}{seen[layer.short]}" if numbered else layer.short)
    return tuple(names)


def _run(layers: tuple[Layer, ...], input_shape: Shape) -> tuple[Shape, ...]:
    """Every layer's output shape, in order."""
    shapes = []
    shape = input_shape
    for layer in layers:
        shape = layer.output_shape(shape)
        shapes.append(shape)
    return tuple(shapes)


@dataclass(frozen=True)
class ResidualBlock(_Layer):
    """``main(x) + shortcut(x')``: a main path of layers plus a shortcut, added element-wise.

    ``shortcut`` is a projection convolution, or None for the identity.  ``shortcut_from``
    says what the shortcut reads: the main path's value after its first ``shortcut_from``
    layers (0: the block's input).  In the pre-activation WRN block with a projection the
    shortcut reads the input after the shared BN-ReLU (``shortcut_from=2``), as in the
    authors' code; with the identity it reads the block's input.  The addition has no
    parameters and counts 0 multiply-adds.
    """

    main: tuple[Layer, ...]
    shortcut: Conv2d | None = None
    shortcut_from: int = 0

    short: ClassVar[str] = "block"

    def __post_init__(self) -> None:
        main = tuple(self.main)
        if not main:
            raise MathError("a residual block needs at least one layer on its main path")
        for layer in main:
            if not isinstance(layer, _LAYER_TYPES):
                raise MathError(f"a residual block's main path holds layers, got {type(layer).__name__}")
        if self.shortcut is not None and not isinstance(self.shortcut, Conv2d):
            raise MathError(f"a residual block's shortcut is a Conv2d or None, got {type(self.shortcut).__name__}")
        _non_negative_int(self.shortcut_from, "shortcut_from")
        if self.shortcut_from >= len(main):
            raise MathError(f"shortcut_from must be below the {len(main)} main-path layers, got {self.shortcut_from}")
        object.__setattr__(self, "main", main)

    @property
    def params(self) -> int:
        return sum(layer.params for layer in self.main) + (self.shortcut.params if self.shortcut else 0)

    def shapes(self, input_shape: Shape) -> tuple[tuple[Shape, ...], Shape]:
        """The main path's output shapes, and the shortcut's output shape."""
        shape = _shape(input_shape)
        main = _run(self.main, shape)
        tapped = shape if self.shortcut_from == 0 else main[self.shortcut_from - 1]
        short = self.shortcut.output_shape(tapped) if self.shortcut else tapped
        if short != main[-1]:
            raise MathError(f"residual block adds a main path of shape {main[-1]} to a shortcut of shape {short}")
        return main, short

    def output_shape(self, input_shape: Shape) -> Shape:
        return self.shapes(input_shape)[0][-1]

    def mult_adds(self, input_shape: Shape) -> int:
        main, _ = self.shapes(input_shape)
        shape = _shape(input_shape)
        inputs = (shape, *main[:-1])
        total = sum(layer.mult_adds(s) for layer, s in zip(self.main, inputs))
        if self.shortcut is not None:
            tapped = shape if self.shortcut_from == 0 else main[self.shortcut_from - 1]
            total += self.shortcut.mult_adds(tapped)
        return total


Block = Layer | ResidualBlock


@dataclass(frozen=True)
class LayerSummary:
    """One row of a summary: a single layer (residual blocks are opened into their layers).

    The residual addition has its own row, of kind ``"Add"``, with 0 params and 0 mult-adds;
    a projection shortcut's row is named ``...shortcut``.
    """

    name: str
    kind: str
    stage: str
    input_shape: Shape
    output_shape: Shape
    params: int
    mult_adds: int


@dataclass(frozen=True)
class StageSummary:
    """Totals of one stage (for a WRN: conv1, group1, group2, group3, head)."""

    name: str
    output_shape: Shape
    params: int
    mult_adds: int


@dataclass(frozen=True)
class Summary:
    """Per layer, per stage and in total; plain data for a lesson to show."""

    name: str
    input_shape: Shape
    output_shape: Shape
    layers: tuple[LayerSummary, ...]
    stages: tuple[StageSummary, ...]
    params: int
    mult_adds: int


@dataclass(frozen=True)
class Stage:
    """A named run of layers and residual blocks."""

    name: str
    layers: tuple[Block, ...]

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        if not layers:
            raise MathError(f"stage {self.name!r} has no layers")
        for layer in layers:
            if not isinstance(layer, (*_LAYER_TYPES, ResidualBlock)):
                raise MathError(f"stage {self.name!r} holds layers and residual blocks, got {type(layer).__name__}")
        object.__setattr__(self, "layers", layers)


def _block_rows(block: Block, prefix: str, stage: str, shape: Shape) -> list[LayerSummary]:
    if not isinstance(block, ResidualBlock):
        out = block.output_shape(shape)
        return [LayerSummary(prefix, block.kind, stage, shape, out, block.params, block.mult_adds(shape))]
    main, short = block.shapes(shape)
    rows = []
    for name, layer, s_in, s_out in zip(_layer_names(block.main), block.main, (shape, *main[:-1]), main):
        row = LayerSummary(f"{prefix}.{name}", layer.kind, stage, s_in, s_out, layer.params, layer.mult_adds(s_in))
        rows.append(row)
    if block.shortcut is not None:
        tapped = shape if block.shortcut_from == 0 else main[block.shortcut_from - 1]
        sc = block.shortcut
        rows.append(LayerSummary(f"{prefix}.shortcut", sc.kind, stage, tapped, short, sc.params, sc.mult_adds(tapped)))
    rows.append(LayerSummary(f"{prefix}.add", "Add", stage, main[-1], main[-1], 0, 0))
    return rows


@dataclass(frozen=True)
class Architecture:
    """A network as named stages applied in order to one input of ``input_shape``.

    Shapes are checked on construction: every layer must accept what the one before gives.
    """

    name: str
    input_shape: Shape
    stages: tuple[Stage, ...]
    _summary: Summary = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_shape", _shape(self.input_shape))
        stages = tuple(self.stages)
        if not stages:
            raise MathError("an architecture needs at least one stage")
        names = [s.name for s in stages]
        if len(set(names)) != len(names):
            raise MathError(f"stage names must differ, got {names}")
        object.__setattr__(self, "stages", stages)
        object.__setattr__(self, "_summary", self._summarise())

    def _summarise(self) -> Summary:
        rows: list[LayerSummary] = []
        totals: list[StageSummary] = []
        shape = self.input_shape
        for stage in self.stages:
            names = _layer_names(tuple(stage.layers))
            first = len(rows)
            for name, block in zip(names, stage.layers):
                single = len(stage.layers) == 1 and not isinstance(block, ResidualBlock)
                prefix = stage.name if single else f"{stage.name}.{name}"
                rows.extend(_block_rows(block, prefix, stage.name, shape))
                shape = block.output_shape(shape)
            mine = rows[first:]
            totals.append(StageSummary(stage.name, shape, sum(r.params for r in mine), sum(r.mult_adds for r in mine)))
        return Summary(
            self.name,
            self.input_shape,
            shape,
            tuple(rows),
            tuple(totals),
            sum(t.params for t in totals),
            sum(t.mult_adds for t in totals),
        )

    def summary(self) -> Summary:
        return self._summary

    @property
    def params(self) -> int:
        return self.summary().params

    @property
    def mult_adds(self) -> int:
        return self.summary().mult_adds

    @property
    def output_shape(self) -> Shape:
        return self.summary().output_shape


def _wide_basic(in_channels: int, out_channels: int, stride: int) -> ResidualBlock:
    """Pre-activation basic block: BN-ReLU-conv3x3 (stride), BN-ReLU-conv3x3; projection when channels change."""
    main = (
        BatchNorm2d(in_channels),
        ReLU(),
        Conv2d(in_channels, out_channels, 3, stride=stride, padding=1),
        BatchNorm2d(out_channels),
        ReLU(),
        Conv2d(out_channels, out_channels, 3, stride=1, padding=1),
    )
    if in_channels == out_channels:
        if stride != 1:
            raise MathError("an identity shortcut cannot follow a strided block")
        return ResidualBlock(main)
    return ResidualBlock(main, Conv2d(in_channels, out_channels, 1, stride=stride), shortcut_from=2)


def wide_resnet(depth: int, k: int, num_classes: int = 10, input_shape: Shape = (3, 32, 32)) -> Architecture:
    """WRN-depth-k of Zagoruyko & Komodakis, "Wide Residual Networks" (2016, arXiv 1605.07146).

    As in the authors' code: conv1 3x3, 16 filters; three groups of N = (depth - 4) / 6
    pre-activation basic blocks with 16k, 32k, 64k filters, the second and third starting
    with stride 2 (in the first block's first conv and its shortcut); a 1x1 projection
    shortcut wherever the number of channels changes; then BN-ReLU, 8x8 average pooling
    (stride 1), flatten and a fully connected layer with bias.  No convolution has a bias.
    Stages: conv1, group1, group2, group3, head.  The 8x8 pooling makes the head fit
    32x32 inputs (CIFAR); other sizes whose last maps are not 8x8 raise MathError.
    """
    _positive_int(depth, "depth")
    _positive_int(k, "widen factor k")
    _positive_int(num_classes, "num_classes")
    shape = _shape(input_shape)
    if len(shape) != 3:
        raise MathError(f"a WRN takes (C, H, W) images, got input shape {shape}")
    if (depth - 4) % 6 != 0 or depth < 10:
        raise MathError(f"WRN depth must be 6N + 4 with N >= 1 (10, 16, 22, 28, 34, 40, ...), got {depth}")
    n = (depth - 4) // 6
    widths = (16 * k, 32 * k, 64 * k)
    stages = [Stage("conv1", (Conv2d(shape[0], 16, 3, stride=1, padding=1),))]
    in_channels = 16
    for g, (width, stride) in enumerate(zip(widths, (1, 2, 2)), start=1):
        blocks = [_wide_basic(in_channels, width, stride)]
        blocks += [_wide_basic(width, width, 1) for _ in range(n - 1)]
        stages.append(Stage(f"group{g}", tuple(blocks)))
        in_channels = width
    head = (BatchNorm2d(widths[2]), ReLU(), AvgPool2d(8, stride=1), Flatten(), Linear(widths[2], num_classes))
    stages.append(Stage("head", head))
    return Architecture(f"WRN-{depth}-{k}", shape, tuple(stages))
