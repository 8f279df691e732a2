"""H.264 clips that join by stream copy: the encoder's settings, a clip of one still picture, and joining clips.

Every clip of a step (Manim's animations and the stills of its holds) is encoded with :func:`encoder_options`, so
that clips join without re-encoding; with no B-frames, any prefix of a clip is a valid clip too.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson.base.atomic import replacing
from lesson.narration.audio import add_aac_stream

KEYFRAME_SECONDS = 2  # at most this far between keyframes, so seeking stays quick


def still_frames(fps: int) -> int:
    """The frames of a still's clip: a keyframe's distance. Repeated and cut, it makes a hold of any length."""
    return KEYFRAME_SECONDS * fps


def encoder_options(fps: int) -> dict[str, str]:
    """libx264 settings for every clip: the same for motion and holds, so that clips join by stream copy.

    ``veryfast``: on flat lesson graphics it encodes a third faster than ``medium`` at the same
    quality (crf 23) and no larger a file (measured on the network step at 1080p: 11.2 s vs 16.7 s, 1.49 vs 1.65 MB).
    One encoder thread: the parallelism is one worker per core; extra x264 threads on top of that
    cost CPU (default lesson at 1080p, -j2: 45.6 s instead of 48.7 s).
    """
    return {"crf": "23", "preset": "veryfast", "g": str(KEYFRAME_SECONDS * fps), "bf": "0", "threads": "1"}


# A still's clip is one picture again and again. x264's subpixel refinement (subme) only sharpens motion and the
# choice of modes, and costs two fifths of encoding such a clip: a still is encoded without it. The sequence and
# picture settings (SPS/PPS) stay those of the animations, so the clips still join by stream copy; the picture is
# as good (PSNR 0.05 dB lower, measured on the default lesson's stills at 1080p) and 3 % larger. Nor does it look
# ahead (rc-lookahead=0: no macroblock tree): every frame after the first is the first again, so there is nothing
# to learn from them, and the look-ahead cost a fifth of the clip's encoding (0.35 -> 0.29 s of CPU for a 2 s clip at
# 1080p; each change the voice brings adds a hold, so a lesson that follows its voice closely has many); the first
# frame is then coded at the rate control's own quality, 13 % larger and 0.6 dB better.
STILL_X264_PARAMS = "subme=0:rc-lookahead=0"

# Left to itself, x264 codes a still's first frame coarser and sharpens it over the next three frames (on a 1080p frame
# of the default lesson, 269 pixels moved by up to 53 of 255). A hold repeats its clip, so every repeat stepped back
# to the coarse picture: a faint shimmer every two seconds. The frames after the first are coded at the coarsest
# quantiser, where no correction is worth its bits, so each is the first frame exactly (every block skipped); the first
# frame keeps the rate control's quality (52.2 dB where the sharpened frame had 52.8) and the clip is 1 % smaller.
STILL_LATER_FRAMES_QP = 51


def still_options(options: dict[str, str], codec: str, frames: int) -> dict[str, str]:
    """``options`` of the animations' encoder as a still's clip of ``frames`` frames is encoded (see
    :data:`STILL_X264_PARAMS`, :data:`STILL_LATER_FRAMES_QP`)."""
    if codec != "libx264":
        return options
    later = f"zones=1,{frames - 1},q={STILL_LATER_FRAMES_QP}" if frames > 1 else None
    params = ":".join(p for p in (options.get("x264-params"), STILL_X264_PARAMS, later) if p)
    return {**options, "x264-params": params}


def encode_still(target: Path, pixels: np.ndarray, frames: int, spec: dict) -> None:
    """A clip of ``frames`` copies of one RGBA picture, with the settings of Manim's clips that make them join by
    stream copy (:func:`still_options`).

    The frames after the first repeat it with every block skipped (:data:`STILL_LATER_FRAMES_QP`), and such a
    frame's packet holds only its slice header and the skipped blocks. So the first three frames are encoded, and when
    the second one's packet is the one :func:`repeat_packets` has for it, the rest are copied from there (a clip of
    2 s at 1080p costs 0.03 s of CPU instead of 0.27 s). Otherwise (the encoder weighted the repeat for this picture,
    say) every frame is encoded.
    """
    import av

    rate = Fraction(*spec["frame_rate"])
    repeats = repeat_packets(json.dumps(spec, sort_keys=True)) if frames > PROBE else None
    if repeats is not None and frames > len(repeats) + 1:  # longer than the repeats it has (holds never ask for more)
        repeats = None
    with replacing(target) as tmp, av.open(str(tmp), "w", format=spec["container_format"]) as out:
        stream = _still_stream(out, spec, frames)
        frame = _picture_frame(pixels, spec)
        encoded = frames
        for i in range(frames):
            frame.pts = i
            packets = stream.encode(frame)
            # x264 keeps one frame back: the second frame's packet comes out as the third goes in
            same = i == PROBE - 1 and repeats is not None and [bytes(p) for p in packets] == [repeats[0]]
            for packet in packets:
                out.mux(packet)
            if same:
                encoded = PROBE
                break
        for packet in stream.encode(None):
            out.mux(packet)
        for i in range(encoded, frames):
            packet = av.Packet(repeats[i - 1])  # type: ignore[index]
            packet.stream = stream
            packet.time_base = 1 / rate
            packet.pts = packet.dts = i
            packet.duration = 1
            out.mux(packet)


PROBE = 3  # frames of a still's clip always encoded: the second one's packet is compared with the repeats'


def _still_stream(out, spec: dict, frames: int):
    stream = out.add_stream(spec["codec"], rate=Fraction(*spec["frame_rate"]),
                            options=still_options(dict(map(tuple, spec["options"])), spec["codec"], frames))
    stream.pix_fmt = spec["pixel_format"]
    stream.width = spec["width"]
    stream.height = spec["height"]
    return stream


def _picture_frame(pixels: np.ndarray, spec: dict):
    import av

    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgba").reformat(format=spec["pixel_format"])
    frame.time_base = 1 / Fraction(*spec["frame_rate"])
    return frame


@functools.lru_cache(maxsize=4)
def repeat_packets(spec_json: str) -> tuple[bytes, ...] | None:
    """The packets of the frames after the first in a still's clip (:func:`still_frames`), encoded with
    ``spec_json`` (the JSON of the encoder's spec); None if the encoder is not x264.

    With the later frames at the coarsest quantiser (:func:`still_options`) every block of them is skipped, so a
    repeat's packet is its slice header and the skipped blocks, for most pictures the same whatever the picture
    (:func:`encode_still` checks the second frame of each clip against them). Made once a process, from a black
    picture.
    """
    import av

    spec = json.loads(spec_json)
    if spec["codec"] != "libx264":
        return None
    frames = still_frames(int(Fraction(*spec["frame_rate"])))
    black = np.zeros((spec["height"], spec["width"], 4), np.uint8)
    black[..., 3] = 255
    with av.open(io.BytesIO(), "w", format=spec["container_format"]) as out:  # set up as for a clip in this container
        stream = _still_stream(out, spec, frames)
        frame = _picture_frame(black, spec)
        packets = []
        for i in range(frames):
            frame.pts = i
            packets += [bytes(p) for p in stream.encode(frame)]
        packets += [bytes(p) for p in stream.encode(None)]
    return tuple(packets[1:])


def write_clips(
    output: Path,
    clips: Iterable[tuple[Path, int | None]],
    fps: int,
    audio: list[bytes] | None = None,
    chapters: list[dict] | None = None,
) -> int:
    """Concatenate H.264 clips by stream copy into ``output`` (moov first), one packet per frame, re-timed frame by frame.

    ``clips``: (clip, frames to take or None for all). ``audio``: the AAC packets of a mono track at 48 kHz
    (:func:`lesson.narration.audio.aac_track`), interleaved with the video by time; ``chapters``: PyAV chapter dicts.
    Returns the number of video frames written.
    """
    import av


    frame = 0
    with av.open(str(output), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = None
        pending: list = []
        for path, limit in clips:
            with av.open(str(path)) as src:
                vin = src.streams.video[0]
                if stream is None:
                    stream = out.add_stream_from_template(vin)
                    if audio is not None:
                        pending = add_aac_stream(out, audio)
                        pending.reverse()  # popped from the end, earliest first
                    if chapters:
                        out.set_chapters(chapters)
                taken = 0
                for packet in src.demux(vin):
                    if packet.dts is None:
                        continue
                    if limit is not None and taken >= limit:
                        break
                    while pending and pending[-1].pts * pending[-1].time_base <= Fraction(frame, fps):
                        out.mux(pending.pop())
                    packet.stream = stream
                    packet.time_base = Fraction(1, fps)
                    packet.pts = packet.dts = frame
                    packet.duration = 1
                    out.mux(packet)
                    frame += 1
                    taken += 1
        while pending:
            out.mux(pending.pop())
    return frame
