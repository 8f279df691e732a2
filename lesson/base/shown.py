"""Numbers as the video shows them: the text of every number on screen is made by these functions, from the
math core's values at the lesson's precision, and every shown computation is checked by the general truth rule
(:mod:`lesson.base.truth`). Step kinds' plan builders use them; scenes only draw the texts.
"""

from __future__ import annotations

import re

from lesson.base import digits, truth
from lesson.base.errors import LessonError

MINUS = "\u2212"
_SIGN = re.compile(r"(?<![\w.])-(?=\d)")  # a hyphen used as a minus sign in front of a number
EXTRA_DECIMALS = 4


class PlanError(LessonError):
    """A step that cannot be shown truthfully: ``step`` is its index, ``where`` the option at fault (if any)."""

    def __init__(self, step: int, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.step, self.message, self.where = step, message, where


# ---------------------------------------------------------------- number text


def fmt(value: float, decimals: int) -> str:
    """A number as shown on screen, rounded as a person rounds (Unicode minus; never "−0.00")."""
    return digits.fixed(value, decimals).replace("-", MINUS)


def tex(value: float, decimals: int) -> str:
    """A number for LaTeX (ASCII minus, which TeX sets as a real minus sign)."""
    return fmt(value, decimals).replace(MINUS, "-")


def short(value: float) -> str:
    """A value typed in the script (a weight, a bias), shown as written: 1.6, -2.5, 0."""
    return truth.typed(value).replace("-", MINUS)


def shown_truthfully(expression: str, values: dict[str, float], result: float | None, decimals: int) -> truth.Shown:
    """``expression`` shown true at its digits (the one general rule, :mod:`lesson.base.truth`), or a PlanError."""
    try:
        return truth.show(expression, values, result, decimals)
    except truth.TruthError as exc:
        raise PlanError(-1, str(exc)) from None


rounded = digits.rounded
