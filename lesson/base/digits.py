"""Numbers as a person writes them: rounded on their decimal digits, half away from zero.

Binary floats hold 0.575 as 0.57499999999999996, which Python's own formatting rounds to 0.57;
a person writes 0.58. So a value is first read back at 15 significant digits (what the float
means, without the noise of its last bits), then rounded half away from zero. The narration,
the captions, the screen and the equation checks all round through here, so they agree.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

SIGNIFICANT = 15
# digits before the decimal point of a number shown or read aloud (the voice reads numbers of at most this many)
WHOLE_DIGITS_MAX = 15
# a number format as placeholders take it: [sign][,][.precision][f|%] (lesson.script.placeholders checks the bounds)
NUMBER_FORMAT = re.compile(r"(?P<sign>[+\- ])?(?P<group>,)?(?:\.(?P<precision>\d{1,3}))?(?P<type>[f%])?")


def decimal(value: float) -> Decimal:
    """The decimal number a float stands for (15 significant digits)."""
    return Decimal(f"{value:.{SIGNIFICANT}g}")


def typed(value: float) -> str:
    """A value typed in the script, written back as typed: 1.6, -2.5, 0, 0.00001."""
    q = decimal(value).normalize()
    return "0" if q == 0 else format(q, "f")


def round_decimal(value: float, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` decimals, half away from zero; any finite float, however large."""
    exact = decimal(value)
    if not exact.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    with localcontext() as ctx:
        # every digit of the result: its whole digits (up to 309 for a float) and its decimals
        ctx.prec = max(60, exact.adjusted() + decimals + 2)
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def whole_digits(value: float) -> int:
    """How many digits ``value`` has before its decimal point (1 for 0.5), as written at any precision."""
    exact = decimal(value)
    return max(1, exact.adjusted() + 1) if exact.is_finite() and exact != 0 else 1


def too_large(value: float) -> bool:
    """Whether ``value`` has more whole digits than a person reads as a number (WHOLE_DIGITS_MAX)."""
    return whole_digits(value) > WHOLE_DIGITS_MAX


def rounded(value: float, decimals: int) -> float:
    """``value`` rounded as a person rounds it, as a float."""
    return float(round_decimal(value, decimals))


def fixed(value: float, decimals: int, *, sign: str = "", grouping: bool = False) -> str:
    """``value`` with ``decimals`` decimals, ASCII minus; never "-0.00"."""
    q = round_decimal(value, decimals)
    if q == 0:
        q = abs(q)
    return format(q, f"{sign}{',' if grouping else ''}.{decimals}f")


def fixed_at_least(value: float, decimals: int, least: int) -> str:
    """``value`` with ``decimals`` decimals, but no zeros past ``least`` decimals that the value does not need:
    0.25 at four decimals, at least two, is 0.25 (exactly the value), not 0.2500; 0.8125 stays 0.8125."""
    text = fixed(value, decimals)
    if decimals <= least or decimal(value) != Decimal(text):
        return text
    return fixed(value, max(least, len(text.rstrip("0").partition(".")[2])))


def format_number(value: float, spec: str, default_decimals: int) -> str:
    """``value`` by a placeholder format (a checked one: [sign][,][.precision][f|%])."""
    m = NUMBER_FORMAT.fullmatch(spec)
    if m is None:
        raise ValueError(f"not a number format: {spec!r}")
    decimals = int(m["precision"]) if m["precision"] is not None else (6 if m["type"] else default_decimals)
    if m["type"] == "%":
        return fixed(value * 100, decimals, sign=m["sign"] or "", grouping=bool(m["group"])) + "%"
    return fixed(value, decimals, sign=m["sign"] or "", grouping=bool(m["group"]))
