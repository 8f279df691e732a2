"""Text normalisation before synthesis: how numbers, signs and symbols are read aloud.

Captions keep the digits; only the voice gets the words. Each display token
(a whitespace-separated piece of the narration) is turned into its spoken
form on its own, so that word timings from the voice map back to the
caption's tokens one to one.

Speech engines drop a minus sign that follows "=" or "(", and read "e^{1.43}"
letter by letter; here "−0.44" and "-0.44" become "minus zero point four four"
and "e^{1.43}" becomes "e to the power of one point four three".
"""

from __future__ import annotations

import functools
import re

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))
MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, Unicode minus, en dash

_SYMBOLS = {
    "=": "equals",
    "\u2248": "is about",
    "\u00d7": "times",
    "\u00b7": "times",
    "*": "times",
    "+": "plus",
    "/": "over",
    "<": "is less than",
    ">": "is greater than",
    "\u2264": "is at most",
    "\u2265": "is at least",
    "\u2211": "the sum of",
    "\u03a3": "the sum of",
    "\u2202": "partial",
    "%": "percent",
    "&": "and",
    "\u2192": "to",
}

_NUMBER = re.compile(rf"(?P<sign>[{MINUS_SIGNS}+])?(?P<int>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.(?P<frac>\d+))?(?P<pct>%)?")
_POWER = re.compile(r"e\^\{?(?P<exp>[^}\s]+?)\}?(?=$|[\s,.;:!?)])")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_SENTENCE_END = ",.;:!?"
_NAME = re.compile(r"[A-Za-z]{2,}")  # a word, not one letter standing for a variable ("x-1" is x minus one)
_NAME_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=\d)")


def integer_words(n: int) -> str:
    """0 → "zero", 42 → "forty two", 1300 → "one thousand three hundred"."""
    if n < 0:
        return "minus " + integer_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + integer_words(rest))
    for size, name in _SCALES:
        if n >= size:
            high, rest = divmod(n, size)
            return integer_words(high) + " " + name + ("" if rest == 0 else " " + integer_words(rest))
    raise AssertionError("unreachable")


def number_words(text: str) -> str:
    """A number as written ("-0.44", "1,300", "95%") read aloud."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        raise ValueError(f"not a number: {text!r}")
    words = []
    if m["sign"] and m["sign"] in MINUS_SIGNS:
        words.append("minus")
    elif m["sign"] == "+":
        words.append("plus")
    words.append(integer_words(int(m["int"].replace(",", ""))))
    if m["frac"]:
        words.append("point")
        words.extend(_ONES[int(d)] for d in m["frac"])
    if m["pct"]:
        words.append("percent")
    return " ".join(words)


def _numbers_in(text: str) -> str:
    out, pos = [], 0
    for m in _NUMBER.finditer(text):
        start, sign = m.start(), m["sign"]
        out.append(text[pos:start])
        if sign and start > 0 and (text[start - 1].isalnum() or text[start - 1] in ")]}"):
            # "1−0.69" and "x+1": the sign is an operator between two terms
            out.append(" minus " if sign in MINUS_SIGNS else " plus ")
            out.append(number_words(m.group(0)[1:]))
        else:
            if start > 0 and text[start - 1].isalpha():
                out.append(" ")
            out.append(number_words(m.group(0)))
            if m.end() < len(text) and text[m.end()].isalpha():  # "6N": six N, not "sixN"
                out.append(" ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


@functools.lru_cache(maxsize=16384)  # a pure function of the token; a lesson repeats its words
def spoken(token: str) -> str:
    """The spoken form of one display token; "" for a token that is not read (a lone dash)."""
    t = token
    t = _POWER.sub(lambda m: f"e to the power of {m['exp']}", t)
    t = t.replace("_", " ")
    t = _CAMEL.sub(" ", t)  # ArgMax → Arg Max, SoftMax → Soft Max
    if _NAME.match(t):  # a name with a number: "CIFAR-10", "WRN-28-10", "ResNet-1001" (a hyphen, not a minus)
        t = _NAME_HYPHEN.sub(" ", t)
    t = _numbers_in(t)
    for sym, words in _SYMBOLS.items():
        if sym in t:
            t = t.replace(sym, f" {words} ")
    if t in ("-", "\u2212"):
        return "minus"
    if t.strip(MINUS_SIGNS + "\u2014 ") == "":  # a dash between clauses is a pause, not a word
        return ""
    # what is left of minus signs: Unicode minus always, a hyphen unless it joins two words ("cross-entropy")
    t = t.replace("\u2212", " minus ")
    t = re.sub(r"(?<![A-Za-z])-|-(?![A-Za-z])", " minus ", t)
    t = re.sub(r"[{}^]", " ", t)
    return " ".join(t.split())


def tokens(text: str) -> list[tuple[str, int]]:
    """Whitespace-separated tokens of ``text`` with their character offsets."""
    return [(m.group(0), m.start()) for m in re.finditer(r"\S+", text)]


__all__ = ["integer_words", "number_words", "spoken", "tokens", "MINUS_SIGNS"]
