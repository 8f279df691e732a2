"""The lesson script format as frozen pydantic models (unknown keys are errors).

The JSON Schema printed by ``lesson schema`` is generated from these models,
so the reference in ``lessons/README.md`` and the validator cannot drift apart.
The steps' union is made from the registry of step kinds (:mod:`lesson.kinds`):
each kind brings its own options model.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

import mathcore
from lesson import kinds
from lesson.base import qualities
from lesson.script.architectures import Architectures
from lesson.script import limits
from lesson.script.parts import (  # noqa: F401  (re-exported: the names a script's model is made of)
    Color,
    FilePath,
    Finite,
    Identifier,
    NodeName,
    StepBase,
    Strict,
    Text,
    Title,
    Weight,
    _text,
)

from lesson.script.computations import (  # noqa: E402  (the computations' sections)
    DataSource,
    Definition,
    DescentSpec,
    ExampleSpec,
    GradientSpec,
    LossSpec,
    ParameterSpec,
    SweepSpec,
)

QUALITIES = qualities.NAMES  # one list of the presets: lesson.base.qualities
ACTIVATION_NAMES = tuple(mathcore.ACTIVATIONS)  # one list: the math core's


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
    """A fully connected layer; row k of ``weights`` holds the weights into node k. With ``network.train`` the weights
    and biases are left out (training gives them) and a hidden layer's size is given by ``size`` or ``nodes``."""

    activation: Literal[ACTIVATION_NAMES]  # type: ignore[valid-type]
    weights: list[Annotated[list[Weight], Field(min_length=1, max_length=8)]] = Field(None, min_length=1, max_length=8)  # type: ignore[assignment]
    bias: list[Weight] = Field(None, min_length=1, max_length=8)  # type: ignore[assignment]
    nodes: list[NodeName] | None = Field(None, description="names of the nodes")
    size: Annotated[int, Field(ge=1, le=8)] | None = Field(None, description="the number of nodes of a layer whose weights network.train gives")


class NetworkTraining(Strict):
    """The lesson's network trained from a seed on a data set (deterministic): its weights and biases, rounded to
    ``decimals`` (they are shown as typed), are the lesson's."""

    data: FilePath = Field("iris", description="'iris' (shipped) or a CSV file inside the lesson script's folder")
    columns: dict[str, Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)]] = Field(
        description="input name -> CSV column holding its raw value")
    label_column: Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)] = "species"
    labels: dict[Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)], Identifier] = Field(
        default_factory=dict, description="the data's labels -> the network's classes, e.g. {Adelie: adelie}")
    learning_rate: Annotated[float, Field(gt=0, le=100)] = 0.5
    epochs: Annotated[int, Field(ge=1, le=limits.EPOCHS_MAX)] = 1000
    seed: Annotated[int, Field(ge=0, le=limits.SEED_MAX)] = 1
    decimals: Annotated[int, Field(ge=1, le=4)] = Field(2, description="decimals the trained weights and biases are rounded to")


class OutputClass(Strict):
    name: Identifier
    label: _text(limits.LABEL_CHARS) | None = Field(None, description="shown on screen; defaults to the name")
    color: Color


class NetworkSpec(Strict):
    inputs: list[Input] = Field(min_length=1, max_length=4)
    layers: list[Layer] = Field(min_length=1, max_length=3)
    classes: list[OutputClass] = Field(min_length=1, max_length=6, description="the outputs, in the order of the last layer's rows: "
                                       "a classifier's classes, or a regression's predicted quantities")
    output: Literal["softmax", "identity"] = Field(
        "softmax", description="softmax: a classifier (SoftMax of the raw outputs, at least 2 classes); identity: a regression "
        "whose outputs are the predictions, compared with numeric observed values")
    train: NetworkTraining | None = Field(None, description="train the network from a seed on a data set: its weights are the trained ones")

    @model_validator(mode="after")
    def _two_classes(self) -> NetworkSpec:
        if self.output == "softmax" and len(self.classes) < 2:
            raise ValueError("a classifier (output: softmax) needs at least 2 classes; a network with one output predicting "
                             "a number is a regression: set output: identity")
        for k, layer in enumerate(self.layers, start=1):
            given = layer.weights is not None or layer.bias is not None
            if self.train is None and (layer.weights is None or layer.bias is None):
                raise ValueError(f"layer {k} needs its weights and bias (or train the network: network.train)")
            if self.train is not None and given:
                raise ValueError(f"layer {k}: the trained network's weights and biases come from network.train; leave them out")
            if self.train is not None and k < len(self.layers) and layer.size is None and layer.nodes is None:
                raise ValueError(f"layer {k}: give its number of nodes (size: N) or their names (nodes: [...])")
            if layer.size is not None and (self.train is None or k == len(self.layers)):
                raise ValueError(f"layer {k}: size is for a hidden layer of a trained network (network.train); "
                                 "other layers take their size from their weights or the classes")
            if layer.size is not None and layer.nodes is not None and len(layer.nodes) != layer.size:
                raise ValueError(f"layer {k}: {len(layer.nodes)} node names for size {layer.size}")
        if self.train is not None and self.output != "softmax":
            raise ValueError("network.train trains classifiers (output: softmax)")
        return self


class Example(Strict):
    """The flower being explained: give its inputs either ``scaled`` (0..1) or ``raw`` (in the inputs' units)."""

    scaled: dict[str, Finite] | None = None
    raw: dict[str, Finite] | None = None
    label: str | None = Field(None, description="the observed class, for cross-entropy")
    observed: Finite | dict[str, Finite] | None = Field(
        None, description="a regression's observed value (one output), or {output: value}")
    row: Annotated[int, Field(ge=1, le=limits.DATA_ROWS)] | None = Field(None, description="a row of data:, from 1 (its inputs and class)")
    where: dict[str, Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)] | float] | None = Field(
        None, description="{column: value}: the first (or nth) row of data: that holds these values")
    nth: Annotated[int, Field(ge=1, le=limits.DATA_ROWS)] = 1

    @model_validator(mode="after")
    def _one_of(self) -> Example:
        if self.label is not None and self.observed is not None:
            raise ValueError("give label (a classifier's observed class) or observed (a regression's observed values), not both")
        given = [k for k in ("scaled", "raw", "row", "where") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give the example's inputs as 'scaled' or 'raw', or pick a row of data: with 'row' or 'where'"
                             + (f"; not {' and '.join(given)}" if given else ""))
        if given[0] in ("row", "where") and (self.label is not None or self.observed is not None):
            raise ValueError("a row of data: brings its own class (or observed values); leave label and observed out")
        if self.nth != 1 and self.where is None:
            raise ValueError("nth counts the rows that match where:")
        return self


class Training(Strict):
    """Train networks of the same shape from different random starts (for the softmax caveat)."""

    data: FilePath = Field("iris", description="'iris' (shipped) or a CSV file inside the lesson script's folder")
    columns: dict[str, Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)]] = Field(
        description="input name -> CSV column holding its raw value"
    )
    label_column: Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)] = "species"
    labels: dict[Annotated[str, Field(min_length=1, max_length=limits.DATA_FIELD_CHARS)], Identifier] = Field(
        default_factory=dict, description="the data's labels -> the network's classes, e.g. {Adelie: adelie} (labels equal to a class need none)")
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
    quality: Literal[QUALITIES] = "course"  # type: ignore[valid-type]
    poster: Identifier | None = Field(None, description="the id of the step whose last picture is the poster (default: the SoftMax step)")


class Narration(Strict):
    voice: Literal["piper", "espeak", "none"] = Field(
        "piper",
        description="'piper' (offline neural voice), 'espeak' (espeak-ng), or 'none' for a silent video timed at words_per_minute",
    )
    words_per_minute: Annotated[int, Field(ge=60, le=300)] = 150
    pause: Annotated[float, Field(ge=0, le=10)] = 0.6


Step = Annotated[Union[tuple(kind.options for kind in kinds.registry().values())], Field(discriminator="kind")]  # type: ignore[valid-type]
STEP_KINDS: tuple[str, ...] = tuple(kinds.registry())


class Lesson(Strict):
    """A whole lesson script."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="names the output files")]
    title: Title
    subtitle: _text(200) | None = None
    author: _text(200) | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    words: dict[Annotated[str, Field(max_length=limits.KEY_CHARS)], _text(limits.POINT_CHARS)] = Field(
        default_factory=dict,
        description="the built-in scenes' words, by key (see lesson/base/words.py), e.g. {example_noun: fruit}",
    )
    network: NetworkSpec | None = Field(
        None, description="the classifier network the lesson explains; a lesson about something else (an architecture) leaves it out"
    )
    example: Example | None = Field(None, description="the example going through the network (needed with network:)")
    training: Training | None = None
    parameters: dict[Identifier, ParameterSpec] = Field(default_factory=dict, max_length=limits.COMPUTED_MAX,
                                                        description="names for weights and biases of the network, e.g. {b3: {layer: 2, bias: setosa}}")
    data: DataSource | None = Field(None, description="the data set that examples: picks rows from")
    examples: dict[Identifier, ExampleSpec] = Field(default_factory=dict, max_length=limits.EXAMPLES_MAX,
                                                    description="named examples, each with its observed class")
    losses: dict[Identifier, LossSpec] = Field(default_factory=dict, max_length=limits.COMPUTED_MAX,
                                               description="a loss summed over examples: {total: {loss: cross_entropy}}")
    gradients: dict[Identifier, GradientSpec] = Field(default_factory=dict, max_length=limits.COMPUTED_MAX,
                                                      description="the derivative of a loss with respect to a parameter, by backpropagation")
    sweeps: dict[Identifier, SweepSpec] = Field(default_factory=dict, max_length=limits.COMPUTED_MAX,
                                                description="a loss (or an output) over a range of one parameter, for the plot kind")
    descents: dict[Identifier, DescentSpec] = Field(default_factory=dict, max_length=limits.COMPUTED_MAX,
                                                    description="gradient descent on one parameter or several at once")
    define: dict[Identifier, Definition] = Field(default_factory=dict, max_length=limits.DEFINE_MAX,
                                                 description="derived values: arithmetic over placeholders, e.g. 'b3 - slope'")
    architectures: Architectures | None = None  # networks described by their sizes (lesson.script.architectures)
    display: Display = Display()
    theme: Theme = Theme()
    video: Video = Video()
    narration: Narration = Narration()
    steps: list[Step] = Field(min_length=1, max_length=60)
