"""Import rules of the architecture, checked on the source and at run time."""

import pytest
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_mathcore_imports_only_numpy_and_the_standard_library():
    allowed = {"numpy", "mathcore", *sys.stdlib_module_names}
    offenders = {f: names - allowed for f, names in imported_modules("mathcore").items() if names - allowed}
    assert offenders == {}


def test_mathcore_does_no_io():
    forbidden = {"open", "print", "input"}
    for path in (ROOT / "mathcore").rglob("*.py"):
        calls = {
            n.func.id for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not calls & forbidden, path


def test_importing_mathcore_loads_neither_manim_nor_yaml_nor_click():
    code = "import sys, mathcore, mathcore.iris; print(sorted(m for m in ('manim', 'yaml', 'click') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


@pytest.mark.scene
def test_a_scene_imports_neither_the_model_nor_the_math_core_nor_the_planner():
    """Scenes draw plain data (lesson.base.plandata): importing one, alone, in a fresh interpreter, loads no script model,
    YAML, math core, planner or registry. Every registered kind's scene is checked."""
    from lesson import kinds

    forbidden = ("pydantic", "yaml", "mathcore", "lesson.plan", "lesson.script", "lesson.numbers.compute", "lesson.base.truth", "lesson.kinds", "lesson.base.shown")
    assert len(kinds.registry()) >= 11
    for kind in kinds.registry().values():
        module = kind.scene.split(":")[0]
        code = f"import sys, {module}; print(sorted(m for m in {forbidden!r} if m in sys.modules))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        assert out.stdout.strip() == "[]", (kind, out.stdout)


def test_no_scene_computes_the_math():
    """Logarithms, exponentials and activations come from the plan as text, never from a scene."""
    maths = {"log", "log2", "log10", "exp", "expm1", "log1p", "tanh", "sigmoid", "softmax"}
    for path in sorted((ROOT / "scenes").glob("*.py")):
        calls = {
            n.func.attr for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        }
        assert not calls & maths, (path.name, calls & maths)
