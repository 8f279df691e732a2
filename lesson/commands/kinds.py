"""``lesson kinds``: the step kinds, a new kind's scaffold, the generated docs."""

from __future__ import annotations

import subprocess
import sys

import click

from lesson import kinds

from lesson.commands import scaffold
from lesson.commands.common import user_errors


@click.command("kinds")
@click.option("--new", "new_name", metavar="NAME", help="Write a new built-in kind NAME into this source tree: its options "
              "and builder, scene, example lesson and test, listed in lesson.kinds.BUILTIN; then refresh the docs.")
@click.option("--refresh-docs", is_flag=True, help="Write the kinds table of lessons/README.md and docs/lesson.schema.json "
              "again from the registry.")
@user_errors
def kinds_command(new_name: str | None, refresh_docs: bool) -> None:
    """List the step kinds a script can use: built in, and from installed plug-ins."""
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
