"""What a step's plan builder puts on screen, written down as it goes (an explicit record, no context variables).

Every number drawn or spoken is kept with the quantity it stands for (a placeholder or computed name) and its text,
every equation with the quantity its result is (when it is one), every word of the words tables a scene draws, and
the decimals each equation needed of its operands. The planner reads the needs to choose one form per quantity for
the whole lesson (:mod:`lesson.forms`); the manifest lists the rest, so that anyone can re-check a step's numbers.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

from lesson.base.truth import Shown

DRAWN, SPOKEN = "drawn", "spoken"
IN_TURN = "drawn in turn"  # one of several values drawn one after another in one place (a descent's stop labels)


@dataclass(frozen=True)
class Number:
    """One number as drawn or spoken: the quantity it stands for and its text (ASCII minus)."""

    quantity: str
    text: str
    how: str = DRAWN  # DRAWN, SPOKEN or IN_TURN
    spec: str = ""  # the format the author wrote at this place ("" for the quantity's form)


@dataclass
class Record:
    """One step's record, filled by its plan builder through :class:`lesson.kinds.Context`."""

    numbers: list[Number] = field(default_factory=list)
    equations: list[tuple[Shown, str | None]] = field(default_factory=list)  # (equation, the quantity its result is)
    words: set[str] = field(default_factory=set)
    needs: dict[str, int] = field(default_factory=dict)  # quantity -> the decimals an equation needs it shown with
    needed_by: dict[str, str] = field(default_factory=dict)  # quantity -> the equation that needs the most of it

    def number(self, quantity: str, text: str, how: str = DRAWN, spec: str = "") -> str:
        self.numbers.append(Number(quantity, text.replace("\u2212", "-"), how, spec))
        return text

    def equation(self, shown: Shown, result: str | None = None, quantities: Container[str] | None = None) -> Shown:
        """An equation shown: its operands and result are numbers drawn, and what it needed of each operand (only
        the operands among ``quantities`` when given: a stand-in such as a plot's z is no quantity of the lesson)."""
        self.equations.append((shown, result))
        for o in shown.operands:
            if quantities is not None and o.name not in quantities:
                continue
            self.numbers.append(Number(o.name, o.text))
            if not o.exact and "e" not in o.text and decimals_of(o.text) > self.needs.get(o.name, -1):
                self.needs[o.name] = decimals_of(o.text)
                self.needed_by[o.name] = shown.equation
        if result is not None:
            self.numbers.append(Number(result, shown.result))
        return shown


def decimals_of(text: str) -> int:
    """The decimals of a number written in fixed notation ("0.687" → 3, "12" → 0)."""
    return len(text.rstrip("%").partition(".")[2])
