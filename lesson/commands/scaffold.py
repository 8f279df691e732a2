"""``lesson kinds --new NAME``: the files of a new built-in step kind, ready to edit, and the generated docs.

A built-in kind is its options and plan builder (``lesson/kinds/NAME.py``, with ``KINDS``), its scene
(``scenes/NAME.py``), an example lesson (``lessons/examples/NAME.yaml``) and its test (``tests/test_kind_NAME.py``),
plus one line in :data:`lesson.kinds.BUILTIN`. Everything else (the script's union of steps, the JSON Schema, the
kinds table of ``lessons/README.md``, the cache key) comes from the registry; ``lesson kinds --refresh-docs`` writes
the two generated files again. The new kind shows one value large with a caption, as a start.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from lesson.base.errors import UsageError
from lesson.kinds import docs_table
from lesson.script.model import Lesson

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KINDS_TABLE = re.compile(r"(<!-- kinds: [^\n]*-->\n)(.*?)(<!-- /kinds -->)", re.S)
BUILTIN_ANCHOR = '    "lesson.kinds.presets",\n'  # new kinds go before the presets: the general parts first

KIND = '''"""The ``{name}`` step kind: one value, large, with a caption under it.

Made by ``lesson kinds --new {name}``: its options (a model built on ``StepBase``, texts typed ``template`` so that
``lesson check`` checks their placeholders), its plan builder (plain data: every number as text) and, in
``scenes/{name}.py``, its scene. Change all three together; the example and the test follow.
"""

from __future__ import annotations

from typing import Any, Literal

from lesson.kinds import Context, StepKind
from lesson.script.parts import StepBase, template


class {camel}Step(StepBase):
    kind: Literal["{name}"]
    value: template(24)
    caption: template(80)


def build(step: Any, ctx: Context) -> dict:
    return {{"value": ctx.fill(step.value), "caption": ctx.fill(step.caption)}}


KINDS = (StepKind("{name}", {camel}Step, build, "scenes.{name}:{camel}Scene", "one value, large, with a caption"),)
'''

SCENE = '''"""The scene of ``{name}``: the value in the accent colour, the caption under it. It draws the plan's data only."""

from __future__ import annotations

from manim import DOWN, FadeIn, Write

from scenes import style
from scenes.base import StepScene


class {camel}Scene(StepScene):
    def draw(self) -> None:
        value = self.text(self.step.data["value"], style.TITLE * 2, color=self.theme.accent)
        caption = self.text(self.step.data["caption"], style.BODY, color=self.theme.muted)
        self.fit(value, self.area.width, self.area.height / 2)
        value.move_to(self.area.center)
        caption.next_to(value, DOWN, buff=0.5)
        self.play(Write(value), run_time=style.NORMAL)
        self.play(FadeIn(caption, shift=0.2 * DOWN), run_time=style.QUICK)
'''

EXAMPLE = '''# yaml-language-server: $schema=../../docs/lesson.schema.json
#
# The `{name}` step kind: one value, large, with a caption under it.

id: {name}_example
title: The {title} step
subtitle: One value, large

steps:
  - kind: {name}
    id: {name}
    title: The speed of light
    value: "299 792 km/s"
    caption: in a vacuum, exactly, since the metre is defined by it
    narration: >-
      Light in a vacuum travels two hundred and ninety-nine thousand, seven hundred and ninety-two kilometres a second.
'''

TEST = '''"""The ``{name}`` step kind: its example checks and plans, and the scene draws the value and the caption."""

from pathlib import Path

from drawn import draw

from lesson.check import check_lesson

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lessons" / "examples" / "{name}.yaml"


def test_the_example_checks_and_plans_the_value_and_the_caption():
    step = next(s for s in check_lesson(EXAMPLE).plan.steps if s.kind == "{name}")
    assert step.data == {{"value": "299 792 km/s", "caption": "in a vacuum, exactly, since the metre is defined by it"}}


def test_the_scene_draws_the_value_above_the_caption():
    drawing = draw(EXAMPLE, "{name}")
    value = next(i for i in drawing.final if i.string == "299 792 km/s")
    caption = next(i for i in drawing.final if i.string.startswith("in a vacuum"))
    assert value.bottom > caption.top
    assert drawing.layout_problems == []
'''


def new_kind(name: str, root: Path = ROOT) -> list[Path]:
    """Write the files of a new built-in kind ``name`` under the source tree ``root`` and list it in BUILTIN;
    a :class:`UsageError` (nothing written) if the name is taken or not a name, or ``root`` is no source tree."""
    if not NAME.fullmatch(name):
        raise UsageError(f"{name!r} is not a kind's name: lower-case letters, digits and _, starting with a letter")
    registry = root / "lesson" / "kinds" / "__init__.py"
    if not registry.is_file() or not (root / "scenes").is_dir() or not (root / "tests").is_dir():
        raise UsageError(f"{root} is not a checkout of lesson's source (no lesson/kinds, scenes and tests there)")
    text = registry.read_text(encoding="utf-8")
    if f'"lesson.kinds.{name}"' in text or BUILTIN_ANCHOR not in text:
        raise UsageError(f"a kind module lesson.kinds.{name} is listed already" if BUILTIN_ANCHOR in text
                         else "lesson/kinds/__init__.py has no BUILTIN list to add to")
    camel = "".join(part.title() for part in name.split("_"))
    files = {
        root / "lesson" / "kinds" / f"{name}.py": KIND,
        root / "scenes" / f"{name}.py": SCENE,
        root / "lessons" / "examples" / f"{name}.yaml": EXAMPLE,
        root / "tests" / f"test_kind_{name}.py": TEST,
    }
    taken = [str(p.relative_to(root)) for p in files if p.exists()]
    if taken:
        raise UsageError(f"not written, these exist: {', '.join(taken)}")
    for path, template in files.items():
        path.write_text(template.format(name=name, camel=camel, title=name.replace("_", " ")), encoding="utf-8")
    registry.write_text(text.replace(BUILTIN_ANCHOR, f'    "lesson.kinds.{name}",\n' + BUILTIN_ANCHOR, 1), encoding="utf-8")
    return [*files, registry]


def refresh_docs(root: Path = ROOT) -> list[Path]:
    """Write the generated docs again from the registry: the kinds table of lessons/README.md and docs/lesson.schema.json."""
    readme = root / "lessons" / "README.md"
    text = readme.read_text(encoding="utf-8")
    if not KINDS_TABLE.search(text):
        raise UsageError(f"{readme} has no <!-- kinds: ... --> table to write")
    readme.write_text(KINDS_TABLE.sub(lambda m: m[1] + docs_table() + "\n" + m[3], text, count=1), encoding="utf-8")
    schema = root / "docs" / "lesson.schema.json"
    schema.write_text(json.dumps(schema_document(Lesson), indent=2) + "\n", encoding="utf-8")
    return [readme, schema]


def schema_document(model: type) -> dict:
    """The JSON Schema of the lesson script format, as ``lesson schema`` prints it."""
    doc = model.model_json_schema()  # type: ignore[attr-defined]
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "lesson script"
    return doc
