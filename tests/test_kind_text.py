"""The ``text`` step kind (and the ``summary`` preset drawn by it): the strings it draws, their order top to bottom,
when each point appears, and its errors at FILE:LINE:COL."""

import re
from pathlib import Path

import pytest


from drawn import draw, draw_plan_step, plan_of  # noqa: E402

from lesson import kinds  # noqa: E402
from lesson.base.errors import LessonError  # noqa: E402
from lesson.kinds.text import default_cues  # noqa: E402
from lesson.check import parse_lesson  # noqa: E402
from lesson.base.timing import StepTiming  # noqa: E402
from scenes import style  # noqa: E402
from scenes.text import TextScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "text.yaml"
DEFAULT = ROOT / "lessons" / "argmax_softmax.yaml"
IDEA = ["Humidity and pressure go in", "The network gives two raw scores", "SoftMax turns them into chances",
        "The larger chance is the forecast"]
TODAY = ["Humidity 85 %", "Pressure 1000 hPa", "Raw scores: rain 1.89, dry \u22121.13", "Chance of rain: 95%"]


def texts(drawing):
    return {i.string: i for i in drawing.final if i.kind == "text"}


def first_seen(drawing, s: str) -> int:
    return next(n for n, snap in enumerate(drawing.seen) if any(i.string == s for i in snap))


def test_the_heading_and_the_points_are_drawn_as_written_top_to_bottom_inside_the_area():
    drawing = draw(EXAMPLE, "idea")
    assert drawing.layout_problems == []
    drawn = texts(drawing)
    heading = drawn["A forecast is a guess with a number on it"]
    points = [drawn[p] for p in IDEA]
    assert [p.y for p in points] == sorted((p.y for p in points), reverse=True)  # in the script's order
    assert heading.bottom > points[0].top  # the statement above the points
    assert len({round(p.left, 1) for p in points}) == 1  # the points start at one left edge (after their bullets)
    for item in [heading, *points]:
        assert style.LEFT <= item.left and item.right <= style.RIGHT
        assert style.CONTENT_BOTTOM <= item.bottom and item.top <= style.CONTENT_TOP
    # nothing else is written but the step's title
    assert set(drawn) == {"The idea in four steps", heading.string, *IDEA}


def test_placeholders_in_points_and_heading_are_filled_with_a_real_minus_sign():
    drawing = draw(EXAMPLE, "today")
    assert drawing.layout_problems == []
    drawn = texts(drawing)
    assert "The forecast: rain" in drawn
    assert [drawn[p].y for p in TODAY] == sorted((drawn[p].y for p in TODAY), reverse=True)
    assert not any("-" in s for s in drawn)  # "−1.13", never a hyphen


def test_each_point_appears_at_its_sentence_one_after_another(monkeypatch):
    plan = plan_of(EXAMPLE)
    step = next(s for s in plan.steps if s.id == "idea")
    assert step.data["cues"] == [["sentence.2"], ["sentence.3"], ["sentence.4"], ["sentence.5"]]
    when = {"sentence.1": 0.3, "sentence.2": 3.0, "sentence.3": 7.0, "sentence.4": 11.0, "sentence.5": 15.0}
    timing = StepTiming(0.3, 18.0, 0.6, cues=tuple(when.items()))
    times: list[float] = []
    play = TextScene.play

    def timed(self, *args, **kwargs):
        play(self, *args, **kwargs)
        times.append(self.time)

    monkeypatch.setattr(TextScene, "play", timed)
    drawing = draw_plan_step(plan, step, timing=timing)
    assert drawing.layout_problems == []
    shown = [first_seen(drawing, p) for p in IDEA]
    assert shown == sorted(shown) and len(set(shown)) == len(shown)  # one after another, in order
    for n, point in zip(shown, IDEA):
        cue = when[f"sentence.{IDEA.index(point) + 2}"]
        # the point fades in (style.NORMAL) ending just after its sentence begins: cued QUICK + CUE_LEAD ahead
        assert cue - style.CUE_LEAD - style.QUICK - 0.1 <= times[n] - style.NORMAL <= cue, (point, times[n], cue)


def test_points_cued_by_placeholders_appear_when_their_numbers_are_spoken(monkeypatch):
    plan = plan_of(EXAMPLE)
    step = next(s for s in plan.steps if s.id == "today")
    names = ["raw_input.humidity", "raw_input.pressure", "raw.rain", "softmax.rain"]
    assert step.data["cues"] == [[n] for n in names]
    when = dict(zip(names, [2.0, 5.0, 9.0, 13.0]))
    times: list[float] = []
    play = TextScene.play

    def timed(self, *args, **kwargs):
        play(self, *args, **kwargs)
        times.append(self.time)

    monkeypatch.setattr(TextScene, "play", timed)
    drawing = draw_plan_step(plan, step, timing=StepTiming(0.3, 16.0, 0.6, cues=tuple(when.items())))
    for point, name in zip(TODAY, names):
        n = first_seen(drawing, point)
        assert when[name] - style.CUE_LEAD - style.QUICK - 0.1 <= times[n] - style.NORMAL <= when[name]


def test_default_cues_follow_the_sentences():
    assert default_cues(4, 5) == ["sentence.2", "sentence.3", "sentence.4", "sentence.5"]  # the first introduces
    assert default_cues(3, 3) == ["sentence.1", "sentence.2", "sentence.3"]
    assert default_cues(2, 1) == ["sentence.1", "sentence.1"]  # the default lesson's summary: one after another
    assert default_cues(5, 2) == ["sentence.1", "sentence.1", "sentence.1", "sentence.2", "sentence.2"]


def test_the_summary_preset_is_drawn_by_the_text_scene():
    assert kinds.get("summary").scene == "scenes.text:TextScene"
    drawing = draw(DEFAULT, "summary")
    assert drawing.layout_problems == []
    drawn = texts(drawing)
    # side by side: each point a card, its head ("SoftMax", "ArgMax") large over the rest, the two heads on one line
    first, second = drawn["SoftMax"], drawn["ArgMax"]
    assert abs(first.top - second.top) < 0.1 and abs(first.height - second.height) < 0.2 and first.right < second.left
    assert first_seen(drawing, first.string) < first_seen(drawing, second.string)
    assert {"Which one when", "SoftMax", "ArgMax"} <= set(drawn)
    bodies = [t for t in drawn.values() if t.y < first.y - 0.2]
    assert bodies and all(t.height < first.height for t in bodies)


# ---------------------------------------------------------------- errors, at their place in the script


def variant(old: str, new: str) -> str:
    text = EXAMPLE.read_text()
    assert old in text
    return text.replace(old, new, 1)


def problem_at(text: str, needle: str) -> tuple[str, str]:
    """The one problem ``parse_lesson`` reports, and where ``needle`` stands in ``text`` (LINE:COL)."""
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    (message,) = str(info.value).splitlines()
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return message, f"<lesson>:{line}:{col}:"


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        ("cue: raw.rain}", "cue: sentence.4}", "sentence.4", r"the narration has 3 sentences \(sentence\.1 to sentence\.3\)"),
        ("cue: raw.rain}", "cue: raw.dri}", "raw.dri", r"unknown cue 'raw\.dri'; did you mean 'raw\.dry'\?"),
        ("cue: raw.rain}", "cue: softmax.dry}", "softmax.dry", r"'softmax\.dry' is never spoken in this step's narration"),
        ("cue: raw.rain}", "cue: \"{raw.rain}\"}", "\"{raw.rain}\"", r"without braces: 'raw\.rain'"),
        ("cue: softmax.rain}", "cue: sentence.1}", "sentence.1",
         r"point 4 would appear at sentence\.1, before point 3 above it \(raw\.rain\)"),
    ],
)
def test_a_bad_cue_is_reported_at_its_place(old, new, needle, words):
    message, where = problem_at(variant(old, new), needle)
    assert message.startswith(where), (message, where)
    assert re.search(words, message), message


def test_too_many_or_too_long_points_are_reported_at_the_points():
    six = variant("      - The larger chance is the forecast\n",
                  "      - The larger chance is the forecast\n      - One more\n      - And another\n")
    message, where = problem_at(six, "- Humidity and pressure go in")
    assert message.startswith(where) and "points: give at most 5 item(s); there are 6" in message, message
    long = variant("- SoftMax turns them into chances", "- " + "SoftMax turns them into chances, " * 2)
    message, where = problem_at(long, "SoftMax turns them into chances, ")
    assert message.startswith(where) and "at most 60 characters once filled in" in message and "(65)" in message, message
