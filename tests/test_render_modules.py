"""The renderer's modules keep to their jobs: one list of quality presets, Manim patched in one module only, and the
cache key of a step's drawing covering every module that changes its pixels."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_quality_presets_are_one_list_that_imports_nothing_heavy():
    code = "import sys, lesson.base.qualities; print(sorted(m for m in ('manim', 'pydantic', 'yaml', 'click', 'av') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"

    from lesson.base import qualities
    from lesson.commands.render import render
    from lesson.script import model

    assert model.QUALITIES is qualities.NAMES == ("low", "medium", "course", "high", "4k")
    choices = next(p for p in render.params if p.name == "quality").type.choices
    assert tuple(choices) == qualities.NAMES
    assert qualities.label("low") == "480p15" and qualities.label("4k") == "2160p60"


def _attributes_assigned_on_manim(path: Path) -> list[str]:
    """``X.y = ...`` (or setattr) where X was imported from manim or manimpango: a change to their internals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] in ("manim", "manimpango")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("manim", "manimpango"):
            bound |= {a.asname or a.name for a in node.names}

    def root(node):
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" and node.args:
            targets = [node.args[0]]
            if root(targets[0]) in bound:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} setattr({ast.unparse(targets[0])}, ...)")
            continue
        for t in targets:
            if isinstance(t, ast.Attribute) and root(t) in bound and root(t) != "config":  # config: Manim's settings
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(t)}")
    return found


def test_only_the_adapter_changes_manim_or_manimpango():
    adapter = ROOT / "lesson" / "manim/adapter.py"
    files = sorted([*ROOT.glob("lesson/**/*.py"), *ROOT.glob("scenes/**/*.py")])
    elsewhere = [hit for path in files if path != adapter for hit in _attributes_assigned_on_manim(path)]
    assert elsewhere == []
    assert len(_attributes_assigned_on_manim(adapter)) == 12  # the check sees the adapter's own patches


INTERNALS = ("renderer", "file_writer", "session_spec", "partial_movie_files", "num_plays")


def _manim_internals_touched(path: Path) -> list[str]:
    """Every read or write of a scene's renderer, file writer or session settings: ``scene.renderer.time``,
    ``self.renderer.update_frame(...)``, ``x.file_writer.partial_movie_files``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in INTERNALS]


def test_only_the_adapter_reads_or_writes_a_scenes_renderer_and_file_writer():
    adapter = ROOT / "lesson" / "manim/adapter.py"
    files = sorted([*ROOT.glob("lesson/**/*.py"), *ROOT.glob("scenes/**/*.py")])
    assert [hit for path in files if path != adapter for hit in _manim_internals_touched(path)] == []
    assert len(_manim_internals_touched(adapter)) >= 6  # the check sees the adapter's own: the clock, the frame, the files


def test_the_drawing_key_covers_every_module_that_changes_pixels(monkeypatch):
    from lesson.base import codehash

    from lesson import kinds
    listed = codehash.module_files(codehash.PIXEL_CODE)
    assert all(p.is_file() for p in listed)
    # the modules that draw a step, patch Manim, encode or lay out its clips are all listed
    for path in ("render/draw.py", "manim/adapter.py", "manim/frames.py", "render/mux.py", "render/replay.py", "base/timing.py"):
        assert ROOT / "lesson" / path in listed
    before = kinds.get("softmax").code_version()
    real = Path.read_bytes
    for path in listed:
        monkeypatch.setattr(Path, "read_bytes", lambda self, path=path: real(self) + (b"#" if self == path else b""))
        assert kinds.get("softmax").code_version() != before, path.name
    monkeypatch.setattr(Path, "read_bytes", real)
    assert kinds.get("softmax").code_version() == before


def test_a_render_worker_imports_no_model_parser_math_core_or_planner():
    """A worker draws plain plan data: the scene and the code hash come resolved in the plan, so the worker side (the
    render stage, the executor, the drawing, every built-in scene) loads none of pydantic, PyYAML, the math core, the
    registry or the planner."""
    from lesson import kinds

    scenes = sorted({k.scene.partition(":")[0] for k in kinds.registry().values() if k.source == "built in"})
    program = ("import sys, importlib\n"
               "import lesson.render.steps, lesson.render.executor, lesson.render.draw, lesson.render.workers\n"
               f"for m in {scenes!r}:\n    importlib.import_module(m)\n"
               "print('\\n'.join(sorted(sys.modules)))\n")
    loaded = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    assert "manim" in loaded and "scenes.network" in loaded  # what a worker does load
    forbidden = ("pydantic", "yaml", "mathcore", "lesson.kinds", "lesson.plan", "lesson.base.truth", "lesson.numbers.compute",
                 "lesson.check", "lesson.script.model")
    assert [m for m in loaded if any(m == f or m.startswith(f + ".") for f in forbidden)] == []
