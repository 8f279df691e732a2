"""``lesson words``: the words the built-in scenes draw."""

from __future__ import annotations

import click

from lesson.base.words import table


@click.command("words")
@click.option("--language", default="en", show_default=True, help="The language whose table to print.")
def words_command(language: str) -> None:
    """List the words the built-in scenes draw, by key: a script's words: section replaces them."""
    for key, text in table(language).items():
        click.echo(f"{key:<24} {text}")
