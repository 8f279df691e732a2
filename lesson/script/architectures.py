"""The script's ``architectures:`` section: networks described by their sizes, and the placeholders they give.

```yaml
architectures:
  wrn28_10: {family: wrn, depth: 28, width: 10}        # WRN-28-10 for 10 classes (CIFAR-10)
  wrn16_8: {family: wrn, depth: 16, width: 8, classes: 100}
```

An entry names a network built by the math core (:func:`mathcore.architecture.wide_resnet` for ``family: wrn``:
32×32 colour images, depth d = 6N + 4, widening factor k = ``width``). Each gives placeholders, all computed:

- ``arch.<name>.params``, ``arch.<name>.mult_adds`` (integers: the totals; ``:M``/``:million`` and
  ``:G``/``:billion`` write them in millions or billions), ``arch.<name>.depth``, ``.width``, ``.blocks`` (N, the
  residual blocks per group), ``.classes``, ``.name`` (a word: WRN-28-10);
- per stage (``conv1``, ``group1``, ``group2``, ``group3``, ``head``): ``arch.<name>.<stage>.params``,
  ``.mult_adds``, ``.channels`` (filters, or classes for the head) and, but for the head, ``.size`` (the side of
  its output maps) and ``.shape`` (a word: 160 × 32 × 32).

A lesson with an ``architectures:`` section also gets the paper's reported results, ``rep.<row>.<column>`` (not
computed: see ``lesson/data/wide_resnet_reported.md``): ``c10`` and ``c100`` (test error in percent), ``params``
(a word: the count as printed, "10.2 M"), ``millions`` (the same as a number, 10.2: write it with ``:.1f``) and ``name`` (a word: WRN-16-8). ``<row>`` names a row of Table 5
(mean/std normalisation) by its network: ``wrn16_8``, ``wrn28_10``, ``wrn28_10_dropout``, ``wrn40_4``,
``resnet1001``, ``resnet164`` (the pre-activation ResNets); the rows of Table 4 (ZCA whitening) end in ``_zca``:
``wrn40_1_zca`` ... ``wrn16_10_zca``.

Counted parameters: convolution and linear weights, linear biases, and batch norm's scale and shift (2 per
channel); batch norm's running mean and variance are statistics, not parameters, and are not counted.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Mapping
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from lesson.script import limits
from lesson.script.parts import Identifier, Strict
from lesson.base.digits import decimal, fixed
from mathcore.architecture import wide_resnet

STAGES = ("conv1", "group1", "group2", "group3", "head")
GROUPS = ("group1", "group2", "group3")
REPORTED_FILE = "wide_resnet_reported.csv"
TIMES = "\u00d7"


class ArchitectureSpec(Strict):
    """One network of a known family, by its sizes."""

    family: Literal["wrn"] = Field("wrn", description="wrn: a wide residual network (Zagoruyko and Komodakis, 2016)")
    depth: int = Field(description="d: layers with weights, 6N + 4 (10, 16, 22, 28, 34, 40, ...)")
    width: int = Field(description="k: the widening factor (the groups have 16k, 32k and 64k filters)")
    classes: int = Field(10, description="outputs of the last layer: 10 for CIFAR-10, 100 for CIFAR-100")

    @field_validator("depth")
    @classmethod
    def _depth(cls, depth: int) -> int:
        if depth < 10 or (depth - 4) % 6 != 0:
            near = sorted({max(10, 6 * round((depth - 4) / 6) + 4), max(10, 6 * ((depth - 4) // 6) + 4)})
            raise ValueError(f"a WRN's depth is 6N + 4 with N ≥ 1 (10, 16, 22, 28, ...), not {depth}; "
                             f"try {' or '.join(map(str, near))}")
        if depth > limits.ARCH_DEPTH_MAX:
            raise ValueError(f"must be at most {limits.ARCH_DEPTH_MAX}; got {depth}")
        return depth

    @field_validator("width")
    @classmethod
    def _width(cls, width: int) -> int:
        if not 1 <= width <= limits.ARCH_WIDTH_MAX:
            raise ValueError(f"the widening factor k must be 1 to {limits.ARCH_WIDTH_MAX}; got {width}")
        return width

    @field_validator("classes")
    @classmethod
    def _classes(cls, classes: int) -> int:
        if not 2 <= classes <= limits.ARCH_CLASSES_MAX:
            raise ValueError(f"must be 2 to {limits.ARCH_CLASSES_MAX}; got {classes}")
        return classes


Architectures = Annotated[
    dict[Identifier, ArchitectureSpec],
    Field(max_length=limits.ARCHITECTURES_MAX, description="networks by name, e.g. {wrn28_10: {family: wrn, depth: 28, width: 10}}"),
]


# ---------------------------------------------------------------- the math core's numbers


@functools.lru_cache(maxsize=256)
def network(depth: int, width: int, classes: int = 10) -> Any:
    """The math core's description of WRN-depth-width (a :class:`mathcore.architecture.Architecture`)."""
    return wide_resnet(depth, width, num_classes=classes)


def of(spec: ArchitectureSpec, width: int | None = None) -> Any:
    return network(spec.depth, spec.width if width is None else width, spec.classes)


def shape_text(shape: tuple[int, ...]) -> str:
    """(160, 32, 32) → "160 × 32 × 32"."""
    return f" {TIMES} ".join(str(d) for d in shape)


def _stage_values(spec: ArchitectureSpec) -> dict[str, dict[str, int | str]]:
    summary = of(spec).summary()
    out: dict[str, dict[str, int | str]] = {}
    for stage in summary.stages:
        entry: dict[str, int | str] = {"params": stage.params, "mult_adds": stage.mult_adds, "channels": stage.output_shape[0]}
        if len(stage.output_shape) == 3:
            entry["size"] = stage.output_shape[1]
            entry["shape"] = shape_text(stage.output_shape)
        out[stage.name] = entry
    return out


def _whole(spec: ArchitectureSpec) -> dict[str, int | str]:
    net = of(spec)
    return {
        "params": net.params, "mult_adds": net.mult_adds, "depth": spec.depth, "width": spec.width,
        "blocks": (spec.depth - 4) // 6, "classes": spec.classes, "name": net.name,
    }


# ---------------------------------------------------------------- the paper's reported results

REPORTED_COLUMNS = (("cifar10_error_percent", "c10"), ("cifar100_error_percent", "c100"))


def row_key(network_name: str, table: str) -> str:
    """The row's name in placeholders: Table 5 (mean/std normalisation, the paper's comparison with the thin
    ResNets) by the network's name, Table 4 (ZCA whitening) with ``_zca``: "WRN-28-10-dropout" → "wrn28_10_dropout",
    "pre-act-ResNet-1001" → "resnet1001", WRN-40-4 of Table 4 → "wrn40_4_zca"."""
    name = network_name.lower().replace("pre-act-", "")
    name = re.sub(r"^([a-z]+)-(\d)", r"\1\2", name)
    name = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    return name if table == "5" else f"{name}_zca"


@functools.cache
def reported() -> dict[str, dict[str, float | str]]:
    """The paper's rows by :func:`row_key`: c10, c100 (test error in percent, when given), params (a word: the count
    as printed, "10.2 M"), millions (the same, a number), name (the network as the paper names it)."""
    text = resources.files("lesson.data").joinpath(REPORTED_FILE).read_text(encoding="utf-8")
    out: dict[str, dict[str, float | str]] = {}
    for row in csv.DictReader(text.splitlines()):
        printed = row["params_millions_as_printed"]
        entry: dict[str, float | str] = {"name": row["network"], "params": f"{printed} M", "millions": float(printed)}
        for column, name in REPORTED_COLUMNS:
            if row[column].strip():
                entry[name] = float(row[column])
        key = row_key(row["network"], row["table"])
        assert key not in out, key
        out[key] = entry
    return out


# ---------------------------------------------------------------- placeholders


def placeholder_kinds(archs: Mapping[str, ArchitectureSpec] | None) -> dict[str, str]:
    """Every placeholder the section gives, with its kind ("number", "integer" or "word")."""
    if not archs:
        return {}
    out: dict[str, str] = {}
    for name in archs:
        out.update({f"arch.{name}.{k}": "integer" for k in ("params", "mult_adds", "depth", "width", "blocks", "classes")})
        out[f"arch.{name}.name"] = "word"
        for stage in STAGES:
            out.update({f"arch.{name}.{stage}.{k}": "integer" for k in ("params", "mult_adds", "channels")})
            if stage != "head":
                out[f"arch.{name}.{stage}.size"] = "integer"
                out[f"arch.{name}.{stage}.shape"] = "word"
    for key, entry in reported().items():
        for column, value in entry.items():
            out[f"rep.{key}.{column}"] = "word" if isinstance(value, str) else "number"
    return out


def values(archs: Mapping[str, ArchitectureSpec] | None) -> dict[str, float | int | str]:
    """The placeholders' values (the names of :func:`placeholder_kinds`)."""
    if not archs:
        return {}
    out: dict[str, float | int | str] = {}
    for name, spec in archs.items():
        out.update({f"arch.{name}.{k}": v for k, v in _whole(spec).items()})
        for stage, entry in _stage_values(spec).items():
            out.update({f"arch.{name}.{stage}.{k}": v for k, v in entry.items()})
    for key, entry in reported().items():
        out.update({f"rep.{key}.{column}": value for column, value in entry.items()})
    return out


def to_json(archs: Mapping[str, ArchitectureSpec] | None) -> dict[str, Any]:
    """For ``lesson numbers --json``: every count of every network, per stage and per layer, and the reported rows."""
    if not archs:
        return {}
    nets: dict[str, Any] = {}
    for name, spec in archs.items():
        summary = of(spec).summary()
        nets[name] = {
            **_whole(spec),
            "input_shape": list(summary.input_shape),
            "stages": {s: v for s, v in _stage_values(spec).items()},
            "layers": [
                {"name": r.name, "kind": r.kind, "output_shape": list(r.output_shape), "params": r.params, "mult_adds": r.mult_adds}
                for r in summary.layers
            ],
        }
    return {"architectures": nets, "reported": {k: dict(v) for k, v in reported().items()}}


# ---------------------------------------------------------------- counts written short


SCALED = re.compile(r"(?:\.(?P<precision>[0-9]))?(?P<unit>M|million|G|billion)")
SCALES = {"M": (10**6, " M"), "million": (10**6, " million"), "G": (10**9, " G"), "billion": (10**9, " billion")}


def scaled(value: float, spec: str) -> str | None:
    """``value`` in millions or billions by a format ``M``, ``.2M``, ``million``, ``G``, ``billion`` (one decimal by
    default, rounded as a person rounds: 36,479,194 → "36.5 M"; a nonzero value that would read 0 is written
    "< 0.1 M", which is true); None if ``spec`` is not such a format."""
    from decimal import Decimal


    m = SCALED.fullmatch(spec)
    if m is None:
        return None
    size, unit = SCALES[m["unit"]]
    decimals = int(m["precision"]) if m["precision"] is not None else 1
    shown = fixed(float(decimal(value) / Decimal(size)), decimals)
    if value != 0 and float(shown) == 0:
        step = fixed(10.0**-decimals, decimals)
        return (f"< {step}" if value > 0 else f"> -{step}") + unit
    return shown + unit
