"""User-facing errors: each carries a location and a message, and they are reported all at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MESSAGE_CHARS = 400  # a message quotes the script at most this much: one line, never a wall of text
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` on one line (control characters shown as escapes), cut to ``limit`` characters."""
    text = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= limit else text[: limit - 12] + "…" + text[-11:]


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a lesson script, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        message = one_line(self.message)
        if not self.file:
            return message
        if self.line <= 0:
            return f"{self.file}: {message}"
        return f"{self.file}:{self.line}:{self.column}: {message}"


@dataclass(frozen=True)
class Finding:
    """One problem a check found in a script, before it is given its FILE:LINE:COL (:class:`Problem`): where it is in
    the script's data (keys and list indices: ``("steps", 3, "lines", 0, "expr")``), the message, and what to point
    at: the key itself rather than its value (``at_key``), a text inside the value (``needle``: a string, or the
    value's whole text and a character of it), or a character of the text value at ``where`` (``char``, what a step
    kind's check knows). Every check of the script, the loader's, the computations', the words' and each kind's,
    hands its problems on as these."""

    where: tuple[str | int, ...]
    message: str
    at_key: bool = False
    needle: str | tuple[str, int] = ""
    char: int | None = None

    def under(self, *prefix: str | int) -> Finding:
        """The same problem, its place given from further up (a step kind's ``("lines", 0)`` as ``("steps", 3, ...)``)."""
        return Finding((*prefix, *self.where), self.message, self.at_key, self.needle, self.char)


class LessonError(Exception):
    """A user error: bad input, with no traceback shown. ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem] | str, file: str | Path = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(str(file), 0, 0, problems)]
        self.problems = sorted(set(problems))  # a mistake found by two checks is reported once
        super().__init__("\n".join(map(str, self.problems)))


class UsageError(LessonError):
    """The command line was misused (a missing file, a bad option): exit status 2."""
