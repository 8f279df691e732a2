"""The narration track: reading recordings, loudness (ITU-R BS.1770), normalising without clipping, AAC.

Loudness is measured as integrated loudness in LUFS: K-weighting (a high shelf
and a high-pass), mean square over 400 ms blocks overlapping by 75 %, an
absolute gate at -70 LUFS and a relative gate 10 LU below the ungated mean.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson.base.errors import LessonError
from lesson.speech import RATE
from lesson.script import limits

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


_KERNEL = 2048  # samples of the impulse response kept: the high-pass pole (0.990) has decayed to 1e-9 by then
_FFT = 1 << 14


def _k_impulse(length: int = _KERNEL) -> np.ndarray:
    """The K-weighting filter's impulse response, cut where it has decayed below 1e-9 of its start."""
    h = np.zeros(length)
    h[0] = 1.0
    for b0, b1, b2, _, a1, a2 in K_WEIGHTING:  # each biquad in turn, direct form I, as the recommendation writes it
        x, y = h, np.zeros(length)
        for n in range(length):
            y[n] = b0 * x[n] + (b1 * x[n - 1] if n >= 1 else 0.0) + (b2 * x[n - 2] if n >= 2 else 0.0)
            y[n] -= (a1 * y[n - 1] if n >= 1 else 0.0) + (a2 * y[n - 2] if n >= 2 else 0.0)
        h = y
    return h


@functools.cache
def _k_spectrum() -> np.ndarray:
    return np.fft.rfft(_k_impulse(), _FFT)


def k_weighted(x: np.ndarray) -> np.ndarray:
    """``x`` through the K-weighting filter: an FFT convolution (overlap-add) with its impulse response.

    Numerically the IIR filter itself (test: against scipy's ``sosfilt``), without importing scipy.signal,
    which takes longer than measuring a whole lesson.
    """
    hop = _FFT - _KERNEL + 1
    n = len(x)
    blocks = -(-n // hop) if n else 0
    padded = np.zeros(blocks * hop)
    padded[:n] = x
    padded = padded.reshape(blocks, hop)
    out = np.zeros(blocks * hop + _FFT)
    group = 32  # blocks per FFT call: large enough to be quick, small enough to stay in the CPU's caches
    for g in range(0, blocks, group):
        pieces = np.fft.irfft(np.fft.rfft(padded[g:g + group], _FFT, axis=1) * _k_spectrum(), _FFT, axis=1)
        for i, piece in enumerate(pieces, start=g):
            out[i * hop:i * hop + _FFT] += piece
    return out[:n]


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness in LUFS (-inf for silence) of a track at :data:`RATE`: mono ``(n,)`` or ``(n, channels)``.

    Channel powers add up (front left and right weigh 1.0 each), so the same
    voice on both channels of a stereo track measures 3 dB louder than on one.
    """
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    block, step = int(0.4 * RATE), int(0.1 * RATE)
    if len(x) < block:
        return float("-inf")
    n = len(x) // step
    power = np.zeros(n)
    for channel in x.T:  # mean square per 100 ms of the K-weighted signal, summed over channels
        k = k_weighted(channel)[: n * step]
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


def running_max(x: np.ndarray, size: int) -> np.ndarray:
    """The largest value within ``size`` samples centred on each sample (van Herk / Gil-Werman, O(n))."""
    n = len(x)
    if n == 0:
        return x.copy()
    before = size // 2
    blocks = -(-(before + n + size) // size)  # the edges repeated: half a window before, a window or more after
    padded = np.concatenate([np.full(before, x[0]), x, np.full(blocks * size - before - n, x[-1])]).reshape(blocks, size)
    ahead = np.maximum.accumulate(padded, axis=1).reshape(-1)  # max from each block's start
    behind = np.maximum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].reshape(-1)  # max to each block's end
    i = np.arange(n)
    return np.maximum(behind[i], ahead[i + size - 1])


def moving_average(x: np.ndarray, size: int) -> np.ndarray:
    """The mean over ``size`` samples centred on each sample (the ends repeat the edge values)."""
    before = size // 2
    padded = np.concatenate([np.full(before, x[0]), x, np.full(size - before, x[-1])]) if len(x) else x
    c = np.concatenate([[0.0], np.cumsum(padded, dtype=np.float64)])
    return ((c[size:size + len(x)] - c[:len(x)]) / size).astype(x.dtype)


def limit(samples: np.ndarray, ceiling_dbfs: float = CEILING_DBFS, window: float = 0.005) -> np.ndarray:
    """A look-ahead peak limiter: where a peak would pass the ceiling, the gain dips smoothly around it."""
    ceiling = 10 ** (ceiling_dbfs / 20)
    n = max(1, int(window * RATE))
    envelope = running_max(np.abs(samples), 4 * n)  # wider than the smoothing below: the gain is low in time
    gain = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    gain = moving_average(gain, n)
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


def recording_problem(path: Path) -> str | None:
    """Why the recording at ``path`` cannot be a step's narration (None if it can): for ``lesson check``, so
    that a script it accepts never fails at render time on its recordings."""
    size = path.stat().st_size
    if size > limits.RECORDING_BYTES:
        return f"the recording has {size // 1_000_000} MB; at most {limits.RECORDING_BYTES // 1_000_000} MB"
    try:
        samples = read_audio(path)
    except LessonError as exc:
        return exc.problems[0].message.replace(f"{path}: ", "", 1)
    except (OSError, ValueError, MemoryError) as exc:
        return f"cannot read this audio file ({type(exc).__name__})"
    if len(samples) > limits.RECORDING_SECONDS * RATE:
        return f"the recording lasts {len(samples) / RATE:.0f} s; a step's recording may last at most {limits.RECORDING_SECONDS} s"
    if not np.all(np.isfinite(samples)):
        return "the recording holds samples that are not numbers"
    return None


AAC_FRAME = 1024  # samples per AAC frame
AAC_BIT_RATE = 128_000
AAC_VERSION = "aac fast 128k mono 48k v1"  # part of the cache key of encoded speech


def _aac_stream(container):
    # FFmpeg's "fast" AAC coder: a third of the default's time, and at 128 kbit/s for one voice no audible difference
    stream = container.add_stream("aac", rate=RATE, layout="mono", options={"aac_coder": "fast"})
    stream.bit_rate = AAC_BIT_RATE
    return stream


def encode_aac(samples: np.ndarray) -> list[bytes]:
    """``samples`` (mono, at :data:`RATE`) as AAC packets, one per 1024-sample frame plus the encoder's priming frame.

    Packet ``j`` decodes to samples ``[(j - 1) * 1024, j * 1024)``: the first one stands for the 1024
    samples before ``samples`` (silence), the last one for the final frame padded with silence.
    Speech encoded on its own therefore drops into a track at any multiple of 1024 samples whose
    neighbourhood is silent, and decodes there exactly as if the whole track had been encoded at once
    (checked in the tests against a whole-track encode).
    """
    import av

    with av.open("/dev/null", "w", format="adts") as scratch:
        stream = _aac_stream(scratch)
        packets: list[bytes] = []
        size = RATE  # one second per frame; PyAV cuts them into the encoder's 1024-sample frames
        mono = np.asarray(samples, dtype=np.float32)[None, :]
        for start in range(0, mono.shape[1], size):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(mono[:, start:start + size]), format="fltp", layout="mono")
            frame.sample_rate = RATE
            frame.pts = start
            frame.time_base = Fraction(1, RATE)
            packets += [bytes(p) for p in stream.encode(frame)]
        packets += [bytes(p) for p in stream.encode(None)]
    return packets


_SILENT_FRAME: bytes | None = None


def silent_frame() -> bytes:
    """The AAC packet of a frame of silence (with silence around it)."""
    global _SILENT_FRAME
    if _SILENT_FRAME is None:
        _SILENT_FRAME = encode_aac(np.zeros(3 * AAC_FRAME, dtype=np.float32))[2]
    return _SILENT_FRAME


def aac_track(frames: int, pieces: list[tuple[int, list[bytes]]]) -> list[bytes]:
    """A track of ``frames`` AAC frames (plus the priming packet): silence, with each piece's packets from ``encode_aac``
    placed so that its audio starts at frame ``at``. Pieces must not overlap (each also covers the frame before it)."""
    slots: list[bytes | None] = [None] * (frames + 1)
    for at, packets in sorted(pieces, key=lambda p: p[0]):
        packets = packets[: max(0, frames + 1 - at)]  # a piece running past the end is cut there
        if any(s is not None for s in slots[at:at + len(packets)]):
            raise ValueError(f"overlapping audio at AAC frame {at}")
        slots[at:at + len(packets)] = packets
    silence = silent_frame()
    return [s if s is not None else silence for s in slots]


def add_aac_stream(container, packets: list[bytes]) -> list:
    """Add a mono AAC stream at :data:`RATE` (one voice: mono, as narration usually is) and return ``packets``
    (from :func:`aac_track`) as PyAV packets of that stream, time-stamped one frame apart from the priming frame."""
    import av

    stream = _aac_stream(container)
    out = []
    for j, payload in enumerate(packets):
        packet = av.Packet(payload)
        packet.stream = stream
        packet.time_base = Fraction(1, RATE)
        packet.pts = packet.dts = (j - 1) * AAC_FRAME
        packet.duration = AAC_FRAME
        out.append(packet)
    return out
