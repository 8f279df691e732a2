"""A hash of the source of the modules that draw a step (and of Manim's version), found without importing them.

The planner writes it into each step's plan (:attr:`lesson.base.plandata.StepPlan.code`) with the module names; the
render stage keys its caches with it, and a cluster worker recomputes it from the same module names in its own
installation to see that it draws with the client's code (:mod:`lesson.render.executor`). Standard library only.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCENE_CODE = ("__init__.py", "base.py", "typesetting.py", "captions.py", "timeline.py", "layout.py", "style.py", "align.py")  # in scenes/, used by every kind
# the renderer's modules whose source changes a step's pixels or its clips: drawing it with Manim (and the patches
# of Manim), encoding its stills, laying its holds out for a timing, joining its clips
PIXEL_CODE = ("lesson.render.draw", "lesson.manim.adapter", "lesson.manim.frames", "lesson.base.timing", "lesson.render.mux",
              "lesson.render.replay")


def module_files(modules: Sequence[str]) -> list[Path]:
    """The source files of ``modules`` (a LookupError names one that is not installed)."""
    out: list[Path] = []
    for module in dict.fromkeys(m for m in modules if m):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise LookupError(f"no module {module!r}")
        out.append(Path(spec.origin))
    return out


@functools.cache
def _manim_version() -> str:
    return importlib.metadata.version("manim")


def code_hash(files: Sequence[Path]) -> str:
    """A hash of the code that draws a step whose kind is made of ``files`` (its scene, its plan builder, the
    modules it names: :func:`module_files`), the shared scene code, the renderer's :data:`PIXEL_CODE`, and Manim's
    version."""
    h = hashlib.sha256(_manim_version().encode())
    scenes = [ROOT / "scenes" / n for n in SHARED_SCENE_CODE]
    renderer = module_files(PIXEL_CODE)
    for path in [*scenes, *files, *renderer]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
