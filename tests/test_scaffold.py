"""``lesson kinds --new NAME`` on a copy of the source tree: the new kind's files, its line in BUILTIN and the
refreshed docs, and the copy's own tests of the new kind and of the registry pass there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("lesson", "scenes", "mathcore", "lessons", "docs", "tests/drawn.py", "tests/conftest.py", "tests/test_kinds.py",
         "tests/media.py", "pyproject.toml")


def _copy(to: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "out", "media")
    for part in PARTS:
        src = ROOT / part
        (to / part).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree(src, to / part, ignore=ignore) if src.is_dir() else shutil.copy2(src, to / part))
    return to


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.scene
def test_a_new_kind_is_written_listed_documented_and_its_tests_pass(tmp_path):
    tree = _copy(tmp_path / "src")
    made = _run(["-m", "lesson", "kinds", "--new", "gauge"], tree)
    assert made.returncode == 0, made.stdout + made.stderr
    for path in ("lesson/kinds/gauge.py", "scenes/gauge.py", "lessons/examples/gauge.yaml", "tests/test_kind_gauge.py"):
        assert (tree / path).is_file() and f"wrote {path}" in made.stdout
    assert '    "lesson.kinds.gauge",\n    "lesson.kinds.presets",' in (tree / "lesson/kinds/__init__.py").read_text()
    assert "| `gauge` | one value, large, with a caption |" in (tree / "lessons/README.md").read_text()
    assert '"GaugeStep"' in (tree / "docs/lesson.schema.json").read_text()
    listed = _run(["-m", "lesson", "kinds"], tree)
    assert any(line.startswith("gauge ") for line in listed.stdout.splitlines())
    tests = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_kind_gauge.py", "tests/test_kinds.py"], tree)
    assert tests.returncode == 0, tests.stdout[-3000:]
    again = _run(["-m", "lesson", "kinds", "--new", "gauge"], tree)
    assert again.returncode == 2 and "is listed already" in again.stderr


def test_a_kind_name_that_is_not_a_name_writes_nothing(tmp_path):
    from lesson.base.errors import UsageError
    from lesson.commands.scaffold import new_kind

    tree = _copy(tmp_path / "src")
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    for bad in ("Gauge", "2d", "gauge-meter", ""):
        with pytest.raises(UsageError):
            new_kind(bad, tree)
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before
