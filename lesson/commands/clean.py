"""``lesson clean``: empty the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from lesson.base.cachedir import default_cache_dir
from lesson.commands.common import user_errors
from lesson.base.errors import UsageError


@click.command()
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None, help="The cache to empty.")
@user_errors
def clean(cache_dir: Path | None) -> None:
    """Delete every cached drawing, rendered step and spoken sentence."""
    base = cache_dir or default_cache_dir()
    if base.exists() and not base.is_dir():
        raise UsageError(f"--cache-dir {base}: is a file, not a folder")
    count = {name: len(list((base / name).glob(pattern))) if (base / name).is_dir() else 0
             for name, pattern in (("drawings", "*/script.json"), ("sections", "*.mp4"), ("speech", "s-*.npz"))}
    for folder in ("sections", "drawings", "speech", "voices", "tex", "texts"):
        shutil.rmtree(base / folder, ignore_errors=True)
    click.echo(f"removed {count['drawings']} drawn step(s), {count['sections']} rendered step(s) and {count['speech']} spoken sentence(s) from {base}")
