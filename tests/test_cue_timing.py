"""Every change at its word: for a step of each kind, drawn against its narration's timing, each change of the
picture tied to a cue (a placeholder, sentence.N) starts within 0.3 s of the start of that word in the speech
timing (the scene records when each began: ``scene.changes``, :class:`lesson.base.timing.Change`).

The timing is the project's own for the silent voice (``voice none``: the words at the script's pace), so each
word has a start; a test draws the step's scene (no video encoded) and compares.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest

import drawn
from lesson import kinds
from lesson.narration.narrate import narrate
from lesson.base.timing import CHANGE_WITHIN, StepTiming

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"

# kind -> a step of that kind with cues (script, step id); plot twice: its functions and its sweep with a descent
CASES = {
    "text": ("examples/text.yaml", "today"),
    "summary": ("argmax_softmax.yaml", "summary"),
    "plot": ("examples/plot.yaml", "slope"),
    "plot (sweep, descent)": ("backprop_b3.yaml", "walk"),
    "plot (tangent named first)": ("cross_entropy.yaml", "compare"),
    "number_line": ("examples/number_line.yaml", "probabilities"),
    "raw_outputs": ("argmax_softmax.yaml", "raw_outputs"),
    "table (cell)": ("examples/table.yaml", "hidden"),
    "table (a row, its column and a cell, named in words)": ("cross_entropy.yaml", "probabilities"),
    "table (rows)": ("wide_resnet.yaml", "paper"),
    "bars": ("examples/bars.yaml", "softmax"),
    "equation": ("examples/equation.yaml", "hidden"),
    "equation (symbols pointed at, a side panel's rows)": ("cross_entropy_backprop.yaml", "step"),
    "equation (symbols as the voice describes them)": ("cross_entropy.yaml", "each"),
    "network": ("argmax_softmax.yaml", "network"),
    "network (b3 and what it moves)": ("cross_entropy_backprop.yaml", "bias"),
    "network (hidden values never named)": ("cross_entropy.yaml", "network"),
    "network (a value written at a word)": ("cross_entropy_backprop.yaml", "path"),
    "plot (a point on a sweep)": ("cross_entropy_backprop.yaml", "sweep"),
    "plot (a curve at its word, points named again)": ("cross_entropy.yaml", "curve"),
    "plot (a descent carrying its tangent)": ("cross_entropy_backprop.yaml", "one_step"),
    "architecture": ("wide_resnet.yaml", "widen"),
    "architecture (cells)": ("wide_resnet.yaml", "diagram"),
    "architecture (block, word cues)": ("wide_resnet.yaml", "block"),
    "text (word cues)": ("wide_resnet.yaml", "summary"),
    "architecture (notes, cells)": ("wide_resnet.yaml", "naming"),
    "residual_block": ("wide_resnet.yaml", "residual"),
    "node": ("activation_functions.yaml", "node"),
    "fitted_curve": ("examples/fitted_curve.yaml", "fitted_curve"),
    "argmax": ("argmax_softmax.yaml", "argmax"),
    "argmax_gradient": ("argmax_softmax.yaml", "argmax_gradient"),
    "softmax": ("argmax_softmax.yaml", "softmax"),
    "softmax_properties": ("argmax_softmax.yaml", "properties"),
    "softmax_formula": ("argmax_softmax.yaml", "formula"),
    "softmax_derivatives": ("argmax_softmax.yaml", "derivatives"),
    "cross_entropy": ("argmax_softmax.yaml", "next"),
    "title": ("cross_entropy_backprop.yaml", "intro"),
}
# kinds whose steps tie nothing to a word (none today: the title card's points come in at their words)
UNTIMED: set[str] = set()


@functools.cache
def _planned(script: str):
    plan = drawn.plan_of(LESSONS / script)
    with tempfile.TemporaryDirectory() as tmp:
        timings = {i: n.timing for i, n in narrate(plan, "none", 150, Path(tmp)).items()}
    return plan, timings


def _drawn(script: str, step_id: str) -> tuple[drawn.Drawing, StepTiming]:
    plan, timings = _planned(script)
    step = next(s for s in plan.steps if s.id == step_id)
    return drawn.draw_plan_step(plan, step, timing=timings[step.index]), timings[step.index]


def test_every_kind_has_a_timing_case():
    covered = {kinds.get(key.split(" ")[0]).name for key in CASES}
    assert set(kinds.registry()) - UNTIMED - covered == set()


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_change_starts_at_its_word(case):
    script, step_id = CASES[case]
    drawing, timing = _drawn(script, step_id)
    assert drawing.step.kind == case.split(" ")[0]
    timed = [(c, c.word(timing)) for c in drawing.changes if c.word(timing) is not None]
    assert timed, f"{case}: no change tied to a spoken word"
    late_or_early = [f"{c.names[0]}: change at {c.start:.2f}s, word at {w:.2f}s" for c, w in timed
                     if abs(c.start - w) > CHANGE_WITHIN]
    assert late_or_early == []


def _changes_at(script: str, step_id: str) -> list[str]:
    """The cue of each change of the step, in order."""
    drawing, _ = _drawn(script, step_id)
    return [c.names[0] for c in drawing.changes]


def test_a_table_lights_a_row_its_column_and_its_cell_as_the_voice_names_the_flower_its_species_and_its_p():
    # "For the first flower, a setosa, the network gives setosa 0.568": the row at "first flower", the setosa column
    # at "a setosa", the cell (whose value is p of the observed species) at 0.568; the same for the other two
    assert _changes_at("cross_entropy.yaml", "probabilities") == [
        "sentence.2:first flower", "sentence.2:a setosa", "example.first.p_observed",
        "sentence.3:second flower", "sentence.3:a virginica", "example.second.p_observed",
        "sentence.4:third is", "sentence.4:a versicolor", "example.third.p_observed"]


def test_a_cell_highlight_moves_to_each_cell_the_voice_names():
    # each hidden node's cell at the word that names its value
    assert _changes_at("examples/table.yaml", "hidden")[:2] == ["hidden.1.wet", "hidden.1.high"]


def test_a_row_lights_at_the_words_that_name_it_and_a_line_moves_to_each_cell_named_in_it():
    # "The thin pre-activation ResNet with 1001 layers has 10.2 million parameters ... and an error of 4.92 percent":
    # the row is lit at the words of its cue (sentence.2:thin pre-activation), and the error's cell underlined at its word
    # (so is each cell the voice names inside the lit row); 10.2 million is no cell's value (the cell says 10.2 M)
    # (before them, the columns the first sentence names: the errors, then the parameters the rows are sorted by)
    # and, at the words the script gives, the cells the voice points at or compares (point: cell.R.C, cells.R-S.C)
    # and the note it writes under the table at "also report"
    assert _changes_at("wide_resnet.yaml", "paper") == [
        "sentence.1:not computed here", "sentence.1:the networks are sorted", "sentence.1:number of parameters",
        "sentence.2:thin pre-activation", "sentence.2:1001 layers", "sentence.2:million parameters", "sentence.2:an error of",
        "rep.resnet1001.c10",
        "sentence.3:The wide network", "sentence.3:16 layers", "sentence.3:about as many", "arch.wrn16_8.params",
        "sentence.3:and reaches", "rep.wrn16_8.c10", "sentence.4:also report", "sentence.4:several times faster",
        "sentence.5:deeper and wider", "sentence.5:28 layers", "sentence.5:brings the error down", "rep.wrn28_10.c10",
        "arch.wrn28_10.params"]


def test_an_opened_block_is_pointed_at_part_by_part_at_the_words_that_name_them():
    # "batch normalisation, ReLU and a three by three convolution, then the same again. The shortcut joins the
    # result with a plus ...": each change at its word (test_each_change_starts_at_its_word), in this order
    assert _changes_at("wide_resnet.yaml", "block") == [
        "sentence.1:top", "sentence.1:bottom", "sentence.2", "sentence.2:batch normalisation", "sentence.2:ReLU",
        "sentence.2:three by three", "sentence.2:same again", "sentence.3:shortcut", "sentence.3:plus",
        "sentence.4:this first block", "sentence.4:filters changes", "sentence.4:maps shrink", "sentence.4:one by one"]


def test_the_widening_goes_one_k_at_a_time_from_its_word_to_the_word_it_lands_at(monkeypatch):
    from scenes.architecture import WIDEN_STEP, ArchitectureScene

    starts: list[float] = []
    play = ArchitectureScene.play

    def recording(self, *args, **kwargs):
        if kwargs.get("run_time") == WIDEN_STEP:
            starts.append(self.time)
        play(self, *args, **kwargs)

    monkeypatch.setattr(ArchitectureScene, "play", recording)
    drawing, timing = _drawn("wide_resnet.yaml", "widen")
    begin, land = timing.cue_time("sentence.2"), timing.cue_time("sentence.4")
    assert len(starts) == 9 and land - begin > 9 * WIDEN_STEP  # k = 1 -> 10, with room between the steps
    # the first step right after k = 1 is written at the widening's word, the last at the word it lands at, and the
    # steps between at even shares of the narration between them (to a frame)
    assert abs(starts[-1] - land) <= CHANGE_WITHIN
    for s in range(1, 8):
        assert starts[s] == pytest.approx(begin + s / 8 * (land - begin), abs=0.1), s
    assert all(b - a >= WIDEN_STEP for a, b in zip(starts, starts[1:]))


def test_each_line_of_an_equation_goes_in_at_a_word_of_its_own():
    drawing, timing = _drawn("examples/equation.yaml", "hidden")
    words = [c.word(timing) for c in drawing.changes]
    assert None not in words and words == sorted(words) and len(set(words)) == len(words)


def test_the_voice_points_at_values_already_on_screen_at_their_words():
    # text: "dry" is named after its point came in with "rain"; an equation's length after its line went in with the
    # sweetness; a fitted curve's point when its observed value is named
    assert "raw.dry" in _changes_at("examples/text.yaml", "today")
    assert _changes_at("examples/equation.yaml", "hidden") == ["input.sweetness", "input.length", "hidden.1.sweet", "hidden.1.long"]
    assert "example.fair.observed" in _changes_at("examples/fitted_curve.yaml", "fitted_curve")


def test_the_network_shows_each_value_at_its_word_and_a_sum_where_the_voice_starts_describing_it():
    # each input lit as the voice names it ("It takes petal width and sepal width"); each scaled value, then each raw
    # value, at its word; the hidden layer lit and the top node's sum begun at "Each hidden node adds up ...", its
    # weights at "its weighted inputs", its bias at "and its bias", its value at its word, the bottom node's at its
    # own; the outputs lit and the first one's sum begun at "The output layer then gives ..."
    assert _changes_at("argmax_softmax.yaml", "network") == [
        "sentence.2:petal width", "sentence.2:sepal width", "input.petal_width", "input.sepal_width",
        "raw_input.petal_width", "raw_input.sepal_width", "sentence.4", "sentence.4:weighted inputs", "sentence.4:its bias",
        "hidden.1.1", "hidden.1.2", "sentence.5", "raw.setosa", "raw.versicolor", "raw.virginica"]


def test_argmax_points_at_each_raw_output_the_voice_names_and_lights_the_predicted_row_at_the_prediction():
    # "The largest raw output, 1.43, becomes one ... −0.44 and 0.23 both give zero ... this flower is called Setosa"
    # and each ArgMax value as the voice says it: setosa's 1 at "becomes one", virginica's 0 at "give zero"; the row at
    # "is the prediction" (the verdict comes in at the prediction)
    assert _changes_at("argmax_softmax.yaml", "argmax") == [
        "raw.setosa", "sentence.2:one", "raw.versicolor", "raw.virginica", "sentence.2:give zero", "sentence.3:prediction",
        "prediction"]


def test_softmax_worked_out_points_at_the_table_row_each_line_takes_its_numbers_from_as_the_line_is_written():
    # "For setosa that is e to the 1.43 over the sum, about 0.6871. Versicolor gets about 0.106, and virginica about
    # 0.207": setosa's row (its e^z underlined) at "setosa", the line's numbers at 1.43, the sum's row at "over the
    # sum", the line's value at 0.6871; each other class's row at its name, its line at its value. The table and the
    # equation beside it go together: drawn one after the other, the equation would wait for the table's last word
    assert _changes_at("argmax_softmax.yaml", "softmax") == [
        "sentence.1:raw output", "sentence.1:sum", "sentence.2:setosa", "raw.setosa", "sentence.2:sum", "softmax.setosa",
        "sentence.3:versicolor", "raw.versicolor", "sentence.3:virginica", "raw.virginica"]


def test_the_first_derivative_comes_in_as_the_voice_starts_describing_it_and_its_numbers_at_their_word():
    # "The derivative of the setosa probability with respect to its own raw output is p times one minus p, about 0.22":
    # each derivative written as it is spoken, its symbol first ("with respect to versicolor"), its expression at the
    # "is" that says it, its numbers at its value; the verdict's words as the voice says them
    assert _changes_at("argmax_softmax.yaml", "derivatives") == [
        "sentence.2", "sentence.2:is", "jacobian.setosa.setosa", "sentence.3:versicolor", "sentence.3:is",
        "jacobian.setosa.versicolor", "sentence.3:virginica", "jacobian.setosa.virginica", "sentence.4:gradient descent can use"]


def test_the_general_formula_is_written_as_it_is_read_and_each_letter_explained_at_its_words():
    # "the SoftMax value for output i is e to the raw output i, divided by the sum ... Here i is the class we are
    # looking at, and j runs over all 3 classes"
    assert _changes_at("argmax_softmax.yaml", "formula") == [
        "sentence.1:is", "sentence.1:divided", "sentence.1:output j", "sentence.1:raw output j", "sentence.2:looking",
        "sentence.2:runs", "sentence.2:classes"]


def test_a_points_words_are_underlined_as_the_voice_says_them():
    # "So we use SoftMax while training, because its derivatives let backpropagation work. We use ArgMax when we
    # classify new flowers, because its answer is easy to read."
    assert _changes_at("argmax_softmax.yaml", "summary") == [
        "sentence.1", "sentence.1:training", "sentence.1:derivatives let backpropagation work", "sentence.2",
        "sentence.2:classify new flowers", "sentence.2:answer is easy to read"]


def test_a_number_line_points_at_each_value_mark_and_band_as_the_voice_names_them():
    # "Setosa has the largest value, but 1.43 is bigger than one and −0.44 is below zero. Only virginica's 0.23 lies
    # between zero and one." (the values are there from the start): a class's name boxed as it is said, then its value
    assert _changes_at("argmax_softmax.yaml", "raw_outputs") == [
        "sentence.2:setosa", "raw.setosa", "sentence.2:one", "raw.versicolor", "sentence.2:zero", "sentence.3:virginica's",
        "raw.virginica", "sentence.3:between zero and one"]


def test_the_trained_networks_come_in_as_the_voice_starts_on_them_each_accuracy_at_its_number():
    changes = _changes_at("argmax_softmax.yaml", "properties")
    assert changes[changes.index("sentence.4"):] == [
        "sentence.4", "trained.1.accuracy", "trained.2.accuracy", "trained.1.softmax.setosa", "trained.2.softmax.setosa",
        "sentence.5", "sentence.5:started"]


def test_a_plot_draws_a_curve_at_its_word_and_points_at_each_value_the_voice_names():
    # "Here is minus log p against p ...": the curve drawn at "against p"; "At 0.568 the first flower costs 0.566":
    # the point at its p, then a box on its equation at its loss; the same for the third flower
    assert _changes_at("cross_entropy.yaml", "curve") == [
        "sentence.1:against p", "example.first.p_observed", "total.first", "example.third.p_observed", "total.third",
        "sentence.4", "sentence.5"]
    # "The squared residual, one minus p, squared ...": its curve at those words; its point at the bad prediction,
    # its loss pointed at as it is said; cross-entropy's at its words, its loss pointed at; each slope there; the slide
    assert _changes_at("cross_entropy.yaml", "compare") == [
        "sentence.1:one minus p", "bad_p", "bad_sr", "sentence.2:while cross-entropy", "bad_ce", "bad_sr_slope", "bad_ce_slope",
        "sentence.4"]
    # "To see how well the network fits ..., we add them up": L₁ at those words, the numbers at theirs, L at "makes a
    # total" and the result at its word (at "this total" L is boxed already)
    assert _changes_at("cross_entropy.yaml", "total") == [
        "sentence.1:add them up", "total.first", "total.second", "total.third", "sentence.2:makes a total", "total"]
    # the sweep's curve drawn as the voice says how it is made; the point at b3, its total pointed at as it is said;
    # the lowest point (where the descent ends) as the voice names it
    assert _changes_at("cross_entropy_backprop.yaml", "sweep") == [
        "sentence.1:we can run", "b3", "total", "sentence.3:lowest point"]


def test_an_equation_points_at_its_symbols_as_the_voice_describes_them_and_at_the_side_panel_rows_it_names():
    # "the step size is the slope times the learning rate": g, then η; "The new b3 is the old one minus the step
    # size": b_new, b, then s (in the second line, the latest on screen); "There the total is 2.14, down from 2.67":
    # the side panel's rows
    assert _changes_at("cross_entropy_backprop.yaml", "step") == [
        "one_step.learning_rate", "sentence.2:the slope times", "sentence.2:times the learning rate", "one_step.1.step",
        "sentence.3:new b3", "sentence.3:the old one", "sentence.3:minus the step size", "one_step.1.new_value",
        "one_step.final_loss", "total"]
