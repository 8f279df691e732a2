"""Import rules of the architecture, checked on the source and at run time."""

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
