"""The `lesson` command line: a thin layer over the script loader, the numbers and the renderer.

User errors print as ``FILE:LINE:COL: message`` lines and exit 1 (2 for
command-line misuse); they never show a Python traceback. Manim is imported
only by ``lesson render``, so ``check``, ``numbers`` and ``schema`` answer fast.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from lesson import __version__, qualities
from lesson.errors import LessonError, UsageError

F = TypeVar("F", bound=Callable[..., Any])
QUALITY_HELP = {name: qualities.label(name) for name in qualities.NAMES}  # the presets: name -> "480p15"


def user_errors(fn: F) -> F:
    """Turn LessonError into readable messages and an exit status: 1 for bad input, 2 for misuse.

    Anything else is a bug of ours: one line saying so (never a traceback; ``LESSON_DEBUG=1`` shows it), exit 1.
    """

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LessonError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(2 if isinstance(exc, UsageError) else 1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BaseException as exc:  # noqa: BLE001 - the one place that turns a bug into a message
            import os

            if os.environ.get("LESSON_DEBUG"):
                raise
            step = getattr(exc, "lesson_step", None)
            where = f" in step {step}" if step else ""
            text = " ".join(str(exc).split())[:300]
            click.echo(f"internal error{where}, please report it: {type(exc).__name__}: {text}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


ALLOW_OUTSIDE = click.option(
    "--allow-outside", is_flag=True, help="Let the script read files outside its own folder (only for scripts you trust)."
)
CLUSTER = click.option(
    "--cluster", metavar="ADDRESS|local:N", default=None,
    help="Draw the steps on a Dask cluster: a running scheduler (tcp://host:8786) or local:N (N worker processes started "
         "for this run); -j is then the cluster's. Needs the cluster extra and a --cache-dir every worker sees (docs/cluster.md).",
)


@contextmanager
def cluster_executor(spec: str | None, console) -> Iterator[Any]:
    """None without --cluster (local worker processes; Dask is not imported), else a connected
    :class:`lesson.cluster.DaskExecutor`, disconnected (a local cluster stopped) at the end whatever happens."""
    if spec is None:
        yield None
        return
    from lesson.cluster import connect

    executor = connect(spec)  # a malformed spec, no extra, no scheduler: UsageError, exit 2
    try:
        console.print(executor.describe(), highlight=False, soft_wrap=True)
        yield executor
    finally:
        executor.shutdown()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="lesson")
def cli() -> None:
    """Turn a YAML lesson script into a narrated, animated lesson video.

    \b
    Typical use:
      lesson check lessons/argmax_softmax.yaml
      lesson numbers lessons/argmax_softmax.yaml
      lesson render lessons/argmax_softmax.yaml -q low
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (such as poor contrast) as errors.")
@ALLOW_OUTSIDE
@user_errors
def check(files: tuple[Path, ...], strict: bool, allow_outside: bool) -> None:
    """Validate lesson scripts; print FILE: ok or every problem found.

    A script that passes goes through the math core and the planner here too, so it renders.
    """
    from lesson.course.load import check_course, looks_like_course
    from lesson.check import check_lesson

    status = 0
    for path in files:
        try:  # a course file (top-level `lessons:`) is checked with every lesson it names
            checked = (check_course if looks_like_course(path) else check_lesson)(path, allow_outside=allow_outside)
        except UsageError:
            raise
        except LessonError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            status = 1
        else:
            for warning in checked.warnings:
                click.echo(str(warning), err=True)
            if strict and checked.warnings:
                status = 1
            else:
                click.echo(f"{path}: ok")
    sys.exit(status)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object at full float precision.")
@ALLOW_OUTSIDE
@user_errors
def numbers(file: Path, as_json: bool, allow_outside: bool) -> None:
    """Print every number the lesson will show, computed by the math core."""
    from lesson.check import check_lesson
    from lesson.digits import whole_digits
    from lesson.plan import forms_of
    from lesson.script import limits
    from lesson.script.placeholders import format_value
    from lesson.truth import scientific

    checked = check_lesson(file, allow_outside=allow_outside)
    lesson, nums = checked.lesson, checked.numbers
    if as_json:
        click.echo(json.dumps(nums.to_json(), indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    d = lesson.display.decimals
    forms = forms_of(checked.plan)  # each number in its one form in the lesson, where the lesson shows it
    table = Table(title=f"{lesson.title} ({file})", title_justify="left")
    table.add_column("placeholder", style="cyan")
    table.add_column("shown as", justify="right")
    table.add_column("value", justify="right", style="dim")
    for name, value in nums.values().items():
        too_large = not isinstance(value, str) and whole_digits(float(value)) > limits.NUMBER_RUN_DIGITS
        shown = scientific(float(value), 3) if too_large else forms.get(name) or format_value(value, "", d)  # too large: check says why
        table.add_row(f"{{{name}}}", str(shown), repr(value) if not isinstance(value, str) else "")
    Console().print(table)


@cli.command("kinds")
@click.option("--new", "new_name", metavar="NAME", help="Write a new built-in kind NAME into this source tree: its options "
              "and builder, scene, example lesson and test, listed in lesson.kinds.BUILTIN; then refresh the docs.")
@click.option("--refresh-docs", is_flag=True, help="Write the kinds table of lessons/README.md and docs/lesson.schema.json "
              "again from the registry.")
@user_errors
def kinds_command(new_name: str | None, refresh_docs: bool) -> None:
    """List the step kinds a script can use: built in, and from installed plug-ins."""
    from lesson import kinds, scaffold

    if new_name is not None:
        written = scaffold.new_kind(new_name)
        # a new process: this one's registry was read before the kind existed
        done = subprocess.run([sys.executable, "-m", "lesson", "kinds", "--refresh-docs"], cwd=scaffold.ROOT)
        for path in written:
            click.echo(f"wrote {path.relative_to(scaffold.ROOT)}")
        if done.returncode == 0:
            click.echo(f"next: edit lesson/kinds/{new_name}.py and scenes/{new_name}.py, then "
                       f".venv/bin/python -m pytest tests/test_kind_{new_name}.py and lesson kinds --refresh-docs")
        raise SystemExit(done.returncode)
    if refresh_docs:
        for path in scaffold.refresh_docs():
            click.echo(f"wrote {path.relative_to(scaffold.ROOT)}")
        return
    for kind in kinds.registry().values():
        origin = "" if kind.source == "built in" else f"  (from {kind.source})"
        click.echo(f"{kind.name:<20} {kind.summary}{origin}")


@cli.command("words")
@click.option("--language", default="en", show_default=True, help="The language whose table to print.")
def words_command(language: str) -> None:
    """List the words the built-in scenes draw, by key: a script's words: section replaces them."""
    from lesson.words import table

    for key, text in table(language).items():
        click.echo(f"{key:<24} {text}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the lesson script format."""
    from lesson.scaffold import schema_document
    from lesson.script.model import Lesson

    click.echo(json.dumps(schema_document(Lesson), indent=2))


@cli.command()
@click.argument("name")
@user_errors
def new(name: str) -> None:
    """Write a new, valid lesson script NAME.yaml from a template (never overwrites)."""
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    lesson_id = re.sub(r"[^a-z0-9_-]+", "_", path.stem.lower()).strip("_-") or "lesson"
    if not re.match(r"^[a-z0-9]", lesson_id):
        lesson_id = f"lesson_{lesson_id}"
    template = resources.files("lesson").joinpath("templates", "new_lesson.yaml").read_text(encoding="utf-8")
    if not path.parent.is_dir():
        raise UsageError(f"folder does not exist: {path.parent}")
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(template.replace("__ID__", lesson_id).replace("__TITLE__", path.stem.replace("_", " ").title()))
    except FileExistsError:
        raise LessonError(f"{path} already exists; not overwriting it") from None
    click.echo(f"wrote {path}: edit it, then run `lesson check {path}`")


@cli.command()
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
    import dataclasses
    import os
    import signal
    import time

    from rich.console import Console

    from lesson.build import build
    from lesson.outdir import check_folder
    from lesson.cachedir import default_cache_dir
    from lesson.check import check_lesson

    console = Console(stderr=True)
    started = time.perf_counter()
    check_folder(cache_dir or default_cache_dir(), "--cache-dir")  # before any work: a folder that cannot be written
    check_folder(out_dir, "-o")  # is misuse (exit 2)
    if cluster is not None:
        from lesson.cluster import parse

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


@cli.group()
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
    import os
    import signal
    import time

    from rich.console import Console

    from lesson.cachedir import default_cache_dir
    from lesson.course.build import build_course
    from lesson.course.load import check_course
    from lesson.outdir import check_folder

    console = Console(stderr=True)
    started = time.perf_counter()
    check_folder(cache_dir or default_cache_dir(), "--cache-dir")
    check_folder(out_dir, "-o")
    if cluster is not None:
        from lesson.cluster import parse

        parse(cluster)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    checked = check_course(file, allow_outside=allow_outside)
    for warning in checked.warnings:
        console.print(f"[yellow]{warning}[/yellow]", markup=True, highlight=False)

    import threading

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


@cli.command()
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None, help="The cache to empty.")
@user_errors
def clean(cache_dir: Path | None) -> None:
    """Delete every cached drawing, rendered step and spoken sentence."""
    import shutil

    from lesson.cachedir import default_cache_dir

    base = cache_dir or default_cache_dir()
    if base.exists() and not base.is_dir():
        raise UsageError(f"--cache-dir {base}: is a file, not a folder")
    count = {name: len(list((base / name).glob(pattern))) if (base / name).is_dir() else 0
             for name, pattern in (("drawings", "*/script.json"), ("sections", "*.mp4"), ("speech", "s-*.npz"))}
    for folder in ("sections", "drawings", "speech", "voices", "tex", "texts"):
        shutil.rmtree(base / folder, ignore_errors=True)
    click.echo(f"removed {count['drawings']} drawn step(s), {count['sections']} rendered step(s) and {count['speech']} spoken sentence(s) from {base}")


def main() -> None:
    cli()
