"""Networks described by shapes: parameter counts, multiply-adds and output shapes of WRN-d-k.

The paper's printed parameter counts (Zagoruyko & Komodakis 2016, Tables 4 and 5, copied
in lesson/data/wide_resnet_reported.csv) are one column shared by CIFAR-10 and CIFAR-100,
and they are the counts of the **CIFAR-10 network (10 classes)**: with 100 classes the
final layer has 90 * (64k + 1) more parameters, and six of the fourteen WRN rows would then
round to a different number (e.g. WRN-40-4 to 9.0M instead of the printed 8.9M).  The test
checks both, so that the claim is a tested fact.
"""

import csv
import dataclasses
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathcore import MathError
from mathcore.architecture import (
    Architecture,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    Linear,
    ReLU,
    ResidualBlock,
    Stage,
    wide_resnet,
)

CSV = Path(__file__).resolve().parents[1] / "lesson" / "data" / "wide_resnet_reported.csv"
ROWS = list(csv.DictReader(CSV.open(newline="")))
WRN_ROWS = [row for row in ROWS if "wrn" in row["network"].lower()]


def millions_half_up(count: int) -> Decimal:
    return (Decimal(count) / Decimal(1_000_000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def parse_wrn_row(row: dict[str, str]) -> tuple[int, int, Decimal]:
    """depth, k and the printed count of a WRN row; fails the test if the row does not parse."""
    match = re.fullmatch(r"WRN-(\d+)-(\d+)(-dropout)?", row["network"])
    assert match, f"cannot parse a WRN-d-k name from {row['network']!r}"
    depth, k = int(match[1]), int(match[2])
    assert (depth, k) == (int(row["depth"]), int(row["widen_factor"])), row
    printed = row["params_millions_as_printed"]
    assert re.fullmatch(r"\d+\.\d", printed), f"params as printed should have one decimal, got {printed!r}"
    return depth, k, Decimal(printed)


def test_the_csv_has_the_papers_wrn_rows():
    # every row is a WRN or one of the two pre-activation ResNets (bottleneck blocks, not built here)
    others = {row["network"] for row in ROWS if row not in WRN_ROWS}
    assert others == {"pre-act-ResNet-164", "pre-act-ResNet-1001"}
    assert len(WRN_ROWS) == 14


@pytest.mark.parametrize("row", WRN_ROWS, ids=lambda r: f"{r['network']}-table{r['table']}")
def test_computed_parameter_count_rounds_to_the_printed_one_for_cifar10(row):
    depth, k, printed = parse_wrn_row(row)
    assert millions_half_up(wide_resnet(depth, k, num_classes=10).params) == printed


def test_the_printed_counts_are_not_the_cifar100_networks():
    differ = set()
    for row in WRN_ROWS:
        depth, k, printed = parse_wrn_row(row)
        if millions_half_up(wide_resnet(depth, k, num_classes=100).params) != printed:
            differ.add(row["network"])
    assert differ == {"WRN-40-2", "WRN-40-4", "WRN-40-8", "WRN-28-12", "WRN-22-10", "WRN-16-10"}


def test_wrn_28_10_exact_count_matches_the_commonly_quoted_36_48m():
    # The paper prints 36.5M; PyTorch re-implementations report 36,479,194 trainable
    # parameters for WRN-28-10 on CIFAR-10 (e.g. osmr/imgclsmob's model table) and
    # 36,536,884 on CIFAR-100, i.e. "36.48M".  Keras summaries print 36,497,146 in
    # total, because they add batch norm's running mean and variance (17,952 numbers)
    # as non-trainable parameters; we do not count those.
    assert wide_resnet(28, 10).params == 36_479_194
    assert wide_resnet(28, 10, num_classes=100).params == 36_536_884
    bn_params = sum(r.params for r in wide_resnet(28, 10).summary().layers if r.kind == "BatchNorm2d")
    assert bn_params == 17_952


def test_single_layer_counts_by_hand():
    assert Conv2d(3, 16, 3).params == 3 * 16 * 3 * 3 == 432
    assert Conv2d(3, 16, 3, bias=True).params == 432 + 16
    assert Conv2d(16, 32, 1, stride=2).params == 512
    assert BatchNorm2d(16).params == 32  # scale and shift; the running mean and variance are not parameters
    assert Linear(64, 10).params == 64 * 10 + 10 == 650
    assert Linear(64, 10, bias=False).params == 640
    assert ReLU().params == AvgPool2d(8).params == Flatten().params == 0


def test_wrn_10_1_by_hand():
    # N = (10 - 4) / 6 = 1 block per group; widths 16, 32, 64.  Every count from the
    # definitions: conv in*out*k*k (no bias), BN 2*C, FC in*out + out.
    conv1 = 3 * 16 * 9  # 432
    # group1: 16 -> 16, identity shortcut
    group1 = 2 * 16 + 16 * 16 * 9 + 2 * 16 + 16 * 16 * 9  # 32 + 2304 + 32 + 2304 = 4672
    # group2: 16 -> 32, stride 2, 1x1 projection
    group2 = 2 * 16 + 16 * 32 * 9 + 2 * 32 + 32 * 32 * 9 + 16 * 32  # 32 + 4608 + 64 + 9216 + 512 = 14432
    # group3: 32 -> 64, stride 2, 1x1 projection
    group3 = 2 * 32 + 32 * 64 * 9 + 2 * 64 + 64 * 64 * 9 + 32 * 64  # 64 + 18432 + 128 + 36864 + 2048 = 57536
    head = 2 * 64 + 64 * 10 + 10  # 128 + 650 = 778
    assert conv1 + group1 + group2 + group3 + head == 77_850

    summary = wide_resnet(10, 1).summary()
    assert [(s.name, s.params) for s in summary.stages] == [
        ("conv1", 432),
        ("group1", 4672),
        ("group2", 14432),
        ("group3", 57536),
        ("head", 778),
    ]
    assert summary.params == 77_850

    # multiply-adds: out_C * out_H * out_W * in_C * k * k per conv, in * out for the FC
    ma_conv1 = 16 * 32 * 32 * 3 * 9  # 442368
    ma_group1 = 2 * (16 * 32 * 32 * 16 * 9)  # 4718592
    ma_group2 = 32 * 16 * 16 * 16 * 9 + 32 * 16 * 16 * 32 * 9 + 32 * 16 * 16 * 16  # 1179648 + 2359296 + 131072
    ma_group3 = 64 * 8 * 8 * 32 * 9 + 64 * 8 * 8 * 64 * 9 + 64 * 8 * 8 * 32  # 1179648 + 2359296 + 131072
    ma_head = 64 * 10
    assert [s.mult_adds for s in summary.stages] == [ma_conv1, ma_group1, ma_group2, ma_group3, ma_head]
    assert summary.mult_adds == 12_501_632


def test_wrn_10_2_by_hand_has_a_projection_in_group1():
    # k = 2: widths 32, 64, 128, so the first group also changes channels (16 -> 32)
    conv1 = 3 * 16 * 9  # 432
    group1 = 2 * 16 + 16 * 32 * 9 + 2 * 32 + 32 * 32 * 9 + 16 * 32  # 32 + 4608 + 64 + 9216 + 512 = 14432
    group2 = 2 * 32 + 32 * 64 * 9 + 2 * 64 + 64 * 64 * 9 + 32 * 64  # 64 + 18432 + 128 + 36864 + 2048 = 57536
    group3 = 2 * 64 + 64 * 128 * 9 + 2 * 128 + 128 * 128 * 9 + 64 * 128  # 128 + 73728 + 256 + 147456 + 8192
    head = 2 * 128 + 128 * 10 + 10  # 256 + 1290 = 1546
    assert wide_resnet(10, 2).params == conv1 + group1 + group2 + group3 + head == 303_706
    shortcuts = [r.name for r in wide_resnet(10, 2).summary().layers if r.name.endswith("shortcut")]
    assert shortcuts == ["group1.block1.shortcut", "group2.block1.shortcut", "group3.block1.shortcut"]


def test_conv_output_shape_and_mult_adds_by_hand():
    conv = Conv2d(3, 8, 5, stride=2, padding=1)
    # floor((11 + 2 - 5) / 2) + 1 = 5, floor((9 + 2 - 5) / 2) + 1 = 4
    assert conv.output_shape((3, 11, 9)) == (8, 5, 4)
    assert conv.mult_adds((3, 11, 9)) == 8 * 5 * 4 * 3 * 5 * 5 == 12_000
    # WRN's strided 3x3 conv: 32x32 -> 16x16, 16 -> 32 channels
    strided = Conv2d(16, 32, 3, stride=2, padding=1)
    assert strided.output_shape((16, 32, 32)) == (32, 16, 16)
    assert strided.mult_adds((16, 32, 32)) == 32 * 16 * 16 * 16 * 3 * 3 == 1_179_648
    # a bias adds no multiply-adds
    assert Conv2d(16, 32, 3, 2, 1, bias=True).mult_adds((16, 32, 32)) == 1_179_648
    assert Linear(640, 10).mult_adds((640,)) == 6400


@given(
    cin=st.integers(1, 8),
    cout=st.integers(1, 8),
    kernel=st.integers(1, 5),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    h=st.integers(5, 20),
    w=st.integers(5, 20),
)
def test_each_conv_weight_is_used_once_per_output_position(cin, cout, kernel, stride, padding, h, w):
    conv = Conv2d(cin, cout, kernel, stride=stride, padding=padding)
    c, oh, ow = conv.output_shape((cin, h, w))
    assert c == cout
    # the last window starts inside the padded input and the next one would not fit
    assert (oh - 1) * stride + kernel <= h + 2 * padding < oh * stride + kernel
    assert (ow - 1) * stride + kernel <= w + 2 * padding < ow * stride + kernel
    assert conv.mult_adds((cin, h, w)) == conv.params * oh * ow


@given(n=st.integers(1, 6), k=st.integers(1, 12), classes=st.integers(1, 1000))
def test_only_the_fc_layer_depends_on_the_number_of_classes(n, k, classes):
    depth = 6 * n + 4
    extra = wide_resnet(depth, k, classes).params - wide_resnet(depth, k, 10).params
    assert extra == (classes - 10) * (64 * k + 1)


def test_wrn_28_10_shapes():
    summary = wide_resnet(28, 10).summary()
    assert [(s.name, s.output_shape) for s in summary.stages] == [
        ("conv1", (16, 32, 32)),
        ("group1", (160, 32, 32)),
        ("group2", (320, 16, 16)),
        ("group3", (640, 8, 8)),
        ("head", (10,)),
    ]
    by_name = {r.name: r for r in summary.layers}
    assert by_name["head.avgpool"].input_shape == (640, 8, 8)
    assert by_name["head.avgpool"].output_shape == (640, 1, 1)
    assert by_name["head.fc"].output_shape == (10,)
    assert wide_resnet(28, 10, num_classes=100).output_shape == (100,)
    # the stride-2 groups halve H and W in their first block's first conv and its shortcut
    for g, (before, after) in {2: (32, 16), 3: (16, 8)}.items():
        for name in (f"group{g}.block1.conv1", f"group{g}.block1.shortcut"):
            assert by_name[name].input_shape[1:] == (before, before)
            assert by_name[name].output_shape[1:] == (after, after)


def test_wrn_structure_follows_the_paper():
    arch = wide_resnet(28, 10)
    groups = [s for s in arch.stages if s.name.startswith("group")]
    assert [len(g.layers) for g in groups] == [4, 4, 4]  # N = (28 - 4) / 6
    convs = [r for r in arch.summary().layers if r.kind == "Conv2d"]
    assert len(convs) == 1 + 3 * 4 * 2 + 3  # conv1, two per block, three projections
    strided = {r.name for r in convs if r.output_shape[1] < r.input_shape[1]}
    assert strided == {"group2.block1.conv1", "group2.block1.shortcut", "group3.block1.conv1", "group3.block1.shortcut"}
    for stage in arch.stages:
        for block in stage.layers:
            for layer in (*block.main, block.shortcut) if isinstance(block, ResidualBlock) else (block,):
                if isinstance(layer, Conv2d):
                    assert layer.bias is False
    # WRN-d-1 keeps 16 channels in group1: identity shortcut there
    shortcuts = [r.name for r in wide_resnet(16, 1).summary().layers if r.name.endswith("shortcut")]
    assert shortcuts == ["group2.block1.shortcut", "group3.block1.shortcut"]


def test_summary_rows_add_up_and_are_plain_frozen_data():
    summary = wide_resnet(16, 4).summary()
    for stage in summary.stages:
        rows = [r for r in summary.layers if r.stage == stage.name]
        assert stage.params == sum(r.params for r in rows)
        assert stage.mult_adds == sum(r.mult_adds for r in rows)
    assert summary.params == sum(s.params for s in summary.stages) == sum(r.params for r in summary.layers)
    assert summary.mult_adds == sum(s.mult_adds for s in summary.stages)
    assert len({r.name for r in summary.layers}) == len(summary.layers)
    adds = [r for r in summary.layers if r.kind == "Add"]
    assert len(adds) == 3 * 2 and all(r.params == r.mult_adds == 0 for r in adds)
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.params = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.layers[0].params = 0  # type: ignore[misc]
    assert hash(summary) == hash(wide_resnet(16, 4).summary())


@pytest.mark.parametrize("depth", [27, 4, 0, -2, 9, 11, 28.0, True])
def test_invalid_depth_raises(depth):
    with pytest.raises(MathError, match="depth"):
        wide_resnet(depth, 1)


@pytest.mark.parametrize("k", [0, -1, 1.5])
def test_invalid_widen_factor_raises(k):
    with pytest.raises(MathError, match="widen factor"):
        wide_resnet(16, k)


def test_shape_mistakes_raise():
    with pytest.raises(MathError, match="num_classes"):
        wide_resnet(16, 1, num_classes=0)
    with pytest.raises(MathError, match="3 channels, got 4"):
        Conv2d(3, 8, 3).output_shape((4, 8, 8))
    with pytest.raises(MathError, match="does not fit"):
        Conv2d(3, 8, 5).output_shape((3, 4, 4))
    with pytest.raises(MathError, match=r"\(C, H, W\)"):
        BatchNorm2d(3).output_shape((3, 8))
    with pytest.raises(MathError, match="flatten first"):
        Linear(64, 10).output_shape((64, 1, 1))
    with pytest.raises(MathError, match="shortcut of shape"):
        ResidualBlock((Conv2d(3, 8, 3, padding=1),)).output_shape((3, 8, 8))
    with pytest.raises(MathError, match="shortcut_from"):
        ResidualBlock((ReLU(),), shortcut_from=1)
    with pytest.raises(MathError, match="positive whole number"):
        Conv2d(3, 0, 3)
    # a 64x64 image leaves 16x16 maps, which the 8x8 pooling does not reduce to 1x1
    with pytest.raises(MathError, match="vector of 64 values"):
        wide_resnet(10, 1, input_shape=(3, 64, 64))
    with pytest.raises(MathError, match="at least one stage"):
        Architecture("empty", (3, 8, 8), ())
    with pytest.raises(MathError, match="no layers"):
        Stage("empty", ())


def test_a_hand_built_architecture_with_a_projection_block():
    block = ResidualBlock(
        (Conv2d(4, 8, 3, stride=2, padding=1), BatchNorm2d(8), ReLU()),
        shortcut=Conv2d(4, 8, 1, stride=2),
    )
    arch = Architecture("tiny", (4, 6, 6), (Stage("body", (block,)), Stage("head", (Flatten(), Linear(72, 2)))))
    # conv 4*8*9 = 288, BN 16, shortcut 4*8 = 32, FC 72*2 + 2 = 146
    assert arch.params == 288 + 16 + 32 + 146 == 482
    # conv 8*3*3*4*9 = 2592, shortcut 8*3*3*4 = 288, FC 72*2 = 144
    assert arch.mult_adds == 2592 + 288 + 144
    assert [r.name for r in arch.summary().layers] == [
        "body.block1.conv",
        "body.block1.bn",
        "body.block1.relu",
        "body.block1.shortcut",
        "body.block1.add",
        "head.flatten",
        "head.fc",
    ]
