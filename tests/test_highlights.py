"""Highlights, one mechanism (lesson.kinds.highlights): what the voice names is pointed at by name or by value, and a
highlight a kind cannot draw, or that lights nothing, is an error at `lesson check` at its place (FILE:LINE:COL)."""

from __future__ import annotations

from pathlib import Path

import drawn
from lesson.check import check_lesson

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "lessons" / "examples" / "table.yaml"
CROSS = ROOT / "lessons" / "cross_entropy.yaml"
WIDE = ROOT / "lessons" / "wide_resnet.yaml"


def _step(script: Path, step_id: str):
    return next(s for s in check_lesson(script).plan.steps if s.id == step_id)


def test_a_highlight_a_table_cannot_draw_is_an_error_at_it():
    text, message = drawn.broken(TABLE, "highlight: cell", "highlight: bar", "table.yaml")
    assert f"{drawn.at('table.yaml', text, 'highlight: bar', 'bar')}: a table step cannot highlight a bar: it highlights row or cell (or none)" in message


def test_a_highlight_that_lights_nothing_is_an_error_at_it(tmp_path):
    # the narration names none of the table's values: highlight: cell would draw nothing
    text = CROSS.read_text()
    old = ("      For the first flower, a setosa, the network gives setosa {example.first.p_observed}.\n"
           "      The second flower is a virginica, and gets {example.second.p_observed} for virginica.\n"
           "      The third is a versicolor, and gets {example.third.p_observed} for versicolor.\n")
    assert old in text
    edited = text.replace(old, "      For each flower the network gives three probabilities.\n")
    message = _check_message(tmp_path, edited)
    line, col = drawn.located(edited, "highlight: cell")
    assert f"cross_entropy.yaml:{line}:{col + len('highlight: ')}: " in message
    assert "highlight: cell lights nothing: the narration names none of the values this table step draws" in message


def _check_message(tmp_path: Path, text: str) -> str:
    from lesson.base.errors import LessonError

    script = tmp_path / "cross_entropy.yaml"
    script.write_text(text)
    try:
        check_lesson(script)
    except LessonError as exc:
        return str(exc)
    raise AssertionError("no error")


def test_the_voice_names_a_cell_by_another_name_of_its_value():
    step = _step(CROSS, "probabilities")
    # p of the observed class: setosa for the first flower, virginica for the second, versicolor for the third
    assert step.data["pointing"] == [["example.first.p_observed", 0, 1], ["example.second.p_observed", 1, 3],
                                     ["example.third.p_observed", 2, 2]]


def test_a_row_is_named_by_a_number_of_its_family():
    step = _step(WIDE, "paper")
    at = {name: (r, k) for name, r, k in step.data["pointing"]}
    # "ResNet-1001 has 10.2 million parameters" names the third row before its error is spoken
    assert at["rep.resnet1001.millions"] == (2, None) and at["rep.resnet1001.c10"] == (2, 2)
    names = [name for name, _, _ in step.data["pointing"]]
    assert names.index("rep.resnet1001.millions") < names.index("rep.resnet1001.c10")
