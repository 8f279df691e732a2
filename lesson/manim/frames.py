"""The pool of frames that Manim's camera draws into and its encoder takes without copying them.

Stock Manim 0.22 moves each frame of an animation through three copies (8 MB each at 1080p):
the camera resets its pixel array from the background, ``CairoRenderer.get_frame`` copies the
drawn picture for the encoder thread, and the encoder thread copies that into a new
``av.VideoFrame`` before converting it to YUV. The last two land in freshly allocated memory,
which the kernel must also fault in and zero.

With :mod:`lesson.manim.adapter`'s frame hand-off, the camera draws straight into an array taken
from a small pool (this module): the background (or Manim's static image) is copied into it once,
Cairo draws into it, that very array goes to the encoder, which wraps it as a ``VideoFrame``
without copying (x264 works on its own YUV copy) and then gives it back to the pool. The encoder
owns every array it is handed (Manim's contract for ``SceneFileWriter.write_frame``), so it may
recycle them. The clips are the same bytes as stock Manim's (tested).
"""

from __future__ import annotations

import threading

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


def pool(width: int, height: int) -> FramePool:
    """This process's pool of frames of one size (the drawing and the encoder thread may ask first)."""
    with _pools_lock:
        if (width, height) not in _pools:
            _pools[(width, height)] = FramePool(width, height)
        return _pools[(width, height)]
