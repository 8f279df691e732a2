"""``lesson check``: everything it promises, in order. The script is read and validated (:mod:`lesson.script.load`),
then the checks that span its parts (names, files, fonts, each step kind's own), then the math core and the planner
run, and what they cannot show is reported at its cause in the script; last, the warnings (contrast, numbers typed
where a placeholder belongs, words no step draws). A script this accepts goes through every later stage: only
reasons outside the script (a full disk, a kill) can stop a render.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lesson.base import coherence, relations, words

from lesson import kinds

from lesson.numbers import trained
from lesson.narration.audio import recording_problem
from lesson.numbers.computed import ComputeProblem
from lesson.base.digits import fixed, whole_digits
from lesson.base.errors import Finding, LessonError, Problem, one_line
from lesson.base.fonts import font_package, installed_families, undrawable
from lesson.base.hints import one_of
from lesson.numbers.compute import LessonNumbers, TrainingTooLong, compute
from lesson.base.paths import script_file
from lesson.plan import Plan, PlanError, build_plan, forms_of, typed_names
from lesson.script import checks, limits, load, placeholders
from lesson.script import names as script_names
from lesson.script.checks import network_problems, no_network_problems
from lesson.script.load import read_script
from lesson.script.texts import sized_templates, templates, word_problems
from lesson.script.model import Lesson
from lesson.script.yamlsource import Path_
from lesson.script.placeholders import class_families
from lesson.base.truth import scientific
from mathcore.errors import MathError

__all__ = ["Checked", "check_lesson", "check_text", "contrast", "load_lesson", "number_rows", "parse_lesson", "read_script"]


@dataclass(frozen=True)
class Checked:
    """A lesson that passed every check, with its numbers, its plan and the warnings found."""

    lesson: Lesson
    numbers: LessonNumbers
    plan: Plan
    warnings: tuple[Problem, ...]


def number_rows(checked: Checked) -> list[tuple[str, str, str]]:
    """What ``lesson numbers`` prints, row by row: each placeholder, its text as the lesson shows and says it (its one
    form; a number too large to show, in scientific notation), and the math core's value."""
    d = checked.lesson.display.decimals
    forms = forms_of(checked.plan)
    values = checked.numbers.values()
    typed = typed_names(checked.lesson, values)
    rows = []
    for name, value in values.items():
        too_large = not isinstance(value, str) and whole_digits(float(value)) > limits.NUMBER_RUN_DIGITS
        shown = scientific(float(value), 3) if too_large else \
            forms.get(name) or placeholders.format_value(value, "", d, typed_value=name in typed)
        rows.append((name, str(shown), "" if isinstance(value, str) else repr(value)))
    return rows


def load_lesson(path: str | Path, *, allow_outside: bool = False) -> Lesson:
    """Read and validate the lesson script at ``path``; raise :class:`LessonError` listing every problem."""
    return check_lesson(path, allow_outside=allow_outside).lesson


def check_lesson(path: str | Path, *, allow_outside: bool = False) -> Checked:
    """Read, validate, compute and plan the lesson at ``path``: everything ``lesson check`` promises."""
    path = Path(path)
    return check_text(read_script(path, "lesson script"), str(path), path.parent, allow_outside=allow_outside)



def parse_lesson(text: str, filename: str = "<lesson>", *, allow_outside: bool = False) -> Lesson:
    """Validate the script ``text`` (files it names are looked for next to ``filename``)."""
    return check_text(text, filename, Path(filename).parent, allow_outside=allow_outside).lesson


def check_text(text: str, filename: str, folder: Path, *, allow_outside: bool = False) -> Checked:
    lesson, src = load.validate(text, filename)
    try:  # a trained network (network.train): its weights filled in, so that every later stage sees them
        lesson = trained.resolve(lesson, folder, allow_outside)
        lesson = trained.example_from_data(lesson, folder, allow_outside)
    except trained.TrainingProblem as exc:
        raise LessonError(load.problems_at(src, filename, [Finding(exc.where, exc.message)])) from None
    if problems := load.problems_at(src, filename, _cross_checks(lesson, folder, allow_outside)):
        raise LessonError(problems)
    numbers, plan, found = _computed(lesson, folder, allow_outside)
    if found:
        raise LessonError(load.problems_at(src, filename, found))
    assert numbers is not None and plan is not None
    said_wrong, said_oddly = _spoken_arithmetic(lesson, plan)
    if said_wrong:
        raise LessonError(load.problems_at(src, filename, said_wrong))
    drawn_words = {key for step in plan.steps for key in step.drawn_words}
    found_warnings = (_warnings(lesson) + typed_numbers(lesson, numbers) + said_oddly + _incoherent(lesson, plan, numbers)
                      + _same_seeds(lesson, numbers))
    # a word of words: that no step of this lesson draws changes nothing (the steps that draw it are not used)
    found_warnings += [Finding(("words", key), f"no step of this lesson draws the word {key!r}, so this changes nothing", at_key=True)
                       for key in (lesson.words or {}) if key not in drawn_words]
    return Checked(lesson, numbers, plan, tuple(load.problems_at(src, filename, found_warnings, "warning: ")))


def _spoken_arithmetic(lesson: Lesson, plan: Plan) -> tuple[list[Finding], list[Finding]]:
    """Relations the narration states in arithmetic words, judged at the spoken digits: a false one, or one said
    "=" that only rounds, is an error; "about" before an exact result a warning."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for s, (step, planned) in enumerate(zip(lesson.steps, plan.steps)):
        for said, expression, claimed, verdict, start in planned.relations:
            text = relations.message(said, expression, claimed, verdict)
            where = Finding(("steps", s, "narration"), text, needle=(step.narration, start))
            if verdict == relations.VERDICT_NO_ABOUT:
                warnings.append(where)
            elif verdict != relations.VERDICT_TRUE:
                errors.append(where)
    return errors, warnings


def _incoherent(lesson: Lesson, plan: Plan, numbers: LessonNumbers) -> list[Finding]:
    """One value in two forms in one step (a format written at one place), and two values that read the same."""
    values = numbers.values()
    out: list[Finding] = []
    for s, (step, planned) in enumerate(zip(lesson.steps, plan.steps)):
        for found in coherence.findings(planned.numbers, values):
            where: Path_ = ("steps", s)
            needle: Any = ""
            if found.what == coherence.FORCED:
                written = "{" + found.quantities[0] + ":" + found.spec + "}"
                at = next(((w, t) for w, t in templates(step, where) if written in t), None)
                if at is not None:
                    where, needle = at[0], (at[1], at[1].index(written))
            out.append(Finding(where, found.message(), needle=needle))
    return out


def _cross_checks(lesson: Lesson, folder: Path, allow_outside: bool) -> list[Finding]:
    """Checks that span several parts of the script: shapes, names, references, placeholders, files."""
    out: list[Finding] = network_problems(lesson) if lesson.network is not None else no_network_problems(lesson)
    out += checks.computations_problems(lesson)  # examples, losses, gradients, ...
    classes = [c.name for c in lesson.network.classes] if lesson.network is not None else []
    known = script_names.kinds(lesson)
    for s, step in enumerate(lesson.steps):
        at = ("steps", s)
        kind = kinds.get(step.kind)
        if lesson.network is None and kind.needs_network:
            out.append(Finding((*at, "kind"), f"a {step.kind!r} step shows the lesson's network and example: "
                        "add the network: and example: sections, or use a kind that does not need them"))
            continue
        if step.beside is not None and step.beside.each_class is not None:
            families = class_families(known, classes)
            if step.beside.each_class not in families:
                out.append(Finding((*at, "beside", "each_class"), f"{step.beside.each_class!r} is not a per-class value{one_of(step.beside.each_class, families, 'per-class values')}"))
        if step.beside is not None and not step.beside.rows and step.beside.each_class is None:
            out.append(Finding((*at, "beside"), "a panel needs rows or each_class"))
        out += _keep_problems(lesson, s)
        if kind.check is not None:
            context = kinds.Context(lesson, None, lesson.display.decimals, {}, folder, known)
            for found in kind.check(step, context):
                needle = _char_of(step, found.where, found.char) if found.char is not None else found.needle
                out.append(Finding((*at, *found.where), found.message, found.at_key, needle))
        if step.audio is not None:
            try:
                recording = script_file(folder, step.audio, "recording", allow_outside=allow_outside)
            except LessonError as exc:
                out.append(Finding((*at, "audio"), exc.problems[0].message))
            else:
                if why := recording_problem(recording):
                    out.append(Finding((*at, "audio"), f"recording {step.audio!r}: {why}"))
        for where, text in templates(step, at):
            for msg, needle in placeholders.problems(text, known):
                out.append(Finding(where, msg, needle=needle))
            out += [Finding(where, msg, needle=needle) for msg, needle in word_problems(text)]
    out += _font_problems(lesson)
    out += words.problems(lesson)  # the script's words: section
    ids = [s.id for s in lesson.steps if s.id]
    if lesson.video.poster is not None and lesson.video.poster not in ids:
        out.append(Finding(("video", "poster"), f"no step with id {lesson.video.poster!r}{one_of(lesson.video.poster, ids, 'step ids')}"))
    for s, step in enumerate(lesson.steps):
        if step.id and ids.count(step.id) > 1:
            out.append(Finding(("steps", s, "id"), f"step id {step.id!r} is used twice"))
    return out


def _keep_problems(lesson: Lesson, s: int) -> list[Finding]:
    """``transition: keep`` needs the screen of a step that can be kept (a network, a table) just before it, and room
    for what stays."""
    step = lesson.steps[s]
    if step.transition != "keep":
        return []
    at = ("steps", s, "transition")
    if s == 0:
        return [Finding(at, "the first step has no step before it whose screen it could keep; leave transition: keep out")]
    before = lesson.steps[s - 1]
    if kinds.get(before.kind).keeps is None:
        leave = " or ".join(f"a {k.name}" for k in kinds.registry().values() if k.keeps is not None)
        return [Finding(at, f"keep continues from {leave} step's screen (what it drew stays and moves into place), and "
                            f"the step before is a {before.kind!r} step; leave transition: keep out, or keep after {leave} step")]
    if step.kind == "title":
        return [Finding(at, "a title card begins on a screen of its own; leave transition: keep out")]
    if step.kind != "network" and step.beside is not None:
        return [Finding(("steps", s, "beside"), "what is kept from the step before stands where the panel would: "
                                                 "leave beside: out, or transition: keep")]
    return []


def _char_of(step: Any, where: tuple[Any, ...], char: int) -> tuple[str, int]:
    """A needle for :func:`_locate` that points at character ``char`` of the text option at ``where``."""
    value: Any = step
    for part in where:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return str(value), char



def _filled_too_long(lesson: Lesson, values: Any) -> list[Finding]:
    """Texts that fit as written but not once their placeholders are filled in (a cell of 24 characters)."""
    out: list[Finding] = []
    for s, step in enumerate(lesson.steps):
        for where, text, most in sized_templates(step, ("steps", s)):
            if most is not None and len(filled := placeholders.fill(text, values, lesson.display.decimals)) > most:
                out.append(Finding(where, f"at most {most} characters once filled in; this reads {one_line(filled, 40)!r} "
                            f"({len(filled)})"))
    return out


def _too_large_to_show(lesson: Lesson, values: Any) -> list[Finding]:
    """Placeholders whose value has more whole digits than a person reads (10^60 from define:, say): refused where
    they are written, since no screen or voice shows such a number as digits."""
    out: list[Finding] = []
    most = limits.NUMBER_RUN_DIGITS
    for s, step in enumerate(lesson.steps):
        for where, text in templates(step, ("steps", s)):
            for name, spec in placeholders.fields(text):
                value = values[name]
                if isinstance(value, (str, bool)):
                    continue
                if spec.endswith("%") and not math.isfinite(float(value) * 100):  # 1e308 as a percentage: no number
                    whole = whole_digits(float(value)) + 2
                else:
                    shown = placeholders.format_value(value, spec, lesson.display.decimals)
                    whole = len(re.sub(r"\D", "", shown.partition(".")[0]))
                if whole > most:  # digits.too_large, or a percentage of a large value
                    out.append(Finding(where, f"{{{name}}} is about {scientific(float(value), 3)}, a number of {whole} digits; a number "
                                f"shown or read aloud has at most {most} before its decimal point: show it in larger units "
                                "(a define: entry that divides it by a power of ten)", needle="{" + name))
    return out


def _font_problems(lesson: Lesson) -> list[Finding]:
    """Drawn text with characters no installed font has (they would show as empty boxes)."""
    out: list[Finding] = []
    families = installed_families()
    generic = {"sans", "sans-serif", "serif", "monospace", "mono"}  # fontconfig's own names for its default fonts
    if families is not None and lesson.theme.font.casefold() not in {f.casefold() for f in families} | generic:
        # Pango would draw the text in some other font without a word, beside formulas in Nimbus Sans
        out.append(Finding(("theme", "font"), f"the font {lesson.theme.font!r} is not installed"
                    + one_of(lesson.theme.font, families, "installed fonts")))
    drawn: list[tuple[Path_, str | None]] = [(("title",), lesson.title), (("subtitle",), lesson.subtitle), (("author",), lesson.author),
                                               (("next",), lesson.next)]
    if lesson.network is not None:
        for k, i in enumerate(lesson.network.inputs):
            drawn += [(("network", "inputs", k, "label"), i.label), (("network", "inputs", k, "unit"), i.unit)]
        drawn += [(("network", "classes", k, "label"), c.label) for k, c in enumerate(lesson.network.classes)]
    for s, step in enumerate(lesson.steps):
        drawn += [(where, text) for where, text in templates(step, ("steps", s)) if where[-1] != "narration"]
    for where, text in drawn:
        if text and any(ord(ch) > 0xFF for ch in text) and (missing := undrawable(text)):
            shown = "".join(missing[:8])
            packages = ", ".join(sorted({font_package(ch) for ch in missing}))
            out.append(Finding(where, f"no installed font can draw {shown!r}; install a font that does (Debian: {packages})", needle=missing[0]))
    return out



def _computed(lesson: Lesson, folder: Path, allow_outside: bool) -> tuple[Any, Any, list[Finding]]:
    """Run the math core and the planner; report, at its cause in the script, anything they cannot show."""

    try:
        numbers = compute(lesson, folder, allow_outside=allow_outside)
    except ComputeProblem as exc:
        return None, None, [Finding(exc.where, exc.message)]
    except TrainingTooLong as exc:
        return None, None, [Finding(("training", "epochs"), exc.problems[0].message)]
    except LessonError as exc:  # the training data
        return None, None, [Finding(("training", "data"), f"{p.message}") for p in exc.problems]
    except MathError as exc:
        return None, None, [Finding(("network",), f"the math core cannot compute this network: {exc}", at_key=True)]
    out: list[Finding] = []
    given = "scaled" if lesson.example is not None and lesson.example.scaled is not None else "raw"
    for i in numbers.inputs:
        if not abs(i.scaled) <= limits.SCALED_INPUT_MAX:
            out.append(Finding(("example", given, i.name), f"input {i.name!r} scales to {i.scaled:.4g} over its range "
                        f"[{i.low:g}, {i.high:g}]; scaled inputs must lie within ±{limits.SCALED_INPUT_MAX:g}"))
    last = len(numbers.layers) - 1
    for k, layer in enumerate(numbers.layers):
        values = [*layer.weighted_sums, *layer.values]
        bound = limits.RAW_OUTPUT_MAX if k == last else limits.HIDDEN_MAX
        worst = max(values, key=lambda v: abs(v) if np.isfinite(v) else np.inf)
        if not abs(worst) <= bound:
            what = "a raw output" if k == last else f"a node of layer {k + 1}"
            why = " (SoftMax shows e to the power of each raw output)" if k == last else ""
            out.append(Finding(("network", "layers", k, "weights"), f"{what} comes to {worst:.4g} for the example; it must lie within "
                        f"±{bound:g}{why}: use smaller weights, biases or inputs", at_key=True))
    for t, run in enumerate(numbers.trained):
        if not (np.all(np.isfinite(run.softmax)) and np.isfinite(run.final_loss)):
            out.append(Finding(("training", "learning_rate"), f"training from seed {run.seed} diverged (the loss is no longer a number): "
                        "use a smaller learning_rate"))
    values = numbers.values()
    for s, step in enumerate(lesson.steps):  # a name the script structure gives but the computation has no value for
        for where, text in templates(step, ("steps", s)):
            for name, _ in placeholders.fields(text):
                if name not in values:
                    out.append(Finding(where, f"{{{name}}} has no value: {_why_no_value(lesson, numbers, name)}", needle="{" + name))
    if not out:
        out += _too_large_to_show(lesson, values)
    if not out:
        out += _filled_too_long(lesson, values)
    if out:
        return numbers, None, out
    try:
        plan = build_plan(lesson, folder, numbers)
    except PlanError as exc:
        return numbers, None, [Finding(("steps", exc.step, *exc.where), exc.message)]
    return numbers, plan, []


def _why_no_value(lesson: Lesson, numbers: Any, name: str) -> str:
    head = name.split(".")[0]
    if head in lesson.descents and numbers.computed is not None:
        return f"the descent {head!r} stops after {numbers.computed.values.get(head + '.steps')} steps (use {head}.last for the last one)"
    return "the lesson does not compute it"


def typed_numbers(lesson: Lesson, numbers: Any) -> list[Finding]:
    """Numbers typed into narration and on-screen text that equal a computed value at the digits typed: each
    should be a placeholder (so that it changes with the script and is the math core's)."""
    values = [(k, float(v)) for k, v in numbers.values().items() if not isinstance(v, str) and not isinstance(v, bool)]
    out: list[Finding] = []
    number = re.compile(r"(?<![\w.])([-−]?\d+\.\d+|[-−]?\d+(?=\s?%))(\s?%)?")
    for s, step in enumerate(lesson.steps):
        for where, text in templates(step, ("steps", s)):
            plain = re.sub(r"\{[^{}]*\}", lambda m: " " * len(m.group()), text)
            for m in number.finditer(plain):
                typed = m.group(1).replace("−", "-")
                percent = bool(m.group(2))
                places = len(typed.partition(".")[2])
                same = [key for key, v in values if float(typed) != 0 and fixed(v * 100 if percent else v, places) == typed]
                if same:
                    spec = f":.{places}%" if percent else (f":.{places}f" if places != lesson.display.decimals else "")
                    names = " or ".join(f"{{{key}{spec}}}" for key in same[:3]) + (" or another" if len(same) > 3 else "")
                    out.append(Finding(where, f"the number {m.group().strip()} is a value the lesson computes: write {names}", needle=m.group().strip()))
    return out


def _warnings(lesson: Lesson) -> list[Finding]:
    """What renders, but badly: text hard to read on the background."""
    theme = lesson.theme
    out: list[Finding] = []
    colours = [(("theme", "text"), "text", theme.text), (("theme", "muted"), "muted text", theme.muted),
               (("theme", "accent"), "the accent", theme.accent)]
    if lesson.network is not None:
        colours += [(("network", "classes", c, "color"), f"class {cls.name!r}", cls.color) for c, cls in enumerate(lesson.network.classes)]
    for where, what, colour in colours:
        ratio = contrast(colour, theme.background)
        if ratio < limits.MIN_CONTRAST:
            out.append(Finding(where, f"{what} {colour} on the background {theme.background} has a contrast of {ratio:.1f}:1; "
                        f"at least {limits.MIN_CONTRAST:g}:1 is needed to read it"))
    return out


def _same_seeds(lesson: Lesson, numbers: LessonNumbers) -> list[Finding]:
    """Networks trained from two seeds that show the same SoftMax values at the lesson's decimals: a comparison of
    starts would show no difference (the "it depends on the start" caveat would be false on screen)."""
    if lesson.training is None or len(numbers.trained) < 2:
        return []
    d = lesson.display.decimals
    shown = [tuple(fixed(p, d) for p in run.softmax) for run in numbers.trained]
    out: list[Finding] = []
    for j in range(1, len(shown)):
        for i in range(j):
            if shown[i] == shown[j] and all(math.isfinite(p) for p in numbers.trained[j].softmax):
                out.append(Finding(("training", "seeds", j), f"seeds {numbers.trained[i].seed} and {numbers.trained[j].seed} give the same "
                            f"SoftMax values at {d} decimals ({', '.join(shown[j])}): trained networks compared side by side "
                            "would look the same; choose another seed"))
                break
    return out


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
