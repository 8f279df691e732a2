"""The building blocks of the script's models: strict models, checked names, numbers and texts, and the
fields every step has (:class:`StepBase`). Step kinds (``lesson.kinds``) build their options from these."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lesson.script import limits


Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="lower-case letters, digits, _")]
# a per-class placeholder family: the name before the class, softmax for softmax.<class>, example.<e>.softmax too
Family = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}(\.[a-z0-9_]{1,40}){0,3}$", max_length=80,
                              description="a per-class placeholder family: softmax, raw, example.<e>.softmax, ...")]
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


# a text with {placeholders}: checked against the lesson's names, drawn or spoken with the math core's values
PLACEHOLDERS = {"placeholders": True}


def template(max_length: int) -> Any:
    """A text with {placeholders} (checked like narration: names, formats, fonts, long words). ``max_length`` holds
    once the placeholders are filled in (the loader checks it then); as written, the names may take more room."""
    written = max_length + limits.PLACEHOLDER_NAMES_CHARS
    extra = {**PLACEHOLDERS, "filled_max": max_length}
    return Annotated[str, Field(min_length=1, max_length=written, json_schema_extra=extra), AfterValidator(_not_blank)]


Finite = Annotated[float, Field(allow_inf_nan=True), AfterValidator(_finite)]
Weight = Annotated[float, Field(allow_inf_nan=True), AfterValidator(_finite), AfterValidator(_short)]
Text = _text(limits.TEXT_CHARS)
Title = _text(limits.TITLE_CHARS)
FilePath = Annotated[str, Field(min_length=1, max_length=limits.PATH_CHARS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_number(cls, data: Any) -> Any:
        """true and false are not numbers: pydantic's lax mode would read ``row: true`` as row 1. Where a field takes
        no bool but a number they become the words 'true' and 'false', which its own check then refuses at their place
        (a text field keeps them, and says to quote a word that YAML reads as true or false)."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key, value in data.items():
            field = cls.model_fields.get(key) if isinstance(key, str) else None
            if field is not None and _mentions(field.annotation, lambda t: t in (int, float)) and not _mentions(field.annotation, lambda t: t is bool):
                out[key] = _bool_words(value, field.annotation)
        return out


def _bool_words(value: Any, annotation: Any) -> Any:
    """``value`` with every YAML true/false written as a word (models below convert their own fields)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _mentions(annotation, lambda t: isinstance(t, type) and issubclass(t, BaseModel)):
        return value
    if isinstance(value, dict):
        return {k: _bool_words(v, annotation) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_bool_words(v, annotation) for v in value]
    return value


def _mentions(annotation: Any, test: Any) -> bool:
    return test(annotation) or any(_mentions(arg, test) for arg in get_args(annotation))


class PanelRow(Strict):
    label: template(limits.CELL_CHARS)
    value: template(limits.CELL_CHARS) = Field(description="usually one placeholder, e.g. '{softmax.setosa}'")


class Panel(Strict):
    """A panel kept on the right of the step (a third of the width) while the step works beside it."""

    heading: template(limits.CELL_CHARS) | None = None
    rows: list[PanelRow] = Field(default=[], max_length=limits.PANEL_ROWS)
    each_class: Family | None = Field(
        None, description="a per-class placeholder family (raw, softmax, example.<e>.softmax, ...): one row per class, in its colour"
    )


class StepBase(Strict):
    id: Identifier | None = None
    title: template(limits.TITLE_CHARS) = Field(description="the step's chapter name")
    narration: template(limits.TEXT_CHARS) = Field(description="spoken and captioned; {placeholders} are filled from the math core")
    audio: FilePath | None = Field(
        None,
        description="a recording of this step's narration (WAV, FLAC, MP3, ...) inside the script's folder; it replaces the voice",
    )
    beside: Panel | None = Field(None, description="a panel of values kept on the right while the step works beside it")
    transition: Literal["fade", "keep"] = Field(
        "fade",
        description="how the step begins: fade (on a screen of its own) or keep (it continues from the step before's screen, "
                    "a network step's: the network stays, with the values written on it, and moves into place, into a "
                    "panel on the right unless this step draws the network itself)",
    )


