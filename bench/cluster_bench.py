"""Cluster benchmark: a course drawn by the local worker processes and by Dask (`--cluster local:N`), and a paper
estimate of a 50-lesson course on 10 and 100 workers (prints figures; not a test).

    .venv/bin/python bench/cluster_bench.py [--course lessons/course.yaml] [-q low] [--voice none] [--repeat 2] [--workers 2]

Every build is the command an author types (`lesson course build ...` in a new process) from an empty cache; the
local executor (`-j N`) and `--cluster local:N` (a LocalCluster of N worker processes started by that command, its
start-up included) alternate, and the medians are compared: Dask's overhead must stay under 15 % of the local time.
The voice is `none` by default: the narration is the client's work either way, and the figures measure the drawing.

The estimate: each drawn step's own time (``seconds`` in the cache's ``sections/<key>.json``, measured by the local
runs) and the client's time per lesson (the course built again with every step's drawing cached: laid out, joined and
packaged without Manim), the course's lessons repeated to make 50, scheduled as `lesson course build --cluster`
builds them (up to LESSONS_AT_ONCE lessons in flight, every step on the first free worker, the client joining one
lesson at a time), and, for comparison, lesson after lesson as the local workers do. Figures from a machine shared
with other work are noisy: say so with them.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lesson.course.build import LESSONS_AT_ONCE  # noqa: E402

COURSE = ROOT / "lessons" / "course.yaml"
OVERHEAD_LIMIT = 0.15


def course_build(course: Path, out: Path, cache: Path, quality: str, voice: str, *extra: str) -> tuple[float, str]:
    """Wall time and stderr of one `lesson course build` in a new process."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lesson", "course", "build", str(course), "-q", quality, "--voice", voice,
                           "-o", str(out), "--cache-dir", str(cache), *extra], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"lesson course build {' '.join(extra)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - began, done.stderr


def step_times(cache: Path) -> list[float]:
    """Each drawn step's own time (the local workers' measure of it), in the order the steps were written: lesson
    after lesson, as the course is built."""
    times = []
    for meta in sorted((cache / "sections").glob("*.json"), key=lambda p: p.stat().st_mtime):
        doc = json.loads(meta.read_text())
        if doc.get("peak_mb", 0) > 0:  # drawn by Manim (not laid out again)
            times.append(doc["seconds"])
    return times


def lessons_of(stderr: str) -> list[int]:
    """How many steps each lesson drew, from the build's progress lines."""
    counts: list[int] = []
    for line in stderr.splitlines():
        if line.startswith("lesson "):
            counts.append(0)
        elif line.startswith("  rendering step ") and counts:
            counts[-1] += 1
    return counts


def makespan(times: list[float], workers: int) -> float:
    """Longest first onto the worker free first (what the scheduler does with independent tasks, near enough)."""
    free = [0.0] * min(workers, max(1, len(times)))
    for t in sorted(times, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + t)
    return max(free)


def at_once(lessons: list[list[float]], workers: int, client: float, in_flight: int) -> float:
    """A course on a cluster as `lesson course build --cluster` builds it: up to ``in_flight`` lessons at once, every
    step of those on the first free worker (longest first within a lesson), each lesson then joined by the client
    (one join at a time) once its last step is back."""
    free = [0.0] * workers
    heapq.heapify(free)
    slots = [0.0] * in_flight  # when each lesson slot is free again
    client_free = 0.0
    end = 0.0
    for steps in lessons:
        start = heapq.heappop(slots)
        done = start
        for t in sorted(steps, reverse=True):
            w = max(heapq.heappop(free), start)
            heapq.heappush(free, w + t)
            done = max(done, w + t)
        joined = max(done, client_free) + client
        client_free = joined
        heapq.heappush(slots, joined)
        end = max(end, joined)
    return end


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--course", type=Path, default=COURSE)
    ap.add_argument("-q", "--quality", default="low")
    ap.add_argument("--voice", default="none")
    ap.add_argument("--repeat", type=int, default=2, help="builds with each executor, alternating; medians are compared")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="-j N locally, --cluster local:N with Dask")
    ap.add_argument("--lessons", type=int, default=50, help="lessons in the estimated course")
    args = ap.parse_args()
    n = args.workers
    local, dask = [], []
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        base = Path(tmp)
        kept = None
        for r in range(args.repeat):
            runs = [("local", ("-j", str(n)), local), ("dask", ("--cluster", f"local:{n}"), dask)]
            for name, extra, into in (runs if r % 2 == 0 else runs[::-1]):  # alternating which goes first
                run = base / f"{name}{r}"
                seconds, stderr = course_build(args.course, run / "out", run / "cache", args.quality, args.voice, *extra)
                into.append(seconds)
                print(f"  run {r + 1} {name:5}: {seconds:6.1f} s", flush=True)
                if name == "local" and kept is None:
                    kept = (run, stderr)
                else:
                    shutil.rmtree(run)
        assert kept is not None
        run, stderr = kept
        times = step_times(run / "cache")
        counts = lessons_of(stderr)
        # the client's own work: every drawing cached, the steps laid out again, joined and packaged
        shutil.rmtree(run / "out")
        for p in (run / "cache" / "sections").glob("*"):
            p.unlink()
        client, _ = course_build(args.course, run / "out", run / "cache", args.quality, args.voice, "-j", str(n))

    lm, dm = statistics.median(local), statistics.median(dask)
    overhead = (dm - lm) / lm
    print(f"\n{args.course.name}, -q {args.quality}, --voice {args.voice}, {len(counts)} lessons, {sum(counts)} steps drawn")
    print(f"local workers (-j {n}):        median {lm:6.1f} s  ({', '.join(f'{x:.1f}' for x in local)})")
    print(f"Dask (--cluster local:{n}):    median {dm:6.1f} s  ({', '.join(f'{x:.1f}' for x in dask)})")
    print(f"Dask's overhead: {overhead * 100:+.1f} % of the local time (limit {OVERHEAD_LIMIT * 100:.0f} %): "
          f"{'within' if overhead < OVERHEAD_LIMIT else 'OVER'}")

    per_step = sorted(times, reverse=True)
    per_lesson_client = client / max(1, len(counts))
    print(f"\nper-step draw times (s, one worker each): {', '.join(f'{t:.1f}' for t in per_step)}; "
          f"sum {sum(per_step):.1f}, longest {per_step[0]:.1f}")
    print(f"client per lesson (narration, laying out, joining, packaging; from cached drawings): {per_lesson_client:.1f} s")
    # the course's lessons repeated to make args.lessons; the steps of each lesson by their measured times
    pools, k = [], 0  # each lesson's steps: its count of them, in the order they were written
    for c in counts:
        pools.append(times[k:k + c])
        k += c
    lessons = [pools[i % len(pools)] for i in range(args.lessons)]
    total_steps = sum(len(p) for p in lessons)
    print(f"\npaper estimate, {args.lessons} lessons ({total_steps} steps drawn, -q {args.quality}; per-step times as measured"
          f" here, the client's {per_lesson_client:.1f} s per lesson one lesson at a time):")
    for w in (1, 10, 100):
        one_by_one = sum(makespan(p, w) + per_lesson_client for p in lessons)
        print(f"  {w:3} workers: {at_once(lessons, w, per_lesson_client, LESSONS_AT_ONCE):7.0f} s with --cluster "
              f"({LESSONS_AT_ONCE} lessons in flight);  {one_by_one:7.0f} s if lessons went one after another")
    print(f"  lower bounds: the longest step {per_step[0]:.1f} s; all steps' time / workers; the client's joins "
          f"{args.lessons * per_lesson_client:.0f} s")


if __name__ == "__main__":
    main()
