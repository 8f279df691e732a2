"""Read a lesson script: YAML text into a validated, frozen :class:`Lesson` model, or every problem at once, each at
FILE:LINE:COL with a message a person understands (pydantic's errors translated, "did you mean ...?").

This module reads and validates, and places a problem at its FILE:LINE:COL; pydantic's errors are put in words by
:mod:`lesson.script.messages`, a step's drawn and spoken texts are listed by :mod:`lesson.script.texts`, and the
checks that span the script's parts are :mod:`lesson.script.checks`. It knows the script's structure only;
:mod:`lesson.check` runs the checks that need the math core, the step kinds and the planner, and so everything
``lesson check`` promises.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from lesson.base.errors import Finding, LessonError, Problem, UsageError, one_line
from lesson.script import names as script_names
from lesson.script import placeholders
from lesson.script.model import Lesson
from lesson.script.messages import pydantic_problems
from lesson.script.texts import templates
from lesson.script.yamlsource import MAX_BYTES, Located, Path_, line_col, read_yaml


def read_script(path: Path, what: str) -> str:
    """The UTF-8 text of the script at ``path`` (a lesson script, a course file): a missing, unreadable, too large
    or undecodable file is a :class:`UsageError` or :class:`LessonError` saying so, at its line and column."""
    try:
        if not path.is_file():
            if path.is_symlink() and not path.exists():  # a link to itself, or in a loop of links, or dangling
                raise UsageError(f"{what} {path} is a symbolic link to nothing that can be read (a loop, or a missing file)", path)
            raise UsageError(f"no such {what}: {path}", path)
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_BYTES else b""
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}", one_line(str(path), 120)) from None
    if size > MAX_BYTES:
        raise LessonError(f"file is larger than {MAX_BYTES // 1000} kB; a {what} is much smaller", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LessonError([Problem(str(path), line, col, "not UTF-8 text; save the file as UTF-8")]) from None


def validate(text: str, filename: str) -> tuple[Lesson, Located]:
    """The script ``text`` read into a validated, frozen model, and where each of its values stands in the text; a
    :class:`LessonError` listing every problem found (YAML, structure, and placeholders of the steps that parse)."""
    src = read_yaml(text)
    problems = [Problem(filename, line, col, msg) for line, col, msg in src.errors]
    if problems or src.data is None:
        raise LessonError(problems or [Problem(filename, 1, 1, "the file is empty")])
    if not isinstance(src.data, dict):
        raise LessonError([Problem(filename, 1, 1, "a lesson script is a mapping of keys such as id, title, steps")])
    try:
        return Lesson.model_validate(src.data), src
    except ValidationError as exc:
        found = _placeholders_despite(exc, src)
        extra = problems_at(src, filename, found)
        raise LessonError(sorted({*pydantic_problems(exc, src, filename), *extra})) from None


def problems_at(src: Located, filename: str, found: list[Finding], prefix: str = "") -> list[Problem]:
    """Each problem a check found, at its FILE:LINE:COL."""
    return [Problem(filename, *locate(src, f.where, f.at_key, f.needle), prefix + f.message) for f in found]


def locate(src: Located, path: Path_, key: bool, needle: str | tuple[str, int]) -> tuple[int, int]:
    if isinstance(needle, tuple):  # character ``char`` of the text, wherever the text's lines break in the file
        text, char = needle
        span = src.spans.get(path)
        at = _source_offset(src.text, span, text, char) if span is not None and text else None
        return line_col(src.text, at) if at is not None else src.where(path)
    return src.where_text(path, needle) if needle else src.where(path, key=key)


def _source_offset(source: str, span: tuple[int, int], text: str, char: int) -> int | None:
    """Where character ``char`` of the string ``text`` stands in ``source`` within ``span``: the text as written there,
    its spaces perhaps folded into line breaks and indentation (a ``>`` block), else None (escapes, a quoted string
    across lines)."""
    pieces = [p for p in re.split(r"(\s+)", text) if p]
    pattern = "".join("(\\s+)" if p.isspace() else f"({re.escape(p)})" for p in pieces)
    m = re.compile(pattern).search(source, span[0], span[1])
    if m is None:
        return None
    at = 0
    for g, piece in enumerate(pieces, start=1):
        if at + len(piece) > char:
            return m.start(g) + (0 if piece.isspace() else char - at)
        at += len(piece)
    return m.end()


def _placeholders_despite(exc: ValidationError, src: Located) -> list[Finding]:
    """Placeholder problems in a script whose only structural mistakes are inside some steps, so that every problem
    comes in one run: the rest of the script tells the names, the other steps are checked in full, and the broken
    steps' narration and title as far as they are text."""
    errors = exc.errors(include_url=False)
    broken = {e["loc"][1] for e in errors if len(e["loc"]) > 1 and e["loc"][0] == "steps" and isinstance(e["loc"][1], int)}
    steps = src.data.get("steps") if isinstance(src.data, dict) else None
    if not broken or len(broken) != len({e["loc"][:2] for e in errors}) or not isinstance(steps, list):
        return []  # a mistake outside the steps (the names may depend on it), or none inside them
    kept = [i for i in range(len(steps)) if i not in broken]
    try:
        lesson = Lesson.model_validate({**src.data, "steps": [steps[i] for i in kept] or [{"kind": "title", "title": "-", "narration": "-"}]})
    except ValidationError:
        return []
    known = script_names.kinds(lesson)
    texts = [(where, text) for i, step in zip(kept, lesson.steps) for where, text in templates(step, ("steps", i))]
    for i in sorted(broken):
        if isinstance(steps[i], dict):
            texts += [(("steps", i, key), steps[i][key]) for key in ("title", "narration") if isinstance(steps[i].get(key), str)]
    return [Finding(where, msg, needle=needle) for where, text in texts for msg, needle in placeholders.problems(text, known)]
