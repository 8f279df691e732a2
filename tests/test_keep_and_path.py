"""Context that stays: a step that keeps the network step before it (``transition: keep``) carries that step's final
picture in its plan, and its cache key follows it; a path through the network with a chain rule's factor at each
link; values written onto the network. Plan and check only (no Manim): the drawings are in test_keep_drawn.py."""

import re
from pathlib import Path

import pytest

from lesson.render.cachekeys import drawing_key
from lesson.check import parse_lesson
from lesson.base.errors import LessonError
from lesson.plan import build_plan
from lesson.base.timing import StepTiming

ROOT = Path(__file__).resolve().parents[1]
BACKPROP = ROOT / "lessons" / "cross_entropy_backprop.yaml"
EXAMPLE = ROOT / "lessons" / "examples" / "network.yaml"
M = "\u2212"


def plan_text(text: str):
    lesson = parse_lesson(text)
    return build_plan(lesson, ROOT / "lessons")


def step(plan, step_id: str):
    return next(s for s in plan.steps if s.id == step_id)


def problem_at(text: str, needle: str) -> tuple[str, str]:
    """The one problem ``text`` has, and where ``needle`` (its first occurrence) sits, as FILE:LINE:COL."""
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    (message,) = str(info.value).splitlines()
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return message, f"<lesson>:{line}:{col}:"


PLAN = plan_text(BACKPROP.read_text())
TIMING = StepTiming(0.3, 6.0, 0.6)


def _key(s) -> str:
    return drawing_key(s, PLAN.style, "low", TIMING, s.code)


def test_the_step_that_keeps_carries_the_network_steps_final_picture_with_its_lit_path_and_written_value():
    path, chain = step(PLAN, "path"), step(PLAN, "chain")
    kept = chain.data["kept"]
    assert kept["title"] == path.title == "The chain rule, along the path"
    assert kept["picture"] == "scenes.network:kept_picture"
    screen = kept["data"]
    # the picture of the network as the path step leaves it: its structure, its biases, nothing left to happen
    assert screen["layers"] == path.data["layers"] and screen["inputs"] == path.data["inputs"]
    assert screen["events"] == [] and "kept" not in screen
    # the path still lit at the end, from the bias b3 to the setosa output (column 2, node 0), its factor as planned
    (group,) = screen["highlights"]
    assert group["items"] == [{"path": {"nodes": [[2, 0]], "bias": [2, 0], "factors": ["× 1"]}}]
    # the values written on the setosa output stay, with no cue (they are there from the first frame)
    assert screen["writes"] == [{"node": [2, 0], "text": "× p", "cues": []},
                                {"node": [2, 0], "text": f"× (p {M} 1) for a setosa", "cues": []}]
    # the network's code draws this equation step's first picture: it is in the step's code and its hash
    assert {"scenes.network", "lesson.kinds.network"} <= set(chain.code_modules)
    assert chain.code != step(PLAN, "step").code  # the other equation step keeps nothing: another code hash


def test_a_step_without_keep_carries_nothing_of_the_step_before():
    assert all("kept" not in s.data for s in PLAN.steps if s.id != "chain")


def test_the_kept_steps_cache_key_changes_when_the_step_before_changes_and_only_then():
    text = BACKPROP.read_text()
    before = _key(step(PLAN, "chain"))
    # the path step writes another value: the step that keeps its screen is drawn again
    edited = plan_text(text.replace('text: "× p"', 'text: "× (p − 1)"'))
    assert step(edited, "chain").data["kept"]["data"]["writes"][0]["text"] == f"× (p {M} 1)"
    assert _key(step(edited, "chain")) != before
    # its path is lit from another cue only: the final picture is the same, and so is the key
    old = 'factors: ["× {slope.first.d_output.setosa:.0f}"], cue: "sentence.2:one for one"}'
    assert old in text
    same = plan_text(text.replace(old, 'factors: ["× {slope.first.d_output.setosa:.0f}"], cue: sentence.3}'))
    assert step(same, "chain").data == step(PLAN, "chain").data
    assert _key(step(same, "chain")) == before
    # the step before it is retitled: the kept heading changes, so does the key
    retitled = plan_text(text.replace("title: The chain rule, along the path", "title: Along the path"))
    assert _key(step(retitled, "chain")) != before
    # without keep the same step has neither the picture nor its key
    faded = plan_text(text.replace("    transition: keep\n", "", 1))
    assert "kept" not in step(faded, "chain").data and _key(step(faded, "chain")) != before


def test_the_numbers_of_the_kept_picture_are_recorded_as_drawn_again_in_the_step_that_keeps_it():
    text = BACKPROP.read_text().replace('text: "× p"', 'text: "p = {example.first.softmax.setosa}"')
    plan = plan_text(text)
    drawn = {(q, t) for q, t, how, _ in step(plan, "chain").numbers if how == "drawn"}
    assert ("example.first.softmax.setosa", "0.15") in drawn
    assert step(plan, "chain").data["kept"]["data"]["writes"][0]["text"] == "p = 0.15"


def test_keep_from_a_network_into_a_network_keeps_the_written_values_in_place():
    text = EXAMPLE.read_text()
    text = text.replace("    show: [names]\n    highlight:\n      - {node: hidden.1.risk, cue: hidden.1.risk}",
                        "    show: [names]\n    write:\n      - {node: output.decline, text: \"raw {raw.decline}\", cue: raw.decline}\n"
                        "    highlight:\n      - {node: hidden.1.risk, cue: hidden.1.risk}", 1)
    text = text.replace("    id: biases\n", "    id: biases\n    transition: keep\n", 1)
    plan = plan_text(text)
    values, biases = step(plan, "values"), step(plan, "biases")
    (written,) = values.data["writes"]
    assert written["node"] == [2, 1] and re.fullmatch(rf"raw {M}?\d+\.\d\d", written["text"])
    # the next network step shows it from its first frame, flagged as kept, after its own (none here)
    assert biases.data["writes"] == [{**written, "cues": [], "kept": True}]
    assert not any(e["kind"] == "write" for e in biases.data["events"])  # nothing to write again at a cue
    # the picture it starts from has the example's values (the values step shows them)
    screen = biases.data["kept"]["data"]
    assert screen["values"] is True and [n["value"] for n in screen["layers"][-1]["nodes"]] == screen["raw"]


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        # keep on the first step: nothing before it
        ("  - kind: title\n    id: intro\n", "  - kind: title\n    id: intro\n    transition: keep\n", "keep\n",
         r"the first step has no step before it whose screen it could keep"),
        # keep after a plot: only a network's screen is kept
        ("    id: path\n", "    id: path\n    transition: keep\n", "keep\n",
         r"keep continues from a table or a network step's screen .* the step before is a 'plot' step"),
        # a path that skips a column
        ('{path: "b3 -> output.setosa"', '{path: "input.petal_width -> output.setosa"', '"input.petal_width -> output.setosa"',
         r"highlight 3: 'input\.petal_width -> output\.setosa' is not a path in the network: input\.petal_width and "
         r"output\.setosa are not in neighbouring columns"),
        # a path that turns back
        ('{path: "b3 -> output.setosa"', '{path: "input.1 -> hidden.1.1 -> input.2"', '"input.1 -> hidden.1.1 -> input.2"',
         r"is not a path in the network: it turns back"),
        # a path from a bias to another node
        ('{path: "b3 -> output.setosa"', '{path: "b3 -> output.virginica"', '"b3 -> output.virginica"',
         r"the bias 'b3' belongs to another node than 'output\.virginica'"),
        # one factor per link
        ('factors: ["× {slope.first.d_output.setosa:.0f}"]', 'factors: ["a", "b"]', '["a", "b"]',
         r"highlight 3: the path has 1 link, so write 1 factor \(one per link\), not 2"),
        # a value written on an edge that is not one
        ('{node: output.setosa, text:', '{edge: "input.1 -> output.setosa", text:', '"input.1 -> output.setosa"',
         r"write 1: .*an edge joins a node to one in the next column"),
    ],
)
def test_bad_keep_path_or_written_value_is_reported_at_its_place(old, new, needle, words):
    text = BACKPROP.read_text()
    assert text.count(old) >= 1, old
    message, where = problem_at(text.replace(old, new, 1), needle)
    assert message.startswith(where), (message, where)
    assert re.search(words, message), message


def test_factors_without_a_path_are_refused():
    text = BACKPROP.read_text().replace('      - {node: output.setosa, cue: "sentence.2:the setosa output"}',
                                        '      - {node: output.setosa, cue: "sentence.2:the setosa output", factors: ["x"]}', 1)
    message, where = problem_at(text, 'factors: ["x"]')
    assert "factors are written on a path's links" in message


def test_the_script_reads_keep_as_an_option_of_every_step():
    lesson = parse_lesson(BACKPROP.read_text())
    assert [s.transition for s in lesson.steps].count("keep") == 1
    assert next(s for s in lesson.steps if s.id == "chain").transition == "keep"


def test_the_last_step_ends_on_a_closing_card_with_the_title_and_what_comes_next_when_the_script_says():
    plan = plan_text((ROOT / "lessons" / "argmax_softmax.yaml").read_text())
    *rest, last = plan.steps
    assert last.data["closing"] == {"heading": "ArgMax and SoftMax", "next": "Next: Activation functions"}
    assert not any("closing" in s.data for s in rest)
    # without next: the title alone; the words table's entry may be replaced by the script's words:
    text = BACKPROP.read_text().replace("next: Wide Residual Networks\n", "")
    assert plan_text(text).steps[-1].data["closing"] == {"heading": "Cross-entropy and backpropagation", "next": ""}
    text = BACKPROP.read_text().replace("language: en\n", "language: en\nwords: {next: \"Up next: {what}\"}\n")
    assert plan_text(text).steps[-1].data["closing"]["next"] == "Up next: Wide Residual Networks"


def test_the_drawing_key_follows_what_the_narration_speaks_and_in_what_order_not_where():
    # a scene shows its things in the order the voice names them and waits for no word it never says: a drawing made
    # for one order (or one set of spoken values) is not laid out again for another
    import dataclasses

    s = step(PLAN, "bias")
    later = dataclasses.replace(s, cues=tuple((name, token + 5) for name, token in s.cues))  # reworded before them
    swapped = dataclasses.replace(s, cues=tuple((name, -token) for name, token in s.cues))  # the other way round
    fewer = dataclasses.replace(s, cues=s.cues[:-1])  # one word no longer spoken
    assert _key(later) == _key(s)
    assert _key(swapped) != _key(s) and _key(fewer) != _key(s)
