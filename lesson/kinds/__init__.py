"""The registry of step kinds: one object per kind names everything the pipeline needs of it.

A :class:`StepKind` holds its options model (a pydantic model with ``kind: Literal[name]``, built on
:class:`lesson.script.parts.StepBase`), its plan builder (options + :class:`Context` → the scene's plain
data), the scene that draws it ("module:Class"), the checks that need the whole lesson, and the modules
whose source belongs in the render cache's key. The script model's union of steps, the JSON Schema, the
kinds table in ``lessons/README.md`` and the cache key are all derived from :func:`registry`.

Built-in kinds live in the modules named in :data:`BUILTIN`; another installed package adds kinds through
the entry-point group ``lesson.step_kinds`` (an entry point names a :class:`StepKind` or a sequence of them).
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import re
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lesson.base.errors import Finding
from lesson.base import truth
from lesson.base.codehash import code_hash, module_files
from lesson.base.coherence import same_value
from lesson.base import words as lesson_words
from lesson.base.expr import Expr
from lesson.base.record import DRAWN, Record, decimals_of
from lesson.base.truth import MAX_DECIMALS
from lesson.script.parts import StepBase
from lesson.script.placeholders import fill_spans
from lesson.base.shown import _SIGN, MINUS, PlanError

if TYPE_CHECKING:
    from lesson.numbers.compute import LessonNumbers
    from lesson.script.model import Lesson

ENTRY_POINTS = "lesson.step_kinds"
# the modules of the built-in kinds, in the order the docs list them: the general parts, then the presets
BUILTIN = (
    "lesson.kinds.title",
    "lesson.kinds.text",
    "lesson.kinds.plot",
    "lesson.kinds.number_line",
    "lesson.kinds.table",
    "lesson.kinds.bars",
    "lesson.kinds.equation",
    "lesson.kinds.network",
    "lesson.kinds.architecture",
    "lesson.kinds.fitted_curve",
    "lesson.kinds.presets",
)
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# where a problem found by a kind's check sits, below the step: ("of_class",), ("lines", 2, "expr"), ...
Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Context:
    """What a plan builder or a check may read: the lesson, its numbers, the precision, the placeholder values; and
    how a builder writes numbers, equations and words so that each quantity has one form in the lesson (``forms``)
    and the step's :class:`~lesson.base.record.Record` holds everything it shows."""

    lesson: Lesson
    numbers: LessonNumbers | None  # None in a check that runs before the math core (structure only)
    decimals: int
    values: Mapping[str, float | int | str]
    base: Path
    placeholder_kinds: Mapping[str, str] = field(default_factory=dict)  # name -> "number" | "integer" | "word"
    forms: Mapping[str, int] = field(default_factory=dict)  # quantity -> its decimals in this lesson (else ``decimals``)
    typed: frozenset[str] = frozenset()  # the placeholders whose value the author typed: written as typed
    by_value: Mapping[float, tuple[str, ...]] = field(default_factory=dict)  # the computed numbers' names by value
    record: Record = field(default_factory=Record)

    @property
    def classes(self) -> tuple[Any, ...]:
        """The network's classes (name, label, color), none in a lesson without a network."""
        return tuple(self.lesson.network.classes) if self.lesson.network is not None else ()

    def places(self, name: str) -> int:
        """The decimals quantity ``name`` is shown with throughout the lesson."""
        return max(self.decimals, self.forms.get(name, 0))

    def quantity_of(self, value: float) -> str | None:
        """The computed quantity of the lesson that holds ``value`` (to the last bits of float arithmetic), if one does:
        the one with the most decimals in its form, so that a result shown as it reads like it everywhere (the names by
        value are worked out once per plan: ``by_value``)."""
        found = [n for n in self.by_value.get(same_value(value), ()) if n not in self.typed]
        return max(found, key=lambda n: (self.places(n), n)) if found else None

    def fill(self, text: str, how: str = DRAWN) -> str:
        """``text`` with its placeholders filled in at their forms (a hyphen before a digit a real minus); each
        number recorded as drawn (``how``)."""
        filled, spans = fill_spans(text, self.values, self.decimals, self.forms, self.typed)
        for name, spec, a, b in spans:
            if not isinstance(self.values[name], str):
                self.record.number(name, filled[a:b], how, spec)
        return _SIGN.sub(MINUS, filled)

    def number(self, name: str, how: str = DRAWN) -> str:
        """Quantity ``name``'s value as drawn (its form; as typed if the author typed it), recorded."""
        return self.fill("{" + name + "}", how)

    def show(self, expression: Expr | str, result: float | None = None, *, result_name: str | None = None,
             exact: Collection[str] = (), percent: bool = False, values: Mapping[str, float] | None = None) -> truth.Shown:
        """An equation shown truthfully with every quantity at its form (raised where the equation needs more), recorded."""
        return self.show_all([(expression, result)], [result_name], exact=exact, percent=percent, values=values)[0]

    def show_all(self, equations: Sequence[tuple[Expr | str, float | None]], result_names: Sequence[str | None] = (), *,
                 exact: Collection[str] = (), percent: bool = False, values: Mapping[str, float] | None = None
                 ) -> tuple[truth.Shown, ...]:
        """Several equations on one screen (:func:`lesson.base.truth.show_all`), each recorded."""
        names = [*result_names, *[None] * len(equations)][: len(equations)]
        # a result not named is still the lesson's quantity when it has one's value (−log p is the cross-entropy)
        names = [n or (self.quantity_of(float(r)) if r is not None else None) for n, (_, r) in zip(names, equations)]
        floors = dict(self.forms)
        for _ in range(MAX_DECIMALS + 1):  # each equation at its own fewest decimals; a name two of them share, one way
            try:
                shown = tuple(truth.show(e, values if values is not None else self.values, r, self.decimals,  # type: ignore[arg-type]
                                         exact={*exact, *self.typed}, percent=percent, floors=floors,
                                         result_places=self.places(n) if n else None)
                              for (e, r), n in zip(equations, names))
            except truth.TruthError as exc:
                raise PlanError(-1, str(exc)) from None
            texts: dict[str, set[str]] = {}
            for s in shown:
                for o in s.operands:
                    texts.setdefault(o.name, set()).add(o.text)
            split = {n: max(decimals_of(t) for t in ts) for n, ts in texts.items() if len(ts) > 1}
            if not split:
                break
            floors.update(split)
        for s, n in zip(shown, names):
            self.record.equation(s, n, self.values)
        return shown

    def chain(self, stages: Sequence[Expr | str], result: float | None = None, *, result_name: str | None = None,
              exact: Collection[str] = (), values: Mapping[str, float] | None = None) -> truth.Chain:
        """``a ≈ b ≈ c`` (:func:`lesson.base.truth.chain`), every stage recorded."""
        out = truth.chain(stages, values if values is not None else self.values, self.decimals, result=result,  # type: ignore[arg-type]
                          exact={*exact, *self.typed}, floors=self.forms,
                          result_places=self.places(result_name) if result_name else None)
        for s in out.stages:
            self.record.equation(s, result_name, self.values)
        return out

    def words(self) -> lesson_words.Words:
        """The lesson's words; each entry drawn is recorded (``lesson check`` warns of words: no step draws)."""
        return lesson_words.Words(self.lesson.language, self.lesson.words, used=self.record.words)


@dataclass(frozen=True)
class StepKind:
    """One kind of step. ``build(step, ctx)`` returns the scene's data: plain JSON-like values, every number as
    text made by :mod:`lesson.base.shown`. ``check(step, ctx)`` returns ``(where, message)`` problems that need the
    whole lesson (a class name that must exist); the model itself checks everything local."""

    name: str
    options: type
    build: Callable[[Any, Context], dict]
    scene: str  # "package.module:SceneClass"
    summary: str  # one line for the kinds table in the docs
    # problems that need the whole lesson, each at its place below the step (a character of a text value: char=)
    check: Callable[[Any, Context], list[Finding]] | None = None
    code: tuple[str, ...] = ()  # more modules whose source is part of the cache key (the scene's and the builder's are)
    needs_network: bool = False  # it draws the lesson's network or its classes: a script without network: may not use it
    # what a step of this kind leaves on screen for the next step, when that one says ``transition: keep``:
    # keeps(lesson, index of the keeping step, its data, ctx) -> its data with "kept" (the picture, plain data, and
    # "picture": the "module:function" that lays it out in the keeping step's scene); None: no step keeps its screen
    keeps: Callable[[Any, int, dict, Context], dict] | None = None
    keeps_code: tuple[str, ...] = ()  # the modules that plan and draw that picture: part of the keeping step's code
    source: str = "built in"  # the package that brought it

    def scene_class(self) -> type:
        module, _, name = self.scene.partition(":")
        return getattr(importlib.import_module(module), name)

    def code_version(self) -> str:
        """The hash of the code that draws this kind (:func:`lesson.base.codehash.code_hash`), as the planner writes it."""
        return code_hash(self.code_files())

    def code_modules(self) -> tuple[str, ...]:
        """The modules that draw and plan this kind: its scene's, its builder's and those it names."""
        return tuple(dict.fromkeys(m for m in (self.scene.partition(":")[0], getattr(self.build, "__module__", ""), *self.code) if m))

    def code_files(self) -> list[Path]:
        """The source files that draw and plan this kind (the cache key hashes them)."""
        try:
            return module_files(self.code_modules())
        except LookupError as exc:
            raise LookupError(f"step kind {self.name!r}: {exc}") from None


class KindError(Exception):
    """A step kind that cannot be registered (a plug-in's mistake)."""


def _validate(kind: Any, source: str) -> StepKind:
    if not isinstance(kind, StepKind):
        raise KindError(f"{source}: expected a lesson.kinds.StepKind, got {type(kind).__name__}")

    if not NAME.fullmatch(kind.name):
        raise KindError(f"{source}: kind name {kind.name!r} must be lower-case letters, digits and _ (at most 40)")
    if not (isinstance(kind.options, type) and issubclass(kind.options, StepBase)):
        raise KindError(f"{source}: the options of {kind.name!r} must be a model built on lesson.script.parts.StepBase")
    literal = kind.options.model_fields.get("kind")
    if literal is None or getattr(literal.annotation, "__args__", None) != (kind.name,):
        raise KindError(f"{source}: the options of {kind.name!r} need the field kind: Literal[{kind.name!r}]")
    if ":" not in kind.scene:
        raise KindError(f"{source}: the scene of {kind.name!r} must be written 'module:Class'")
    return kind


def _kinds_of(obj: Any) -> Sequence[Any]:
    return obj if isinstance(obj, (list, tuple)) else (obj,)


@functools.cache
def registry() -> dict[str, StepKind]:
    """Every step kind, by name: the built-in ones, then those of installed plug-ins (a plug-in that fails to load
    or repeats a name is left out with a warning, so that one broken package does not stop every lesson)."""
    out: dict[str, StepKind] = {}
    for module in BUILTIN:
        for kind in importlib.import_module(module).KINDS:
            kind = _validate(kind, module)
            if kind.name in out:
                raise KindError(f"{module}: step kind {kind.name!r} is defined twice")
            out[kind.name] = kind
    for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINTS), key=lambda e: e.name):
        package = ep.dist.name if ep.dist is not None else ep.value
        try:
            found = [_validate(k, f"plug-in {package} ({ep.value})") for k in _kinds_of(ep.load())]
            for kind in found:
                if kind.name in out:
                    raise KindError(f"plug-in {package}: step kind {kind.name!r} is already defined by {out[kind.name].source}")
        except Exception as exc:  # noqa: BLE001 - any failure of someone else's package is reported, not raised
            warnings.warn(f"step kind plug-in {package} is not used: {exc}", stacklevel=2)
            continue
        for kind in found:
            out[kind.name] = StepKind(**{**kind.__dict__, "source": package})
    return out


def get(name: str) -> StepKind:
    return registry()[name]


def docs_table() -> str:
    """The kinds table of ``lessons/README.md`` (a test keeps the two equal)."""
    rows = ["| kind | shows | options |", "| --- | --- | --- |"]

    common = set(StepBase.model_fields) | {"kind"}
    for kind in registry().values():
        if kind.source != "built in":
            continue
        options = [f"`{n}`" for n in kind.options.model_fields if n not in common]
        rows.append(f"| `{kind.name}` | {kind.summary} | {', '.join(options)} |")
    return "\n".join(rows)

