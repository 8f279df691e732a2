"""A table kept by the step after it (``transition: keep``): that step begins on the table's last picture (what the
table step kept beside it goes), the table moves into the panel on the right, and each value of the table that the
step works with flies from its cell to where the step uses it."""

from pathlib import Path

import pytest

from drawn import _items, draw_plan_step, plan_of  # noqa: E402

from scenes import base, style  # noqa: E402
from scenes.base import KEPT_WIDTH, PANEL_GAP, StepScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CROSS_ENTROPY = ROOT / "lessons" / "cross_entropy.yaml"


@pytest.fixture
def seen(monkeypatch):
    """The scenes drawn, and each keeping scene's first frame (before its first animation)."""
    found: dict[str, list] = {"scenes": [], "first": []}
    construct, keep = StepScene.construct, base.StepScene.keep

    def constructing(self):
        found["scenes"].append(self)
        construct(self)

    def keeping(self, head, side):
        play = self.play

        def first(*args, **kwargs):
            if not found["first"]:
                found["first"].append(_items(self))
            play(*args, **kwargs)

        self.play = first
        keep(self, head, side)
        self.play = play

    monkeypatch.setattr(StepScene, "construct", constructing)
    monkeypatch.setattr(base.StepScene, "keep", keeping)
    return found


def test_the_plan_hands_on_the_tables_last_picture_with_nothing_lit_and_the_cells_the_next_step_uses():
    plan = plan_of(CROSS_ENTROPY)
    each = next(s for s in plan.steps if s.id == "each")
    kept = each.data["kept"]
    assert kept["picture"] == "scenes.table:kept_picture" and kept["title"] == "SoftMax for each flower"
    screen = kept["data"]
    assert screen["highlight"] == "none" and screen["pointing"] == []
    assert screen["kept"]["picture"] == "scenes.network:kept_picture"  # the network the table step kept beside it
    # the p of each flower's observed class, named so in the lines, is the table's cell of that class
    assert screen["kept_names"] == [[0, 1, ["example.first.p_observed"]], [1, 3, ["example.second.p_observed"]],
                                    [2, 2, ["example.third.p_observed"]]]
    assert [row["cells"][k] for row, (_, k, _) in zip(screen["rows"], screen["kept_names"])] == ["0.568", "0.5761", "0.5182"]
    # the table's code and the network's (it draws what the table step kept) are part of the step's code
    assert {"scenes.table", "lesson.kinds.table", "scenes.network", "lesson.kinds.network"} <= set(each.code_modules)


def test_the_keeping_step_begins_on_the_tables_last_picture_and_the_values_fly_from_their_cells(seen):
    plan = plan_of(CROSS_ENTROPY)
    before = draw_plan_step(plan, next(s for s in plan.steps if s.id == "probabilities"))
    seen["first"].clear()
    seen["scenes"].clear()
    after = draw_plan_step(plan, next(s for s in plan.steps if s.id == "each"))
    assert after.layout_problems == []
    (first,) = seen["first"]
    key = lambda items: sorted((i.string, round(i.x, 3), round(i.y, 3)) for i in items)  # noqa: E731
    assert key(first) == key(before.final)  # the table, the network beside it and the heading, where they were
    (scene,) = seen["scenes"]
    panel_left = style.RIGHT - KEPT_WIDTH - PANEL_GAP / 2
    cells = scene.kept_values
    assert {n: c.original_text for n, c in cells.items()} == {
        "example.first.p_observed": "0.568", "example.second.p_observed": "0.5761", "example.third.p_observed": "0.5182"}
    assert all(c.get_left()[0] > panel_left for c in cells.values())  # in the panel, at the end
    final = [i.string for i in after.final]
    assert "Petal width" not in final and "versicolor" in final  # the network went; the table stayed
    assert all(i.right < panel_left for i in after.final if i.kind == "tex")  # the lines are worked out left of it
