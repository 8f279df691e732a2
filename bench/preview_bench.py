"""The author's loop, timed (prints figures; not a test).

    .venv/bin/python bench/preview_bench.py [--lesson lessons/argmax_softmax.yaml] [--step softmax] [--repeat 5]

A copy of the lesson in a new folder, with a cache of its own (or --cache-dir), is previewed the way an author does:
``lesson preview`` in its own process, the page in headless Chromium (Debian's chromium and chromedriver). It prints

  - the first render (from an empty cache: every sentence spoken, every step drawn);
  - save-to-play: from writing the script with a word put into the first sentence of --step (a new word each time,
    so the voice speaks that sentence again) to the page playing the new video at that step (its ``playing`` event),
    with the preview's own share (check + build, from its log) beside it; median and range of --repeat saves;
  - ``lesson still`` of that step at -q low, from the cache: as a command (a new process: what an author waits for)
    at the end, at a cue and at seconds; and the same in-process (without Python's start-up and imports);
  - ``lesson still`` of a step whose drawing is not cached (it is drawn by one worker).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from course_fixtures.course_helpers import chrome, wait_for  # noqa: E402

WORDS = ["simply", "quickly", "always", "here", "now", "today", "gently", "clearly", "neatly", "plainly", "fairly", "boldly"]
VIDEO = "document.getElementById('video')"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lesson", type=Path, default=ROOT / "lessons" / "argmax_softmax.yaml")
    parser.add_argument("--step", default="softmax", help="the step whose first sentence is edited, and pictured")
    parser.add_argument("--cue", default="softmax.setosa", help="a cue of --step for the still")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache-dir", type=Path, default=None, help="default: a new, empty one")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    script = work / args.lesson.name
    shutil.copyfile(args.lesson, script)
    cache = args.cache_dir or work / "cache"
    lines: list[str] = []
    seen = threading.Condition()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "lesson", "preview", script.name, "--port", "0", "-q", "low", "--cache-dir", str(cache)],
                               cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            with seen:
                lines.append(line.rstrip("\n"))
                seen.notify_all()

    def line(pattern: str, after: int) -> re.Match:
        with seen:
            seen.wait_for(lambda: any(re.search(pattern, x) for x in lines[after:]) or process.poll() is not None, 1800)
            found = [m for x in lines[after:] if (m := re.search(pattern, x))]
            if not found:
                raise SystemExit(f"lesson preview: no {pattern!r} in {lines}")
            return found[0]

    threading.Thread(target=read, daemon=True).start()
    port = line(r"http://127\.0\.0\.1:(\d+)/", 0)[1]
    url = f"http://127.0.0.1:{port}/"
    line(r"new video in", 0)
    first = time.perf_counter() - started
    print(f"first render at low (empty cache: every sentence spoken, every step drawn): {first:.1f} s")

    driver = chrome(1366, 900)
    try:
        driver.get(url)
        wait_for(driver, f"window.preview && window.preview.state && {VIDEO}.dataset.version && {VIDEO}.readyState >= 1", 60)
        driver.execute_script(
            f"window.played = []; {VIDEO}.addEventListener('playing', () => window.played.push([Number({VIDEO}.dataset.version), Date.now(), {VIDEO}.currentTime]))")
        text = script.read_text(encoding="utf-8")
        step_at = text.index(f"id: {args.step}\n")
        narration = text.index("narration: >-\n", step_at) + len("narration: >-\n")
        indent = len(text[narration:]) - len(text[narration:].lstrip(" "))
        first_word_end = text.index(" ", narration + indent)
        totals, own = [], []
        for k in range(args.repeat):
            version = driver.execute_script(f"return Number({VIDEO}.dataset.version)")
            edited = text[:first_word_end] + f" {WORDS[k % len(WORDS)]}" + text[first_word_end:]
            mark = len(lines)
            saved = time.time()
            script.write_text(edited, encoding="utf-8")
            wait_for(driver, "window.played.some(p => p[0] > arguments[0])", 120, version)
            played = driver.execute_script("return window.played.find(p => p[0] > arguments[0])", version)
            start = next(s["start"] for s in driver.execute_script("return window.preview.state")["lessons"][0]["steps"] if s["id"] == args.step)
            assert abs(played[2] - start) < 0.5, (played, start)
            totals.append(played[1] / 1000 - saved)
            own.append(float(line(r"new video in ([\d.]+)s", mark)[1]))
            driver.execute_script(f"{VIDEO}.pause()")
        print(f"save-to-play, a word put into the first sentence of step {args.step!r} ({args.repeat} saves): median {statistics.median(totals):.2f} s "
              f"(range {min(totals):.2f}-{max(totals):.2f}); the preview's check + build: median {statistics.median(own):.2f} s")
    finally:
        driver.quit()
        process.terminate()  # SIGTERM: a process started in the background (`... &` in a script) ignores Ctrl-C's SIGINT
        process.wait(60)

    def timed(*extra: str) -> float:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "lesson", "still", script.name, "--step", args.step, "-q", "low", "--cache-dir", str(cache),
                                   "-o", "still.png", *extra], cwd=work, capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            if done.returncode != 0 or "from the cache" not in done.stdout:
                raise SystemExit(f"lesson still {extra}: {done.stderr or done.stdout}")
        return statistics.median(times)

    for extra in ([], ["--at", args.cue], ["--at", "2.0"]):
        print(f"lesson still --step {args.step} {' '.join(extra) or '(end)'} -q low, cached, as a command: median {timed(*extra):.2f} s")
    from lesson.preview.still import still

    inproc = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        still(script, args.step, args.cue, quality="low", cache_dir=cache)
        inproc.append(time.perf_counter() - t)
    print(f"  the same in-process (no interpreter start-up or imports): median {statistics.median(inproc):.2f} s")
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lesson", "still", script.name, "--step", args.step, "-q", "medium", "--cache-dir", str(work / "cold"),
                           "-o", "cold.png"], cwd=work, capture_output=True, text=True)
    print(f"lesson still --step {args.step} -q medium, nothing cached (spoken and drawn): {time.perf_counter() - t:.1f} s ({done.stdout.strip() or done.stderr.strip()})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
