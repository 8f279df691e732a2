"""CSV labels that are not the network's class names: a label map (``labels: {Adelie: adelie}``) for training and
data:, a did-you-mean when a label differs from a class only in case, row and class counts as placeholders, and the
warning when two training seeds show the same SoftMax values."""

import pytest

from lesson.check import check_lesson
from lesson.base.errors import LessonError

ROWS = [("Adelie", 39.1, 18.7), ("Adelie", 39.5, 17.4), ("Gentoo", 46.1, 13.2), ("Gentoo", 50.0, 16.3),
        ("Adelie", 38.6, 21.2), ("Gentoo", 48.7, 14.1), ("Gentoo", 47.6, 14.5)]

LESSON = """\
id: penguins
title: Penguins
network:
  inputs:
    - {name: bill, range: [30, 60]}
    - {name: depth, range: [13, 22]}
  layers:
    - activation: relu
      weights: [[1, -1], [-1, 1]]
      bias: [0, 0]
    - activation: identity
      weights: [[1, -1], [-1, 1]]
      bias: [0, 0]
  classes:
    - {name: adelie, color: "#4fa3e0"}
    - {name: gentoo, color: "#f08a4b"}
example: {raw: {bill: 40, depth: 18}}
training:
  data: penguins.csv
  columns: {bill: bill_length_mm, depth: bill_depth_mm}
  label_column: species
  LABELS
  epochs: 50
  seeds: [SEEDS]
data:
  file: penguins.csv
  columns: {bill: bill_length_mm, depth: bill_depth_mm}
  LABELS
examples:
  third: {row: 3}
  a_gentoo: {where: {species: Gentoo}, nth: 2}
steps:
  - kind: text
    title: T
    points: ["{training.rows} rows"]
    narration: "There are {training.rows} penguins, {training.count.adelie} Adelie and {data.count.gentoo} Gentoo."
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "penguins.csv").write_text("species,bill_length_mm,bill_depth_mm\n" + "".join(f"{s},{b},{d}\n" for s, b, d in ROWS))
    return tmp_path


def write(folder, labels="labels: {Adelie: adelie, Gentoo: gentoo}", seeds="1, 2"):
    path = folder / "penguins.yaml"
    path.write_text(LESSON.replace("LABELS", labels).replace("SEEDS", seeds))
    return path


def test_a_label_map_trains_and_picks_rows_and_counts_them(folder):
    checked = check_lesson(write(folder))
    v = checked.numbers.values()
    assert v["training.rows"] == 7 and v["training.count.adelie"] == 3 and v["training.count.gentoo"] == 4
    assert v["data.rows"] == 7 and v["data.count.adelie"] == 3 and v["data.count.gentoo"] == 4
    assert v["example.third.observed"] == "gentoo" and v["example.third.row"] == 3
    assert v["example.a_gentoo.row"] == 4  # the second row labelled Gentoo in the file
    assert len(checked.numbers.trained) == 2


def test_labels_differing_only_in_case_get_the_map_to_write(folder):
    with pytest.raises(LessonError) as caught:
        check_lesson(write(folder, labels=""))
    messages = [p.message for p in caught.value.problems]
    assert any("'Adelie', 'Gentoo'" in m and "differ from classes only in case" in m and "labels: {Adelie: adelie, Gentoo: gentoo}" in m
               for m in messages), messages


def test_a_map_to_a_class_that_does_not_exist_is_an_error_at_its_place(folder):
    with pytest.raises(LessonError) as caught:
        check_lesson(write(folder, labels="labels: {Adelie: adelei, Gentoo: gentoo}"))
    found = [(p.line, p.message) for p in caught.value.problems]
    assert (22, "unknown class 'adelei'; did you mean 'adelie'?") in found, found
    assert (28, "unknown class 'adelei'; did you mean 'adelie'?") in found, found


def test_two_seeds_that_show_the_same_values_are_a_warning(folder):
    checked = check_lesson(write(folder, seeds="3, 3"))
    warnings = [str(w) for w in checked.warnings]
    assert any("seeds 3 and 3 give the same SoftMax values" in w and ":24:" in w for w in warnings), warnings
    assert not [str(w) for w in check_lesson(write(folder, seeds="1, 2")).warnings if "same SoftMax" in str(w)]



def test_the_example_picked_from_data_by_where_or_row(folder):
    path = write(folder)
    path.write_text(path.read_text().replace("example: {raw: {bill: 40, depth: 18}}", "example: {where: {species: Gentoo}, nth: 2}"))
    checked = check_lesson(path)
    assert checked.lesson.example.raw == {"bill": 50.0, "depth": 16.3} and checked.lesson.example.label == "gentoo"
    v = checked.numbers.values()
    assert v["raw_input.bill"] == 50.0 and v["observed"] == "gentoo"
    path.write_text(path.read_text().replace("example: {where: {species: Gentoo}, nth: 2}", "example: {row: 99}"))
    with pytest.raises(LessonError) as caught:
        check_lesson(path)
    (p,) = caught.value.problems
    assert p.line == 17 and p.message == "the data has 7 rows; there is no row 99"
