"""Build a course: every lesson's package (from the per-step cache where it can), then the course's own files.

    DIR/<course id>/<lesson id>/...          each lesson's package, as ``lesson render`` writes it
    DIR/<course id>/index.html               the offline course page (with player.js and player.css)
    DIR/<course id>/<course id>.scorm12.zip  SCORM 1.2: imsmanifest.xml and its schemas, a SCO per lesson
    DIR/<course id>/<course id>.cmi5.zip     cmi5: cmi5.xml, an assignable unit per lesson
    DIR/<course id>/course.json              the manifest: lessons, files with SHA-256, durations, build keys

Every file is written under a hidden name and renamed into place (:mod:`lesson.base.atomic`), the manifest last: a
build that fails or is killed leaves the previous course whole, and the next build does the work again. A course
whose build key (the course file, every lesson's build key, the options and this package's code) matches the
manifest, with every file listed there in place and unchanged, is not written again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lesson.package.build import build
from lesson.base import atomic
from lesson.package import manifest as package
from lesson.course import packages
from lesson.course.load import Course, CourseLesson
from lesson.course.page import STATIC, STATIC_FILES, LessonPage, course_html
from lesson.package.outdir import check_folder, output_lock
from lesson.base.errors import LessonError

MANIFEST = "course.json"
LESSONS_AT_ONCE = 16  # on a cluster: lessons built at once (their steps in flight together, so that many workers help)
CODE = ("build.py", "page.py", "packages.py", "load.py")
# the lesson package's files a course ships (the lesson's own manifest, .json, stays in the folder only)
SHIPPED = (".mp4", ".vtt", ".chapters.vtt", ".srt", ".transcript.md", ".poster.png")


@dataclass(frozen=True)
class CourseResult:
    folder: Path
    files: tuple[Path, ...]
    lessons: tuple[tuple[str, object], ...]  # (lesson id, lesson.package.build.BuildResult)
    written: bool  # False: the course was up to date, nothing was written


def build_course(
    course: Course,
    out_dir: Path,
    *,
    quality: str | None = None,
    voice: str | None = None,
    jobs: int = 1,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    on_lesson: Callable[[CourseLesson, int], None] | None = None,
    on_step: Callable | None = None,
    on_start: Callable | None = None,
    executor=None,  # lesson.render.executor.Executor shared by every lesson (a Dask cluster, --cluster); None: local workers
) -> CourseResult:
    """Render every lesson of ``course`` that is not up to date into ``out_dir/<course id>/``, then the course's files."""

    folder = out_dir / course.id
    check_folder(folder, "output folder")

    def one(k: int, lesson: CourseLesson):
        if on_lesson:
            on_lesson(lesson, k)
        checked = lesson.checked
        script = checked.lesson
        return build(
            checked.plan, checked.numbers, folder / lesson.id,
            quality=quality, voice=voice or script.narration.voice, words_per_minute=script.narration.words_per_minute,
            poster=script.video.poster, jobs=jobs, cache_dir=cache_dir, use_cache=use_cache, on_step=on_step, on_start=on_start,
            executor=executor,
        )

    if getattr(executor, "shared", False) and len(course.lessons) > 1:  # a cluster: lessons at once
        results = _at_once(one, list(course.lessons), executor)
    else:  # local workers: lesson after lesson, each with all of this machine's workers
        results = [(lesson.id, one(k, lesson)) for k, lesson in enumerate(course.lessons)]
    manifests = {lesson.id: _lesson_manifest(folder, lesson.id) for lesson in course.lessons}
    key = course_key(course, [manifests[lesson.id]["build_key"] for lesson in course.lessons], quality, voice)
    with output_lock(folder):
        previous = package.manifest_up_to_date(folder / MANIFEST, key)
        if previous is not None:
            return CourseResult(folder, tuple(folder / f["name"] for f in previous["files"]) + (folder / MANIFEST,), tuple(results), False)
        files = _write(course, folder, manifests, key)
    return CourseResult(folder, tuple(files), tuple(results), True)


def _at_once(one: Callable, lessons: list[CourseLesson], executor) -> list[tuple[str, object]]:
    """Build the lessons in threads (up to LESSONS_AT_ONCE): each narrates (one at a time), hands its steps to the
    cluster and joins its files as its steps come back. Every lesson's problems are reported together. On Ctrl-C
    or SIGTERM every step in flight is cancelled and the lessons end before this returns (none is left half-written:
    each lesson writes its files under hidden names and renames them into place)."""
    from concurrent.futures import ThreadPoolExecutor, wait


    pool = ThreadPoolExecutor(max_workers=min(LESSONS_AT_ONCE, len(lessons)), thread_name_prefix="lesson")
    futures = [pool.submit(one, k, lesson) for k, lesson in enumerate(lessons)]
    try:
        wait(futures)
    except BaseException:
        for f in futures:
            f.cancel()  # the lessons not begun
        executor.cancel_all()  # the steps in flight: the lessons waiting for them end
        pool.shutdown(wait=True)
        raise
    pool.shutdown(wait=True)
    problems = []
    for f in futures:
        exc = f.exception()
        if isinstance(exc, LessonError):
            problems += exc.problems
        elif exc is not None:
            raise exc
    if problems:
        raise LessonError(problems)
    return [(lesson.id, f.result()) for lesson, f in zip(lessons, futures)]


def course_key(course: Course, lesson_keys: list[str], quality: str | None, voice: str | None) -> str:
    h = hashlib.sha256(json.dumps([course.id, course.id_base, quality, voice, [str(lesson.script) for lesson in course.lessons], lesson_keys]).encode())
    h.update(course.text)
    here = Path(__file__).parent
    for name in CODE:
        h.update((here / name).read_bytes())
    for name in STATIC_FILES:
        h.update((STATIC / name).read_bytes())
    for name in packages.SCORM_SCHEMA_FILES:
        h.update((packages.SCORM_SCHEMAS / name).read_bytes())
    return h.hexdigest()[:24]


def _lesson_manifest(folder: Path, lesson_id: str) -> dict:
    return json.loads((folder / lesson_id / f"{lesson_id}.json").read_text(encoding="utf-8"))


def _page(course: Course, lesson: CourseLesson, manifest: dict, folder: Path) -> LessonPage:
    lid = lesson.id
    base = folder / lid

    def rel(suffix: str) -> str:
        return f"{lid}/{lid}{suffix}"

    script = lesson.checked.lesson
    return LessonPage(
        id=lid, title=manifest["title"], subtitle=script.subtitle or "", section=lesson.section, duration=manifest["duration"],
        video=rel(".mp4"), poster=rel(".poster.png"),
        captions=(base / f"{lid}.vtt").read_text(encoding="utf-8"),
        chapters_vtt=(base / f"{lid}.chapters.vtt").read_text(encoding="utf-8"),
        downloads=(("video (MP4)", rel(".mp4")), ("captions (WebVTT)", rel(".vtt")), ("captions (SRT)", rel(".srt")),
                   ("chapters (WebVTT)", rel(".chapters.vtt")), ("transcript (Markdown)", rel(".transcript.md"))),
        chapters=tuple((c["title"], c["start"], c["end"]) for c in manifest["chapters"]),
        language=script.language,
    )


def _shipped(folder: Path, lesson_id: str) -> list[str]:
    """The lesson package's files a course ships, relative to the course folder."""
    return [f"{lesson_id}/{lesson_id}{suffix}" for suffix in SHIPPED if (folder / lesson_id / f"{lesson_id}{suffix}").is_file()]


def _write(course: Course, folder: Path, manifests: dict[str, dict], key: str) -> list[Path]:
    pages = [_page(course, lesson, manifests[lesson.id], folder) for lesson in course.lessons]
    static = {name: (STATIC / name).read_bytes() for name in STATIC_FILES}
    written: list[Path] = []

    def put(name: str, content: bytes) -> None:
        with atomic.replacing(folder / name) as tmp:
            tmp.write_bytes(content)
        written.append(folder / name)

    for name, content in static.items():
        put(name, content)
    put("index.html", course_html(course, pages).encode("utf-8"))

    # one launch page per lesson for the platforms, the lesson's files beside it
    launch = {p.id: f"{p.id}.html" for p in pages}
    media: list[tuple[str, Path]] = [(name, folder / name) for lesson in course.lessons for name in _shipped(folder, lesson.id)]
    for lms, suffix in (("scorm12", "scorm12"), ("cmi5", "cmi5")):
        members: list[tuple[str, bytes | Path]] = [*media, *static.items()]
        for p in pages:
            members.append((launch[p.id], course_html(course, [p], lms=lms).encode("utf-8")))
        if lms == "scorm12":
            lessons = [(lesson.id, p.title, lesson.section, [launch[lesson.id], *_shipped(folder, lesson.id)]) for lesson, p in zip(course.lessons, pages)]
            members.append(("imsmanifest.xml", packages.scorm_manifest(course, lessons, list(STATIC_FILES))))
            members += [(name, packages.SCORM_SCHEMAS / name) for name in packages.SCORM_SCHEMA_FILES]
        else:
            lessons = [(lesson.id, p.title, p.subtitle, lesson.section, launch[lesson.id]) for lesson, p in zip(course.lessons, pages)]
            members.append(("cmi5.xml", packages.cmi5_structure(course, lessons)))
        target = folder / f"{course.id}.{suffix}.zip"
        with atomic.replacing(target) as tmp:
            packages.write_zip(tmp, members)
        written.append(target)

    lessons_json = []
    for lesson, p in zip(course.lessons, pages):
        m = manifests[lesson.id]
        names = [*_shipped(folder, lesson.id), f"{lesson.id}/{lesson.id}.json"]
        lessons_json.append({
            "id": lesson.id, "title": p.title, "section": lesson.section, "script": lesson.script,
            "duration": m["duration"], "build_key": m["build_key"], "resolution": m.get("resolution"),
            "chapters": m["chapters"], "launch": launch[lesson.id],
            "files": [{"name": n, "bytes": (folder / n).stat().st_size, "sha256": package.sha256(folder / n)} for n in names],
        })
    manifest = {
        "build_key": key,
        "course": course.id,
        "title": course.title,
        "description": course.description,
        "author": course.author,
        "language": course.language,
        "id_base": course.id_base,
        "duration": round(sum(m["duration"] for m in manifests.values()), 3),
        "lessons": lessons_json,
        "packages": {"scorm12": f"{course.id}.scorm12.zip", "cmi5": f"{course.id}.cmi5.zip"},
        "files": [{"name": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size, "sha256": package.sha256(p)} for p in written],
    }
    put(MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return written


__all__ = ["CourseResult", "build_course", "course_key"]
