"""The lesson's beginning as a viewer sees it: the title card shows the author the script names (the README says it
does), and a step's heading is underlined along its whole title, however long (not a fixed bar under its first
letters)."""

import re
from pathlib import Path

import pytest
from manim import tempconfig

from drawn import draw
from lesson import kinds
from lesson.base.errors import LessonError
from lesson.check import check_lesson
from lesson.base.timing import StepTiming

ROOT = Path(__file__).resolve().parents[1]
LESSON = """\
id: title_card
title: Reading the forecast
subtitle: What the numbers say
author: A. Teacher & the <b>course</b> team
steps:
  - kind: title
    title: Reading the forecast
    narration: Welcome.
  - kind: summary
    title: {heading}
    points: ["one point"]
    narration: That is all.
"""


def _script(tmp_path: Path, heading: str) -> Path:
    path = tmp_path / "title_card.yaml"
    path.write_text(LESSON.replace("{heading}", heading), encoding="utf-8")
    return path


def test_the_title_card_shows_the_author_under_the_subtitle_as_written(tmp_path):
    drawing = draw(_script(tmp_path, "Short"), "title")
    texts = {i.string: i for i in drawing.final if i.kind == "text"}
    author = texts["A. Teacher & the <b>course</b> team"]  # author text is drawn as written, never as markup
    assert author.top < texts["What the numbers say"].bottom  # under the subtitle
    assert drawing.layout_problems == []


@pytest.mark.parametrize("heading", ["Short", "A much longer heading for this step"])
def test_a_heading_is_underlined_along_its_whole_title(tmp_path, heading):
    checked = check_lesson(_script(tmp_path, heading))
    step = checked.plan.steps[1]
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        scene = kinds.get(step.kind).scene_class()(step, checked.plan.style, StepTiming(0.3, 1.0, 0.3))
        title, rule = scene.heading()
    assert rule.width == pytest.approx(title.width, rel=1e-6)
    assert rule.get_left()[0] == pytest.approx(title.get_left()[0], abs=1e-6) and rule.get_top()[1] < title.get_bottom()[1]


# ---------------------------------------------------------------- the points of a title card, at their words

POINTS = """\
id: title_points
title: Reading the forecast
steps:
  - kind: title
    title: Reading the forecast
    points:
      - "Where the number comes from"
      - {text: "How sure it is", cue: sentence.3}
    narration: >-
      A forecast is a guess with a number on it. We see where that number comes from. Then we see how sure it is.
"""


def test_a_title_cards_points_come_in_under_the_title_each_at_its_sentence(tmp_path):
    path = tmp_path / "title_points.yaml"
    path.write_text(POINTS, encoding="utf-8")
    checked = check_lesson(path)
    assert checked.plan.steps[0].data["cues"] == [["sentence.2"], ["sentence.3"]]
    drawing = draw(path, "title")
    texts = {i.string: i for i in drawing.final if i.kind == "text"}
    title, first, second = texts["Reading the forecast"], texts["Where the number comes from"], texts["How sure it is"]
    assert title.bottom > first.top and first.bottom > second.top  # under the title, top to bottom
    assert [c.names for c in drawing.changes] == [("sentence.2",), ("sentence.3",)]
    assert drawing.layout_problems == []


@pytest.mark.parametrize("old, new, needle, words", [
    ("cue: sentence.3}", "cue: sentence.4}", "sentence.4", r"the narration has 3 sentences"),
    ("cue: sentence.3}", "cue: sentence.1}", "sentence.1}", r"point 2 would appear at sentence\.1, before point 1 above it"),
    ("- \"Where the number comes from\"", "- \"Where the number comes from\"\n      - Why\n      - How",
     "- \"Where the number comes from\"", r"points: give at most 3 item\(s\); there are 4"),
])
def test_a_title_points_bad_cue_or_too_many_points_are_reported_at_their_place(tmp_path, old, new, needle, words):
    path = tmp_path / "title_points.yaml"
    text = POINTS.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LessonError) as info:
        check_lesson(path)
    first = str(info.value).splitlines()[0]
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert first.startswith(f"{path}:{line}:{col}:"), first
    assert re.search(words, first), first
