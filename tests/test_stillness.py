"""The still measure (lesson/package/stillness.py): samples 2 a second, grey, 160 px; a change is a pixel moving by more than 8 of
255; stills of 2 s or more. On pictures made here (unit) and on videos encoded here with known still stretches (render)."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

from lesson.package.stillness import LONGEST, SHARE, Stretch, chapter_at, chapters, grey_samples, measure, still_stretches

FPS = 10  # of the videos made here
W, H = 320, 180


def pictures(*levels: int) -> np.ndarray:
    """One flat grey 90x160 picture per level."""
    return np.array([np.full((90, 160), v, dtype=np.uint8) for v in levels], dtype=np.uint8).reshape(-1, 90, 160)


@pytest.mark.unit
def test_a_run_of_n_same_samples_is_n_halves_of_a_second_and_short_runs_do_not_count():
    # samples: 5 of one picture (2.5 s), 1 other, 3 of a third (1.5 s: too short), 4 of a fourth (2.0 s)
    samples = pictures(10, 10, 10, 10, 10, 100, 200, 200, 200, 50, 50, 50, 50)
    assert still_stretches(samples) == (Stretch(0.0, 2.5), Stretch(4.5, 2.0))


@pytest.mark.unit
def test_a_change_of_8_is_still_and_a_change_of_9_in_one_pixel_is_not():
    same = pictures(*[100] * 6)
    same[3] += 8  # the whole picture 8 levels brighter: still
    assert still_stretches(same) == (Stretch(0.0, 3.0),)
    one = pictures(*[100] * 6)
    one[3, 40, 80] = 109  # one pixel 9 levels brighter in the fourth sample: samples 0-2 (1.5 s) and 4-5 (1 s) are short
    assert still_stretches(one) == ()


@pytest.mark.unit
def test_drift_of_small_steps_is_still_however_far_it_goes():
    # each sample 5 brighter than the last: consecutive samples are the same picture, so the whole is one still
    assert still_stretches(pictures(*range(0, 100, 5))) == (Stretch(0.0, 10.0),)


@pytest.mark.unit
def test_no_samples_or_one_sample_has_no_still():
    assert still_stretches(pictures()) == ()
    assert still_stretches(pictures(7)) == ()


def encode(path: Path, frames: np.ndarray) -> Path:
    """Grey frames (n, H, W) as an H.264 MP4 (yuv420p, as lesson render writes) at FPS frames a second."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{W}x{H}", "-r", str(FPS),
                    "-i", "-", "-c:v", "libx264", "-crf", "23", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(path)],
                   input=frames.tobytes(), check=True)
    return path


def still(seconds: float, level: int) -> np.ndarray:
    return np.full((round(seconds * FPS), H, W), level, dtype=np.uint8)


def moving(seconds: float, level: int = 60) -> np.ndarray:
    """A white square 20 px wide crossing a grey picture, 4 px a frame (so 20 px between two samples)."""
    n = round(seconds * FPS)
    frames = np.full((n, H, W), level, dtype=np.uint8)
    for i in range(n):
        x = (4 * i) % (W - 20)
        frames[i, 80:100, x:x + 20] = 255
    return frames


@pytest.mark.render
def test_a_video_with_known_stills_measures_them(tmp_path):
    # 5 s still, 3 s moving, 3 s still, 1 s moving, 1.5 s still (too short), 2 s moving, 4 s still: 19.5 s
    video = encode(tmp_path / "v.mp4", np.concatenate([
        still(5, 40), moving(3), still(3, 200), moving(1), still(1.5, 120), moving(2), still(4, 90)]))
    found = measure(video)
    assert found.duration == pytest.approx(19.5)
    assert found.stretches == (Stretch(0.0, 5.0), Stretch(8.0, 3.0), Stretch(15.5, 4.0))
    assert found.longest == 5.0
    assert found.share == pytest.approx(12.0 / 19.5)


@pytest.mark.render
def test_a_video_that_always_moves_has_no_still_and_one_that_never_moves_is_all_still(tmp_path):
    assert measure(encode(tmp_path / "moving.mp4", moving(6))).stretches == ()
    flat = measure(encode(tmp_path / "flat.mp4", still(6, 128)))
    assert (flat.stretches, flat.share, flat.longest) == ((Stretch(0.0, 6.0),), 1.0, 6.0)


@pytest.mark.render
def test_samples_are_two_a_second_grey_and_160_pixels_wide_in_the_pictures_shape(tmp_path):
    frames = still(3, 30)
    frames[:, :, W // 2:] = 220  # left half dark, right half light
    samples = grey_samples(encode(tmp_path / "v.mp4", frames))
    assert samples.shape == (6, 90, 160) and samples.dtype == np.uint8
    # back in full range (0..255) from the video's limited-range luma, within the encoder's rounding
    assert abs(int(samples[0, 45, 20]) - 30) <= 2 and abs(int(samples[0, 45, 140]) - 220) <= 2


# ---------------------------------------------------------------- the shipped lessons (issue 24's target)

ROOT = Path(__file__).resolve().parents[1]
# Each shipped lesson meets issue 24's target (stillness.LONGEST, SHARE): no still longer than 8 s, at most 0.40 of it
# still. The voice says each sentence the same way on every render (lesson/speech/piper_noise.py), so these are the
# lessons' own figures, not a sample of them; bench/stills.py prints every still with what the voice says during it.


def stiller(video: Path, longest: float = LONGEST, share: float = SHARE) -> list[str]:
    """What in ``video`` is stiller than a longest still of ``longest`` seconds and a share of ``share``: each still
    longer, and the share if above, with the step (chapter) it is in, so that a failure says where to look."""
    found, marks = measure(video), chapters(video)
    out = [f"{s.length:.1f} s still from {s.start:.1f} s ({chapter_at(marks, s.start)})" for s in found.stretches if s.length > longest]
    if found.share > share:
        out.append(f"still share {found.share:.2f} of {found.duration:.1f} s")
    return out


def render_low(script: Path, tmp: Path) -> Path:
    """The lesson at -q low with its own voice, as `lesson render -q low` makes it."""
    from lesson.package.build import build
    from lesson.check import check_lesson

    checked = check_lesson(script)
    voice = checked.lesson.narration.voice
    return build(checked.plan, checked.numbers, tmp / "out", quality="low", voice=voice, jobs=2, cache_dir=tmp / "cache").video


# argmax_softmax, the default lesson, is measured on the render tests/test_render.py makes anyway
@pytest.mark.render
@pytest.mark.parametrize("name", ["cross_entropy", "cross_entropy_backprop", "activation_functions", "wide_resnet"])
def test_a_shipped_lesson_meets_the_still_target(name, tmp_path):
    assert stiller(render_low(ROOT / "lessons" / f"{name}.yaml", tmp_path)) == []

