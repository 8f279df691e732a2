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
from scenes.base import StepScene

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
        xs = np.linspace(-3.3, 2.2, len(layers) + 1)
        columns = [column(len(inputs), xs[0])] + [column(len(l["nodes"]), x) for l, x in zip(layers, xs[1:])]
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
        in_labels = VGroup()
        for node, spec in zip(nodes[0], inputs):
            label = VGroup(self.text(spec["label"], style.LABEL), self.text(f"{spec['raw']} {spec['unit']}".strip(), style.SMALL, color=self.theme.muted))
            label.arrange(DOWN, buff=0.08, aligned_edge=RIGHT).next_to(node, LEFT, buff=0.25)
            in_labels.add(label)
        out_labels = VGroup(
            *(self.text(self.class_label(i), style.LABEL, color=self.theme.classes[i].color).next_to(n, RIGHT, buff=0.25) for i, n in enumerate(nodes[-1]))
        )
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
            v = self.fit(self.text(spec["scaled"], style.SMALL), 1.6 * r, 1.2 * r).move_to(node)
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
                    target = self.text(spec["value"], style.LABEL, color=self.theme.classes[n].color)
                    target.next_to(out_labels[n], RIGHT, buff=0.3)
                    target.align_to(out_labels[0], LEFT).shift((out_labels.width + 0.3) * RIGHT)
                    raw_texts.add(target)
                else:
                    target = self.fit(self.text(spec["value"], style.SMALL), 1.6 * radius, 1.2 * radius).move_to(node)
                self.play(TransformFromCopy(result, target), run_time=style.NORMAL)
                self.play(FadeOut(eq), run_time=style.QUICK * 0.6)
                new_values.append(target)
            values = new_values
        self.wait(style.BEAT)

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
ACTIVATION_NAMES = {"relu": "ReLU", "softplus": "softplus", "sigmoid": "sigmoid"}
