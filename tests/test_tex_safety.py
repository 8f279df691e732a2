"""Text the author wrote never reaches TeX: class labels in formulas are drawn by Pango in a box TeX leaves for them.

A label such as ``\\input/etc/motd `` (16 characters, the longest allowed) used to make TeX typeset that file
into the video. Here formulas and whole step scenes are built with labels made of every TeX special character,
with TeX commands and in non-Latin scripts, and what was drawn is read back: every label is a Pango ``Text``
with the label as it was written, one glyph per character, and no TeX source contains any of it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from manim import MathTex, Text, VGroup, tempconfig

import scenes.base as base
import scenes.typesetting as typesetting
from lesson.numbers.compute import compute
from lesson.plan import ClassStyle, StepPlan, Style, build_plan
from lesson.check import load_lesson
from lesson.base.timing import StepTiming
from lesson.kinds import get as kind_named

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "extreme" / "tex_specials.yaml"
SECRET = Path("/etc/motd")  # a file TeX can read (openin_any=a for \input); its words must never be drawn
TEX_SPECIALS = "\\{}$&#^_~%"

LABELS = [
    "\\input/etc/motd ",  # what made TeX typeset /etc/motd before (the space ends the file name)
    "\\input{/etc/motd",
    "$x^2$ & #1 ~ 50%",
    "}{a_b} \\\\ \\end{",
    "\\def\\x{~}\\x^_%",
    "\\\\\\\\\\\\\\\\",
    "{{ double }}",
    "Ίρις σετόζα",  # Greek
    "Ирис виргинский",  # Cyrillic
    "سوسن",  # Arabic, right to left
]


def style_with(labels: list[str]) -> Style:
    colors = ["#4fa3e0", "#f08a4b", "#9b6ee8", "#58c27d", "#e05f8a", "#d8c14a"]
    classes = tuple(ClassStyle(f"c{i}", label, colors[i % len(colors)]) for i, label in enumerate(labels))
    return Style("#101820", "#f2f2f2", "#8a94a6", "#f5c542", "Nimbus Sans", classes)


@pytest.fixture
def manim_dirs(tmp_path):
    settings = {
        "write_to_movie": False, "save_last_frame": False, "quality": "low_quality", "disable_caching": True,
        "progress_bar": "none", "verbosity": "ERROR",
        "tex_dir": str(tmp_path / "tex"), "text_dir": str(tmp_path / "texts"), "media_dir": str(tmp_path / "media"),
    }
    with tempconfig(settings):
        yield tmp_path


@pytest.fixture
def drawn(monkeypatch):
    """Every MathTex the scenes make, as they make them, and every Text they ask for (``StepScene.text``, which
    sets a text once per process and hands out copies)."""
    made: dict[str, list] = {"tex": [], "text": []}

    class RecordedMathTex(MathTex):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made["tex"].append(self)

    text = base.StepScene.text

    def recorded_text(self, *args, **kwargs) -> Text:
        made["text"].append(text(self, *args, **kwargs))
        return made["text"][-1]

    monkeypatch.setattr(typesetting, "MathTex", RecordedMathTex)
    monkeypatch.setattr(base.StepScene, "text", recorded_text)
    return made


def scene_for(labels: list[str], kind: str = "softmax", data: dict | None = None, step_id: str = "s"):
    step = StepPlan(0, kind, step_id, "Formulas", "x", data=data or {})
    return kind_named(kind).scene_class()(step, style_with(labels), StepTiming(0.3, 2.0, 0.6), strict_layout=True)


def tex_sources(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in folder.rglob("*.tex"))


def assert_never_in_tex(label: str, tex_strings: list[str]) -> None:
    for source in tex_strings:
        assert label not in source
        assert "\\lessonlabel" not in source  # every mark was replaced by a box
        for line in source.splitlines():  # no TeX command of the label's, escaped or not
            assert "\\input" not in line and "\\def" not in line and "/etc/" not in line


def glyphs(text: Text) -> int:
    return len([g for g in text.submobjects if g.has_points()])


@pytest.mark.parametrize("label", LABELS)
def test_a_label_in_a_formula_is_drawn_as_text_and_never_given_to_tex(label, manim_dirs, drawn):
    scene = scene_for([label, "Setosa"])
    formula = scene.math(f"p_{{{scene.tex_label(0)}}}", "=", f"\\frac{{\\partial p_{{{scene.tex_label(0)}}}}}{{\\partial z_{{{scene.tex_label(1)}}}}}")
    texts = [m for m in formula.get_family() if isinstance(m, Text)]
    assert [t.original_text.lstrip(base.LRM) for t in texts] == [label, label, "Setosa"]
    for t in texts[:2]:
        assert glyphs(t) == len(label.replace(" ", "")), "one glyph per character: the label as written, nothing more"
        assert t.height > 0.05 and formula.get_left()[0] - 1e-6 <= t.get_left()[0] <= t.get_right()[0] <= formula.get_right()[0] + 1e-6
    assert_never_in_tex(label, [formula.tex_string, *formula.tex_strings, tex_sources(manim_dirs)])
    # the label sits in the formula like a word would: in the subscript it is smaller, and it follows the "p"
    p_sub, frac = formula[0], formula[2]
    assert texts[0].height < texts[2].height * 3 and p_sub.get_right()[0] <= frac.get_left()[0]


def test_the_label_box_has_the_labels_size_and_keeps_to_the_baseline(manim_dirs, drawn):
    """Drawn as a box in TeX, the label takes the room TeX would give the word: Setosa in a box and TeX's own Setosa
    have the same width and baseline to a few hundredths of a unit."""
    scene = scene_for(["Setosa", "Versicolor"])
    ours = scene.math(f"x + {scene.tex_label(0)} + y")
    theirs = MathTex(r"x + \text{Setosa} + y", font_size=base.style.MATH, tex_template=base.style.SANS_MATH)
    assert ours.width == pytest.approx(theirs.width, abs=0.06)
    (label,) = [m for m in ours.get_family() if isinstance(m, Text)]
    word = VGroup(*theirs[0].submobjects[2:8])  # S e t o s a
    assert label.get_left()[0] == pytest.approx(word.get_left()[0], abs=0.04)
    assert label.get_bottom()[1] == pytest.approx(word.get_bottom()[1], abs=0.02)
    assert label.height == pytest.approx(word.height, rel=0.08)


def test_the_scenes_with_labels_in_formulas_draw_every_special_character_literally(manim_dirs, drawn):
    lesson = load_lesson(FIXTURE)
    plan = build_plan(lesson, FIXTURE.parent, compute(lesson, FIXTURE.parent))
    labels = [c.label for c in plan.style.classes]
    assert set("".join(labels)) >= set(TEX_SPECIALS)  # the fixture uses every one
    secret_words = [w for w in SECRET.read_text(errors="replace").split() if len(w) > 6][:10] if SECRET.is_file() else []
    for step in plan.steps:
        if step.kind not in ("argmax", "softmax", "softmax_derivatives", "cross_entropy"):
            continue
        drawn["tex"].clear()
        drawn["text"].clear()
        scene = kind_named(step.kind).scene_class()(step, plan.style, StepTiming(0.3, 2.0, 0.6), strict_layout=True)
        scene.render()  # strict: a layout problem fails
        assert scene.layout_problems == []
        texts = [t.original_text for t in drawn["text"]]
        shown = [label for label in labels if label in texts]
        assert shown, f"{step.id} draws no label"
        for t in drawn["text"]:
            if t.original_text in labels:
                assert glyphs(t) == len(t.original_text.replace(" ", ""))
        tex = [m.tex_string for m in drawn["tex"]]
        for label in labels:
            assert_never_in_tex(label, tex)
        for word in secret_words:
            assert not any(word in s for s in texts + tex), f"{step.id} draws {SECRET}"
    assert_never_in_tex(labels[0], [tex_sources(manim_dirs)])


def test_a_label_no_installed_font_can_draw_fails_clearly_naming_the_step(manim_dirs, monkeypatch):
    hieroglyphs = "\U00013000\U00013001"  # Egyptian hieroglyphs: no font dev.sh installs has them
    scene = scene_for([hieroglyphs, "Setosa"], step_id="softmax_step")
    with pytest.raises(ValueError, match=r"step softmax_step \(softmax\): no installed font can draw '\U00013000' \(U\+13000\).*fonts-noto"):
        scene.math(f"p_{{{scene.tex_label(0)}}}")


@pytest.mark.parametrize("bad", ["inf", "-inf", "nan", "\u2212inf", float("inf"), float("nan")])
def test_a_number_that_is_not_finite_is_never_drawn(bad, manim_dirs):
    data = {"raw": ["1.00", bad if isinstance(bad, str) else "1.00"], "exp": ["2.72", "2.72"], "exp_sum": "5.44",
            "softmax": ["0.50", "0.50"], "sum_relation": "=", "p": 0.5 if isinstance(bad, str) else bad}
    with pytest.raises(ValueError, match=r"step softmax_step \(softmax\): the plan gives numbers that are not finite"):
        scene_for(["Setosa", "Versicolor"], data=data, step_id="softmax_step")


def test_words_that_merely_contain_inf_or_nan_are_fine(manim_dirs):
    data = {"points": ["infinite and nan are words here"], "heading": "Info", "raw": ["1.00"], "p": math.pi,
            "nodes": [{"name": "nan", "value": "0.50", "cues": ["hidden.1.nan", "raw.inf"]}]}
    scene_for(["Banana", "Nancy"], kind="summary", data=data)


def test_no_scene_builds_tex_from_anything_but_numbers_and_its_own_formulas():
    """The scenes hand MathTex only their own TeX, numbers from the plan and tex_label() marks: no author text."""
    sources = {p.name: p.read_text() for p in (ROOT / "scenes").glob("*.py")}
    for name, text in sources.items():
        assert "MathTex(" not in text or name == "typesetting.py", f"{name} builds MathTex itself instead of StepScene.math"
        assert "Tex(" not in text.replace("MathTex(", ""), name
        for author in ("self.step.title", "class_label(", "[\"label\"]", "[\"points\"]", "[\"heading\"]"):
            for line in text.splitlines():
                if author in line and "self.math(" in line:
                    pytest.fail(f"{name}: author text in a formula: {line.strip()}")
    assert re.search(r"def tex_label\(self, index: int\) -> str:", sources["typesetting.py"])
