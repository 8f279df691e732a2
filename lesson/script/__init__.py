"""Lesson scripts: YAML text -> a validated, frozen :class:`Lesson` model, or every problem at once."""

from lesson.script.load import Checked, check_lesson, load_lesson, parse_lesson
from lesson.script.model import Lesson

__all__ = ["Checked", "Lesson", "check_lesson", "load_lesson", "parse_lesson"]
