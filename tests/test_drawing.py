"""lesson.render.draw: what a drawn step keeps, so that it can be laid out again for any narration without Manim."""

import json
from pathlib import Path

import numpy as np
import pytest

from lesson.render.draw import render_step
from lesson.render.mux import KEYFRAME_SECONDS
from lesson.render.replay import still_clip
from lesson.base.timing import StepTiming
from tests.drawn import plan_of

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.render
def test_holds_in_a_row_with_one_picture_share_one_still_and_one_clip(tmp_path):
    """A beat and then a wait for the voice show the same picture: they share one still and its clip; holds with
    different pictures keep their own. Every still's clip is a keyframe's distance long, whatever its holds need now,
    so that laying the step out again for longer holds needs nothing more."""
    plan = plan_of(ROOT / "lessons" / "argmax_softmax.yaml")
    step = next(s for s in plan.steps if s.kind == "softmax_derivatives")
    drawing = tmp_path / "drawings" / "d"
    render_step(step, plan.style, "low", StepTiming(0.3, 9.0, 0.6), tmp_path / "sections" / "d.mp4", drawing)
    script = json.loads((drawing / "script.json").read_text())
    fps = script["spec"]["frame_rate"][0]
    runs: list[list[dict]] = [[]]  # the holds between two animations
    for item in script["items"]:
        if "play" in item:
            runs.append([])
        else:
            runs[-1].append(item)
    shared = 0
    for run in runs:
        for a, b in zip(run, run[1:]):
            if a["still"] == b["still"]:
                shared += 1
            else:  # a new still only for a new picture
                assert not np.array_equal(*(first_picture(drawing / still_clip(h["still"])) for h in (a, b)))
    assert shared >= 1  # this step has such holds
    stills = {item["still"] for item in script["items"] if "still" in item}
    assert sorted(p.name for p in drawing.glob("still-*")) == sorted(still_clip(s) for s in stills)  # a clip each, nothing else
    for still in stills:
        assert frame_count(drawing / still_clip(still)) == KEYFRAME_SECONDS * fps
    assert min(h["frames"] for h in script["items"] if "still" in h) < KEYFRAME_SECONDS * fps  # clips longer than now needed
    # a still's clip is encoded without subpixel refinement, the animations with it (x264 writes its settings
    # into the first picture); tests/test_edits.py checks that both have the same SPS/PPS, so they join
    a_still = next(drawing.glob("still-*.mp4"))
    play_clip = next(drawing.glob("play-*.mp4"))
    assert b"subme=0 " in first_packet(a_still) and b"subme=0 " not in first_packet(play_clip)
    assert b"subme=" in first_packet(play_clip)


def first_picture(clip: Path) -> np.ndarray:
    import av

    with av.open(str(clip)) as src:
        return next(src.decode(video=0)).to_ndarray(format="rgb24")


def frame_count(clip: Path) -> int:
    import av

    with av.open(str(clip)) as src:
        return sum(1 for p in src.demux(video=0) if p.size)


def first_packet(clip: Path) -> bytes:
    import av

    with av.open(str(clip)) as src:
        return bytes(next(p for p in src.demux(video=0) if p.size))


def test_a_text_asked_for_twice_is_set_once_and_handed_out_as_copies(monkeypatch, tmp_path):
    from manim import RIGHT, Text, tempconfig

    from lesson import kinds
    from scenes import typesetting as base

    set_texts: list[str] = []

    class Counted(Text):
        def __init__(self, s, *args, **kwargs):
            set_texts.append(s)
            super().__init__(s, *args, **kwargs)

    monkeypatch.setattr(base, "Text", Counted)
    monkeypatch.setattr(base, "_TEXTS", {})
    plan = plan_of(ROOT / "lessons" / "argmax_softmax.yaml")
    step = plan.steps[0]
    with tempconfig({"media_dir": str(tmp_path), "text_dir": str(tmp_path / "texts")}):
        scene = kinds.get(step.kind).scene_class()(step, plan.style, StepTiming(0.3, 2.0, 0.6))
        first = scene.text("0.69 setosa", 30, color="#ff0000")
        first.shift(2 * RIGHT).set_color("#00ff00")  # what one caller does to its copy ...
        second = scene.text("0.69 setosa", 30, color="#ff0000")
        other = scene.text("0.69 setosa", 30, color="#0000ff")
        larger = scene.text("0.69 setosa", 36, color="#ff0000")
        bold = scene.text("0.69 setosa", 30, color="#ff0000", weight="BOLD")
    assert set_texts == ["0.69 setosa"] * 4  # set once per colour, size and option
    assert larger.height > second.height and bold.width > second.width
    assert second is not first and isinstance(second, Text) and second.original_text == "0.69 setosa"
    # ... the next caller does not see
    assert np.allclose(second.get_center(), first.get_center() - 2 * RIGHT)
    assert second.get_color().to_hex() == "#FF0000" and other.get_color().to_hex() == "#0000FF"
