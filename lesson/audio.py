"""The narration track: reading recordings, loudness (ITU-R BS.1770), normalising without clipping, AAC.

Loudness is measured as integrated loudness in LUFS: K-weighting (a high shelf
and a high-pass), mean square over 400 ms blocks overlapping by 75 %, an
absolute gate at -70 LUFS and a relative gate 10 LU below the ungated mean.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson.errors import LessonError
from lesson.speech import RATE

TARGET_LUFS = -16.0
CEILING_DBFS = -1.0


# The two K-weighting biquads of BS.1770 at 48 kHz (the coefficients the recommendation tabulates),
# as second-order sections [b0 b1 b2 a0 a1 a2]: a high shelf, then a high-pass.
K_WEIGHTING = np.array(
    [
        [1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241, 0.73248077421585],
        [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
    ]
)


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness in LUFS (-inf for silence) of a track at :data:`RATE`: mono ``(n,)`` or ``(n, channels)``.

    Channel powers add up (front left and right weigh 1.0 each), so the same
    voice on both channels of a stereo track measures 3 dB louder than on one.
    """
    from scipy.signal import sosfilt

    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    block, step = int(0.4 * RATE), int(0.1 * RATE)
    if len(x) < block:
        return float("-inf")
    n = len(x) // step
    power = np.zeros(n)
    for channel in x.T:  # mean square per 100 ms of the K-weighted signal, summed over channels
        k = sosfilt(K_WEIGHTING, channel)[: n * step]
        power += (k * k).reshape(n, step).mean(axis=1)
    z = np.convolve(power, np.ones(4) / 4, mode="valid")  # 400 ms blocks, 75 % overlap
    lk = -0.691 + 10 * np.log10(np.maximum(z, 1e-20))
    gated = z[lk > -70.0]
    if len(gated) == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    final = gated[(-0.691 + 10 * np.log10(gated)) > relative]
    return float(-0.691 + 10 * np.log10(final.mean()))


def peak_dbfs(samples: np.ndarray) -> float:
    p = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return 20 * np.log10(p) if p > 0 else float("-inf")


def limit(samples: np.ndarray, ceiling_dbfs: float = CEILING_DBFS, window: float = 0.005) -> np.ndarray:
    """A look-ahead peak limiter: where a peak would pass the ceiling, the gain dips smoothly around it."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_dbfs / 20)
    n = max(1, int(window * RATE))
    envelope = maximum_filter1d(np.abs(samples), size=4 * n)  # wider than the smoothing below: the gain is low in time
    gain = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    gain = uniform_filter1d(gain, size=n)
    out = samples * gain
    return np.clip(out, -ceiling, ceiling).astype(np.float32)


def normalise(samples: np.ndarray, target: float = TARGET_LUFS) -> np.ndarray:
    """Scale a mono track to ``target`` LUFS integrated, with peaks held below :data:`CEILING_DBFS` by the limiter.

    Each step's narration is normalised on its own (and cached so): the silences between
    steps fall below the loudness gate, so the joined track measures the same.
    """
    x = np.asarray(samples, dtype=np.float32)
    for _ in range(4):  # the limiter lowers loudness a little: correct and limit again
        current = loudness(x)
        if not np.isfinite(current) or abs(current - target) < 0.1:
            break
        x = limit(x * np.float32(10 ** ((target - current) / 20)))
    return x


def read_audio(path: Path) -> np.ndarray:
    """Any audio file PyAV can decode (WAV, FLAC, MP3, M4A, ...), as mono float32 at :data:`RATE`."""
    import av

    try:
        with av.open(str(path)) as src:
            if not src.streams.audio:
                raise LessonError(f"{path}: no audio stream in this file")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            chunks = []
            for frame in src.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise LessonError(f"{path}: cannot read this audio file ({exc})") from None
    if not chunks:
        raise LessonError(f"{path}: the recording is empty")
    return np.concatenate(chunks).astype(np.float32)


def add_aac_stream(container, samples: np.ndarray, bit_rate: int = 128_000) -> list:
    """Add a mono AAC stream at :data:`RATE` (one voice: mono, as narration usually is); return ``samples`` encoded, as packets."""
    import av

    # FFmpeg's "fast" AAC coder: a third of the default's time, and at 128 kbit/s for one voice no audible difference
    stream = container.add_stream("aac", rate=RATE, layout="mono", options={"aac_coder": "fast"})
    stream.bit_rate = bit_rate
    packets = []
    size = RATE  # one second per frame; PyAV cuts them into the encoder's 1024-sample frames
    mono = np.asarray(samples, dtype=np.float32)[None, :]
    for start in range(0, mono.shape[1], size):
        chunk = np.ascontiguousarray(mono[:, start:start + size])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
        frame.sample_rate = RATE
        frame.pts = start
        frame.time_base = Fraction(1, RATE)
        packets.extend(stream.encode(frame))
    packets.extend(stream.encode(None))
    return packets
