"""A step kind from another package: ``big_number`` shows one value large, with a caption under it.

Registered through the entry-point group ``lesson.step_kinds`` (see pyproject.toml). It uses only the public
parts a plug-in needs: a model built on ``StepBase``, texts typed ``template`` (checked by ``lesson check``
like narration), a plan builder that fills placeholders, and a scene built on ``StepScene``.
"""

from __future__ import annotations

from typing import Any, Literal

from lesson.kinds import Context, StepKind
from lesson.script.parts import StepBase, template
from lesson.script.placeholders import fill


class BigNumberStep(StepBase):
    kind: Literal["big_number"]
    value: template(24)
    caption: template(80)


def build(step: Any, ctx: Context) -> dict:
    return {"value": fill(step.value, ctx.values, ctx.decimals), "caption": fill(step.caption, ctx.values, ctx.decimals)}


KIND = StepKind(
    "big_number", BigNumberStep, build, "lesson_plugin_example.scene:BigNumberScene", "one value, large, with a caption"
)
