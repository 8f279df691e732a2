"""User-facing errors: each carries a location and a message, and they are reported all at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a lesson script, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if not self.file:
            return self.message
        if self.line <= 0:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class LessonError(Exception):
    """A user error: bad input, with no traceback shown. ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem] | str, file: str | Path = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(str(file), 0, 0, problems)]
        self.problems = sorted(problems)
        super().__init__("\n".join(map(str, self.problems)))


class UsageError(LessonError):
    """The command line was misused (a missing file, a bad option): exit status 2."""
