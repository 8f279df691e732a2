"""``lesson schema``: the JSON Schema of the script format."""

from __future__ import annotations

import json

import click

from lesson.commands.scaffold import schema_document
from lesson.script.model import Lesson


@click.command()
def schema() -> None:
    """Print the JSON Schema of the lesson script format."""
    click.echo(json.dumps(schema_document(Lesson), indent=2))
