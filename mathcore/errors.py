"""The one exception type the math core raises for impossible input."""


class MathError(ValueError):
    """Input the math cannot be done on: NaN, infinity, wrong shapes, bad ranges."""
