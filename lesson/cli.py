"""The `lesson` command line."""

from __future__ import annotations

import click

from lesson import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="lesson")
def cli() -> None:
    """Turn a YAML lesson script into a narrated, animated lesson video."""


def main() -> None:
    cli()
