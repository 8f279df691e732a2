"""``lesson still``: the picture of one step at one moment is the very frame the rendered lesson shows then; the
moment is the step's end, a cue or seconds; a wrong step, cue or time is told precisely. And the preview's pieces
that need no server: where each step begins in the script, which step a warning is in, what the watcher ignores."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from lesson.base.errors import UsageError
from lesson.preview.session import _watch_filter, step_lines
from lesson.preview.still import frame_at
from lesson.base.timing import StepTiming

LESSON = Path(__file__).parent / "course_fixtures" / "tiny_first.yaml"  # two silent steps, -q low


def lesson_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lesson", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The lesson rendered at -q low into out/ with its own cache, and every frame of its MP4."""
    folder = tmp_path_factory.mktemp("still")
    shutil.copyfile(LESSON, folder / "tiny_first.yaml")
    done = lesson_cli("render", "tiny_first.yaml", "-q", "low", "-o", "out", "--cache-dir", "cache", cwd=folder)
    assert done.returncode == 0, done.stderr
    with av.open(str(folder / "out" / "tiny_first.mp4")) as video:
        frames = [f.to_ndarray(format="rgb24") for f in video.decode(video=0)]
    return folder, frames


def png_pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(path.read_bytes())).convert("RGB"))


@pytest.mark.render
@pytest.mark.parametrize("at, frame", [(None, 59), ("end", 59), ("sentence.2", 30), ("0", 0), ("1.5", 22)])
def test_a_still_of_the_first_step_is_the_lesson_s_frame(rendered, at, frame):
    folder, frames = rendered
    args = ["still", "tiny_first.yaml", "--step", "intro", "-q", "low", "--cache-dir", "cache", "-o", "shot.png"]
    done = lesson_cli(*args, *(["--at", at] if at else []), cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"shot.png: step intro at {frame / 15:.3f} s (frame {frame}, from the cache)\n"
    assert np.array_equal(png_pixels(folder / "shot.png"), frames[frame])


@pytest.mark.render
def test_a_still_at_a_cue_of_the_second_step_and_its_default_name(rendered):
    folder, frames = rendered
    done = lesson_cli("still", "tiny_first.yaml", "--step", "scores", "--at", "raw.dry", "--cache-dir", "cache", cwd=folder)
    assert done.returncode == 0, done.stderr
    made = lesson_cli("still", "tiny_first.yaml", "--step", "scores", "--cache-dir", "cache", "-o", "new/folder/end.png", cwd=folder)
    assert made.returncode == 0 and (folder / "new" / "folder" / "end.png").is_file(), made.stderr
    # the voice (silent: timed at 240 words a minute) says {raw.dry} 3.79 s into the step, which starts at frame 60
    assert done.stdout == "tiny_first.scores.png: step scores at 3.733 s (frame 56, from the cache)\n"
    assert np.array_equal(png_pixels(folder / "tiny_first.scores.png"), frames[60 + 56])


@pytest.mark.render
@pytest.mark.parametrize("args, status, message", [
    (["--step", "nope"], 2, "no step with id 'nope' (ids: intro, scores)"),
    (["--step", "scores", "--at", "softmax.rain"], 2,
     # (sentence.2:scores: the voice says "scores", a word of a point on screen, which is underlined there)
     "--at softmax.rain: step 'scores' has no cue 'softmax.rain' (its cues: raw.rain, raw.dry, sentence.1, sentence.2, "
     "sentence.2:scores; or seconds, or end)"),
    (["--step", "intro", "--at", "4.5"], 2, "--at 4.5: step 'intro' lasts 4.00 s; give a time from 0 to 4.00"),
    (["--step", "intro", "--at", "-1"], 2, "--at -1: step 'intro' lasts 4.00 s; give a time from 0 to 4.00"),
    (["--step", "intro", "--at", "nan"], 2, "--at nan: step 'intro' lasts 4.00 s; give a time from 0 to 4.00"),
])
def test_a_wrong_step_cue_or_time_is_told(rendered, args, status, message):
    folder, _ = rendered
    done = lesson_cli("still", "tiny_first.yaml", "--cache-dir", "cache", *args, cwd=folder)
    assert (done.returncode, done.stderr, done.stdout) == (status, message + "\n", "")


def test_a_broken_script_is_told_at_its_line(tmp_path):
    script = tmp_path / "tiny_first.yaml"
    script.write_text(LESSON.read_text(encoding="utf-8").replace("kind: text", "kind: txet"), encoding="utf-8")
    done = lesson_cli("still", "tiny_first.yaml", "--step", "scores", "--cache-dir", "cache", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("tiny_first.yaml:35:11: step 2 kind: unknown step kind 'txet'")
    assert not (tmp_path / "tiny_first.scores.png").exists()


def test_the_moment_asked_for_is_a_frame_of_the_step():
    timing = StepTiming(0.3, 3.0, 0.5, cues=(("sentence.1", 0.3), ("a.b", 1.26), ("a.b", 2.0)))
    assert [frame_at(at, timing, 60, 15) for at in (None, "end", "a.b", "sentence.1", "0", "3.999", "4")] == [59, 59, 18, 4, 0, 59, 59]
    for at in ("c.d", "4.1", "inf", "-0.01"):
        with pytest.raises(UsageError):
            frame_at(at, timing, 60, 15, "s")


def test_each_step_begins_at_its_line_of_the_script():
    assert step_lines(LESSON) == [29, 35]  # the lines of "- kind: title" and "- kind: text"
    assert step_lines(Path("/nonexistent.yaml")) == []


def test_the_watcher_ignores_its_own_files_the_cache_hidden_files_and_editor_backups(tmp_path):
    wanted = _watch_filter([tmp_path / ".hidden" / "lessons"], tmp_path / ".hidden" / "lessons" / "preview",
                           tmp_path / ".hidden" / "lessons" / "cache")
    yes = ["tiny_first.yaml", "recordings/intro.wav", "data/flowers.csv"]
    no = ["preview/versions/1/a.mp4", "cache/sections/x.mp4", ".git/index", "out/.lesson.lock", ".tiny_first.yaml.swp",
          "tiny_first.yaml~", "#tiny_first.yaml#", "__pycache__/x.pyc", "tiny_first.yaml.swp"]
    assert [wanted(None, str(tmp_path / ".hidden" / "lessons" / p)) for p in yes] == [True] * len(yes)
    assert [wanted(None, str(tmp_path / ".hidden" / "lessons" / p)) for p in no] == [False] * len(no)


def test_the_preview_follows_the_files_a_lesson_reads_and_no_others(tmp_path):
    import wave

    from lesson.check import check_lesson
    from lesson.preview.session import Session, used_files

    root = Path(__file__).resolve().parents[1]
    text = (root / "lessons" / "argmax_softmax.yaml").read_text(encoding="utf-8")
    text = text.replace("  data: iris\n", "  data: data/flowers.csv\n", 1).replace("    id: intro\n", "    id: intro\n    audio: recordings/intro.wav\n", 1)
    (tmp_path / "data").mkdir()
    shutil.copyfile(root / "lesson" / "data" / "iris.csv", tmp_path / "data" / "flowers.csv")
    (tmp_path / "recordings").mkdir()
    with wave.open(str(tmp_path / "recordings" / "intro.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(((0.3 * np.sin(np.arange(16000) / 16000 * 2 * np.pi * 220)) * 32767).astype("<i2").tobytes())
    script = tmp_path / "lesson.yaml"
    script.write_text(text, encoding="utf-8")
    files = {script.resolve(), (tmp_path / "data" / "flowers.csv").resolve(), (tmp_path / "recordings" / "intro.wav").resolve()}
    assert used_files(script, check_lesson(script)) == files

    session = Session(script, "low", 1, tmp_path / "cache", None, False, tmp_path / "preview")
    assert session.uses(script) and session.uses(tmp_path / "other.yaml") and not session.uses(tmp_path / "log")  # no check yet
    session._used = files  # as after a good check
    assert [session.uses(p) for p in files] == [True] * 3
    assert not session.uses(tmp_path / "other.yaml") and not session.uses(tmp_path / "data" / "other.csv")


def test_a_port_in_use_is_told_and_the_preview_listens_on_loopback_only():
    import socket

    from lesson.preview.session import _listen

    first = _listen(0)
    try:
        assert first.getsockname()[0] == "127.0.0.1"
        port = first.getsockname()[1]
        with pytest.raises(UsageError, match=rf"^--port {port}: cannot listen on 127\.0\.0\.1:{port} \(Address already in use\)$"):
            _listen(port)
    finally:
        first.close()
    assert isinstance(first, socket.socket)


@pytest.mark.render
def test_the_preview_shows_the_numbers_of_lesson_numbers_and_the_equations_of_the_manifest(tmp_path):
    import json

    from lesson.check import check_lesson
    from lesson.preview.session import Session

    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "equation.yaml"
    shutil.copyfile(root / "lessons" / "examples" / "equation.yaml", script)
    session = Session(script, "low", 2, tmp_path / "cache", "none", False, tmp_path / "preview")
    assert session.refresh() is True
    [view] = session.state["lessons"]
    manifest = json.loads((tmp_path / "preview" / "build" / "fruit_equation" / "fruit_equation.json").read_text(encoding="utf-8"))
    assert view["equations"] == manifest["equations"] and len(view["equations"]) > 3
    assert view["relations"] == manifest["relations"]
    assert [(s["title"], s["start"], s["start"] + s["duration"]) for s in view["steps"]] == [
        (c["title"], pytest.approx(c["start"], abs=1e-3), pytest.approx(c["end"], abs=1e-3)) for c in manifest["chapters"]]
    done = lesson_cli("numbers", "equation.yaml", cwd=tmp_path)
    assert done.returncode == 0
    shown = {n["name"]: n["shown"] for n in view["numbers"]}
    assert set(shown) == set(check_lesson(script).numbers.values())
    for name, value in shown.items():  # each row of `lesson numbers`: the placeholder, then the text shown
        assert re.search(rf"\{{{re.escape(name)}\}}\s*│\s*{re.escape(value)}\s", done.stdout), name
    assert session.refresh() is False and session.state["focus"]["version"] == 1  # nothing changed: the same version


def test_a_layout_problem_seeks_to_when_it_shows():
    from lesson.preview.session import _layout

    problem = "step softmax (softmax) at 2.5s: outside the frame: Text('e^{1.43}')"
    assert _layout(problem, 10.0) == {"text": problem, "time": 12.5}
    assert _layout("text overlaps text: a and b", 10.0) == {"text": "text overlaps text: a and b", "time": 10.0}
