"""Spoken arithmetic, checked: "{a} plus {b} makes {c}", "minus the log of {p}, which is {l}", "{a} times {b} is
{c}", "{a} divided by {b} gives about {c}".

A narration that relates placeholders with arithmetic words states an equation; a viewer checks it at the digits they
hear. :func:`spoken` finds such relations in a narration (the words per language are :data:`WORDS`, beside the
words the voice reads numbers with in :mod:`lesson.speech.normalize`), and :func:`judged` evaluates one at the spoken
digits with the truth rule (:func:`lesson.truth.verify`): "=" when it says no "about", "≈" when it does.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lesson import truth

# per language: the words of a binary operation, of a function of one value, of "is", and of "about"
WORDS: dict[str, dict[str, dict[str, str] | tuple[str, ...]]] = {
    "en": {
        "operators": {"plus": "+", "minus": "-", "times": "*", "multiplied by": "*", "divided by": "/", "over": "/"},
        "functions": {"minus the log of": "-log", "minus the logarithm of": "-log", "the log of": "log",
                      "the logarithm of": "log", "e to the": "exp", "e to the power of": "exp"},
        "connectors": ("makes", "make", "is", "are", "gives", "give", "equals", "comes to", "come to", "adds up to",
                       "add up to", "which is", "that is", "so"),
        "about": ("about", "approximately", "roughly", "around", "nearly", "almost"),
    },
}
FILLER_WORDS = 5  # words allowed between the connector and the result ("makes a total cross-entropy of")
VERDICT_TRUE, VERDICT_SAY_ABOUT, VERDICT_NO_ABOUT, VERDICT_FALSE = "true", "say about", "exact, no about", "false"


@dataclass(frozen=True)
class Relation:
    """One relation as spoken: its place in the narration template, the expression over placeholder names, the
    result's name, and whether "about" was said."""

    start: int  # character in the template where it begins
    end: int
    expression: str  # "-log({p})", "{a} + {b} + {c}": placeholders as written, in braces
    operands: tuple[str, ...]
    result: str
    about: bool


def words_of(language: str) -> dict:
    for code in (language, language.split("-")[0], "en"):
        if code in WORDS:
            return WORDS[code]
    raise AssertionError("English has relation words")


def _alternatives(options: Sequence[str]) -> str:
    return "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in sorted(options, key=len, reverse=True))


def spoken(template: str, language: str = "en") -> list[Relation]:
    """The relations ``template`` (a narration with placeholders) states."""
    w = words_of(language)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return []
    # the placeholders with their places in the template
    fields: list[tuple[str, int, int]] = []
    pos = 0
    for literal, field, spec, conv in parts:
        pos += len(literal)
        if field is None:
            continue
        written = "{" + field + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        fields.append((field, pos, pos + len(written)))
        pos += len(written)
    operator = re.compile(rf"^[\s,]*(?:{_alternatives(list(w['operators']))})[\s,]*$", re.I)  # type: ignore[arg-type]
    function = re.compile(rf"(?:^|[\s,(])(?P<fn>{_alternatives(list(w['functions']))})\s*$", re.I)  # type: ignore[arg-type]
    connector = re.compile(rf"^[\s,]*(?P<c>{_alternatives([*w['connectors'], *w['about']])})\b(?P<fill>(?:\s+[^\s{{}}.;:!?]+){{0,{FILLER_WORDS}}}?)\s*$", re.I)  # type: ignore[arg-type]
    about = re.compile(rf"\b(?:{_alternatives(w['about'])})\b", re.I)  # type: ignore[arg-type]
    out: list[Relation] = []
    i = 0
    while i < len(fields):
        name, a, b = fields[i]
        before = template[fields[i - 1][2] if i else 0:a]
        fn = function.search(before)
        start = a - (len(before) - fn.start("fn")) if fn else a
        terms = [(f"{w['functions'][_key(fn.group('fn'), w['functions'])]}({{{name}}})" if fn else f"{{{name}}}")]  # type: ignore[index]
        operands = [name]
        ops = 0
        j = i
        while j + 1 < len(fields):
            between = template[fields[j][2]:fields[j + 1][1]]
            m = operator.match(between)
            if not m:
                break
            op = w["operators"][_key(between.strip(" ,"), w["operators"])]  # type: ignore[index]
            nxt = fields[j + 1][0]
            terms.append(f" {op} {{{nxt}}}")
            operands.append(nxt)
            ops += 1
            j += 1
        if (ops or fn) and j + 1 < len(fields):
            between = template[fields[j][2]:fields[j + 1][1]]
            c = connector.match(between)
            if c:
                result, _, end = fields[j + 1]
                out.append(Relation(start, end, "".join(terms), tuple(operands), result, bool(about.search(c.group("fill") or ""))
                                    or bool(about.search(between))))
                i = j + 2
                continue
        i = j + 1 if ops else i + 1
    return out


def _key(said: str, table: Mapping[str, str]) -> str:
    plain = re.sub(r"\s+", " ", said.strip().lower())
    return next(k for k in table if k == plain)


def judged(relation: Relation, texts: Mapping[str, str]) -> tuple[str, str, str]:
    """``(expression at the spoken digits, the relation claimed, verdict)``; ``texts`` holds each placeholder's
    spoken text. A value spoken as a bound ("< 0.01") or a word makes no arithmetic: the verdict is then ""."""
    spoken_texts = {n: texts[n].replace("\u2212", "-") for n in (*relation.operands, relation.result)}
    if any(not re.fullmatch(r"-?\d+(?:\.\d+)?", t) for t in spoken_texts.values()):
        return "", "", ""
    expression = relation.expression
    for n in relation.operands:
        t = spoken_texts[n]
        expression = expression.replace("{" + n + "}", f"({t})" if t.startswith("-") else t)
    result = spoken_texts[relation.result]
    claimed = truth.APPROX if relation.about else truth.EQUALS
    exact = truth.verify(expression, truth.EQUALS, result)
    close = truth.verify(expression, truth.APPROX, result)
    if relation.about:
        verdict = VERDICT_NO_ABOUT if exact else VERDICT_TRUE if close else VERDICT_FALSE
    else:
        verdict = VERDICT_TRUE if exact else VERDICT_SAY_ABOUT if close else VERDICT_FALSE
    return expression, claimed, verdict


def message(relation: Relation, expression: str, verdict: str) -> str:
    said = expression.replace("-", "\u2212")
    if verdict == VERDICT_FALSE:
        return (f"the narration says {said} {'is about' if relation.about else 'is'} {{{relation.result}}}, which is false at "
                "the digits spoken; say the numbers the lesson computes, or reword")
    if verdict == VERDICT_SAY_ABOUT:
        return f"{said} only rounds to {{{relation.result}}}: say \"about\" before it"
    return f"{said} is exactly {{{relation.result}}}: leave out \"about\""
