"""``title``: the lesson's title card (its heading, subtitle and author come from the script)."""

from __future__ import annotations

from typing import Any, Literal

from lesson.kinds import Context, StepKind
from lesson.script.parts import StepBase


class TitleStep(StepBase):
    kind: Literal["title"]


def build(step: Any, ctx: Context) -> dict:
    lesson = ctx.lesson
    return {"heading": lesson.title, "subtitle": lesson.subtitle or "", "author": lesson.author or ""}


KINDS = (StepKind("title", TitleStep, build, "scenes.title:TitleScene", "the lesson's title, subtitle and author"),)
