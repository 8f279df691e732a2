"""The scene of ``fitted_curve``: the axes of a plot, then each stage at its cue: curves (the hidden nodes' scaled
curves dashed, their sum, the fitted curve), the examples' points, the residuals as segments from each point to the
curve. The legend names every curve, each row appearing with its curve. It draws the plan's data only."""

from __future__ import annotations

import numpy as np
from manim import Create, DashedLine, DashedVMobject, Dot, FadeIn, ManimColor, VGroup, VMobject

from scenes import style
from scenes.highlight import Marker, bounds
from scenes.plot import PlotScene, dense



class FittedCurveScene(PlotScene):
    def draw(self) -> None:
        self.lead()  # the axes, their ticks and names
        stages = self.step.data["stages"]
        named = [c for s in stages for c in s["curves"]]
        samples = [dense([self.at(x, y) for x, y in seg]) for c in named for seg in c["segments"]]
        samples += [np.array([self.at(p["x"], p["y"])[:2] for s in stages for p in s["dots"]])] if any(s["dots"] for s in stages) else []
        self.curve_points = np.vstack([np.asarray(a)[:, :2] for a in samples]) if samples else np.zeros((0, 2))
        legend = self.legend(named)
        rows = list(legend) if legend is not None else []
        k = 0
        first = self.first_words()
        pointing = sorted((p for p in self.step.data.get("pointing", []) if p[0] in first), key=lambda p: first[p[0]])
        marker, drawn = Marker(self), None
        for i, stage in enumerate(stages):
            if stage["cues"]:
                self.cue(*stage["cues"], ahead=style.QUICK)
            shown = []
            for c in stage["curves"]:
                color = ManimColor(c["color"])
                for seg in c["segments"]:
                    line = VMobject(color=color, stroke_width=5 if not c["dashed"] else 4).set_points_as_corners([self.at(x, y) for x, y in seg])
                    shown.append(Create(DashedVMobject(line, num_dashes=max(8, len(seg) // 3)) if c["dashed"] else line))
                if c["name"] and k < len(rows):
                    shown.append(FadeIn(rows[k]))
                    k += 1
            dots = VGroup(*(Dot(self.at(p["x"], p["y"]), radius=0.09, color=ManimColor(p["color"])) for p in stage["dots"]))
            if len(dots):
                shown.append(FadeIn(dots, scale=2))
            segs = VGroup(*(DashedLine(self.at(*s["from"]), self.at(*s["to"]), color=ManimColor(s["color"]), stroke_width=3)
                            for s in stage["segments"] if s["from"] != s["to"]))
            if len(segs):
                shown.append(Create(segs))
            if shown:
                self.play(*shown, run_time=style.NORMAL)
            drawn = dots if len(dots) else drawn
            # an example's point the voice names, once the points are drawn: boxed at that word, till the next stage
            later = [first[c] for nxt in stages[i + 1:] for c in nxt["cues"] if c in first]
            while pointing and (not later or first[pointing[0][0]] < min(later)):
                name, j = pointing.pop(0)
                if drawn is not None and self.still_to_come(name):
                    marker.light((name,), bounds(drawn[j], pad=0.12), key=j)
        self.wait(style.BEAT)
