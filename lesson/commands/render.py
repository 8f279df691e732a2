"""``lesson render``: a lesson script to its video package."""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

import click
from rich.console import Console

from lesson.package.build import build
from lesson.base.cachedir import default_cache_dir
from lesson.check import check_lesson
from lesson.render.cluster import parse
from lesson.commands.common import ALLOW_OUTSIDE, CLUSTER, QUALITY_HELP, cluster_executor, user_errors
from lesson.base.errors import UsageError
from lesson.package.outdir import check_folder


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-q", "--quality", type=click.Choice(list(QUALITY_HELP)), help=f"Preset; default: the script's (course = {QUALITY_HELP['course']}).")
@click.option("-o", "--out-dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Folder for <lesson id>.mp4.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Steps rendered at once [default: number of cores].")
@click.option("--only", "only", multiple=True, help="Render only these step ids (repeatable), for previews.")
@click.option("--no-cache", is_flag=True, help="Render every step again, ignoring cached sections.")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None, help="Where rendered sections and speech are kept.")
@click.option("--voice", type=click.Choice(["piper", "espeak", "none"]), default=None, help="Override the script's voice; 'none' renders without sound.")
@click.option("--burn-captions", is_flag=True, help="Also draw the captions into the picture, in the bottom band.")
@click.option("--strict-layout", is_flag=True, help="Fail (exit 1) when a step's layout has a problem, instead of warning.")
@CLUSTER
@ALLOW_OUTSIDE
@user_errors
def render(
    file: Path,
    quality: str | None,
    out_dir: Path,
    jobs: int | None,
    only: tuple[str, ...],
    no_cache: bool,
    cache_dir: Path | None,
    voice: str | None,
    burn_captions: bool,
    strict_layout: bool,
    cluster: str | None,
    allow_outside: bool,
) -> None:
    """Render a lesson script to OUT_DIR/<lesson id>.mp4 with captions, chapters, transcript, poster and manifest."""
    console = Console(stderr=True)
    started = time.perf_counter()
    check_folder(cache_dir or default_cache_dir(), "--cache-dir")  # before any work: a folder that cannot be written
    check_folder(out_dir, "-o")  # is misuse (exit 2)
    if cluster is not None:
        parse(cluster)  # a malformed --cluster is misuse too, told before the script is read
    # SIGTERM stops a render as Ctrl-C does: the workers are stopped, no partial file is left, the lock is let go
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    checked = check_lesson(file, allow_outside=allow_outside)
    lesson, numbers, plan = checked.lesson, checked.numbers, checked.plan
    for warning in checked.warnings:
        console.print(f"[yellow]{warning}[/yellow]", markup=True, highlight=False)
    if only:
        known = {s.id for s in plan.steps}
        unknown = [o for o in only if o not in known]
        if unknown:
            raise UsageError(f"no step with id {', '.join(unknown)} (ids: {', '.join(sorted(known))})")
        plan = dataclasses.replace(plan, steps=tuple(s for s in plan.steps if s.id in only))
    total = len(plan.steps)
    done = [0]

    def started_step(step, cached):
        if not cached:
            console.print(f"  rendering step {step.index + 1}/{len(lesson.steps)} {step.id} ({step.kind})")

    def finished(result):
        done[0] += 1
        how = "cached" if result.cached else "rendered" if result.video.drawn else "laid out again for its new narration"
        if result.worker:
            how += f" on {result.worker}"
        console.print(f"[{done[0]}/{total}] {result.step.id}: {how}")
        for problem in result.layout_problems:
            console.print(f"  [yellow]layout: {problem}[/yellow]")

    with cluster_executor(cluster, console) as executor:
        result = build(
            plan,
            numbers,
            out_dir,
            quality=quality,
            voice=voice or lesson.narration.voice,
            words_per_minute=lesson.narration.words_per_minute,
            poster=lesson.video.poster,
            burn_captions=burn_captions,
            jobs=jobs or os.cpu_count() or 1,
            cache_dir=cache_dir,
            use_cache=not no_cache,
            on_step=finished,
            on_start=started_step,
            strict_layout=strict_layout,
            executor=executor,
        )
    sound = f", {result.loudness:.1f} LUFS" if result.loudness is not None else ", no sound"
    console.print(f"done in {time.perf_counter() - started:.1f}s: {result.duration:.1f}s of video{sound}")
    for path in result.files:
        click.echo(str(path))
