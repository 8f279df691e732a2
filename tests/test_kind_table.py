"""The ``table`` step kind: the exact texts it draws, where, which row or cell lights up when, and its errors."""

from pathlib import Path

import numpy as np
import pytest


import drawn  # noqa: E402
from drawn import person  # noqa: E402
from drawn import draw, draw_plan_step, plan_of  # noqa: E402

from lesson.base import digits  # noqa: E402
from lesson.numbers.compute import compute  # noqa: E402
from lesson.check import parse_lesson  # noqa: E402
from lesson.base.timing import StepTiming  # noqa: E402
from scenes import style  # noqa: E402
from scenes.table import TableScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "table.yaml"
FIVE = ROOT / "tests" / "fixtures" / "five_classes.yaml"
MINUS = "\u2212"
PANEL = style.RIGHT - 4.1  # where a side panel (beside) begins


@pytest.fixture(scope="module")
def numbers():
    lesson = parse_lesson(EXAMPLE.read_text(), str(EXAMPLE))
    return compute(lesson, EXAMPLE.parent)


def row_of(drawing, first: str, right: float = style.RIGHT):
    """The texts drawn left of ``right`` on the row that begins with ``first`` (one's middle within the other's
    height), left to right."""
    items = [i for i in drawing.final if i.kind == "text" and i.right <= right]
    heads = [i for i in items if i.string == first]
    head = min(heads, key=lambda i: i.x)  # the row's first cell (the same word may stand in another column)
    return [i for i in sorted(items, key=lambda i: i.x) if i.bottom < head.y < i.top or head.bottom < i.y < head.top]


def test_class_rows_show_each_class_value_rounded_as_a_person_rounds(numbers):
    drawing = draw(EXAMPLE, "classes")
    assert drawing.layout_problems == []
    labels = ["Sunny", "Cloudy", "Rainy"]
    def places(text: str) -> int:
        return len(text.partition(".")[2])

    for c, label in enumerate(labels):
        row = [i.string for i in row_of(drawing, label)]
        expected = [label, *(person(v, places(t)) for v, t in zip((numbers.raw[c], numbers.exp[c], numbers.softmax[c]), row[1:]))]
        assert row == expected and all(places(t) >= 2 for t in row[1:])
    assert [i.string for i in row_of(drawing, "weather")] == ["weather", "raw output", "eᶻ", "SoftMax"]
    assert row_of(drawing, "Sunny")[1].string == f"{MINUS}0.50"  # a negative value keeps its minus sign
    # rainy's raw output is exactly 1.375, the wet hidden node's value: the lesson's node sum 0.5·1.375 + 0.5·0.188 ≈
    # 0.78 needs its three decimals, so it reads 1.375 everywhere (at two a person would round it half up to 1.38)
    assert row_of(drawing, "Rainy")[1].string == "1.375" and person(1.375) == "1.38"
    # the rows in the classes' order, top to bottom, under the headings
    ys = [row_of(drawing, name)[0].y for name in ["weather", *labels]]
    assert ys == sorted(ys, reverse=True)


def test_the_table_lies_inside_the_area_and_numbers_line_up_on_the_right():
    drawing = draw(EXAMPLE, "classes")
    body = [i for i in drawing.final if i.kind == "text" and i.string != drawing.step.title]
    assert all(style.LEFT <= i.left and i.right <= style.RIGHT for i in body)
    assert all(style.CONTENT_BOTTOM <= i.bottom and i.top <= style.CONTENT_TOP for i in body)
    for column in (1, 2, 3):  # the raw outputs, eᶻ and SoftMax: numbers with as many decimals end at one x, give or
        # take a digit's side (they line up on their decimal points: the test below)
        cells = [row_of(drawing, label)[column] for label in ("Sunny", "Cloudy", "Rainy")]
        same = [c.right for c in cells if len(c.string.partition(".")[2]) == 2]
        assert len(same) >= 2 and max(same) - min(same) < 0.15
    lefts = [row_of(drawing, label)[0].left for label in ("Sunny", "Cloudy", "Rainy")]
    assert max(lefts) - min(lefts) < 0.05  # words start at one x
    columns = list(zip(*(row_of(drawing, label) for label in ("weather", "Sunny", "Cloudy", "Rainy"))))
    gaps = [min(i.left for i in b) - max(i.right for i in a) for a, b in zip(columns, columns[1:])]
    assert len(gaps) == 3 and max(gaps) - min(gaps) < 0.02 and min(gaps) > 0.3  # one gap between any two columns


def lit(script: Path, step_id: str, cues: dict[str, float], monkeypatch):
    """Draw a step with the voice speaking ``cues`` (name -> seconds), recording after each animation the time and
    the highlight box (centre x, centre y, width, height), or None before it appears; an animation after which the box
    is where it was (the line under a cell moving inside the lit row) is not recorded."""
    boxes: list[tuple[float, tuple[float, float, float, float] | None]] = []
    play = TableScene.play

    def recording(self, *args, **kwargs):
        play(self, *args, **kwargs)
        box = self.highlight
        now = None if box is None else (*box.get_center()[:2], box.width, box.height)
        if now is None or not boxes or boxes[-1][1] is None or not np.allclose(now, boxes[-1][1]):
            boxes.append((self.time, now))

    monkeypatch.setattr(TableScene, "play", recording)
    timing = StepTiming(0.3, max(cues.values()) + 1.0, 0.6, cues=tuple(cues.items()))
    plan = plan_of(script)
    step = next(s for s in plan.steps if s.id == step_id)
    return draw_plan_step(plan, step, timing=timing), boxes


def test_a_class_row_lights_up_when_its_value_is_spoken(monkeypatch):
    cues = {"raw.sunny": 3.0, "softmax.sunny": 4.5, "raw.cloudy": 7.0, "softmax.cloudy": 8.0, "raw.rainy": 11.0, "softmax.rainy": 12.5}
    drawing, boxes = lit(EXAMPLE, "classes", cues, monkeypatch)
    assert drawing.layout_problems == []
    rows = {label: row_of(drawing, label) for label in ("Sunny", "Cloudy", "Rainy")}

    def row_in(box):
        x, y, w, h = box
        inside = [label for label, items in rows.items() if all(y - h / 2 < i.y < y + h / 2 for i in items)]
        assert len(inside) == 1, (box, inside)
        assert all(x - w / 2 <= i.left and i.right <= x + w / 2 for i in rows[inside[0]])  # the whole row
        return inside[0]

    assert [box for _, box in boxes[:3]] == [None, None, None]  # the step's title, the headings, the rows: nothing lit
    moves = [(t, row_in(box)) for t, box in boxes[3:]]
    assert [label for _, label in moves] == ["Sunny", "Cloudy", "Rainy"]  # one move per row, in the narration's order
    for (t, label), name in zip(moves, ("raw.sunny", "raw.cloudy", "raw.rainy")):
        # lit as the voice reaches the row's first value: the box starts moving at most CHANGE_LEAD before it
        assert cues[name] - style.CHANGE_LEAD - 0.1 <= t - style.POINT <= cues[name]


def test_a_cell_lights_up_then_a_whole_row_at_its_sentence(monkeypatch):
    cues = {"hidden.1.wet": 2.0, "hidden.1.high": 5.0, "sentence.3": 8.0, "prediction": 9.0}
    drawing, boxes = lit(EXAMPLE, "hidden", cues, monkeypatch)
    assert drawing.layout_problems == []
    wet, high, prediction = (row_of(drawing, name) for name in ("wet", "high pressure", "prediction"))
    assert [i.string for i in wet] == ["wet", "1.375"] and [i.string for i in high] == ["high pressure", "0.188"]
    assert [i.string for i in prediction] == ["prediction", "Rainy"]
    shown = [box for _, box in boxes if box is not None]
    assert len(shown) == 3
    for box, cell in zip(shown[:2], (wet[1], high[1])):  # the value's cell alone
        x, y, w, h = box
        assert x - w / 2 < cell.left and cell.right < x + w / 2 and y - h / 2 < cell.y < y + h / 2
        assert x - w / 2 > wet[0].right  # not the row's name
    x, y, w, h = shown[2]  # the prediction's row, whole, at the third sentence
    assert all(x - w / 2 < i.left and i.right < x + w / 2 and y - h / 2 < i.y < y + h / 2 for i in prediction)
    assert cues["sentence.3"] - style.CHANGE_LEAD - 0.1 <= boxes[-1][0] - style.POINT <= cues["sentence.3"]


def test_written_rows_and_class_rows_fit_beside_a_panel_with_five_classes(tmp_path):
    text = FIVE.read_text() + (
        "  - kind: table\n"
        "    id: tab\n"
        "    title: Every fruit\n"
        "    columns: [fruit, raw output, SoftMax]\n"
        "    each_class: [label, 'raw:+.3f', softmax]\n"
        "    rows:\n"
        "      - {cells: [observed, '{observed}', '{p_observed}']}\n"
        "    beside: {heading: ArgMax, each_class: argmax}\n"
        "    narration: Lemon gets {softmax.lemon}, apple {softmax.apple}.\n"
    )
    script = tmp_path / "five.yaml"
    script.write_text(text)
    nums = compute(parse_lesson(text, str(script)), tmp_path)
    drawing = draw(script, "tab")
    assert drawing.layout_problems == []
    for c, label in enumerate(["Apple", "Banana", "Cherry", "Grape", "Lemon"]):
        raw = digits.fixed(nums.raw[c], 3, sign="+").replace("-", MINUS)
        row = [i.string for i in row_of(drawing, label, PANEL)]
        # the author's format for the raw outputs; SoftMax at each value's one form in the lesson
        assert row == [label, raw, person(nums.softmax[c], len(row[2].partition(".")[2]))] and len(row[2]) >= 4
    observed = [i.string for i in row_of(drawing, "observed", PANEL)]
    assert observed == ["observed", "Banana", [i.string for i in row_of(drawing, "Banana", PANEL)][2]]
    table = [i for i in drawing.final if i.kind == "text" and i.string in ("fruit", "observed", "SoftMax")]
    assert len(table) == 3 and all(i.right <= PANEL for i in table)  # left of the side panel


def broken(old: str, new: str) -> tuple[str, str]:
    return drawn.broken(EXAMPLE, old, new, "table.yaml")


def at(text: str, line_part: str, needle: str) -> str:
    return drawn.at("table.yaml", text, line_part, needle)


def test_an_unknown_family_is_an_error_at_it_with_a_suggestion():
    text, message = broken("each_class: [label, raw, exp, softmax]", "each_class: [label, raw, exp, sofmax]")
    assert f"{at(text, 'each_class:', 'sofmax')}: 'sofmax' is not a per-class value; did you mean 'softmax'?" in message


def test_too_many_columns_is_an_error_at_the_headings():
    text, message = broken("columns: [node, value]", "columns: [node, value, a, b, c, d]")
    assert f"{at(text, 'columns: [node', '[')}: step 2 (table) columns: give at most 5 item(s); there are 6" in message


def test_a_row_with_another_number_of_cells_is_an_error_at_its_cells():
    text, message = broken('- {cells: [wet, "{hidden.1.wet}"]}', '- {cells: [wet, "{hidden.1.wet}", more]}')
    assert f"{at(text, '{cells: [wet', '[wet')}: row 1 has 3 cell(s) but the table has 2 column(s)" in message


def test_as_many_families_as_columns():
    text, message = broken("each_class: [label, raw, exp, softmax]", "each_class: [label, raw, exp]")
    assert f"{at(text, 'each_class:', '[')}: 3 families for 4 column(s): give one per column" in message


def test_a_cue_must_be_spoken():
    text, message = broken("cue: sentence.3", "cue: softmax.rainy")
    assert (f"{at(text, 'cue: softmax', 'softmax')}: cue: 'softmax.rainy' is never spoken in this step's narration, "
            "so it gives no moment; write {softmax.rainy} in the narration or use sentence.N") in message
    text, message = broken("cue: sentence.3", "cue: sentence.4")
    assert f"{at(text, 'cue: sentence', 'sentence')}: cue: 'sentence.4': the narration has 3 sentences (sentence.1 to sentence.3)" in message


def test_a_bad_format_of_a_family_is_an_error():
    text, message = broken("each_class: [label, raw, exp, softmax]", "each_class: [label, 'raw:zz', exp, softmax]")
    where = at(text, "each_class:", "'raw:zz'")  # the value as written, quotes and all
    assert f"{where}: placeholder {{raw.<class>:zz}}: 'zz' is not a number format" in message


def test_a_short_table_is_spread_over_the_area():
    # three rows under the headings: drawn large and spread out, not left in the upper half of the frame
    drawing = draw(EXAMPLE, "hidden")
    table = [i for i in drawing.final if i.kind == "text" and i.string != drawing.step.title]
    assert {i.string for i in table} >= {"node", "value", "wet", "high pressure", "prediction"}
    top, bottom = max(i.top for i in table), min(i.bottom for i in table)
    assert top - bottom > 0.7 * style.CONTENT_HEIGHT
    assert style.CONTENT_BOTTOM <= bottom and top <= style.CONTENT_TOP
    assert drawing.layout_problems == []


def test_right_aligned_numbers_line_up_on_their_decimal_points_not_on_their_ink():
    from manim import RIGHT, Text

    from scenes.align import align_numbers

    texts = ["0.57", "0.21", "10.24", "\u22120.44"]
    column = [Text(t).move_to([0, -i, 0], aligned_edge=RIGHT) for i, t in enumerate(texts)]  # ink right-aligned
    point = [m.submobjects[t.index(".")].get_center()[0] for m, t in zip(column, texts)]
    assert max(point) - min(point) > 0.02  # by ink alone, the points do not line up ("1" has less ink on its right)
    align_numbers(column, texts)
    point = [m.submobjects[t.index(".")].get_center()[0] for m, t in zip(column, texts)]
    assert max(point) - min(point) < 1e-9
    whole = ["1", "2", "13"]  # no decimal point: the middles of the last digits line up
    column = [Text(t).move_to([0, -i, 0], aligned_edge=RIGHT) for i, t in enumerate(whole)]
    align_numbers(column, whole)
    last = [m.submobjects[-1].get_center()[0] for m in column]
    assert max(last) - min(last) < 1e-9


def test_a_number_with_more_decimals_stays_inside_its_column_the_rule_and_the_row_box(tmp_path, monkeypatch):
    # "{hidden.1.high:.4f}" has two more decimals than the value above it: aligned on its decimal point, it reaches
    # further right, so its column is that much wider, the heading ends where it ends, and the box lighting its
    # row (as wide as the rule) holds it
    text = EXAMPLE.read_text().replace('"{hidden.1.high}"]}', '"{hidden.1.high:.4f}"]}').replace('"{prediction}"]', '"{softmax.rainy}"]')
    assert ":.4f" in text and "[prediction, \"{softmax.rainy}\"]" in text  # a column of numbers alone
    script = tmp_path / "table.yaml"
    script.write_text(text.replace("highlight: cell", "highlight: row"))
    cues = {"hidden.1.wet": 2.0, "hidden.1.high": 5.0, "sentence.3": 8.0, "prediction": 9.0}
    drawing, boxes = lit(script, "hidden", cues, monkeypatch)
    assert drawing.layout_problems == []
    (heading,) = [i for i in drawing.final if i.string == "value"]
    wet, high = row_of(drawing, "wet")[1], row_of(drawing, "high pressure")[1]
    assert wet.string == "1.375" and high.string == "0.1875"
    assert high.right > wet.right + 0.1  # one more digit, on the same decimal point
    assert abs(heading.right - high.right) < 0.02  # the heading ends with the column's widest reach
    x, y, w, h = [box for _, box in boxes if box is not None][1]  # the box on the second row, at its value
    assert x - w / 2 < row_of(drawing, "high pressure")[0].left and high.right < x + w / 2 and y - h / 2 < high.y < y + h / 2


def test_a_column_of_numbers_with_units_or_signs_is_set_on_the_right_and_one_with_a_word_on_the_left():
    from lesson.kinds.table import alignments

    rows = [["WRN-28-10", "36.5 M", "4.00%", f"{MINUS}0.0009", "1.68 G", "", "< 0.01"],
            ["pre-act-ResNet-164", "1.7 M", "24.33%", "+2.50", "442,368", "", "12"],
            ["total", "7,690", "19%", "0", "6,400", "", "0.5 kg"]]
    assert alignments(rows, 7) == ["left", "right", "right", "right", "right", "right", "left"]
    assert alignments([["36.5M"], ["1 M M"]], 1) == ["left"]  # a unit is one letter after one space


def test_a_whole_number_among_decimals_stands_left_of_their_points():
    from manim import RIGHT, Text

    from scenes.align import align_numbers

    texts = ["8", "1.39", "\u221212.5", "2.88"]
    column = [Text(t).move_to([0, -i, 0], aligned_edge=RIGHT) for i, t in enumerate(texts)]
    align_numbers(column, texts)
    points = [m.submobjects[t.index(".")].get_left()[0] for m, t in zip(column, texts) if "." in t]
    assert max(points) - min(points) < 1e-9
    assert abs(column[0].submobjects[-1].get_right()[0] - points[0]) < 1e-9  # 8 ends where the points begin
    mixed = ["12%", "0.5"]  # a whole number that does not end in a digit: nothing to line up, nothing moves
    column = [Text(t).move_to([0, -i, 0], aligned_edge=RIGHT) for i, t in enumerate(mixed)]
    before = [m.get_right()[0] for m in column]
    align_numbers(column, mixed)
    assert [m.get_right()[0] for m in column] == before


def test_a_side_panel_sets_label_and_value_on_one_baseline_and_numbers_on_their_points(tmp_path):
    from manim import tempconfig

    from scenes.align import baseline

    text = EXAMPLE.read_text() + (
        "  - kind: text\n"
        "    id: side\n"
        "    title: Beside\n"
        "    points: [one point]\n"
        "    beside:\n"
        "      heading: Sunny\n"
        "      rows:\n"
        "        - {label: classes, value: '{n_classes}'}\n"
        "        - {label: raw output, value: '{raw.sunny}'}\n"
        "        - {label: eᶻ, value: '{exp.sunny:.4f}'}\n"
        "    narration: Sunny gets {raw.sunny}.\n"
    )
    script = tmp_path / "side.yaml"
    script.write_text(text)
    plan = plan_of(script)
    step = next(s for s in plan.steps if s.id == "side")
    with tempconfig({"media_dir": str(tmp_path), "tex_dir": str(tmp_path / "tex"), "text_dir": str(tmp_path / "texts"), "verbosity": "ERROR"}):
        scene = TableScene(step, plan.style, StepTiming(0.3, 2.0, 0.6))
        _, group = scene.panel()
    rows = group[1]
    texts = [row["value"] for row in step.data["beside"]["rows"]]
    assert texts[0] == "3" and texts[1].count(".") == 1 and len(texts[2].split(".")[1]) == 4
    for label, value in rows:
        assert abs(baseline(label) - baseline(value)) < 1e-6  # one baseline, whatever the glyphs
    point = [value.submobjects[t.index(".")].get_left()[0] for (_, value), t in zip(rows, texts) if "." in t]
    assert len(point) == 2 and abs(point[0] - point[1]) < 1e-6  # on their decimal points
    assert abs(rows[0][1].submobjects[-1].get_right()[0] - point[0]) < 1e-6  # the 3 stands left of them
    assert min(v.get_left()[0] for _, v in rows) > max(lab.get_right()[0] for lab, _ in rows)  # after the longest label


def test_with_rows_lit_a_line_moves_under_each_cell_the_voice_names_in_the_lit_row(monkeypatch):
    from scenes.highlight import Marker

    lines: list[tuple[tuple, tuple[float, float, float]]] = []  # (cell, (left, right, y)) of the line after each move
    light = Marker.light

    def recording(self, names, box, key=None, **kwargs):
        light(self, names, box, key=key, **kwargs)
        if self.shape == "underline":
            m = self.mobject
            lines.append((key, (m.get_left()[0], m.get_right()[0], m.get_center()[1])))

    monkeypatch.setattr(Marker, "light", recording)
    wide = Path(__file__).resolve().parents[1] / "lessons" / "wide_resnet.yaml"
    plan = plan_of(wide)
    step = next(s for s in plan.steps if s.id == "paper")
    drawing = draw_plan_step(plan, step)
    assert drawing.layout_problems == []
    # the errors and the parameter counts the voice names, each in the row lit at that moment
    assert [key for key, _ in lines] == [(2, 2), (3, 1), (3, 2), (4, 2), (4, 1)]
    cells = {"4.92%": (2, 2), "11.0 M": (3, 1), "4.27%": (3, 2), "4.00%": (4, 2), "36.5 M": (4, 1)}
    for key, (left, right, y) in lines:
        (text,) = [t for t, k in cells.items() if k == key]
        (cell,) = [i for i in drawing.final if i.string == text]
        assert left <= cell.left and cell.right <= right and right - left < cell.width + 0.2  # as wide as the cell
        assert cell.bottom - 0.15 < y < cell.bottom  # just under it


def test_a_value_named_again_is_not_lit_again_at_the_word_before_it(tmp_path):
    # "... {softmax.sunny}. ... Sunny's {softmax.sunny} is the smallest": the voice names sunny's SoftMax a second time
    # after the other rows; waiting for a word waits for its first time, so lighting it again would jump back to the
    # sunny row at once, at the word before (while the voice is still on rainy): it is lit at its first time only
    from lesson.base.timing import CHANGE_WITHIN
    from lesson.narration.narrate import narrate

    text = EXAMPLE.read_text()
    old = "and the largest share, {softmax.rainy}.\n"
    assert old in text
    script = tmp_path / "table.yaml"
    script.write_text(text.replace(old, old + "      Sunny's {softmax.sunny} is the smallest share.\n"))
    plan = plan_of(script)
    step = next(s for s in plan.steps if s.id == "classes")
    timing = narrate(plan, "none", 150, tmp_path)[step.index].timing
    drawing = draw_plan_step(plan, step, timing=timing)
    assert [c.names[0] for c in drawing.changes] == ["raw.sunny", "softmax.sunny", "raw.cloudy", "softmax.cloudy",
                                                     "raw.rainy", "softmax.rainy"]
    assert all(abs(c.start - c.word(timing)) <= CHANGE_WITHIN for c in drawing.changes)


WIDE = ROOT / "lessons" / "wide_resnet.yaml"


def test_a_note_is_written_under_the_table_at_its_cue_and_compared_cells_are_boxed_together(monkeypatch):
    found = []
    original = TableScene.draw
    monkeypatch.setattr(TableScene, "draw", lambda self: (found.append(self), original(self))[1])
    drawing = draw(WIDE, "paper")
    assert drawing.layout_problems == []
    (scene,) = found
    note = "reported: WRN-16-8 trains several times faster"
    (text,) = [i for i in drawing.final if i.string == note]
    cells = [i for i in drawing.final if i.string != note and i.string != drawing.step.title]
    # under every cell, above the caption band, from the table's left
    assert text.top < min(i.bottom for i in cells) and text.bottom >= style.CONTENT_BOTTOM
    assert text.left >= min(i.left for i in cells) - 0.01
    # written at its words, after the table: not on screen before
    first = next(n for n, snap in enumerate(drawing.seen) if any(i.string == note for i in snap))
    assert first > next(n for n, snap in enumerate(drawing.seen) if any(i.string == "WRN-28-10" for i in snap))
    assert "sentence.4:also report" in [c.names[0] for c in drawing.changes]
    # cells.3-4.2: one box round 10.2 M and 11.0 M (and nothing of the rows around them)
    left, right, top, bottom = scene.part_box(["cells", 2, 3, 1])
    inside = [i.string for i in cells if left <= i.left and i.right <= right and bottom <= i.bottom and i.top <= top]
    assert inside == ["10.2 M", "11.0 M"]
