"""The network drawn node by node; the example's values travel through it to the raw outputs."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    LaggedStart,
    Line,
    ManimColor,
    ShowPassingFlash,
    TransformFromCopy,
    VGroup,
    )

from scenes import style
from scenes.base import READABLE, StepScene

NET_TOP = 2.35
NET_BOTTOM = -1.25
EQUATION_Y = -1.95


def column(n: int, x: float) -> tuple[list[np.ndarray], float]:
    """Centres of ``n`` nodes stacked at ``x``, and a node radius that fits."""
    height = NET_TOP - NET_BOTTOM
    gap = min(1.35, height / max(n - 1, 1)) if n > 1 else 0.0
    ys = [(n - 1) / 2 * gap - i * gap + (NET_TOP + NET_BOTTOM) / 2 for i in range(n)]
    radius = min(0.42, gap * 0.42) if n > 1 else 0.42
    return [np.array([x, y, 0.0]) for y in ys], radius


class NetworkScene(StepScene):
    def draw(self) -> None:
        data = self.step.data
        inputs, layers = data["inputs"], data["layers"]
        # what is written inside the nodes of each column but the last (which shows its values beside the labels)
        inside = [[spec["scaled"] for spec in inputs]] + [[n["value"] for n in l["nodes"]] for l in layers[:-1]]
        in_labels = VGroup()
        for spec in inputs:
            label = VGroup(self.text(spec["label"], style.LABEL), self.text(f"{spec['raw']} {spec['unit']}".strip(), style.SMALL, color=self.theme.muted))
            in_labels.add(label.arrange(DOWN, buff=0.08, aligned_edge=RIGHT))
        out_labels = VGroup(*(self.text(self.class_label(i), style.LABEL, color=self.theme.classes[i].color) for i in range(self.n_classes)))
        out_values = [self.text(spec["value"], style.LABEL, color=self.theme.classes[n].color) for n, spec in enumerate(layers[-1]["nodes"])]
        xs, columns = self.columns([len(inputs)] + [len(l["nodes"]) for l in layers], inside, in_labels, out_labels, out_values)
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
        # labels: inputs on the left, classes on the right
        for node, label in zip(nodes[0], in_labels):
            label.next_to(node, LEFT, buff=0.25)
        for node, label in zip(nodes[-1], out_labels):
            label.next_to(node, RIGHT, buff=0.25)
        all_edges = VGroup(*(e for layer in edges for row in layer for e in row))
        self.play(
            LaggedStart(*(GrowFromCenter(n) for col in nodes for n in col), lag_ratio=0.08),
            Create(all_edges, lag_ratio=0.02),
            run_time=style.SLOW,
        )
        self.bring_to_front(*(n for col in nodes for n in col))
        self.play(FadeIn(in_labels, shift=0.2 * RIGHT), FadeIn(out_labels, shift=0.2 * LEFT), run_time=style.NORMAL)

        # the example's inputs appear in the input nodes
        values = []
        for node, spec, (_, r) in zip(nodes[0], inputs, [columns[0]] * len(inputs)):
            v = self.fit(self.text(spec["scaled"], style.SMALL), INNER_WIDTH * r, INNER_HEIGHT * r).move_to(node)
            values.append(v)
        self.cue(*(c for spec in inputs for c in spec["cues"]), ahead=style.NORMAL)
        self.play(LaggedStart(*(FadeIn(v, shift=0.1 * UP) for v in values), lag_ratio=0.3), run_time=style.NORMAL)

        raw_texts = VGroup()
        for k, layer in enumerate(layers):
            new_values = []
            radius = columns[k + 1][1]
            for n, (node, spec) in enumerate(zip(nodes[k + 1], layer["nodes"])):
                incoming = VGroup(*edges[k][n])
                flash = [
                    ShowPassingFlash(e.copy().set_stroke(ManimColor(self.theme.accent), width=6), time_width=0.6)
                    for e in incoming
                ]
                eq = self.node_equation(spec, layer["activation"])
                self.cue(*spec["cues"], ahead=2 * style.NORMAL)  # the equation, then its value moving into place
                self.play(*flash, FadeIn(eq, shift=0.15 * UP), run_time=style.NORMAL)
                # the inputs of this sum are the values in the nodes below: show them being picked up
                result = eq[-1]
                if layer["output"]:
                    target = out_values[n]
                    target.next_to(out_labels[n], RIGHT, buff=0.3)
                    target.align_to(out_labels[0], LEFT).shift((out_labels.width + 0.3) * RIGHT)
                    raw_texts.add(target)
                else:
                    target = self.fit(self.text(spec["value"], style.SMALL), INNER_WIDTH * radius, INNER_HEIGHT * radius).move_to(node)
                self.play(TransformFromCopy(result, target), run_time=style.NORMAL)
                self.play(FadeOut(eq), run_time=style.QUICK * 0.6)
                new_values.append(target)
            values = new_values
        self.wait(style.BEAT)

    def columns(
        self, sizes: list[int], inside: list[list[str]], in_labels: VGroup, out_labels: VGroup, out_values: list
    ) -> tuple[list[float], list[tuple[list[np.ndarray], float]]]:
        """Where the node columns go and how large their nodes are.

        The columns stand at their usual places unless the labels beside them need the room: then the network
        moves over, or gets narrower, so that the input labels on the left and the class labels with their values on
        the right stay inside the frame (the labels shrink only if the network cannot give way enough). A node holding
        a long number (many decimals) grows, as far as its neighbours allow, so that the number stays readable.
        """
        xs = list(np.linspace(-3.3, 2.2, len(sizes)))
        columns = [column(n, x) for n, x in zip(sizes, xs)]
        for k, texts in enumerate(inside):
            centres, r = columns[k]
            widest = max(self.text(t, style.SMALL).width for t in texts)
            room = (centres[0][1] - centres[1][1]) * 0.46 if len(centres) > 1 else 0.75
            want = widest * READABLE / INNER_WIDTH
            columns[k] = (centres, max(r, min(want, room, 0.75)))
        value_width = max(v.width for v in out_values)
        min_span = MIN_COLUMN_GAP * (len(xs) - 1)
        fixed = 0.25 + columns[0][1] + columns[-1][1] + 0.25 + 0.3  # gaps and the nodes' halves beside the labels
        labels = in_labels.width + out_labels.width + value_width
        if labels + fixed + min_span > style.CONTENT_WIDTH:  # the labels are too wide even for a narrow network
            factor = (style.CONTENT_WIDTH - fixed - min_span) / labels
            for m in [*in_labels, *out_labels, *out_values]:
                m.scale(factor)
            value_width *= factor
        lo = style.LEFT + in_labels.width + 0.25 + columns[0][1]  # where the first and the last column may stand
        hi = style.RIGHT - (0.25 + out_labels.width + 0.3 + value_width + columns[-1][1])
        span = xs[-1] - xs[0]
        if xs[0] < lo or xs[-1] > hi:  # the network gives way: narrower if it must, and centred with its labels
            span = min(span, max(hi - lo, min_span))
            first = (lo + hi - span) / 2
            xs = list(np.linspace(first, first + span, len(sizes)))
            columns = [([np.array([x, c[1], 0.0]) for c in centres], r) for x, (centres, r) in zip(xs, columns)]
        return xs, columns

    def node_equation(self, spec: dict, activation: str) -> VGroup:
        """``w1*x1 + w2*x2 + b = sum`` then, for a hidden layer, ``ReLU(sum) = value``; the last part is the value."""
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
        if activation != "identity":
            parts[-1] += ","
            name = ACTIVATION_NAMES[activation]
            parts += [f"\\quad \\mathrm{{{name}}}({t(spec['act_input'])}) {REL[spec['act_relation']]}", t(spec["value"])]
        eq = self.math(*parts, size=style.MATH - 4)
        eq[-1].set_color(ManimColor(self.theme.accent))
        self.fit(eq, style.CONTENT_WIDTH)
        return eq.move_to([0, EQUATION_Y, 0])


REL = {"=": "=", "\u2248": "\\approx"}
INNER_WIDTH, INNER_HEIGHT = 1.6, 1.2  # a number inside a node of radius r fits in 1.6 r by 1.2 r
MIN_COLUMN_GAP = 1.6
ACTIVATION_NAMES = {"relu": "ReLU", "softplus": "softplus", "sigmoid": "sigmoid"}
