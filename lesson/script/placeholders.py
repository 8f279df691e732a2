"""Placeholders such as ``{softmax.setosa}`` or ``{raw.versicolor:+.2f}`` in narration and on-screen text.

Which names a script has is :mod:`lesson.script.names`; values come from the math core (see ``lesson.numbers.compute``).
This module reads placeholders in a text, checks their formats and fills them in. A placeholder without a format
uses the lesson's display precision.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from typing import Any, Literal

from lesson.base.digits import NUMBER_FORMAT, fixed, fixed_at_least, format_number, typed
from lesson.script import architectures
from lesson.script import limits

_FORMATTER = string.Formatter()
Kind = Literal["number", "integer", "word"]
# the formats a placeholder may take: a whitelist, so that no width, fill or exotic type reaches format()
_INTEGER_FORMAT = re.compile(r"(?P<sign>[+\- ])?(?P<group>,)?d?")
# a word (a class label, the prediction) as written, or in lower case for the middle of a sentence
WORD_FORMATS = {"lower": str.lower, "upper": str.upper}
FORMAT_HELP = "use .2f (two decimals), +.2f (with its sign), .0% (a percentage) or , (thousands)"


def class_families(names: Any, classes: list[str]) -> list[str]:
    """The per-class placeholder families (``softmax`` for softmax.<class> of every class)."""
    found = {n.rsplit(".", 1)[0] for n in names if "." in n and n.rsplit(".", 1)[1] in classes}
    return sorted(f for f in found if all(f"{f}.{c}" in names for c in classes))


def _fields(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(f, spec, conv) for _, f, spec, conv in _FORMATTER.parse(text) if f is not None]


def fields(text: str) -> list[tuple[str, str]]:
    """The placeholders of ``text`` as (name, format); ``text`` has been checked by :func:`problems`."""
    return [(f, spec or "") for f, spec, _ in _fields(text)]


def format_problem(spec: str, kind: Kind) -> str | None:
    """Why ``spec`` is not a format for a value of this kind (None if it is)."""
    if not spec:
        return None
    if kind == "word":
        return None if spec in WORD_FORMATS else f"a word takes only {' or '.join(':' + f for f in WORD_FORMATS)} (e.g. {{label.x:lower}} in mid-sentence)"
    if architectures.SCALED.fullmatch(spec):  # M, .2M, million, G, billion: a count in millions or billions
        return None
    m = NUMBER_FORMAT.fullmatch(spec)
    if m is None and kind == "integer" and _INTEGER_FORMAT.fullmatch(spec):
        return None
    if m is None:
        return f"{spec!r} is not a number format: {FORMAT_HELP}"
    if m["precision"] is not None and int(m["precision"]) > limits.PLACEHOLDER_PRECISION:
        return f"at most {limits.PLACEHOLDER_PRECISION} decimals"
    if m["precision"] is not None and m["type"] is None:
        return f"say what .{m['precision']} means: .{m['precision']}f for decimals or .{m['precision']}% for a percentage"
    return None


def problems(text: str, known: Mapping[str, Kind] | set[str]) -> list[tuple[str, str]]:
    """What is wrong with the placeholders in ``text`` (an empty list when nothing is): each message with the
    placeholder as written in ``text`` (or the start of it; "" for broken braces), to point at."""
    import difflib

    try:
        found = _fields(text)
    except ValueError as exc:
        return [(f"broken placeholder braces ({exc}); write {{{{ and }}}} for literal braces", "")]
    out = []
    for field, spec, conv in found:
        written = "{" + field + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        at = written if written in text else "{" + field
        if field not in known:
            close = difflib.get_close_matches(field, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {{{close[0]}}}?" if close else "; `lesson numbers` lists every name"
            out.append((f"unknown placeholder {{{field}}}{hint}", at))
            continue
        if conv:
            out.append((f"placeholder {{{field}!{conv}}}: conversions are not supported; write {{{field}}}", at))
        kind: Kind = known[field] if isinstance(known, Mapping) else "number"
        if spec and (why := format_problem(spec, kind)):
            out.append((f"placeholder {{{field}:{spec}}}: {why}", at))
    return out


def format_value(value: float | int | str, spec: str, decimals: int, *, typed_value: bool = False, least: int | None = None) -> str:
    """A placeholder's value as written into narration and on-screen text.

    Without a format a number takes ``decimals`` (its form in the lesson: :mod:`lesson.forms`), or is written as
    typed when the author typed it (``typed_value``); a nonzero number that would read as zero at that precision
    is written "< 0.01" (or "> −0.01"), which is true, rather than "0.00".
    """
    if isinstance(value, str):
        return WORD_FORMATS[spec](value) if spec else value
    if spec and (in_units := architectures.scaled(value, spec)) is not None:
        return in_units
    if isinstance(value, int) and not (spec and spec[-1] in "f%"):
        return format(value, spec) if spec else str(value)
    if not spec:
        if typed_value:
            return typed(value)
        shown = fixed(value, decimals) if least is None else fixed_at_least(value, decimals, least)
        if value != 0 and float(shown) == 0:
            step = fixed(10.0**-decimals, decimals)
            return f"< {step}" if value > 0 else f"> -{step}"
        return shown
    return format_number(float(value), spec, decimals)


def text_of(values: Mapping[str, float | int | str], field: str, spec: str, decimals: int,
            forms: Mapping[str, int] | None = None, typed_names: Collection[str] = ()) -> str:
    """Placeholder ``field``'s value as written with format ``spec`` (its form: ``forms`` gives its decimals, else
    ``decimals``; names in ``typed_names`` are written as typed): what the narration, the captions and the screen say."""
    return format_value(values[field], spec, (forms or {}).get(field, decimals), typed_value=field in typed_names, least=decimals)


def fill_spans(text: str, values: Mapping[str, float | int | str], decimals: int, forms: Mapping[str, int] | None = None,
               typed_names: Collection[str] = ()) -> tuple[str, list[tuple[str, str, int, int]]]:
    """Like :func:`fill`, and where each placeholder's value landed: ``(name, format, start, end)`` character spans.
    ``forms`` gives a name its decimals (else ``decimals``); names in ``typed_names`` are written as typed."""
    parts: list[str] = []
    spans: list[tuple[str, str, int, int]] = []
    pos = 0
    for literal, field, spec, _ in _FORMATTER.parse(text):
        parts.append(literal)
        pos += len(literal)
        if field is None:
            continue
        shown = text_of(values, field, spec or "", decimals, forms, typed_names)
        parts.append(shown)
        spans.append((field, spec or "", pos, pos + len(shown)))
        pos += len(shown)
    return "".join(parts), spans


def fill(text: str, values: Mapping[str, float | int | str], decimals: int, forms: Mapping[str, int] | None = None,
         typed_names: Collection[str] = ()) -> str:
    """Replace every placeholder with its value (names were checked when the script was loaded)."""
    return fill_spans(text, values, decimals, forms, typed_names)[0]
