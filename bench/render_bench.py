"""Render benchmark for the default lesson (prints figures; not a test).

    .venv/bin/python bench/render_bench.py [-q low|course] [--skip-before]

For the chosen quality, from an empty cache each time:
  - full render with -j1 and with -j<cores>, and their ratio
  - re-render after editing one step's narration; no-op re-render
  - `lesson check` wall time; peak memory of a render worker
  - video seconds, seconds of motion and of holds
  - the render before static holds were copied (LESSON_HOLDS_AS_FRAMES=1: every held frame drawn and encoded)
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lesson.build import build  # noqa: E402
from lesson.numbers import compute  # noqa: E402
from lesson.plan import build_plan  # noqa: E402
from lesson.script import load_lesson  # noqa: E402

SCRIPT = ROOT / "lessons" / "argmax_softmax.yaml"


def run(plan, numbers, quality, jobs, cache, out, voice):
    t = time.perf_counter()
    result = build(plan, numbers, out, quality=quality, voice=voice, jobs=jobs, cache_dir=cache)
    return time.perf_counter() - t, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-q", "--quality", default="course")
    ap.add_argument("--skip-before", action="store_true", help="skip the render with holds drawn frame by frame")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    lesson = load_lesson(SCRIPT)
    numbers = compute(lesson, SCRIPT.parent)
    plan = build_plan(lesson, SCRIPT.parent, numbers)
    voice = lesson.narration.voice
    q = args.quality
    print(f"default lesson at {q}, {cores} cores, voice {voice}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # the voice is cached separately: synthesise once so that both renders measure rendering
        t_voice = time.perf_counter()
        from lesson.narrate import narrate

        narrate(plan, voice, lesson.narration.words_per_minute, tmp / "speech-only")
        t_voice = time.perf_counter() - t_voice
        speech_cache = tmp / "speech-only" / "speech"

        def fresh(name):
            c = tmp / name
            c.mkdir()
            (c / "speech").symlink_to(speech_cache, target_is_directory=True)
            return c

        t1, r1 = run(plan, numbers, q, 1, fresh("c1"), tmp / "o1", voice)
        tn, rn = run(plan, numbers, q, cores, fresh("cn"), tmp / "on", voice)
        worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        k = 5  # the SoftMax step
        step = plan.steps[k]
        edited = dataclasses.replace(step, narration=step.narration + " That is all.", tokens=step.tokens + ("That", "is", "all."), spoken=step.spoken + ("That", "is", "all."))
        plan2 = dataclasses.replace(plan, steps=(*plan.steps[:k], edited, *plan.steps[k + 1:]))
        te, re_ = run(plan2, numbers, q, cores, tmp / "cn", tmp / "oe", voice)
        # no-op: the command a user types again, nothing changed (the -j{cores} render above made out/ and the cache)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lesson", "render", str(SCRIPT), "-q", q, "-o", str(tmp / "on"), "--cache-dir", str(tmp / "cn")],
            check=True, capture_output=True,
        )
        t0 = time.perf_counter() - t0
        tc = time.perf_counter()
        subprocess.run([sys.executable, "-m", "lesson", "check", str(SCRIPT)], check=True, capture_output=True)
        tc = time.perf_counter() - tc
        fps = {"low": 15, "medium": 30, "course": 30, "high": 60, "4k": 60}[q]
        motion = sum(r.video.motion_frames for r in rn.steps) / fps
        holds = sum(r.video.hold_frames for r in rn.steps) / fps
        print(f"voice synthesis (all steps, once):      {t_voice:7.1f} s  for {rn.speech_seconds:.1f} s of speech (real-time factor {t_voice / rn.speech_seconds:.3f})")
        print(f"video:                                  {rn.duration:7.1f} s  = motion {motion:.1f} s + holds {holds:.1f} s")
        print(f"full render -j1:                        {t1:7.1f} s  (real-time factor {t1 / rn.duration:.2f})")
        print(f"full render -j{cores}:                        {tn:7.1f} s  (real-time factor {tn / rn.duration:.2f})")
        print(f"ratio -j{cores} / -j1:                        {tn / t1:7.2f}    (target <= 0.60)")
        print(f"from nothing, voice included, -j1 / -j{cores}:    {t1 + t_voice:7.1f} s / {tn + t_voice:.1f} s (the voice already uses every core)")
        print(f"re-render after editing one narration:  {te:7.1f} s  = {te / tn:.2f} x full (target <= 0.25); steps rendered: {sum(not r.cached for r in re_.steps)}")
        print(f"no-op re-render (lesson render again):  {t0:7.1f} s  (target <= 3 s)")
        slowest = sorted(r1.steps, key=lambda r: -r.video.seconds)[:3]
        print("slowest steps (-j1):                    " + ", ".join(f"{r.step.id} {r.video.seconds:.1f} s" for r in slowest))
        print(f"lesson check:                           {tc:7.2f} s  (target <= 0.5 s)")
        print(f"peak memory of a worker:                {worker_mb:7.0f} MB (target <= 1536 MB)")
        print(f"loudness {rn.loudness:.1f} LUFS, peak {rn.peak:.1f} dBFS")
        # what a 60 s hold costs: the title step with a pause of 0 s and of 60 s after its narration
        title = dataclasses.replace(plan, steps=plan.steps[:1])
        costs = {}
        for pause in (0.0, 60.0):
            held = dataclasses.replace(title, pause=pause)
            costs[pause], r = run(held, numbers, q, 1, fresh(f"h{int(pause)}"), tmp / f"oh{int(pause)}", voice)
        print(f"a 60 s hold adds:                       {costs[60.0] - costs[0.0]:7.2f} s  (target <= 1 s; title step {costs[0.0]:.1f} s vs {costs[60.0]:.1f} s)")
        if not args.skip_before:
            os.environ["LESSON_HOLDS_AS_FRAMES"] = "1"
            tb, rb = run(plan, numbers, q, cores, fresh("cb"), tmp / "ob", voice)
            print(f"before (holds drawn frame by frame) -j{cores}: {tb:7.1f} s for {rb.duration:.1f} s  (real-time factor {tb / rb.duration:.2f}); after: {tn:.1f} s")


if __name__ == "__main__":
    main()
