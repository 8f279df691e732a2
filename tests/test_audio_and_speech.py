"""Loudness, limiter, reading numbers aloud, and caption cues (no rendering)."""

import numpy as np
import pytest

from lesson.narration import captions
from lesson.narration.audio import RATE, limit, loudness, normalise, peak_dbfs
from lesson.speech.engines import get_engine
from lesson.speech.normalize import integer_words, number_words, spoken


def sine(seconds: float, dbfs: float, freq: float = 1000.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_loudness_matches_the_bs1770_reference_tone():
    # BS.1770: a 1 kHz sine at 0 dBFS on one channel measures -3.01 LKFS
    assert loudness(sine(5, 0.0)) == pytest.approx(-3.01, abs=0.05)
    assert loudness(sine(5, -20.0)) == pytest.approx(-23.01, abs=0.05)
    tone = sine(5, -20.0)
    assert loudness(np.stack([tone, tone], axis=1)) == pytest.approx(-20.0, abs=0.05)  # two channels add up
    assert loudness(np.zeros(RATE * 2, dtype=np.float32)) == float("-inf")


def test_gating_ignores_silence_between_sentences():
    speechy = np.concatenate([sine(2, -20.0), np.zeros(RATE * 6, dtype=np.float32), sine(2, -20.0)])
    # ungated, the 6 s of silence would pull the mean down by 10*log10(10/4) = 4 dB; the gates drop it
    # (only the few 400 ms blocks that straddle a tone's edge still count, a few tenths of a dB)
    assert loudness(speechy) == pytest.approx(-23.01, abs=0.5)


def test_normalise_reaches_the_target_and_never_clips():
    rng = np.random.default_rng(0)
    # bursts with a high crest factor: reaching -16 LUFS needs the limiter
    x = np.concatenate([sine(1, -30.0) + 0.3 * (rng.random(RATE) > 0.999) for _ in range(8)]).astype(np.float32)
    y = normalise(x)
    assert loudness(y) == pytest.approx(-16.0, abs=0.3)
    assert peak_dbfs(y) <= -1.0 + 1e-6
    assert peak_dbfs(limit(np.full(RATE, 0.99, dtype=np.float32))) <= -1.0 + 1e-6


@pytest.mark.parametrize(
    ("token", "said"),
    [
        ("-0.44", "minus zero point four four"),
        ("\u22120.44,", "minus zero point four four,"),
        ("=-0.44", "equals minus zero point four four"),
        ("(-0.44)", "(minus zero point four four)"),
        ("e^{1.43}", "e to the power of one point four three"),
        ("e^{-0.44}", "e to the power of minus zero point four four"),
        ("95%", "ninety five percent"),
        ("1\u22120.69", "one minus zero point six nine"),
        ("ArgMax", "Arg Max"),
        ("ReLU", "ReLU"),
        ("petal_width", "petal width"),
        ("cross-entropy", "cross-entropy"),
        ("\u2212", "minus"),
        ("\u2014", ""),
        ("p\u00b7q", "p times q"),
        ("CIFAR-10", "CIFAR ten"),  # a name's number is joined by a hyphen, not subtracted
        ("WRN-28-10,", "WRN twenty eight ten,"),
        ("x-1", "x minus one"),  # one letter stands for a variable
        ("6N", "six N"),
        ("10,", "ten,"),  # the comma after a number is a pause, not a thousands separator
        ("36,479,194.", "thirty six million four hundred seventy nine thousand one hundred ninety four."),
    ],
)
def test_tokens_are_read_aloud_with_their_signs(token, said):
    assert spoken(token) == said


def test_number_words():
    assert integer_words(0) == "zero" and integer_words(300) == "three hundred"
    assert integer_words(1_300) == "one thousand three hundred" and integer_words(42) == "forty two"
    assert number_words("+1.5") == "plus one point five"
    with pytest.raises(ValueError):
        number_words("abc")


def test_silent_voice_times_tokens_at_the_reading_speed():
    speech = get_engine("none", 120).synthesize(["one", "zero point four four", ""])
    assert speech.seconds == pytest.approx(5 * 60 / 120)
    starts = [a for a, _ in speech.times]
    assert starts == sorted(starts) and speech.times[-1][1] == pytest.approx(speech.seconds)


def test_cues_split_long_text_and_keep_to_the_limits():
    words = [captions.Word(f"word{i % 7}", i * 0.4, i * 0.4 + 0.3) for i in range(60)]
    cues = captions.make_cues([words, [captions.Word("Short.", 24.5, 24.7)]], video_end=26.0)
    assert " ".join(" ".join(c.lines) for c in cues).split() == [w.text for w in words] + ["Short."]
    for c, nxt in zip(cues, cues[1:] + [None]):
        assert 1.0 <= c.end - c.start <= 7.0 and len(c.lines) <= 2 and all(len(line) <= 42 for line in c.lines)
        assert nxt is None or c.end <= nxt.start
    assert cues[-1].end <= 26.0


def test_wrap_balances_two_lines_or_refuses():
    assert captions.wrap("short") == ("short",)
    a, b = captions.wrap("the quick brown fox jumps over the lazy dog and keeps on running")
    assert len(a) <= 42 and len(b) <= 42 and abs(len(a) - len(b)) < 12
    assert captions.wrap("x" * 43) is None
    assert captions.wrap(" ".join(["word"] * 30)) is None


SPOKEN = ["The", "raw", "output", "is", "minus zero point four four,", "then", "e to the power of one point four three."]


@pytest.mark.parametrize("voice", ["piper", "espeak"])
def test_engines_speak_every_token_in_order(voice):
    speech = get_engine(voice).synthesize(SPOKEN)
    assert 2.0 < speech.seconds < 12.0
    assert np.sqrt(np.mean(speech.samples**2)) > 0.01  # not silence
    starts = [a for a, _ in speech.times]
    assert len(speech.times) == len(SPOKEN) and starts == sorted(starts)
    assert all(a <= b <= speech.seconds + 1e-6 for a, b in speech.times)
    # the long number takes longer to say than the short words around it
    lengths = [b - a for a, b in speech.times]
    assert lengths[4] > 2 * max(lengths[1], lengths[3])


def test_a_missing_voice_says_how_to_install_it(monkeypatch):
    import sys

    from lesson.base.errors import LessonError

    monkeypatch.setitem(sys.modules, "piper", None)  # as if piper-tts were not installed
    with pytest.raises(LessonError, match="dev.sh setup"):
        get_engine("piper")


def test_speech_encoded_alone_decodes_in_the_track_as_if_the_track_were_encoded_whole(tmp_path):
    import av

    from lesson.narration.audio import AAC_FRAME, aac_track, add_aac_stream, encode_aac

    voice = get_engine("espeak")
    pieces = [voice.synthesize(["The", "raw", "output", "is", "one point four three."]).samples, voice.synthesize(["Then", "SoftMax."]).samples]
    frames = 10 * RATE // AAC_FRAME
    track = np.zeros(frames * AAC_FRAME, dtype=np.float32)
    at = [int(0.3 * RATE) // AAC_FRAME, int(6.1 * RATE) // AAC_FRAME]
    for a, x in zip(at, pieces):
        track[a * AAC_FRAME:a * AAC_FRAME + len(x)] = x

    def decoded(packets):
        path = tmp_path / "t.m4a"
        with av.open(str(path), "w", format="mp4") as out:
            for p in add_aac_stream(out, packets):
                out.mux(p)
        with av.open(str(path)) as src:
            return np.concatenate([f.to_ndarray().reshape(-1) for f in src.decode(audio=0)])

    joined = decoded(aac_track(frames, [(a, encode_aac(x)) for a, x in zip(at, pieces)]))
    whole = decoded(aac_track(frames, [(0, encode_aac(track))]))
    assert len(joined) == len(whole) == len(track)  # the priming frame is skipped: sample-exact length
    err_joined, err_whole = np.sqrt(np.mean((joined - track) ** 2)), np.sqrt(np.mean((whole - track) ** 2))
    assert err_joined < 1.2 * err_whole + 1e-4 and err_joined < 0.1 * np.sqrt(np.mean(track**2))
    # in place to the sample: the best lag of the cross-correlation is 0
    lags = range(-3, 4)
    assert max(lags, key=lambda k: float(np.dot(np.roll(joined, k), track))) == 0
    # the silence around and between the pieces is silence
    quiet = np.ones(len(track), bool)
    for a, x in zip(at, pieces):
        quiet[(a - 1) * AAC_FRAME:(a + 2) * AAC_FRAME + len(x)] = False
    assert np.abs(joined[quiet]).max() == 0.0


def test_k_weighting_is_the_recommendations_filter_and_the_limiter_its_running_extremes():
    from scipy.ndimage import maximum_filter1d, uniform_filter1d
    from scipy.signal import sosfilt

    from lesson.narration.audio import K_WEIGHTING, k_weighted, moving_average, running_max

    x = np.random.default_rng(7).standard_normal(5 * RATE).astype(np.float32) * 0.2
    reference = sosfilt(K_WEIGHTING, x)  # the two biquads, run as an IIR filter
    assert np.abs(k_weighted(x) - reference).max() < 1e-4 * np.abs(reference).max()
    for size in (7, 240, 960):
        inner = slice(size, -size)  # away from the ends, where the two pad differently
        assert np.array_equal(running_max(np.abs(x), size)[inner], maximum_filter1d(np.abs(x), size=size)[inner])
        assert np.allclose(moving_average(x, size)[inner], uniform_filter1d(x, size=size)[inner], atol=1e-6)
