"""Spoken arithmetic, checked: "{a} plus {b} makes {c}", "minus the log of {p}, which is {l}", "{a} times {b} is
{c}", "{a}, {b} and {c} add up to about {d}", "the sum of {a} and {b} is {c}", "{p} squared is {q}".

A narration that relates numbers with arithmetic words states an equation; a viewer checks it at the digits they
hear. :func:`spoken` finds such relations in a narration template (the words per language are :data:`WORDS`, beside
the words the voice reads numbers with in :mod:`lesson.speech.normalize`): an expression over placeholders and
numbers written as digits, a verb ("is", "makes", "adds up to"), at most :data:`FILLER_WORDS` more words ("a total
cross-entropy of"), and the result. :func:`judged` evaluates one at the spoken digits with the truth rule
(:func:`lesson.base.truth.verify`): "=" when it says no "about", "≈" when it does. A relation needs at least one
placeholder and one arithmetic word; one over two sentences, or with numbers written as words, is not read.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lesson.base import truth

# per language: binary operators, the words of a function of one value (a template over {}), words after a value,
# the verbs of a relation, those that close a list ("{a}, {b} and {c} add up to"), and the words of "about"
WORDS: dict[str, dict] = {
    "en": {
        "operators": {"plus": "+", "minus": "-", "times": "*", "multiplied by": "*", "divided by": "/", "over": "/"},
        "prefixes": {"minus the log of": "-log({})", "minus the logarithm of": "-log({})", "the log of": "log({})",
                     "the logarithm of": "log({})", "log of": "log({})", "e to the power of": "exp({})",
                     "e to the power": "exp({})", "e to the": "exp({})", "twice": "2*({})", "half of": "({})/2",
                     "the square of": "({})^2"},
        "postfixes": {"squared": "({})^2", "cubed": "({})^3"},
        "list_start": ("the sum of", "the total of", "adding"),
        "list_and": ("and",),
        "list_verbs": ("add up to", "adds up to", "sum to", "sums to", "add to", "adds to", "total", "make", "makes",
                       "come to", "comes to", "gives", "give"),
        "verbs": ("makes", "make", "is", "are", "gives", "give", "equals", "comes to", "come to", "adds up to",
                  "add up to", "which is", "that is", "so", "and that is", "leaves"),
        "about": ("about", "approximately", "roughly", "around", "nearly", "almost"),
    },
}
FILLER_WORDS = 5  # words allowed between the verb and the result ("makes a total cross-entropy of")
SENTENCE_END = re.compile(r"[.;:!?]")
VERDICT_TRUE, VERDICT_SAY_ABOUT, VERDICT_NO_ABOUT, VERDICT_FALSE = "true", "say about", "exact, no about", "false"

Operand = tuple[str, str, str]  # ("placeholder", name, format) or ("number", digits as written, "")


@dataclass(frozen=True)
class Relation:
    """One relation as spoken: its place in the narration template, the expression (operands as {0}, {1}, ...), the
    operands, the result, and whether "about" was said."""

    start: int  # character in the template where it begins
    end: int
    expression: str
    operands: tuple[Operand, ...]
    result: Operand
    about: bool

    def written(self, template: str) -> str:
        return template[self.start:self.end]


def words_of(language: str) -> dict:
    for code in (language, language.split("-")[0], "en"):
        if code in WORDS:
            return WORDS[code]
    raise AssertionError("English has relation words")


@dataclass(frozen=True)
class _Token:
    kind: str  # "ph" (a placeholder), "num" (digits), "word", "punct"
    text: str  # the word in lower case, the digits, the punctuation, the placeholder's name
    spec: str
    start: int
    end: int


_WORD = re.compile(r"(?P<num>(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?%?)|(?P<word>[A-Za-z][A-Za-z'’-]*)|(?P<punct>[^\sA-Za-z\d])")


def _tokens(template: str) -> list[_Token]:
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return []
    out: list[_Token] = []
    pos = 0
    for literal, field, spec, conv in parts:
        for m in _WORD.finditer(literal):
            kind = m.lastgroup or "punct"
            text = m.group().lower() if kind == "word" else m.group()
            out.append(_Token(kind, text, "", pos + m.start(), pos + m.end()))
        pos += len(literal)
        if field is None:
            continue
        written = "{" + field + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        out.append(_Token("ph", field, spec or "", pos, pos + len(written)))
        pos += len(written)
    return out


@functools.cache
def _longest_first(options: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((o, tuple(o.split())) for o in sorted(options, key=lambda o: -len(o.split())))


class _Parser:
    def __init__(self, tokens: list[_Token], w: dict):
        self.t, self.w = tokens, w

    def phrase(self, i: int, options: Sequence[str], skip_commas: bool = False) -> tuple[str, int] | None:
        """The longest of ``options`` (phrases of words) at token ``i``: (the phrase, the token after it)."""
        while skip_commas and i < len(self.t) and self.t[i].text == ",":
            i += 1
        if i >= len(self.t) or self.t[i].kind != "word":
            return None
        for option, words in _longest_first(tuple(options)):
            if words[0] == self.t[i].text and all(
                    i + k < len(self.t) and self.t[i + k].kind == "word" and self.t[i + k].text == wd for k, wd in enumerate(words)):
                return option, i + len(words)
        return None

    def operand(self, i: int) -> tuple[Operand, int] | None:
        if i < len(self.t) and self.t[i].kind in ("ph", "num"):
            tok = self.t[i]
            return (("placeholder", tok.text, tok.spec) if tok.kind == "ph" else ("number", tok.text, "")), i + 1
        return None

    def term(self, i: int, operands: list[Operand]) -> tuple[str, int] | None:
        pre = self.phrase(i, list(self.w["prefixes"]))
        j = pre[1] if pre else i
        found = self.operand(j)
        if found is None:
            return None
        operands.append(found[0])
        text, j = "{" + str(len(operands) - 1) + "}", found[1]
        if pre:
            text = self.w["prefixes"][pre[0]].replace("{}", text)
        post = self.phrase(j, list(self.w["postfixes"]))
        if post:
            text, j = self.w["postfixes"][post[0]].replace("{}", text), post[1]
        return text, j

    def expression(self, i: int) -> tuple[str, list[Operand], int, int, bool] | None:
        """An expression at token ``i``: (text, operands, the token after it, arithmetic words in it, is a list)."""
        listed = self.listed(i)
        if listed is not None:
            return listed
        operands: list[Operand] = []
        first = self.term(i, operands)
        if first is None:
            return None
        text, j = first
        words = text.count("(")  # a function or a power is an arithmetic word
        while True:
            op = self.phrase(j, list(self.w["operators"]))  # after a comma a new phrase begins (", minus the log of")
            if op is None:
                break
            nxt = self.term(op[1], operands)
            if nxt is None:
                break
            text, j, words = f"{text} {self.w['operators'][op[0]]} {nxt[0]}", nxt[1], words + 1
        return text, operands, j, words, False

    def listed(self, i: int) -> tuple[str, list[Operand], int, int, bool] | None:
        """"[the sum of] {a}, {b} and {c}": a sum of a list."""
        start = self.phrase(i, self.w["list_start"])
        j = start[1] if start else i
        operands: list[Operand] = []
        found = self.operand(j)
        if found is None:
            return None
        operands.append(found[0])
        j = found[1]
        while j < len(self.t) and self.t[j].text == ",":
            nxt = self.operand(j + 1)
            if nxt is None:
                break
            operands.append(nxt[0])
            j = nxt[1]
        and_ = self.phrase(j, self.w["list_and"], skip_commas=True)
        last = self.operand(and_[1]) if and_ else None
        if last is None or (len(operands) < 2 and not start):
            return None
        operands.append(last[0])
        return " + ".join("{" + str(k) + "}" for k in range(len(operands))), operands, last[1], len(operands) - 1, True

    def relation(self, i: int) -> tuple[Relation, int] | None:
        found = self.expression(i)
        if found is None:
            return None
        text, operands, j, words, is_list = found
        if not words:
            return None
        verbs = [*self.w["verbs"], *self.w["about"], *(self.w["list_verbs"] if is_list else ())]
        verb = self.phrase(j, verbs, skip_commas=True)
        if verb is None:
            return None
        about = verb[0] in self.w["about"]
        k, filler = verb[1], 0
        while k < len(self.t) and self.t[k].kind == "word" and filler <= FILLER_WORDS:
            about = about or self.t[k].text in self.w["about"]
            k, filler = k + 1, filler + 1
        while k < len(self.t) and self.t[k].text == ",":
            k += 1
        result = self.operand(k)
        if result is None or filler > FILLER_WORDS:
            return None
        if not any(o[0] == "placeholder" for o in (*operands, result[0])):
            return None
        start, end = self.t[i].start, self.t[k].end
        return Relation(start, end, text, tuple(operands), result[0], about), k + 1


def spoken(template: str, language: str = "en") -> list[Relation]:
    """The relations ``template`` (a narration with placeholders) states, sentence by sentence."""
    return list(_spoken(template, language))


@functools.lru_cache(maxsize=1024)
def _spoken(template: str, language: str) -> tuple[Relation, ...]:
    tokens = _tokens(template)
    parser = _Parser(tokens, words_of(language))
    out: list[Relation] = []
    i = 0
    while i < len(tokens):
        found = parser.relation(i)
        if found is not None and not any(t.kind == "punct" and SENTENCE_END.fullmatch(t.text) for t in tokens[i:found[1]]):
            out.append(found[0])
            i = found[1]
        else:
            i += 1
    return tuple(out)


def _plain(text: str) -> str | None:
    """A spoken number as the truth rule reads it (digits, minus, point), or None if it is no plain number."""
    t = text.replace("\u2212", "-").replace(",", "")
    return t if re.fullmatch(r"-?\d+(?:\.\d+)?%?", t) else None


def judged(relation: Relation, text_of: Callable[[str, str], str]) -> tuple[str, str, str]:
    """``(expression at the spoken digits, the relation claimed, verdict)``; ``text_of(name, format)`` is a
    placeholder's spoken text. A value spoken as a bound ("< 0.01") or a word, or percentages mixed with plain
    numbers, make no arithmetic to check: the verdict is then ""."""
    def said(o: Operand) -> str | None:
        return _plain(text_of(o[1], o[2]) if o[0] == "placeholder" else o[1])

    spoken = [said(o) for o in (*relation.operands, relation.result)]
    every = [t for t in spoken if t is not None]
    if len(every) < len(spoken):
        return "", "", ""
    if len({t.endswith("%") for t in every}) > 1:
        return "", "", ""
    *texts, result = [t.rstrip("%") for t in every]
    expression = relation.expression
    for k, t in enumerate(texts):
        expression = expression.replace("({" + str(k) + "})", f"({t})")  # already in parentheses: a function's argument
        expression = expression.replace("{" + str(k) + "}", f"({t})" if t.startswith("-") else t)
    claimed = truth.APPROX if relation.about else truth.EQUALS
    exact = truth.verify(expression, truth.EQUALS, result)
    close = truth.verify(expression, truth.APPROX, result)
    if relation.about:
        verdict = VERDICT_NO_ABOUT if exact else VERDICT_TRUE if close else VERDICT_FALSE
    else:
        verdict = VERDICT_TRUE if exact else VERDICT_SAY_ABOUT if close else VERDICT_FALSE
    return expression, claimed, verdict


def message(said: str, expression: str, claimed: str, verdict: str) -> str:
    """Why a relation as written (``said``, ending with its result) is wrong at the spoken digits, and how to say it."""
    at_spoken = expression.replace("-", "\u2212")
    placeholder = re.search(r"\{([^{}:!]+)[^{}]*\}$", said)
    result = "{" + placeholder.group(1) + "}" if placeholder else said.split()[-1]
    if verdict == VERDICT_FALSE:
        return (f"the narration says {at_spoken} {'is about' if claimed == truth.APPROX else 'is'} {result}, which is false "
                "at the digits spoken: reword it, or say a relation that holds")
    if verdict == VERDICT_SAY_ABOUT:
        return f"{at_spoken} only rounds to {result}: say \"about\" before it"
    return f"{at_spoken} is exactly {result}: leave out \"about\""
