"""Labelled observations for training: the shipped iris data, or a CSV file of the author's."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lesson.errors import LessonError

BUILTIN = {"iris": "iris.csv"}


@dataclass(frozen=True)
class Table:
    columns: dict[str, tuple[float, ...]]
    labels: tuple[str, ...]


def read_table(source: str, base: Path, feature_columns: list[str], label_column: str) -> Table:
    """Read the named numeric columns and the label column; ``source`` is 'iris' or a path relative to ``base``."""
    if source in BUILTIN:
        text = resources.files("lesson").joinpath("data", BUILTIN[source]).read_text(encoding="utf-8")
        where = f"built-in data set {source!r}"
    else:
        path = (base / source).resolve()
        if not path.is_file():
            raise LessonError(f"training data file not found: {path}")
        text = path.read_text(encoding="utf-8")
        where = str(path)
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise LessonError(f"{where}: no rows")
    for name in [*feature_columns, label_column]:
        if name not in rows[0]:
            raise LessonError(f"{where}: no column {name!r} (columns: {', '.join(rows[0])})")
    columns: dict[str, list[float]] = {name: [] for name in feature_columns}
    for n, row in enumerate(rows, start=2):
        for name in feature_columns:
            try:
                value = float(row[name])
            except ValueError:
                raise LessonError(f"{where}: line {n}: column {name!r} is not a number: {row[name]!r}") from None
            if not math.isfinite(value):
                raise LessonError(f"{where}: line {n}: column {name!r} is not finite")
            columns[name].append(value)
    return Table({k: tuple(v) for k, v in columns.items()}, tuple(row[label_column] for row in rows))
