"""The render's worker processes: forked early, ending with the main process, TeX sandboxed, Manim patched.

Each worker leaves Ctrl-C to the main process (which stops the workers), ends as soon as the main process does (even
when that is killed with SIGKILL), closes the main process's descriptors it must not keep (the output folder's
lock), and imports and patches Manim once, as it starts (while the main process may be speaking the narration).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from lesson.manim import adapter as manim_adapter
from lesson.manim.texsandbox import TEX_SANDBOX

PR_SET_PDEATHSIG = 1  # linux/prctl.h
inherited_fds: set[int] = set()  # the main process's descriptors a worker must not keep (the output folder's lock)


def start_pool(workers: int) -> ProcessPoolExecutor:
    """Fork ``workers`` worker processes now."""
    manim_adapter.check()  # here, before the fork: a version mismatch is told once, not by every worker
    ctx = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=start_worker,
        initargs=(os.getpid(), threading.current_thread() is threading.main_thread()),
    )
    pool.submit(int)  # with fork, every worker starts now, at the first task
    return pool


def kill(pool: ProcessPoolExecutor) -> None:
    """End every worker of ``pool`` at once (every file a worker writes is renamed into place whole, so nothing
    half-made stays)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # CPython keeps them there
        process.kill()


def _die_with_parent(parent: int, forked_by_main_thread: bool) -> None:
    """End this process as soon as ``parent`` does, even when it is killed with SIGKILL (which it cannot pass on)."""
    if sys.platform.startswith("linux") and forked_by_main_thread:  # the signal comes when the forking *thread* ends
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            no = ctypes.c_ulong(0)
            libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), no, no, no)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)

    def watch() -> None:  # the fallback, where prctl is not there: look every second
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="lesson-parent-watch", daemon=True).start()


def start_worker(parent: int | None = None, forked_by_main_thread: bool = True) -> None:
    """Each worker: ends with the main process, leaves Ctrl-C to it (it stops the workers), runs TeX sandboxed,
    and imports Manim once, as it starts, with the project's changes to it (:mod:`lesson.manim.adapter`)."""
    if parent is not None:
        _die_with_parent(parent, forked_by_main_thread)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the main process kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler, inherited through fork
    for fd in inherited_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    os.environ.update(TEX_SANDBOX)
    import manim  # noqa: F401

    manim_adapter.install()
