"""Composite screens whose parts go together (scenes/composite.py, Turns): an error in one part reaches the scene,
and the parts waiting stop (no thread is left behind)."""

import threading

import pytest

import drawn
from scenes.equation import EquationScene
from test_cue_timing import _planned  # the plan and the silent voice's timing (cues at their words)


class Broken(Exception):
    pass


def test_an_error_in_a_part_drawn_together_is_raised_by_the_scene_and_the_other_parts_stop(monkeypatch):
    plan, timings = _planned("argmax_softmax.yaml")
    step = next(s for s in plan.steps if s.id == "softmax")
    assert [screen["together"] for screen in step.data["screens"]] == [True]  # the table and the equation together

    def line(self, *args, **kwargs):  # the equation fails at its first line, while the table waits for its next word
        raise Broken("the equation's first line")

    monkeypatch.setattr(EquationScene, "line", line)
    with pytest.raises(Broken, match="first line"):
        drawn.draw_plan_step(plan, step, timing=timings[step.index])
    for thread in threading.enumerate():  # the table's thread, waiting for its word, has stopped
        if thread.name.startswith("part "):
            thread.join(timeout=5)
    assert [t.name for t in threading.enumerate() if t.name.startswith("part ")] == []
