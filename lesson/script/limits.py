"""Every limit a lesson script is held to, in one place.

``lesson check`` rejects, with its location, whatever later stages could not
handle: these numbers are that contract. ``lessons/README.md`` documents them
(a test keeps that table and these values equal).
"""

from __future__ import annotations

from lesson.base import digits

# the script file
SCRIPT_BYTES = 1_000_000  # a lesson script is much smaller
SCRIPT_NODES = 100_000  # values after aliases are expanded
SCRIPT_DEPTH = 40  # nesting of mappings and lists
KEY_CHARS = 100
NUMBER_DIGITS = 30  # digits of a number as typed

# numbers typed in the script: 0, or a magnitude in [NUMBER_MIN, NUMBER_MAX]
NUMBER_MIN = 1e-6
NUMBER_MAX = 1e6
SIGNIFICANT_DIGITS = 6  # weights and biases are shown as typed, so they are typed short

# numbers the math core computes from them
RAW_OUTPUT_MAX = 30.0  # |raw output|: e^30 is about 1.07e13, still written out in full on screen
HIDDEN_MAX = 1e4  # |a hidden node's weighted sum or value|
SCALED_INPUT_MAX = 100.0  # |an input after min-max scaling|: 0..1 inside the range, a little outside is fine

# texts (characters)
TITLE_CHARS = 120
TEXT_CHARS = 2000  # a narration
LABEL_CHARS = 16  # a class label, drawn beside bars and in formulas
INPUT_LABEL_CHARS = 24
NODE_NAME_CHARS = 16
POINT_CHARS = 60
WORD_CHARS = 60  # one word of narration or on-screen text (a caption line holds 42; longer words are broken)
NUMBER_RUN_DIGITS = digits.WHOLE_DIGITS_MAX  # digits of a number typed into narration or shown (before its point)
PATH_CHARS = 200  # a file named in the script, relative to it
RECORDING_BYTES = 200_000_000  # a step's recording
RECORDING_SECONDS = 600

# generic step kinds: what fits on one screen
PANEL_ROWS = 8  # rows of a side panel (beside)
CELL_CHARS = 24  # a table cell, a plot's label, a panel's value
PLACEHOLDER_NAMES_CHARS = 96  # a text with placeholders may be this much longer as written than once filled in
TEXT_POINTS = 5  # points of a text step
SUMMARY_POINTS = 4  # points of a summary step
TABLE_COLUMNS = 5  # columns of a table (what fits across one screen at a readable size)
TABLE_ROWS = 8  # rows of a table under its headings, class rows included
EQUATION_LINES = 4  # lines of an equation step
EXPR_CHARS = 160  # an equation line's expression as typed
EQUATION_ROW_CHARS = 56  # an equation's row as shown (symbols, or numbers): wider, it shrinks below a readable size
EQUATION_ROW_CHARS_BESIDE = 36  # the same beside a side panel
SYMBOL_CHARS = 24  # a symbol given for a placeholder in an equation (p_1, sigma)
EQUATION_SYMBOLS = 12  # symbols given in one equation step
PLOT_CURVES = 4  # curves of a plot
PLOT_POINTS = 6  # marked points of a plot
PLOT_WALK = 8  # stops of a walk along a plot's curve
TICK_CHARS = 8  # a plot's tick label: a range too narrow for its size to label ([1, 1.000001]) is refused
LINE_VALUES = 8  # values on a number line, the classes of each_class included
LINE_MARKS = 8  # reference marks on a number line

# placeholders: {name} or {name:format}; format = [sign][,][.precision][f|%] for numbers, [,][d] for integers
PLACEHOLDER_PRECISION = 8

# training
EPOCHS_MAX = 5000
TRAINING_PASSES = 1_500_000  # rows × epochs × seeds: about two seconds of training; iris × 5000 epochs × 2 seeds fits
SEED_MAX = 2**32 - 1
DATA_BYTES = 5_000_000
DATA_ROWS = 10_000
DATA_FIELD_CHARS = 100
DATA_VALUE_MAX = NUMBER_MAX

# the whole script: the seconds of computing it may ask for, summed over training, sweeps, descents and define:
# (lesson.numbers.work estimates them before computing, so that `lesson check` of any accepted script takes a few seconds)
WORK_SECONDS = 2.0

# a course file (lesson/course/): the lesson scripts it names
COURSE_LESSONS = 100

# computations (lesson.script.computations): several examples, losses, gradients, sweeps, gradient descent
EXAMPLES_MAX = 20  # named examples
COMPUTED_MAX = 12  # entries of each of parameters, losses, gradients, sweeps, descents
DEFINE_MAX = 100  # entries of define: (each is costed by the work budget, lesson.numbers.work)
DESCENT_PARAMETERS = 4  # parameters one gradient descent moves at once
DESCENT_STEPS_MAX = 1000  # steps of one gradient descent
LEARNING_RATE_MAX = 100  # a descent's learning rate
DESCENT_LISTED = 10  # steps of a descent with their own placeholders (then .last)
SWEEP_SAMPLES = 121  # values of the parameter a sweep computes the loss at

# architectures: (lesson.script.architectures): networks described by their sizes
ARCHITECTURES_MAX = 12  # networks in one lesson
ARCH_DEPTH_MAX = 100  # a WRN's depth d = 6N + 4
ARCH_WIDTH_MAX = 16  # a WRN's widening factor k
ARCH_CLASSES_MAX = 1000

# the theme: WCAG contrast ratio below which text is hard to read on the background (a warning)
MIN_CONTRAST = 3.0
