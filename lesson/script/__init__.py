"""Lesson scripts: YAML text -> a validated, frozen :class:`Lesson` model, or every problem at once.

The names below are loaded on first use, so that ``lesson.script.parts`` (which step kinds build on) can be
imported while the script model, made from the registry of step kinds, is still being built.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Checked", "Lesson", "check_lesson", "load_lesson", "parse_lesson"]


def __getattr__(name: str) -> Any:
    if name == "Lesson":
        from lesson.script.model import Lesson

        return Lesson
    if name in __all__:
        from lesson.script import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
