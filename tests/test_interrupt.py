"""A render killed midway leaves nothing at the output path, and the next run reuses the steps that finished."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.render


def lesson_cmd(out: Path, cache: Path) -> list[str]:
    script = ROOT / "tests" / "fixtures" / "five_classes.yaml"
    return [sys.executable, "-m", "lesson", "render", str(script), "-q", "low", "-j", "1", "-o", str(out), "--cache-dir", str(cache)]


def test_killed_render_leaves_no_partial_output_and_resumes(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    proc = subprocess.Popen(lesson_cmd(out, cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    sections = cache / "sections"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(sections.glob("*.json"))) < 2:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: the CLI and its render workers
    proc.wait()
    finished = len(list(sections.glob("*.json")))
    assert 2 <= finished < 11, "the render must be stopped midway"
    assert not (out / "five_fruits.mp4").exists()
    assert not [p for p in out.glob("five_fruits*")] if out.exists() else True
    # every cached section is whole: each has its description, written after the video
    assert all(p.with_suffix(".json").is_file() for p in sections.glob("*.mp4"))
    (out / ".five_fruits-killed").mkdir(parents=True)  # as if a render had been killed while writing the package
    again = subprocess.run(lesson_cmd(out, cache), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert again.stderr.count(": cached") >= finished
    assert (out / "five_fruits.mp4").is_file()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # nothing half-written left behind


def test_work_files_of_killed_renders_are_removed_once_they_are_old(tmp_path):
    from lesson.plan import Style
    from lesson.render.steps import StepRenderer

    old_work, live_work = tmp_path / "sections" / "lesson-softmax-abc", tmp_path / "sections" / "lesson-title-def"
    old_drawing = tmp_path / "drawings" / ".draw-xyz"
    for folder in (old_work, live_work, old_drawing):
        folder.mkdir(parents=True)
    (tmp_path / "sections" / "kept.mp4").write_bytes(b"a finished step")
    two_hours_ago = time.time() - 7200
    for folder in (old_work, old_drawing):
        os.utime(folder, (two_hours_ago, two_hours_ago))
    StepRenderer(Style("#000000", "#ffffff", "#888888", "#ff0000", "Sans", ()), "low", cache_dir=tmp_path)
    assert not old_work.exists() and not old_drawing.exists()
    assert live_work.exists() and (tmp_path / "sections" / "kept.mp4").exists()
