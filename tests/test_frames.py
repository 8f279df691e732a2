"""Frames handed to Manim's encoder without copies (lesson.manim.adapter's frame hand-off, lesson.manim.frames's pool) give
the very clips stock Manim gives."""

import multiprocessing
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.render


def _render(media: Path, fast: bool, queue) -> None:
    """Runs in a new interpreter: stock Manim must not be patched by an earlier render in the test process."""
    from manim import BLUE, ORANGE, RIGHT, UP, Circle, Create, FadeIn, Scene, Square, Text, tempconfig

    from lesson.manim import frames
    from lesson.manim import adapter as manim_adapter

    if fast:
        assert manim_adapter.install()

    class Sample(Scene):
        def construct(self):
            square = Square(color=BLUE, fill_opacity=0.6)
            self.add(Text("static", font_size=36).to_edge(UP))  # drawn once into Manim's static image
            self.play(Create(square), run_time=0.6)
            self.play(square.animate.shift(2 * RIGHT).rotate(0.7), FadeIn(Circle(color=ORANGE).shift(2 * UP)), run_time=0.8)
            self.wait(0.4, frozen_frame=True)  # a frozen frame arrives at the encoder as an array
            self.play(square.animate.scale(0.5), run_time=0.5)

    settings = {
        "media_dir": str(media), "pixel_width": 854, "pixel_height": 480, "frame_rate": 30, "disable_caching": True,
        "progress_bar": "none", "verbosity": "ERROR", "format": "mp4", "write_to_movie": True,
        "video_encoder_options": {"crf": "23", "preset": "veryfast", "bf": "0", "threads": "1"},
    }
    with tempconfig(settings):
        scene = Sample()
        scene.render()
        clips = [Path(p).read_bytes() for p in scene.renderer.file_writer.partial_movie_files if p]
    made = frames.pool(854, 480).made if fast else 0
    queue.put((clips, made))


def _clips(tmp_path: Path, fast: bool):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_render, args=(tmp_path / ("fast" if fast else "stock"), fast, queue))
    child.start()
    result = queue.get(timeout=120)
    child.join(timeout=30)
    assert child.exitcode == 0
    return result


def test_handed_frames_encode_to_the_same_bytes_as_stock_manim(tmp_path):
    stock, _ = _clips(tmp_path, fast=False)
    fast, made = _clips(tmp_path, fast=True)
    assert len(stock) == 4 and len(fast) == len(stock)
    for n, (a, b) in enumerate(zip(stock, fast)):
        assert a == b, f"clip {n} differs from stock Manim's"
    # 57 frames were drawn (854 wide: rows of 3416 bytes, which FFmpeg's own frames would pad); arrays come back to the pool once encoded instead of being allocated anew
    assert 0 < made <= 12


def test_pool_reuses_arrays_of_its_size():
    from lesson.manim.frames import FramePool

    pool = FramePool(64, 36, keep=2)
    a, b, c = pool.take(), pool.take(), pool.take()
    assert pool.made == 3 and a.shape == (36, 64, 4)
    pool.give(a)
    assert pool.take() is a and pool.made == 3
    for array in (a, b, c):
        pool.give(array)
    assert len(pool._free) == 2  # keeps at most two
    pool.give(np.zeros((36, 64, 3), np.uint8))  # nor anything of another shape
    pool.give(np.zeros((36, 128, 4), np.uint8)[:, ::2])  # or not contiguous
    assert len(pool._free) == 2
