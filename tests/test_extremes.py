"""Valid but extreme lesson scripts render cleanly (``lesson render -q low --voice none --strict-layout``), or fail
clearly naming the step where that is impossible; captions keep to their rules for any narration.

The fixtures in tests/fixtures/extreme/ are copies of lessons/argmax_softmax.yaml pushed to the script's limits:
six classes with 16-character labels, Greek/Cyrillic/Arabic text, every TeX special character in labels,
0 and 6 decimals, a title step alone, one step kind many times, a narration near the 2000-character maximum
(with burned-in captions), and CJK labels (which need a CJK font). Each renders into its own folder, with one
cache for the module.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lesson.narration import captions
from lesson.cli import cli
from lesson.base.qualities import QUALITIES
from media import background, frame_at, parse_cues, probe
from scenes import layout

ROOT = Path(__file__).resolve().parents[1]
EXTREME = ROOT / "tests" / "fixtures" / "extreme"
LESSON = [sys.executable, "-m", "lesson"]
CLEAN = ["decimals_0", "decimals_6", "long_narration", "many_softmax", "non_latin", "six_long_labels", "tex_specials", "title_only"]
BURNED = {"long_narration"}  # rendered with --burn-captions as well


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("extreme-cache")


def render(name: str, out: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [*LESSON, "render", str(EXTREME / f"{name}.yaml"), "-q", "low", "--voice", "none", "--strict-layout",
            "-o", str(out), "--cache-dir", str(cache), *extra]
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=900)


def test_lesson_check_accepts_every_extreme_fixture():
    files = sorted(EXTREME.glob("*.yaml"))
    assert {f.stem for f in files} >= set(CLEAN) | {"cjk_labels"}
    done = subprocess.run([*LESSON, "check", *map(str, files)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok") == len(files)


@pytest.mark.render
@pytest.mark.parametrize("name", CLEAN)
def test_extreme_lesson_renders_with_a_clean_layout(name, cache, tmp_path):
    extra = ("--burn-captions",) if name in BURNED else ()
    done = render(name, tmp_path, cache, *extra)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "layout:" not in done.stderr and "Traceback" not in done.stderr
    video = tmp_path / f"{name}.mp4"
    manifest = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    duration = float(probe(video)["format"]["duration"])
    assert abs(duration - manifest["duration"]) < 1e-2
    # captions: at most 2 lines of 42 characters, in order, inside the video, and every character of the narration
    transcript = (tmp_path / f"{name}.transcript.md").read_text(encoding="utf-8")
    # the transcript's text as Markdown renders it: its backslash escapes and character references read back
    narration = html.unescape(re.sub(r"\\(.)", r"\1", "".join(line for line in transcript.splitlines() if line and not line.startswith("#"))))
    for suffix, sep in ((".vtt", "."), (".srt", ",")):
        cues = parse_cues(video.with_suffix(suffix).read_text(encoding="utf-8"), sep)
        for (start, end, lines), nxt in zip(cues, cues[1:] + [None]):
            assert 0 <= start < end <= duration + 1e-3
            assert 1 <= len(lines) <= 2 and all(len(line) <= 42 for line in lines), lines
            assert nxt is None or end <= nxt[0] + 1e-3
        assert re.sub(r"\s", "", "".join("".join(lines) for _, _, lines in cues)) == re.sub(r"\s", "", narration)
    # the picture: each step ends on a drawn frame that leaves the caption band empty (unless captions are burned in)
    h = QUALITIES["low"][1]
    band = h - h // 6
    bg = background("#101820")  # every fixture keeps the default theme
    for chapter in manifest["chapters"]:
        frame = frame_at(video, chapter["end"] - 0.2).astype(int)
        assert np.abs(frame[: band] - bg).max() > 100, f"{chapter['title']} is blank"
        if name not in BURNED:
            assert np.abs(frame[band + 2:] - bg).max() < 40, f"{chapter['title']} draws in the caption band"


@pytest.mark.render
def test_cjk_labels_render(cache, tmp_path):
    # dev.sh installs a CJK font (fonts-wqy-microhei); a script no installed font has is refused by check
    done = render("cjk_labels", tmp_path, cache)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "layout:" not in done.stderr and (tmp_path / "cjk_labels.mp4").exists()


@pytest.mark.render
def test_strict_layout_fails_naming_the_step_also_when_the_step_was_drawn_before(cache, tmp_path, monkeypatch):
    """A layout problem warns without the flag, and with it fails (exit 1, no traceback), both when the step is drawn
    and when an earlier render drew it (the problem is kept with the drawing)."""
    real = layout.check

    def broken(mobjects, **kw):  # the title card's heading "overlaps" something: a layout problem to find
        found = real(mobjects, **kw)
        return found + ["text overlaps text: Text('ArgMax and SoftMax') and Text('a test')"] if mobjects else found

    monkeypatch.setattr(layout, "check", broken)  # the workers are forked: they see it too
    fixture = str(EXTREME / "title_only.yaml")
    base_args = ["render", fixture, "-q", "low", "--voice", "none", "-j", "1", "--cache-dir", str(tmp_path / "cache")]
    runner = CliRunner()
    strict = runner.invoke(cli, [*base_args, "-o", str(tmp_path / "a"), "--strict-layout"])
    assert strict.exit_code == 1, strict.output
    assert not isinstance(strict.exception, Exception) or isinstance(strict.exception, SystemExit)
    assert "step 1 'step01_title' (title)" in strict.output and "not laid out cleanly" in strict.output
    assert "Traceback" not in strict.output and not (tmp_path / "a" / "title_only.mp4").exists()
    warned = runner.invoke(cli, [*base_args, "-o", str(tmp_path / "b")])
    assert warned.exit_code == 0 and "layout: step step01_title (title)" in warned.output
    again = runner.invoke(cli, [*base_args, "-o", str(tmp_path / "c"), "--strict-layout"])  # from the cache
    assert again.exit_code == 1 and "step 1 'step01_title' (title) is not laid out cleanly" in again.output


# ---------------------------------------------------------------- captions for any narration


def check_cues(cues: list[captions.Cue], video_end: float) -> None:
    for c, nxt in zip(cues, cues[1:] + [None]):
        assert 0 <= c.start < c.end <= video_end + 1e-9
        assert 1 <= len(c.lines) <= 2 and all(1 <= len(line) <= 42 for line in c.lines), c.lines
        assert nxt is None or c.end <= nxt.start + 1e-9


def test_a_single_word_of_1001_characters_is_broken_into_lines_of_42():
    word = "".join(chr(ord("a") + i % 26) for i in range(1001))
    words = [captions.Word("See:", 0.0, 0.3), captions.Word(word, 0.4, 30.0), captions.Word("done.", 30.1, 30.5)]
    cues = captions.make_cues([words], video_end=32.0)
    check_cues(cues, 32.0)
    assert all(1.0 - 1e-9 <= c.end - c.start <= 7.0 + 1e-9 for c in cues)  # there is time: the usual 1-7 s
    assert "".join("".join(c.lines) for c in cues) == "See:" + word + "done."  # nothing lost, nothing added
    assert sum(len(c.lines) for c in cues) >= 1001 // 42


def test_a_long_word_spoken_quickly_still_keeps_every_cue_inside_the_video():
    word = "x" * 1001
    cues = captions.make_cues([[captions.Word(word, 0.3, 0.7)], [captions.Word("Next.", 1.0, 1.4)]], video_end=3.0)
    check_cues(cues, 3.0)
    assert "".join("".join(c.lines) for c in cues) == word + "Next."


def test_a_caption_line_of_1001_characters_of_words_keeps_to_the_rules():
    text = " ".join(["softmax"] * 125)[:1001]
    words = [captions.Word(w, i * 0.35, i * 0.35 + 0.3) for i, w in enumerate(text.split())]
    cues = captions.make_cues([words], video_end=words[-1].end + 1)
    check_cues(cues, words[-1].end + 1)
    assert " ".join(" ".join(c.lines) for c in cues).split() == text.split()
    assert all(1.0 - 1e-9 <= c.end - c.start <= 7.0 + 1e-9 for c in cues)


def test_burned_in_caption_cards_fit_the_bottom_band(tmp_path):
    from manim import tempconfig

    from lesson.plan import ClassStyle, StepPlan, Style
    from lesson.base.timing import StepTiming
    from lesson.kinds import get
    from scenes import style

    cues = captions.make_cues([[captions.Word("W" * 60, 0.3, 2.0), captions.Word("M" * 41, 2.1, 4.0)]], 6.0)
    theme = Style("#101820", "#f2f2f2", "#8a94a6", "#f5c542", "Nimbus Sans", (ClassStyle("a", "A", "#4fa3e0"), ClassStyle("b", "B", "#f08a4b")))
    timing = StepTiming(0.3, 3.7, 0.6, captions=tuple((c.start, c.end, c.text) for c in cues))
    with tempconfig({"write_to_movie": False, "quality": "low_quality", "text_dir": str(tmp_path / "texts"), "media_dir": str(tmp_path)}):
        scene = get("summary").scene_class()(StepPlan(0, "summary", "s", "S", "x", data={"points": ["p"]}), theme, timing)
        scene.setup()  # makes the caption cards
        for card in scene.caption_slot:
            assert card.get_bottom()[1] >= -style.FRAME_HEIGHT / 2 and card.get_top()[1] <= style.CAPTION_BAND_TOP + 1e-6
            assert card.width <= style.CONTENT_WIDTH + 1e-6 and len(card[1]) <= 2
