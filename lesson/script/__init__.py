"""Lesson scripts: YAML text -> a validated, frozen :class:`Lesson` model, or every problem at once."""

from lesson.script.load import load_lesson, parse_lesson
from lesson.script.model import Lesson

__all__ = ["Lesson", "load_lesson", "parse_lesson"]
