"""Captions, chapters and the transcript, from the narration's tokens and their times in the video.

Cues follow common platform rules: at most 2 lines of 42 characters, each on
screen for 1 to 7 seconds, in order, never overlapping, inside the video.
A cue never spans two steps and prefers to end at the end of a sentence.
"""

from __future__ import annotations

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
    if len(text) <= width:
        return (text,)
    if max_lines < 2:
        return None
    best = None
    for k in range(1, len(words)):
        a, b = " ".join(words[:k]), " ".join(words[k:])
        if len(a) <= width and len(b) <= width:
            score = abs(len(a) - len(b))
            if best is None or score < best[0]:
                best = (score, (a, b))
    return best[1] if best else None


def make_cues(steps: list[list[Word]], video_end: float) -> list[Cue]:
    """Group each step's words into cues, then fix their times to the rules."""
    groups: list[list[Word]] = []
    for words in steps:
        current: list[Word] = []
        for w in words:
            if not w.text.strip():
                continue
            if current:
                candidate = " ".join(x.text for x in current + [w])
                too_long = wrap(candidate) is None or w.end - current[0].start > MAX_SECONDS
                sentence_done = current[-1].text.endswith((".", "?", "!", ":")) and current[-1].end - current[0].start >= MIN_SECONDS
                if sentence_done:
                    groups.append(current)
                    current = []
                elif too_long:
                    # break after the last comma if there is one, so a cue does not end mid-clause
                    commas = [k for k, x in enumerate(current[:-1]) if x.text.endswith((",", ";")) and k >= 1]
                    cut = commas[-1] + 1 if commas else len(current)
                    groups.append(current[:cut])
                    current = current[cut:]
            current.append(w)
        if current:
            groups.append(current)
    cues = [[g[0].start, g[-1].end + LINGER, " ".join(w.text for w in g)] for g in groups]
    for i, cue in enumerate(cues):
        nxt = cues[i + 1][0] if i + 1 < len(cues) else video_end
        cue[1] = max(min(cue[1], nxt), cue[1] - LINGER)  # the linger ends where the next cue starts
        cue[1] = max(cue[1], cue[0] + MIN_SECONDS)
        cue[1] = min(cue[1], cue[0] + MAX_SECONDS, video_end)
        if i + 1 < len(cues) and cues[i + 1][0] < cue[1]:
            cues[i + 1][0] = cue[1]  # the next cue waits for this one
    if cues and cues[-1][1] - cues[-1][0] < MIN_SECONDS:
        cues[-1][0] = max(0.0, cues[-1][1] - MIN_SECONDS)
        if len(cues) > 1:
            cues[-2][1] = min(cues[-2][1], cues[-1][0])
    return [Cue(round(s, 3), round(e, 3), wrap(t) or (t,)) for s, e, t in cues]


def _clock(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def srt(cues: list[Cue]) -> str:
    return "\n".join(f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{c.text}\n" for i, c in enumerate(cues, start=1))


def webvtt(cues: list[Cue]) -> str:
    body = "\n".join(f"{i}\n{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{c.text}\n" for i, c in enumerate(cues, start=1))
    return "WEBVTT\n\n" + body


def chapters_webvtt(chapters: list[Chapter]) -> str:
    body = "\n".join(f"chapter-{i}\n{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{c.title}\n" for i, c in enumerate(chapters, start=1))
    return "WEBVTT\n\n" + body


def transcript(title: str, chapters: list[Chapter], texts: list[str]) -> str:
    out = [f"# {title}", ""]
    for c, text in zip(chapters, texts):
        m, s = divmod(int(c.start), 60)
        out += [f"## [{m:02d}:{s:02d}] {c.title}", "", text, ""]
    return "\n".join(out)
