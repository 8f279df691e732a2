"""Texts that differ only in their digits, made by swapping digit glyphs (``Typesetting.texts_alike``), are the
pictures Pango makes of them: every glyph's outline at the same place, to a millionth of the frame."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from manim import Text, tempconfig

from drawn import plan_of
from scenes import style, typesetting
from scenes.typesetting import Typesetting

M = "\u2212"
READOUTS = [  # a slide's readouts and a widening's counts: shapes repeat, digits change
    f"ArgMax({M}0.50) = 0", f"ArgMax({M}0.47) = 0", f"ArgMax({M}0.12) = 0", "ArgMax(1.27) = 1", "ArgMax(0.08) = 1",
    "SoftMax(2.31) ≈ 0.69", "SoftMax(9.87) ≈ 0.14", "−log(0.57) ≈ 0.56", "−log(0.11) ≈ 2.21",
    "ArgMax(1.11) = 1", "SoftMax(7.11) ≈ 0.11", "1,640,672", "1,111,171", "7,012,354", "27,869,184", "36,479,194", "432", "875", "1.6 M", "7.0 M", "4.92 %", "3.18 %",
]


THEME = plan_of(Path(__file__).resolve().parents[1] / "lessons" / "argmax_softmax.yaml").style


class Setter(Typesetting):
    def __init__(self):
        self.theme = THEME
        self.step = SimpleNamespace(id="t", kind="test")


def outlines(t: Text) -> list[np.ndarray]:
    return [m.points for m in t.family_members_with_points()]


@pytest.mark.parametrize("size", [style.SMALL, style.BODY])
def test_texts_made_by_swapping_digits_are_the_texts_pango_sets(monkeypatch, size):
    monkeypatch.setattr(typesetting, "_TEXTS", {})
    monkeypatch.setattr(typesetting, "_DIGIT_GLYPHS", {})
    setter = Setter()
    with tempconfig({}):
        fast = setter.texts_alike(READOUTS, size)
        assert setter._digit_glyphs(size, None) is not None  # the theme's font: digits of one advance, not kerned
        for s in READOUTS:
            stock = Text(s, font=setter.theme.font, font_size=size, color=setter.theme.text)
            made = fast[s]
            assert made.original_text == s
            assert len(outlines(made)) == len(outlines(stock)), s
            # the same glyphs at the same places (a text is centred where it is set: compare from its first glyph)
            shift = stock.submobjects[0].get_left() - made.submobjects[0].get_left()
            for a, b in zip(outlines(made), outlines(stock)):
                assert a.shape == b.shape and np.allclose(a + shift, b, atol=1e-6), s


def test_only_the_first_text_of_each_shape_is_set_by_pango(monkeypatch):
    set_texts: list[str] = []

    class Counted(Text):
        def __init__(self, s, *args, **kwargs):
            set_texts.append(s)
            super().__init__(s, *args, **kwargs)

    monkeypatch.setattr(typesetting, "Text", Counted)
    monkeypatch.setattr(typesetting, "_TEXTS", {})
    monkeypatch.setattr(typesetting, "_DIGIT_GLYPHS", {})
    with tempconfig({}):
        Setter().texts_alike([f"ArgMax({M}0.50) = 0", f"ArgMax({M}0.47) = 0", "ArgMax(1.27) = 1", "1.6 M", "7.0 M"])
    # the digits, once: every pair of digits in one text (to check that they can be swapped, and their glyphs)
    assert [s for s in set_texts if s.isdigit()] == [typesetting.DIGIT_PAIRS]
    assert [s for s in set_texts if not s.isdigit()] == [f"ArgMax({M}0.50) = 0", "ArgMax(1.27) = 1", "1.6 M"]


def test_a_font_with_a_kerned_pair_of_digits_has_every_text_set_by_pango(monkeypatch):
    set_texts: list[str] = []

    class Kerned(Text):  # as if the font moved the glyphs after one pair of digits closer
        def __init__(self, s, *args, **kwargs):
            set_texts.append(s)
            super().__init__(s, *args, **kwargs)
            if s == typesetting.DIGIT_PAIRS:
                for glyph in self.submobjects[50:]:
                    glyph.shift([-0.01, 0, 0])

    monkeypatch.setattr(typesetting, "Text", Kerned)
    monkeypatch.setattr(typesetting, "_TEXTS", {})
    monkeypatch.setattr(typesetting, "_DIGIT_GLYPHS", {})
    with tempconfig({}):
        made = Setter().texts_alike(["1.6 M", "7.0 M", "2.5 M"])
        assert Setter()._digit_glyphs(style.BODY, None) is None
    assert [s for s in set_texts if not s.isdigit()] == ["1.6 M", "7.0 M", "2.5 M"]
    assert made["7.0 M"].original_text == "7.0 M"
