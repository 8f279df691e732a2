"""Hints for a name that is not known: "did you mean 'x'?", or the list of what may be written.

Every stage that reports an unknown name (the loader, the step kinds, the computations, the words table, a course
file) words its hint here, below all of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def one_of(word: str, choices: Iterable[str], what: str) -> str:
    """"; did you mean 'x'?" or the list of what may be written, for an unknown name."""
    choices = list(choices)
    hint = did_you_mean(word, choices)
    if hint:
        return hint
    listed = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    return f" ({what}: {listed})" if choices else ""
