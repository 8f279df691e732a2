"""The words a scene draws come from the script or from the language's table (lesson.base.words), never from the scene.

A scene's source holds no word: what it hands to Pango (``self.text``, ``self.lines``, ``Text``) is data from the
plan, and its formulas hold no ``\\text{}``. The script's ``words:`` replaces any entry of the table (the example's
noun, the name of cross-entropy) and is checked at FILE:LINE:COL.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from drawn import draw, parts  # noqa: E402

from lesson.base import words  # noqa: E402
from lesson.base.errors import LessonError  # noqa: E402
from lesson.check import parse_lesson  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "lessons" / "argmax_softmax.yaml"
WORDS_LINE = "words: {example_noun: flower}"

# (file, literal): strings with letters that a scene may hand to Pango, each with the reason
ALLOWED = {
    ("typesetting.py", "H "): "a probe measured to place a class label in a formula (the H's height is the font's cap height); never drawn",
}
DRAWING_CALLS = {"text", "lines", "Text", "formula_word"}


def _literals(node: ast.AST) -> list[str]:
    """Every string literal in an expression, f-strings' literal parts included; not the keys it looks up
    (``data["words"]["slope"]``, ``row.get("label")`` draw what the plan holds under that key)."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.Subscript):
        return _literals(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return [s for part in (node.func.value, *node.args[1:]) for s in _literals(part)]
    return [s for child in ast.iter_child_nodes(node) for s in _literals(child)]


def _called(node: ast.Call) -> str | None:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def words_drawn(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, literal) for every string with a letter in it that the code hands to Pango to draw: the text of
    ``text``, ``lines``, ``Text`` (first argument or keyword) and ``formula_word`` (its second argument)."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node) in DRAWING_CALLS):
            continue
        args = node.args[1:2] if _called(node) == "formula_word" else node.args[:1]
        for arg in args + [k.value for k in node.keywords if k.arg in ("s", "text", "word")]:
            found += [(node.lineno, s) for s in _literals(arg) if re.search(r"[^\W\d_]", s)]
    return found


def scene_sources() -> dict[str, ast.AST]:
    paths = sorted((ROOT / "scenes").glob("*.py"))
    assert len(paths) >= 10
    return {p.name: ast.parse(p.read_text(), filename=str(p)) for p in paths}


def test_no_scene_hands_pango_a_word_of_its_own():
    found = [f"{name}:{line}: {s!r}" for name, tree in scene_sources().items() for line, s in words_drawn(tree) if (name, s) not in ALLOWED]
    assert found == [], "words belong in lesson/base/words.py or the script, not in a scene"


def test_the_check_sees_literal_words_in_every_form():
    """The check above finds a word however it is written: plain, in an f-string, concatenated, as a keyword, as
    a default; and it passes what only looks a word up."""
    code = """
self.text("slope 0")
self.lines(f"prediction: {x}", size)
Text("a" + b, font=f)
self.text(s="class")
formula_word(self, "loss", size)
self.text(f"{x} {y}")
self.text(d["words"]["x"], color="#ffffff")
self.text(d.get("label", "none"))
self.math(r"\\text{no}")
"""
    assert [s for _, s in words_drawn(ast.parse(code))] == ["slope 0", "prediction: ", "a", "class", "loss", "none"]


def test_no_formula_in_a_scene_holds_text():
    """Words in TeX would be words of one language set by TeX: a formula's name is drawn beside it by Pango."""
    for name, tree in scene_sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == "math":
                for s in _literals(node):
                    assert "\\text" not in s and "\\mbox" not in s, (name, node.lineno, s)


def test_the_table_has_english_for_every_key_and_fills_only_its_slots():
    w = words.Words("en")
    assert w("prediction", label="Apple") == "prediction: Apple"
    assert w("start", letter="B", accuracy="95%") == "start B: 95% correct"
    assert w("other_starts") == "same example, different starting weights"
    assert words.Words("en-GB")("j_meaning", n=5) == "j: runs over all 5 classes"
    assert words.Words("de")("slope_zero") == "slope 0"  # no German table yet: English
    over = words.Words("en", {"example_noun": "fruit", "prediction": "{example} {label} {n}"})
    assert over("other_starts") == "same fruit, different starting weights"
    assert over("prediction", label="Apple") == "fruit Apple {n}"  # not a slot of this word: left as written
    with pytest.raises(KeyError):
        words.Words("en", {"no_such_word": "x"})
    # every slot a builder fills is written in the English entry
    for key, slots in words.SLOTS.items():
        assert all("{" + s + "}" in words.TABLES["en"][key] for s in slots), key


def _copy(tmp_path: Path, words_line: str) -> Path:
    text = DEFAULT.read_text()
    assert text.count(WORDS_LINE) == 1
    path = tmp_path / "fruit.yaml"
    path.write_text(text.replace(WORDS_LINE, words_line))
    return path


def test_the_default_lesson_says_flower():
    drawing = draw(DEFAULT, "properties")
    assert "same flower, different starting weights" in drawing.texts()
    assert "start A: 95% correct" in drawing.texts() and "start B: 95% correct" in drawing.texts()
    assert drawing.layout_problems == []


def test_the_example_noun_and_every_word_come_from_the_script(tmp_path):
    path = _copy(tmp_path, "words: {example_noun: fruit, start: 'run {letter}: {accuracy}', start_letters: XY}")
    drawing = draw(path, "properties")
    texts = drawing.texts()
    assert "same fruit, different starting weights" in texts
    assert not any("flower" in s for s in drawing.ever())
    assert "run X: 95%" in texts and "run Y: 95%" in texts
    assert drawing.layout_problems == []


def test_the_name_of_cross_entropy_is_text_beside_its_formula(tmp_path):
    path = _copy(tmp_path, "words: {cross_entropy: log loss, observed_probability: 'p of the true {example}'}")
    drawing = draw(path, "next")
    (name,) = [i for i in drawing.final if i.string == "log loss"]
    assert name.kind == "text"
    formulas = [i for i in drawing.final if i.kind == "tex" and "\\log" in i.string]
    assert len(formulas) == 2  # in symbols, then with the number
    for formula in formulas:
        assert "log loss" not in formula.string and "cross" not in formula.string and "\\text" not in formula.string
    formula = min(formulas, key=lambda f: f.left)
    assert formula.string.startswith("L =")
    assert formula.left - 0.7 < name.right < formula.left  # just before the formula, on its line
    assert abs(name.y - formula.y) < formula.height / 2
    assert "p of the true example" in drawing.texts()
    assert drawing.layout_problems == []


def _problem(words_line: str) -> tuple[str, int]:
    text = DEFAULT.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith(WORDS_LINE))
    with pytest.raises(LessonError) as caught:
        parse_lesson(text.replace(WORDS_LINE, words_line), "lesson.yaml")
    return str(caught.value), line


def test_an_unknown_word_is_an_error_at_its_key():
    message, line = _problem("words: {exmaple_noun: fruit}")
    assert f"lesson.yaml:{line}:9: unknown word 'exmaple_noun'; did you mean 'example_noun'?" in message
    message, line = _problem("words: {example_noun: fruit, headline: Hi}")
    assert f"lesson.yaml:{line}:30: unknown word 'headline'; `lesson words` lists them" in message


def test_lesson_words_lists_every_key_with_its_text_in_the_language_asked():
    from click.testing import CliRunner

    from lesson.cli import cli
    from lesson.base.words import table

    result = CliRunner().invoke(cli, ["words"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    english = table("en")
    assert [line.split()[0] for line in lines] == list(english)
    assert lines[0].split(None, 1)[1] == english["example_noun"] == "example"


def test_a_slot_the_word_does_not_have_is_an_error_at_the_slot():
    message, line = _problem("words: {prediction: 'guess: {value}'}")
    col = "words: {prediction: 'guess: {value}'}".index("{value}") + 1
    assert f"lesson.yaml:{line}:{col}: word 'prediction' has no slot {{value}}; it can use {{label}}, {{example}}" in message
    message, line = _problem("words: {prediction: '{label.__class__}'}")
    assert f"lesson.yaml:{line}:22: a brace that is not a slot in word 'prediction'" in message
    message, line = _problem("words: {start_letters: AA}")
    assert f"lesson.yaml:{line}:" in message and "one different character per trained network" in message
    message, line = _problem("words: {start_letters: X}")
    assert "start_letters has 1 letter for 2 trained networks; give one each" in message
    message, line = _problem("words: {prediction: '{label} {x'}")  # the stray brace, not the slot before it
    assert f"lesson.yaml:{line}:30: a brace that is not a slot in word 'prediction'" in message
    message, line = _problem("words: {prediction: '{label} }'}")  # "}" stands twice: the value is pointed at
    assert f"lesson.yaml:{line}:21: a brace that is not a slot in word 'prediction'" in message


def test_the_derivatives_verdict_says_exactly_when_a_derivative_shows_as_zero(tmp_path):
    from lesson.check import check_lesson

    text = DEFAULT.read_text()
    assert text.count("  decimals: 2\n") == 1
    found = {}
    for decimals in (2, 0):
        path = tmp_path / f"d{decimals}.yaml"
        path.write_text(text.replace("  decimals: 2\n", f"  decimals: {decimals}\n"))
        step = next(s for s in check_lesson(path).plan.steps if s.kind == "softmax_derivatives")
        (equation,) = parts(step.data, "equation")
        (verdict,) = parts(step.data, "text")
        found[decimals] = [line["result"] for line in equation["lines"]], verdict["points"][0]
    assert found[2] == (["0.21", "-0.07", "-0.14"], "none is 0: gradient descent can use them")
    # at 0 decimals each would read 0: a value too small for the lesson's decimals is shown to its first digit (one
    # form for the lesson), so none reads 0 and the verdict says so
    assert found[0] == (["0.2", "-0.07", "-0.14"], "none is 0: gradient descent can use them")


def test_a_word_no_step_draws_is_a_warning_at_its_key_and_one_it_draws_is_not(tmp_path):
    from lesson.check import check_lesson

    text = DEFAULT.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith(WORDS_LINE))
    path = _copy(tmp_path, "words: {example_noun: fruit, arch_total: all together, activation_relu: rectifier}")
    warnings = [str(w) for w in check_lesson(path).warnings]
    # the default lesson draws no architecture: its word changes nothing; the fruit and the rectifier are drawn
    assert warnings == [f"{path}:{line}:30: warning: no step of this lesson draws the word 'arch_total', so this changes nothing"]


def test_every_activation_of_the_math_core_is_a_word_and_the_network_draws_it(tmp_path):
    import mathcore

    assert {f"activation_{a}" for a in mathcore.ACTIVATIONS} <= set(words.table("en"))
    path = _copy(tmp_path, "words: {example_noun: flower, activation_relu: rectifier, activation_identity: none}")
    drawing = draw(path, "network")
    assert [layer["activation_name"] for layer in drawing.step.data["layers"]] == ["rectifier", "none"]
