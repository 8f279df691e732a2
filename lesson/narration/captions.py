"""Captions, chapters and the transcript, from the narration's tokens and their times in the video.

Cues follow common platform rules: at most 2 lines of 42 characters, each on
screen for 1 to 7 seconds, in order, never overlapping, inside the video.
A cue never spans two steps and prefers to end at the end of a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 42
MAX_LINES = 2
MIN_SECONDS = 1.0
MAX_SECONDS = 7.0
LINGER = 0.3  # a cue stays a moment after its last word, unless the next one starts


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float
    end: float


def wrap(text: str, width: int = MAX_CHARS, max_lines: int = MAX_LINES) -> tuple[str, ...] | None:
    """Break ``text`` into at most ``max_lines`` lines of at most ``width`` characters, as even as possible; None if it cannot."""
    words = text.split()
    if not words or any(len(w) > width for w in words):
        return None if words else ()
    return _wrap([_Piece(w, 0.0, 0.0, False) for w in words], width, max_lines)


@dataclass(frozen=True)
class _Piece:
    """A word, or a part of a word too long for a line (``glued``: it continues the piece before it, with no space)."""

    text: str
    start: float
    end: float
    glued: bool


def _pieces(words: list[Word], width: int = MAX_CHARS) -> list[_Piece]:
    """The words, each one longer than a line cut into even parts of at most ``width`` characters that share its time."""
    out: list[_Piece] = []
    for w in words:
        if len(w.text) <= width:
            out.append(_Piece(w.text, w.start, w.end, False))
            continue
        n = -(-len(w.text) // width)
        cuts = [round(k * len(w.text) / n) for k in range(n + 1)]
        for k in range(n):
            a, b = cuts[k], cuts[k + 1]
            t0 = w.start + (w.end - w.start) * a / len(w.text)
            t1 = w.start + (w.end - w.start) * b / len(w.text)
            out.append(_Piece(w.text[a:b], t0, t1, k > 0))
    return out


def _join(pieces: list[_Piece]) -> str:
    return "".join(("" if p.glued or i == 0 else " ") + p.text for i, p in enumerate(pieces))


def _wrap(pieces: list[_Piece], width: int = MAX_CHARS, max_lines: int = MAX_LINES) -> tuple[str, ...] | None:
    """The pieces as at most ``max_lines`` lines of at most ``width`` characters, as even as possible (a word cut
    into pieces may go on over a line break); None if they do not fit."""
    if not pieces:
        return ()
    whole = _join(pieces)
    if len(whole) <= width:
        return (whole,)
    if max_lines < 2:
        return None
    best = None
    for k in range(1, len(pieces)):
        a, b = _join(pieces[:k]), _join(pieces[k:])
        if len(a) <= width and len(b) <= width:
            score = (abs(len(a) - len(b)), pieces[k].glued)  # a break between words if one is as good
            if best is None or score < best[0]:
                best = (score, (a, b))
    return best[1] if best else None


def make_cues(steps: list[list[Word]], video_end: float) -> list[Cue]:
    """Group each step's words into cues, then fix their times to the rules.

    A word longer than a line is cut into parts that fill lines of their own, so that every cue keeps to
    2 lines of 42 characters whatever the narration. If the video is too short to show every cue for a
    second (a very long word spoken quickly), the cues share the time there is, in order, inside the video.
    """
    groups: list[list[_Piece]] = []
    for words in steps:
        current: list[_Piece] = []
        for w in _pieces([w for w in words if w.text.strip()]):
            if current:
                too_long = _wrap(current + [w]) is None or w.end - current[0].start > MAX_SECONDS
                sentence_done = current[-1].text.endswith((".", "?", "!", ":")) and current[-1].end - current[0].start >= MIN_SECONDS
                if sentence_done and not w.glued:
                    groups.append(current)
                    current = []
                elif too_long:
                    # break after the last comma if there is one, so a cue does not end mid-clause
                    commas = [k for k, x in enumerate(current[:-1]) if x.text.endswith((",", ";")) and k >= 1 and not current[k + 1].glued]
                    cut = commas[-1] + 1 if commas else len(current)
                    groups.append(current[:cut])
                    current = current[cut:]
            current.append(w)
        if current:
            groups.append(current)
    cues = [[g[0].start, g[-1].end + LINGER, g] for g in groups]
    # the shortest a cue may be: a second, or less when the video cannot show every cue for a second
    shortest = MIN_SECONDS
    if cues:
        shortest = min(MIN_SECONDS, max(video_end - cues[0][0], 0.0) / len(cues))
    for i, cue in enumerate(cues):
        nxt = cues[i + 1][0] if i + 1 < len(cues) else video_end
        cue[1] = max(min(cue[1], nxt), cue[1] - LINGER)  # the linger ends where the next cue starts
        cue[1] = max(cue[1], cue[0] + shortest)
        cue[1] = min(cue[1], cue[0] + MAX_SECONDS, video_end)
        if i + 1 < len(cues) and cues[i + 1][0] < cue[1]:
            cues[i + 1][0] = cue[1]  # the next cue waits for this one
    # from the end: a cue pushed past the end of the video, or left too short, moves earlier
    limit = video_end
    for cue in reversed(cues):
        cue[1] = min(cue[1], limit)
        cue[0] = max(0.0, min(cue[0], cue[1] - shortest))
        limit = cue[0]
    return [Cue(round(s, 3), round(e, 3), _wrap(g) or (_join(g),)) for s, e, g in cues]


def _clock(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def cue_text(text: str) -> str:
    """Author text as the payload of a WebVTT cue: ``&``, ``<`` and ``>`` as WebVTT's character references, so "x<y"
    is not taken for a tag and no line of a cue can hold ``-->`` (which would end the cue's text or start a new
    cue); no blank line, which ends a cue."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join(line for line in (x.strip() for x in text.splitlines()) if line)


WORD_JOINER = "\u2060"  # invisible, and no line break at it
_SRT_MARKUP = re.compile(r"(<)(?=[A-Za-z/!])|(\{)|(--)(?=>)")


def srt_text(text: str) -> str:
    """Author text as the payload of an SRT cue. SRT has no escapes: its players show ``&lt;`` as it is, and read
    ``<`` before a letter or ``/`` as the start of a tag (``x<y ...>`` would vanish), ``{\\...}`` and ``{Y:...}`` as
    style codes, and ``-->`` as a timing line. So the text is kept as it is, with an invisible word joiner
    (U+2060) after each ``<`` that could open a tag, after each ``{``, and inside each ``-->``: it reads the same,
    and FFmpeg's SubRip decoder takes none of it for markup. (A renderer of ASS, which such players convert SRT
    into, may still hide text between braces: SRT cannot say otherwise. The WebVTT file has no such limit.)"""
    text = _SRT_MARKUP.sub(lambda m: (m[1] or m[2] or m[3]) + WORD_JOINER, text)
    return "\n".join(line for line in (x.strip() for x in text.splitlines()) if line)


def srt(cues: list[Cue]) -> str:
    return "\n".join(f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{srt_text(c.text)}\n" for i, c in enumerate(cues, start=1))


def webvtt(cues: list[Cue]) -> str:
    body = "\n".join(f"{i}\n{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{cue_text(c.text)}\n" for i, c in enumerate(cues, start=1))
    return "WEBVTT\n\n" + body


def chapters_webvtt(chapters: list[Chapter]) -> str:
    body = "\n".join(f"chapter-{i}\n{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{cue_text(c.title)}\n" for i, c in enumerate(chapters, start=1))
    return "WEBVTT\n\n" + body


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]{}|~"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def markdown_text(text: str) -> str:
    """Author text as Markdown that renders as that text: HTML's ``&``, ``<``, ``>`` as character references (so no
    tag, comment or script reaches a renderer that passes HTML through) and Markdown's inline marks backslash-escaped
    (no emphasis, code, link or table cell); a line that would start a heading, list or quote starts with a backslash."""
    lines = []
    for line in text.translate(_MARKDOWN).splitlines() or [""]:
        line = line.strip()
        if line[:1] in ("#", "-", "+", "="):
            line = "\\" + line
        line = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", line)
        lines.append(line)
    return " ".join(x for x in lines if x)


def transcript(title: str, chapters: list[Chapter], texts: list[str]) -> str:
    out = [f"# {markdown_text(title)}", ""]
    for c, text in zip(chapters, texts):
        m, s = divmod(int(c.start), 60)
        out += [f"## [{m:02d}:{s:02d}] {markdown_text(c.title)}", "", markdown_text(text), ""]
    return "\n".join(out)
