"""The lesson script format as frozen pydantic models (unknown keys are errors).

The JSON Schema printed by ``lesson schema`` is generated from these models,
so the reference in ``lessons/README.md`` and the validator cannot drift apart.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lesson.script import limits

QUALITIES = ("low", "medium", "course", "high", "4k")
ACTIVATION_NAMES = ("relu", "softplus", "sigmoid", "identity")

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="lower-case letters, digits, _")]
NodeName = Annotated[
    str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$", description="a node's name: letters, digits, _ (in placeholders)")
]
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="a colour as #rrggbb")]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number, not NaN or infinity")
    if value != 0 and not limits.NUMBER_MIN <= abs(value) <= limits.NUMBER_MAX:
        raise ValueError(
            f"{value:g} is out of range: write 0 or a number between {limits.NUMBER_MIN:g} and {limits.NUMBER_MAX:g} in size"
        )
    return value


def _short(value: float) -> float:
    digits = len(Decimal(repr(value)).normalize().as_tuple().digits)
    if digits > limits.SIGNIFICANT_DIGITS:
        raise ValueError(
            f"{value!r} has {digits} significant digits; weights and biases are shown as typed, so use at most "
            f"{limits.SIGNIFICANT_DIGITS}"
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("write some text here; it is empty")
    return value


def _text(max_length: int) -> Any:
    return Annotated[str, Field(min_length=1, max_length=max_length), AfterValidator(_not_blank)]


Finite = Annotated[float, Field(allow_inf_nan=True), AfterValidator(_finite)]
Weight = Annotated[float, Field(allow_inf_nan=True), AfterValidator(_finite), AfterValidator(_short)]
Text = _text(limits.TEXT_CHARS)
Title = _text(limits.TITLE_CHARS)
FilePath = Annotated[str, Field(min_length=1, max_length=limits.PATH_CHARS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, populate_by_name=True)


class Input(Strict):
    """A network input: a raw measurement, min-max scaled to 0..1 over ``range``."""

    name: Identifier
    label: _text(limits.INPUT_LABEL_CHARS) | None = Field(None, description="shown on screen; defaults to the name")
    unit: str = Field("", max_length=12)
    range: tuple[Finite, Finite] = Field(description="[low, high] of the raw measurement, mapped to 0..1")

    @model_validator(mode="after")
    def _range_increases(self) -> Input:
        if not self.range[0] < self.range[1]:
            raise ValueError(f"range must be [low, high] with low < high, got {list(self.range)}")
        return self


class Layer(Strict):
    """A fully connected layer; row k of ``weights`` holds the weights into node k."""

    activation: Literal["relu", "softplus", "sigmoid", "identity"]
    weights: list[Annotated[list[Weight], Field(min_length=1, max_length=8)]] = Field(min_length=1, max_length=8)
    bias: list[Weight] = Field(min_length=1, max_length=8)
    nodes: list[NodeName] | None = Field(None, description="names of the nodes")


class OutputClass(Strict):
    name: Identifier
    label: _text(limits.LABEL_CHARS) | None = Field(None, description="shown on screen; defaults to the name")
    color: Color


class NetworkSpec(Strict):
    inputs: list[Input] = Field(min_length=1, max_length=4)
    layers: list[Layer] = Field(min_length=1, max_length=3)
    classes: list[OutputClass] = Field(min_length=2, max_length=6)


class Example(Strict):
    """The flower being explained: give its inputs either ``scaled`` (0..1) or ``raw`` (in the inputs' units)."""

    scaled: dict[str, Finite] | None = None
    raw: dict[str, Finite] | None = None
    label: str | None = Field(None, description="the observed class, for cross-entropy")

    @model_validator(mode="after")
    def _one_of(self) -> Example:
        if (self.scaled is None) == (self.raw is None):
            raise ValueError("give the example's inputs either as 'scaled' or as 'raw', not both or neither")
        return self


class Training(Strict):
    """Train networks of the same shape from different random starts (for the softmax caveat)."""

    data: FilePath = Field("iris", description="'iris' (shipped) or a CSV file inside the lesson script's folder")
    columns: dict[str, Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)]] = Field(
        description="input name -> CSV column holding its raw value"
    )
    label_column: Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)] = "species"
    learning_rate: Annotated[float, Field(gt=0, le=100)] = 0.5
    epochs: Annotated[int, Field(ge=1, le=limits.EPOCHS_MAX)] = 2000
    seeds: list[Annotated[int, Field(ge=0, le=limits.SEED_MAX)]] = Field(default=[1, 2], min_length=2, max_length=4)


class Display(Strict):
    decimals: Annotated[int, Field(ge=0, le=6)] = 2


class Theme(Strict):
    background: Color = "#101820"
    text: Color = "#f2f2f2"
    muted: Color = "#8a94a6"
    accent: Color = "#f5c542"
    font: str = Field("Nimbus Sans", max_length=60)


class Video(Strict):
    quality: Literal["low", "medium", "course", "high", "4k"] = "course"
    poster: Identifier | None = Field(None, description="the id of the step whose last picture is the poster (default: the SoftMax step)")


class Narration(Strict):
    voice: Literal["piper", "espeak", "none"] = Field(
        "piper",
        description="'piper' (offline neural voice), 'espeak' (espeak-ng), or 'none' for a silent video timed at words_per_minute",
    )
    words_per_minute: Annotated[int, Field(ge=60, le=300)] = 150
    pause: Annotated[float, Field(ge=0, le=10)] = 0.6


class StepBase(Strict):
    id: Identifier | None = None
    title: Title = Field(description="the step's chapter name")
    narration: Text = Field(description="spoken and captioned; {placeholders} are filled from the math core")
    audio: FilePath | None = Field(
        None,
        description="a recording of this step's narration (WAV, FLAC, MP3, ...) inside the script's folder; it replaces the voice",
    )


class TitleStep(StepBase):
    kind: Literal["title"]


class NetworkStep(StepBase):
    kind: Literal["network"]


class RawOutputsStep(StepBase):
    kind: Literal["raw_outputs"]


class ArgmaxStep(StepBase):
    kind: Literal["argmax"]


class ArgmaxGradientStep(StepBase):
    kind: Literal["argmax_gradient"]
    of_class: str | None = Field(None, description="the class whose argmax output is plotted (default: the prediction)")


class SoftmaxStep(StepBase):
    kind: Literal["softmax"]


class SoftmaxPropertiesStep(StepBase):
    kind: Literal["softmax_properties"]
    compare_training: bool = Field(True, description="show networks trained from different starts (needs 'training')")


class SoftmaxFormulaStep(StepBase):
    kind: Literal["softmax_formula"]


class SoftmaxDerivativesStep(StepBase):
    kind: Literal["softmax_derivatives"]
    of_class: str | None = Field(None, description="whose probability is differentiated (default: the prediction)")


class SummaryStep(StepBase):
    kind: Literal["summary"]
    points: list[_text(limits.POINT_CHARS)] = Field(min_length=1, max_length=4)


class CrossEntropyStep(StepBase):
    kind: Literal["cross_entropy"]


Step = Annotated[
    Union[
        TitleStep,
        NetworkStep,
        RawOutputsStep,
        ArgmaxStep,
        ArgmaxGradientStep,
        SoftmaxStep,
        SoftmaxPropertiesStep,
        SoftmaxFormulaStep,
        SoftmaxDerivativesStep,
        SummaryStep,
        CrossEntropyStep,
    ],
    Field(discriminator="kind"),
]

STEP_KINDS: tuple[str, ...] = tuple(
    cls.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr]
    for cls in Step.__origin__.__args__  # type: ignore[attr-defined]
)


class Lesson(Strict):
    """A whole lesson script."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="names the output files")]
    title: Title
    subtitle: _text(200) | None = None
    author: _text(200) | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    network: NetworkSpec
    example: Example
    training: Training | None = None
    display: Display = Display()
    theme: Theme = Theme()
    video: Video = Video()
    narration: Narration = Narration()
    steps: list[Step] = Field(min_length=1, max_length=60)
