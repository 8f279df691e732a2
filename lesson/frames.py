"""Hand Manim's frames to its encoder without copying them.

Stock Manim 0.22 moves each frame of an animation through three copies (8 MB each at 1080p):
the camera resets its pixel array from the background, ``CairoRenderer.get_frame`` copies the
drawn picture for the encoder thread, and the encoder thread copies that into a new
``av.VideoFrame`` before converting it to YUV. The last two land in freshly allocated memory,
which the kernel must also fault in and zero.

:func:`install` changes three methods so that the camera draws straight into an array taken
from a small pool: the background (or Manim's static image) is copied into it once, Cairo draws
into it, that very array goes to the encoder, which wraps it as a ``VideoFrame`` without copying
(x264 works on its own YUV copy) and then gives it back to the pool. The encoder owns every
array it is handed (Manim's contract for ``SceneFileWriter.write_frame``), so it may recycle
them. The clips are the same bytes as stock Manim's (tested).

Only the processes that draw steps for ``lesson render`` install it.
"""

from __future__ import annotations

import threading
from fractions import Fraction

import numpy as np

POOL_SIZE = 12  # frames in flight: Manim's encoder queue (8), the one being encoded, the one being drawn, some slack


class FramePool:
    """Reusable (height, width, 4) uint8 arrays, shared by the drawing thread and the encoder thread."""

    def __init__(self, width: int, height: int, keep: int = POOL_SIZE):
        self.shape = (height, width, 4)
        self.keep = keep
        self._free: list[np.ndarray] = []
        self._lock = threading.Lock()
        self.made = 0  # arrays allocated

    def take(self) -> np.ndarray:
        with self._lock:
            if self._free:
                return self._free.pop()
        self.made += 1
        return np.empty(self.shape, np.uint8)

    def give(self, array: np.ndarray) -> None:
        if array.shape != self.shape or array.dtype != np.uint8 or not array.flags.c_contiguous or not array.flags.writeable:
            return
        with self._lock:
            if len(self._free) < self.keep:
                self._free.append(array)


_pools: dict[tuple[int, int], FramePool] = {}
_pools_lock = threading.Lock()
_installed = False


def pool(width: int, height: int) -> FramePool:
    """This process's pool of frames of one size (the drawing and the encoder thread may ask first)."""
    with _pools_lock:
        if (width, height) not in _pools:
            _pools[(width, height)] = FramePool(width, height)
        return _pools[(width, height)]


def install() -> None:
    """Patch Manim's Cairo renderer and segment encoder in this process (idempotent)."""
    global _installed
    if _installed:
        return
    import av
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    stock_update_frame = CairoRenderer.update_frame

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs) -> None:
        # Manim resets the camera's array from the background in place and draws into it; if the encoder holds that
        # array (the last picture went to it), the camera first gets another one from the pool
        camera = self.camera
        draws = ignore_skipping or not self.skip_animations
        if draws and getattr(self, "_lesson_sent", None) is camera.pixel_array:
            camera.pixel_array = pool(camera.pixel_width, camera.pixel_height).take()
            camera.pixel_array_to_cairo_context.clear()  # Cairo contexts are cached by id(), which a new array may reuse
        stock_update_frame(self, scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def render(self, scene, time: float, moving_mobjects=None) -> None:
        self.update_frame(scene, moving_mobjects)
        if not self.skip_animations:
            self._lesson_sent = self.camera.pixel_array
        self.add_frame(self.camera.pixel_array)  # the encoder owns it now; get_frame() still copies from it for stills

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        # VideoSegmentEncoder.write_frame, wrapping the array instead of copying it, then recycling it
        self._validate_frame(pixels, repeat)
        frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        frame.time_base = 1 / Fraction(self.spec.frame_rate)
        try:
            for _ in range(repeat):
                frame.pts = self._next_pts
                self._next_pts += 1
                for packet in self._stream.encode(frame):  # converted to YUV here: x264 keeps no reference to it
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error
        del frame
        pool(pixels.shape[1], pixels.shape[0]).give(pixels)

    CairoRenderer.update_frame = update_frame
    CairoRenderer.render = render
    VideoSegmentEncoder.write_frame = write_frame
    _installed = True
