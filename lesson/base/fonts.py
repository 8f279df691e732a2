"""Which characters the installed fonts can draw (fontconfig), for ``lesson check`` and the scenes.

Pango falls back to any installed font, so a character is drawable if some font has it; one that none has
would show as an empty box, so ``lesson check`` refuses it in drawn text (with the Debian font to install).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata



def _fc_list(fmt: str) -> str | None:
    """What ``fc-list --format FMT`` prints about every installed font, or None if fontconfig cannot say."""
    if shutil.which("fc-list") is None:
        return None
    try:
        return subprocess.run(["fc-list", "--format", fmt], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None


@functools.lru_cache(maxsize=1)
def _font_coverage() -> tuple[tuple[int, int], ...] | None:
    """Code point ranges that some installed font can draw (fontconfig), or None if fontconfig cannot say."""
    out = _fc_list("%{charset}\n")
    if out is None:
        return None
    ranges = set()
    for token in out.split():
        lo, _, hi = token.partition("-")
        try:
            ranges.add((int(lo, 16), int(hi or lo, 16)))
        except ValueError:
            continue
    return tuple(sorted(ranges)) or None


@functools.lru_cache(maxsize=1)
def installed_families() -> tuple[str, ...] | None:
    """The font families installed (fontconfig), or None if fontconfig cannot say."""
    out = _fc_list("%{family}\n")
    if out is None:
        return None
    names = {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(names)) or None


def font_package(ch: str) -> str:
    """The Debian package whose fonts draw ``ch``."""
    cp = ord(ch)
    if 0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF:
        return "fonts-noto-cjk"
    if unicodedata.category(ch) == "So" or 0x1F000 <= cp <= 0x1FAFF:
        return "fonts-noto-color-emoji"
    return "fonts-noto-core"


def undrawable(s: str) -> list[str]:
    """The characters of ``s`` that no installed font can draw (they would show as empty boxes)."""
    coverage = _font_coverage()
    if coverage is None:
        return []
    missing = []
    for ch in dict.fromkeys(s):
        cp = ord(ch)
        if cp < 0x80 or ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if not any(lo <= cp <= hi for lo, hi in coverage):
            missing.append(ch)
    return missing


