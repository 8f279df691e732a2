"""Highlights, one mechanism (lesson.kinds.highlights): what the voice names is pointed at by name or by value, and a
highlight a kind cannot draw, or that lights nothing, is an error at `lesson check` at its place (FILE:LINE:COL)."""

from __future__ import annotations

from pathlib import Path

from lesson.base.errors import LessonError
from lesson.check import check_lesson, parse_lesson

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "lessons" / "examples"
TABLE = EXAMPLES / "table.yaml"
CROSS = ROOT / "lessons" / "cross_entropy.yaml"
WIDE = ROOT / "lessons" / "wide_resnet.yaml"


def _step(script: Path, step_id: str):
    return next(s for s in check_lesson(script).plan.steps if s.id == step_id)


def _error(text: str, filename: str) -> str:
    try:
        parse_lesson(text, filename)
    except LessonError as exc:
        return str(exc)
    raise AssertionError("no error")


def _at(text: str, needle: str, offset: int = 0) -> str:
    """LINE:COL of ``needle`` in ``text`` (1-based), ``offset`` characters into it."""
    at = text.index(needle) + offset
    return f"{text.count(chr(10), 0, at) + 1}:{at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def test_a_highlight_a_table_cannot_draw_is_an_error_at_it():
    text = TABLE.read_text().replace("highlight: cell", "highlight: bar")
    message = _error(text, "table.yaml")
    at = _at(text, "highlight: bar", len("highlight: "))
    assert f"table.yaml:{at}: a table step cannot highlight a bar: it highlights row or cell (or none)" in message


def test_every_kind_with_the_option_says_what_it_can_highlight():
    # the same shape everywhere; each kind refuses what it cannot draw, at the option's value
    cases = [("bars.yaml", "values: softmax", "highlight: cell", "a bars step cannot highlight a cell: it highlights bar (or none)"),
             ("equation.yaml", "symbols: {input.sweetness: s, input.length: l}", "highlight: row",
              "an equation step cannot highlight a row: it highlights term (or none)"),
             ("number_line.yaml", "band: [0, 1]", "highlight: bar", "a number_line step cannot highlight a bar: it highlights value (or none)"),
             ("text.yaml", "heading: \"The forecast", "highlight: edge", "a text step cannot highlight an edge: it highlights point (or none)"),
             ("plot.yaml", "x_label: weighted sum", "highlight: node", "a plot step cannot highlight a node: it highlights point (or none)"),
             ("fitted_curve.yaml", "stages:", "highlight: term", "a fitted_curve step cannot highlight a term: it highlights point (or none)")]
    for name, old, option, said in cases:
        text = (EXAMPLES / name).read_text()
        assert old in text, (name, old)
        text = text.replace(old, f"{option}\n    {old}", 1)
        message = _error(text, name)
        assert f"{name}:{_at(text, option, len('highlight: '))}: {said}" in message, message


def test_a_highlight_that_lights_nothing_is_an_error_at_it(tmp_path):
    # the narration names none of the table's values: highlight: cell would draw nothing
    text = CROSS.read_text()
    old = ("      For the first flower, a setosa, the network gives setosa {example.first.p_observed}.\n"
           "      The second flower is a virginica, and gets {example.second.p_observed} for virginica.\n"
           "      The third is a versicolor, and gets {example.third.p_observed} for versicolor.\n")
    assert old in text
    edited = text.replace(old, "      For each flower the network gives three probabilities.\n")
    message = _check_message(tmp_path, edited)
    assert f"cross_entropy.yaml:{_at(edited, 'highlight: cell', len('highlight: '))}: " in message
    assert "highlight: cell lights nothing: the narration names none of the values this table step draws" in message


def _check_message(tmp_path: Path, text: str) -> str:
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


def test_the_voice_points_at_numbers_already_on_screen():
    # "Raw scores: rain {raw.rain}, dry {raw.dry}" comes in at raw.rain; the voice names raw.dry after it
    text = next(s for s in check_lesson(EXAMPLES / "text.yaml").plan.steps if s.id == "today")
    assert text.data["pointing"] == [["raw.dry", 2]]
    # the sweet node's line goes in at the sweetness; the voice then names the length, shown in that line
    equation = next(s for s in check_lesson(EXAMPLES / "equation.yaml").plan.steps if s.id == "hidden")
    assert [p[:2] for p in equation.data["pointing"]] == [["input.length", 0]]
    assert [line["cues"] for line in equation.data["lines"]] == [["input.sweetness"], ["hidden.1.long"]]


BACKPROP = ROOT / "lessons" / "cross_entropy_backprop.yaml"


def test_a_point_on_a_sweeps_curve_sits_at_the_parameters_value_and_appears_as_the_voice_names_it():
    # "At b3 = −2 the total is 2.67": the point at b3 on the curve of the total, named by either
    (point,) = _step(BACKPROP, "sweep").data["points"]
    assert (point["x"], point["cues"], point["label"]) == (-2.0, ["b3", "total"], "b3 = \u22122, total \u2248 2.67")
    assert round(point["y"], 2) == 2.67


def test_a_point_of_a_sweeps_plot_elsewhere_than_the_parameters_value_is_an_error_at_it():
    text = BACKPROP.read_text()
    assert "points: [{x: b3}]" in text
    edited = text.replace("points: [{x: b3}]", "points: [{x: total}]")
    message = _error(edited, "cross_entropy_backprop.yaml")
    assert (f"cross_entropy_backprop.yaml:{_at(edited, 'x: total', len('x: '))}: a point of a sweep's plot sits at the swept "
            "parameter's value: write x: b3, not 'total'") in message


def test_the_network_lights_what_the_voice_says_moves_with_the_bias():
    # "Changing b3 moves the raw output for setosa up or down, and with it every SoftMax value": b3 and the three
    # outputs, at that sentence
    (*_, last) = _step(BACKPROP, "bias").data["highlights"]
    assert last == {"cues": ["sentence.3"], "items": [{"bias": [2, 0]}, {"node": [2, 0]}, {"node": [2, 1]}, {"node": [2, 2]}]}
