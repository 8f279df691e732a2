"""How much of each lesson is a still picture (prints a table; not a test).

    .venv/bin/python bench/stills.py [LESSON.yaml ...] [-q low] [--out DIR] [-j 2]
    .venv/bin/python bench/stills.py --video out/argmax_softmax.mp4 ...   # measure videos already rendered

Each lesson (default: the five of issue 24) is rendered as an author does, ``lesson render`` in a new process (into
``--out``/<lesson id>/, with a cache there, so that a second run only measures), timed, and measured with
:mod:`lesson.package.stillness` (2 samples a second, grey, 160 px wide; a still is samples no pixel of which moves by more
than 8 of 255; stills of 2 s or more): its still share, its longest still, and every still of ``--long`` seconds or
more with the step (chapter) it starts in. The target of issue 24: longest ≤ 8 s, share ≤ 0.40.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from lesson.package.stillness import LONGEST, SHARE, Stills, chapter_at, chapters, measure  # noqa: E402

LESSONS = ("argmax_softmax", "cross_entropy", "cross_entropy_backprop", "activation_functions", "wide_resnet")



def render(script: Path, out: Path, quality: str, jobs: int) -> tuple[Path, float]:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lesson", "render", str(script), "-q", quality, "-o", str(out),
                    "--cache-dir", str(out / "cache"), "-j", str(jobs)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return out / f"{script.stem}.mp4", time.perf_counter() - started


def spoken(video: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each caption cue of ``video`` (its .vtt beside it; none without one)."""
    vtt = video.with_suffix(".vtt")
    if not vtt.is_file():
        return []

    def seconds(clock: str) -> float:
        h, m, s = clock.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = []
    for block in vtt.read_text().split("\n\n"):
        lines = block.strip().splitlines()
        timing = next((i for i, line in enumerate(lines) if " --> " in line), None)
        if timing is not None:
            start, end = lines[timing].split(" --> ")
            cues.append((seconds(start), seconds(end.split()[0]), " ".join(lines[timing + 1:])))
    return cues


def report(name: str, video: Path, found: Stills, seconds: float | None, long: float) -> list[str]:
    verdict = "ok" if found.longest <= LONGEST and found.share <= SHARE else "over"
    took = f"{seconds:7.1f} s" if seconds is not None else "      -  "
    lines = [f"{name:24} {found.duration:7.1f} s {found.share:6.2f} {found.longest:7.1f} s {len(found.stretches):4d} {took}  {verdict}"]
    marks = chapters(video)
    cues = spoken(video)
    for s in found.stretches:
        if s.length >= long:
            lines.append(f"    {s.length:5.1f} s still from {s.start:6.1f} s  ({chapter_at(marks, s.start)})")
            said = " / ".join(text for start, end, text in cues if start < s.end and end > s.start)
            if said:
                lines.append(f"          voice: {said}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lessons", nargs="*", type=Path, help="lesson scripts (default: the five of issue 24)")
    ap.add_argument("--video", nargs="+", type=Path, default=[], help="measure these videos instead of rendering")
    ap.add_argument("-q", "--quality", default="low")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="where to render (default: a new folder)")
    ap.add_argument("--long", type=float, default=LONGEST, help="list every still at least this long (seconds)")
    args = ap.parse_args()

    print(f"{'lesson':24} {'duration':>9} {'share':>6} {'longest':>9} {'n':>4} {'render':>9}  (target: longest ≤ {LONGEST:g} s, "
          f"share ≤ {SHARE:.2f})")
    if args.video:
        for video in args.video:
            print("\n".join(report(video.stem, video, measure(video), None, args.long)), flush=True)
        return
    scripts = args.lessons or [ROOT / "lessons" / f"{name}.yaml" for name in LESSONS]
    out = args.out or Path(tempfile.mkdtemp(prefix="stills-bench-"))
    total = 0.0
    for script in scripts:
        video, seconds = render(script, out / script.stem, args.quality, args.jobs)
        total += seconds
        print("\n".join(report(script.stem, video, measure(video), seconds, args.long)), flush=True)
    print(f"renders: {total:.1f} s in all (-q {args.quality}, -j {args.jobs}, into {out})")


if __name__ == "__main__":
    main()
