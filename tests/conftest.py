"""Test tiers, by what a test uses (``./dev.sh test`` runs them all, the fast tier first):

- ``unit``: the math core, the validator, the planner, captions, packages: no Manim, no video, no browser; the fast
  tier, ``.venv/bin/python -m pytest -m unit`` (under a minute on a 2-core machine);
- ``scene``: draws with Manim (a step's scene, formulas, fonts) or imports every scene in a fresh interpreter;
- ``render``: encodes video (``lesson render``, a course build) or runs the render processes;
- ``browser``: headless Chromium (the course page, SCORM and cmi5 in the browser);
- ``fuzz``: the mutation fuzzer's campaign and its regression inputs.

A test gets its tier from its own marker, else from the module (the browser and fuzz modules; a module that imports
Manim, directly or through ``drawn``, is ``scene``), else from the session fixtures that render (``built``); what is
left is ``unit``. Markers are registered in pyproject.toml (``--strict-markers``).
"""

from __future__ import annotations

import types

import pytest

TIERS = ("render", "browser", "fuzz", "scene")
MODULE_TIERS = {"test_course_browser": "browser", "test_fuzz": "fuzz"}
RENDERING_FIXTURES = {"built"}  # tests/test_course.py: a course rendered once per session


def _uses_manim(module: types.ModuleType) -> bool:
    for value in vars(module).values():
        name = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        if isinstance(name, str) and (name == "manim" or name.startswith("manim.") or name == "drawn"):
            return True
    return False


def tier_of(item: pytest.Item) -> str:
    for tier in TIERS:
        if item.get_closest_marker(tier) is not None:
            return tier
    module = getattr(item, "module", None)
    name = module.__name__.rpartition(".")[2] if module is not None else ""
    if name in MODULE_TIERS:
        return MODULE_TIERS[name]
    if RENDERING_FIXTURES & set(getattr(item, "fixturenames", ())):
        return "render"
    if module is not None and _uses_manim(module):
        return "scene"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        tier = tier_of(item)
        if item.get_closest_marker(tier) is None:
            item.add_marker(getattr(pytest.mark, tier))

