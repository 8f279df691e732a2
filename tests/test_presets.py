"""The default lesson's preset steps, drawn by the generic scenes (alone, or as parts of one screen): what they show,
where, and that the numbers are the math core's at the lesson's digits."""

from __future__ import annotations

from pathlib import Path

import pytest


from drawn import draw, draw_plan_step, item, parts, person, plan_of  # noqa: E402

from lesson import kinds  # noqa: E402
from scenes import style  # noqa: E402
from scenes.base import KEPT_WIDTH, PANEL_GAP  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "lessons" / "argmax_softmax.yaml"
PRESETS = ("raw_outputs", "argmax", "argmax_gradient", "softmax", "softmax_properties", "softmax_formula",
           "softmax_derivatives", "summary", "cross_entropy")
GENERIC_SCENES = {"scenes.composite", "scenes.number_line", "scenes.plot", "scenes.text"}


@pytest.fixture(scope="module")
def plan():
    return plan_of(DEFAULT)


@pytest.fixture(scope="module")
def drawings(plan):
    return {s.kind: draw_plan_step(plan, s) for s in plan.steps if s.kind in PRESETS}


def test_every_preset_is_drawn_by_a_generic_scene():
    for name in PRESETS:
        assert kinds.get(name).scene.partition(":")[0] in GENERIC_SCENES, name
    assert not any((ROOT / "scenes" / f"{name}.py").exists() for name in PRESETS)


def test_every_preset_is_laid_out_cleanly(drawings):
    assert set(drawings) == set(PRESETS)
    for kind, drawing in drawings.items():
        assert drawing.layout_problems == [], kind


def test_the_raw_outputs_sit_on_a_line_beside_0_and_1(drawings):
    texts = drawings["raw_outputs"].texts()
    for s in ("1.43", "\u22120.44", "0.23", "0", "1", "Setosa", "Versicolor", "Virginica"):
        assert s in texts, s


def test_argmax_is_a_table_of_raw_outputs_and_their_ones_and_zeros(drawings):
    drawing = drawings["argmax"]
    rows = {}
    for label in ("Setosa", "Versicolor", "Virginica"):
        (first,) = [i for i in drawing.final if i.string == label]
        rows[label] = [i.string for i in sorted(drawing.final, key=lambda i: i.x) if abs(i.y - first.y) < 0.1]
    assert rows == {"Setosa": ["Setosa", "1.43", "1"], "Versicolor": ["Versicolor", "\u22120.44", "0"],
                    "Virginica": ["Virginica", "0.23", "0"]}
    assert "prediction: Setosa" in drawing.texts()


def test_softmax_works_each_quotient_out_beside_a_table_with_the_same_digits(drawings, plan):
    drawing = drawings["softmax"]
    tex = [i for i in drawing.final if i.kind == "tex"]
    quotients = [i for i in tex if i.string.startswith("\\frac{")]
    # each SoftMax value at its one form in the lesson (setosa's four decimals, which its derivative needs), and e^z
    # and their sum with the digits those need: 4.1787 / 6.0813 = 0.68714..., 0.644 / 6.0813 = 0.1059..., 1.26 / 6.0813
    # = 0.2072...: each rounds to the result shown
    assert [q.string for q in quotients] == ["\\frac{ 4.1787 }{ 6.0813 }", "\\frac{ 0.644 }{ 6.0813 }", "\\frac{ 1.26 }{ 6.0813 }"]
    assert [i.string for i in tex if i.string.startswith("\\approx ")] == ["\\approx 0.6871", "\\approx 0.106", "\\approx 0.207"]
    table = [i for i in drawing.final if i.kind == "text" and i.string in ("4.1787", "0.644", "1.26", "6.0813", "1.43", "\u22120.44")]
    assert len(table) == 6
    assert min(i.left for i in table) > max(q.right for q in tex)  # the table is kept right of the equations


def test_softmax_properties_shows_the_sum_then_the_trained_networks(drawings):
    drawing = drawings["softmax_properties"]
    seen = drawing.ever()
    assert "0.6871  +  0.207  +  0.106" in seen and "\\approx 1.000" in seen  # rounded operands give "≈"
    assert {"same order", "every value lies", "between 0 and 1", "they add up to 1"} <= seen  # a point in two lines
    final = drawing.texts()
    assert "start A: 95% correct" in final and "start B: 95% correct" in final
    assert "same order" not in final and "raw output" not in final  # the first screen made way for the second
    # a trained network's 0.997 told apart from the sum's 1.000 by one more decimal; a value too small to read at
    # two decimals shown to its first digit
    assert {"0.997", "0.95", "0.05", "0.003", "0.0002"} <= set(final)


def test_the_general_formula_is_shown_in_symbols_only(drawings):
    drawing = drawings["softmax_formula"]
    (formula,) = [i for i in drawing.final if i.kind == "tex"]
    assert "\\sum_{j=1}^{3}" in formula.string and "e^{ z_{i} }" in formula.string
    # left of the network kept from the step before (in its panel on the right)
    panel = style.RIGHT - KEPT_WIDTH - PANEL_GAP / 2
    # the notes in the order the voice explains them ("... e to the raw output j. Here i is the class we are looking
    # at, and j runs over all 3 classes")
    assert [i.string for i in drawing.final if i.kind == "text" and i.right < panel][1:] == [
        "z: the raw outputs", "i: the class we look at", "j: runs over all 3 classes"]
    assert {"Setosa", "p = 0.6871"} <= {i.string for i in drawing.final if i.left > panel}


def test_the_derivatives_take_the_frames_width_one_line_each_with_the_softmax_values_it_uses(drawings):
    drawing = drawings["softmax_derivatives"]
    results = [i.string for i in drawing.final if i.kind == "tex" and i.string.startswith("\\approx ")]
    assert results == ["\\approx 0.21", "\\approx -0.07", "\\approx -0.14"]
    assert not [i for i in drawing.final if i.kind == "text" and i.string in ("0.6871", "0.106", "0.207")]  # no panel
    formulas = [i for i in drawing.final if i.kind == "tex"]
    assert max(f.right for f in formulas) - min(f.left for f in formulas) >= 0.75 * style.CONTENT_WIDTH
    numbers = " ".join(f.string for f in formulas)
    assert {"0.6871", "0.106", "0.207"} <= set(numbers.replace("(", " ").replace(")", " ").split())
    # each line's numbers on its own row beside its symbols: three rows of formulas
    rows = {round(f.y, 1) for f in formulas if f.string.startswith("\\approx ")}
    assert len(rows) == 3


def test_cross_entropy_is_an_equation_over_its_curve(drawings, plan):
    drawing = drawings["cross_entropy"]
    strings = drawing.strings()
    assert "- \\log ( 0.6871 )" in strings and "\\approx 0.38" in strings and "cross-entropy" in strings
    assert "\u2212log(0.6871) \u2248 0.38" in strings  # the point's label on the curve: p at its one form
    (step,) = [s for s in plan.steps if s.kind == "cross_entropy"]
    (equation,) = parts(step.data, "equation")
    assert equation["lines"][0]["result"] == person(0.37520193739671, 2) == "0.38"


# the steps that draw a picture in the area (not a title or a list of points): it must fill the area's height, not
# sit in a strip with most of the frame empty
FILLED = ("raw_outputs", "argmax", "softmax", "softmax_properties", "softmax_formula", "softmax_derivatives", "cross_entropy")
REACH = 1.2  # the drawing's top and bottom lie at most this far inside the area's


def test_each_picture_fills_the_height_of_the_area(drawings):
    for kind in FILLED:
        inside = [i for i in drawings[kind].final if i.y < style.CONTENT_TOP]  # not the step's heading
        top, bottom = max(i.top for i in inside), min(i.bottom for i in inside)
        assert bottom >= style.CONTENT_BOTTOM - 1e-6, kind  # nothing in the caption band
        assert bottom - style.CONTENT_BOTTOM <= REACH and style.CONTENT_TOP - top <= REACH, (kind, top, bottom)


def test_a_lone_number_line_is_centred_in_the_area(drawings):
    inside = [i for i in drawings["raw_outputs"].final if i.y < style.CONTENT_TOP]
    top, bottom = max(i.top for i in inside), min(i.bottom for i in inside)
    assert (top + bottom) / 2 == pytest.approx((style.CONTENT_TOP + style.CONTENT_BOTTOM) / 2, abs=0.05)


def test_the_cross_entropy_curve_has_half_the_area_and_is_drawn_first(drawings):
    drawing = drawings["cross_entropy"]
    low, high = item(drawing, "0"), item(drawing, "4")  # the y axis's numbers at its ends (0 and 4)
    assert high.y - low.y >= 0.45 * style.CONTENT_HEIGHT
    assert low.x == pytest.approx(high.x, abs=0.2) and low.x < item(drawing, "0.2").x

    def first(found) -> int:
        return next(n for n, snap in enumerate(drawing.seen) if any(found(i) for i in snap))

    # the axes (then the curve, in the next animation) come before the equation's numbers, which wait for the voice
    assert first(lambda i: i.string == "0.2") + 1 < first(lambda i: i.string == "- \\log ( 0.6871 )")


def test_a_plan_that_asks_for_two_rows_gets_the_numbers_under_the_symbols_without_a_one_row_layout(monkeypatch):
    from scenes.equation import EquationScene

    tried: list[bool] = []
    layout = EquationScene.layout

    def recording(self, split):
        tried.append(split)
        return layout(self, split)

    monkeypatch.setattr(EquationScene, "layout", recording)
    drawing = draw(DEFAULT, "properties")
    assert tried == [True]  # the sum to one: laid out on two rows only
    tex = {i.string: i for snap in drawing.seen for i in snap if i.kind == "tex"}
    symbols = next(i for s, i in tex.items() if s.startswith("\\sum"))
    numbers = tex["0.6871  +  0.207  +  0.106"]
    assert numbers.top < symbols.bottom  # under them
