"""The course page: plain HTML that needs no server and no network, from the lesson packages' own files.

Each lesson gets the browser's own ``<video>`` with ``<track kind="captions">`` and ``<track kind="chapters">``,
a chapter list that seeks, and the transcript beside the video, one clickable sentence at a time. The WebVTT files
are given to the tracks as ``data:`` URLs: a page opened from disk (``file://``) may not read the files beside it
(browsers treat every ``file:`` URL as an origin of its own), while a ``data:`` URL loads anywhere. The files
themselves are linked below the player for download. The behaviour is in ``static/player.js``, the look in
``static/player.css``: files of the project's own, nothing fetched at run time.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

STATIC = Path(__file__).parent / "static"
STATIC_FILES = ("player.js", "player.css")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Sentence:
    start: float
    text: str


@dataclass(frozen=True)
class LessonPage:
    """What the page shows of one lesson (paths relative to the page)."""

    id: str
    title: str
    subtitle: str
    section: str | None
    duration: float
    video: str
    poster: str
    captions: str  # the WebVTT file's text
    chapters_vtt: str
    downloads: tuple[tuple[str, str], ...]  # (label, relative path)
    chapters: tuple[tuple[str, float, float], ...]  # (title, start, end)
    language: str


_TIME = re.compile(r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})")


def _seconds(text: str) -> float:
    m = _TIME.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"not a WebVTT time: {text!r}")
    h, mi, s, ms = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(ms) / 1000


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file (as :mod:`lesson.narration.captions` writes them: an id line, a timing line, text lines)."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for k, line in enumerate(lines):
            if "-->" in line:
                a, b = line.split("-->", 1)
                # the cue's text as the learner reads it: WebVTT's character references (&amp; &lt; &gt; ...) decoded
                cues.append(Cue(_seconds(a), _seconds(b.split()[0]), html.unescape(" ".join(lines[k + 1:]).strip())))
                break
    return cues


_END = re.compile(r"[.?!][\"'”’)\]]*$")


def sentences(cues: list[Cue], chapters: list[tuple[str, float, float]]) -> list[list[Sentence]]:
    """The narration as sentences, grouped by chapter, each with the time its first word is on screen.

    A sentence that starts at the beginning of a cue starts when the cue does; one that starts inside a cue is
    placed by its share of the cue's characters (the captions carry no finer timing). A sentence never runs on
    into the next chapter.
    """
    out: list[list[Sentence]] = [[] for _ in chapters]

    def chapter_of(t: float) -> int:
        k = 0
        for i, (_, start, _end) in enumerate(chapters):
            if t >= start - 1e-6:
                k = i
        return k

    current: list[str] = []
    started = 0.0
    where = -1
    for cue in cues:
        k = chapter_of(cue.start)
        if current and k != where:
            out[where].append(Sentence(started, " ".join(current)))
            current = []
        where = k
        cue_words = cue.text.split()
        total = max(len(cue.text), 1)
        offset = 0
        for word in cue_words:
            at = cue.text.find(word, offset)
            offset = at + len(word)
            if not current:
                started = round(cue.start + (cue.end - cue.start) * at / total, 3)
            current.append(word)
            if _END.search(word):
                out[k].append(Sentence(started, " ".join(current)))
                current = []
    if current:
        out[where].append(Sentence(started, " ".join(current)))
    return out


def clock(seconds: float) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour), whole seconds down as a video player counts them."""
    s = int(seconds + 1e-6)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _data_url(text: str) -> str:
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


KEYS_HELP = (("Space / K", "play or pause"), ("← / J", "back 5 s"), ("→ / L", "forward 5 s"),
             ("[ / ]", "previous / next chapter"), ("C", "captions on / off"), ("M", "mute"), ("< / >", "slower / faster"),
             ("↑ / ↓", "move in the chapter list and the transcript"))
SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
CAPTION_SIZES = (("small", "Small"), ("medium", "Medium"), ("large", "Large"), ("x-large", "Extra large"))


def transcript_text(title: str, chapters: list[tuple[str, float, float]], said: list[list[Sentence]]) -> str:
    """The transcript as plain text: the title, then each chapter's start and title and its sentences."""
    out = [title, ""]
    for (name, start, _end), group in zip(chapters, said):
        out += [f"[{clock(start)}] {name}", " ".join(s.text for s in group), ""]
    return "\n".join(out)


def _text_data_url(text: str) -> str:
    return "data:text/plain;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _controls(page: LessonPage) -> str:
    """The player's own controls (player.js shows them and turns the browser's off): every one a real button,
    range or select, so each takes the keyboard and shows the page's focus outline."""
    lid = _e(page.id)
    marks = "".join(
        f'<span class="mark" style="left:{100 * start / page.duration:.3f}%" title="{_e(title)}"></span>'
        for title, start, _end in page.chapters[1:] if page.duration > 0
    )
    speeds = "".join(f'<option value="{v:g}"{" selected" if v == 1 else ""}>{v:g}×</option>' for v in SPEEDS)
    sizes = "".join(f'<option value="{v}"{" selected" if v == "medium" else ""}>{_e(label)}</option>' for v, label in CAPTION_SIZES)
    return f"""          <div class="controls" hidden>
            <button type="button" class="play" aria-label="Play">Play</button>
            <div class="bar">
              <input type="range" class="seek" min="0" max="{page.duration:.3f}" step="0.1" value="0" aria-label="Position in {_e(page.title)}">
              <div class="marks" aria-hidden="true">{marks}</div>
            </div>
            <span class="clock" aria-hidden="true"><span class="at">0:00</span> / {clock(page.duration)}</span>
            <button type="button" class="mute" aria-pressed="false">Mute</button>
            <label class="pick">Speed <select class="speed" id="speed-{lid}">{speeds}</select></label>
            <button type="button" class="cc" aria-pressed="true">Captions</button>
            <label class="pick">Caption size <select class="cc-size" id="cc-size-{lid}">{sizes}</select></label>
            <button type="button" class="full">Full screen</button>
          </div>"""


def lesson_html(page: LessonPage, *, hidden: bool, level: int = 2, exit_control: bool = False) -> str:
    """One lesson's section: the player, its chapters and the transcript beside it (its title an ``h{level}``).

    The chapter list and the transcript are each one tab stop (a roving tabindex: the arrow keys move inside them).
    """
    lid = _e(page.id)
    h, h2, h3 = f"h{level}", f"h{level + 1}", f"h{level + 2}"
    chapters = list(page.chapters)
    said = sentences(parse_vtt(page.captions), chapters)
    rest = ' tabindex="-1"'  # a roving tab stop: only the first of a list is reached by Tab
    chapter_items = "\n".join(
        f'          <li><button type="button" class="chapter" data-start="{start:.3f}"{"" if k == 0 else rest}>'
        f'<span class="time">{clock(start)}</span> {_e(title)}</button></li>'
        for k, (title, start, _end) in enumerate(chapters)
    )
    transcript = []
    first = True
    for (title, start, _end), group in zip(chapters, said):
        transcript.append(f'          <{h3} class="chapter-title"><button type="button" class="chapter-head" data-start="{start:.3f}"{"" if first else rest}>{_e(title)}</button></{h3}>')
        first = False
        spans = " ".join(f'<button type="button" class="sentence" data-start="{s.start:.3f}" tabindex="-1">{_e(s.text)}</button>' for s in group)
        transcript.append(f"          <p>{spans}</p>")
    downloads = [*page.downloads]
    text_name = f"{page.id}.transcript.txt"
    links = [f'<a href="{_text_data_url(transcript_text(page.title, chapters, said))}" download="{_e(text_name)}">transcript (text)</a>']
    links += [f'<a href="{_e(path)}" download>{_e(label)}</a>' for label, path in downloads]
    keys = "".join(f"<li><kbd>{_e(k)}</kbd> {_e(v)}</li>" for k, v in KEYS_HELP)
    exit_button = ('\n        <p class="lms-bar"><button type="button" class="exit" hidden>Exit this lesson</button></p>' if exit_control else "")
    return f"""    <section class="lesson" id="lesson-{lid}" data-lesson="{lid}" aria-labelledby="title-{lid}"{' hidden' if hidden else ''}>
      <header class="lesson-head">
        <{h} id="title-{lid}" tabindex="-1">{_e(page.title)}</{h}>
        <p class="subtitle">{_e(page.subtitle)} <span class="duration">· {clock(page.duration)}</span></p>{exit_button}
        <p class="lms-message" role="alert" hidden></p>
      </header>
      <div class="player">
        <div class="stage">
          <div class="screen">
          <video controls preload="metadata" playsinline poster="{_e(page.poster)}" aria-label="{_e(page.title)}" data-duration="{page.duration:.3f}">
            <source src="{_e(page.video)}" type="video/mp4">
            <track kind="captions" label="Captions" srclang="{_e(page.language)}" src="{_data_url(page.captions)}" default>
            <track kind="chapters" label="Chapters" srclang="{_e(page.language)}" src="{_data_url(page.chapters_vtt)}">
          </video>
{_controls(page)}
          </div>
          <nav class="chapters" aria-label="Chapters of {_e(page.title)}">
            <{h2} class="label">Chapters</{h2}>
            <ol>
{chapter_items}
            </ol>
          </nav>
          <details class="keys">
            <summary>Keyboard</summary>
            <ul>{keys}</ul>
          </details>
          <p class="downloads">Download: {" · ".join(links)}</p>
        </div>
        <section class="transcript" aria-labelledby="transcript-{lid}">
          <{h2} class="label" id="transcript-{lid}">Transcript</{h2}>
          <div class="sentences">
{chr(10).join(transcript)}
          </div>
        </section>
      </div>
    </section>"""


def course_html(course, pages: list[LessonPage], *, lms: str = "", asset_prefix: str = "") -> str:
    """The whole page: the course's lesson list and one section per lesson (all but the first hidden until chosen).

    ``lms`` is "" for the plain course page, "scorm12" or "cmi5" for a learning platform's launch page of one lesson.
    """
    total = sum(p.duration for p in pages)
    nav = []
    by_section: list[tuple[str | None, list[LessonPage]]] = []
    for p in pages:
        if by_section and by_section[-1][0] == p.section:
            by_section[-1][1].append(p)
        else:
            by_section.append((p.section, [p]))
    number = 0
    for section, group in by_section:
        items = []
        for p in group:
            number += 1
            items.append(
                f'          <li><a class="lesson-link" href="#lesson-{_e(p.id)}" data-lesson="{_e(p.id)}">'
                f'<img src="{_e(p.poster)}" alt="" width="96" height="54" loading="lazy">'
                f'<span class="name"><span class="number">{number}.</span> {_e(p.title)}</span>'
                f'<span class="duration">{clock(p.duration)} · {len(p.chapters)} chapters</span></a></li>'
            )
        head = f'        <h3 class="section">{_e(section)}</h3>\n' if section else ""
        nav.append(f"{head}        <ol>\n" + "\n".join(items) + "\n        </ol>")
    single = len(pages) == 1
    # the course's description goes below the lesson list (in the header it pushed the player below the window)
    about = (f'    <section class="about" aria-labelledby="about-course">\n      <h2 id="about-course">About this course</h2>\n'
             f'      <p class="description">{_e(course.description)}</p>\n    </section>\n') if course.description else ""
    lessons_nav = "" if single else f"""    <div class="side">
    <nav class="course-lessons" aria-label="Lessons">
      <h2>Lessons</h2>
{chr(10).join(nav)}
    </nav>
{about}    </div>
"""
    description = f'    <p class="description">{_e(course.description)}</p>\n' if course.description and single else ""
    author = f" · {_e(course.author)}" if course.author else ""
    config = json.dumps({"lms": lms, "course": course.id}, separators=(",", ":"))
    # a platform's launch page shows its one lesson alone (the platform shows the course around it)
    sco = bool(lms) and single
    sections = "\n".join(lesson_html(p, hidden=k > 0, level=1 if sco else 2, exit_control=lms == "cmi5") for k, p in enumerate(pages))
    title = pages[0].title if single else course.title
    header = "" if sco else f"""  <header class="course-head">
    <h1>{_e(course.title)}</h1>
{description}    <p class="meta">{len(pages)} lesson{'s' if len(pages) != 1 else ''} · {clock(total)}{author}</p>
  </header>
"""
    return f"""<!doctype html>
<html lang="{_e(course.language)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{_e(title)}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{asset_prefix}player.css">
</head>
<body data-config='{_e(config)}'{' class="sco"' if sco else ''}>
  <a class="skip" href="#main">Skip to the lesson</a>
{header}  <div class="course{' single' if single else ''}">
{lessons_nav}    <main id="main" tabindex="-1">
{sections}
    </main>
  </div>
  <script src="{asset_prefix}player.js"></script>
</body>
</html>
"""
