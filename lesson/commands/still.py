"""``lesson still``: the picture of one step at one moment."""

from __future__ import annotations

from pathlib import Path

import click

from lesson.base.cachedir import default_cache_dir
from lesson.commands.common import ALLOW_OUTSIDE, QUALITY_HELP, user_errors
from lesson.package.outdir import check_folder
from lesson.preview.still import still as take_still


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--step", "step_id", required=True, metavar="ID", help="The step to picture.")
@click.option("--at", "at", metavar="CUE|SECONDS", default=None,
              help="When: a cue the voice speaks (softmax.setosa, sentence.2), seconds from the step's start, or end [default: end].")
@click.option("-q", "--quality", type=click.Choice(list(QUALITY_HELP)), help="Preset; default: the script's.")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None, help="The PNG to write [default: <lesson id>.<step id>.png].")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None, help="Where rendered sections and speech are kept.")
@click.option("--voice", type=click.Choice(["piper", "espeak", "none"]), default=None, help="Override the script's voice.")
@ALLOW_OUTSIDE
@user_errors
def still(file: Path, step_id: str, at: str | None, quality: str | None, out: Path | None, cache_dir: Path | None,
          voice: str | None, allow_outside: bool) -> None:
    """Write the picture of one step at one moment as a PNG, from the step's cached video when there is one."""
    check_folder(cache_dir or default_cache_dir(), "--cache-dir")
    if out is not None:
        check_folder(out.parent if str(out.parent) else Path("."), "-o")
    picture = take_still(file, step_id, at, quality=quality, voice=voice, cache_dir=cache_dir, allow_outside=allow_outside)
    target = out or Path(f"{picture.lesson_id}.{picture.step.id}.png")
    target.parent.mkdir(parents=True, exist_ok=True)  # a folder -o names that is not there yet (check_folder said it can be made)
    target.write_bytes(picture.png)
    how = "from the cache" if picture.cached else "rendered"
    click.echo(f"{target}: step {picture.step.id} at {picture.seconds:.3f} s (frame {picture.frame}, {how})")
