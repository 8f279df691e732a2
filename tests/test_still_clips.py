"""A still's clip (lesson/render/mux.py encode_still): every frame decodes to the first, whether its repeats are copied
(the usual picture) or encoded (a picture whose repeats the encoder codes its own way), and it joins by stream copy."""

import json
from pathlib import Path

import av
import numpy as np
import pytest

from lesson.render.mux import PROBE, encode_still, encoder_options, repeat_packets

pytestmark = pytest.mark.render
W, H, FPS = 640, 360, 15
SPEC = {"frame_rate": [FPS, 1], "container_format": "mp4", "options": list(encoder_options(FPS).items()), "codec": "libx264",
        "pixel_format": "yuv420p", "width": W, "height": H}


def lesson_like() -> np.ndarray:
    """A dark background with light bars and a gradient band: edges and flat areas, as a lesson's frame has."""
    picture = np.full((H, W, 4), 20, np.uint8)
    picture[..., 3] = 255
    picture[60:80, 40:600, :3] = 230
    picture[150:170, 40:400, 0] = 250
    picture[250:330, :, :3] = np.linspace(0, 255, W, dtype=np.uint8)[None, :, None]
    return picture


def noise() -> np.ndarray:
    picture = np.random.default_rng(7).integers(0, 256, (H, W, 4), dtype=np.uint8)
    picture[..., 3] = 255
    return picture


def decoded(path: Path) -> tuple[list[np.ndarray], list[bytes]]:
    """The clip's pictures, and its packets' NAL units (written length-prefixed; the encoder gives them with start codes)."""
    with av.open(str(path)) as src:
        packets = [bytes(p)[4:] for p in src.demux(video=0) if p.size]
    with av.open(str(path)) as src:
        frames = [f.to_ndarray(format="rgb24") for f in src.decode(video=0)]
    return frames, packets


@pytest.mark.parametrize("frames", [PROBE + 1, 23, 2 * FPS])
def test_a_still_clip_repeats_its_first_frame_exactly_with_the_picture_free_repeats_for_a_usual_picture(tmp_path, frames):
    encode_still(tmp_path / "still.mp4", lesson_like(), frames, SPEC)
    pictures, packets = decoded(tmp_path / "still.mp4")
    assert len(pictures) == frames
    assert [i for i, p in enumerate(pictures) if not np.array_equal(p, pictures[0])] == []
    assert np.abs(pictures[0].astype(int) - lesson_like()[..., :3]).mean() < 2  # the picture itself, well coded
    repeats = repeat_packets(json.dumps(SPEC, sort_keys=True))
    assert repeats is not None and packets[1:] == [r[4:] for r in repeats[:frames - 1]]


def test_a_picture_whose_repeats_are_its_own_is_encoded_frame_by_frame(tmp_path):
    encode_still(tmp_path / "noise.mp4", noise(), 2 * FPS, SPEC)
    pictures, packets = decoded(tmp_path / "noise.mp4")
    repeats = repeat_packets(json.dumps(SPEC, sort_keys=True))
    assert repeats is not None and len(pictures) == 2 * FPS and packets[1] != repeats[0][4:]  # not the usual repeats ...
    assert [i for i, p in enumerate(pictures) if not np.array_equal(p, pictures[0])] == []  # ... and still one picture


def test_still_clips_of_both_kinds_join_by_stream_copy(tmp_path):
    from lesson.render.mux import write_clips

    encode_still(tmp_path / "a.mp4", lesson_like(), 20, SPEC)
    encode_still(tmp_path / "b.mp4", noise(), 20, SPEC)
    frames = write_clips(tmp_path / "joined.mp4", [(tmp_path / "a.mp4", None), (tmp_path / "b.mp4", 12), (tmp_path / "a.mp4", None)], FPS)
    pictures, _ = decoded(tmp_path / "joined.mp4")
    assert frames == len(pictures) == 52
    firsts = [decoded(tmp_path / name)[0][0] for name in ("a.mp4", "b.mp4")]
    expected = [0] * 20 + [1] * 12 + [0] * 20
    assert [k for k, p in zip(expected, pictures) if not np.array_equal(p, firsts[k])] == []
