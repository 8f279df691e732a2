"""The piper voice's noise made from the phonemes (lesson/speech/piper_noise.py): standard normal, the same for the
same phonemes, and a voice that says a sentence the same way every time."""

import math
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper

from lesson.speech.piper_noise import seed_noise


def noise_model() -> onnx.ModelProto:
    """A model with piper's two noise nodes: ``ids`` (int64, 1 × L) and ``like`` (float, 1 × C × T) in, the noise of
    ``like``'s shape out, and a second noise of ``ids``' shape in float, as the duration predictor's."""
    nodes = [
        helper.make_node("RandomNormalLike", ["like"], ["z"], dtype=TensorProto.FLOAT),
        helper.make_node("Cast", ["input"], ["idsf"], to=TensorProto.FLOAT),
        helper.make_node("RandomNormalLike", ["idsf"], ["w"], dtype=TensorProto.FLOAT),
    ]
    graph = helper.make_graph(
        nodes,
        "noise",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("like", TensorProto.FLOAT, [1, None, None]),
        ],
        [
            helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, None, None]),
            helper.make_tensor_value_info("w", TensorProto.FLOAT, [1, None]),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


@pytest.fixture(scope="module")
def seeded():
    model = noise_model()
    assert seed_noise(model) == 2
    assert not [n for n in model.graph.node if n.op_type == "RandomNormalLike"]
    onnx.checker.check_model(model)
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

    def run(ids, channels=192, frames=1000):
        z, w = session.run(
            None, {"input": np.array([ids], dtype=np.int64), "like": np.zeros((1, channels, frames), dtype=np.float32)}
        )
        return z, w

    return run


IDS = [1, 0, 31, 0, 120, 0, 59, 0, 88, 0, 14, 0, 2]  # a sentence's phoneme ids, with piper's pads between


def normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


@pytest.mark.unit
def test_the_noise_is_standard_normal_and_its_neighbours_are_unrelated(seeded):
    z, w = seeded(IDS)
    assert z.shape == (1, 192, 1000) and z.dtype == np.float32 and w.shape == (1, len(IDS))
    x = z.ravel().astype(np.float64)  # 192,000 numbers: the mean's spread is 0.0023, the deviation's 0.0016
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    # the tails of a normal distribution: 4.55 % beyond 2, 0.27 % beyond 3
    assert abs(np.mean(np.abs(x) > 2) - 0.0455) < 0.003 and abs(np.mean(np.abs(x) > 3) - 0.0027) < 0.0008
    # Kolmogorov-Smirnov distance to the normal distribution, under its 1 % critical value at this size (1.63 / √n)
    ordered = np.sort(x)
    assert np.max(np.abs(normal_cdf(ordered) - np.arange(1, len(x) + 1) / len(x))) < 1.63 / math.sqrt(len(x))
    # neighbours in time, and the same time in the next channel, are uncorrelated
    for lag in (1, 2, 1000):
        assert abs(np.corrcoef(x[:-lag], x[lag:])[0, 1]) < 0.01


@pytest.mark.unit
def test_the_same_phonemes_give_the_same_noise_and_other_phonemes_other_noise(seeded):
    z, w = seeded(IDS)
    again, w_again = seeded(list(IDS))
    assert np.array_equal(z, again) and np.array_equal(w, w_again)
    for other in (IDS[:-2] + [77, 2], IDS[::-1], IDS + [0, 5]):  # a phoneme changed, the order changed, one more
        z2, _ = seeded(other)
        assert abs(np.corrcoef(z.ravel(), z2.ravel())[0, 1]) < 0.02
    # the two noise nodes of one sentence differ too (without their own seed factors they would start alike)
    assert not np.allclose(z.ravel()[: len(IDS)], w.ravel(), atol=0.1)


def test_the_voice_says_a_sentence_the_same_way_whatever_came_before_and_in_a_new_voice():
    from lesson.speech.piper_engine import PiperEngine

    sentence = ["We start at b3 equals minus two,", "where the slope is steep."]
    with tempfile.TemporaryDirectory() as cache:
        first = PiperEngine(cache_dir=Path(cache))
        said = first.synthesize(sentence)
        first.synthesize(["Something else is said in between."])
        again = first.synthesize(sentence)
        fresh = PiperEngine(cache_dir=Path(cache)).synthesize(sentence)  # the optimised model, loaded from the cache
        uncached = PiperEngine(cache_dir=None).synthesize(sentence)  # the model patched and optimised anew
    for other in (again, fresh, uncached):
        assert np.array_equal(other.samples, said.samples) and other.times == said.times
