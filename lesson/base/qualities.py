"""The quality presets: the one list of their names and of the picture each gives (width, height, frames per second).

Plain data: the script model, the command line and the renderer all read it, so it imports nothing of theirs.
"""

from __future__ import annotations

QUALITIES: dict[str, tuple[int, int, int]] = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "course": (1920, 1080, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
NAMES: tuple[str, ...] = tuple(QUALITIES)


def label(name: str) -> str:
    """How the preset is told on the command line: ``480p15``."""
    _, height, fps = QUALITIES[name]
    return f"{height}p{fps}"
