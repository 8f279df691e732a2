"""``lesson preview``: render a lesson (or each lesson of a course) at a preview quality, show it on a local page,
and render it again whenever the script or a file it uses is saved.

On a save the script is checked first (:mod:`lesson.check`, :mod:`lesson.course.load`). A broken script changes
nothing but the page's list of errors (``FILE:LINE:COL: message``), shown over the last good video. A valid one is
built (:func:`lesson.package.build.build`): the step cache re-renders only what changed, and the new files are kept as a
numbered *version* (hard links, so the next build, which replaces its files, never changes a version the page is
playing). The page learns of each change by server-sent events (:mod:`lesson.preview.server`) and reloads the
video at the start of the first step that changed.

The builds run in the main thread (the worker processes are forked by it and end with it); the server runs in
a thread of its own. Ctrl-C stops a build at once (its workers killed), then the server, and removes the
preview's folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lesson.package.build import build
from lesson.check import Checked, check_lesson, number_rows
from lesson.course.load import check_course, looks_like_course
from lesson.numbers.datasets import BUILTIN
from lesson.base.errors import LessonError, Problem, UsageError
from lesson.narration.narrate import Narrator
from lesson.package.manifest import equations, relations_spoken
from lesson.preview.server import make_app
from lesson.preview.still import frame_png
from lesson.base.qualities import QUALITIES
from lesson.script.yamlsource import read_yaml
from lesson.speech import sentences

SERVED = (".mp4", ".vtt", ".chapters.vtt")  # of each lesson's build, what the page plays
KEEP_VERSIONS = 3  # versions kept on disk: the page may still be playing the one before the newest
STILLS_KEPT = 64


@dataclass
class Version:
    number: int
    files: dict[tuple[str, str], Path]  # (lesson id, file name) -> file
    sections: dict[tuple[str, str], tuple[Path, int]]  # (lesson id, step id) -> (the step's video, fps)


@dataclass
class Session:
    """One preview: the script, the options of its builds, and what the page shows (``state``, a JSON document)."""

    file: Path
    quality: str
    jobs: int
    cache_dir: Path
    voice: str | None
    allow_outside: bool
    folder: Path  # the preview's own files: builds and versions
    say: Callable[[str], None] = lambda line: None
    state: dict = field(default_factory=dict)
    listeners: list[Callable[[int | None], None]] = field(default_factory=list)
    versions: "OrderedDict[int, Version]" = field(default_factory=OrderedDict)
    _sections: dict[str, list[str]] = field(default_factory=dict)  # lesson id -> its steps' cached video names
    _stills: "OrderedDict[tuple, bytes]" = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serial: int = 0  # counts every change of ``state``
    _video: int = 0  # the newest version of the videos
    _watched: set[Path] = field(default_factory=set)
    _keys: dict[str, str] = field(default_factory=dict)  # lesson id -> the build key of its files (their manifest's)
    _views_video: dict[str, dict] = field(default_factory=dict)  # lesson id -> the URLs of its newest version's files
    _course_warnings: list[dict] = field(default_factory=list)  # a course file's own warnings, shown with each lesson
    _used: set[Path] = field(default_factory=set)  # the files of the last good check; none yet: any YAML file counts
    _stamps: dict[Path, tuple[int, int]] = field(default_factory=dict)  # the watched folders' files as the last check began

    def __post_init__(self) -> None:
        self.state = {"serial": 0, "status": "starting", "file": str(self.file), "errors": [], "lessons": [], "focus": None}

    # ---------------------------------------------------------------- what the page reads
    def _publish(self, **changes) -> None:
        with self._lock:
            self._serial += 1
            self.state = {**self.state, **changes, "serial": self._serial}
            serial = self._serial
        for listener in list(self.listeners):
            listener(serial)

    def media(self, version: int, lesson: str, name: str) -> Path | None:
        """A file of a kept version, by the names the page uses; None for anything else."""
        found = self.versions.get(version)
        return None if found is None else found.files.get((lesson, name))

    def still(self, version: int, lesson: str, step: str, frame: int) -> bytes | None:
        """Frame ``frame`` of a step of a kept version as a PNG (None: no such version, step or frame)."""
        found = self.versions.get(version)
        section = None if found is None else found.sections.get((lesson, step))
        if section is None or frame < 0:
            return None
        key = (section[0].name, frame)
        with self._lock:
            if key in self._stills:
                self._stills.move_to_end(key)
                return self._stills[key]
        path, fps = section
        info = next((s for lv in self.state["lessons"] for s in lv["steps"] if lv["id"] == lesson and s["id"] == step), None)
        if info is not None and frame >= info["frames"]:
            return None
        try:
            png = frame_png(path, frame, fps)
        except (OSError, RuntimeError):  # the cache was emptied meanwhile
            return None
        with self._lock:
            self._stills[key] = png
            while len(self._stills) > STILLS_KEPT:
                self._stills.popitem(last=False)
        return png

    # ---------------------------------------------------------------- checking and building
    def _check(self) -> list[tuple[Path, Checked]]:
        if looks_like_course(self.file):
            course = check_course(self.file, allow_outside=self.allow_outside)
            self._course_warnings = [{**_problem(w), "step": None, "time": None} for w in course.warnings]
            return [(cl.path, cl.checked) for cl in course.lessons]
        return [(self.file, check_lesson(self.file, allow_outside=self.allow_outside))]

    def uses(self, path: Path) -> bool:
        """Whether a change to ``path`` may change the preview: a file the script uses (as of the last good check;
        before one, the script or any YAML file beside it), not the author's other files, such as a log."""
        path = path.resolve()
        if self._used:
            return path in self._used
        return path == self.file.resolve() or path.suffix in (".yaml", ".yml")

    def watched(self) -> set[Path]:
        """The folders to watch (each alone, not the folders in it): the script's, and each that holds a file the
        lesson reads (a course's lessons, recordings, data; outside the script's folder only with --allow-outside)."""
        return {self.file.resolve().parent} | self._watched

    def stamps(self) -> dict[Path, tuple[int, int]]:
        """The modification time and size of each file in the watched folders."""
        found = {}
        for folder in self.watched():
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                try:
                    st = entry.stat()
                except OSError:
                    continue
                found[Path(entry.path)] = (st.st_mtime_ns, st.st_size)
        return found

    def saved_since(self) -> list[Path]:
        """The files the lesson uses that changed since the last check began (saved before the watcher was up)."""
        now = self.stamps()
        return sorted(p for p in self._used if now.get(p) != self._stamps.get(p))

    def refresh(self) -> bool:
        """Check the script and, if it is valid, build it; the page is told either way. True: a new video version."""
        started = time.perf_counter()
        self._stamps = self.stamps()  # before the script is read: a save from now on is seen by saved_since()
        self._publish(status="checking")
        try:
            lessons = self._check()
            self._used = {self.file.resolve()}.union(*(used_files(path, c) for path, c in lessons))
            self._watched = {p.parent for p in self._used}
            for path in self._used - set(self._stamps):  # in a folder not watched before: as it is now
                try:
                    st = path.stat()
                    self._stamps[path] = (st.st_mtime_ns, st.st_size)
                except OSError:
                    pass
            self._publish(status="rendering", errors=[])
            views, changed = self._build(lessons)
        except LessonError as exc:  # a broken script (or one an editor is replacing: missing for a moment), a failed step
            self._publish(status="broken", errors=[_problem(p) for p in exc.problems])
            self.say(f"{len(exc.problems)} problem(s); the page keeps the last good video")
            return False
        except Exception as exc:  # a bug of ours: said on the page and here, and the preview goes on
            if os.environ.get("LESSON_DEBUG"):
                raise
            text = f"internal error, please report it: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            self._publish(status="broken", errors=[{"file": "", "line": 0, "column": 0, "message": text, "text": text}])
            self.say(text)
            return False
        focus = self.state["focus"]
        if changed is not None:
            self._video += 1
            version = self._keep(views)
            focus = {"version": version.number, "lesson": changed[0], "time": changed[1]}
        else:  # the files are the ones the page plays: the same version
            for view in views:
                for step in view["steps"]:
                    step.pop("section")
                view.update(video=self._views_video[view["id"]], version=self._video)
        took = time.perf_counter() - started
        self._publish(status="ready", errors=[], lessons=views, focus=focus, video=self._video, took=round(took, 2))
        self.say(f"{'new video' if changed is not None else 'nothing changed'} in {took:.1f}s")
        return changed is not None

    def _build(self, lessons: list[tuple[Path, Checked]]) -> tuple[list[dict], tuple[str, float] | None]:
        """Build every lesson; what the page shows of each, and where to play from: the first lesson whose files
        changed, at the start of its first changed step (its start, when no step changed: the first build, a new
        title; near its end when steps were only removed there), or None when no file changed."""
        views: list[dict] = []
        focus: tuple[str, float] | None = None
        fps = QUALITIES[self.quality][2]
        for script, checked in lessons:
            lesson, plan = checked.lesson, checked.plan
            voice = self.voice or lesson.narration.voice
            out = self.folder / "build" / lesson.id
            result = build(plan, checked.numbers, out, quality=self.quality, voice=voice,
                           words_per_minute=lesson.narration.words_per_minute, poster=lesson.video.poster,
                           jobs=self.jobs, cache_dir=self.cache_dir)
            narrator = Narrator(plan, voice, lesson.narration.words_per_minute, self.cache_dir)
            names = [r.path.name for r in result.steps]  # each step's video in the cache, by its key
            before = self._sections.get(lesson.id)
            key = json.loads((out / f"{lesson.id}.json").read_text(encoding="utf-8"))["build_key"]
            new_files = self._keys.get(lesson.id) != key  # a step, a caption, a chapter title: anything in the files
            self._sections[lesson.id], self._keys[lesson.id] = names, key
            steps, start, first_changed = [], 0, None
            for k, r in enumerate(result.steps):
                narrated = narrator.cached(r.step)
                cues = [] if narrated is None else [
                    {"name": name, "time": round(t, 3), "frame": min(r.video.frames - 1, int(t * fps + 1e-6))}
                    for name, t in sorted(narrated.timing.cues, key=lambda c: c[1])]
                changed = before is not None and (k >= len(before) or before[k] != names[k])
                if changed and first_changed is None:
                    first_changed = start / fps
                steps.append({"id": r.step.id, "title": r.step.title, "index": k, "start": start / fps,
                              "duration": r.video.frames / fps, "frames": r.video.frames, "layout": [_layout(p, start / fps) for p in r.layout_problems],
                              "cues": cues, "changed": changed, "section": str(r.path)})
                start += r.video.frames
            if new_files and focus is None:
                if first_changed is None:
                    first_changed = max(0.0, start / fps - 1.0) if before is not None and len(names) < len(before) else 0.0
                focus = (lesson.id, first_changed)
            views.append({
                "id": lesson.id, "title": lesson.title, "script": str(script), "fps": fps,
                "duration": start / fps, "steps": steps, "numbers": _numbers(checked),
                "equations": equations(plan), "relations": relations_spoken(plan),
                "warnings": self._course_warnings + _warnings(script, checked, steps),
            })
        return views, focus

    def _keep(self, views: list[dict]) -> Version:
        """The new files as a numbered version (hard links into versions/N/), the oldest beyond KEEP_VERSIONS removed."""
        number = self._video
        folder = self.folder / "versions" / str(number)
        files: dict[tuple[str, str], Path] = {}
        sections: dict[tuple[str, str], tuple[Path, int]] = {}
        for view in views:
            (folder / view["id"]).mkdir(parents=True, exist_ok=True)
            for suffix in SERVED:
                name = f"{view['id']}{suffix}"
                source, target = self.folder / "build" / view["id"] / name, folder / view["id"] / name
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
                files[(view["id"], name)] = target
            for step in view["steps"]:
                sections[(view["id"], step["id"])] = (Path(step.pop("section")), view["fps"])
            view["video"] = {name: f"/media/{number}/{view['id']}/{name}" for (lesson, name) in files if lesson == view["id"]}
            view["version"] = number
            self._views_video[view["id"]] = view["video"]
        version = Version(number, files, sections)
        self.versions[number] = version
        while len(self.versions) > KEEP_VERSIONS:
            old, _ = self.versions.popitem(last=False)
            shutil.rmtree(self.folder / "versions" / str(old), ignore_errors=True)
        return version

    def close(self) -> None:
        """Tell every listener the preview ends (None)."""
        for listener in list(self.listeners):
            listener(None)
        self.listeners.clear()


def used_files(script: Path, checked: Checked) -> set[Path]:
    """Every file a lesson reads: its script, its data and training CSV files, its recordings."""
    base = script.resolve().parent
    lesson = checked.lesson
    named = [getattr(lesson.data, "file", None), getattr(lesson.training, "data", None)]
    files = {script.resolve()} | {(base / n).resolve() for n in named if n and n not in BUILTIN}
    return files | {Path(s.audio).resolve() for s in checked.plan.steps if s.audio}


LAYOUT_TIME = re.compile(r" at (\d+(?:\.\d+)?)s: ")  # scenes/base.py: "step ID (kind) at 2.5s: outside the frame: ..."


def _layout(problem: str, start: float) -> dict:
    """A layout problem of a step and when it shows, in the lesson (the step's start if the problem does not say)."""
    m = LAYOUT_TIME.search(problem)
    return {"text": problem, "time": round(start + float(m[1]), 3) if m else start}


def _problem(p: Problem) -> dict:
    return {"file": p.file, "line": p.line, "column": p.column, "message": p.message, "text": str(p)}


def _numbers(checked: Checked) -> list[dict]:
    """What ``lesson numbers`` prints: each placeholder, the text shown and the value."""
    return [{"name": name, "shown": shown, "value": value} for name, shown, value in number_rows(checked)]


def step_places(script: Path) -> tuple[list[int], dict[int, tuple[str, int, int]]]:
    """The line on which each step of the script begins, and where each step's narration stands in the script's
    text (step index -> (text, first offset, end offset))."""
    try:
        src = read_yaml(script.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return [], {}
    lines, narrations, k = [], {}, 0
    while ("steps", k) in src.values:
        lines.append(src.values[("steps", k)][0])
        span = src.spans.get(("steps", k, "narration"))
        if span is not None:
            narrations[k] = (src.text, *span)
        k += 1
    return lines, narrations


def step_lines(script: Path) -> list[int]:
    """The line on which each step of the script begins."""
    return step_places(script)[0]


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column in ``text``."""
    at = 0
    for _ in range(line - 1):
        at = text.find("\n", at) + 1
        if at == 0:
            return len(text)
    return at + column - 1


def _warnings(script: Path, checked: Checked, steps: list[dict]) -> list[dict]:
    """``lesson check``'s warnings, each with its step (the one whose lines hold it; None: not in a step) and the
    moment it happens: in a step's narration, when the voice begins that sentence; elsewhere in a step, its start."""
    starts, narrations = step_places(script)
    out = []
    for w in checked.warnings:
        index = None
        if Path(w.file).resolve() == script.resolve() and w.line > 0:
            before = [k for k, line in enumerate(starts) if line <= w.line]
            index = before[-1] if before else None
        step = steps[index] if index is not None and index < len(steps) else None
        time = step["start"] if step else None
        if step is not None and index in narrations:
            text, first, end = narrations[index]
            at = _offset(text, w.line, w.column)
            if first <= at < end:  # the sentence of the narration's tokens that holds it
                token = len(text[first:at].split())
                tokens = checked.plan.steps[index].tokens
                sentence = next((n for n, (a, b) in enumerate(sentences(tokens), 1) if a <= token < b), None)
                cue = next((c["time"] for c in step["cues"] if c["name"] == f"sentence.{sentence}"), None)
                if cue is not None:
                    time = round(step["start"] + cue, 3)
        out.append({**_problem(w), "step": step["id"] if step else None, "time": time})
    return out


# ------------------------------------------------------------------------------------------------ running it
def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"--port {port}: cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})") from None
    sock.listen(64)
    sock.set_inheritable(False)
    return sock


def _watch_filter(roots: list[Path], *ignored: Path) -> Callable[[object, str], bool]:
    """Changes that may change the lesson, under the watched ``roots``: none in the preview's own folder or the
    cache, in hidden files or folders (below a root: a root may itself be inside one), or an editor's backup and swap
    files."""
    own = [str(p.resolve()) for p in ignored]
    bases = sorted((str(r.resolve()) for r in roots), key=len, reverse=True)

    def wanted(change: object, path: str) -> bool:
        if any(path == o or path.startswith(o + os.sep) for o in own):
            return False
        base = next((b for b in bases if path.startswith(b + os.sep)), "")
        parts = Path(path[len(base):].lstrip(os.sep)).parts
        name = parts[-1] if parts else ""
        if any(part.startswith(".") for part in parts) or "__pycache__" in parts:
            return False
        return not (name.endswith(("~", ".swp", ".swx", ".tmp")) or name.startswith("#"))

    return wanted


def _shown(path: Path, roots: list[Path]) -> str:
    for root in roots:
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)


def run(file: Path, *, port: int, quality: str, jobs: int, cache_dir: Path, voice: str | None, allow_outside: bool,
        say: Callable[[str], None]) -> None:
    """Serve the preview on 127.0.0.1:``port`` until Ctrl-C (or SIGTERM); build on start and on every save."""
    try:
        import uvicorn
        import watchfiles
    except ImportError:
        raise UsageError("lesson preview needs the preview extra: pip install -e '.[preview]' (./dev.sh setup installs it)") from None

    sock = _listen(port)
    port = sock.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="lesson-preview-"))
    session = Session(file, quality, jobs, cache_dir, voice, allow_outside, folder, say)
    server = uvicorn.Server(uvicorn.Config(make_app(session, port), log_level="warning", access_log=False, lifespan="off",
                                           timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="lesson-preview-server", daemon=True)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        thread.start()
        say(f"lesson preview of {file}: http://127.0.0.1:{port}/  (Ctrl-C stops it)")
        session.refresh()
        while True:  # the folders change with the files the lesson reads (a new data folder, a recording elsewhere)
            folders = sorted(session.watched())
            up = False
            for changes in watchfiles.watch(*folders, watch_filter=_watch_filter(folders, folder, cache_dir), debounce=60, step=20,
                                            raise_interrupt=True, recursive=False, yield_on_timeout=True, rust_timeout=300):
                if not changes:  # the watcher is running (it says so once): a save while it started is looked for
                    if not up:
                        up = True
                        changes = {(None, str(p)) for p in session.saved_since()}
                        say(f"watching {len(session._used) or 'the YAML'} file(s) in {len(folders)} folder(s) for saves")
                    if not changes:
                        continue
                used = sorted({_shown(Path(p), folders) for _, p in changes if session.uses(Path(p))})
                if not used:
                    continue
                say("saved: " + ", ".join(used))
                session.refresh()
                if sorted(session.watched()) != folders:
                    break
    finally:
        session.close()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
