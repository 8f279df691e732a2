"""The cache folder: where it is, and clearing out what renders that were killed left in it.

Every work file and folder in the cache carries the pid of the process writing it (see :mod:`lesson.base.atomic`), so a
later render can tell a dead process's leftovers from a live one's.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

STALE_SECONDS = 3600.0  # a work file untouched this long was left by a render that was killed
DEAD_OWNER_SECONDS = 60.0  # ... and sooner, if the process its name carries is gone (a short grace, in case the
# cache is shared with processes whose pids this one cannot see: another container, another host)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lesson"


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (one that ended but was not reaped yet)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] != "Z"
    except (OSError, ValueError, IndexError):
        return True


def _owner(name: str) -> int | None:
    """The pid a work file's name carries: ``.work-<pid>-…``, ``.draw-<pid>-…``, ``.old-<pid>-…`` (folders),
    ``….<pid>``, ``….<pid>.npz`` (files)."""
    m = re.match(r"\.(?:work|draw|old)-(\d+)-", name) or re.search(r"\.(\d+)(?:\.npz)?$", name)
    return int(m.group(1)) if m else None


def _last_touched(path: Path) -> float:
    """The newest modification time of ``path`` and, for a folder, of everything in it."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for p in path.rglob("*"):
            try:
                newest = max(newest, p.lstat().st_mtime)
            except OSError:
                pass
    return newest


def _remove_stale(folder: Path, patterns: tuple[str, ...], age: float = STALE_SECONDS) -> None:
    """Remove work files and folders matching ``patterns`` left by renders that were killed: those whose name
    carries the pid of a process that is gone (untouched for DEAD_OWNER_SECONDS), and any untouched for ``age``
    seconds (a live render's are newer)."""
    now = time.time()
    for pattern in patterns:
        for path in folder.glob(pattern):
            try:
                idle = now - _last_touched(path)
                owner = _owner(path.name)
                gone = owner is not None and owner != os.getpid() and not pid_alive(owner)
                if idle > age or (gone and idle > DEAD_OWNER_SECONDS):
                    shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            except OSError:
                pass


def remove_stale_work_files(cache_dir: Path) -> None:
    """Clean the cache of what killed renders left: work folders, half-written drawings, sections, pictures, speech."""
    _remove_stale(cache_dir / "sections", (".*", "lesson-*", "*.json.[0-9]*"))  # lesson-*, *.json.<pid>: older names
    _remove_stale(cache_dir / "drawings", (".*", "*/.*"))  # .draw-<pid>-… being written, .old-…, stills being encoded
    for pictures in ("tex", "texts"):
        _remove_stale(cache_dir / pictures, (".*",))  # .work-<pid>-… folders, .<name>.svg.<pid>
        if (cache_dir / pictures).is_dir():  # one folder per step id: the older layout, no longer read
            for old in (cache_dir / pictures).iterdir():
                if old.is_dir() and not old.name.startswith("."):
                    _remove_stale(cache_dir / pictures, (old.name,))
    _remove_stale(cache_dir / "speech", ("*.tmp*", "*.[0-9]*.npz", ".*"))
    _remove_stale(cache_dir / "voices", (".*",))
