"""``lesson numbers``: every number a lesson shows, in its one form, and the math core's value."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from lesson.check import check_lesson, number_rows
from lesson.commands.common import ALLOW_OUTSIDE, user_errors


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object at full float precision.")
@ALLOW_OUTSIDE
@user_errors
def numbers(file: Path, as_json: bool, allow_outside: bool) -> None:
    """Print every number the lesson will show, computed by the math core."""
    checked = check_lesson(file, allow_outside=allow_outside)
    lesson, nums = checked.lesson, checked.numbers
    if as_json:
        click.echo(json.dumps(nums.to_json(), indent=2))
        return
    table = Table(title=f"{lesson.title} ({file})", title_justify="left")
    table.add_column("placeholder", style="cyan")
    table.add_column("shown as", justify="right")
    table.add_column("value", justify="right", style="dim")
    for name, shown, value in number_rows(checked):
        table.add_row(f"{{{name}}}", shown, value)
    Console().print(table)
