"""The ``architectures:`` section and the ``architecture`` step kind: counts against a count done by hand, the
strings the scene draws, the widening, the opened block, the placeholders, and errors at FILE:LINE:COL."""

import csv
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest


from drawn import draw, draw_plan_step, plan_of  # noqa: E402

from lesson.script import architectures  # noqa: E402
from lesson.base.errors import LessonError  # noqa: E402
from lesson.numbers.compute import compute  # noqa: E402
from lesson.check import parse_lesson  # noqa: E402
from lesson.script.names import kinds
from lesson.script.placeholders import fill
from scenes import style  # noqa: E402
from scenes.architecture import ArchitectureScene  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "wide_resnet.yaml"
CSV = ROOT / "lesson" / "data" / "wide_resnet_reported.csv"
TIMES = "\u00d7"


# ---------------------------------------------------------------- a count by hand (closed forms, not the math core)


def hand(depth: int, k: int, classes: int = 10) -> dict[str, tuple[int, int]]:
    """(params, mult-adds) per stage of WRN-depth-k on 32×32 images, by the formulas written out: a 3×3 conv from
    a to b channels has 9ab weights and 9ab multiply-adds per output position, a BN 2 per channel, a 1×1
    projection ab, the last layer 64k·classes weights and classes biases."""
    n = (depth - 4) // 6
    out = {"conv1": (9 * 3 * 16, 9 * 3 * 16 * 32 * 32)}
    cin = 16
    for g, (w, side) in enumerate(((16 * k, 32), (32 * k, 16), (64 * k, 8)), start=1):
        pos = side * side
        params = 2 * cin + 9 * cin * w + 2 * w + 9 * w * w + (cin * w if cin != w else 0)
        madds = pos * (9 * cin * w + 9 * w * w + (cin * w if cin != w else 0))
        params += (n - 1) * (4 * w + 18 * w * w)
        madds += (n - 1) * pos * 18 * w * w
        out[f"group{g}"] = (params, madds)
        cin = w
    out["head"] = (2 * 64 * k + 64 * k * classes + classes, 64 * k * classes)
    return out


def millions(n: int, decimals: int = 1) -> str:
    return str((Decimal(n) / Decimal(10**6)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def short(n: int) -> str:
    """The diagram's short count, by hand: written out below a million, else in millions with one decimal."""
    return f"{n:,}" if n < 10**6 else f"{millions(n)} M"


def test_hand_count_of_wrn_28_10_is_the_well_known_36_479_194():
    counts = hand(28, 10)
    assert counts["conv1"] == (432, 442368)
    assert counts["group1"][0] == (32 + 9 * 16 * 160 + 320 + 9 * 160 * 160 + 16 * 160) + 3 * (4 * 160 + 18 * 160 * 160)
    assert sum(p for p, _ in counts.values()) == 36_479_194


# ---------------------------------------------------------------- placeholders


def lesson_with(architectures_yaml: str, narration: str = "A network.", steps: str = "") -> str:
    return (
        "id: t\ntitle: T\narchitectures:\n" + architectures_yaml +
        "steps:\n  - kind: text\n    title: T\n    narration: " + narration + "\n    points: [a]\n" + steps
    )


def parse(text: str, name: str = "t.yaml"):
    return parse_lesson(text, name)


@pytest.mark.parametrize("depth,k,classes", [(28, 10, 10), (16, 8, 10), (40, 4, 100), (10, 1, 10), (22, 3, 7)])
def test_every_stage_placeholder_equals_the_hand_count(depth, k, classes):
    lesson = parse(lesson_with(f"  net: {{family: wrn, depth: {depth}, width: {k}, classes: {classes}}}\n"))
    values = compute(lesson).values()
    counts = hand(depth, k, classes)
    for stage, (params, madds) in counts.items():
        assert values[f"arch.net.{stage}.params"] == params, stage
        assert values[f"arch.net.{stage}.mult_adds"] == madds, stage
    assert values["arch.net.params"] == sum(p for p, _ in counts.values())
    assert values["arch.net.mult_adds"] == sum(m for _, m in counts.values())
    assert values["arch.net.name"] == f"WRN-{depth}-{k}"
    assert values["arch.net.blocks"] == (depth - 4) // 6
    assert values["arch.net.group2.shape"] == f"{32 * k} {TIMES} 16 {TIMES} 16"
    assert values["arch.net.group3.size"] == 8 and values["arch.net.head.channels"] == classes


def test_counts_in_millions_and_billions_are_rounded_as_a_person_rounds():
    lesson = parse(lesson_with("  w: {family: wrn, depth: 28, width: 10}\n"))
    values = compute(lesson).values()
    text = ("{arch.w.params:M}|{arch.w.params:million}|{arch.w.params:.2M}|{arch.w.mult_adds:G}|"
            "{arch.w.mult_adds:.2billion}|{arch.w.conv1.params:M}|{arch.w.params:,}")
    assert fill(text, values, 2) == "36.5 M|36.5 million|36.48 M|5.2 G|5.24 billion|< 0.1 M|36,479,194"


def test_every_wrn_row_of_the_papers_table_rounds_to_the_printed_count():
    rows = [r for r in csv.DictReader(CSV.open(newline="")) if r["network"].startswith("WRN")]
    nets = {(int(r["depth"]), int(r["widen_factor"])) for r in rows}
    section = "".join(f"  w{d}_{k}: {{depth: {d}, width: {k}}}\n" for d, k in sorted(nets))
    lesson = parse(lesson_with(section))
    values = compute(lesson).values()
    for row in rows:
        d, k = int(row["depth"]), int(row["widen_factor"])
        key = architectures.row_key(row["network"], row["table"])
        printed = row["params_millions_as_printed"]
        assert fill(f"{{arch.w{d}_{k}.params:M}}", values, 2) == f"{printed} M" == values[f"rep.{key}.params"], row
        assert millions(sum(p for p, _ in hand(d, k).values())) == printed, row


def test_reported_placeholders_are_the_csv_values_and_only_with_an_architectures_section():
    lesson = parse(lesson_with("  w: {depth: 16, width: 8}\n"))
    values = compute(lesson).values()
    assert values["rep.wrn16_8.c10"] == 4.27 and values["rep.wrn16_8.c100"] == 20.43  # Table 5
    assert values["rep.wrn16_8_zca.c10"] == 4.81  # Table 4, ZCA whitening
    assert values["rep.resnet1001.name"] == "pre-act-ResNet-1001" and values["rep.resnet1001.millions"] == 10.2
    assert "rep.wrn40_8_zca.c100" not in values  # no value in the copy of the table
    plain = parse("id: t\ntitle: T\nsteps:\n  - {kind: text, title: T, narration: A., points: [a]}\n")
    assert not any(name.startswith(("rep.", "arch.")) for name in kinds(plain))


def test_numbers_json_lists_every_count():
    lesson = parse(lesson_with("  w: {depth: 16, width: 8}\n"))
    doc = json.loads(json.dumps(compute(lesson).to_json()))
    net = doc["architectures"]["w"]
    assert net["params"] == 10_961_370
    assert {s: v["params"] for s, v in net["stages"].items()} == {s: p for s, (p, _) in hand(16, 8).items()}
    assert sum(layer["params"] for layer in net["layers"]) == net["params"]
    assert doc["reported"]["resnet1001"]["c10"] == 4.92


# ---------------------------------------------------------------- errors at FILE:LINE:COL


def problems(text: str) -> list[str]:
    with pytest.raises(LessonError) as exc:
        parse(text)
    return [f"{p.line}:{p.column}: {p.message}" for p in exc.value.problems]


def test_a_depth_that_is_not_6n_plus_4_is_an_error_at_the_depth():
    found = problems(lesson_with("  w: {family: wrn, depth: 27, width: 10}\n"))
    assert found == ["4:27: architectures w depth: a WRN's depth is 6N + 4 with N ≥ 1 (10, 16, 22, 28, ...), not 27; try 22 or 28"]


def test_bad_family_width_classes_and_keys_are_each_reported_at_their_place():
    found = problems(lesson_with("  w:\n    family: vgg\n    depth: 16\n    width: 0\n    classes: 1\n    widht: 3\n"))
    assert [f.split(":")[0] for f in found] == ["5", "7", "8", "9"]
    assert "'vgg' is not one of 'wrn'" in found[0]
    assert "widening factor k must be 1 to 16; got 0" in found[1]
    assert "must be 2 to 1000; got 1" in found[2]
    assert "unknown key 'widht'" in found[3]


STEP = "  - kind: architecture\n    title: A\n    arch: {arch}\n{more}    narration: One. Two.\n"


def test_a_step_that_names_a_missing_network_or_cannot_widen_is_an_error_at_its_option():
    section = "  wide: {depth: 16, width: 4}\n"
    found = problems(lesson_with(section, steps=STEP.format(arch="wid", more="")))
    assert found == ["12:11: no network 'wid' in architectures:; did you mean 'wide'?"]
    found = problems(lesson_with(section, steps=STEP.format(arch="wide", more="    widen_from: 4\n    widen_cue: sentence.3\n")))
    assert found[0].startswith("13:17: ") and "below the network's widening factor k = 4" in found[0]
    assert found[1].startswith("14:16: ") and "the narration has 2 sentences" in found[1]
    found = problems(lesson_with(section, steps=STEP.format(arch="wide", more="    block: group4\n")))
    assert len(found) == 1 and found[0].startswith("13:12: ")


def test_unknown_stage_placeholders_and_a_scale_format_on_a_word_are_errors():
    found = problems(lesson_with("  w: {depth: 16, width: 4}\n", narration="It has {arch.w.group4.params} and {arch.w.name:M}."))
    assert len(found) == 2
    assert "unknown placeholder {arch.w.group4.params}" in found[0]
    assert "{arch.w.name:M}" in found[1] and "a word takes only" in found[1]


# ---------------------------------------------------------------- what the scene draws


def row(drawing, label: str) -> list[str]:
    """The texts on the row that begins with ``label`` (centres within a text's height), left to right."""
    head = next(i for i in drawing.final if i.kind == "text" and i.string == label)
    return [i.string for i in sorted(drawing.final, key=lambda i: i.x) if i.kind == "text" and abs(i.y - head.y) < head.height / 2]


def test_the_diagram_writes_each_stage_with_its_shape_and_its_count():
    drawing = draw(LESSON, "diagram")
    assert drawing.layout_problems == []
    counts = hand(28, 10)
    assert row(drawing, "input") == ["input", f"3 {TIMES} 32 {TIMES} 32"]
    assert row(drawing, "conv 3×3") == ["conv 3×3", f"16 {TIMES} 32 {TIMES} 32", "432"]
    for g, (w, side) in enumerate(((160, 32), (320, 16), (640, 8)), start=1):
        shape = f"{w} {TIMES} {side} {TIMES} {side}"
        assert row(drawing, f"group {g}") == [f"group {g}", f"{TIMES} 4", shape, short(counts[f"group{g}"][0])]
    assert row(drawing, "pool, fc") == ["pool, fc", "10", "7,690"]
    assert row(drawing, "total") == ["total", "36.5 M"]
    assert [s for s in ("1.6 M", "7.0 M", "27.9 M") if s in drawing.texts()] == ["1.6 M", "7.0 M", "27.9 M"]
    inside = [i for i in drawing.final if i.string != drawing.step.title]
    assert all(style.LEFT <= i.left and i.right <= style.RIGHT and style.CONTENT_BOTTOM <= i.bottom for i in inside)


def test_a_groups_count_appears_when_its_value_is_spoken(monkeypatch):
    from lesson.base.timing import StepTiming

    plan = plan_of(LESSON)
    step = next(s for s in plan.steps if s.id == "diagram")
    spoken = [name for name, _ in step.cues if name.startswith("arch.")]
    assert "arch.wrn28_10.group2.params" in spoken
    # every cue of the step a second apart, in the narration's order (the words the points are tied to too)
    times = {name: 2.0 + i for i, name in enumerate(dict.fromkeys(name for name, _ in sorted(step.cues, key=lambda c: c[1])))}
    seen: list[tuple[float, set[str]]] = []
    play = ArchitectureScene.play

    def recording(self, *args, **kwargs):
        play(self, *args, **kwargs)
        from drawn import _items

        seen.append((self.time, {i.string for i in _items(self)}))

    monkeypatch.setattr(ArchitectureScene, "play", recording)
    drawing = draw_plan_step(plan, step, timing=StepTiming(0.3, max(times.values()) + 1, 0.6, cues=tuple(times.items())))
    assert drawing.layout_problems == []
    first = next(t for t, strings in seen if "7.0 M" in strings)
    # it starts coming in (a QUICK fade) at most CHANGE_LEAD before the voice says it
    assert times["arch.wrn28_10.group2.params"] - style.CHANGE_LEAD - 0.1 <= first - style.QUICK <= times["arch.wrn28_10.group2.params"]
    assert not any("7.0 M" in strings for t, strings in seen if t < first)


def test_widening_goes_through_every_k_and_ends_with_the_wide_networks_counts(monkeypatch):
    widths: list[list[float]] = []
    widen = ArchitectureScene.widen

    def recording(self, *args, **kwargs):
        widths.append([b.width for b in self.blocks])
        widen(self, *args, **kwargs)
        widths.append([b.width for b in self.blocks])

    monkeypatch.setattr(ArchitectureScene, "widen", recording)
    drawing = draw(LESSON, "widen")
    assert drawing.layout_problems == []
    ever = drawing.ever()
    for k in range(1, 11):
        assert f"WRN-28-{k}" in ever and f"k = {k}" in ever
        total = sum(p for p, _ in hand(28, k).values())
        assert short(total) in ever, k
    assert row(drawing, "total") == ["total", "36.5 M", "5.24 G"]
    assert "WRN-28-10" in drawing.texts() and "WRN-28-1" not in drawing.texts()
    before, after = widths
    # each group's block is as wide as its filters: 16k, 32k, 64k; it grows tenfold, conv1 and the head do not
    for g in (1, 2, 3):
        assert after[g] == pytest.approx(10 * before[g], rel=1e-6)
        assert after[g] == pytest.approx(after[3] * (2 ** (g - 1)) / 4, rel=1e-6)
    assert after[0] == pytest.approx(before[0])


def test_the_opened_block_shows_its_layers_the_projection_and_keeps_the_shapes():
    drawing = draw(LESSON, "block")
    assert drawing.layout_problems == []
    texts = drawing.texts()
    assert "one block of group 2" in texts
    layers = sorted((i for i in drawing.final if i.string in ("BN", "ReLU") or i.string.startswith("conv 3×3,")), key=lambda i: -i.y)
    assert [i.string for i in layers] == ["BN", "ReLU", "conv 3×3, 320, stride 2", "BN", "ReLU", "conv 3×3, 320"]
    # the projection shortcut: 160 filters become 320, at half the size like the main path, or they could not be added
    (shortcut,) = [i for i in drawing.final if i.string == "conv 1×1, 320"]
    (stride,) = [i for i in drawing.final if i.string == "stride 2" and abs(i.x - shortcut.x) < 0.01]  # under it
    assert stride.top < shortcut.bottom and drawing.step.data["block"]["shortcut"] == ["conv 1×1, 320", "stride 2"]
    assert f"320 {TIMES} 16 {TIMES} 16" in texts
    assert not re.search(r"\d M$", " ".join(texts))  # counts: none


def test_the_lesson_checks_and_shows_only_placeholders_for_counts():
    text = LESSON.read_text()
    narration = re.findall(r"narration: >-\n((?:      .*\n)+)", text)
    plain = re.sub(r"\{[^{}]*\}", "", "".join(narration))
    # numbers typed in the narration are the architecture's definition (16 k, 6N + 4, 32 by 32, 1001 layers, ...),
    # never a count: no number with a decimal point and no number of 4 digits or more but 1001 and 2016
    assert re.findall(r"\d+\.\d+", plain) == []
    assert set(re.findall(r"\d{4,}", plain)) <= {"1001", "2016"}


@pytest.mark.parametrize("step_id", ["block", "diagram", "widen"])
def test_the_rows_fill_the_height_of_the_area_above_the_caption_band(step_id, monkeypatch):
    # the diagram's rows are spaced to use the area's height: its lowest text or block ends within a quarter unit
    # of the area's bottom (never in the caption band), the rows 0.64 or more apart (0.6 before), no text below SMALL
    found = []
    original = ArchitectureScene.draw
    monkeypatch.setattr(ArchitectureScene, "draw", lambda self: (found.append(self), original(self))[1])
    drawing = draw(LESSON, step_id)
    assert drawing.layout_problems == []
    inside = [i for i in drawing.final if i.string != drawing.step.title]
    lowest = min([i.bottom for i in inside] + [b.get_bottom()[1] for b in found[0].blocks])
    assert style.CONTENT_BOTTOM <= lowest <= style.CONTENT_BOTTOM + 0.25, lowest
    assert max(i.top for i in inside) <= style.CONTENT_TOP
    labels = {i.string: i for i in inside if i.kind == "text"}
    ys = [labels[r].y for r in ("input", "conv 3×3", "group 1", "group 2", "group 3", "pool, fc")]
    assert (ys[0] - ys[-1]) / 5 >= 0.64, ys  # (centres of texts sit on one baseline: their own heights differ)
    assert labels["group 1"].height >= 0.99 * found[0].text("group 1", style.SMALL).height


def test_notes_stand_right_of_the_diagram_and_a_point_boxes_the_three_groups_cells(monkeypatch):
    found = []
    original = ArchitectureScene.draw
    monkeypatch.setattr(ArchitectureScene, "draw", lambda self: (found.append(self), original(self))[1])
    drawing = draw(LESSON, "naming")
    assert drawing.layout_problems == []
    (scene,) = found
    notes = [n["text"] for n in drawing.step.data["notes"]]
    assert notes[2] == "four more layers: d = 6N + 4"
    written = [i for i in drawing.final if any(i.string in note for note in notes)]
    diagram = [i for i in drawing.final if i not in written and i.string != drawing.step.title]
    assert written and min(i.left for i in written) > max(i.right for i in diagram)
    assert max(i.right for i in written) <= style.RIGHT and min(i.bottom for i in written) >= style.CONTENT_BOTTOM
    # each note at its cue: the first at once, the second only at "three groups"
    first_seen = {}
    for n, snap in enumerate(drawing.seen):
        for i in snap:
            first_seen.setdefault(i.string, n)
    assert first_seen["WRN-d-k: depth d,"] < first_seen["three groups of N blocks,"]
    # groups.repeat: one box round the three groups' "× 4" and nothing else
    left, right, top, bottom = scene.box_of(["cells", 1, 3, "repeat"])
    inside = [i.string for i in diagram if left <= i.left and i.right <= right and bottom <= i.bottom and i.top <= top]
    assert inside == [f"{TIMES} 4"] * 3


def test_the_names_depth_and_width_are_found_among_its_glyphs():
    from lesson.kinds.architecture import _name_parts

    assert _name_parts("WRN-28-10", 28, 10) == {"depth": [4, 6], "width": [7, 9]}
    assert _name_parts("WRN-16-8", 16, 8) == {"depth": [4, 6], "width": [7, 8]}
    assert _name_parts("WRN-28-28", 28, 28) == {"depth": [4, 6], "width": [7, 9]}  # the same number: k's is the last
    assert _name_parts("WRN 28-10", 28, 10) == {"depth": [3, 5], "width": [6, 8]}  # among the glyphs, no spaces
    assert _name_parts("ResNet", 28, 10) == {}
