"""The words the built-in scenes draw besides the script's own texts: column headings, axis labels, short notes.

One table per language (:data:`TABLES`); the lesson's ``language:`` picks it (``en-GB`` uses ``en``; a language
without a table uses ``en``), and the script's ``words:`` section replaces any entry. An entry is a template: its
``{slots}`` (a class label, a number, ...) are filled by the plan builder, so a scene draws finished strings and
holds no word itself. Every entry may also use ``{example}``: the lesson's ``example_noun`` (what the example is:
a flower, a fruit, a patient).

Slots are filled by plain substitution (never ``str.format``): an author's template cannot reach anything but the
slot values. :func:`problems` checks a script's ``words:`` (known keys, known slots, drawable characters).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lesson.base.hints import did_you_mean
from lesson.base.errors import Finding, one_line
from lesson.base.fonts import font_package, undrawable

if TYPE_CHECKING:
    from lesson.script.model import Lesson

DEFAULT_LANGUAGE = "en"

# key -> template. Keys are stable identifiers (a script's words: names them); every language has every key.
TABLES: dict[str, dict[str, str]] = {
    "en": {
        "example_noun": "example",
        # argmax
        "class": "class",
        "raw_output": "raw output",
        "argmax": "ArgMax",
        "prediction": "prediction: {label}",
        # argmax_gradient
        "raw_output_for": "raw output for {label}",
        "argmax_output": "ArgMax output",
        "example_at": "example: {value}",
        "slope_zero": "slope 0",
        "others_fixed": "the others, fixed:",
        "loss": "loss",
        # softmax_properties
        "softmax": "SoftMax",
        "same_order": "same order",
        "values_rounded": "each value rounded",
        "add_up_to_one": "they add up to 1",
        "between_0_and_1": "every value lies between 0 and 1",
        "start": "start {letter}: {accuracy} correct",
        "start_letters": "ABCD",
        "other_starts": "same {example}, different starting weights",
        # softmax
        "exp_column": "eᶻ",
        "sum": "sum",
        # softmax_formula
        "i_meaning": "i: the class we look at",
        "j_meaning": "j: runs over all {n} classes",
        "z_meaning": "z: the raw outputs",
        # softmax_derivatives
        "none_zero": "none is 0: gradient descent can use them",
        "none_exactly_zero": "none is exactly 0: gradient descent can use them",
        # architecture (lesson/kinds/architecture.py)
        "arch_input": "input",
        "arch_conv1": "conv 3×3",
        "arch_group": "group {n}",
        "arch_head": "pool, fc",
        "arch_output": "output",
        "arch_params": "parameters",
        "arch_mult_adds": "mult-adds",
        "arch_total": "total",
        "arch_widen": "k = {k}",
        "arch_repeat": "× {n}",
        "arch_block": "one block of {group}",
        "arch_bn": "BN",
        "arch_relu": "ReLU",
        "arch_conv": "conv {kernel}×{kernel}, {filters}",
        "arch_stride": "stride {stride}",
        # network: the activation written under each layer (one per activation of the math core)
        "activation_relu": "ReLU",
        "activation_softplus": "softplus",
        "activation_sigmoid": "sigmoid",
        "activation_identity": "identity",
        # cross_entropy
        "cross_entropy": "cross-entropy",
        "observed_probability": "probability of the observed class",
        # node
        "node_sum": "weighted sum",
        "node_sigma": "Σ",
        "node_activation": "activation",
        "node_bias": "bias {bias}",
        "node_output": "output",
        # the closing card
        "next": "Next: {what}",
    },
}

SLOT = re.compile(r"\{([a-z_]+)\}")
COMMON_SLOTS = ("example",)  # filled in every entry (but example_noun itself)

# the slots each entry's builder fills (besides COMMON_SLOTS)
SLOTS: dict[str, tuple[str, ...]] = {
    "prediction": ("label",),
    "next": ("what",),
    "node_bias": ("bias",),
    "raw_output_for": ("label",),
    "example_at": ("value",),
    "start": ("letter", "accuracy"),
    "j_meaning": ("n",),
    "arch_group": ("n",),
    "arch_widen": ("k",),
    "arch_repeat": ("n",),
    "arch_block": ("group",),
    "arch_conv": ("kernel", "filters"),
    "arch_stride": ("stride",),
}


def table(language: str) -> dict[str, str]:
    """The table of ``language`` (``en-GB`` → ``en``), or the default language's when there is none."""
    for code in (language, language.split("-")[0], DEFAULT_LANGUAGE):
        if code in TABLES:
            return dict(TABLES[code])
    raise AssertionError("the default language has a table")


def slots(key: str) -> tuple[str, ...]:
    """The slots an entry may use."""
    return SLOTS.get(key, ()) + (() if key == "example_noun" else COMMON_SLOTS)


class Words:
    """A lesson's words: its language's table with the script's ``words:`` over it."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, overrides: Mapping[str, str] | None = None,
                 used: set[str] | None = None):
        self.templates = table(language)
        self.used = used  # where the keys of the entries drawn are written down ({example} draws example_noun)
        unknown = set(overrides or {}) - set(self.templates)
        if unknown:  # the loader reports these at their place in the script first
            raise KeyError(f"unknown words: {', '.join(sorted(unknown))}")
        self.templates.update(overrides or {})

    def __call__(self, key: str, **values: Any) -> str:
        """Entry ``key`` with its slots filled by ``values`` (and ``{example}`` by the example noun)."""
        given = {"example": self.templates["example_noun"], **{k: str(v) for k, v in values.items()}}
        wanted = set(slots(key))
        if self.used is not None:
            self.used.add(key)
            if "{example}" in self.templates[key]:
                self.used.add("example_noun")
        if set(values) - wanted:
            raise KeyError(f"word {key!r} has no slots {sorted(set(values) - wanted)}")
        return SLOT.sub(lambda m: given[m.group(1)] if m.group(1) in wanted else m.group(0), self.templates[key])


def of(lesson: Lesson) -> Words:
    return Words(lesson.language, lesson.words)


def template_problem(key: str, text: str) -> tuple[str, str] | None:
    """What is wrong with ``text`` as entry ``key`` (a slot it cannot have, a stray brace): (message, needle)."""
    allowed = slots(key)
    for m in SLOT.finditer(text):
        if m.group(1) not in allowed:
            can = f"it can use {', '.join('{' + s + '}' for s in allowed)}" if allowed else "it has no slots"
            return f"word {key!r} has no slot {m.group(0)}; {can}", m.group(0)
    slot_chars = {i for m in SLOT.finditer(text) for i in range(m.start(), m.end())}
    stray = next((i for i, ch in enumerate(text) if ch in "{}" and i not in slot_chars), None)
    if stray is not None:
        needle = text[stray:stray + 12]  # pointed at where it first stands in the text: so only when it stands once
        return f"a brace that is not a slot in word {key!r}; slots are written {{name}}", needle if text.count(needle) == 1 else ""
    return None


def problems(lesson: Lesson) -> list[Finding]:
    """The script's ``words:`` checked: known keys, known slots, characters an installed font can draw, each problem
    a :class:`Finding` at its place in the script (at the key, or at the text it points at)."""
    known = list(table(lesson.language))
    out: list[Finding] = []
    for key, text in lesson.words.items():
        where = ("words", key)
        if key not in known:
            hint = did_you_mean(key, known)
            out.append(Finding(where, f"unknown word {one_line(key, 40)!r}{hint}" + ("" if hint else "; `lesson words` lists them"), at_key=True))
            continue
        if found := template_problem(key, text):
            out.append(Finding(where, found[0], needle=found[1]))
        if key == "start_letters" and (len(set(text)) != len(text) or any(ch.isspace() for ch in text)):
            out.append(Finding(where, "start_letters: one different character per trained network, without spaces"))
        elif key == "start_letters" and lesson.training is not None and len(text) < len(lesson.training.seeds):
            n, runs = len(text), len(lesson.training.seeds)
            out.append(Finding(where, f"start_letters has {n} letter{'s' * (n != 1)} for {runs} trained networks; give one each"))
        if any(ord(ch) > 0xFF for ch in text) and (missing := undrawable(text)):
            packages = ", ".join(sorted({font_package(ch) for ch in missing}))
            out.append(Finding(where, f"no installed font can draw {''.join(missing[:8])!r}; install a font that does (Debian: {packages})", needle=missing[0]))
    return out
