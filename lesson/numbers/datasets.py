"""Labelled observations for training: the shipped iris data, or a CSV file of the author's.

A CSV file must lie inside the lesson script's folder (see :func:`lesson.base.paths.inside`) and is read with
every limit checked: size, UTF-8, one field per column on every row, short fields, finite numbers of
bounded size. Messages name the file, line and column, never a piece of the file's content.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lesson.base.errors import LessonError
from lesson.base.paths import script_file
from lesson.script import limits

BUILTIN = {"iris": "iris.csv"}


@dataclass(frozen=True)
class Table:
    columns: dict[str, tuple[float, ...]]
    labels: tuple[str, ...]


# a number in a CSV cell as people write it: digits with an optional sign, point and exponent (not 1_0, inf, nan or ０)
NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


def read_table(
    source: str, base: Path, feature_columns: list[str], label_column: str, *, allow_outside: bool = False,
    what: str = "training data file",
) -> Table:
    """Read the named numeric columns and the label column; ``source`` is 'iris' or a path relative to ``base``."""
    if source in BUILTIN:
        return _parse(_builtin(source), f"the built-in data set {source!r}", tuple(feature_columns), label_column)
    path = script_file(base, source, what, allow_outside=allow_outside)
    size = path.stat().st_size
    if size > limits.DATA_BYTES:
        raise LessonError(f"{source}: {size // 1000} kB; a {what} may have at most {limits.DATA_BYTES // 1000} kB")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LessonError(f"{source}: line {line} is not UTF-8 text; save the file as UTF-8") from None
    return _parse(text, source, tuple(feature_columns), label_column)


@functools.cache
def _builtin(name: str) -> str:
    return resources.files("lesson").joinpath("data", BUILTIN[name]).read_text(encoding="utf-8")


def _parse(text: str, where: str, feature_columns: tuple[str, ...], label_column: str) -> Table:
    if "\x00" in text:
        raise LessonError(f"{where}: holds a NUL byte; a CSV file is plain text")
    lines = text.splitlines()
    if len(lines) > limits.DATA_ROWS + 1:
        raise LessonError(f"{where}: {len(lines) - 1} rows; training data may have at most {limits.DATA_ROWS}")
    try:
        rows = list(csv.reader(lines, strict=True))
    except csv.Error as exc:
        raise LessonError(f"{where}: not a valid CSV file ({exc})") from None
    rows = [r for r in rows if r]  # blank lines
    if len(rows) < 2:
        raise LessonError(f"{where}: needs a header line and at least one row of data")
    header = rows[0]
    for k, name in enumerate(header):
        if name in header[:k]:
            raise LessonError(f"{where}: its header (line 1) names the column {name[:40]!r} twice (columns "
                              f"{header.index(name) + 1} and {k + 1}); give each column its own name")
    for name in [*feature_columns, label_column]:
        if name not in header:
            import difflib

            close = difflib.get_close_matches(name, [h for h in header if len(h) <= limits.DATA_FIELD_CHARS], n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise LessonError(f"{where}: its header (line 1) has no column {name!r}{hint}")
    index = {name: header.index(name) for name in [*feature_columns, label_column]}
    columns: dict[str, list[float]] = {name: [] for name in feature_columns}
    labels: list[str] = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise LessonError(f"{where}: line {n} has {len(row)} fields but the header has {len(header)}")
        for name in feature_columns:
            field = row[index[name]]
            if len(field) > limits.DATA_FIELD_CHARS:
                raise LessonError(f"{where}: line {n}, column {name!r}: a field of {len(field)} characters")
            if not NUMBER.fullmatch(field):
                raise LessonError(f"{where}: line {n}, column {name!r} is not a number (write digits, such as 1.4 or -0.25e3)")
            value = float(field)
            if not math.isfinite(value) or abs(value) > limits.DATA_VALUE_MAX:
                raise LessonError(f"{where}: line {n}, column {name!r} is not a number between ±{limits.DATA_VALUE_MAX:g}")
            columns[name].append(value)
        label = row[index[label_column]]
        if len(label) > limits.DATA_FIELD_CHARS:
            raise LessonError(f"{where}: line {n}, column {label_column!r}: a label of {len(label)} characters")
        labels.append(label)
    return Table({k: tuple(v) for k, v in columns.items()}, tuple(labels))


def relabel(table: Table, mapping: dict[str, str]) -> Table:
    """The table with its labels mapped to the network's classes (``labels: {Adelie: adelie}``); others unchanged."""
    if not mapping:
        return table
    return Table(table.columns, tuple(mapping.get(label, label) for label in table.labels))


def unknown_labels(labels: tuple[str, ...], classes: list[str], column: str) -> str | None:
    """Why the labels of ``column`` are not all classes of the network (with a map to write when a label differs from
    a class only in case), or None."""
    unknown = sorted(set(labels) - set(classes))
    if not unknown:
        return None
    shown = ", ".join(repr(u) for u in unknown[:5] if len(u) <= 40) or f"{len(unknown)} labels"
    message = f"the labels {shown} in column {column!r} are not classes of the network (classes: {', '.join(classes)})"
    by_case = {u: c for u in unknown for c in classes if u.casefold() == c.casefold()}
    if by_case:
        pairs = ", ".join(f"{u}: {c}" for u, c in list(by_case.items())[:6])
        message += f"; they differ from classes only in case: map them with labels: {{{pairs}}}"
    return message
