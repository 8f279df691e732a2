"""The output folder: checked before any work, and written by one render at a time.

A render holds the folder's lock (an advisory flock of ``DIR/.lesson.lock``) while it writes there, so that renders
into one folder never remove each other's files (each clears the stale ``.<id>-*`` folders of killed renders, which
only a render holding the lock may do).
"""

from __future__ import annotations

import fcntl
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TypeVar

from lesson.render import workers
from lesson.base.cachedir import default_cache_dir
from lesson.base.errors import UsageError

LOCK_NAME = ".lesson.lock"  # in the output folder while a render writes there; holds the renderer's pid
R = TypeVar("R")


def check_folder(path: Path, what: str) -> None:
    """A UsageError unless ``path`` is a folder this process can write into, or can make, tried by writing a file.

    For the command line to call before any work; ``what`` names the option (``-o``, ``--cache-dir``).
    """
    try:
        if path.exists() and not path.is_dir():
            raise UsageError(f"{what} {path}: is a file, not a folder")
        existing = path  # a folder not made yet is checked where it would be made: nothing is created here
        while not existing.exists():
            if existing.parent == existing:
                break
            existing = existing.parent
        if not existing.is_dir():
            raise UsageError(f"{what} {path}: cannot create the folder: {existing} is a file")
    except OSError as exc:  # a name too long, a loop of links, ...
        raise UsageError(f"{what} {path}: {exc.strerror or exc}") from None
    try:
        # a name no render's stale-folder rule (".<lesson id>-*", the id has no dot) can match
        with tempfile.NamedTemporaryFile(prefix=f".lesson.check-{os.getpid()}-", dir=existing):
            pass
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot write into {existing}: {exc.strerror or exc}") from None


def _lock_holder(fd: int) -> str:
    for _ in range(20):  # the holder writes its pid just after it takes the lock
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text:
            return text
        time.sleep(0.05)
    return ""


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s lock (an advisory flock of ``out_dir/.lesson.lock``): one render at a time writes into a
    folder. Another render waits for it, saying so once on stderr. The file is removed when the lock is let go."""
    path = out_dir / LOCK_NAME
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not told:
                    holder = _lock_holder(fd)
                    who = f"process {holder}" if holder.isdigit() else "another process"
                    print(f"waiting for {who}, which is rendering into {out_dir}/", file=sys.stderr, flush=True)
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            mine, now = os.fstat(fd), os.stat(path)  # the holder removes the file as it lets go: lock the new one then
            locked = (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)
        except FileNotFoundError:
            locked = False
        except BaseException:
            os.close(fd)
            raise
        if locked:
            break
        os.close(fd)
    workers.inherited_fds.add(fd)  # the workers forked meanwhile close their copy
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        workers.inherited_fds.discard(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)


def one_render_per_folder(fn: Callable[..., R]) -> Callable[..., R]:
    """Check the output and cache folders first, and hold the output folder's lock while ``fn`` runs."""

    @wraps(fn)
    def locked(plan, numbers, out_dir: Path, **options) -> R:
        check_folder(out_dir, "output folder")
        check_folder(options.get("cache_dir") or default_cache_dir(), "cache folder")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"output folder {out_dir}: cannot create it: {exc.strerror or exc}") from None
        with output_lock(out_dir):
            return fn(plan, numbers, out_dir, **options)

    return locked
