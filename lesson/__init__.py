"""lesson: YAML lesson script -> validated model -> mathcore numbers -> plan -> Manim scenes -> MP4."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lesson")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
