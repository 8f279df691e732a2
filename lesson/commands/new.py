"""``lesson new``: a new lesson script from the template."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import click

from lesson.commands.common import user_errors
from lesson.base.errors import LessonError, UsageError


@click.command()
@click.argument("name")
@user_errors
def new(name: str) -> None:
    """Write a new, valid lesson script NAME.yaml from a template (never overwrites)."""
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    lesson_id = re.sub(r"[^a-z0-9_-]+", "_", path.stem.lower()).strip("_-") or "lesson"
    if not re.match(r"^[a-z0-9]", lesson_id):
        lesson_id = f"lesson_{lesson_id}"
    template = resources.files("lesson").joinpath("templates", "new_lesson.yaml").read_text(encoding="utf-8")
    if not path.parent.is_dir():
        raise UsageError(f"folder does not exist: {path.parent}")
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(template.replace("__ID__", lesson_id).replace("__TITLE__", path.stem.replace("_", " ").title()))
    except FileExistsError:
        raise LessonError(f"{path} already exists; not overwriting it") from None
    click.echo(f"wrote {path}: edit it, then run `lesson check {path}`")
