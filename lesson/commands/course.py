"""``lesson course build``: many lessons into one course."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import click
from rich.console import Console

from lesson.base.cachedir import default_cache_dir
from lesson.render.cluster import parse
from lesson.commands.common import ALLOW_OUTSIDE, CLUSTER, QUALITY_HELP, cluster_executor, user_errors
from lesson.course.build import build_course
from lesson.course.load import check_course
from lesson.package.outdir import check_folder


@click.group()
def course() -> None:
    """Build many lessons into one course: an offline web page and SCORM 1.2 / cmi5 packages."""


@course.command("build")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-q", "--quality", type=click.Choice(list(QUALITY_HELP)), help="Preset for every lesson; default: each script's.")
@click.option("-o", "--out-dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Folder for <course id>/.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Steps rendered at once [default: number of cores].")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None, help="Where rendered sections and speech are kept.")
@click.option("--voice", type=click.Choice(["piper", "espeak", "none"]), default=None, help="Override every script's voice.")
@CLUSTER
@ALLOW_OUTSIDE
@user_errors
def course_build(file: Path, quality: str | None, out_dir: Path, jobs: int | None, cache_dir: Path | None, voice: str | None,
                 cluster: str | None, allow_outside: bool) -> None:
    """Render every lesson of a course file that is not up to date, then write OUT_DIR/<course id>/: index.html,
    <course id>.scorm12.zip, <course id>.cmi5.zip and course.json beside the lesson packages."""
    console = Console(stderr=True)
    started = time.perf_counter()
    check_folder(cache_dir or default_cache_dir(), "--cache-dir")
    check_folder(out_dir, "-o")
    if cluster is not None:
        parse(cluster)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    checked = check_course(file, allow_outside=allow_outside)
    for warning in checked.warnings:
        console.print(f"[yellow]{warning}[/yellow]", markup=True, highlight=False)

    current = threading.local()  # on a cluster the lessons are built at once, each in its thread: its lines name it

    def lesson_started(lesson, k):
        current.lesson = lesson.id
        console.print(f"lesson {k + 1}/{len(checked.lessons)}: {lesson.id} ({lesson.script})", highlight=False)

    def step_started(step, cached):
        if not cached:
            which = f"{current.lesson} " if cluster else ""
            console.print(f"  rendering {which}step {step.index + 1} {step.id} ({step.kind})", highlight=False)

    def step_done(result):
        if result.worker:  # on a cluster: which worker drew it
            how = "rendered" if result.video.drawn else "laid out again"
            console.print(f"  {current.lesson} step {result.step.index + 1} {result.step.id}: {how} on {result.worker}", highlight=False)

    with cluster_executor(cluster, console) as executor:
        result = build_course(checked, out_dir, quality=quality, voice=voice, jobs=jobs or os.cpu_count() or 1, cache_dir=cache_dir,
                              on_lesson=lesson_started, on_start=step_started, on_step=step_done, executor=executor)
    state = "written" if result.written else "up to date, nothing written"
    console.print(f"done in {time.perf_counter() - started:.1f}s: {len(checked.lessons)} lessons, course {state}", highlight=False)
    for path in result.files:
        click.echo(str(path))
