"""Editing narration: only the edited sentence is spoken again, and a drawn step is laid out for the new timing
without Manim, giving the same video as drawing it anew."""

import dataclasses
from pathlib import Path

import av
import numpy as np
import pytest

from lesson.narration.narrate import Narrator
from lesson.numbers.compute import compute
from lesson.plan import build_plan
from lesson.render.draw import render_step
from lesson.render.replay import assemble, drawing_ready
from lesson.check import load_lesson
from lesson.speech import sentences

ROOT = Path(__file__).resolve().parents[1]
FIVE = ROOT / "tests" / "fixtures" / "five_classes.yaml"


def plan_of(path: Path):
    lesson = load_lesson(path)
    numbers = compute(lesson, path.parent)
    return build_plan(lesson, path.parent, numbers)


def with_words(step, at: int, words: str):
    """The step with ``words`` inserted before caption token ``at`` (as if the author had typed them there)."""
    new = tuple(words.split())
    shift = len(new)
    return dataclasses.replace(
        step,
        narration=" ".join((*step.tokens[:at], *new, *step.tokens[at:])),
        tokens=(*step.tokens[:at], *new, *step.tokens[at:]),
        spoken=(*step.spoken[:at], *new, *step.spoken[at:]),
        cues=tuple((name, i + shift if i >= at else i) for name, i in step.cues),
    )


def test_sentences_end_at_full_stops_not_at_decimal_points():
    tokens = "SoftMax gives 0.69 for setosa. Then 0.1. And? The end".split()
    assert [" ".join(tokens[a:b]) for a, b in sentences(tokens)] == ["SoftMax gives 0.69 for setosa.", "Then 0.1.", "And?", "The end"]


def test_an_edited_sentence_is_the_only_one_spoken_again(tmp_path):
    plan = plan_of(ROOT / "lessons" / "argmax_softmax.yaml")
    step = next(s for s in plan.steps if len(sentences(s.tokens)) >= 3)
    first = Narrator(plan, "espeak", 150, tmp_path).narrate(step)
    a, b = sentences(step.tokens)[1]
    edited = with_words(step, b - 1, "really")  # a word in the second sentence
    narrator = Narrator(plan, "espeak", 150, tmp_path)
    spoken = []
    real = narrator.engine.synthesize
    narrator.engine.synthesize = lambda tokens: spoken.append(tokens) or real(tokens)
    second = narrator.narrate(edited)
    assert spoken == [list(edited.spoken[a:b + 1])]  # one call, for the edited sentence
    # the first sentence is the same audio (before the step's loudness is set again, so compare the shapes)
    end = int(first.speech.times[a - 1][1] * 48000)
    x, y = first.speech.samples[:end], second.speech.samples[:end]
    assert np.corrcoef(x, y)[0, 1] > 0.999
    assert second.timing.speech > first.timing.speech
    # and nothing at all is spoken for a step whose sentences are all cached
    again = Narrator(plan, "espeak", 150, tmp_path)
    assert not again.needs_voice(edited) and again.cached(edited) is not None
    # the step's speech is encoded to AAC once, with it: the cache gives back the same packets
    assert second.packets and again.cached(edited).packets == second.packets


@pytest.mark.render
def test_a_drawn_step_laid_out_for_new_timing_matches_drawing_it_anew(tmp_path):
    plan = plan_of(FIVE)
    step = next(s for s in plan.steps if s.kind == "softmax")
    narrator = Narrator(plan, "none", 150, tmp_path / "speech")
    before = narrator.narrate(step).timing
    # words before the first number: every cue, and the holds waiting for them, move later
    first_cue = min(i for _, i in step.cues)
    later = with_words(step, first_cue, "and now, after a longer pause than before, the numbers:")
    after = narrator.narrate(later).timing
    assert after.cues[0][1] > before.cues[0][1] + 1.0

    drawing = tmp_path / "cache" / "drawings" / "softmax"
    drawn = render_step(step, plan.style, "low", before, tmp_path / "cache" / "sections" / "a.mp4", drawing)
    assert drawing_ready(drawing)
    laid_out = assemble(drawing, after, tmp_path / "cache" / "sections" / "b.mp4")
    fresh = render_step(later, plan.style, "low", after, tmp_path / "fresh" / "sections" / "b.mp4", tmp_path / "fresh" / "drawings" / "softmax")

    assert (laid_out.frames, laid_out.motion_frames, laid_out.hold_frames) == (fresh.frames, fresh.motion_frames, fresh.hold_frames)
    assert laid_out.motion_frames == drawn.motion_frames and laid_out.hold_frames > drawn.hold_frames + 15
    a, b = frames_of(tmp_path / "cache" / "sections" / "b.mp4"), frames_of(tmp_path / "fresh" / "sections" / "b.mp4")
    assert len(a) == len(b) == fresh.frames
    diffs = [np.abs(x.astype(int) - y.astype(int)).mean() for x, y in zip(a, b)]
    assert max(diffs) < 0.5, max(diffs)
    # the still clips made here have the very settings of Manim's clips, so that they join by stream copy
    stills, plays = sorted(drawing.glob("still-*.mp4")), sorted(drawing.glob("play-*.mp4"))
    assert stills and plays
    assert extradata(stills[0]) == extradata(plays[0])


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as src:
        return [f.to_ndarray(format="rgb24") for f in src.decode(video=0)]


def extradata(path: Path) -> bytes:
    with av.open(str(path)) as src:
        return bytes(src.streams.video[0].codec_context.extradata)
