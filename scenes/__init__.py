"""Manim scenes. Scenes draw the plan's data (``lesson.base.plandata``); they never parse YAML or do the math.

Which scene draws which step kind is said by the registry of step kinds (``lesson.kinds``), not here.
"""
