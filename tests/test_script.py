"""Lesson scripts: every kind of mistake is found, located by line and column, and explained."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lesson.cli import cli
from lesson.base.errors import LessonError
from lesson.numbers.compute import compute
from lesson.check import load_lesson, parse_lesson
from lesson.script.names import names
from lesson.script.placeholders import fill

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "lessons" / "argmax_softmax.yaml"
BROKEN = ROOT / "tests" / "fixtures" / "broken"

# fixture -> (line, column, a part of the message); lines and columns checked by hand against the files
EXPECTED = {
    "missing_recording": (112, 12, "recording 'recordings/softmax.wav' not found next to the lesson script"),
    "unknown_poster": (57, 11, "no step with id 'softmx'; did you mean 'softmax'?"),
    "alias_bomb": (0, 0, "expands to more than 100000 values"),
    "bad_colour": (37, 52, "network class 2 color: 'orange' is not allowed here: write a colour as #rrggbb"),
    "bad_lesson_id": (7, 5, "id: '../argmax softmax' is not allowed here"),
    "bad_placeholder_format": (82, 52, "placeholder {raw.setosa:zz}: 'zz' is not a number format"),
    "bad_quality": (56, 12, "video quality: 'ultra' is not one of 'low', 'medium', 'course', 'high' or '4k'"),
    "bias_count_mismatch": (28, 13, "layer 1 has 2 weight rows but 3 biases"),
    "cross_entropy_without_label": (158, 11, "needs the example's observed class: set example.label"),
    "decimals_out_of_range": (53, 13, "display decimals: must be at most 6; got 12"),
    "duplicate_class": (38, 14, "class name 'setosa' is used twice"),
    "duplicate_key": (9, 1, "duplicate key 'title' (first given at line 8)"),
    "empty": (1, 1, "the file is empty"),
    "example_unknown_input": (41, 12, "unknown input 'petal_wdth'; did you mean 'petal_width'?"),
    "infinite_bias": (34, 20, "network layer 2 bias 3: must be a finite number, not NaN or infinity"),
    "missing_title": (7, 1, "missing required key 'title'"),
    "nan_weight": (31, 18, "network layer 2 row 1 weight 2: must be a finite number, not NaN or infinity"),
    "not_a_mapping": (1, 1, "a lesson script is a mapping"),
    "not_a_number": (27, 18, "network layer 1 row 2 weight 2: expected a number, got 'four'"),
    "python_tag": (8, 8, "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    "range_reversed": (18, 7, "range must be [low, high] with low < high, got [4.4, 2.0]"),
    "step_missing_narration": (64, 5, "step 1 (title): missing required key 'narration'"),
    "too_few_output_rows": (31, 9, "the last layer has 2 nodes but there are 3 classes"),
    "training_needed": (111, 5, "needs a 'training' section (or set compare_training: false)"),
    "unbalanced_brace": (96, 16, "broken placeholder braces"),
    "unknown_class_in_option": (103, 15, "unknown class 'setosaa'; did you mean 'setosa'?"),
    "unknown_font": (5, 9, "the font 'Nimbus Sanz' is not installed; did you mean 'Nimbus Sans'?"),
    "unknown_key_typo": (25, 7, "unknown key 'wieghts'; did you mean 'weights'?"),
    "unknown_placeholder": (116, 29, "unknown placeholder {softmax.versicolr}; did you mean {softmax.versicolor}?"),
    "unknown_step_kind": (93, 11, "unknown step kind 'argmx'; did you mean 'argmax'?"),
    "weight_row_too_short": (32, 11, "layer 2 row 2 has 1 weights; it takes the 2 nodes of layer 1"),
    "yaml_syntax_error": (42, 8, "YAML syntax error"),
}


def test_every_broken_fixture_has_an_expectation():
    assert sorted(p.stem for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_script_gives_a_located_error_and_exit_1(name):
    path = BROKEN / f"{name}.yaml"
    line, col, message = EXPECTED[name]
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    located = [(p.line, p.column) for p in caught.value.problems if message in p.message]
    assert (line, col) in located, [str(p) for p in caught.value.problems]
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    where = f"{path}:{line}:{col}: " if line else f"{path}: "
    assert any(l.startswith(where) and message in l for l in result.stderr.splitlines()), result.stderr
    assert "Traceback" not in result.output


def test_every_problem_is_reported_at_once():
    text = DEFAULT.read_text().replace("color: \"#f08a4b\"", "color: orange").replace("decimals: 2", "decimals: 9")
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "two.yaml")
    assert [p.line for p in caught.value.problems] == [37, 53]


def test_default_lesson_checks_ok_and_exits_0():
    result = CliRunner().invoke(cli, ["check", str(DEFAULT)])
    assert result.exit_code == 0
    assert result.output == f"{DEFAULT}: ok\n"


def test_command_line_misuse_exits_2():
    runner = CliRunner()
    missing = runner.invoke(cli, ["check", "no/such/lesson.yaml"])
    assert missing.exit_code == 2
    assert "no such lesson script: no/such/lesson.yaml" in missing.stderr
    assert runner.invoke(cli, ["numbers", str(DEFAULT), "--bogus"]).exit_code == 2
    assert runner.invoke(cli, ["check"]).exit_code == 2


def test_oversized_file_is_refused_quickly(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("id: x\n" + "# padding\n" * 150_000)
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["check", str(big)])
    assert result.exit_code == 1
    assert "larger than 1000 kB" in result.stderr
    assert time.perf_counter() - start < 1.0


def test_alias_bomb_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(LessonError, match="too many aliases"):
        load_lesson(BROKEN / "alias_bomb.yaml")
    assert time.perf_counter() - start < 2.0


def test_placeholders_use_the_lesson_precision_or_their_own_format():
    values = {"raw.versicolor": -0.4400000000000004, "softmax.setosa": 0.6871351, "n": 3, "prediction": "Setosa"}
    assert fill("{softmax.setosa}", values, 2) == "0.69"
    assert fill("{softmax.setosa}", values, 4) == "0.6871"
    assert fill("{raw.versicolor:+.2f} and {softmax.setosa:.0%}", values, 2) == "-0.44 and 69%"
    assert fill("{n} classes, {prediction} wins, {{literal}}", values, 2) == "3 classes, Setosa wins, {literal}"
    assert fill("a {prediction:lower} flower, {prediction:upper}", values, 2) == "a setosa flower, SETOSA"


def test_a_word_placeholder_takes_lower_or_upper_and_nothing_else():
    from lesson.script.placeholders import problems

    known = {"label.apple": "word", "softmax.apple": "number"}
    assert problems("{label.apple:lower} and {label.apple:upper}", known) == []
    (message, at), = problems("{label.apple:.2f}", known)
    assert at == "{label.apple:.2f}" and ":lower or :upper" in message
    (message, _), = problems("{softmax.apple:lower}", known)
    assert "not a number format" in message


def test_placeholder_names_match_the_values_the_math_core_provides():
    lesson = load_lesson(DEFAULT)
    assert set(compute(lesson, DEFAULT.parent).values()) == names(lesson)


def test_numbers_json_matches_the_math_core():
    import numpy as np

    import mathcore
    from mathcore.iris import classic_network

    result = CliRunner().invoke(cli, ["numbers", "--json", str(DEFAULT)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    net = classic_network()
    run = net.forward([0.0, 1.0])
    assert doc["classes"] == ["setosa", "versicolor", "virginica"]
    assert doc["inputs"] == {"petal_width": 0.0, "sepal_width": 1.0}
    np.testing.assert_allclose(doc["hidden"], [run.hidden[0]], rtol=0, atol=0)
    np.testing.assert_allclose(list(doc["raw_outputs"].values()), run.output, rtol=0, atol=0)
    np.testing.assert_allclose(list(doc["raw_outputs"].values()), [1.43, -0.44, 0.23], atol=1e-12)
    assert doc["argmax"] == {"setosa": 1, "versicolor": 0, "virginica": 0}
    np.testing.assert_allclose(list(doc["softmax"].values()), mathcore.softmax(run.output), rtol=0, atol=0)
    np.testing.assert_allclose(list(doc["softmax"].values()), [0.6871, 0.1059, 0.2070], atol=5e-5)
    jac = [[doc["softmax_jacobian"][i][j] for j in doc["classes"]] for i in doc["classes"]]
    np.testing.assert_allclose(jac, mathcore.softmax_jacobian(run.output), rtol=0, atol=0)
    assert doc["cross_entropy"] == pytest.approx(-np.log(doc["softmax"]["setosa"]))
    assert len(doc["trained"]) == 2 and all(t["accuracy"] > 0.9 for t in doc["trained"])


def test_numbers_table_lists_placeholders_in_the_form_the_lesson_shows_them():
    result = CliRunner().invoke(cli, ["numbers", str(DEFAULT)])
    assert result.exit_code == 0
    rows = {m[1]: m[2] for m in re.finditer(r"\{([\w.]+)\}\s*│\s*(\S+)", result.stdout)}
    assert rows["softmax.setosa"] == "0.6871"  # its one form: four decimals, which its derivative needs
    assert rows["raw.versicolor"] == "-0.44" and rows["n_classes"] == "3"


def test_schema_is_json_and_the_shipped_copy_is_current():
    result = CliRunner().invoke(cli, ["schema"])
    schema = json.loads(result.stdout)
    assert "steps" in schema["properties"] and schema["additionalProperties"] is False
    shipped = json.loads((ROOT / "docs" / "lesson.schema.json").read_text())
    assert shipped == schema, "regenerate with: lesson schema > docs/lesson.schema.json"
    assert "$schema=../docs/lesson.schema.json" in DEFAULT.read_text()


def test_new_writes_a_valid_lesson_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["new", "My Lesson"])
    assert first.exit_code == 0, first.output
    written = tmp_path / "My Lesson.yaml"
    lesson = load_lesson(written)
    assert lesson.id == "my_lesson"
    before = written.read_text()
    again = runner.invoke(cli, ["new", "My Lesson"])
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert written.read_text() == before


def test_check_and_numbers_do_not_import_manim():
    code = (
        "import sys; from lesson.cli import cli\n"
        "try:\n    cli(['numbers', '--json', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('manim' in sys.modules, file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(DEFAULT)], capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "False"


def test_clean_empties_the_cache(tmp_path):
    sections, drawing, speech = tmp_path / "sections", tmp_path / "drawings" / "k1", tmp_path / "speech"
    for folder in (sections, drawing, speech):
        folder.mkdir(parents=True)
    (sections / "a.mp4").write_bytes(b"x")
    (sections / "b.mp4").write_bytes(b"y")
    (drawing / "script.json").write_text("{}")
    (speech / "s-1.npz").write_bytes(b"z")
    result = CliRunner().invoke(cli, ["clean", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "removed 1 drawn step(s), 2 rendered step(s) and 1 spoken sentence(s)" in result.output
    assert not any(p.exists() for p in (sections, drawing.parent, speech))


def test_a_mistake_found_by_two_checks_is_reported_once():
    from lesson.base.errors import Problem

    twice = [Problem("a.yaml", 51, 16, "at most 24 characters"), Problem("a.yaml", 3, 1, "other"), Problem("a.yaml", 51, 16, "at most 24 characters")]
    assert [str(p) for p in LessonError(twice).problems] == ["a.yaml:3:1: other", "a.yaml:51:16: at most 24 characters"]


def test_fontconfigs_generic_names_are_fonts_too(tmp_path):
    script = tmp_path / "generic.yaml"
    for font in ("sans-serif", "Serif", "monospace"):
        script.write_text((ROOT / "tests" / "fixtures" / "broken" / "unknown_font.yaml").read_text().replace("Nimbus Sanz", font))
        assert load_lesson(script).theme.font == font
