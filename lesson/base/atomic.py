"""Writing a file whole or not at all: one helper for every such write.

A file is written under a hidden name beside it that carries this process's id (``.<name>.<pid>``, so that
:func:`lesson.base.cachedir.remove_stale_work_files` can tell a killed process's leftovers) and renamed into place,
so no other process, and no later run after a kill, ever reads half a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def work_name(target: str | Path, suffix: str = "") -> Path:
    """The hidden name ``target`` is written under by this process (``suffix`` for writers that insist on one)."""
    target = Path(target)
    return target.with_name(f".{target.name}.{os.getpid()}{suffix}")


@contextmanager
def replacing(target: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield the work name to write; when the block ends without an error it replaces ``target`` (on an error
    nothing changes and the half-written file is removed)."""
    tmp = work_name(target, suffix)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()
