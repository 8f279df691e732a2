"""The lesson's math core: every number a lesson shows is computed here.

numpy only: no manim, no YAML, no I/O. Arrays carry a leading batch axis
wherever that makes sense; a single example is a 1-D array.
"""

from mathcore.activations import ACTIVATIONS, Activation, activation
from mathcore.architecture import (
    Architecture,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    LayerSummary,
    Linear,
    ReLU,
    ResidualBlock,
    Stage,
    StageSummary,
    Summary,
    wide_resnet,
)
from mathcore.errors import MathError
from mathcore.functions import FUNCTIONS, sample
from mathcore.calculus import (
    LOSSES,
    Descent,
    DescentStep,
    Gradient,
    Parameter,
    ParameterCounts,
    Sweep,
    descend,
    gradient,
    losses,
    lowest,
    parameter_counts,
    sweep,
    with_parameter,
)
from mathcore.loss import cross_entropy, cross_entropy_grad, squared_residuals, squared_residuals_grad
from mathcore.network import Dense, ForwardPass, Network, backprop
from mathcore.scaling import minmax_scale, minmax_unscale
from mathcore.softmax import argmax_onehot, log_softmax, softmax, softmax_jacobian
from mathcore.train import TrainResult, accuracy, init_network, train

__all__ = [
    "LOSSES",
    "Descent",
    "DescentStep",
    "Gradient",
    "Parameter",
    "ParameterCounts",
    "Sweep",
    "descend",
    "gradient",
    "losses",
    "lowest",
    "parameter_counts",
    "squared_residuals",
    "squared_residuals_grad",
    "sweep",
    "with_parameter",
    "FUNCTIONS",
    "sample",
    "ACTIVATIONS",
    "Activation",
    "Architecture",
    "AvgPool2d",
    "BatchNorm2d",
    "Conv2d",
    "Dense",
    "Flatten",
    "ForwardPass",
    "LayerSummary",
    "Linear",
    "MathError",
    "Network",
    "ReLU",
    "ResidualBlock",
    "Stage",
    "StageSummary",
    "Summary",
    "TrainResult",
    "accuracy",
    "activation",
    "argmax_onehot",
    "backprop",
    "cross_entropy",
    "cross_entropy_grad",
    "init_network",
    "log_softmax",
    "minmax_scale",
    "minmax_unscale",
    "softmax",
    "softmax_jacobian",
    "train",
    "wide_resnet",
]
