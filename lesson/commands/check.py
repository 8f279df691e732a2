"""``lesson check``: validate lesson scripts and courses."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lesson.check import check_lesson
from lesson.commands.common import ALLOW_OUTSIDE, user_errors
from lesson.course.load import check_course, looks_like_course
from lesson.base.errors import LessonError, UsageError


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (such as poor contrast) as errors.")
@ALLOW_OUTSIDE
@user_errors
def check(files: tuple[Path, ...], strict: bool, allow_outside: bool) -> None:
    """Validate lesson scripts; print FILE: ok or every problem found.

    A script that passes goes through the math core and the planner here too, so it renders.
    """
    status = 0
    for path in files:
        try:  # a course file (top-level `lessons:`) is checked with every lesson it names
            checked = (check_course if looks_like_course(path) else check_lesson)(path, allow_outside=allow_outside)
        except UsageError:
            raise
        except LessonError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            status = 1
        else:
            for warning in checked.warnings:
                click.echo(str(warning), err=True)
            if strict and checked.warnings:
                status = 1
            else:
                click.echo(f"{path}: ok")
    sys.exit(status)
