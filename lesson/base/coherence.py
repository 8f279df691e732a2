"""One lesson, one number: what a viewer could catch across a whole step, read from the plan's record.

- **two forms**: one quantity (or two names holding the very same value: p_observed and softmax.setosa) drawn or
  spoken in two ways in one step ("0.69" in a table over "0.687" in a sum). The planner gives every quantity one form
  (:mod:`lesson.plan`); only a format the author wrote at one place can split it, and ``check`` warns there.
- **coincidence**: two different quantities that read the same in one step ("0.57" for p and for its loss).

:func:`findings` works from a :class:`~lesson.base.plandata.StepPlan` and the lesson's values alone, so a test can re-check a
manifest without the planner.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SPLIT, FORCED, COINCIDENCE = "two forms", "forced format", "coincidence"


@dataclass(frozen=True)
class Incoherence:
    """One finding in one step: ``what`` (SPLIT, FORCED or COINCIDENCE), the quantities, the texts, and the format
    the author wrote (FORCED only)."""

    what: str
    quantities: tuple[str, ...]
    texts: tuple[str, ...]
    spec: str = ""

    def message(self) -> str:
        names = " and ".join("{" + q + "}" for q in self.quantities)
        if self.what == COINCIDENCE:
            return (f"{names} are different values that both read {self.texts[0]} in this step; a viewer takes them for "
                    "one: give one of them more decimals with a format, or say them in different steps")
        if self.what == FORCED:
            return (f"{{{self.quantities[0]}:{self.spec}}} reads {self.texts[0]} where this step also shows it as "
                    f"{self.texts[1]}: one value, two forms; leave the format out (the lesson chooses one form)")
        return f"{names} reads {' and '.join(self.texts)} in this step: one value, two forms"


def same_value(v: float) -> float:
    """A key under which two floats that differ only by the last bits of float arithmetic are one value (a slope
    that is p − 0 and p itself)."""
    return float(f"{v:.12g}")


def _numeric(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v))


def findings(numbers: Iterable[tuple[str, str, str, str]], values: Mapping[str, Any]) -> list[Incoherence]:
    """The incoherences among one step's numbers, each ``(quantity, text, how, the author's format)``."""
    numbers = list(numbers)
    rows = [(q, t, spec) for q, t, _how, spec in numbers if q in values and _numeric(values[q])]
    # values drawn in turn in one place (a descent's stops) are never seen side by side: no coincidence among them
    side_by_side = {q for q, _t, how, _spec in numbers if how != "drawn in turn"}
    # one value, whatever its names: the same float is one quantity to the viewer
    key = {q: ("v", same_value(values[q])) if isinstance(values[q], float) else ("n", q) for q, _, _ in rows}
    out: list[Incoherence] = []
    plain: dict[Any, dict[str, set[str]]] = {}
    for q, t, spec in rows:
        if not spec:
            plain.setdefault(key[q], {}).setdefault(t, set()).add(q)
    for k, texts in plain.items():
        if len(texts) > 1:
            out.append(Incoherence(SPLIT, tuple(sorted({q for qs in texts.values() for q in qs})), tuple(sorted(texts))))
    for q, t, spec in rows:
        others = sorted(set(plain.get(key[q], {})) - {t})
        if spec and others:
            out.append(Incoherence(FORCED, (q,), (t, others[0]), spec))
    by_text: dict[str, dict[Any, set[str]]] = {}
    for q, t, spec in rows:
        if q in side_by_side and isinstance(values[q], float) and "." in t and t[0] not in "<>":  # a bound ("< 0.01") is no value
            by_text.setdefault(t, {}).setdefault(key[q], set()).add(q)
    for t, groups in by_text.items():
        if len(groups) > 1:
            firsts = sorted(sorted(g)[0] for g in groups.values())
            out.append(Incoherence(COINCIDENCE, tuple(firsts[:2]), (t,)))
    return list(dict.fromkeys(out))
