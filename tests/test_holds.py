"""Long holds cost nothing to encode and stay exact: frame count, duration, keyframes and audio sync."""

import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from lesson.package.build import build
from lesson.numbers.compute import compute
from lesson.plan import build_plan
from lesson.check import load_lesson
from lesson.base.timing import LEAD
from media import background, decoded_audio, ffprobe, frame_at, keyframe_times, packet_times, parse_cues

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.render
BEEP_AT = 0.7  # seconds into the recording


def write_recording(path: Path, seconds: float) -> None:
    """A 'recorded narration': silence with a short 1 kHz tone at BEEP_AT."""
    rate = 22050
    t = np.arange(int(seconds * rate)) / rate
    x = np.where((t >= BEEP_AT) & (t < BEEP_AT + 0.3), 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((x * 32767).astype("<i2").tobytes())


@pytest.fixture(scope="module")
def long_holds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("holds")
    text = (ROOT / "tests" / "fixtures" / "five_classes.yaml").read_text()
    head = text.split("\nsteps:")[0].replace("narration: {voice: none}", "narration: {voice: none, pause: 9.5}")
    write_recording(tmp / "take1.wav", 2.0)
    (tmp / "holds.yaml").write_text(
        head
        + "\nsteps:\n"
        + '  - {kind: title, title: Long holds, narration: "Five classes."}\n'
        + '  - {kind: summary, title: Recorded, points: [one, two], narration: "A recorded step.", audio: take1.wav}\n'
    )
    lesson = load_lesson(tmp / "holds.yaml")
    numbers = compute(lesson, tmp)
    plan = build_plan(lesson, tmp, numbers)
    result = build(plan, numbers, tmp / "out", quality="low", voice="none", jobs=2, cache_dir=tmp / "cache")
    return plan, result


def test_holds_are_exact_to_the_frame(long_holds):
    plan, result = long_holds
    fps = 15
    frames = sum(r.video.frames for r in result.steps)
    # every step lasts through its 9.5 s pause, and holds are most of the video
    assert all(r.video.frames >= (LEAD + 9.5) * fps for r in result.steps)
    assert sum(r.video.hold_frames for r in result.steps) > 0.6 * frames
    info = json.loads(ffprobe("-count_frames", "-show_streams", "-show_format", "-of", "json", str(result.video)))
    (video,) = [s for s in info["streams"] if s["codec_type"] == "video"]
    assert int(video["nb_read_frames"]) == frames
    assert video["r_frame_rate"] == "15/1" and video["avg_frame_rate"] == "15/1"  # constant frame rate
    assert abs(float(info["format"]["duration"]) - frames / fps) < 1e-3
    # frame timestamps are exactly one frame apart
    pts = [float(t) for t, _ in packet_times(result.video)]
    assert np.allclose(np.diff(pts), 1 / fps, atol=1e-4)
    assert max(np.diff(keyframe_times(result.video) + [frames / fps])) <= 2.0 + 1e-6
    # the whole video decodes without errors
    decode = subprocess.run(["ffmpeg", "-v", "error", "-i", str(result.video), "-f", "null", "-"], capture_output=True, text=True)
    assert decode.returncode == 0 and decode.stderr == ""


def test_a_hold_is_one_picture_to_the_last_bit(long_holds):
    """The title step ends in a pause of 9.5 s: several repeats of a still's clip joined by stream copy. Every frame of it
    decodes to the same pixels (x264 left alone codes a still's first frame coarser and sharpens it over the next
    frames, so each repeat stepped back: a shimmer every keyframe)."""
    import av

    plan, result = long_holds
    fps = 15
    end = result.steps[0].video.frames
    last = range(end - 6 * fps, end)  # the title step's last 6 s: its pause, after the title has come in
    with av.open(str(result.video)) as src:
        frames = [f.to_ndarray(format="rgb24") for i, f in enumerate(src.decode(video=0)) if i in last]
    keyframes = [t for t in keyframe_times(result.video) if t * fps >= last.start]
    assert len(frames) == len(last) and len(keyframes) >= 3  # the stretch spans several repeats
    moved = [i for i, f in enumerate(frames) if not np.array_equal(f, frames[0])]
    assert moved == []


def test_recorded_narration_sets_the_step_length_and_stays_in_sync(long_holds):
    plan, result = long_holds
    first, second = result.steps
    start = first.video.frames / 15
    # the recording's 2 s plus lead-in and pause, to the frame
    assert second.video.frames / 15 >= LEAD + 2.0 + 9.5 - 1 / 15
    audio = decoded_audio(result.video)
    assert abs(len(audio) / 48000 - sum(r.video.frames for r in result.steps) / 15) < 0.03
    onset = np.argmax(np.abs(audio) > 0.05) / 48000
    # the voice starts on the AAC frame (1024 samples) at or just before LEAD seconds into its step
    voice_at = int((start + LEAD) * 48000) // 1024 * 1024 / 48000
    assert start + LEAD - 1024 / 48000 < voice_at <= start + LEAD
    assert abs(onset - (voice_at + BEEP_AT)) < 0.002, (onset, voice_at + BEEP_AT)


def test_a_recording_that_is_not_audio_is_a_clear_error(tmp_path):
    from lesson.base.errors import LessonError

    text = (ROOT / "tests" / "fixtures" / "five_classes.yaml").read_text().split("\nsteps:")[0]
    (tmp_path / "take.wav").write_text("not audio at all")
    (tmp_path / "bad.yaml").write_text(text + '\nsteps:\n  - {kind: title, title: T, narration: "Hello.", audio: take.wav}\n')
    with pytest.raises(LessonError, match="bad.yaml:[0-9]+:[0-9]+: recording 'take.wav': cannot read this audio file"):
        load_lesson(tmp_path / "bad.yaml")  # lesson check decodes the recording
    # a recording spoiled after the check (between check and render) is still a clean error at render time
    write_recording(tmp_path / "take.wav", 1.0)
    lesson = load_lesson(tmp_path / "bad.yaml")
    numbers = compute(lesson, tmp_path)
    plan = build_plan(lesson, tmp_path, numbers)
    (tmp_path / "take.wav").write_text("not audio at all")
    with pytest.raises(LessonError, match="take.wav: cannot read this audio file"):
        build(plan, numbers, tmp_path / "out", quality="low", voice="none", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_burned_in_captions_appear_in_the_bottom_band_during_their_cues(tmp_path):
    import dataclasses

    path = ROOT / "tests" / "fixtures" / "five_classes.yaml"
    lesson = load_lesson(path)
    numbers = compute(lesson, path.parent)
    plan = build_plan(lesson, path.parent, numbers)
    plan = dataclasses.replace(plan, steps=plan.steps[5:6])  # the SoftMax step
    result = build(plan, numbers, tmp_path / "out", quality="low", voice="none", burn_captions=True, jobs=1, cache_dir=tmp_path / "cache")
    start, end, _ = parse_cues((tmp_path / "out" / "five_fruits.vtt").read_text(), ".")[0]
    bg = background(plan.style.background)

    def band(t):
        frame = frame_at(result.video, t).astype(int)
        return np.abs(frame[480 - 480 // 6 + 2:] - bg).max()

    assert band(start / 2) < 40  # before the voice starts: the band is empty
    assert band((start + end) / 2) > 100  # during the first cue: its text is there
    assert result.steps[0].layout_problems == ()
