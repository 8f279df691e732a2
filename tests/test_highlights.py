"""Highlights, one mechanism (lesson.kinds.highlights): what the voice names is pointed at by name or by value, and a
highlight a kind cannot draw, or that lights nothing, is an error at `lesson check` at its place (FILE:LINE:COL)."""

from __future__ import annotations

import re

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
    # the SoftMax table as a table of cells the voice names by their values (no row named by words, no column)
    text = re.sub(r'\], cue: "sentence\.\d:[a-z ]+"\}', "]}", text)
    text = re.sub(r"    highlight: row\n    point:\n(      - \{at: column.*\n)+", "    highlight: cell\n", text)
    assert "    highlight: cell\n    narration: >-\n      SoftMax turns each flower's raw outputs" in text
    old = ("      For the first flower, a setosa, the network gives setosa {example.first.p_observed}.\n"
           "      The second flower is a virginica, and gets {example.second.p_observed} for virginica.\n"
           "      The third is a versicolor, and gets {example.third.p_observed} for versicolor.\n")
    assert old in text
    edited = text.replace(old, "      For each flower the network gives three probabilities.\n")
    message = _planned_error(tmp_path, edited, "cross_entropy.yaml")
    assert f"cross_entropy.yaml:{_at(edited, 'highlight: cell', len('highlight: '))}: " in message
    assert "highlight: cell lights nothing: the narration names none of the values this table step draws" in message


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


# ---------------------------------------------------------------- the architecture kind and word cues


def test_an_architecture_points_at_the_row_or_cell_of_each_value_the_voice_names():
    diagram = _step(WIDE, "diagram")
    at = {name: key for name, key, _ in diagram.data["pointing"]}
    # highlight: cell: the maps' side in the shape column, a count in the count column, the total's count
    assert at["arch.wrn28_10.group2.size"] == ["cell", 2, "shape"] and at["arch.wrn28_10.group2.params"] == ["cell", 2, "params"]
    assert at["arch.wrn28_10.conv1.channels"] == ["cell", 0, "shape"] and at["arch.wrn28_10.params"] == ["total", "params"]
    # and the parts the voice names without a number, at the words the script gives
    assert at["sentence.2:colour image"] == ["input"] and at["sentence.3:first group"] == ["row", 1]
    # a stage's cell (its block, its shape) and the three groups' together, named without a number
    assert at["sentence.1:number of filters"] == ["cells", 1, 3, "block"]
    assert at["sentence.2:first convolution"] == ["cells", 0, 0, "block"] and at["sentence.6:for a total"] == ["total", None]
    names = [name for name, _, _ in diagram.data["pointing"]]
    assert names.index("sentence.3:first group") < names.index("arch.wrn28_10.group1.params")


def test_a_widening_points_at_the_thin_networks_counts_before_it_and_the_wide_ones_after():
    widen = _step(WIDE, "widen")
    assert widen.data["widen_cues"] == ["sentence.2"] and widen.data["widen_until"] == ["sentence.4"]
    # state 0 (k = 1) before the widening starts, the last state (k = 10) after it lands: never a value not drawn
    assert widen.data["pointing"] == [["arch.wrn28_1.params", ["total", "params"], 0],
                                      ["arch.wrn28_1.mult_adds", ["total", "mult_adds"], 0],
                                      ["sentence.1:for one image", ["input"], None],
                                      ["sentence.4:the network has", ["name"], None],
                                      ["arch.wrn28_10.params", ["total", "params"], 9],
                                      ["arch.wrn28_10.mult_adds", ["total", "mult_adds"], 9],
                                      ["sentence.5:depth stays 28", ["name"], None],
                                      ["sentence.5:wide layers", ["cells", 1, 3, "block"], None]]


def test_the_naming_step_points_at_the_parts_of_the_name_on_the_diagram_and_writes_its_notes_at_their_words():
    naming = _step(WIDE, "naming")
    assert [n["cues"] for n in naming.data["notes"]] == [[], ["sentence.2:three groups"], ["sentence.2:plus four more"],
                                                         ["sentence.3:multiplies the filters"], ["sentence.5"]]
    assert naming.data["notes"][2]["text"] == "four more layers: d = 6N + 4"
    at = {name: key for name, key, _ in naming.data["pointing"]}
    assert at["sentence.2:three groups"] == ["rows", 1, 3] and at["sentence.2:N blocks"] == ["cells", 1, 3, "repeat"]
    # the name's d and k, each in the name as the voice explains it: the 28 and the 10 of WRN-28-10
    assert at["sentence.2:The depth d"] == at["sentence.4:depth 28"] == ["name", "depth"]
    assert at["sentence.3:widening factor k"] == at["sentence.4:k = 10"] == ["name", "width"]
    (state,) = naming.data["states"]
    assert state["name"] == "WRN-28-10" and state["name_parts"] == {"depth": [4, 6], "width": [7, 9]}
    assert [at[f"sentence.3:{n} k"] for n in (16, 32, 64)] == [["cells", i, i, "shape"] for i in (1, 2, 3)]
    assert at["sentence.2:so d is"] == ["note", 2] and at["arch.wrn28_10.group3.channels"] == ["cell", 3, "shape"]


def test_the_opened_block_is_pointed_at_part_by_part_at_the_words_that_name_them():
    block = _step(WIDE, "block")
    assert [key for _, key, _ in block.data["pointing"]] == [
        ["row", 0], ["row", 4], ["layers", 0, 0], ["layers", 1, 1], ["layers", 2, 2], ["layers", 3, 5],
        ["shortcut"], ["plus"], ["layers", 0, 5], ["layers", 2, 2], ["row", 2], ["shortcut"]]
    # each word cue is a cue of the step, at the token where the sentence says it
    tokens = {name: i for name, i in block.cues}
    assert block.tokens[tokens["sentence.2:batch normalisation"]] == "batch"
    assert block.tokens[tokens["sentence.4:one by one"]:tokens["sentence.4:one by one"] + 3] == ("one", "by", "one")
    assert block.tokens[tokens["sentence.3:plus"]] == "plus."


def _wide_error(text: str) -> str:
    return _error(text, "wide_resnet.yaml")


def _planned_error(tmp_path: Path, text: str, name: str = "wide_resnet.yaml") -> str:
    """The problem ``lesson check`` finds in ``text`` as ``name`` once the lesson is planned (a highlight that lights
    nothing, a point at a part not yet drawn: found by the plan, not the loader)."""
    script = tmp_path / name
    script.write_text(text)
    try:
        check_lesson(script)
    except LessonError as exc:
        return str(exc)
    raise AssertionError("no error")


def test_an_architecture_highlight_it_cannot_draw_is_an_error_at_it():
    text = WIDE.read_text()
    old = "    mult_adds: true\n    highlight: cell\n"
    assert old in text
    edited = text.replace(old, "    mult_adds: true\n    highlight: bar\n")
    message = _wide_error(edited)
    assert (f"wide_resnet.yaml:{_at(edited, 'highlight: bar', len('highlight: '))}: an architecture step cannot highlight "
            "a bar: it highlights row or cell (or none)") in message


def test_a_point_at_a_part_that_is_not_drawn_or_a_word_not_said_is_an_error_at_it():
    text = WIDE.read_text()
    cases = [('{at: layers.4-6, cue: "sentence.2:same again"}', '{at: layers.4-7, cue: "sentence.2:same again"}',
              "layers.4-7", 0, "layer 7: the opened block has layers 1 to 6"),
             ('{at: input, cue: "sentence.2:colour image"}', '{at: block, cue: "sentence.2:colour image"}',
              "at: block", len("at: "), "cannot point at 'block': give the network's name (name.depth, name.width: its d or its k), a row (input, conv1, group1, group2, group3, head, total;"),
             ('{at: input, cue: "sentence.2:colour image"}', '{at: conv1.repeat, cue: "sentence.2:colour image"}',
              "at: conv1.repeat", len("at: "), "'conv1.repeat': only a group has a \"× N\" (its blocks)"),
             ('{at: input, cue: "sentence.2:colour image"}', '{at: group2.mult_adds, cue: "sentence.2:colour image"}',
              "at: group2.mult_adds", len("at: "), "'group2.mult_adds': the diagram draws no mult-adds column (mult_adds is off)"),
             ('{at: note.3, cue: "sentence.2:so d is"}', '{at: note.6, cue: "sentence.2:so d is"}',
              "at: note.6", len("at: "), "'note.6': the step has 5 notes (note.1 to note.5)"),
             ('{at: group1, cue: "sentence.3:first group"}', '{at: plus, cue: "sentence.3:first group"}',
              "at: plus, cue: \"sentence.3:first", len("at: "), "'plus' is a part of an opened block, and this step opens none"),
             ('{at: plus, cue: "sentence.3:plus"}', '{at: plus, cue: "sentence.3:minus"}',
              '"sentence.3:minus"', 0, "cue: 'sentence.3:minus': sentence 3 does not say 'minus' (it says: 'The shortcut joins the result with a plus.')"),
             ('{at: plus, cue: "sentence.3:plus"}', '{at: plus, cue: "sentence.9:plus"}',
              '"sentence.9:plus"', 0, "cue: 'sentence.9:plus': the narration has 4 sentences (sentence.1 to sentence.4)")]
    for old, new, needle, offset, said in cases:
        assert old in text, old
        edited = text.replace(old, new, 1)
        message = _wide_error(edited)
        assert f"wide_resnet.yaml:{_at(edited, needle, offset)}: {said}" in message, message


def test_an_architecture_highlight_that_lights_nothing_is_an_error_at_it(tmp_path):
    # the opened block's step speaks no placeholder of the diagram: highlight: cell without points lights nothing
    text = WIDE.read_text()
    start = text.index("    point:\n      - {at: conv1")
    end = text.index("    narration:", start)
    edited = text[:start] + "    highlight: cell\n" + text[end:]
    message = _planned_error(tmp_path, edited)
    assert f"wide_resnet.yaml:{_at(edited, 'highlight: cell', len('highlight: '))}: " in message
    assert "highlight: cell lights nothing: the narration names none of the values this architecture step draws" in message


def test_a_word_cue_is_where_its_sentence_first_says_its_words():
    from lesson.kinds.cues import word_at

    tokens = "The shortcut joins the result with a plus. So the shortcut is a one by one convolution, Plus more.".split()
    assert word_at("sentence.1:plus", tokens) == 7  # "plus." (the punctuation round a word aside)
    assert word_at("sentence.2:shortcut", tokens) == 10  # the second sentence's, not the first's
    assert word_at("sentence.2:one by one", tokens) == 13 and word_at("sentence.2:PLUS", tokens) == 17
    assert word_at("sentence.1:one by one", tokens) is None and word_at("sentence.3:plus", tokens) is None


def test_a_table_points_at_a_column_it_has_at_a_cue_and_nothing_else():
    paper = _step(WIDE, "paper")
    assert paper.data["columns_pointing"] == [["sentence.1:the networks are sorted", 0], ["sentence.1:number of parameters", 1]]
    text = WIDE.read_text()
    old = '{at: column.2, cue: "sentence.1:number of parameters"}'
    assert old in text
    edited = text.replace(old, '{at: column.5, cue: "sentence.1:number of parameters"}')
    assert (f"wide_resnet.yaml:{_at(edited, 'column.5')}: cannot point at 'column.5': the table has columns 1 to 4"
            in _wide_error(edited))


def test_a_table_points_at_rows_cells_and_the_cells_the_voice_compares_and_writes_its_notes():
    paper = _step(WIDE, "paper")
    at = dict((name, key) for name, key in paper.data["parts_pointing"])
    assert at["sentence.1:not computed here"] == ["columns", 2, 3]
    assert at["sentence.2:1001 layers"] == ["cells", 2, 2, 0] and at["sentence.2:million parameters"] == ["cells", 2, 2, 1]
    assert at["sentence.3:about as many"] == ["cells", 2, 3, 1] and at["sentence.5:brings the error down"] == ["cells", 2, 4, 2]
    assert at["sentence.4:several times faster"] == ["note", 0]
    assert paper.data["notes"] == [{"text": "reported: WRN-16-8 trains several times faster", "cues": ["sentence.4:also report"]}]
    text = WIDE.read_text()
    old = '{at: cells.3-4.2, cue: "sentence.3:about as many"}'
    for new, needle, said in [("cells.4-3.2", "cells.4-3.2", "'cells.4-3.2': the first row comes first"),
                              ("cells.3-6.2", "cells.3-6.2", "'cells.3-6.2': the table has rows 1 to 5"),
                              ("cell.3.7", "cell.3.7", "'cell.3.7': the table has columns 1 to 4"),
                              ("note.2", 'note.2, cue: "sentence.3:about', "'note.2': the table has 1 note"),
                              ("columns.4-2", "columns.4-2", "'columns.4-2': columns N to M of 1 to 4")]:
        edited = text.replace(old, old.replace("cells.3-4.2", new))
        assert f"wide_resnet.yaml:{_at(edited, needle)}: {said}" in _wide_error(edited), new


def test_a_residual_block_points_at_its_parts_and_not_at_one_before_it_is_drawn(tmp_path):
    residual = _step(WIDE, "residual")
    assert [key for _, key in residual.data["pointing"]] == [["plus"], ["input"], ["output"], ["layers", 0, 1], ["shortcut"],
                                                              ["note", 0], ["correction"], ["layers", 0, 1], ["layers", 0, 1],
                                                              ["note", 1]]
    assert residual.data["flow_cues"] == ["sentence.5:cannot run side by side"]
    text = WIDE.read_text()
    old = '{at: plus, cue: "sentence.1:adds"}'
    assert old in text
    edited = text.replace(old, '{at: note.3, cue: "sentence.1:adds"}')
    assert f"wide_resnet.yaml:{_at(edited, 'note.3')}: 'note.3': the step has 2 notes (note.1 to note.2)" in _wide_error(edited)
    # the layers come in at sentence 2: pointing at them in sentence 1 would point at nothing on screen
    edited = text.replace(old, '{at: layer.2, cue: "sentence.1:adds"}')
    message = _planned_error(tmp_path, edited)
    assert "point 1 names 'layer.2' at sentence.1:adds, before it is drawn (at sentence.2)" in message
    assert f"wide_resnet.yaml:{_at(edited, 'sentence.1:adds', -1)}" in message
    # the input cannot run through layers not drawn yet
    old = 'flow_cue: "sentence.5:cannot run side by side"'
    edited = text.replace(old, 'flow_cue: "sentence.1:adds"')
    message = _planned_error(tmp_path, edited)
    assert "flow_cue sentence.1:adds comes before the layers appear (sentence.2)" in message
    assert f"wide_resnet.yaml:{_at(edited, 'flow_cue: ', len('flow_cue: '))}" in message


BACKPROP = ROOT / "lessons" / "cross_entropy_backprop.yaml"


def test_a_point_on_a_sweeps_curve_sits_at_the_parameters_value_and_appears_as_the_voice_names_it():
    # "At b3 = −2 the total is 2.67": the point at b3 on the curve of the total, named by either
    point, bottom = _step(BACKPROP, "sweep").data["points"]
    assert (point["x"], point["cues"], point["label"]) == (-2.0, ["b3", "total"], "b3 = \u22122, total \u2248 2.67")
    assert round(point["y"], 2) == 2.67
    # "The curve has a lowest point": where the descent down the same curve ends, at those words
    values = check_lesson(BACKPROP).numbers.values()
    assert (bottom["x"], bottom["y"]) == (values["descent.final"], values["descent.final_loss"])
    assert bottom["cues"] == ["sentence.3:lowest point"] and bottom["name"] == "lowest point"
    assert bottom["label"] == "b3 \u2248 \u22120.03, total \u2248 1.77"


def test_a_point_of_a_sweeps_plot_elsewhere_than_the_parameters_value_is_an_error_at_it():
    text = BACKPROP.read_text()
    assert "      - {x: b3}  " in text
    edited = text.replace("      - {x: b3}  ", "      - {x: total}  ", 1)
    message = _error(edited, "cross_entropy_backprop.yaml")
    assert (f"cross_entropy_backprop.yaml:{_at(edited, 'x: total', len('x: '))}: a point of a sweep's plot sits at the swept "
            "parameter's value: write x: b3 or one_step.final or descent.final, not 'total'") in message


def test_the_network_lights_what_the_voice_says_moves_with_the_bias():
    # "Changing b3 [b3] moves the raw output for setosa [and its output] up or down, and with it every SoftMax value
    # [and the three outputs]"
    *_, changing, moves, every = _step(BACKPROP, "bias").data["highlights"]
    assert changing == {"cues": ["sentence.3"], "items": [{"bias": [2, 0]}]}
    assert moves == {"cues": ["sentence.3:the raw output for setosa"], "items": [{"bias": [2, 0]}, {"node": [2, 0]}]}
    assert every == {"cues": ["sentence.3:every SoftMax value"],
                     "items": [{"bias": [2, 0]}, {"node": [2, 0]}, {"node": [2, 1]}, {"node": [2, 2]}]}
