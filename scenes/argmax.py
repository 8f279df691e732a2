"""ArgMax: the largest raw output becomes 1, every other one 0; the class with the 1 is the prediction."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, LaggedStart, ManimColor, SurroundingRectangle, Create, ReplacementTransform, VGroup

from scenes import style
from scenes.base import StepScene

# (type size, y of the header row, space around the predicted row's box), tried in turn until the table fits
LAYOUTS = ((style.BODY, 2.0, 0.15), (style.LABEL, 2.0, 0.15), (style.LABEL, 2.4, 0.1), (style.SMALL, 2.4, 0.1))


class ArgmaxScene(StepScene):
    def table(self, size: int, buff: float) -> tuple[VGroup, VGroup, float]:
        """The header and one row per class (label, raw output) at font ``size``, and the row pitch that keeps
        the box around one row clear of the rows next to it."""
        data = self.step.data
        rows = VGroup()
        for c in range(self.n_classes):
            color = self.theme.classes[c].color
            rows.add(VGroup(self.text(self.class_label(c), size, color=color), self.text(data["raw"][c], size, color=color)))
        words = data["words"]
        head = VGroup(self.text(words["class"], style.SMALL, color=self.theme.muted), self.text(words["raw_output"], style.SMALL, color=self.theme.muted))
        tallest = max(m.height for row in rows for m in row)
        gap = max(min(0.8, 4.2 / (self.n_classes + 1)), tallest + 2 * buff + 0.04)
        return head, rows, gap

    def draw(self) -> None:
        data = self.step.data
        n = self.n_classes
        # the largest type at which the table, its box and the verdict fit between the heading and the caption band
        for size, top, buff in LAYOUTS:
            head, rows, gap = self.table(size, buff)
            verdict = self.text(data["words"]["prediction"], size, color=self.theme.classes[data["prediction"]].color)
            last_bottom = top - n * gap - max(m.height for m in rows[-1]) / 2
            if last_bottom - 0.75 - verdict.height / 2 >= style.CONTENT_BOTTOM:
                break
        table = VGroup(head, *rows)
        # columns: labels from the left, raw outputs right-aligned after the longest label, then the ArgMax column
        label_width = max(r[0].width for r in table)
        raw_width = max(r[1].width for r in table)
        left = -4.2
        raw_right = max(1.2, left + label_width + 0.6 + raw_width)
        out_head = self.text(data["words"]["argmax"], style.SMALL, color=self.theme.accent)
        out_x = max(3.4, raw_right + max(1.4, out_head.width / 2 + 0.4))  # a long heading stands clear of the raw column
        for i, row in enumerate(table):
            row[0].move_to([left, top - i * gap, 0], aligned_edge=LEFT)
            row[1].move_to([raw_right, top - i * gap, 0], aligned_edge=RIGHT)
        out_head.move_to([out_x, top, 0])
        outs = VGroup()
        for c in range(n):
            v = data["argmax"][c]
            color = self.theme.accent if v else self.theme.muted
            outs.add(self.text(str(v), size, color=color).move_to([out_x, rows[c][1].get_y(), 0]))
        # a table wider than the frame moves left, and shrinks if it must
        whole = VGroup(table, out_head, outs)
        right_edge = whole.get_right()[0] + buff
        if right_edge > style.RIGHT:
            whole.shift((max(style.RIGHT - right_edge, style.LEFT + buff - whole.get_left()[0])) * RIGHT)
        if whole.width + 2 * buff > style.CONTENT_WIDTH:
            whole.scale((style.CONTENT_WIDTH - 2 * buff) / whole.width, about_point=[0, top, 0]).set_x(0)
        self.play(FadeIn(table, shift=0.2 * DOWN), run_time=style.NORMAL)
        self.play(FadeIn(out_head, shift=0.1 * UP), run_time=style.QUICK)
        self.play(LaggedStart(*(ReplacementTransform(rows[c][1].copy(), outs[c]) for c in range(n)), lag_ratio=0.2), run_time=style.SLOW)
        winner = data["prediction"]
        box = SurroundingRectangle(VGroup(rows[winner], outs[winner]), color=ManimColor(self.theme.accent), buff=buff)
        self.cue("prediction", ahead=style.NORMAL)
        self.play(Create(box), run_time=style.NORMAL)
        self.fit(verdict, style.CONTENT_WIDTH)
        verdict.move_to([0, table.get_bottom()[1] - 0.75, 0])
        self.play(FadeIn(verdict, shift=0.2 * DOWN), run_time=style.NORMAL)
