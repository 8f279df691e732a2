"""How much of a video is a still picture: the still measure of issue 24 (``docs/benchmarks.md``, "Still stretches").

The video is sampled at 2 frames a second, each sample grey and 160 pixels wide (FFmpeg decodes it, in a
subprocess). Two consecutive samples are *the same picture* when no pixel differs by more than 8 of 255. A run of
consecutive samples that are each the same picture as the one before is a still; each of its samples stands for
half a second of video, so a run of n samples is n / 2 seconds long. Runs of 2 s or more are the video's *still
stretches*; the *still share* is their total length over the video's duration, and the *longest still* the longest of
them. A video without any still stretch has share 0 and longest 0.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 2  # samples a second
WIDTH = 160  # pixels across a sample
THRESHOLD = 8  # of 255: a pixel that changes by more than this between two samples is a change
SHORTEST = 2.0  # seconds: a still shorter than this is not counted
LONGEST, SHARE = 8.0, 0.40  # issue 24's target for a shipped lesson: no still longer (seconds), no larger share


@dataclass(frozen=True)
class Stretch:
    start: float  # seconds: the first sample of the still
    length: float  # seconds: its samples, half a second each

    @property
    def end(self) -> float:
        return self.start + self.length


@dataclass(frozen=True)
class Stills:
    """A video's still stretches (each :data:`SHORTEST` or longer) and its duration."""

    duration: float
    stretches: tuple[Stretch, ...]

    @property
    def still(self) -> float:
        """Seconds of still picture, over all the still stretches."""
        return sum(s.length for s in self.stretches)

    @property
    def share(self) -> float:
        """Still time over the video's duration."""
        return self.still / self.duration if self.duration > 0 else 0.0

    @property
    def longest(self) -> float:
        return max((s.length for s in self.stretches), default=0.0)


def still_stretches(samples: np.ndarray, rate: float = RATE, threshold: int = THRESHOLD,
                    shortest: float = SHORTEST) -> tuple[Stretch, ...]:
    """The still stretches of ``samples`` (an array of grey pictures, one per 1/``rate`` s, first axis the time)."""
    if len(samples) < 2:
        return ()
    frames = samples.astype(np.int16)
    change = np.abs(np.diff(frames, axis=0)).reshape(len(frames) - 1, -1).max(axis=1)
    same = change <= threshold  # same[i]: sample i + 1 is the same picture as sample i
    out = []
    i = 0
    while i < len(same):
        if not same[i]:
            i += 1
            continue
        j = i
        while j < len(same) and same[j]:
            j += 1
        n = j - i + 1  # samples i .. j are one picture
        if n / rate >= shortest:
            out.append(Stretch(i / rate, n / rate))
        i = j
    return tuple(out)


def _probe(video: Path) -> tuple[int, int, float]:
    """The video stream's width and height and the file's duration in seconds."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                          "-show_entries", "format=duration", "-of", "json", str(video)],
                         capture_output=True, text=True, check=True).stdout
    found = json.loads(out)
    stream = found["streams"][0]
    return int(stream["width"]), int(stream["height"]), float(found["format"]["duration"])


def grey_samples(video: Path, rate: float = RATE, width: int = WIDTH, size: tuple[int, int] | None = None) -> np.ndarray:
    """The video at ``rate`` frames a second, grey, ``width`` pixels wide (the height keeps the picture's shape):
    an array (samples, height, width) of uint8. ``size``: the video's width and height, if already probed."""
    w, h = size or _probe(video)[:2]
    height = max(1, round(width * h / w))
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-an", "-sn",
                          "-vf", f"fps={rate},scale={width}:{height},format=gray",  # FFmpeg's own scaler (bicubic)
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype=np.uint8).reshape(-1, height, width)


def measure(video: Path) -> Stills:
    """The still stretches of a video file and its duration (the measure above)."""
    w, h, duration = _probe(video)
    return Stills(duration, still_stretches(grey_samples(video, size=(w, h))))


def chapters(video: Path) -> list[tuple[float, str]]:
    """The video's chapters: (start in seconds, title), in order."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(video)],
                         capture_output=True, text=True, check=True).stdout
    return [(float(c["start_time"]), c.get("tags", {}).get("title", "")) for c in json.loads(out)["chapters"]]


def chapter_at(marks: list[tuple[float, str]], t: float) -> str:
    """The title of the chapter (of ``marks``, from :func:`chapters`) that second ``t`` lies in."""
    found = [title for start, title in marks if start <= t + 1e-6]
    return found[-1] if found else ""
