"""The house's floors: imports of the project's own modules, inside functions too, form no cycle, and run only down
the floors of :data:`FLOORS` (or along one floor); and the imports deferred into functions are exactly the known ones
(a list that only shrinks: a new one, or one hoisted without updating it, fails here).

Imports under ``if TYPE_CHECKING:`` never run and are left out. An import of a package counts as an import of its
``__init__``; ``from package import module`` as one of both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("lesson", "scenes", "mathcore")

# the imports of project modules deferred into functions: none. An optional or heavy dependency (Manim, Dask, the
# voices' libraries, Starlette) is imported inside the project module that uses it, when it is used.
DEFERRED: set[tuple[str, str]] = set()


# the floors, bottom first: each a name and the modules on it (a package's name stands for all its modules, unless
# one of them is placed on another floor by its own name). A module imports from its own floor and the floors below.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the math core", ("mathcore",)),
    ("shared helpers", ("lesson", "lesson.base")),
    ("the voices' engines and the Manim boundary", ("lesson.speech", "lesson.manim")),
    ("the scenes: plain data drawn", ("scenes",)),
    # the words a script is made of; the step kinds use them, and the script's model is made of the kinds' options
    ("the script's parts", ("lesson.script", "lesson.script.limits", "lesson.script.parts", "lesson.script.placeholders",
                            "lesson.script.computations", "lesson.script.architectures", "lesson.script.names",
                            "lesson.script.yamlsource")),
    ("step kinds", ("lesson.kinds",)),
    ("the script's model and loader", ("lesson.script.model", "lesson.script.load", "lesson.script.messages",
                                       "lesson.script.texts", "lesson.script.checks")),
    ("numbers", ("lesson.numbers",)),
    ("plan", ("lesson.plan",)),
    ("narration", ("lesson.narration",)),
    ("lesson check", ("lesson.check",)),  # a step's own recording is read as the narration reads it
    ("render", ("lesson.render",)),
    ("package", ("lesson.package",)),
    ("course", ("lesson.course",)),
    ("preview", ("lesson.preview",)),
    ("the command line", ("lesson.commands", "lesson.cli", "lesson.__main__")),
)


def floor_of(module: str) -> int:
    """The floor of ``module``: that of the longest name in :data:`FLOORS` that it is or lies in."""
    best, floor = -1, -1
    for number, (_, names) in enumerate(FLOORS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, floor = len(name), number
    if floor < 0:
        raise LookupError(f"{module} is on no floor: add it to FLOORS")
    return floor


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _targets(name: str, path: Path, node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> set[str]:
    wanted = []
    if isinstance(node, ast.Import):
        wanted = [a.name for a in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = name.split(".")[: len(name.split(".")) - (0 if path.name == "__init__.py" else 1) - (node.level - 1)]
            base = ".".join([*parts, *([base] if base else [])])
        wanted = [base, *(f"{base}.{a.name}" for a in node.names)]
    out = set()
    for w in wanted:
        while w and w not in known:
            w = w.rpartition(".")[0]
        if w and w != name:
            out.add(w)
    return out


def imports() -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """Every module's imports of project modules, and which of them are deferred into a function."""
    known = modules()
    edges: dict[str, set[str]] = {m: set() for m in known}
    deferred: set[tuple[str, str]] = set()
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, in_function: bool) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    continue
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    targets = _targets(name, path, child, known)
                    edges[name] |= targets
                    if in_function:
                        deferred.update((name, t) for t in targets)
                visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

        visit(tree, False)
    top = {(m, t) for m, ts in edges.items() for t in ts} - deferred
    return edges, {d for d in deferred if d not in top}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_counting_the_imports_inside_functions():
    edges, _ = imports()
    assert cycles(edges) == []


def test_the_deferred_imports_of_project_modules_are_the_known_ones():
    _, deferred = imports()
    assert deferred - DEFERRED == set(), "a new import inside a function: hoist it, or fix the layer it points up to"
    assert DEFERRED - deferred == set(), "an import hoisted: take it off DEFERRED"


def test_every_import_runs_down_the_floors_or_along_one():
    edges, _ = imports()
    upward = sorted(f"{m} ({FLOORS[floor_of(m)][0]}) imports {t} ({FLOORS[floor_of(t)][0]})"
                    for m, targets in edges.items() for t in targets if floor_of(t) > floor_of(m))
    assert upward == []


def test_every_module_is_on_a_floor_and_a_floor_is_found_by_its_longest_name():
    for m in modules():
        floor_of(m)  # a LookupError names a module on no floor
    assert FLOORS[floor_of("lesson.script.model")][0] == "the script's model and loader"
    assert FLOORS[floor_of("lesson.script.parts")][0] == "the script's parts"
    assert FLOORS[floor_of("lesson.script")][0] == "the script's parts"
    assert FLOORS[floor_of("lesson.base.truth")][0] == "shared helpers"
    with pytest.raises(LookupError):
        floor_of("lessonx")  # a name's prefix is no package of it


def test_the_tool_sees_a_cycle_and_a_deferred_import():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
