"""What every command shares: how a user's error is printed and the exit status it gives, the quality presets'
help, and the options several commands take."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import click

from lesson.base import qualities
from lesson.base.errors import LessonError, UsageError
from lesson.render.cluster import connect

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
    :class:`lesson.render.cluster.DaskExecutor`, disconnected (a local cluster stopped) at the end whatever happens."""
    if spec is None:
        yield None
        return
    executor = connect(spec)  # a malformed spec, no extra, no scheduler: UsageError, exit 2
    try:
        console.print(executor.describe(), highlight=False, soft_wrap=True)
        yield executor
    finally:
        executor.shutdown()
