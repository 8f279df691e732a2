"""Shared look of every scene: frame regions, type sizes, spacing and timing.

Colours come from the lesson's theme (the plan's Style); everything here is
about geometry and rhythm, so all steps line up the same way.
"""

from __future__ import annotations

from manim import TexTemplate

# On-screen text uses the theme's font (default Nimbus Sans, the URW Helvetica);
# formulas are set in the same family: LaTeX's helvet (URW Nimbus Sans) with sansmath
# for letters and digits, so "0.69" in a formula looks like "0.69" in a label.
SANS_MATH = TexTemplate(
    preamble=r"""
\usepackage[english]{babel}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage[T1]{fontenc}
\usepackage[scaled=1.0]{helvet}
\renewcommand{\familydefault}{\sfdefault}
\usepackage{sansmath}
\sansmath
""",
)

# Manim's frame is 8 units high and 8 * 16/9 wide, centred on the origin.
FRAME_HEIGHT = 8.0
FRAME_WIDTH = FRAME_HEIGHT * 16 / 9

MARGIN_X = 0.45
TOP = FRAME_HEIGHT / 2 - 0.3
# The lower sixth of the frame is kept free for captions (course platforms and burned-in subtitles use it).
CAPTION_BAND_TOP = -FRAME_HEIGHT / 2 + FRAME_HEIGHT / 6
CONTENT_BOTTOM = CAPTION_BAND_TOP + 0.15
CONTENT_TOP = 2.75  # below the step heading
LEFT = -FRAME_WIDTH / 2 + MARGIN_X
RIGHT = FRAME_WIDTH / 2 - MARGIN_X
CONTENT_WIDTH = RIGHT - LEFT
CONTENT_HEIGHT = CONTENT_TOP - CONTENT_BOTTOM

# Type sizes (Manim font_size); the smallest stays readable at 480p.
HEADING = 44
TITLE = 64
BODY = 34
LABEL = 28
SMALL = 24
MATH = 40
CAPTION = 26  # burned-in captions, in the bottom band
CAPTION_BOX_OPACITY = 0.6

# Rhythm (seconds)
QUICK = 0.6
NORMAL = 1.0
SLOW = 1.6
BEAT = 0.4  # a short pause between animations
POINT = 0.35  # a highlight moves to what the voice names (quick: another change may follow at the same word)
UNDERLINE = 0.25  # a line comes in under the words of a point the voice says (it does not travel)
HEADING_IN = 0.45  # a step's heading comes in (the voice starts 0.3 s into the step)
CUE_LEAD = 0.15  # a change tied to a word starts this long before the voice says it
LATE = 0.1  # a value on screen the voice names is pointed at only if its word began at most this long ago
CHANGE_LEAD = 0.2  # ... and never more than this long before (lesson.base.timing.CHANGE_WITHIN: 0.3 s either side)
