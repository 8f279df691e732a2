"""A lesson without a network: section (a lesson about something other than one classifier): it checks, plans and
draws with the kinds that need no network, and a kind that needs one is reported at its line."""


import pytest


from drawn import draw  # noqa: E402

from lesson import kinds  # noqa: E402
from lesson.base.errors import LessonError  # noqa: E402
from lesson.numbers.compute import compute  # noqa: E402
from lesson.script import names
from lesson.check import parse_lesson  # noqa: E402

PLAIN = """\
id: plain
title: Counting parameters
narration: {voice: none}
steps:
  - kind: title
    id: intro
    title: Counting parameters
    narration: A lesson with no network section at all.
  - kind: text
    id: what
    title: What we count
    points: [Weights, Biases]
    narration: First the weights. Then the biases.
"""


def problems(text: str) -> list[str]:
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "plain.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_lesson_without_a_network_checks_and_has_no_network_numbers():
    lesson = parse_lesson(PLAIN, "plain.yaml")
    assert lesson.network is None and lesson.example is None
    assert names.kinds(lesson) == {}
    assert compute(lesson).values() == {} and compute(lesson).to_json() == {}


def test_its_title_card_and_points_are_drawn(tmp_path):
    script = tmp_path / "plain.yaml"
    script.write_text(PLAIN)
    title = draw(script, "intro")
    assert title.layout_problems == []
    assert [i.string for i in title.final if i.kind == "text"] == ["Counting parameters"]  # no class dots, no error
    points = draw(script, "what")
    assert {i.string for i in points.final if i.kind == "text"} == {"What we count", "Weights", "Biases"}


def test_kinds_that_need_the_network_are_reported_at_their_kind():
    bars = PLAIN + "  - kind: bars\n    title: Bars\n    values: softmax\n    narration: Bars.\n"
    [message] = problems(bars)
    assert message.startswith("plain.yaml:14:11: a 'bars' step shows the lesson's network and example")
    needing = {name for name, kind in kinds.registry().items() if kind.needs_network}
    assert {"network", "bars", "softmax", "argmax", "cross_entropy"} <= needing
    assert not {"title", "text", "equation", "plot", "table", "number_line", "summary"} & needing


def test_a_summary_needs_no_network(tmp_path):
    """The summary preset draws the script's points, nothing of a network: a lesson without one may end with it."""
    script = tmp_path / "plain.yaml"
    script.write_text(PLAIN + "  - kind: summary\n    id: recap\n    title: Recap\n    points: [Weights first, Then biases]\n"
                      "    narration: Weights first. Then biases.\n")
    recap = draw(script, "recap")
    assert recap.layout_problems == []
    assert {i.string for i in recap.final if i.kind == "text"} == {"Recap", "Weights first", "Then biases"}


def test_a_network_placeholder_is_unknown_without_a_network():
    [message] = problems(PLAIN.replace("at all.", "at all, {softmax.apple}."))
    line = PLAIN.splitlines()[7]
    assert message == f"plain.yaml:8:{line.index('at all.') + len('at all, ') + 1}: unknown placeholder {{softmax.apple}}; " \
        "`lesson numbers` lists every name"


def test_an_example_or_training_needs_a_network_and_a_network_needs_an_example():
    example = PLAIN.replace("steps:\n", "example: {scaled: {a: 1}}\ntraining: {columns: {a: x}}\nsteps:\n")
    assert problems(example) == ["plain.yaml:4:1: 'example' needs a network: section to go through",
                                 "plain.yaml:5:1: 'training' needs a network: section to go through"]
    network = PLAIN.replace("steps:\n", """\
network:
  inputs: [{name: a, range: [0, 1]}]
  layers: [{activation: identity, weights: [[1], [2]], bias: [0, 0]}]
  classes: [{name: yes, color: "#4fa3e0"}, {name: no, color: "#f08a4b"}]
steps:
""").replace("name: yes", "name: hot").replace("name: no", "name: cold")
    assert problems(network) == ["plain.yaml:4:1: a lesson with a network needs an example: section (the numbers it shows are that example's)"]
