"""The `lesson` command line: a thin group over the commands of :mod:`lesson.commands`, one module each.

A command's module is imported only when that command runs (or when ``--help`` lists them all), so ``lesson check``
never loads the renderer and ``lesson render`` never loads the preview's server. User errors print as
``FILE:LINE:COL: message`` lines and exit 1 (2 for command-line misuse); they never show a Python traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from lesson import __version__

# command name -> "module:attribute" of its click command
COMMANDS = {
    "check": "lesson.commands.check:check",
    "numbers": "lesson.commands.numbers:numbers",
    "kinds": "lesson.commands.kinds:kinds_command",
    "words": "lesson.commands.words:words_command",
    "schema": "lesson.commands.schema:schema",
    "new": "lesson.commands.new:new",
    "render": "lesson.commands.render:render",
    "still": "lesson.commands.still:still",
    "preview": "lesson.commands.preview:preview",
    "course": "lesson.commands.course:course",
    "clean": "lesson.commands.clean:clean",
}


class LazyGroup(click.Group):
    """A group whose commands are loaded by name when used (click's own pattern for lazy subcommands)."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
        return command


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="lesson")
def cli() -> None:
    """Turn a YAML lesson script into a narrated, animated lesson video.

    \b
    Typical use:
      lesson check lessons/argmax_softmax.yaml
      lesson numbers lessons/argmax_softmax.yaml
      lesson render lessons/argmax_softmax.yaml -q low
    """


def main() -> None:
    cli()
