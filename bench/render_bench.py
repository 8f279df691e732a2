"""Render benchmark for the default lesson (prints figures; not a test).

    .venv/bin/python bench/render_bench.py [-q low|course] [--skip-before]

Every render is the command an author types (`lesson render ...` in a new process), each from an
empty cache of rendered steps. The voice is spoken once up front into a shared speech cache, so that
the render figures measure rendering; the "from nothing" line adds the voice back.

For the chosen quality it prints:
  - full render with -j1 and with -j<cores> (median of --repeat runs, alternating), and their ratio
  - re-render after editing one step's narration (a word put into its first sentence: the voice speaks
    that sentence again, every later cue of the step moves); and after editing what a step shows (its title)
  - no-op re-render; `lesson check`; peak memory of the render's processes
  - video seconds, seconds of motion and of holds; what a 60 s hold adds
  - the baseline: the same steps drawn by stock Manim one after another in one worker, every held frame
    drawn and encoded by Manim (bench/baseline.py, -j1)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lesson.package.build import build  # noqa: E402
from lesson.narration.narrate import narrate  # noqa: E402
from lesson.numbers.compute import compute  # noqa: E402
from lesson.plan import build_plan  # noqa: E402
from lesson.check import load_lesson  # noqa: E402

SCRIPT = ROOT / "lessons" / "argmax_softmax.yaml"
BASELINE = ROOT / "bench" / "baseline.py"  # `lesson` with stock Manim drawing every held frame
NARRATION_EDIT = ("SoftMax raises e to the power", "SoftMax first raises e to the power")  # the softmax step's first sentence
PICTURE_EDIT = ("title: SoftMax, worked out", "title: SoftMax, worked out in full")


def lesson_cli(*args: str, baseline: bool = False) -> float:
    """Wall time of one `lesson ...` command in a new process (``baseline``: run by bench/baseline.py)."""
    began = time.perf_counter()
    program = [str(BASELINE)] if baseline else ["-m", "lesson"]
    done = subprocess.run([sys.executable, *program, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"lesson {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - began


def edited_copy(folder: Path, old: str, new: str) -> Path:
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SCRIPT.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def fmt(values: list[float], digits: int = 1) -> str:
    return " / ".join(f"{v:.{digits}f}" for v in values)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-q", "--quality", default="course")
    ap.add_argument("--skip-before", action="store_true", help="skip the render with holds drawn frame by frame")
    ap.add_argument("--repeat", type=int, default=3, help="full renders with -j1 and -j<cores>, alternating; the median is reported")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    q = args.quality
    lesson = load_lesson(SCRIPT)
    numbers = compute(lesson, SCRIPT.parent)
    plan = build_plan(lesson, SCRIPT.parent, numbers)
    voice = lesson.narration.voice
    print(f"default lesson at {q}, {cores} cores, voice {voice}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # the voice, once: into a speech cache that every render below shares
        t_voice = time.perf_counter()
        narrated = narrate(plan, voice, lesson.narration.words_per_minute, tmp / "voice")
        t_voice = time.perf_counter() - t_voice
        speech_seconds = sum(n.speech.seconds for n in narrated.values())

        def fresh(name: str) -> Path:
            cache = tmp / name
            cache.mkdir()
            for shared in ("speech", "voices"):
                shutil.copytree(tmp / "voice" / shared, cache / shared)
            return cache

        def render(cache: Path, out: str, jobs: int, script: Path = SCRIPT, baseline: bool = False) -> float:
            return lesson_cli("render", str(script), "-q", q, "-o", str(tmp / out), "--cache-dir", str(cache), "-j", str(jobs), baseline=baseline)

        ones, ns = [], []
        for r in range(args.repeat):  # alternating, so that a slow spell of the machine hits both
            ones.append(render(fresh(f"c1-{r}"), "o1", 1))
            cn = fresh(f"cn-{r}")
            ns.append(render(cn, "on", cores))
        t1, tn = statistics.median(ones), statistics.median(ns)
        worker_mb = max(json.loads(p.read_text())["peak_mb"] for p in (cn / "sections").glob("*.json"))
        ratios = sorted(n / one for one, n in zip(ones, ns))
        memory_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        manifest = json.loads((tmp / "on" / f"{plan.lesson_id}.json").read_text())
        t_noop = render(cn, "on", cores)
        t_edit = render(cn, "on", cores, edited_copy(tmp / "edit", *NARRATION_EDIT))
        t_redraw = render(cn, "on", cores, edited_copy(tmp / "redraw", *PICTURE_EDIT))
        t_check = lesson_cli("check", str(SCRIPT))
        duration = manifest["duration"]
        fps = manifest["fps"]

        # motion and holds, and what a 60 s hold costs: the title step with a pause of 0 s and of 60 s after its narration
        steps = build(plan, numbers, tmp / "on", quality=q, voice=voice, jobs=cores, cache_dir=cn).steps  # all cached
        motion = sum(r.video.motion_frames for r in steps) / fps
        holds = sum(r.video.hold_frames for r in steps) / fps
        title = dataclasses.replace(plan, steps=plan.steps[:1])
        costs: dict[float, list[float]] = {0.0: [], 60.0: []}
        for r in range(args.repeat):
            for pause in (0.0, 60.0):
                began = time.perf_counter()
                build(dataclasses.replace(title, pause=pause), numbers, tmp / f"oh{int(pause)}-{r}", quality=q, voice=voice, jobs=1, cache_dir=fresh(f"h{int(pause)}-{r}"))
                costs[pause].append(time.perf_counter() - began)
        costs = {pause: statistics.median(times) for pause, times in costs.items()}

        print(f"voice synthesis (all steps, once):      {t_voice:7.1f} s  for {speech_seconds:.1f} s of speech (real-time factor {t_voice / speech_seconds:.3f})")
        print(f"video:                                  {duration:7.1f} s  = motion {motion:.1f} s + holds {holds:.1f} s")
        print(f"full render -j1:                        {t1:7.1f} s  (real-time factor {t1 / duration:.2f}; median of {fmt(ones)})")
        print(f"full render -j{cores}:                        {tn:7.1f} s  (real-time factor {tn / duration:.2f}; median of {fmt(ns)})")
        print(f"ratio -j{cores} / -j1:                        {tn / t1:7.2f}    (target <= 0.60; run by run {fmt(ratios, 2)})")
        print(f"from nothing, voice included, -j1 / -j{cores}:    {t1 + t_voice:7.1f} s / {tn + t_voice:.1f} s")
        print(f"re-render after editing one narration:  {t_edit:7.1f} s  = {t_edit / tn:.2f} x full (target <= 0.25)")
        print(f"re-render after editing what a step shows: {t_redraw:4.1f} s  = {t_redraw / tn:.2f} x full (that step drawn again by Manim)")
        print(f"no-op re-render (lesson render again):  {t_noop:7.1f} s  (target <= 3 s)")
        print(f"lesson check:                           {t_check:7.2f} s  (target <= 0.5 s)")
        print(f"peak memory of a worker:                {worker_mb:7.0f} MB (target <= 1536 MB); of any process of the render: {memory_mb:.0f} MB")
        audio = manifest["audio"]
        print(f"loudness {audio['loudness_lufs']:.1f} LUFS, peak {audio['peak_dbfs']:.1f} dBFS")
        print(f"a 60 s hold adds:                       {costs[60.0] - costs[0.0]:7.2f} s  (target <= 1 s; title step {costs[0.0]:.1f} s vs {costs[60.0]:.1f} s)")
        if not args.skip_before:
            # the baseline: stock Manim drawing the steps one after another in one worker, every held frame drawn and
            # encoded (in a cache of its own: such drawings depend on the timing, which their key leaves out)
            tb = render(fresh("cb"), "ob", 1, baseline=True)
            print(f"baseline: stock Manim, steps one after another in one worker, holds drawn frame by frame: {tb:.1f} s (real-time factor {tb / duration:.2f}); "
                  f"this renderer: {t1:.1f} s with -j1, {tn:.1f} s with -j{cores} ({tb / tn:.1f} x faster)")


if __name__ == "__main__":
    main()
