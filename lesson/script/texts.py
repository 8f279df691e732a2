"""The texts of a script's parts that are drawn or spoken (each with its place and its size limit), and the words
and runs of digits in them that no voice or screen can take."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from lesson.script import limits
from lesson.script.yamlsource import Path_


def templates(model: BaseModel, at: Path_) -> list[tuple[Path_, str]]:
    """Every text with placeholders in a step's options (the fields typed ``parts.template``), where it is."""
    return [(where, text) for where, text, _ in sized_templates(model, at)]


def sized_templates(model: BaseModel, at: Path_) -> list[tuple[Path_, str, int | None]]:
    """:func:`templates`, each with the most characters it may have once its placeholders are filled in."""
    out: list[tuple[Path_, str, int | None]] = []

    def walk(value: Any, where: Path_, marked: dict | None) -> None:
        if isinstance(value, str) and marked is not None:
            out.append((where, value, marked.get("filled_max")))
        elif isinstance(value, BaseModel):
            for name, info in type(value).model_fields.items():
                extras = [info.json_schema_extra, *_extras(info.annotation)]
                found = next((m for m in extras if isinstance(m, dict) and m.get("placeholders") is True), None)
                walk(getattr(value, name), (*where, name), found)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, (*where, i), marked)

    walk(model, at, None)
    return out


def _extras(annotation: Any) -> list[Any]:
    """The json_schema_extra of every Field() inside an annotation (list[template(...)] and the like)."""
    import typing

    found: list[Any] = []
    for meta in getattr(annotation, "__metadata__", ()):
        extra = getattr(meta, "json_schema_extra", None)
        if extra is not None:
            found.append(extra)
    for arg in typing.get_args(annotation):
        found += _extras(arg)
    return found


def word_problems(text: str) -> list[tuple[str, str]]:
    """Words too long for a caption line, and numbers too long to read aloud (placeholders aside)."""
    plain = re.sub(r"\{[^{}]*\}", "0", text)
    out = []
    for word in plain.split():
        if len(word) > limits.WORD_CHARS:
            out.append((f"a word of {len(word)} characters; words may have at most {limits.WORD_CHARS}", word[:30]))
        elif run := re.search(rf"\d{{{limits.NUMBER_RUN_DIGITS + 1},}}", word):
            out.append((f"a number of {len(run.group())} digits; the voice reads numbers of at most {limits.NUMBER_RUN_DIGITS}", run.group()))
    return out
