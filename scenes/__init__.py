"""Manim scenes, one module per step kind. Scenes draw the plan's data; they never parse YAML or do the math."""

from __future__ import annotations

from importlib import import_module

# step kind -> "module:SceneClass"
SCENES = {
    "title": "scenes.title:TitleScene",
    "network": "scenes.network:NetworkScene",
    "raw_outputs": "scenes.raw_outputs:RawOutputsScene",
    "argmax": "scenes.argmax:ArgmaxScene",
    "argmax_gradient": "scenes.argmax_gradient:ArgmaxGradientScene",
    "softmax": "scenes.softmax:SoftmaxScene",
    "softmax_properties": "scenes.softmax_properties:SoftmaxPropertiesScene",
    "softmax_formula": "scenes.softmax_formula:SoftmaxFormulaScene",
    "softmax_derivatives": "scenes.softmax_derivatives:SoftmaxDerivativesScene",
    "summary": "scenes.summary:SummaryScene",
    "cross_entropy": "scenes.cross_entropy:CrossEntropyScene",
}


def scene_class(kind: str) -> type:
    module, name = SCENES[kind].split(":")
    return getattr(import_module(module), name)
