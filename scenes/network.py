"""The network drawn node by node; the example's values travel through it to the raw outputs.

On request (the plan's ``show``) the weights are written on the edges, the hidden nodes' names above them, each
node's bias under it and each layer's activation under the network; ``highlights`` pick out nodes, edges, weights
or biases at cues of the narration, in the order of the plan's ``events``. Every word drawn comes from the plan.
"""

from __future__ import annotations

from typing import Any

import dataclasses
from collections.abc import Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arc,
    Arrow,
    BackgroundRectangle,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    LaggedStart,
    Line,
    ManimColor,
    ShowPassingFlash,
    ReplacementTransform,
    Transform,
    TransformFromCopy,
    VGroup,
    VMobject,
    )

from scenes import style
from scenes.base import READABLE, StepScene
from scenes.highlight import Marker, bounds

NET_TOP = 2.35
NET_BOTTOM = -1.25
EQUATION_Y = -1.95
NAME_ROOM = 0.35  # above the network, for the names over the top nodes
ACTIVATION_ROOM = 0.4  # below it, for the activations under the columns
BIAS_ROOM = 0.35  # below it, for the biases under the bottom nodes
STRUCTURE_BOTTOM = -2.0  # the network's bottom when no values travel (no equations below it)


def column(n: int, x: float, top: float = NET_TOP, bottom: float = NET_BOTTOM, max_gap: float = 1.35) -> tuple[list[np.ndarray], float]:
    """Centres of ``n`` nodes stacked at ``x`` between ``top`` and ``bottom`` (at most ``max_gap`` apart), and a
    node radius that fits."""
    height = top - bottom
    gap = min(max_gap, height / max(n - 1, 1)) if n > 1 else 0.0
    ys = [(n - 1) / 2 * gap - i * gap + (top + bottom) / 2 for i in range(n)]
    radius = min(0.42, gap * 0.42) if n > 1 else 0.42
    return [np.array([x, y, 0.0]) for y in ys], radius


class NetworkScene(StepScene):
    continues_network = True
    def events(self) -> list[dict]:
        """What happens after the network is drawn: the plan's events, or else (with values) the inputs, then each
        node's sum in turn."""
        data = self.step.data
        default = [{"kind": "inputs"}] + [
            {"kind": "node", "layer": k, "node": n} for k, l in enumerate(data["layers"]) for n in range(len(l["nodes"]))
        ]
        return data.get("events", default if data.get("values", True) else [])

    def formulas(self) -> list[list[str]]:
        layers = self.step.data["layers"]
        return [self.equation_parts(layers[e["layer"]]["nodes"][e["node"]], layers[e["layer"]]) for e in self.events() if e["kind"] == "node"]

    def draw(self) -> None:
        data = self.step.data
        inputs, layers = data["inputs"], data["layers"]
        events = self.events()
        extras = self.lay_out()
        nodes, edges, in_labels, out_labels = self.nodes, self.edges, self.in_labels, self.out_labels
        kept = [m for w, m in zip(self.writes, self.written_labels) if w.get("kept")]
        if self.kept_parts is not None:  # the network before stays: it moves into this step's layout
            self.play(*self.continue_network(self.kept_parts, extras, kept), run_time=style.NORMAL)
            self.bring_to_front(*(n for col in nodes for n in col), *kept)
        else:
            all_edges = VGroup(*(e for layer in edges for row in layer for e in row))
            self.play(
                LaggedStart(*(GrowFromCenter(n) for col in nodes for n in col), lag_ratio=0.08),
                Create(all_edges, lag_ratio=0.02),
                run_time=style.SLOW,
            )
            self.bring_to_front(*(n for col in nodes for n in col))
            # a raw value the voice says after its input's scaled one comes in at its word (event raw_input)
            later = {i for e in events if e["kind"] == "raw_input" for i in [e["index"]]}
            labels = [part for i, label in enumerate(in_labels) for part in (label[:1] if i in later else label)]
            self.play(FadeIn(VGroup(*labels), shift=0.2 * RIGHT), FadeIn(out_labels, shift=0.2 * LEFT), run_time=style.QUICK)
            self.raws_shown = {i for i in range(len(in_labels)) if i not in later}
            if len(extras):
                self.play(FadeIn(extras), run_time=style.NORMAL)
            if kept:
                self.play(*(FadeIn(m) for m in kept), run_time=style.QUICK)
        shown = self.run(events, inputs, layers, self.out_values)
        for other in data.get("passes", []):  # more examples, one after another: the last one's values make way
            raws = [self.text(f"{spec['raw']} {spec['unit']}".strip(), style.SMALL, color=self.theme.muted) for spec in other["inputs"]]
            for new, label in zip(raws, in_labels):
                new.move_to(label[1]).align_to(label[1], RIGHT)
            self.cue(*(c for spec in other["inputs"] for c in spec["cues"]), ahead=style.QUICK)  # the last one's values stay till then
            self.play(*(FadeOut(m) for m in shown), *(FadeOut(label[1]) for label in in_labels), *(FadeIn(new) for new in raws),
                      run_time=style.QUICK)
            for label, new in zip(in_labels, raws):  # the new raw value is the label's second line from now on
                label.remove(label[1])
                label.add(new)
            outs = [self.text(spec["value"], style.LABEL, color=self.theme.classes[n].color) for n, spec in enumerate(other["layers"][-1]["nodes"])]
            shown = self.run(other["events"], other["inputs"], other["layers"], outs, quick=True)
        self.wait(style.BEAT)

    def lay_out(self) -> VGroup:
        """Everything the network needs placed, from the plan (nodes, edges, labels, the weights, names, biases and
        activations asked for, the written values); kept on ``self``. Returns the extras (names, weights, ...) to show."""
        data = self.step.data
        inputs, layers = data["inputs"], data["layers"]
        values = data.get("values", True)
        show = data.get("show", {})
        self.groups = data.get("highlights", [])
        # the biases are placed if they are drawn, or one of them is picked out (then it is written only while it is)
        self.biases_shown = bool(show.get("biases"))
        biases_wanted = self.biases_shown or any("bias" in item or (item.get("path") or {}).get("bias") is not None
                                                 for g in self.groups for item in g["items"])
        self.writes = data.get("writes", [])
        top = NET_TOP - (NAME_ROOM if show.get("names") else 0.0)
        bottom = ((NET_BOTTOM if values else STRUCTURE_BOTTOM) + (ACTIVATION_ROOM if show.get("activations") else 0.0)
                  + (BIAS_ROOM if biases_wanted else 0.0))
        # what is written inside the nodes of each column but the last (which shows its values beside the labels)
        inside = [[spec["scaled"] for spec in inputs]] + [[n["value"] for n in l["nodes"]] for l in layers[:-1]] if values else []
        in_labels = VGroup()
        for spec in inputs:
            parts = [self.text(spec["label"], style.LABEL)]
            if values:
                parts.append(self.text(f"{spec['raw']} {spec['unit']}".strip(), style.SMALL, color=self.theme.muted))
            in_labels.add(VGroup(*parts).arrange(DOWN, buff=0.08, aligned_edge=RIGHT))
        out_labels = VGroup(*(self.text(self.class_label(i), style.LABEL, color=self.theme.classes[i].color) for i in range(self.n_classes)))
        out_values = [self.text(spec["value"], style.LABEL, color=self.theme.classes[n].color) for n, spec in enumerate(layers[-1]["nodes"])] if values else []
        names = [[self.label(n["name"]) if show.get("names") and n["name"] else None for n in l["nodes"]] for l in layers[:-1]]
        self.bias_labels = [[self.label(n["bias_label"], color=self.theme.text) for n in l["nodes"]] for l in layers] if biases_wanted else []
        sizes = [len(inputs)] + [len(l["nodes"]) for l in layers]
        # the values written onto the network: made now, so that those beside the outputs get their room
        self.written_labels = [self.label(w["text"], style.SMALL, color=self.theme.accent) for w in self.writes]
        beside_outputs = [m for w, m in zip(self.writes, self.written_labels) if "node" in w and w["node"][0] == len(layers)]
        xs, columns = self.columns(sizes, inside, in_labels, out_labels, out_values, top, bottom, names, wide=bool(show.get("weights")),
                                   below=self.bias_labels, after=beside_outputs)
        nodes = []
        for k, (centres, r) in enumerate(columns):
            is_out = k == len(columns) - 1
            nodes.append(
                [
                    Circle(radius=r, color=self.class_color(i) if is_out else ManimColor(self.theme.muted), stroke_width=3)
                    .set_fill(ManimColor(self.theme.background), 1)
                    .move_to(c)
                    for i, c in enumerate(centres)
                ]
            )
        edges = [
            [[Line(a.get_right(), b.get_left(), stroke_width=2, color=ManimColor(self.theme.muted)) for a in left] for b in right]
            for left, right in zip(nodes, nodes[1:])
        ]
        self.nodes, self.edges = nodes, edges
        self.node_colors = {node: node.get_stroke_color() for col in nodes for node in col}  # as drawn, to go back to
        # labels: inputs on the left, classes on the right
        for node, label in zip(nodes[0], in_labels):
            label.next_to(node, LEFT, buff=0.25)
        for node, label in zip(nodes[-1], out_labels):
            label.next_to(node, RIGHT, buff=0.25)
        extras = self.extras(layers, show, names, in_labels, out_labels)
        self.out_labels, self.in_labels, self.columns_drawn, self.out_values = out_labels, in_labels, columns, out_values
        self.place_written(out_values)
        self.lit: list[tuple[str, object]] = []
        self.factors: list = []
        self.written_shown = [m for w, m in zip(self.writes, self.written_labels) if w.get("kept")]
        return extras

    def picture(self) -> dict[str, list]:
        """The network as its step leaves it, laid out (:meth:`lay_out`) and not animated: its structure and labels, the
        extras shown, the example's values (when it shows values) and every value written onto it; by part."""
        data = self.step.data
        extras = self.lay_out()
        values: list = []
        if data.get("values", True):
            for k, (col, specs) in enumerate(zip(self.nodes, [data["inputs"], *(l["nodes"] for l in data["layers"][:-1])])):
                r = self.columns_drawn[k][1]
                values += [self.fit(self.text(spec["scaled" if k == 0 else "value"], style.SMALL), INNER_WIDTH * r, INNER_HEIGHT * r)
                           .move_to(node) for node, spec in zip(col, specs)]
            for n, target in enumerate(self.out_values):
                target.next_to(self.out_labels[n], RIGHT, buff=0.3)
                target.align_to(self.out_labels[0], LEFT).shift((self.out_labels.width + 0.3) * RIGHT)
                values.append(target)
        self.written_shown = list(self.written_labels)
        lit = []
        for group in self.groups:  # the group still picked out at the step's end, as it is left
            lit, factors = self.lit_items(group)
            extras.add(*factors)
        for kind, m in lit:
            if kind == "node":
                m.set_stroke(ManimColor(self.theme.accent), width=7)
            elif kind == "edge":
                m.set_stroke(ManimColor(self.theme.accent), width=6)
            else:
                m[1].set_color(ManimColor(self.theme.accent))
                if not self.written(kind):
                    extras.add(m)
        return {"nodes": [n for col in self.nodes for n in col], "edges": [e for layer in self.edges for row in layer for e in row],
                "in_labels": list(self.in_labels), "out_labels": list(self.out_labels), "extras": [extras] if len(extras) else [],
                "values": values, "written": list(self.written_labels)}

    def continue_network(self, old: dict[str, list], extras: VGroup, kept: list) -> list:
        """The network the step before left on screen (``old``, by part) moving into this step's layout: each node,
        edge and label to its new place, the values written on it to theirs; what this step does not show (the
        example's values, extras it does not draw) goes, what it adds comes."""
        anims: list = []
        new = {"nodes": [n for col in self.nodes for n in col], "edges": [e for layer in self.edges for row in layer for e in row],
               "in_labels": list(self.in_labels), "out_labels": list(self.out_labels), "written": kept}
        for part, targets in new.items():
            for a, b in zip(old[part], targets):
                anims.append(ReplacementTransform(a, b))
            anims += [FadeOut(a) for a in old[part][len(targets):]] + [FadeIn(b) for b in targets[len(old[part]):]]
        anims += [FadeOut(m) for m in old["values"] + old["extras"]]
        if len(extras):
            anims.append(FadeIn(extras))
        return anims

    def run(self, events: list[dict], inputs: list[dict], layers: list[dict], out_values: list, quick: bool = False) -> list:
        """One example through the network, event by event; the values it left in the nodes and beside the outputs.
        ``quick``: each node's value appears without its equation (an example after the first, whose sums were
        worked out for the first)."""
        columns, nodes, edges, out_labels = self.columns_drawn, self.nodes, self.edges, self.out_labels
        left: list = []
        equation = None  # the node's weighted sum on show, until the next one's comes
        for event in events:
            if event["kind"] == "highlight":
                self.highlight(self.groups[event["group"]])
            elif event["kind"] == "write":  # a value written onto the network, to stay
                written = self.writes[event["index"]]
                self.cue(*written["cues"], ahead=style.QUICK)
                self.play(FadeIn(self.written_labels[event["index"]], scale=1.3), run_time=style.QUICK)
                self.written_shown.append(self.written_labels[event["index"]])
            elif event["kind"] == "inputs":
                # the example's inputs appear in the input nodes
                r = columns[0][1]
                shown = [self.fit(self.text(spec["scaled"], style.SMALL), INNER_WIDTH * r, INNER_HEIGHT * r).move_to(node)
                         for node, spec in zip(nodes[0], inputs)]
                self.cue(*(c for spec in inputs for c in spec["cues"]), ahead=style.NORMAL)
                self.play(LaggedStart(*(FadeIn(v, shift=0.1 * UP) for v in shown), lag_ratio=0.3), run_time=style.NORMAL)
                left += shown
            elif event["kind"] == "input":  # one input's value appears in its node as the voice says it
                i = event["index"]
                r = columns[0][1]
                value = self.fit(self.text(inputs[i]["scaled"], style.SMALL), INNER_WIDTH * r, INNER_HEIGHT * r).move_to(nodes[0][i])
                self.cue(*inputs[i]["cues"], ahead=style.QUICK)
                self.play(FadeIn(value, shift=0.1 * UP), run_time=style.QUICK)
                left.append(value)
            elif event["kind"] == "raw_input":  # its raw value (with its unit) under the input's label, at its word
                i = event["index"]
                if quick or i in getattr(self, "raws_shown", set(range(len(self.in_labels)))):
                    continue  # shown already (an example after the first brings its raw values in with its inputs)
                self.cue(*inputs[i]["raw_cues"], ahead=style.QUICK)
                self.play(FadeIn(self.in_labels[i][1], shift=0.1 * UP), run_time=style.QUICK)
                self.raws_shown.add(i)
            elif event["kind"] == "lead":
                # the voice describes the sum before it names its value: the inputs flow along the edges into the
                # weighted sum at the sentence's start (its result, and the value into the node, at the word: the
                # node's event, which may come after highlights the sentence brings in between)
                k, n = event["layer"], event["node"]
                led = self.node_equation(layers[k]["nodes"][n], layers[k])
                flash, gone, after = self.sum_in(edges[k][n], equation)
                self.cue(*event["cues"], ahead=style.QUICK)
                self.play(*flash, *gone, FadeIn(led[0], shift=0.15 * UP, **after), run_time=style.NORMAL)
                equation = led
            else:
                k, n = event["layer"], event["node"]
                layer, spec, node = layers[k], layers[k]["nodes"][n], nodes[k + 1][n]
                flash, gone, after = self.sum_in(edges[k][n], equation)
                if layer["output"]:
                    target = out_values[n]
                    target.next_to(out_labels[n], RIGHT, buff=0.3)
                    target.align_to(out_labels[0], LEFT).shift((out_labels.width + 0.3) * RIGHT)
                else:
                    radius = columns[k + 1][1]
                    target = self.fit(self.text(spec["value"], style.SMALL), INNER_WIDTH * radius, INNER_HEIGHT * radius).move_to(node)
                left.append(target)
                if quick:
                    self.cue(*spec["cues"], ahead=style.QUICK)
                    self.play(*flash, FadeIn(target, scale=1.2), run_time=style.QUICK)
                    continue
                if event.get("led"):  # its sum came in with its lead: the result, and the value into the node
                    eq = equation
                    self.cue(*spec["cues"], ahead=style.QUICK)
                    self.play(FadeIn(VGroup(*eq[1:])), TransformFromCopy(eq[-1], target), run_time=style.NORMAL)
                    self.remove(*eq)
                    self.add(eq)
                    continue
                eq = self.node_equation(spec, layer)
                if any(name in spec["cues"] for name, _ in self.step.cues):  # the sum and the value in the node at the word
                    self.cue(*spec["cues"], ahead=style.QUICK)
                    self.play(*flash, *gone, FadeIn(eq, shift=0.15 * UP, **after), FadeIn(target, scale=1.2), run_time=style.NORMAL)
                else:  # a value the voice does not name: its sum and value in turn, briskly (the next value has a word)
                    self.play(*flash, *gone, FadeIn(eq, shift=0.15 * UP, **after), FadeIn(target, scale=1.2), run_time=style.QUICK)
                equation = eq
        if equation is not None:  # the last sum goes: the network is left with its values
            self.play(FadeOut(equation), run_time=style.QUICK)
        return left

    def sum_in(self, edges: list, equation: VGroup | None) -> tuple[list, list, dict]:
        """How a node's weighted sum comes in: its inputs flashing along its ``edges``, the sum on show before
        (``equation``) going in the first third and the new one coming in after it (never two over each other)."""
        flash = [ShowPassingFlash(e.copy().set_stroke(ManimColor(self.theme.accent), width=6), time_width=0.6) for e in edges]
        gone = [FadeOut(equation, rate_func=_first_third)] if equation is not None else []
        after = {"rate_func": _after_a_third} if equation is not None else {}
        return flash, gone, after

    # ------------------------------------------------------------ what is drawn on request

    def label(self, s: str, size: int = style.SMALL, color: str | None = None) -> VGroup:
        """A small text on a patch of the background, so that the edges behind it do not run through it."""
        text = self.text(s, size, color=color or self.theme.muted)
        patch = BackgroundRectangle(text, color=ManimColor(self.theme.background), fill_opacity=0.85, buff=0.05)
        return VGroup(patch, text)

    def extras(self, layers: list[dict], show: dict, names: list[list], in_labels: VGroup, out_labels: VGroup) -> VGroup:
        """The names over the hidden nodes, the activations under the columns and the weights on the edges, placed;
        the weights' labels are kept in ``self.weight_labels`` (also those not shown, for a highlighted weight)."""
        out = VGroup()
        for k, column_names in enumerate(names):
            for node, name in zip(self.nodes[k + 1], column_names):
                if name is not None:
                    out.add(name.next_to(node, UP, buff=0.06))
        for k, column_biases in enumerate(self.bias_labels):  # each bias under its node
            for node, bias in zip(self.nodes[k + 1], column_biases):
                bias.next_to(node, DOWN, buff=0.06)
        if self.biases_shown:
            out.add(*(b for col in self.bias_labels for b in col))
        if show.get("activations"):  # on one line under the lowest node (and its bias)
            y = min([col[-1].get_bottom()[1] for col in self.nodes] + [col[-1].get_bottom()[1] for col in self.bias_labels]) - 0.12
            for k, layer in enumerate(layers):
                label = self.label(layer["activation_name"])
                out.add(label.move_to([self.nodes[k + 1][-1].get_center()[0], y - label.height / 2, 0]))
        obstacles = ([m for col in self.nodes for m in col] + list(in_labels) + list(out_labels) + list(out)
                     + [b for col in self.bias_labels for b in col])
        wanted = show.get("weights") or any("weight" in item for g in self.groups for item in g["items"])
        self.weight_labels = self.place_weights(layers, obstacles) if wanted else {}
        self.weights_shown = bool(show.get("weights"))
        if self.weights_shown:
            out.add(*self.weight_labels.values())
        return out

    def place_written(self, out_values: list) -> None:
        """Each written value at its place: an output's after its label (and its value, when the example's values
        are shown), another node's above it, an edge's at its middle."""
        last = len(self.nodes) - 1
        right = max([m.get_right()[0] for m in self.out_labels]) if len(self.out_labels) else 0.0
        value_width = max((v.width for v in out_values), default=0.0)
        beside: dict[tuple[int, int], Any] = {}  # the last value written at each node: the next goes after it
        for w, label in zip(self.writes, self.written_labels):
            if "node" in w:
                col, n = w["node"]
                node = self.nodes[col][n]
                before = beside.get((col, n))
                if col == last:
                    x = right + 0.3 + (value_width + 0.3 if out_values else 0.0)
                    label.move_to([x + label.width / 2, node.get_center()[1], 0])
                    if before is not None:  # under the one before, on its left edge
                        label.next_to(before, DOWN, buff=0.08, aligned_edge=LEFT)
                else:
                    label.next_to(before if before is not None else node, UP, buff=0.06)
                beside[(col, n)] = label
            else:
                col, a, b = w["edge"]
                label.move_to(self.edges[col - 1][b][a].get_center())

    def place_weights(self, layers: list[dict], obstacles: list) -> dict[tuple[int, int, int], VGroup]:
        """A label for every weight, on its own edge. The weights into one node stand at one fraction of the way
        along their edges (near that node if there is room), where no label overlaps a node, a label or another
        weight, and as few other edges as may be run through them (so that each reads as its edge's).
        Keys: (column of the edge's end, from, to)."""
        lines = [(k + 1, a, b, e) for k, layer in enumerate(self.edges) for b, row in enumerate(layer) for a, e in enumerate(row)]
        samples = np.array([[e.point_from_proportion(t)[:2] for t in np.linspace(0.02, 0.98, 40)] for *_, e in lines])
        boxes = [_box(m, 0.04) for m in obstacles]
        placed: dict[tuple[int, int, int], VGroup] = {}
        self._sizes: dict[tuple[str, int], tuple[float, float]] = {}

        def crossings(box: tuple[float, float, float, float], index: int) -> int:
            inside = ((samples[..., 0] > box[0]) & (samples[..., 0] < box[1])
                      & (samples[..., 1] > box[2]) & (samples[..., 1] < box[3])).any(axis=1)
            return int(inside.sum()) - int(inside[index])

        for col in range(1, len(self.nodes)):
            pair = [(i, line) for i, line in enumerate(lines) if line[0] == col]
            found = self.stacks(layers, col, pair, boxes, crossings) or self.each(layers, pair, boxes, crossings)
            for key, label in found.items():
                placed[key] = label
                boxes.append(_box(label[1], LABEL_GAP))
        return placed

    def stacks(self, layers: list[dict], col: int, pair: list, boxes: list, crossings) -> dict | None:
        """The weights into each node of column ``col`` at one fraction of the way along their edges (the nearest
        to the node that is free); None if some node's weights find no such place."""
        found: dict[tuple[int, int, int], VGroup] = {}
        taken_all: list = []
        for b in range(len(self.nodes[col])):
            into = [(i, line) for i, line in pair if line[2] == b]
            best = None
            for size in WEIGHT_SIZES:
                for rank, t in enumerate(ALONG):
                    taken, cost = [], 0
                    for index, (_, a, _, edge) in into:
                        box = self.weight_box(layers, col, a, b, size, edge, t, LABEL_GAP)
                        if any(_overlaps(box, o) for o in boxes + taken_all + taken):
                            break
                        taken.append(box)
                        cost += crossings(self.weight_box(layers, col, a, b, size, edge, t, 0.0), index)
                    else:
                        if best is None or CROSSING_WEIGHT * cost + rank < best[0]:
                            best = (CROSSING_WEIGHT * cost + rank, size, t, taken)
                if best is not None:
                    break
            if best is None:
                return None
            _, size, t, taken = best
            for _, (_, a, _, edge) in into:
                found[(col, a, b)] = self.weight_label(layers, col, a, b, size, edge, t)
            taken_all += taken
        return found

    def each(self, layers: list[dict], pair: list, boxes: list, crossings) -> dict:
        """Each weight of ``pair`` alone on its edge: the weight with the fewest free places first, each where it
        crosses the fewest other edges (at a readable size, smaller only if it must)."""
        options = {}
        for index, (col, a, b, edge) in pair:
            free = []
            for s_rank, size in enumerate((*WEIGHT_SIZES, LAST_SIZE)):
                for rank, t in enumerate(ALONG_ANY):
                    box = self.weight_box(layers, col, a, b, size, edge, t, LABEL_GAP)
                    if not any(_overlaps(box, o) for o in boxes):
                        cost = (s_rank, crossings(self.weight_box(layers, col, a, b, size, edge, t, 0.0), index), rank)
                        free.append((cost, box, size, t))
            options[(col, a, b)] = sorted(free, key=lambda f: f[0])
        found: dict[tuple[int, int, int], VGroup] = {}
        taken: list = []
        while options:
            fits = {k: [f for f in v if not any(_overlaps(f[1], o) for o in taken)] for k, v in options.items()}
            key = min(fits, key=lambda k: len(fits[k]))
            del options[key]
            col, a, b = key
            # no free place: the middle of the edge (the layout check says where it collides)
            _, box, size, t = fits[key][0] if fits[key] else (None, None, LAST_SIZE, 0.5)
            found[key] = self.weight_label(layers, col, a, b, size, self.edges[col - 1][b][a], t)
            taken.append(box or _box(found[key][1], LABEL_GAP))
        return found

    def weight_label(self, layers: list[dict], col: int, a: int, b: int, size: int, edge: Line, t: float) -> VGroup:
        """The weight of edge a → b into column ``col``, ``t`` of the way along it."""
        label = self.label(layers[col - 1]["weights"][b][a], size, color=self.theme.text)
        return label.move_to(edge.get_start() + t * (edge.get_end() - edge.get_start()))

    def weight_box(self, layers: list[dict], col: int, a: int, b: int, size: int, edge: Line, t: float, pad: float) -> tuple:
        """The box of the weight's text, ``t`` of the way along its edge (without making the label)."""
        key = (layers[col - 1]["weights"][b][a], size)
        if key not in self._sizes:
            text = self.text(key[0], size)
            self._sizes[key] = (text.width, text.height)
        w, h = self._sizes[key]
        x, y, _ = edge.get_start() + t * (edge.get_end() - edge.get_start())
        return x - w / 2 - pad, x + w / 2 + pad, y - h / 2 - pad, y + h / 2 + pad

    # ------------------------------------------------------------ highlights

    def highlight(self, group: dict) -> None:
        """Pick out the group's nodes, edges and weights at its cue; what the group before picked out and this one
        does not goes back to normal."""
        accent, muted = ManimColor(self.theme.accent), ManimColor(self.theme.muted)
        lit, factors = self.lit_items(group)
        anims = []
        for kind, m in self.lit:  # the group before, as it was
            if (kind, m) in lit:
                continue
            if kind == "node":
                anims.append(m.animate.set_stroke(self.node_colors[m], width=3))
            elif kind == "edge":
                anims.append(m.animate.set_stroke(muted, width=2))
            elif self.written(kind):
                anims.append(m[1].animate.set_color(ManimColor(self.theme.text)))
            else:
                anims.append(FadeOut(m))
        for kind, m in lit:
            if (kind, m) in self.lit:
                continue
            if kind == "node":
                anims.append(m.animate.set_stroke(accent, width=7))
            elif kind == "edge":
                anims.append(m.animate.set_stroke(accent, width=6))
            elif self.written(kind):
                anims.append(m[1].animate.set_color(accent))
            else:  # a weight or bias written only while it is picked out
                m[1].set_color(accent)
                anims.append(FadeIn(m))
        for old in getattr(self, "factors", []):  # the path before's factors go
            anims.append(FadeOut(old))
        self.lit, self.factors = lit, factors
        self.cue(*group["cues"], ahead=style.QUICK)
        self.bring_to_front(*(m for kind, m in lit if kind == "edge"))
        if self.weights_shown:  # the edges picked out pass under the weights
            self.bring_to_front(*self.weight_labels.values())
        if self.biases_shown:
            self.bring_to_front(*(b for col in self.bias_labels for b in col))
        if anims:
            self.play(*anims, run_time=style.QUICK)
        if factors:  # along the path, one link after another: the chain's factors in the order they multiply
            self.play(LaggedStart(*(FadeIn(f, shift=0.1 * UP) for f in factors), lag_ratio=0.6), run_time=style.NORMAL)

    def lit_items(self, group: dict) -> tuple[list[tuple[str, object]], list]:
        """What a group of highlights picks out, as (kind, mobject), and the factors its paths write at their links."""
        lit: list[tuple[str, object]] = []
        factors: list = []  # a path's factors, link by link, written as the path is lit
        taken: list = []
        for item in group["items"]:
            if "path" in item:
                links = self.path_links(item["path"])
                for (kind, m), text in zip(links, [*item["path"]["factors"], *[None] * len(links)]):
                    lit.append((kind, m))
                    if text is not None:
                        factors.append(self.factor_label(text, kind, m, taken))
                lit += [("node", self.nodes[c][n]) for c, n in item["path"]["nodes"]]
                continue
            if "node" in item:
                col, n = item["node"]
                lit.append(("node", self.nodes[col][n]))
                continue
            if "bias" in item:
                col, n = item["bias"]
                lit.append(("bias", self.bias_labels[col - 1][n]))
                continue
            col, a, b = item.get("edge") or item["weight"]
            lit.append(("edge", self.edges[col - 1][b][a]))
            if "weight" in item:
                lit.append(("weight", self.weight_labels[(col, a, b)]))
        return list(dict.fromkeys(lit)), factors

    def path_links(self, path: dict) -> list[tuple[str, object]]:
        """The links of a path, in its order: from its bias (the bias's label) to its first node, then the edge
        between each node and the next."""
        out: list[tuple[str, object]] = []
        if path.get("bias") is not None:
            col, n = path["bias"]
            out.append(("bias", self.bias_labels[col - 1][n]))
        for (c1, n1), (c2, n2) in zip(path["nodes"], path["nodes"][1:]):
            (lo, a), (hi, b) = sorted([(c1, n1), (c2, n2)])
            out.append(("edge", self.edges[hi - 1][b][a]))
        return out

    def factor_label(self, text: str, kind: str, link: object, taken: list) -> VGroup:
        """A factor of the chain rule written at its link: left of its bias, or just above (else below) its edge,
        where it covers no node, label, weight or factor already written (nearest the edge's middle)."""
        label = self.label(text, style.SMALL, color=self.theme.accent)
        if kind == "bias":
            label.next_to(link, LEFT, buff=0.12)
            taken.append(_box(label, LABEL_GAP))
            return label
        edge: Line = link  # type: ignore[assignment]
        obstacles = [_box(m, LABEL_GAP) for m in self.on_network()] + taken
        start, end = edge.get_start(), edge.get_end()
        for t in sorted(np.linspace(0.15, 0.85, 15), key=lambda t: abs(t - 0.5)):
            for side in (UP, DOWN):
                label.move_to(start + t * (end - start)).shift((label.height / 2 + 0.06) * side)
                if not any(_overlaps(_box(label, LABEL_GAP), o) for o in obstacles):
                    taken.append(_box(label, LABEL_GAP))
                    return label
        label.move_to(edge.get_center())  # no free place: on the edge (the layout check says where it collides)
        taken.append(_box(label, LABEL_GAP))
        return label

    def on_network(self) -> list:
        """What is written on and around the network now, for a new label to keep clear of."""
        out = [m for col in self.nodes for m in col] + list(self.out_labels) + list(self.in_labels)
        if self.weights_shown:
            out += list(self.weight_labels.values())
        if self.biases_shown:
            out += [b for col in self.bias_labels for b in col]
        out += self.written_shown
        return out

    def written(self, kind: str) -> bool:
        """Whether a weight's or a bias's label is on screen all along (else only while it is picked out)."""
        return self.weights_shown if kind == "weight" else self.biases_shown

    # ------------------------------------------------------------ layout

    def columns(
        self, sizes: list[int], inside: list[list[str]], in_labels: VGroup, out_labels: VGroup, out_values: list,
        top: float = NET_TOP, bottom: float = NET_BOTTOM, names: list[list] | None = None, wide: bool = False,
        below: list[list] | None = None, after: list | None = None,
    ) -> tuple[list[float], list[tuple[list[np.ndarray], float]]]:
        """Where the node columns go and how large their nodes are.

        The columns stand at their usual places unless the labels beside them need the room: then the network
        moves over, or gets narrower, so that the input labels on the left and the class labels with their values on
        the right stay inside the area (the labels shrink only if the network cannot give way enough). A node holding
        a long number (many decimals) grows, as far as its neighbours allow, so that the number stays readable. Over
        a node with a name drawn above it, the name and a small gap keep their room, as does a bias written under it
        (``below``: the labels under the nodes of each column after the inputs). ``wide``: the columns spread over
        all the width the labels leave (for the weights written on the edges).
        """
        area = self.area
        xs = list(np.linspace(-3.3, 2.2, len(sizes)))
        # with the weights written on the edges, the nodes spread over the height (the edges fan out, their labels
        # get room), the top node's circle kept below the heading
        columns = [column(n, x, min(top, style.CONTENT_TOP - 0.45), bottom, WIDE_GAP) if wide else column(n, x, top, bottom)
                   for n, x in zip(sizes, xs)]
        if not inside:  # the structure alone: no number inside a node, smaller nodes leave the edges more room
            columns = [(centres, min(r, STRUCTURE_RADIUS)) for centres, r in columns]
        for k, texts in enumerate(inside):
            centres, r = columns[k]
            widest = max(self.text(t, style.SMALL).width for t in texts)
            room = (centres[0][1] - centres[1][1]) * 0.46 if len(centres) > 1 else 0.75
            want = widest * READABLE / INNER_WIDTH
            columns[k] = (centres, max(r, min(want, room, 0.75)))
        for k in range(1, len(columns)):
            above = [name.height + 0.06 for name in (names or [])[k - 1] if name is not None] if k - 1 < len(names or []) else []
            under = [m.height + 0.06 for m in below[k - 1]] if below else []
            centres, r = columns[k]
            if (above or under) and len(centres) > 1:
                room = centres[0][1] - centres[1][1] - max(above, default=0.0) - max(under, default=0.0) - 0.04
                columns[k] = (centres, min(r, room / 2))
        value_width = max((v.width for v in out_values), default=0.0)
        value_gap = 0.3 if out_values else 0.0
        if after:  # values written after the outputs' labels (and values) keep their room too
            value_width += max(m.width for m in after) + (0.3 if out_values else 0.0)
            value_gap = 0.3
        min_span = MIN_COLUMN_GAP * (len(xs) - 1)
        fixed = 0.25 + columns[0][1] + columns[-1][1] + 0.25 + value_gap  # gaps and the nodes' halves beside the labels
        labels = in_labels.width + out_labels.width + value_width
        if labels + fixed + min_span > area.width:  # the labels are too wide even for a narrow network
            factor = (area.width - fixed - min_span) / labels
            for m in [*in_labels, *out_labels, *out_values, *(after or [])]:
                m.scale(factor)
            value_width *= factor
        lo = area.left + in_labels.width + 0.25 + columns[0][1]  # where the first and the last column may stand
        hi = area.right - (0.25 + out_labels.width + value_gap + value_width + columns[-1][1])
        span = xs[-1] - xs[0]
        if wide or xs[0] < lo or xs[-1] > hi:  # the network gives way (narrower if it must) or spreads, centred with its labels
            span = max(hi - lo, min_span) if wide else span
            span = min(span, max(hi - lo, min_span))
            first = (lo + hi - span) / 2
            xs = list(np.linspace(first, first + span, len(sizes)))
            if wide and len(sizes) > 2:  # a layer of more edges (more weights to write) gets more of the width
                edges = np.sqrt([a * b for a, b in zip(sizes, sizes[1:])])
                gaps = np.maximum(span * edges / edges.sum(), MIN_COLUMN_GAP)
                gaps = MIN_COLUMN_GAP + (gaps - MIN_COLUMN_GAP) * (span - MIN_COLUMN_GAP * len(gaps)) / max((gaps - MIN_COLUMN_GAP).sum(), 1e-9)
                xs = list(first + np.concatenate([[0.0], np.cumsum(gaps)]))
            columns = [([np.array([x, c[1], 0.0]) for c in centres], r) for x, (centres, r) in zip(xs, columns)]
        return xs, columns

    def node_equation(self, spec: dict, layer: dict) -> VGroup:
        """``w1*x1 + w2*x2 + b = sum`` then, for a hidden layer, ``ReLU(sum) = value``; the last part is the value."""
        eq = self.math(*self.equation_parts(spec, layer), size=style.MATH - 4)
        eq[-1].set_color(ManimColor(self.theme.accent))
        self.fit(eq, self.area.width)
        return eq.move_to([self.area.center[0], EQUATION_Y, 0])

    def equation_parts(self, spec: dict, layer: dict) -> list[str]:
        t = self.tex_number
        terms = []
        for i, (w, x) in enumerate(spec["terms"]):
            w = t(w)
            if i == 0:
                terms.append(f"{w} \\cdot {t(x)}")
            else:
                terms.append(f"{'-' if w.startswith('-') else '+'} {w.lstrip('-')} \\cdot {t(x)}")
        b = t(spec["bias"])
        terms.append(f"{'-' if b.startswith('-') else '+'} {b.lstrip('-')}")
        parts = [f"{' '.join(terms)} {REL[spec['relation']]}", t(spec["total"])]
        if layer["activation"] != "identity":
            parts[-1] += ","
            name = layer["activation_name"]
            parts += [f"\\quad \\mathrm{{{name}}}({t(spec['act_input'])}) {REL[spec['act_relation']]}", t(spec["value"])]
        return parts


def _box(m, pad: float) -> tuple[float, float, float, float]:
    (x0, y0, _), (x1, y1, _) = m.get_corner(DOWN + LEFT), m.get_corner(UP + RIGHT)
    return x0 - pad, x1 + pad, y0 - pad, y1 + pad


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[2], b[2])


def _first_third(t: float) -> float:
    return min(1.0, 3.0 * t)


def _after_a_third(t: float) -> float:
    return max(0.0, (t - 1 / 3) * 1.5)


REL = {"=": "=", "\u2248": "\\approx"}
INNER_WIDTH, INNER_HEIGHT = 1.6, 1.2  # a number inside a node of radius r fits in 1.6 r by 1.2 r
MIN_COLUMN_GAP = 1.6
STRUCTURE_RADIUS = 0.32  # the largest node when no value is written inside
WIDE_GAP = 1.9  # the most between two nodes of a column when the weights are written on the edges
CROSSING_WEIGHT = 3
WEIGHT_SIZES = (style.SMALL, style.SMALL - 4)
LAST_SIZE = style.SMALL - 7  # a weight with no room at those sizes, rather than over another label
ALONG = tuple(np.linspace(0.8, 0.2, 16))  # where a weight may stand on its edge: near the node it feeds first
ALONG_ANY = tuple(sorted(np.linspace(0.12, 0.88, 39), key=lambda t: abs(t - 0.7)))  # for a weight placed alone
LABEL_GAP = 0.035  # half the least room between two weights, or a weight and a node or label


def kept_picture(scene: StepScene, data: dict) -> dict[str, list]:
    """The final picture of a network step (its plan's ``data``, as the planner hands it on to the step that keeps
    it), laid out as that step laid it out, for ``scene`` to start from: by part (:meth:`NetworkScene.picture`)."""
    painter = NetworkScene.__new__(NetworkScene)  # only its layout: no camera, nothing played
    painter.step = dataclasses.replace(scene.step, data=data)
    painter.theme = scene.theme
    return painter.picture()


class NodeScene(StepScene):
    """One node drawn large, as two stages: the nodes that feed it on the left with the weights on their edges, the
    node split into its weighted sum (Σ, with its bias) and its activation, and its output leaving on the right. At
    the sum's cue the inputs flow along their edges into the sum, and the bias joins at its own; at the activation's
    cue the sum passes through the activation and out. With a curve (``data["curve"]``) a graph of output against
    weighted sum stands beside the node: it comes in with the activation, showing the straight line the output would
    be if the node only added up, and at the curve's cue that line bends into the activation's curve. A marker moves
    to each part the voice names (``data["pointing"]``), at its word."""

    def draw(self) -> None:
        d = self.step.data
        area = self.area
        accent, muted = (ManimColor(c) for c in (self.theme.accent, self.theme.muted))
        curve = d.get("curve")
        radius = 1.35
        x = area.left + 0.47 * area.width if curve else area.center[0] + 1.2
        centre = np.array([x, area.center[1] + (0.0 if curve else 0.3), 0.0])
        body = Circle(radius=radius, color=ManimColor(d["output_color"]) if d["output_color"] else muted, stroke_width=4)
        body.move_to(centre)
        divider = Line(centre + radius * UP, centre + radius * DOWN).set_stroke(muted, width=2)
        halves = [self.half(centre, radius, -1), self.half(centre, radius, 1)]
        sigma = self.text(d["sigma"], style.HEADING).move_to(centre + 0.5 * radius * LEFT)
        act = self.fit(self.text(d["activation"], style.LABEL), 0.8 * radius, 0.6 * radius).move_to(centre + 0.5 * radius * RIGHT)
        sum_label = self.text(d["sum_label"], style.SMALL, color=self.theme.muted)
        act_label = self.text(d["activation_label"], style.SMALL, color=self.theme.muted)
        sum_label.next_to(body, DOWN, buff=0.25).align_to(body, RIGHT).shift((radius + 0.1) * LEFT)
        sum_label.move_to([centre[0] - 0.55 * radius - 0.3, sum_label.get_center()[1], 0])
        act_label.move_to([centre[0] + 0.55 * radius + 0.3, sum_label.get_center()[1], 0]).align_to(sum_label, UP)
        bias = self.text(d["bias_label"], style.SMALL, color=self.theme.text).next_to(sum_label, DOWN, buff=0.15)
        name = self.text(d["name"], style.LABEL, color=self.theme.accent).next_to(body, UP, buff=0.2) if d["name"] else None
        # the nodes that feed it, one column on the left, and an edge from each into the sum
        n = len(d["inputs"])
        x_in = area.left + 0.35 + max(self.text(t, style.LABEL).width for t in d["inputs"]) + 0.3 + 0.3
        gap = min(1.5, (area.height - 1.0) / max(n - 1, 1))
        ys = [centre[1] + (n - 1) / 2 * gap - i * gap for i in range(n)]
        feeders = [Circle(radius=0.3, color=muted, stroke_width=3).move_to([x_in, y, 0]) for y in ys]
        labels = [self.text(t, style.LABEL).next_to(c, LEFT, buff=0.25) for t, c in zip(d["inputs"], feeders)]
        edges = [Line(c.get_right(), body.point_at_angle(np.pi + (k - (n - 1) / 2) * 0.35), stroke_width=2.5, color=muted)
                 for k, c in enumerate(feeders)]
        weights = [self.weight(w, e) for w, e in zip(d["weights"], edges)]
        out_end = centre + (radius + (1.1 if curve else 1.6)) * RIGHT
        arrow = Arrow(centre + radius * RIGHT, out_end, buff=0.05, stroke_width=4, color=accent, max_tip_length_to_length_ratio=0.2)
        graph = self.graph(curve, out_end[0] + 0.5, area, centre[1]) if curve else None
        picture = VGroup(*halves, *feeders, *labels, *edges, *weights, body, divider, sigma, act, sum_label, act_label, bias,
                         *([name] if name else []), arrow, *([graph["all"]] if graph else []))
        # as large as the area holds (a third larger at most): the node is the whole picture
        picture.scale(min(area.width / picture.width, area.height / picture.height, 1.3))
        picture.move_to(area.center)
        self.play(LaggedStart(*(GrowFromCenter(c) for c in feeders), GrowFromCenter(body), lag_ratio=0.15),
                  *(FadeIn(m) for m in labels), run_time=style.NORMAL)
        self.play(*(Create(e) for e in edges), FadeIn(divider), FadeIn(sigma), FadeIn(act),
                  *([FadeIn(name)] if name else []), run_time=style.NORMAL)
        together = d.get("bias_cues", d["sum_cues"]) == d["sum_cues"]

        def sum_in() -> None:  # each input flows along its edge, through its weight, into Σ (the bias with it, unless it has a cue)
            self.cue(*d["sum_cues"], ahead=style.QUICK)
            self.play(*(FadeIn(w) for w in weights), *(ShowPassingFlash(e.copy().set_stroke(accent, width=7), time_width=0.6) for e in edges),
                      halves[0].animate.set_fill(accent, opacity=0.25), FadeIn(sum_label), *([FadeIn(bias)] if together else []),
                      run_time=style.NORMAL)

        def bias_in() -> None:
            self.cue(*d["bias_cues"], ahead=style.QUICK)
            self.play(FadeIn(bias, shift=0.15 * UP), run_time=style.QUICK)

        def activation_in() -> None:  # the sum passes into the function, and the node's output leaves
            self.cue(*d["activation_cues"], ahead=style.QUICK)
            self.play(halves[0].animate.set_fill(accent, opacity=0.0), halves[1].animate.set_fill(accent, opacity=0.25),
                      FadeIn(act_label), GrowArrow(arrow), *([FadeIn(graph["frame"]), Create(graph["line"])] if graph else []),
                      run_time=style.NORMAL)

        def bend() -> None:  # the straight line bends into the activation's curve
            assert graph is not None
            self.cue(*curve["cues"], ahead=style.QUICK)
            self.play(Transform(graph["line"], graph["bent"]), run_time=style.NORMAL)

        parts = {"inputs": [*feeders, *labels], "weights": weights, "bias": [bias], "sum": [halves[0]], "activation": [halves[1]],
                 "output": [arrow], "curve": [graph["all"]] if graph else []}

        def box(key: list) -> tuple[float, float, float, float]:
            if key[0] == "input":
                return bounds(feeders[key[1]], labels[key[1]], pad=0.1)
            if key[0] == "weight":
                return bounds(weights[key[1]], pad=0.06)
            return bounds(*parts[key[0]], pad=0.1)

        marker = Marker(self)
        events: list[tuple[int, int, int, Callable[[], None]]] = []

        def at(cues: list[str], priority: int, run: Callable[[], None]) -> None:
            token = min((t for c, t in self.step.cues if c in cues), default=-1)
            events.append((token, priority, len(events), run))

        at(d["sum_cues"], 0, sum_in)
        if not together:
            at(d["bias_cues"], 0, bias_in)
        at(d["activation_cues"], 0, activation_in)
        if graph:
            at(curve["cues"], 0, bend)
        for cue, key in d.get("pointing", []):
            at([cue], 1, lambda cue=cue, key=key: marker.light((cue,), box(key), key=tuple(key)))
        for *_, run in sorted(events, key=lambda e: e[:3]):
            run()

    def graph(self, curve: dict, left: float, area, y: float) -> dict:
        """Output against weighted sum, right of ``left``, centred at height ``y``: its axes and labels (``frame``),
        the straight line the output would be without the activation (``line``) and the activation's curve
        (``bent``), both as the plan sampled them."""
        muted, accent = ManimColor(self.theme.muted), ManimColor(self.theme.accent)
        xs = [p[0] for p in curve["straight"]]
        every = [p[1] for p in curve["straight"] + curve["bent"]]
        lo, hi, bottom, top = min(xs), max(xs), min(every), max(every)
        side = min(area.right - left - 0.3, area.height - 1.2, 3.4)
        x0 = left + 0.3

        def at(px: float, py: float) -> np.ndarray:
            return np.array([x0 + (px - lo) / (hi - lo) * side, y - side / 2 + (py - bottom) / (top - bottom) * side, 0.0])

        x_axis = Line(at(lo, 0.0), at(hi, 0.0)).set_stroke(muted, width=2)
        y_axis = Line(at(0.0, bottom), at(0.0, top)).set_stroke(muted, width=2)
        x_label = self.text(curve["x_label"], style.SMALL, color=self.theme.muted).next_to(at(0.0, bottom), DOWN, buff=0.15)
        y_label = self.text(curve["y_label"], style.SMALL, color=self.theme.muted).next_to(at(0.0, top), UP, buff=0.1)
        line = VMobject().set_points_as_corners([at(*p) for p in curve["straight"]]).set_stroke(muted, width=4)
        bent = VMobject().set_points_as_corners([at(*p) for p in curve["bent"]]).set_stroke(accent, width=5)
        frame = VGroup(x_axis, y_axis, x_label, y_label)
        return {"frame": frame, "line": line, "bent": bent, "all": VGroup(frame, line, bent)}

    def half(self, centre: np.ndarray, radius: float, side: int) -> VMobject:
        """The left (−1) or right (+1) half of the node, filled when its stage is at work."""
        start = np.pi / 2 if side < 0 else -np.pi / 2
        arc = Arc(radius=radius * 0.97, start_angle=start, angle=np.pi, arc_center=centre)
        shape = VMobject().set_points_as_corners([arc.get_end(), arc.get_start()])
        shape.append_points(arc.points)
        shape.set_stroke(width=0).set_fill(ManimColor(self.theme.accent), opacity=0.0)
        self.add(shape)
        return shape

    def weight(self, text: str, edge: Line) -> VGroup:
        """A weight on its edge, a third of the way from the node that feeds it."""
        label = self.text(text, style.SMALL, color=self.theme.text)
        patch = BackgroundRectangle(label, color=ManimColor(self.theme.background), fill_opacity=0.85, buff=0.05)
        return VGroup(patch, label).move_to(edge.point_from_proportion(0.4))
