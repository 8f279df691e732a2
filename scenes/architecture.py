"""A network as a column of blocks, each as wide as its filters, with shapes and counts from the plan.

Top to bottom: the input, conv1, the groups ("× N"), the head, and the total. A row's counts appear at its cues;
a block of a group can be opened beside the diagram (its layers, the shortcut, the +); the network can be
widened one k at a time, the blocks growing and every text replaced by the plan's text for that k.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowFromCenter,
    Indicate,
    LaggedStart,
    Line,
    ManimColor,
    Mobject,
    MoveAlongPath,
    Rectangle,
    RoundedRectangle,
    Transform,
    VGroup,
    VMobject,
)

from lesson.base.timing import Wait
from scenes import style
from scenes.base import StepScene
from scenes.align import sit
from scenes.highlight import Marker, bounds

PITCH = 0.6  # the least from one row's middle to the next (more when the area is taller than the rows need)
MAX_PITCH = 0.85  # the most
BLOCK_RATIO = 0.63  # a block's height, in row pitches
PAD = 0.3  # above the heading row and below the last row, in units (before the diagram is scaled)
GAP = 0.4  # between columns
BLOCK_WIDTH = 4.2  # the widest block (the most filters)
BLOCK_WIDTH_BESIDE = 2.6  # when a block is opened beside the diagram
MIN_WIDTH = 0.05  # a block of very few filters stays visible
SIZE = style.SMALL  # the least text size; larger (up to SIZE_MAX) when the width allows
SIZE_MAX = style.LABEL
WIDEN_STEP = 0.55  # seconds per value of k


class ArchitectureScene(StepScene):
    def draw(self) -> None:
        d = self.step.data
        self.block_open = d["block"] is not None
        states = d["states"]
        show = d["show"]
        n_rows = len(d["rows"])
        columns = [key for key in ("shape", "params", "mult_adds") if show[{"shape": "shapes"}.get(key, key)]]
        shown_counts = [key for key in columns if key != "shape"]
        area = self.area
        notes = d.get("notes", [])
        room = area.width * (0.58 if self.block_open or notes else 1.0)
        block_w = BLOCK_WIDTH_BESIDE if self.block_open else BLOCK_WIDTH
        # the text size: as large as the width allows (texts grow with it, the blocks and gaps do not)
        self.size = SIZE
        fixed, texts = self._widths(d, states, columns, block_w)
        self.size = int(max(SIZE, min(SIZE_MAX, SIZE * (room - fixed) / texts)))
        widths = self._widths(d, states, columns, block_w)
        width_factor = min(1.0, room / sum(widths))
        # the row pitch: the rows fill the area's height (at the scale the width leaves), between PITCH and MAX_PITCH
        total_row = bool(shown_counts)
        units = n_rows + 1 + (1.15 if total_row else 0.0)  # from the heading row's middle to the last row's
        pitch = min(MAX_PITCH, max(PITCH, (area.height / width_factor - 2 * PAD) / units))
        self.pitch = pitch
        size = self.size

        # every text of every state is made first: columns are as wide as their widest text in any state
        self.made = self._texts(states)
        labels = [self.text(r["label"], size, color=self.theme.muted) for r in d["rows"]]
        input_label = self.text(d["input"]["label"], size, color=self.theme.muted)
        total_label = self.text(d["total"], size, color=self.theme.muted)
        repeats = [self.text(r["repeat"], size) if r["repeat"] else None for r in d["rows"]]
        heads = {key: self.text(d["headings"][key], size, color=self.theme.muted) for key in ("shape", "params", "mult_adds")}
        input_shape = self.text(d["input"]["shape"], size)

        label_w = max(m.width for m in [*labels, input_label, total_label])
        repeat_w = max((m.width for m in repeats if m is not None), default=0.0)
        widths = {}
        for key in columns:
            texts = [heads[key]] + [t for made in self.made for t in made[key]] + [made[f"total_{key}"] for made in self.made if key != "shape"]
            if key == "shape":
                texts.append(input_shape)
            widths[key] = max(t.width for t in texts)
        # x of each column's right edge (texts are right-aligned in their column; labels end at label_w)
        x = label_w + GAP
        self.block_center = x + block_w / 2
        self.block_w = block_w
        x += block_w + GAP / 2
        repeat_left = x
        x += repeat_w + GAP
        right = {}
        for key in columns:
            x += widths[key]
            right[key] = x
            x += GAP
        self.right = right
        total_w = x - GAP
        ys = [-(r + 2) * pitch for r in range(n_rows)]  # rows of stages; header at 0, input at -pitch, total below
        self.ys = ys
        total_y = ys[-1] - 1.15 * pitch
        bottom_y = total_y if total_row else ys[-1]

        digit = self.text("0", size).height

        def place_right(m, key, y):
            return sit(m.move_to([right[key], y, 0], aligned_edge=RIGHT), y, digit)

        for m, y in zip(labels, ys):
            sit(m.move_to([label_w, y, 0], aligned_edge=RIGHT), y, digit)
        sit(input_label.move_to([label_w, -pitch, 0], aligned_edge=RIGHT), -pitch, digit)
        sit(total_label.move_to([label_w, total_y, 0], aligned_edge=RIGHT), total_y, digit)
        for m, y in zip(repeats, ys):
            if m is not None:
                sit(m.move_to([repeat_left, y, 0], aligned_edge=LEFT), y, digit)
        for key in columns:
            place_right(heads[key], key, 0.0)
        if "shape" in right:
            place_right(input_shape, "shape", -pitch)
        for made in self.made:
            for key in columns:
                for m, y in zip(made[key], ys):
                    place_right(m, key, y)
                if key != "shape":
                    place_right(made[f"total_{key}"], key, total_y)
            sit(made["name"].move_to([self.block_center, 0, 0]), 0.0, digit)
            sit(made["k"], 0.0, digit).align_to([label_w, 0, 0], RIGHT)
        self.blocks = [self._block(f, y, states[0]) for f, y in zip([r["filters"] for r in states[0]["rows"]], ys)]
        self.repeats = repeats
        rule = Line([0, total_y + 0.55 * pitch, 0], [total_w, total_y + 0.55 * pitch, 0], color=ManimColor(self.theme.muted))
        rule.set_stroke(width=1.5, opacity=0.7)
        self.total_row = VGroup(rule, total_label, *(heads[k] for k in shown_counts))  # go with the counts when a block opens
        # an invisible frame of the whole diagram (its corners), so that it is placed as one
        corners = Line([0, PAD, 0], [total_w, bottom_y - PAD, 0]).set_opacity(0)
        first = self.made[0]
        diagram = VGroup(corners, *labels, input_label, *[m for m in repeats if m is not None],
                         *heads.values(), input_shape, *self.blocks,
                         *[m for made in self.made for key in columns for m in made[key]],
                         *[made["name"] for made in self.made], *[made["k"] for made in self.made])
        if total_row:  # (a diagram without counts has no total: its row is not kept)
            diagram.add(total_label, rule, *[made[f"total_{key}"] for made in self.made for key in shown_counts])
        factor = min(1.0, room / corners.width, area.height / corners.height)
        diagram.scale(factor)
        diagram.move_to([area.left + room / 2, area.center[1], 0])
        self.factor = factor
        self.block_center_x = self.blocks[0].get_center()[0]
        # the notes, one under another right of the diagram, each written at its cue
        self.notes = VGroup(*(self.note(n["text"]) for n in notes))
        if notes:
            self.notes.arrange(DOWN, buff=0.45, aligned_edge=LEFT)
            left = area.left + room + 0.5
            self.fit(self.notes, area.right - left, area.height - 0.2)
            self.notes.move_to([left + self.notes.width / 2, area.center[1], 0])

        # the picture, in order: headings and the input, the blocks with their labels and shapes, the counts
        intro = [FadeIn(first["name"]), FadeIn(input_label), *(FadeIn(heads[k]) for k in columns)]
        if "shape" in right:
            intro.append(FadeIn(input_shape))
        self.play(*intro, run_time=style.QUICK)
        grow = []
        for i, block in enumerate(self.blocks):
            parts = [GrowFromCenter(block), FadeIn(labels[i])]
            if repeats[i] is not None:
                parts.append(FadeIn(repeats[i]))
            if "shape" in right:
                parts.append(FadeIn(first["shape"][i]))
            grow.append(parts)
        self.play(LaggedStart(*(a for parts in grow for a in parts), lag_ratio=0.08), run_time=style.SLOW)
        rows = d["rows"]
        waiting = [i for i, r in enumerate(rows) if r["cues"]]
        now = [first[k][i] for k in shown_counts for i in range(n_rows) if i not in waiting]
        total_now = not d["total_cues"]
        if now or (total_now and shown_counts):
            parts = [FadeIn(m) for m in now]
            if total_now and shown_counts:
                parts += [FadeIn(rule), FadeIn(total_label), *(FadeIn(first[f"total_{k}"]) for k in shown_counts)]
            self.play(*parts, run_time=style.QUICK)
        # what happens at a word, in the order the voice reaches it: a row's counts, the total, the widening, the
        # block opening, and the marker moving to what the voice names (after what appears at the same word)
        self.labels, self.input_label, self.total_label, self.heads = labels, input_label, total_label, heads
        self.columns, self.shown_counts, self.state, self.opened = columns, shown_counts, 0, False
        self.marker = Marker(self)
        events: list[tuple[int, int, int, Callable[[], None]]] = []

        def at(cues: list[str], priority: int, run: Callable[[], None]) -> None:
            token = min((self._cue_at(c) for c in cues), default=-1)
            events.append((token, priority, len(events), run))

        if shown_counts:
            for i in waiting:
                at(rows[i]["cues"], 0, lambda i=i: self.reveal_row(i))
            if not total_now:
                at(d["total_cues"], 0, lambda: self.reveal_total(rule, total_label))
        if len(states) > 1:
            at(d["widen_cues"], 0, lambda: self.widen(states, columns, shown_counts))
        if self.block_open:
            at(d["block_cues"], 0, lambda: self.open_block(d["block"], shown_counts, columns))
        for row, note in zip(self.notes, notes):
            at(note["cues"], 0, lambda row=row, note=note: self.note_in(row, note))
        for cue, key, _ in d["pointing"]:
            at([cue], 1, lambda cue=cue, key=key: self.marker.light((cue,), self.box_of(key), key=tuple(key)))
        for *_, run in sorted(events, key=lambda e: e[:3]):
            run()

    def note_in(self, row: VGroup, note: dict) -> None:
        """A note beside the diagram, at its cue (at once without one)."""
        if note["cues"]:
            self.cue(*note["cues"], ahead=style.QUICK)
        self.play(FadeIn(row, shift=0.3 * RIGHT), run_time=style.QUICK)

    def note(self, s: str) -> VGroup:
        return note(self, s, width=5.0)

    def reveal_row(self, i: int) -> None:
        """A stage's counts, at the word that speaks them."""
        first = self.made[0]
        self.cue(*self.step.data["rows"][i]["cues"], ahead=style.QUICK)
        self.play(*(FadeIn(first[k][i], shift=0.1 * LEFT) for k in self.shown_counts),
                  self.blocks[i].animate.set_stroke(ManimColor(self.theme.accent), width=3), run_time=style.QUICK)

    def reveal_total(self, rule: Line, total_label: Mobject) -> None:
        first = self.made[0]
        self.cue(*self.step.data["total_cues"], ahead=style.QUICK)
        self.play(FadeIn(rule), FadeIn(total_label), *(FadeIn(first[f"total_{k}"]) for k in self.shown_counts), run_time=style.QUICK)

    # ------------------------------------------------------------ what the marker lights
    def box_of(self, key: list) -> tuple[float, float, float, float]:
        """left, right, top, bottom of what a pointing key names (``lesson.kinds.architecture._pointing``): a row, a
        cell of the texts shown now, the total, the input, or a part of the opened block."""
        what = key[0]
        made = self.made[self.state]
        half = 0.46 * self.pitch * self.factor
        if what == "name":
            name = made["name"]
            span = self.step.data["states"][self.state].get("name_parts", {}).get(key[1]) if len(key) > 1 else None
            if span is not None and len(name) == len(self.step.data["states"][self.state]["name"].replace(" ", "")):
                return bounds(*name[span[0]:span[1]], pad=0.05)  # the depth's or k's digits in the name
            return bounds(name, pad=0.1)
        if what == "note":
            return bounds(self.notes[key[1]], pad=0.1)
        if what in ("cells", "rows"):  # rows first to last of one column, or whole
            first, last = key[1], key[2]
            top, bottom = self.ys_now(first) + half, self.ys_now(last) - half
            if what == "rows":
                return self.row_left(), self.row_right(), top, bottom
            column = key[3]
            if column == "block":
                ms = self.blocks[first:last + 1]
            elif column == "repeat":
                ms = [m for m in self.repeats[first:last + 1] if m is not None]
            else:
                ms = made[column][first:last + 1]
            return min(m.get_left()[0] for m in ms) - 0.1, max(m.get_right()[0] for m in ms) + 0.1, top, bottom
        if what in ("layers", "plus", "shortcut"):
            parts = {"plus": [self.block_parts["plus"]], "shortcut": self.block_parts["shortcut"]}.get(what)
            if parts is None:
                parts = list(self.block_parts["boxes"][key[1]:key[2] + 1])
            return bounds(*parts, pad=0.08)
        if what == "row":
            y = self.blocks[key[1]].get_center()[1]
        elif what == "cell":
            y = self.blocks[key[1]].get_center()[1]
        elif what == "input":
            y = self.input_label.get_center()[1]
        else:  # the total
            y = self.total_label.get_center()[1]
        if what == "cell" or (what == "total" and key[1] is not None):
            m = made[key[2]][key[1]] if what == "cell" else made[f"total_{key[1]}"]
            return m.get_left()[0] - 0.1, m.get_right()[0] + 0.1, y + half, y - half
        return self.row_left(), self.row_right(), y + half, y - half

    def ys_now(self, i: int) -> float:
        """The middle of stage row ``i`` on screen."""
        return float(self.blocks[i].get_center()[1])

    def row_left(self) -> float:
        return min(m.get_left()[0] for m in [*self.labels, self.input_label, self.total_label]) - 0.1

    def row_right(self) -> float:
        """The right end of a row's box: past the last column still drawn (the counts go when a block opens)."""
        visible = [k for k in self.columns if not (self.opened and k in self.shown_counts)]
        if visible:
            return max(self.heads[k].get_right()[0] for k in visible) + 0.1
        return max(b.get_right()[0] for b in self.blocks) + 0.1

    # ------------------------------------------------------------ parts
    def _texts(self, states: list[dict]) -> list[dict]:
        """Every text of every state (a widening's states differ in their digits: set together, see
        :meth:`texts_alike`), each state's its own."""
        size = self.size
        rows = self.texts_alike([r[key] for s in states for r in s["rows"] for key in ("shape", "params", "mult_adds")], size)
        big = self.texts_alike([s[key] for s in states for key in ("name", "k")], size + 4, self.theme.accent)
        totals = self.texts_alike([s[key] for s in states for key in ("params", "mult_adds")], size, self.theme.accent)
        given: set[int] = set()

        def one(made: dict, key: str) -> Any:  # each text once; a string shown twice, a copy the second time
            text = made[key]
            if id(text) in given:
                return text.copy()
            given.add(id(text))
            return text

        return [{
            "name": one(big, state["name"]),
            "k": one(big, state["k"]),
            "shape": [one(rows, r["shape"]) for r in state["rows"]],
            "params": [one(rows, r["params"]) for r in state["rows"]],
            "mult_adds": [one(rows, r["mult_adds"]) for r in state["rows"]],
            "total_params": one(totals, state["params"]),
            "total_mult_adds": one(totals, state["mult_adds"]),
        } for state in states]

    def _widths(self, d: dict, states: list[dict], columns: list[str], block_w: float) -> tuple[float, float]:
        """The diagram's width at the text size ``self.size``: the part that does not grow with the text (the
        blocks and the gaps) and the part that does (the label column, the "× N" column and the text columns)."""
        size = self.size

        def widest(strings: list[str]) -> float:
            return max((t.width for t in self.texts_alike([t for t in strings if t], size).values()), default=0.0)

        label_w = widest([r["label"] for r in d["rows"]] + [d["input"]["label"], d["total"]])
        repeat_w = widest([r["repeat"] for r in d["rows"]])
        cols = 0.0
        for key in columns:
            strings = [d["headings"][key]] + [r[key] for s in states for r in s["rows"]]
            strings += [s[key] for s in states] if key != "shape" else [d["input"]["shape"]]
            cols += widest(strings)
        fixed = GAP + block_w + GAP / 2 + GAP + GAP * len(columns) - (GAP if columns else 0.0)
        return fixed, label_w + repeat_w + cols

    def _width(self, filters: int) -> float:
        return max(MIN_WIDTH, self.block_w * filters / self.step.data["max_filters"])

    def _block(self, filters: int, y: float, state: dict) -> Rectangle:
        rect = Rectangle(width=self._width(filters), height=BLOCK_RATIO * self.pitch)
        rect.set_fill(ManimColor(self.theme.accent), opacity=0.35).set_stroke(ManimColor(self.theme.text), width=1.5)
        return rect.move_to([self.block_center, y, 0])

    def _cue_at(self, name: str) -> int:
        return next((token for cue, token in self.step.cues if cue == name), 10**9)

    def widen(self, states: list[dict], columns: list[str], shown: list[str]) -> None:
        """From the first k to the last: the blocks grow to their new widths, every text becomes the next state's."""
        d = self.step.data
        self.cue(*d["widen_cues"])
        k_label = self.made[0]["k"]
        away = []
        if self.marker.mobject is not None and self.marker.at is not None:  # it lit a value of k = 1, which changes now
            away.append(self.marker.mobject.animate.set_fill(opacity=0).set_stroke(opacity=0))
            self.marker.at = None
        self.play(FadeIn(k_label), *away, run_time=style.QUICK)
        current = self.made[0]
        last = len(states) - 1
        for s in range(1, len(states)):
            # one step of k at a time: the first at the widening's word, the last at widen_until's, those between
            # spread evenly over the narration between them (no wait when the voice is already past)
            if d["widen_until"] and d["widen_cues"] and s > 1:
                if s == last:
                    self.cue(*d["widen_until"])
                else:
                    self.hold_for(Wait("share", (s - 1) / (last - 1), (d["widen_cues"][0], d["widen_until"][0])))
            nxt = self.made[s]
            label = nxt["k"]
            # numbers cross-fade in place (a glyph morphing into another reads as neither); the blocks stretch
            anims = [FadeTransform(k_label, label, stretch=False), FadeTransform(current["name"], nxt["name"], stretch=False)]
            for i, block in enumerate(self.blocks):
                target = block.copy().stretch_to_fit_width(self._width(states[s]["rows"][i]["filters"]) * self.factor)
                target.move_to(block.get_center())
                anims.append(Transform(block, target))
            for key in columns:
                for m, new in zip(current[key], nxt[key]):
                    anims.append(FadeTransform(m, new, stretch=False))
            for key in shown:
                anims.append(FadeTransform(current[f"total_{key}"], nxt[f"total_{key}"], stretch=False))
            self.play(*anims, run_time=WIDEN_STEP)
            current, k_label = nxt, label
            self.state = s

    def open_block(self, spec: dict, shown: list[str], columns: list[str]) -> None:
        """The first block of a group beside the diagram: its layers top to bottom, the shortcut, and the +."""
        d = self.step.data
        self.cue(*d["block_cues"])
        first = self.made[0]
        fading = [first[k][i] for k in shown for i in range(len(d["rows"]))] + [first[f"total_{k}"] for k in shown]
        if shown:  # the total's rule and label and the counts' headings go with them (the rule would run under the block)
            fading += list(self.total_row)
        row = spec["row"]
        accent = ManimColor(self.theme.accent)
        boxes = VGroup()
        for text in spec["layers"]:
            t = self.text(text, self.size)
            box = RoundedRectangle(corner_radius=0.08, width=max(t.width + 0.35, 1.2), height=t.height + 0.22)
            box.set_stroke(ManimColor(self.theme.text), width=1.5).set_fill(ManimColor(self.theme.background), opacity=0.0)
            t.move_to(box)
            boxes.add(VGroup(box, t))
        boxes.arrange(DOWN, buff=0.2)
        plus = VGroup(Circle(radius=0.17).set_stroke(accent, width=2.5),
                      Line(0.11 * LEFT, 0.11 * RIGHT).set_stroke(accent, width=2.5),
                      Line(0.11 * DOWN, 0.11 * UP).set_stroke(accent, width=2.5))
        plus.next_to(boxes, DOWN, buff=0.25)
        links = VGroup(*(Arrow(a.get_bottom(), b.get_top(), buff=0.02, stroke_width=2, max_tip_length_to_length_ratio=0.3,
                               color=ManimColor(self.theme.muted)) for a, b in zip(boxes[:-1], boxes[1:])))
        links.add(Arrow(boxes[-1].get_bottom(), plus.get_top(), buff=0.02, stroke_width=2, max_tip_length_to_length_ratio=0.3,
                        color=ManimColor(self.theme.muted)))
        heading = self.text(spec["heading"], self.size, color=accent)
        # the shortcut: from above the first layer (or after the shared BN-ReLU) round the right side into the +
        k = spec["shortcut_from"]
        start_y = (boxes[0].get_top()[1] + 0.12) if k == 0 else (boxes[k - 1].get_bottom()[1] + boxes[k].get_top()[1]) / 2
        label = None
        if spec["shortcut"]:  # its label (the plan's lines), on the shortcut's line, clear of every layer's box
            t = VGroup(*(self.text(line, self.size - 2, color=accent) for line in spec["shortcut"])).arrange(DOWN, buff=0.08)
            box = RoundedRectangle(corner_radius=0.08, width=t.width + 0.3, height=t.height + 0.2).set_stroke(accent, width=1.5)
            box.set_fill(ManimColor(self.theme.background), opacity=1.0)
            t.move_to(box)
            label = VGroup(box, t)
        side_x = boxes.get_right()[0] + max(0.45, (label.width / 2 + 0.2) if label is not None else 0.0)
        path = VGroup(Line([boxes.get_center()[0], start_y, 0], [side_x, start_y, 0]),
                      Line([side_x, start_y, 0], [side_x, plus.get_center()[1], 0]),
                      Arrow([side_x, plus.get_center()[1], 0], plus.get_right(), buff=0.0, stroke_width=2, tip_length=0.14,
                            max_tip_length_to_length_ratio=0.5))
        path.set_color(accent).set_stroke(width=2)
        parts = VGroup(boxes, links, plus, path)
        if label is not None:
            parts.add(label.move_to([side_x, (start_y + plus.get_center()[1]) / 2, 0]))
        heading.next_to(parts, UP, buff=0.3)
        panel = VGroup(heading, parts)
        area = self.area
        if "shape" in columns:  # right of the shapes, which stay
            left = max(m.get_right()[0] for m in first["shape"]) + 0.6
        else:
            left = self.block_center_x + self.block_w * self.factor / 2 + 1.0
        self.fit(panel, area.right - left, area.height)
        panel.move_to([(left + area.right) / 2, area.center[1], 0])
        opened = self.blocks[row]
        anims = [FadeOut(m) for m in fading]
        anims.append(opened.animate.set_stroke(accent, width=3.5))
        # quickly, so that the marker can follow the voice through the layers it names next
        if self.marker.mobject is not None and self.marker.at is not None:  # what it lit is no longer what the voice is on
            anims.append(self.marker.mobject.animate.set_fill(opacity=0).set_stroke(opacity=0))
            self.marker.at = None
        self.play(*anims, FadeIn(heading), LaggedStart(*(FadeIn(b, shift=0.1 * DOWN) for b in boxes), lag_ratio=0.25),
                  run_time=style.NORMAL)
        self.play(FadeIn(links), FadeIn(plus), *(FadeIn(p) for p in parts[3:]), run_time=style.QUICK)
        self.opened = True
        # the shortcut is lit by its run down the side and its label (its start runs behind the layers)
        self.block_parts = {"boxes": boxes, "plus": plus, "shortcut": [path[1]] + ([label] if label is not None else [])}


def _window(start: float, length: float) -> Callable[[float], float]:
    """A rate that is 0 until ``start``, rises to 1 over ``length`` and stays there (a part's change within a longer play)."""
    return lambda t: min(1.0, max(0.0, (t - start) / length))


def note(scene: StepScene, s: str, width: float) -> VGroup:
    """A note beside a diagram: a bullet and its text (up to two lines of ``width``)."""
    lines = scene.lines(s, style.BODY, max_lines=2, width=width)
    body = lines.arrange(DOWN, buff=0.12, aligned_edge=LEFT) if len(lines) > 1 else lines
    dot = Dot(radius=0.08, color=ManimColor(scene.theme.accent)).next_to(body[0], LEFT, buff=0.3)
    return VGroup(dot, body)


def _token(step, cues: list[str]) -> int:
    """The token where the voice first reaches one of ``cues`` (-1: none, at once)."""
    return min((token for cue, token in step.cues if cue in cues), default=-1)


class ResidualBlockScene(StepScene):
    """One residual block as a block: its input at the top, the layers of its main path F one under another, the +
    that adds their result to the input, and the output below it; the shortcut runs from the input round the layers
    into the +, and at its cue the input travels along it. Notes stand beside the block, each at its cue."""

    def draw(self) -> None:
        d = self.step.data
        area = self.area
        accent, muted, text_color = (ManimColor(c) for c in (self.theme.accent, self.theme.muted, self.theme.text))
        size = style.BODY
        top = self.text(d["input"], size + 4, color=self.theme.text)
        boxes = VGroup()
        for layer in d["layers"]:
            t = self.text(layer, size)
            box = RoundedRectangle(corner_radius=0.1, width=max(t.width + 0.5, 2.4), height=t.height + 0.35)
            box.set_stroke(text_color, width=2).set_fill(accent, opacity=0.18)
            boxes.add(VGroup(box, t.move_to(box)))
        boxes.arrange(DOWN, buff=0.45)
        width = max(b.width for b in boxes)
        for b in boxes:  # one column of boxes of one width
            b[0].stretch_to_fit_width(width)
            b[1].move_to(b[0])
        plus = VGroup(Circle(radius=0.24).set_stroke(accent, width=3),
                      Line(0.15 * LEFT, 0.15 * RIGHT).set_stroke(accent, width=3),
                      Line(0.15 * DOWN, 0.15 * UP).set_stroke(accent, width=3))
        bottom = self.text(d["output"], size + 4, color=self.theme.text)
        column = VGroup(top, boxes, plus, bottom).arrange(DOWN, buff=0.7)
        arrow = dict(buff=0.06, stroke_width=3, max_tip_length_to_length_ratio=0.35, color=muted)
        into_first = Arrow(top.get_bottom(), boxes[0].get_top(), **arrow)
        links = VGroup(*(Arrow(a.get_bottom(), b.get_top(), **arrow) for a, b in zip(boxes[:-1], boxes[1:])))
        into_plus = Arrow(boxes[-1].get_bottom(), plus.get_top(), **arrow)
        out_arrow = Arrow(plus.get_bottom(), bottom.get_top(), **arrow)
        # F: a bracket along the layers, its name on its left
        bracket = Line(boxes.get_corner(UP + LEFT) + 0.25 * LEFT, boxes.get_corner(DOWN + LEFT) + 0.25 * LEFT).set_stroke(muted, width=3)
        ticks = VGroup(*(Line(p, p + 0.12 * RIGHT).set_stroke(muted, width=3) for p in (bracket.get_start(), bracket.get_end())))
        f_label = self.text(d["correction"], size, color=self.theme.muted).next_to(bracket, LEFT, buff=0.2)
        # the shortcut: from between the input and the first layer, round the layers' right side, into the +
        y0 = (top.get_bottom()[1] + boxes.get_top()[1]) / 2
        side = boxes.get_right()[0] + 0.9
        cx = boxes.get_center()[0]
        route = VMobject().set_points_as_corners([[cx, y0, 0], [side, y0, 0], [side, plus.get_center()[1], 0], plus.get_right()])
        route.set_stroke(accent, width=3)
        tip = Arrow([side, plus.get_center()[1], 0], plus.get_right(), buff=0.0, stroke_width=3, tip_length=0.18,
                    max_tip_length_to_length_ratio=0.6, color=accent)
        s_label = self.text(d["shortcut"], size, color=self.theme.accent).next_to([side, (y0 + plus.get_center()[1]) / 2, 0], RIGHT, buff=0.15)
        block = VGroup(column, into_first, links, into_plus, out_arrow, bracket, ticks, f_label, route, tip, s_label)
        notes = VGroup(*(self.note(n["text"]) for n in d["notes"]))
        if len(notes):
            notes.arrange(DOWN, buff=0.45, aligned_edge=LEFT)
            room = area.width * 0.5
            self.fit(block, room, area.height - 0.1)
            block.move_to([area.left + room / 2, area.center[1], 0])
            self.fit(notes, area.width - room - 0.6, area.height - 0.2)
            notes.move_to([area.left + room + 0.6 + notes.width / 2, area.center[1], 0])
        else:
            self.fit(block, area.width, area.height - 0.1)
            block.move_to(area.center)
        # the input and the sum first, then F's layers one after another, then the input round them, the notes; the
        # marker moves to each part the voice names (data["pointing"]), in the order the voice reaches them
        self.play(FadeIn(top, shift=0.2 * DOWN), FadeIn(plus), FadeIn(bottom), Create(out_arrow), run_time=style.NORMAL)

        def layers_in() -> None:
            self.cue(*d["layers_cues"], ahead=style.NORMAL)
            self.play(Create(into_first), LaggedStart(*(FadeIn(b, shift=0.15 * DOWN) for b in boxes), lag_ratio=0.35),
                      Create(links), Create(into_plus), run_time=style.NORMAL)
            self.play(Create(bracket), Create(ticks), FadeIn(f_label, shift=0.15 * RIGHT), run_time=style.QUICK)

        def shortcut_in() -> None:
            self.cue(*d["shortcut_cues"], ahead=style.SLOW)
            carried = top.copy().set_color(accent).scale(0.8).move_to(route.get_start())
            self.play(Create(route), MoveAlongPath(carried, route), run_time=style.SLOW)  # the input, unchanged, past the layers
            self.play(FadeIn(tip), FadeIn(s_label), FadeOut(carried, scale=0.5), Indicate(plus, color=accent), run_time=style.QUICK)

        def flow() -> None:  # the input runs down the main path, lighting each layer in turn: one after another
            self.cue(*d["flow_cues"], ahead=style.QUICK)
            points = [into_first.get_start(), *(b.get_center() for b in boxes), plus.get_center()]
            path = VMobject().set_points_as_corners(points)
            dot = Dot(radius=0.11, color=accent).move_to(points[0])
            self.add(dot)
            self.bring_to_back(dot)  # under the layers' names (their boxes' fill is faint: it shows through)
            n = len(boxes)
            lit = [b[0].animate(rate_func=_window((i + 0.5) / (n + 1), 1.0 / (n + 1))).set_stroke(accent, width=4) for i, b in enumerate(boxes)]
            self.play(MoveAlongPath(dot, path, rate_func=lambda t: t), *lit, run_time=style.SLOW)
            self.play(FadeOut(dot, scale=0.5), *(b[0].animate.set_stroke(text_color, width=2) for b in boxes), run_time=style.QUICK / 2)

        def note_in(row: VGroup, note: dict) -> None:
            if note["cues"]:
                self.cue(*note["cues"], ahead=style.QUICK)
            self.play(FadeIn(row, shift=0.3 * RIGHT), run_time=style.NORMAL)

        # the shortcut's run down the side, where the route is now (the block was scaled into place; not drawn: its box)
        run_x = route.get_right()[0]
        side_line = Line([run_x, route.get_top()[1], 0], [run_x, route.get_bottom()[1], 0])
        parts = {"input": [top], "correction": [bracket, f_label], "shortcut": [side_line, s_label], "plus": [plus],
                 "output": [bottom]}
        marker = Marker(self)

        def box(key: list) -> tuple[float, float, float, float]:
            if key[0] == "layers":
                return bounds(*boxes[key[1]:key[2] + 1], pad=0.1)
            if key[0] == "note":
                return bounds(notes[key[1]], pad=0.1)
            return bounds(*parts[key[0]], pad=0.1)

        events: list[tuple[int, int, int, Callable[[], None]]] = []
        last = _token(self.step, d["shortcut_cues"])
        events.append((_token(self.step, d["layers_cues"]), 0, 0, layers_in))
        events.append((last, 0, 1, shortcut_in))
        if d.get("flow_cues"):
            events.append((_token(self.step, d["flow_cues"]), 0, 2, flow))
        for row, note in zip(notes, d["notes"]):  # a note without a cue follows the one before it
            last = _token(self.step, note["cues"]) if note["cues"] else last
            events.append((last, 0, len(events), lambda row=row, note=note: note_in(row, note)))
        for cue, key in d.get("pointing", []):
            events.append((_token(self.step, [cue]), 1, len(events),
                           lambda cue=cue, key=key: marker.light((cue,), box(key), key=tuple(key))))
        for *_, run in sorted(events, key=lambda e: e[:3]):
            run()

    def note(self, s: str) -> VGroup:
        return note(self, s, width=6.0)
