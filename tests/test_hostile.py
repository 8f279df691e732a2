"""Hostile and strange scripts: each class of problem gets a located, clean error, or is shown truthfully.

Every case is a small edit of the default lesson. A rejected case must name the line and column of its
cause (checked by hand against the edit) and exit 1 without a traceback; an accepted case must go
through the math core and the planner (``lesson check`` runs both).
"""

from __future__ import annotations

import math
import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from media import write_tone
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson.base import digits
from drawn import parts
from lesson.cli import cli
from lesson.base.errors import LessonError
from lesson.script import limits
from lesson.check import check_lesson

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (ROOT / "lessons" / "argmax_softmax.yaml").read_text(encoding="utf-8")
NETWORK_NARRATION_LINE = DEFAULT[:DEFAULT.index("      Here is a small network")].count("\n")  # the network step's narration: >- line
ARGMAX_NARRATION = """      ArgMax is the simple fix. The largest raw output, {raw.setosa}, becomes one,
      and every other output becomes zero: {raw.versicolor} and {raw.virginica} both give zero.
      The class with the one is the prediction, so this flower is called {prediction}."""


def edited(old: str, new: str) -> str:
    assert old in DEFAULT, old
    return DEFAULT.replace(old, new, 1)


def line_of(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def write(tmp_path: Path, text: str, name: str = "lesson.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


# name -> (script text, text in the script where the error must point, part of the message)
REJECTED = {
    "control_character": (edited("title: ArgMax and SoftMax\n", "title: ArgMax \x01and SoftMax\n"), "\x01", "control character U+0001"),
    "escaped_control_character": (edited("title: ArgMax and SoftMax\n", 'title: "ArgMax \\x07and"\n'), '"ArgMax', "U+0007"),
    "direction_override": (edited("label: Setosa,", "label: Set\u202eosa,"), "\u202e", "invisible direction mark"),
    "nul_byte": (edited("title: ArgMax", "ti\x00tle: ArgMax"), "\x00", "U+0000"),
    "alias_cycle": (edited("display:\n  decimals: 2", "display: &a\n  decimals: 2\n  x: *a"), "&a", "a cycle"),
    "deep_nesting": (DEFAULT + "\nextra: " + "[" * 3000 + "]" * 3000 + "\n", "[" * 3000, "nested more than"),
    "huge_integer": (edited("decimals: 2", "decimals: " + "9" * 5000), "9" * 10, "more than 30 digits"),
    "huge_integer_weight": (edited("bias: [1.6, 0.7]", "bias: [" + "9" * 5000 + ", 0.7]"), "9" * 10, "more than 30 digits"),
    "format_width": (edited("{raw.setosa} for setosa", "{raw.setosa:999999999999.2f} for setosa"), "{raw.setosa:9", "not a number format"),
    "format_fill_grouping": (edited("{raw.setosa} for setosa", "{raw.setosa:,>99999999.3f} for setosa"), "{raw.setosa:,", "not a number format"),
    "format_precision": (edited("{raw.setosa} for setosa", "{raw.setosa:.5000f} for setosa"), "{raw.setosa:.", "not a number format"),
    "integer_with_bare_precision": (edited("{n_classes} classes", "{n_classes:.2} classes"), "{n_classes:", "say what .2 means"),
    "word_with_format": (edited("{prediction}.", "{prediction:.2f}."), "{prediction:", "a word takes only :lower or :upper"),
    "hidden_node_out_of_range": (edited("{hidden.1.top}", "{hidden.1.99}"), "{hidden.1.99", "unknown placeholder {hidden.1.99}"),
    "hidden_layer_out_of_range": (edited("{hidden.1.top}", "{hidden.7.1}"), "{hidden.7.1", "unknown placeholder {hidden.7.1}"),
    "fewer_node_names_than_nodes": (edited("nodes: [top, bottom]", "nodes: [top]"), "[top]", "1 node names for 2 nodes"),
    "long_file_name": (edited("data: iris", "data: " + "a" * 300 + ".csv"), "aaaa", "at most 200 characters"),
    "absolute_data_path": (edited("data: iris", "data: /etc/passwd"), "/etc/passwd", "write a path relative to the lesson script"),
    "data_path_outside": (edited("data: iris", "data: ../../../../../etc/passwd"), "../../", "outside the lesson script's folder"),
    "absolute_recording": (edited("    id: intro\n", "    id: intro\n    audio: /etc/hostname\n"), "/etc/hostname", "write a path relative"),
    "negative_seed": (edited("seeds: [1, 4]", "seeds: [-1, 4]"), "-1, 4", "must be at least 0"),
    "huge_seed": (edited("seeds: [1, 4]", "seeds: [99999999999999999999999, 4]"), "9999", "must be at most 4294967295"),
    "overflowing_weight": (edited("- [-0.1, 1.5]", "- [-0.1, 1e308]"), "1e308", "out of range"),
    "subnormal_weight": (edited("- [-0.1, 1.5]", "- [-0.1, 1e-320]"), "1e-320", "out of range"),
    "weight_with_many_digits": (edited("- [-0.1, 1.5]", "- [-0.1, 1.2345678]"), "1.2345678", "8 significant digits"),
    "raw_output_overflows_exp": (edited("- [2.4, -5.2]", "- [2.4, 900]"), "weights:\n        - [-0.1", "must lie within ±30"),
    "confidently_wrong_cross_entropy": (edited("- [-0.1, 1.5]", "- [-0.1, -500]"), "weights:\n        - [-0.1", "must lie within ±30"),
    "scaled_input_far_outside": (edited("scaled: {petal_width: 0, sepal_width: 1}", "raw: {petal_width: 900000, sepal_width: 3}"), "900000", "scales to"),
    "huge_range": (edited("range: [0.1, 2.5]", "range: [-1e308, 1e308]"), "-1e308", "out of range"),
    "long_word": (edited(ARGMAX_NARRATION, "      ArgMax is " + "x" * 1100 + " fix."), "xxxx", "a word of 1100 characters"),
    "long_number_in_narration": (edited(ARGMAX_NARRATION, "      ArgMax is 1" + "9" * 50 + " fix."), "1999", "a number of 51 digits"),
    "blank_label": (edited("label: Setosa,", "label: '  ',"), "'  '", "it is empty"),
    "label_too_long": (edited("label: Setosa,", "label: '\\input /etc/passwd',"), "'\\input", "at most 16 characters"),
    "unclosed_bracket": (edited("seeds: [1, 4]", "seeds: [1, 4"), "display:", f"the list opened with '[' (line {DEFAULT[:DEFAULT.index('seeds: [1, 4]')].count(chr(10)) + 1}, column 10) is not closed"),
    "unclosed_quote": (edited("title: ArgMax and SoftMax\n", 'title: "ArgMax and SoftMax\n'), "{name: versicolor", "the quote at line 8, column 8 is never closed"),
    "tab_indent": (edited("  decimals: 2", "\tdecimals: 2"), "\tdecimals", "indent with spaces, never tabs"),
    "bool_as_label": (edited("label: Setosa,", "label: yes,"), "yes,", "write text here"),
    "training_too_long": (edited("epochs: 300", "epochs: 5000").replace("seeds: [1, 4]", "seeds: [1, 2, 3, 4]"), "5000", "make 3,000,000 passes"),
    "unknown_class_lists_classes": (edited("of_class: setosa\n    narration: >-\n      But", "of_class: rose\n    narration: >-\n      But"), "rose", "(classes: setosa, versicolor, virginica)"),
}
# errors inside a '>' block point at the offending text, not at the block's first line
assert all(line_of(REJECTED[k][0], REJECTED[k][1])[0] > NETWORK_NARRATION_LINE for k in ("format_width", "hidden_node_out_of_range"))


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_hostile_script_is_rejected_where_its_cause_is(name, tmp_path):
    text, cause, message = REJECTED[name]
    path = write(tmp_path, text)
    with pytest.raises(LessonError) as caught:
        check_lesson(path)
    line, col = line_of(text, cause)
    # where the parser notices: the 40th bracket deep; the ':' after the unclosed list; the line after the quote's
    col += {"deep_nesting": 39, "unclosed_bracket": 7, "unclosed_quote": -2}.get(name, 0)
    located = [(p.line, p.column) for p in caught.value.problems if message in p.message]
    assert (line, col) in located, [str(p) for p in caught.value.problems]
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert all(len(l) < 2000 for l in result.output.splitlines())


def test_messages_never_echo_the_content_of_a_file(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP-SECRET-HEADER,other\n1,2\n", encoding="utf-8")
    lesson_dir = tmp_path / "lesson"
    lesson_dir.mkdir()
    path = write(lesson_dir, edited("data: iris", "data: ../secret.csv"))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1 and "outside the lesson script's folder" in result.output
    result = CliRunner().invoke(cli, ["check", "--allow-outside", str(path)])
    assert result.exit_code == 1 and "has no column 'petal_width_cm'" in result.output
    assert "TOP-SECRET" not in result.output


def test_a_symlink_out_of_the_folder_is_outside(tmp_path):
    write_tone(tmp_path / "outside.wav", 0.5)
    folder = tmp_path / "lesson"
    (folder / "recordings").mkdir(parents=True)
    (folder / "recordings" / "intro.wav").symlink_to(tmp_path / "outside.wav")
    path = write(folder, edited("    id: intro\n", "    id: intro\n    audio: recordings/intro.wav\n"))
    with pytest.raises(LessonError, match="outside the lesson script's folder"):
        check_lesson(path)
    assert check_lesson(path, allow_outside=True).plan.steps[0].audio == str((tmp_path / "outside.wav").resolve())


CSV_HEADER = "petal_width_cm,sepal_width_cm,species\n"
BAD_CSV = {
    "not_utf8": (CSV_HEADER.encode() + b"0.2,3.5,set\xf6sa\n", "line 2 is not UTF-8"),
    "short_row": ((CSV_HEADER + "0.2,3.5,setosa\n0.3,3.1\n").encode(), "line 3 has 2 fields but the header has 3"),
    "huge_field": ((CSV_HEADER + "0." + "1" * 500 + ",3.5,setosa\n").encode(), "line 2, column 'petal_width_cm': a field of 502 characters"),
    "huge_value": ((CSV_HEADER + "1e300,3.5,setosa\n").encode(), "line 2, column 'petal_width_cm' is not a number between"),
    "not_a_number": ((CSV_HEADER + "wide,3.5,setosa\n").encode(), "line 2, column 'petal_width_cm' is not a number"),
    "unknown_label": ((CSV_HEADER + "0.2,3.5,rose\n").encode(), "the labels 'rose' in column 'species' are not classes"),
    "missing_column": (b"petal,sepal,species\n0.2,3.5,setosa\n", "has no column 'petal_width_cm'"),
    "header_only": (CSV_HEADER.encode(), "needs a header line and at least one row"),
    "nul": ((CSV_HEADER + "0.2,3.5,set\x00osa\n").encode(), "NUL byte"),
    "underscore_number": ((CSV_HEADER + "1_0,3.5,setosa\n").encode(), "line 2, column 'petal_width_cm' is not a number (write digits"),
    "hex_number": ((CSV_HEADER + "0.2,0x10,setosa\n").encode(), "line 2, column 'sepal_width_cm' is not a number (write digits"),
    "fullwidth_digits": ((CSV_HEADER + "０.２,3.5,setosa\n").encode(), "line 2, column 'petal_width_cm' is not a number (write digits"),
    "nan": ((CSV_HEADER + "nan,3.5,setosa\n").encode(), "line 2, column 'petal_width_cm' is not a number (write digits"),
    "duplicate_header": (b"petal_width_cm,sepal_width_cm,petal_width_cm,species\n0.2,3.5,0.3,setosa\n",
                         "names the column 'petal_width_cm' twice (columns 1 and 3)"),
}


@pytest.mark.parametrize("name", sorted(BAD_CSV))
def test_training_data_problems_are_found_by_check_at_training_data(name, tmp_path):
    content, message = BAD_CSV[name]
    (tmp_path / "flowers.csv").write_bytes(content)
    text = edited("data: iris", "data: flowers.csv")
    with pytest.raises(LessonError) as caught:
        check_lesson(write(tmp_path, text))
    assert [(p.line, p.column) for p in caught.value.problems if message in p.message] == [line_of(text, "flowers.csv")], caught.value


def test_numbers_are_read_as_people_write_them():
    from lesson.numbers.datasets import NUMBER

    for text in ("1", "-0.25", "+.5", "1.", "2.5e3", "1E-7", " 1.5 "):
        assert NUMBER.fullmatch(text), text
    for text in ("1_0", "0x10", "１２", "٣", "nan", "inf", "infinity", "1e", "--1", "1,5", "½", "0b1", "1j", ""):
        assert not NUMBER.fullmatch(text), text


# a file named as data that is not a regular file: made in the test (git keeps no FIFO), each an error at its path
SPECIAL_FILES = {
    "link_to_itself": (lambda p: p.symlink_to(p.name), "a symbolic link that leads back to itself"),
    "chain_of_45_links": (lambda p: [(p.parent / (f"{p.name}.{k}" if k else p.name)).symlink_to(f"{p.name}.{k + 1}") for k in range(45)],
                          "leads back to itself (a loop), or a chain of too many links"),
    "dangling_link": (lambda p: p.symlink_to("nowhere.csv"), "not found next to the lesson script"),
    "link_to_the_folder": (lambda p: p.symlink_to("."), "is not a regular file"),
    "fifo": (lambda p: os.mkfifo(p), "is not a regular file (a folder, a pipe or a device)"),
    "folder": (lambda p: p.mkdir(), "is not a regular file"),
}


@pytest.mark.parametrize("section", ["training", "data"])
@pytest.mark.parametrize("name", sorted(SPECIAL_FILES))
def test_a_data_file_that_is_no_regular_file_is_an_error_at_its_path(name, section, tmp_path):
    make, message = SPECIAL_FILES[name]
    make(tmp_path / "flowers.csv")
    if section == "training":
        text = edited("data: iris", "data: flowers.csv")
    else:  # a data: section that no example picks a row from is read all the same
        text = edited("display:\n", "data:\n  file: flowers.csv\n  columns: {petal_width: petal_width_cm, sepal_width: sepal_width_cm}\n"
                      "display:\n")
    with pytest.raises(LessonError) as caught:
        check_lesson(write(tmp_path, text))
    assert [(p.line, p.column) for p in caught.value.problems if message in p.message] == [line_of(text, "flowers.csv")], caught.value


def test_true_and_false_are_not_numbers(tmp_path):
    text = edited("decimals: 2", "decimals: true").replace("bias: [1.6, 0.7]", "bias: [1.6, no]")
    with pytest.raises(LessonError) as caught:
        check_lesson(write(tmp_path, text))
    found = {(p.line, p.column): p.message for p in caught.value.problems}
    assert found[line_of(text, "true")].endswith("expected a number, got 'true'")
    assert found[line_of(text, "no]")].endswith("expected a number, got 'false'")


@pytest.mark.parametrize("value", ["10^60", "exp(709)", "softplus(1e308)", "1e300", "10^15 * 2"])
def test_a_value_too_large_to_show_is_an_error_where_it_is_shown_and_numbers_writes_it_in_powers_of_ten(value, tmp_path):
    text = edited("display:\n", f'define:\n  huge: "{value}"\ndisplay:\n')
    path = write(tmp_path, text)
    assert check_lesson(path).numbers  # not shown: accepted, and lesson numbers can say it
    shown = CliRunner().invoke(cli, ["numbers", str(path)])
    assert shown.exit_code == 0 and "e" in next(line for line in shown.output.splitlines() if "{huge}" in line).split("│")[2]
    for spec in ("", ":.0%", ":,"):
        said = text.replace("The class with the one", f"It is {{huge{spec}}}. The class with the one")
        with pytest.raises(LessonError) as caught:
            check_lesson(write(tmp_path, said))
        (problem,) = caught.value.problems
        assert (problem.line, problem.column) == line_of(said, "{huge"), problem
        assert "a number shown or read aloud has at most 15 before its decimal point" in problem.message


def test_a_value_of_14_whole_digits_is_shown_in_full(tmp_path):
    text = edited("display:\n", 'define:\n  big: "10^13 * 1.5"\ndisplay:\n').replace(
        "The class with the one", "It is {big}. The class with the one")
    checked = check_lesson(write(tmp_path, text))
    assert any("15000000000000.00" in s.narration for s in checked.plan.steps)


def test_a_script_path_too_long_for_the_file_system_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["check", str(tmp_path / ("a" * 300 + ".yaml"))])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_an_unexpected_exception_is_one_line_and_exit_1(monkeypatch, tmp_path):
    import lesson.check

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lesson.check, "compute", broken)  # the math core, as lesson check runs it
    monkeypatch.delenv("LESSON_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["numbers", str(ROOT / "lessons" / "argmax_softmax.yaml")])
    assert result.exit_code == 1
    assert result.output.strip() == "internal error, please report it: RuntimeError: boom"


def test_poor_contrast_is_a_warning_and_strict_makes_it_an_error(tmp_path):
    text = edited("display:\n  decimals: 2\n", "display:\n  decimals: 2\ntheme:\n  text: '#121a22'\n")
    path = write(tmp_path, text)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0
    line, col = line_of(text, "'#121a22'")
    assert f"{path}:{line}:{col}: warning: text #121a22 on the background #101820 has a contrast of 1.0:1" in result.output
    assert CliRunner().invoke(cli, ["check", "--strict", str(path)]).exit_code == 1


# ---------------------------------------------------------------- honest numbers at the extremes


def test_a_probability_too_small_for_the_digits_is_shown_truthfully(tmp_path):
    # the observed class (setosa) gets a raw output far below the others: p is about 1e-12
    text = edited("- [-0.1, 1.5]", "- [-0.1, -25]")
    checked = check_lesson(write(tmp_path, text))
    p = checked.numbers.softmax[0]
    assert 0 < p < 1e-9
    step = next(s for s in checked.plan.steps if s.kind == "cross_entropy")
    (equation,) = parts(step.data, "equation")
    (line,) = equation["lines"]
    shown = line["texts"]["p_observed"]
    assert "e" in shown  # scientific: a probability that is not zero is never written 0.00
    numeric = "".join(tex for _, tex in line["numeric"])
    mantissa, exponent = shown.replace("\u2212", "-").split("e")
    assert f"{mantissa} \\times 10^{{{int(exponent)}}}" in numeric
    value = float(mantissa) * 10 ** int(exponent)
    assert digits.fixed(-math.log(value), 2) == line["result"] == digits.fixed(checked.numbers.cross_entropy, 2)
    assert math.isfinite(checked.numbers.cross_entropy) and checked.numbers.cross_entropy > 20
    assert "< 0.01" in step.narration  # {p_observed} at two decimals


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=5))
def test_rounding_is_a_persons_rounding_of_the_decimal_digits(mantissa, scale, decimals):
    text = str(Decimal(mantissa).scaleb(-scale))  # a number as typed, e.g. 0.575
    expected = Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert Decimal(digits.fixed(float(text), decimals)) == expected


def test_half_way_cases_round_up_as_written():
    assert digits.fixed(0.575, 2) == "0.58"  # the float is 0.57499999999999996
    assert digits.format_number(0.825, ".0%", 2) == "83%"  # 82.5 %
    assert digits.fixed(-0.0001, 2) == "0.00"


def test_limits_are_documented():
    """Every limit in lesson/script/limits.py stands in the README's table with its value."""
    readme = (ROOT / "lessons" / "README.md").read_text(encoding="utf-8")
    names = [n for n in dir(limits) if n.isupper() and isinstance(getattr(limits, n), (int, float))]
    assert len(names) > 60
    for name in names:
        value = getattr(limits, name)
        shown = f"{value:g}" if isinstance(value, float) else f"{value:,}" if value >= 10000 else str(value)  # as the table writes them
        assert f"| `{name}` | {shown} |" in readme, name


@pytest.mark.parametrize("name", ["dec0", "dec6", "cjk_label", "tiny_range"])
def test_strange_but_valid_scripts_pass_check_and_plan(name, tmp_path):
    text = {
        "dec0": edited("decimals: 2", "decimals: 0"),
        "dec6": edited("decimals: 2", "decimals: 6"),
        "cjk_label": edited("label: Setosa,", "label: 山鳶尾,"),
        "tiny_range": edited("range: [0.1, 2.5]", "range: [0.1, 0.100001]"),
    }[name]
    checked = check_lesson(write(tmp_path, text))
    assert len(checked.plan.steps) == DEFAULT.count("\n  - kind: ")  # every step of the script planned
    for step in checked.plan.steps:
        assert "inf" not in step.narration and "nan" not in step.narration


@pytest.mark.parametrize("content", ["not audio", "empty", "header only"])
def test_a_recording_that_cannot_be_decoded_is_found_by_check(content, tmp_path):
    recording = tmp_path / "intro.wav"
    if content == "not audio":
        recording.write_bytes(b"this is text, not sound\n" * 20)
    elif content == "empty":
        recording.write_bytes(b"")
    else:
        write_tone(recording, 1.0)
        recording.write_bytes(recording.read_bytes()[:44])  # the RIFF header, no samples
    text = edited("    id: intro\n", "    id: intro\n    audio: intro.wav\n")
    with pytest.raises(LessonError) as caught:
        check_lesson(write(tmp_path, text))
    assert [(p.line, p.column) for p in caught.value.problems if "recording 'intro.wav'" in p.message] == [line_of(text, "intro.wav")]


def test_a_good_recording_passes_check(tmp_path):
    write_tone(tmp_path / "intro.wav", 1.0)
    checked = check_lesson(write(tmp_path, edited("    id: intro\n", "    id: intro\n    audio: intro.wav\n")))
    assert checked.plan.steps[0].audio == str((tmp_path / "intro.wav").resolve())


def test_an_activation_is_shown_true_at_its_digits(tmp_path):
    # the top hidden node sums to 0.6 - 1.11 = -0.51; sigmoid(-0.51) = 0.3752, which at two decimals is 0.38 (not 0.37);
    # the value's one form in the lesson has three, which the output layer's sums over it need: 0.375
    text = edited("activation: relu      # two hidden nodes", "activation: sigmoid").replace("bias: [1.6, 0.7]", "bias: [-1.11, 0.7]", 1)
    checked = check_lesson(write(tmp_path, text))
    node = next(s for s in checked.plan.steps if s.kind == "network").data["layers"][0]["nodes"][0]
    assert (node["total"], node["act_input"], node["act_relation"], node["value"]) == ("\u22120.51", "\u22120.51", "\u2248", "0.375")
    assert checked.numbers.layers[0].values[0] == pytest.approx(1 / (1 + math.exp(0.51)))


def test_a_label_no_installed_font_can_draw_is_refused_by_check(tmp_path):
    text = edited("label: Setosa,", "label: \U00013000\U00013001,")  # Egyptian hieroglyphs: no font dev.sh installs has them
    with pytest.raises(LessonError) as caught:
        check_lesson(write(tmp_path, text))
    located = [(p.line, p.column) for p in caught.value.problems if "no installed font can draw" in p.message]
    assert located == [line_of(text, "\U00013000")]
