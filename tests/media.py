"""Looking at rendered files from the outside: ffprobe, ffmpeg decoding, MP4 atoms, caption files."""

import html
import json
import struct
import subprocess
from pathlib import Path

import numpy as np


def ffprobe(*args: str) -> str:
    return subprocess.run(["ffprobe", "-v", "error", *args], capture_output=True, text=True, check=True).stdout


def probe(path: Path) -> dict:
    return json.loads(ffprobe("-show_streams", "-show_format", "-count_frames", "-of", "json", str(path)))


def frame_at(path: Path, t: float, size: tuple[int, int] = (854, 480)) -> np.ndarray:
    """The RGB frame shown at ``t`` seconds."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{t:.3f}", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    )
    w, h = size
    return np.frombuffer(out.stdout, dtype=np.uint8).reshape(h, w, 3)


def background(colour: str) -> np.ndarray:
    """A #rrggbb colour as an RGB array."""
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


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


def chapters_of(path: Path) -> list[dict]:
    return json.loads(ffprobe("-show_chapters", "-of", "json", str(path)))["chapters"]


def keyframe_times(path: Path) -> list[float]:
    return [float(t) for t, flags in packet_times(path) if "K" in flags]


def packet_times(path: Path) -> list[tuple[str, str]]:
    """(pts_time, flags) of every video packet."""
    out = ffprobe("-select_streams", "v", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", str(path))
    return [tuple(line.split(",")[:2]) for line in out.split()]


def decoded_audio(path: Path) -> np.ndarray:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype=np.float32)


def parse_cues(text: str, sep: str) -> list[tuple[float, float, list[str]]]:
    def seconds(clock: str) -> float:
        h, m, rest = clock.split(":")
        s, ms = rest.split(sep)
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    cues = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        if lines[0] == "WEBVTT":
            continue
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        a, b = lines[timing].split(" --> ")
        text = lines[timing + 1:]
        # what a player shows: WebVTT's character references decoded, SRT's invisible word joiners dropped
        text = [html.unescape(t) for t in text] if sep == "." else [t.replace("\u2060", "") for t in text]
        cues.append((seconds(a), seconds(b), text))
    return cues


def write_tone(path: Path, seconds: float) -> None:
    """A 220 Hz tone of ``seconds`` as a 16 kHz mono WAV: a stand-in for an author's recording."""
    import wave

    t = np.arange(int(seconds * 16000)) / 16000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2").tobytes())
