"""How much computing a lesson script asks for, summed over the whole script.

Every item of a script has its own limit (epochs, steps, samples), but a script may have many items: twelve
descents of a thousand steps each, beside four trainings, took 26 s to check. So ``lesson check`` also adds up
what the whole script asks for and refuses, at the item that goes over, a script whose work passes
:data:`lesson.script.limits.WORK_SECONDS`. The costs are what each piece takes on a 2-core machine (measured
with ``bench/check_bench.py``); they are an estimate made before any of the work is done.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lesson.script import limits

# seconds each piece of work takes on a 2-core machine
EPOCH = 150e-6  # one epoch of training, one seed (the Python around the arithmetic)
ROW_PASS = 0.3e-6  # one row through the network and back, in an epoch
DESCENT_STEP = 120e-6  # one step of gradient descent, with the curve between its stops
SWEEP = 10e-3  # one sweep: its samples and the search for its minimum between them
FOLLOWED_SWEEP = 30e-3  # a sweep of a loss or an output by dual numbers (a regression's), sample by sample
FOLLOWED_STEP = 0.9e-3  # a descent step by dual numbers (several parameters, a define: value, a regression), with its curve
SWEEP_CHAR = 0.25e-3  # more for each character of the define: expression a sweep follows (the defines it uses written in)
STEP_CHAR = 4e-6  # the same for a descent step
SUM_CHARS = 100  # a sum(name.*) counts as this many characters
DEFINITION = 0.2e-3  # one define: entry (parsed, its sums expanded, evaluated)


@dataclass(frozen=True)
class Item:
    where: tuple  # the script's item (its path below the top level)
    what: str  # "training", "sweeps", "descents", "define"
    seconds: float


def training(rows: int, epochs: int, seeds: int) -> float:
    """The seconds of training ``seeds`` networks for ``epochs`` epochs on ``rows`` rows."""
    return seeds * epochs * (EPOCH + rows * ROW_PASS)


def items(lesson) -> list[Item]:  # noqa: ANN001 - a validated Lesson
    """The script's computations beyond training, in the order they are computed, each with its cost."""
    out = [Item(("sweeps", name), "sweeps", SWEEP if _classic(lesson, s.of) else FOLLOWED_SWEEP + SWEEP_CHAR * _chars(lesson, s.of))
           for name, s in lesson.sweeps.items()]
    for name, d in lesson.descents.items():
        steps = d.steps if d.steps is not None else limits.DESCENT_STEPS_MAX  # an until: may take every step
        each = DESCENT_STEP if _classic(lesson, d.of) and not isinstance(d.by, list) else FOLLOWED_STEP + STEP_CHAR * _chars(lesson, d.of)
        out.append(Item(("descents", name, "steps" if d.steps is not None else "until"), "descents", steps * each))
    out += [Item(("define", name), "define", DEFINITION) for name in lesson.define]
    return out


def _chars(lesson, of: str) -> int:  # noqa: ANN001
    """How long the expressions followed are: the define's and those of the defines it uses, each once, as they are
    evaluated (0 for a loss)."""
    seen: set[str] = set()
    todo = [of]
    total = 0
    while todo:
        name = todo.pop()
        text = lesson.define.get(name)
        if text is None or name in seen:
            continue
        seen.add(name)
        total += len(text) + SUM_CHARS * text.count("sum(")
        todo += [n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*", text) if n in lesson.define]
    return total


def _classic(lesson, of: str) -> bool:  # noqa: ANN001
    """Whether ``of`` is a classifier's loss or output (the math core's vectorised sweeps and descents follow it)."""
    net = lesson.network
    return net is not None and net.output == "softmax" and (of in lesson.losses or of.startswith("example."))


def over(spent: Iterable[Item]) -> tuple[Item, str] | None:
    """The first item at which the work adds up to more than the limit, and a message for it; None if it never does."""
    total = 0.0
    seen: list[Item] = []
    for item in spent:
        total += item.seconds
        seen.append(item)
        if total > limits.WORK_SECONDS:
            return item, message(seen, total)
    return None


def message(items: list[Item], total: float) -> str:
    parts: dict[str, float] = {}
    for item in items:
        parts[item.what] = parts.get(item.what, 0.0) + item.seconds
    shares = ", ".join(f"{what} {seconds:.1f} s" for what, seconds in parts.items() if seconds >= 0.05)
    return (f"the script asks for about {total:.1f} s of computing up to here ({shares}); a script may ask for at most "
            f"{limits.WORK_SECONDS:g} s: use fewer epochs, seeds, descent steps or sweeps")
