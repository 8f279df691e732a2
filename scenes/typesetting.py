"""Setting text (Pango, in the theme's font) and formulas (TeX), and the classes' colours, names and labels: a
mixin of :class:`scenes.base.StepScene`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from manim import (
    DOWN,
    ManimColor,
    MathTex,
    Text,
    VGroup,
)

from lesson.base import fonts
from scenes import style

LABEL_MARK = re.compile(r"\\lessonlabel\{(\d+)\}")  # where tex_label() puts a class label in a formula
CAP_HEIGHT_EM = 0.726  # the height of a capital in the formulas' font (helvet), in ems, as TeX draws it
LABEL_SIDE_BEARING = 0.06  # ems of space on each side of a label in a formula (a glyph's side bearings)
LRM = "\u200e"  # LEFT-TO-RIGHT MARK
READABLE = 0.8  # text may be shrunk to this fraction of its type size to fit; below that it is laid out otherwise
_LABEL_METRICS: dict[tuple[str, str], tuple[float, float, float]] = {}
# Texts this process has set, by what was asked for: a step sets the same label or number again and again (and
# the steps a worker draws share many), and a copy costs a twentieth of setting a text (reading Pango's picture)
_TEXTS: dict[tuple, Text] = {}
KEPT_TEXTS = 512  # at most (then forgotten all at once): a few tens of MB, however long the course
DIGITS = "0123456789"


def _de_bruijn(n: int = 10) -> str:
    """Every pair of the digits 0 to n - 1 once, as one string of n * n + 1 digits (a de Bruijn sequence)."""
    a = [0] * (2 * n)
    out: list[int] = []

    def db(t: int, p: int) -> None:
        if t > 2:
            if 2 % p == 0:
                out.extend(a[1:p + 1])
            return
        a[t] = a[t - p]
        db(t + 1, p)
        for j in range(a[t - p] + 1, n):
            a[t] = j
            db(t + 1, t)

    db(1, 1)
    return "".join(map(str, out + out[:1]))


DIGIT_PAIRS = _de_bruijn()
_DIGIT = re.compile("[0-9]")
# per (font, size): each digit's glyph as Pango sets it, or None if the font's digits cannot be swapped in place
_DIGIT_GLYPHS: dict[tuple, dict[str, Any] | None] = {}
_BEARING: dict[tuple[int, str], float] = {}  # (size, digit): its ink's start past its advance box's start, relative


def _copy_without_glyphs(text: Text) -> Text:
    """A copy of ``text`` whose glyphs are still to be put in (``submobjects``: as many Nones): Manim copies a mobject
    whole, glyphs and all, and the glyphs are most of its cost."""
    glyphs = text.submobjects
    text.submobjects = []
    try:
        made = text.copy()
    finally:
        text.submobjects = glyphs
    made.submobjects = [None] * len(glyphs)
    return made


def _one_glyph_a_char(s: str, text: Text) -> bool:
    """Whether ``text`` (set from ``s``) has one glyph for each character that is not a space (no ligature)."""
    return len(text.submobjects) == sum(1 for ch in s if not ch.isspace())


def _balanced(words: list[str], n: int) -> list[str]:
    """``words`` in ``n`` lines whose longest is as short as can be (by characters)."""
    best: tuple[int, list[str]] | None = None

    def split(rest: list[str], k: int, done: list[str]) -> None:
        nonlocal best
        if k == 1:
            lines = done + [" ".join(rest)]
            longest = max(map(len, lines))
            if best is None or longest < best[0]:
                best = (longest, lines)
            return
        for i in range(1, len(rest) - k + 2):
            split(rest[i:], k - 1, done + [" ".join(rest[:i])])

    split(words, n, [])
    assert best is not None
    return best[1]


def _set(s: str, font: str, size: int, fill: ManimColor, kw: dict[str, Any]) -> Text:
    """``Text``; asked for a glyph a character (``disable_ligatures``, so that words can be pointed at), a script whose
    letters join (Arabic) cannot give it, and is set as it joins (a pointed word then stands for its whole line)."""
    try:
        return Text(s, font=font, font_size=size, color=fill, **kw)
    except ValueError:
        if not kw.get("disable_ligatures"):
            raise
        return Text(s, font=font, font_size=size, color=fill, **{**kw, "disable_ligatures": False})


class Typesetting:
    """Text and formulas for a step scene (it has ``step``, ``theme`` and ``timing``)."""

    def text(self, s: str, size: int = style.BODY, color: str | None = None, **kw: Any) -> Text:
        """Text set by Pango in the theme's font (never by TeX). Each text is set once in a process and handed
        out as a copy (:data:`_TEXTS`)."""
        self.require_fonts(s)
        if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in s):
            # a right-to-left text as a left-to-right paragraph: Pango would set it right-aligned outside the drawing
            s = LRM + s
        fill = ManimColor(color or self.theme.text)
        key = (s, self.theme.font, size, fill.to_hex(with_alpha=True), tuple(sorted(kw.items())))
        try:
            made = _TEXTS.get(key)
        except TypeError:  # an option that cannot be a key (a dict of colours): set this one alone
            return Text(s, font=self.theme.font, font_size=size, color=fill, **kw)
        if made is None:
            if len(_TEXTS) >= KEPT_TEXTS:
                _TEXTS.clear()
            made = _TEXTS[key] = _set(s, self.theme.font, size, fill, kw)
        return made.copy()  # the one kept is never drawn, moved or coloured

    def texts_alike(self, strings: Iterable[str], size: int = style.BODY, color: str | None = None) -> dict[str, Text]:
        """Each of ``strings`` as :meth:`text` sets it, made quickly when many differ only in their digits (a slide's
        readouts, a widening's counts: hundreds of texts, each a Pango picture to read).

        The first string of each shape (its digits all read as 0) is set by Pango; each other string of that shape is
        a copy of it with the glyph of every digit that differs swapped for the glyph of the digit wanted, where Pango
        puts it. That is the picture Pango makes only if the theme's font gives every digit one advance and kerns no
        digit: :func:`_digit_glyphs` checks that once a process (for the font and size), and when it does not
        hold every string is set on its own."""
        out: dict[str, Text] = {}
        glyphs = self._digit_glyphs(size, color)
        shapes: dict[str, tuple[str, Text]] = {}
        for s in dict.fromkeys(strings):
            shape = _DIGIT.sub("0", s)
            first = shapes.get(shape)
            if glyphs is None or first is None or not _one_glyph_a_char(first[0], first[1]):
                out[s] = self.text(s, size, color)
                shapes.setdefault(shape, (s, out[s]))
                continue
            made = _copy_without_glyphs(first[1])
            made.original_text = made.text = s
            index = [i for i, ch in enumerate(first[0]) if not ch.isspace()]
            for k, i in enumerate(index):
                was, want = first[0][i], s[i]
                old = first[1].submobjects[k]
                if was == want:
                    made.submobjects[k] = old.copy()
                    continue
                glyph = glyphs[want].copy().match_style(old)
                # the new digit's advance box is the old one's (one advance for every digit): its ink starts its own
                # side bearing past it, on the same baseline
                left = old.get_left()[0] - _BEARING[(size, was)] + _BEARING[(size, want)]
                bottom = old.get_bottom()[1] - glyphs[was].get_bottom()[1] + glyphs[want].get_bottom()[1]
                glyph.shift([left - glyph.get_left()[0], bottom - glyph.get_bottom()[1], 0])
                made.submobjects[k] = glyph
            out[s] = made
        return out

    def _digit_glyphs(self, size: int, color: str | None) -> dict[str, Any] | None:
        """The glyph of each digit at ``size`` in the theme's font, or None when the font's digits do not all have one
        advance or some pair of digits is kerned (then a digit cannot be swapped in place).

        Read from one text of :data:`DIGIT_PAIRS` (every pair of digits once): with one advance and no kerning, the
        k-th glyph starts at k advances plus its digit's side bearing, for every k; the side bearings go into
        :data:`_BEARING`."""
        key = (self.theme.font, size)
        if key not in _DIGIT_GLYPHS:
            pairs = self.text(DIGIT_PAIRS, size, color)
            found: dict[str, Any] | None = None
            if len(pairs.submobjects) == len(DIGIT_PAIRS):
                lefts = [g.get_left()[0] for g in pairs.submobjects]
                seen = {d: DIGIT_PAIRS.index(d) for d in DIGITS}
                first, last = seen["0"], DIGIT_PAIRS.rindex("0")
                advance = (lefts[last] - lefts[first]) / (last - first)
                bearing = {d: lefts[k] - k * advance for d, k in seen.items()}
                tolerance = 1e-6 * max(1.0, abs(advance) * len(DIGIT_PAIRS))
                if all(abs(lefts[k] - k * advance - bearing[d]) < tolerance for k, d in enumerate(DIGIT_PAIRS)):
                    _BEARING.update({(size, d): b for d, b in bearing.items()})
                    found = {d: pairs.submobjects[k] for d, k in seen.items()}
            _DIGIT_GLYPHS[key] = found
        return _DIGIT_GLYPHS[key]

    def require_fonts(self, s: str) -> None:
        """Raise a clear error, naming the step and a font package, if no installed font can draw part of ``s``
        (Pango would draw empty boxes)."""
        missing = fonts.undrawable(s)
        if missing:
            chars = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing[:5])
            packages = sorted({fonts.font_package(ch) for ch in missing})
            raise ValueError(
                f"step {self.step.id} ({self.step.kind}): no installed font can draw {chars} in {s!r}; "
                f"install a font that does (Debian: {', '.join(packages)})"
            )

    def lines(self, s: str, size: int = style.BODY, max_lines: int = 2, width: float = style.CONTENT_WIDTH, **kw: Any) -> VGroup:
        """``s`` as centred lines of text: one if it fits ``width`` at no less than READABLE of its size (shrink it with
        :meth:`fit`), else broken between words into the fewest lines of about equal length (up to ``max_lines``)
        that fit; as many as allowed if none do."""
        words = s.split()
        best = VGroup(self.text(s, size, **kw))
        for n in range(2, min(max_lines, len(words)) + 1):
            if best.width * READABLE <= width:
                break
            best = VGroup(*(self.text(line, size, **kw) for line in _balanced(words, n))).arrange(DOWN, buff=0.25 * size / 48)
        return best

    def formulas(self) -> list[list[str]]:
        """The parts of every formula this step may set with :meth:`math`, as it will pass them (a kind that sets
        formulas says so; size and colour do not matter). They are typeset together, in one LaTeX run, before the
        step is drawn: each run costs about a quarter of a second, mostly TeX starting."""
        return []

    def math(self, *parts: str, size: int = style.MATH, color: str | None = None) -> MathTex:
        """A formula. Class labels in it (``self.tex_label(c)``) are never given to TeX: TeX sets an empty box of
        the label's size, and the label itself is drawn by Pango (a manim Text) in that box. So no text the
        author wrote is ever read by TeX, and a label in any script the installed fonts cover works in a formula."""
        fill = ManimColor(color or self.theme.text)
        labels: list[tuple[str, int]] = []  # (the box's group id in TeX's drawing, class index)

        def box(match: re.Match) -> str:
            index = int(match.group(1))
            group = f"lessonlabel{len(labels):03d}"
            labels.append((group, index))
            w, h, d = self._label_metrics(self.class_label(index))
            # \text{}: the box scales with the math style (smaller in a subscript), like the letters around it
            return (
                f"\\text{{\\kern{LABEL_SIDE_BEARING}em\\special{{dvisvgm:raw <g id='{group}'>}}"
                f"\\rule[{-d:.4f}em]{{{max(w, 0.001):.4f}em}}{{{max(h + d, 0.001):.4f}em}}"
                f"\\special{{dvisvgm:raw </g>}}\\kern{LABEL_SIDE_BEARING}em}}"
            )

        tex_parts = [LABEL_MARK.sub(box, p) for p in parts]
        formula = MathTex(*tex_parts, font_size=size, color=fill, tex_template=style.SANS_MATH)
        for group, index in labels:
            (rule,) = formula.id_to_vgroup_dict[group].submobjects
            label = self.text(self.class_label(index), color=fill)
            if label.width > 0 and rule.width > 0:
                label.scale(rule.width / label.width).move_to(rule.get_center())
            else:
                label.move_to(rule.get_center())
            for part in formula.submobjects:
                if rule in part.submobjects:
                    part.submobjects[part.submobjects.index(rule)] = label
        return formula

    @staticmethod
    def tex_number(s: str) -> str:
        """A plan's number text (Unicode minus) for MathTex."""
        return s.replace("\u2212", "-")

    def tex_label(self, index: int) -> str:
        """Where class ``index``'s label goes in a formula (for :meth:`math`): a mark that :meth:`math` replaces
        by a box of the label's size, in which the label is drawn as text. The label itself never reaches TeX."""
        return f"\\lessonlabel{{{index}}}"

    def _label_metrics(self, label: str) -> tuple[float, float, float]:
        """The label's ink as drawn by :meth:`text`: width, height above the baseline and depth below it, in ems
        of the formula's font (whose capitals are CAP_HEIGHT_EM high), measured against a capital H."""
        key = (label, self.theme.font)
        if key not in _LABEL_METRICS:
            self.require_fonts(label)
            probe = self.text("H " + label, style.MATH)
            h_glyph = min(probe.submobjects, key=lambda g: g.get_left()[0])
            em = h_glyph.height / CAP_HEIGHT_EM
            baseline = h_glyph.get_bottom()[1]
            ink = [g for g in probe.submobjects if g is not h_glyph and g.has_points()]
            if not ink:
                _LABEL_METRICS[key] = (0.0, 0.0, 0.0)
            else:
                rest = VGroup(*ink)
                _LABEL_METRICS[key] = (
                    rest.width / em,
                    max(0.0, (rest.get_top()[1] - baseline) / em),
                    max(0.0, (baseline - rest.get_bottom()[1]) / em),
                )
        return _LABEL_METRICS[key]

    def class_color(self, index: int) -> ManimColor:
        return ManimColor(self.theme.classes[index].color)

    def class_name(self, index: int) -> str:
        """The class's name in the script, as used in placeholders (``softmax.<name>``)."""
        return self.theme.classes[index].name

    def class_label(self, index: int) -> str:
        return self.theme.classes[index].label

    @property
    def n_classes(self) -> int:
        return len(self.theme.classes)
