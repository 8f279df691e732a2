"""End-to-end renders at low quality: layout of every step kind, control frames, and the MP4 itself."""

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lesson.plan import build_plan
from lesson.render import QUALITIES, render_plan, step_duration
from lesson.script import load_lesson

ROOT = Path(__file__).resolve().parents[1]
CONTROL = ROOT / "tests" / "control"
UPDATE = os.environ.get("LESSON_UPDATE_CONTROL") == "1"
pytestmark = pytest.mark.render


def render(path: Path, tmp: Path):
    lesson = load_lesson(path)
    plan = build_plan(lesson, path.parent)
    out, results = render_plan(plan, tmp / "out", quality="low", jobs=2, cache_dir=tmp / "cache")
    return plan, out, results


@pytest.fixture(scope="module")
def default_render(tmp_path_factory):
    return render(ROOT / "lessons" / "argmax_softmax.yaml", tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="module")
def five_render(tmp_path_factory):
    return render(ROOT / "tests" / "fixtures" / "five_classes.yaml", tmp_path_factory.mktemp("five"))


def probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-count_frames", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout)


def frame_at(path: Path, t: float) -> np.ndarray:
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{t:.3f}", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    )
    w, h, _ = QUALITIES["low"]
    return np.frombuffer(out.stdout, dtype=np.uint8).reshape(h, w, 3)


def top_level_atoms(path: Path) -> list[str]:
    atoms, data = [], path.read_bytes()
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        atoms.append(kind.decode("latin-1"))
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        if size == 0:
            break
        pos += size
    return atoms


def step_windows(plan, results):
    """(step, start, end) in the joined video, from the real length of each rendered section."""
    start = 0.0
    for s, r in zip(plan.steps, results):
        length = float(probe(r.path)["format"]["duration"])
        yield s, start, start + length
        start += length


@pytest.mark.parametrize("which", ["default_render", "five_render"])
def test_layout_check_passes_for_every_step_kind(which, request):
    plan, _, results = request.getfixturevalue(which)
    assert {s.kind for s in plan.steps} == set(__import__("scenes").SCENES)  # every step kind is exercised
    problems = [p for r in results for p in r.layout_problems]
    assert problems == []


def test_mp4_is_h264_yuv420p_faststart_with_the_planned_duration(default_render):
    plan, out, _ = default_render
    assert out.name == "argmax_softmax.mp4"
    info = probe(out)
    (video,) = [s for s in info["streams"] if s["codec_type"] == "video"]
    assert video["codec_name"] == "h264" and video["pix_fmt"] == "yuv420p"
    assert (video["width"], video["height"], video["r_frame_rate"]) == (854, 480, "15/1")
    planned = sum(step_duration(s, plan.pause) for s in plan.steps)
    # each step is rounded to whole frames, and ends with at least a short beat
    assert abs(float(info["format"]["duration"]) - planned) < len(plan.steps) * (1 / 15 + 0.4)
    atoms = top_level_atoms(out)
    assert atoms.index("moov") < atoms.index("mdat")


@pytest.mark.parametrize("which", ["default_render", "five_render"])
def test_caption_band_stays_empty_and_steps_are_not_blank(which, request):
    plan, out, results = request.getfixturevalue(which)
    bg = np.array([int(plan.style.background[i:i + 2], 16) for i in (1, 3, 5)])
    h = QUALITIES["low"][1]
    band = h - h // 6
    for s, start, end in step_windows(plan, results):
        for t in (start + 0.5 * (end - start), end - 0.2):
            frame = frame_at(out, t).astype(int)
            assert np.abs(frame[band + 2:] - bg).max() < 40, f"{s.id} draws in the caption band at {t:.1f}s"
            assert np.abs(frame[: band] - bg).max() > 100, f"{s.id} is blank at {t:.1f}s"


def test_final_frame_of_each_step_matches_its_control_frame(default_render):
    plan, out, results = default_render
    folder = CONTROL / plan.lesson_id
    folder.mkdir(parents=True, exist_ok=True)
    for s, start, end in step_windows(plan, results):
        frame = Image.fromarray(frame_at(out, end - 0.2)).convert("L").resize((214, 120), Image.BILINEAR)
        control = folder / f"{s.id}.png"
        if UPDATE:
            frame.save(control)
            continue
        assert control.is_file(), f"no control frame {control}; run with LESSON_UPDATE_CONTROL=1"
        diff = np.abs(np.asarray(frame, dtype=float) - np.asarray(Image.open(control), dtype=float))
        assert diff.mean() < 2.0 and np.percentile(diff, 99.5) < 60, f"{s.id} differs from its control frame"


def test_a_second_render_reuses_every_step_and_edits_render_only_that_step(default_render, tmp_path):
    plan, out, results = default_render
    cache = results[0].path.parent.parent
    import dataclasses

    again_out, again = render_plan(plan, tmp_path, quality="low", jobs=2, cache_dir=cache)
    assert all(r.cached for r in again)
    assert again_out.read_bytes() == out.read_bytes()
    edited = dataclasses.replace(plan.steps[2], narration=plan.steps[2].narration + " One more sentence.")
    plan2 = dataclasses.replace(plan, steps=(*plan.steps[:2], edited, *plan.steps[3:]))
    _, third = render_plan(plan2, tmp_path, quality="low", jobs=2, cache_dir=cache)
    assert [r.cached for r in third] == [i != 2 for i in range(len(plan.steps))]
