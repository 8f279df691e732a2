"""Files a lesson script names: they must lie inside the script's folder unless the author allows otherwise.

A script someone else wrote must not make ``lesson`` read ``/etc/passwd`` or ``../../secret``; the path rule
is checked after following symbolic links. ``--allow-outside`` on the command line lifts it for a trusted
script. Messages never show a file's content.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from lesson.base.errors import LessonError


def script_file(base: Path, name: str, what: str, *, allow_outside: bool = False) -> Path:
    """The existing regular file ``name`` (relative to the script's folder ``base``), or a LessonError saying why not."""
    if "\x00" in name:
        raise LessonError(f"{what} {name!r}: a file name cannot hold a NUL character")
    if os.path.isabs(name) and not allow_outside:
        raise LessonError(f"{what} {name!r}: write a path relative to the lesson script (or pass --allow-outside)")
    try:
        os.stat(base / name)  # follows every link: a loop, or more links than the system follows, fails here
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LessonError(f"{what} {name!r} is a symbolic link that leads back to itself (a loop), "
                              "or a chain of too many links") from None
        # anything else (missing, no permission, a name too long) is said below, after the folder rule
    try:
        path = (base / name).resolve()
        folder = base.resolve()
        if not allow_outside and not path.is_relative_to(folder):
            raise LessonError(f"{what} {name!r} is outside the lesson script's folder (pass --allow-outside to allow it)")
        if not path.is_file():
            raise LessonError(f"{what} {name!r} not found next to the lesson script" if not path.exists()
                              else f"{what} {name!r} is not a regular file (a folder, a pipe or a device)")
        with path.open("rb"):
            pass
    except OSError as exc:  # a name too long for the file system, no permission, ...
        raise LessonError(f"{what} {name!r} cannot be read: {exc.strerror or exc}") from None
    return path
