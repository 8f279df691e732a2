"""Texts with placeholders: their length limit holds once the placeholders are filled in, for every kind, and the
names may take more room as written."""

from pathlib import Path

import pytest

from lesson.base.errors import LessonError
from lesson.script import limits
from lesson.check import parse_lesson

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (ROOT / "lessons" / "argmax_softmax.yaml").read_text()
STEP = """\
  - kind: table
    title: A table
    columns: ["{label.versicolor} probability", "{label.setosa}"]
    rows:
      - cells: ["{softmax.versicolor}", "{softmax.setosa}"]
    beside:
      rows:
        - {label: "PANEL_LABEL", value: "{raw.setosa}"}
    narration: A table.
"""


def lesson_with(label: str) -> str:
    """The default lesson with one more step at the end of its steps (its words: section follows them)."""
    steps, words = DEFAULT.split("\nwords:")
    return steps.rstrip("\n") + "\n" + STEP.replace("PANEL_LABEL", label) + "\nwords:" + words


def test_a_cell_whose_placeholder_names_are_long_but_whose_text_is_short_is_accepted():
    written = "{label.versicolor} or {label.virginica}"  # 39 characters as written, 24 once filled in
    assert len(written) > limits.CELL_CHARS and len("Versicolor or Virginica") <= limits.CELL_CHARS
    lesson = parse_lesson(lesson_with(written), "lesson.yaml")
    assert lesson.steps[-1].beside.rows[0].label == written


def test_a_text_too_long_once_filled_in_is_an_error_at_its_position_saying_what_it_reads():
    text = lesson_with("{label.versicolor} and then {label.virginica}")
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "lesson.yaml")
    [problem] = caught.value.problems
    line = text.splitlines().index('        - {label: "{label.versicolor} and then {label.virginica}", value: "{raw.setosa}"}') + 1
    assert str(problem) == (f"lesson.yaml:{line}:19: at most {limits.CELL_CHARS} "
                            "characters once filled in; this reads 'Versicolor and then Virginica' (29)")


def test_as_written_a_template_may_hold_the_names_of_its_placeholders_but_not_more():
    text = lesson_with("x" * (limits.CELL_CHARS + limits.PLACEHOLDER_NAMES_CHARS + 1))
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "lesson.yaml")
    assert f"at most {limits.CELL_CHARS + limits.PLACEHOLDER_NAMES_CHARS} characters" in str(caught.value)


def test_a_broken_step_and_a_misspelt_placeholder_elsewhere_are_reported_in_one_run():
    text = DEFAULT.replace("    title: The iris network\n", "", 1).replace("giving {hidden.1.top}", "giving {hidden.1.tpo}", 1)
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "lesson.yaml")
    lines = text.splitlines()
    step = next(n for n, line in enumerate(lines, 1) if line.strip() == "- kind: network")
    typo = next(n for n, line in enumerate(lines, 1) if "{hidden.1.tpo" in line)
    assert [str(p) for p in caught.value.problems] == [
        f"lesson.yaml:{step}:5: step 2 (network): missing required key 'title'",
        f"lesson.yaml:{typo}:{lines[typo - 1].index('{hidden.1.tpo') + 1}: unknown placeholder {{hidden.1.tpo}}; "
        "did you mean {hidden.1.top}?",
    ]
    # in the broken step itself too, as far as its narration is text
    text = DEFAULT.replace("    title: The iris network\n", "", 1).replace("Here is a small network", "Here is {nope} a small network", 1)
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "lesson.yaml")
    assert [p.message.split(";")[0] for p in caught.value.problems] == ["step 2 (network): missing required key 'title'",
                                                                       "unknown placeholder {nope}"]
