"""``lesson preview``: a live page of a lesson, rendered again on every save."""

from __future__ import annotations

import os
from pathlib import Path

import click

from lesson.base.cachedir import default_cache_dir
from lesson.commands.common import ALLOW_OUTSIDE, QUALITY_HELP, user_errors
from lesson.base.errors import UsageError
from lesson.package.outdir import check_folder
from lesson.preview.session import run


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="The port on 127.0.0.1 (0: any free one).")
@click.option("-q", "--quality", type=click.Choice(list(QUALITY_HELP)), default="low", show_default=True, help="Preset of the preview.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Steps rendered at once [default: number of cores].")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None, help="Where rendered sections and speech are kept.")
@click.option("--voice", type=click.Choice(["piper", "espeak", "none"]), default=None, help="Override the script's voice.")
@ALLOW_OUTSIDE
@user_errors
def preview(file: Path, port: int, quality: str, jobs: int | None, cache_dir: Path | None, voice: str | None, allow_outside: bool) -> None:
    """Render FILE (a lesson or a course) at a preview quality and show it on a page at http://127.0.0.1:PORT/,
    rendered again (only the changed steps) each time the script or a file it uses is saved. Ctrl-C stops it."""
    check_folder(cache_dir or default_cache_dir(), "--cache-dir")
    if not file.is_file():
        raise UsageError(f"{file}: no such file")
    run(file, port=port, quality=quality, jobs=jobs or os.cpu_count() or 1, cache_dir=cache_dir or default_cache_dir(),
        voice=voice, allow_outside=allow_outside, say=lambda line: click.echo(line, err=True))
