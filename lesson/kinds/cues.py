"""When something appears: the cues of a step's narration, shared by the kinds that show things at a cue.

A cue is a placeholder the narration speaks (``softmax.sunny``: the moment the voice says its value), the
start of a sentence (``sentence.3``), as the planner marks them (:func:`sentence_cues`), or a word of a sentence
(``sentence.3:plus``, ``sentence.4:one by one``: the first place in that sentence where the voice says these
words), for a thing the voice names without a number; the planner marks the word cues a step's data names
(:func:`word_cues`).
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from lesson.base.errors import Finding
from lesson.base.hints import one_of
from lesson.script.placeholders import text_of
from lesson.speech import normalize

SENTENCE = re.compile(r"sentence\.([0-9]+)")
WORD = re.compile(r"sentence\.([0-9]+):[ ]*(\S.*)")  # sentence.3:plus, the words after the colon
CUE_HELP = ("a placeholder the narration speaks (without braces, e.g. softmax.sunny), sentence.N, or sentence.N:words "
            "(where sentence N says these words)")
_EDGES = string.punctuation + "“”‘’«»–—…"


def sentence_cues(tokens: list[str]) -> tuple[tuple[str, int], ...]:
    """``sentence.N``: the token where the narration's N-th sentence (from 1) begins, for things shown sentence by
    sentence (a text step's points)."""
    out = [("sentence.1", 0)] if tokens else []
    for i, token in enumerate(tokens[:-1]):
        if token.rstrip("\"'”’)").endswith((".", "!", "?")):
            out.append((f"sentence.{len(out) + 1}", i + 1))
    return tuple(out)


def _bare(token: str) -> str:
    return token.strip(_EDGES).casefold()


def word_at(name: str, tokens: Sequence[str]) -> int | None:
    """The token where the word cue ``name`` (``sentence.N:words``) is said: the first place inside sentence N where
    the narration has these words one after another (case and the punctuation around a word aside); None if not."""
    m = WORD.fullmatch(name)
    if m is None:
        return None
    starts = dict(sentence_cues(list(tokens)))
    n = int(m.group(1))
    if f"sentence.{n}" not in starts:
        return None
    start, end = starts[f"sentence.{n}"], starts.get(f"sentence.{n + 1}", len(tokens))
    words = [_bare(w) for w in m.group(2).split()]
    for i in range(start, end - len(words) + 1):
        if all(_bare(tokens[i + k]) == w for k, w in enumerate(words)):
            return i
    return None


def _word_cues_in(data: Any) -> Iterator[str]:
    """Every string in ``data`` (nested mappings, lists and tuples) that is a word cue, in order."""
    if isinstance(data, str):
        if WORD.fullmatch(data):
            yield data
    elif isinstance(data, Mapping):
        for v in data.values():
            yield from _word_cues_in(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from _word_cues_in(v)


def word_cues(data: Any, tokens: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """Every word cue a step's data names (any string in it that is one, once), with the token where it is said: the
    planner adds them to the step's cues, so that any kind can take ``sentence.N:words`` where it takes a cue."""
    found: dict[str, int] = {}
    for name in _word_cues_in(data):
        if name not in found and (at := word_at(name, tokens)) is not None:
            found[name] = at
    return tuple(found.items())


def named_words(step: Any) -> list[str]:
    """Every word cue (``sentence.N:words``) the options of ``step`` name, once each, for :func:`narration_cues`'s
    ``words`` (a kind that orders its cues at plan time must see them, or they would come first)."""
    return list(dict.fromkeys(_word_cues_in(step.model_dump(mode="json", exclude={"narration"}))))


def narration_cues(narration: str, values: Mapping[str, Any] | None = None, decimals: int = 2,
                   forms: Mapping[str, int] | None = None, typed: Collection[str] = (),
                   words: Collection[str] = ()) -> dict[str, int]:
    """Every cue of ``narration`` with the token where it is first reached: each placeholder it speaks,
    ``sentence.N`` for the start of its N-th sentence, and each word cue of ``words`` it says.

    With ``values`` the narration is filled in first, as the planner does (so the token numbers are the plan's);
    without, the raw narration is read (``lesson check``, before the math core), each placeholder one token.
    """
    tokens, spans = _filled(narration, values, decimals, forms, typed)
    starts = [start for _, start in tokens]
    out: dict[str, int] = {}
    for name, start in spans:
        out.setdefault(name, bisect.bisect_right(starts, start) - 1)
    said = [t for t, _ in tokens]
    for name, index in sentence_cues(said):
        out.setdefault(name, index)
    for name in words:
        if (at := word_at(name, said)) is not None:
            out.setdefault(name, at)
    return out


def narration_tokens(narration: str, values: Mapping[str, Any] | None = None, decimals: int = 2,
                     forms: Mapping[str, int] | None = None, typed: Collection[str] = ()) -> list[str]:
    """The narration's tokens as the planner counts them (filled in with ``values``, as :func:`narration_cues`)."""
    return [t for t, _ in _filled(narration, values, decimals, forms, typed)[0]]


def _filled(narration: str, values: Mapping[str, Any] | None, decimals: int, forms: Mapping[str, int] | None,
            typed: Collection[str]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The filled-in narration's tokens (with their offsets) and each placeholder's offset in it."""
    parts: list[str] = []
    spans: list[tuple[str, int]] = []
    pos = 0
    try:
        parsed = list(string.Formatter().parse(narration))
    except ValueError:  # broken braces: the loader reports them; read the narration as it is
        parsed = [(narration, None, None, None)]
    for literal, field, spec, _ in parsed:
        parts.append(literal)
        pos += len(literal)
        if field is None:
            continue
        shown = text_of(values, field, spec or "", decimals, forms, typed) if values is not None else "{" + field + "}"
        parts.append(shown)
        spans.append((field, pos))
        pos += len(shown)
    return normalize.tokens("".join(parts)), spans


def sentences(cues: Mapping[str, int]) -> int:
    """How many sentences the narration has (its ``sentence.N`` cues)."""
    return sum(1 for name in cues if SENTENCE.fullmatch(name))


def cue_problem(at: str, narration: str, known: Mapping[str, str] | Sequence[str]) -> str | None:
    """Why ``at`` cannot be a cue of a step with this (raw) narration, or None if it can."""

    cues = narration_cues(narration)
    n = sentences(cues)
    if m := SENTENCE.fullmatch(at):
        if 1 <= int(m.group(1)) <= n:
            return None
        return f"cue: {at!r}: the narration has {n} sentence{'s' if n != 1 else ''} (sentence.1 to sentence.{n})"
    if m := WORD.fullmatch(at):
        k = int(m.group(1))
        if not 1 <= k <= n:
            return f"cue: {at!r}: the narration has {n} sentence{'s' if n != 1 else ''} (sentence.1 to sentence.{n})"
        tokens = [t for t, _ in normalize.tokens(narration)]
        if word_at(at, tokens) is not None:
            return None
        starts = dict(sentence_cues(tokens))
        said = " ".join(tokens[starts[f"sentence.{k}"]:starts.get(f"sentence.{k + 1}", len(tokens))])
        return f"cue: {at!r}: sentence {k} does not say {m.group(2)!r} (it says: {said!r})"
    if at.startswith("{") and at.endswith("}") and at[1:-1].split(":")[0] in known:
        return f"cue: write the placeholder's name without braces: {at[1:-1].split(':')[0]!r}"
    if at in known:
        if at in cues:
            return None
        return (f"cue: {at!r} is never spoken in this step's narration, so it gives no moment; "
                f"write {{{at}}} in the narration or use sentence.N")
    spoken = [c for c in cues if not SENTENCE.fullmatch(c)] + [f"sentence.{i}" for i in range(1, n + 1)]
    return f"cue: unknown cue {at!r}{one_of(at, [*known, *spoken] if '.' in at else spoken, 'cues of this narration')}; {CUE_HELP}"


def cue_problems(cue: str | None, where: tuple[str | int, ...], step: Any, ctx: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """A kind's check of one optional cue option: ``[(where, message)]`` from :func:`cue_problem`, or ``[]``."""
    if cue is None:
        return []
    why = cue_problem(cue, step.narration, ctx.placeholder_kinds)
    return [Finding(where, why)] if why else []


# ---------------------------------------------------------------- a shown text's words, as the voice says them

# words too common to point at (the voice says "the" and "with" all the time): an English list; in any language a
# word of fewer than three letters is never pointed at
COMMON = frozenset("""the and for with that this those these from into are was were its our your their them they then
than when what which who how all any can but not has have had also each every some very just about over like
only here there where while because will would should could does did been being same such other others more most
""".split())


def stem(word: str) -> str:
    """``word`` (bare, case folded) without a plural or verb ending, so that "probabilities" and "probability",
    "classifying" and "classify", "trained" and "training" are one word."""
    for ending, instead in (("ies", "y"), ("ing", ""), ("ed", "")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + instead
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")) and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def content_stems(text: str) -> set[str]:
    """The stems of the words of ``text`` that :func:`spoken_words` may name."""
    return {c for c in map(_content, text.split()) if c}


def _content(word: str) -> str:
    """The stem of a shown or spoken word worth pointing at, else ''."""
    bare = _bare(word)
    if len(bare) < 3 or bare in COMMON or not any(ch.isalpha() for ch in bare):
        return ""
    return stem(bare)


def spoken_words(text: str, tokens: Sequence[str], start: int, end: int | None = None, ignore: Collection[str] = ()) -> list[list]:
    """The words of ``text`` (a point on screen, split at spaces) that the voice says from token ``start`` to before
    ``end``, each as ``[cue, first, last]``: the word cue (``sentence.N:words``) where it says them and the first and
    last word of ``text`` it names (words said one after another, as they stand in the text, are one). A word of the
    text is named once, at the first place it is said; common words ("the", "with") are never named, nor the stems in
    ``ignore`` (words that do not tell this text from others on screen)."""
    shown = text.split()
    words = [w if w not in ignore else "" for w in map(_content, shown)]
    end = len(tokens) if end is None else min(end, len(tokens))
    used: set[int] = set()
    said: list[tuple[int, int]] = []  # (token, word of text)
    for t in range(max(0, start), end):
        s = _content(tokens[t])
        i = next((i for i, w in enumerate(words) if w and w == s and i not in used), None)
        if i is not None:
            used.add(i)
            said.append((t, i))
    runs: list[list[int]] = []  # [first token, last token, first word, last word]
    for t, i in said:
        gap = t - runs[-1][1] if runs else 0
        if runs and 1 <= gap <= 2 and i - runs[-1][3] == gap and not shown[runs[-1][3]].endswith((":", ";", ".", "?", "!")) and (
                gap == 1 or _bare(tokens[t - 1]) == _bare(shown[i - 1])):  # one after another (a common word between)
            runs[-1][1], runs[-1][3] = t, i
        else:
            runs.append([t, t, i, i])
    out: list[list] = []
    for t0, t1, i0, i1 in runs:
        if (cue := cue_at(tokens, t0, t1)) is not None:
            out.append([cue, i0, i1])
    return out


def cue_at(tokens: Sequence[str], first: int, last: int | None = None) -> str | None:
    """The word cue (``sentence.N:words``) of the narration's tokens ``first`` to ``last`` (default: the one token
    ``first``): those words, and as many after them as make this the first place their sentence says them (else
    begun a word or two before them: the cue is then that much early); None when no cue reaches that place."""
    last = first if last is None else last
    starts = sentence_cues(list(tokens))
    n = max((int(name.split(".")[1]) for name, at in starts if at <= first), default=1)
    end = next((at for name, at in starts if at > first), len(tokens))
    begin = max((at for name, at in starts if at <= first), default=0)
    # these words and a few after them; else (a word said twice in its sentence) from a word or two before them
    for start in range(first, max(begin, first - 2) - 1, -1):
        for stop in range(last + 1, min(end, last + 4) + 1):
            cue = f"sentence.{n}:" + " ".join(_bare(w) for w in tokens[start:stop])
            if all(_bare(w) for w in tokens[start:stop]) and word_at(cue, tokens) == start:
                return cue
    return None


def next_word(tokens: Sequence[str], words: Collection[str], start: int, end: int | None = None) -> int | None:
    """The first token from ``start`` to before ``end`` that is one of ``words`` (bare, case folded), or None."""
    wanted = {w.casefold() for w in words}
    return next((t for t in range(max(0, start), len(tokens) if end is None else min(end, len(tokens)))
                 if _bare(tokens[t]) in wanted), None)
