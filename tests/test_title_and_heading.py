"""The lesson's beginning as a viewer sees it: the title card shows the author the script names (the README says it
does), and a step's heading is underlined along its whole title, however long (not a fixed bar under its first
letters)."""

from pathlib import Path

import pytest
from manim import tempconfig

from drawn import draw
from lesson import kinds
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
