"""Render times of two versions of the code, alternating (prints figures; not a test).

    .venv/bin/python bench/compare.py OLD_TREE NEW_TREE [-q low|course] [--rounds 3] [-j 2]

OLD_TREE and NEW_TREE are checkouts of the project (``git worktree add /tmp/old REV``). Each round renders the
default lesson with the old code, then with the new (in that order, then the other way round in the next round,
so that a slow spell of the machine does not favour one), each as the command an author types, from an empty
cache of rendered steps. The voice is spoken once up front into a speech cache both share, so that the figures
measure rendering. Prints every run and the medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def render(tree: Path, quality: str, out: Path, cache: Path, jobs: int) -> float:
    script = tree / "lessons" / "argmax_softmax.yaml"
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lesson", "render", str(script), "-q", quality, "-o", str(out), "--cache-dir", str(cache), "-j", str(jobs)],
        cwd=tree, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(tree)},
    )
    return time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("-q", "--quality", default="course")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    times: dict[str, list[float]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name, tree in (("old", args.old), ("new", args.new)):  # speak once; render caches are thrown away below
            render(tree.resolve(), args.quality, base / f"warm-{name}", base / f"cache-{name}", args.jobs)
        for r in range(args.rounds):
            order = ("old", "new") if r % 2 == 0 else ("new", "old")
            for name in order:
                tree = (args.old if name == "old" else args.new).resolve()
                cache = base / f"cache-{name}"
                for folder in cache.iterdir():  # keep the spoken sentences, drop every drawn and rendered step
                    if folder.name not in ("speech", "voices") and folder.is_dir():
                        shutil.rmtree(folder)
                seconds = render(tree, args.quality, base / f"out-{name}-{r}", cache, args.jobs)
                times[name].append(seconds)
                print(f"round {r + 1} {name}: {seconds:.1f} s", flush=True)
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"{args.quality}, -j{args.jobs}, {args.rounds} rounds: old {old:.1f} s, new {new:.1f} s (median), new/old {new / old:.3f}")


if __name__ == "__main__":
    main()
