"""Read a course file (``course.yaml``) and check it and every lesson it names, all problems at once.

A course is an id, a title, an optional description, author and language, and an ordered list of lesson
scripts (paths relative to the course file), optionally grouped into sections::

    id: neural_networks
    title: Neural networks, one step at a time
    lessons:
      - argmax_softmax.yaml
      - section: Inside a node
        lessons: [activation_functions.yaml]

Problems in the course file are reported at FILE:LINE:COL as lesson scripts are (:mod:`lesson.check`);
every lesson named is checked too, and its own problems are reported at its own FILE:LINE:COL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lesson.check import Checked, check_lesson, read_script
from lesson.base.errors import LessonError, Problem, UsageError, one_line
from lesson.script import limits
from lesson.script.yamlsource import MAX_BYTES, Located, read_yaml
from lesson.base.hints import one_of
from lesson.base.paths import script_file

ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
KEYS = ("id", "title", "description", "author", "language", "id_base", "lessons")
# an absolute IRI without spaces, fragment or query: the base of the course's cmi5 ids
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s#?<>\"{}|\\^`]+$")
SECTION_KEYS = ("section", "lessons")


@dataclass(frozen=True)
class CourseLesson:
    """One lesson of a course: the script as written in the course file, where it is, its section, and the checked lesson."""

    script: str  # as written in course.yaml
    path: Path
    section: str | None
    checked: Checked

    @property
    def id(self) -> str:
        return self.checked.lesson.id


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    description: str
    author: str
    language: str
    path: Path
    text: bytes  # the course file as read (part of the course's build key)
    lessons: tuple[CourseLesson, ...]
    warnings: tuple[Problem, ...]
    id_base_given: str = ""  # ``id_base:`` as written; "" for the default (see id_base)

    @property
    def uuid_file(self) -> Path:
        """Where the course's own UUID is kept: beside the course file, ``<course file name without .yaml>.uuid``."""
        return self.path.with_suffix(".uuid")

    @property
    def id_base(self) -> str:
        """The base of every id the course gives a learning platform (cmi5's course, block and AU IRIs): ``id_base:``
        as written, else ``urn:lesson:<course id>:<UUID>`` with the UUID read from :attr:`uuid_file` (made once by
        :func:`ensure_uuid`, then kept with the course, so the ids stay the same across builds and differ from any
        other course's, whatever its id)."""
        if self.id_base_given:
            return self.id_base_given.rstrip("/")
        return f"urn:lesson:{self.id}:{read_uuid(self.uuid_file) or ensure_uuid(self.uuid_file)}"

    @property
    def sections(self) -> list[tuple[str | None, list[CourseLesson]]]:
        """The lessons grouped as written: consecutive lessons of one section (None: no section) together."""
        out: list[tuple[str | None, list[CourseLesson]]] = []
        for lesson in self.lessons:
            if out and out[-1][0] == lesson.section:
                out[-1][1].append(lesson)
            else:
                out.append((lesson.section, [lesson]))
        return out


def looks_like_course(path: Path) -> bool:
    """Whether ``path`` is a course file rather than a lesson script: a mapping with ``lessons`` and no ``steps``."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return False
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    # a cheap look at the top-level keys first, then the YAML itself (so a commented-out key does not count)
    if not re.search(r"^lessons\s*:", text, re.M):
        return False
    data = read_yaml(text).data
    return isinstance(data, dict) and "lessons" in data and "steps" not in data


def check_course(path: str | Path, *, allow_outside: bool = False) -> Course:
    """Read the course file at ``path``, check it and every lesson it names; raise :class:`LessonError` listing every problem."""
    path = Path(path)
    text = read_script(path, "course file")
    return _check(text, text.encode("utf-8"), path, allow_outside)


def _check(text: str, raw: bytes, path: Path, allow_outside: bool) -> Course:
    filename = str(path)
    src = read_yaml(text)
    problems = [Problem(filename, line, col, msg) for line, col, msg in src.errors]
    if problems or src.data is None:
        raise LessonError(problems or [Problem(filename, 1, 1, "the file is empty")])
    top = src.data
    if not isinstance(top, dict):
        raise LessonError([Problem(filename, 1, 1, "a course file is a mapping of keys such as id, title, lessons")])

    def problem(where: tuple, message: str, *, key: bool = False) -> None:
        problems.append(Problem(filename, *src.where(where, key=key), message))

    for key in top:
        if key not in KEYS:
            problem((key,), f"unknown key {key!r}{one_of(key, KEYS, 'keys of a course')}", key=True)
    for key in ("id", "title", "lessons"):
        if key not in top:
            problems.append(Problem(filename, 1, 1, f"missing required key {key!r}"))
    values: dict[str, str] = {}
    for key, chars, required in (("id", 64, True), ("title", limits.TITLE_CHARS, True), ("description", limits.TEXT_CHARS, False),
                                 ("author", limits.TITLE_CHARS, False), ("language", 16, False),
                                 ("id_base", 1000, False)):
        if key not in top:
            continue
        value = _text(top[key], (key,), chars, problem)
        if value is None:
            continue
        if key == "id" and not ID.match(value):
            problem((key,), f"{key}: {_short(value)} is not allowed here: use lower-case letters, digits, - and _ (it names the course folder)")
            continue
        if key == "id_base" and (not IRI.match(value) or len(value) > 200):
            problem((key,), f"{key}: {_short(value)} is not allowed here: write an absolute IRI such as https://courses.example.org/nn "
                            "or urn:uuid:<uuid> (no spaces, # or ?; at most 200 characters)")
            continue
        if key == "language" and not LANGUAGE.match(value):
            problem((key,), f"{key}: {_short(value)} is not allowed here: use a language code such as en or en-GB")
            continue
        values[key] = value

    entries: list[tuple[str, tuple, str | None]] = []  # (script as written, where, section)
    listed = top.get("lessons")
    if "lessons" in top and not isinstance(listed, list):
        problem(("lessons",), "lessons: write a list of lesson scripts here, such as [argmax_softmax.yaml]")
    elif isinstance(listed, list):
        if not listed:
            problem(("lessons",), "lessons: give at least 1 lesson script")
        for i, item in enumerate(listed):
            at = ("lessons", i)
            if isinstance(item, dict):
                for key in item:
                    if key not in SECTION_KEYS:
                        problem((*at, key), f"lesson {i + 1}: unknown key {key!r}{one_of(key, SECTION_KEYS, 'keys of a section')}", key=True)
                if "section" not in item or "lessons" not in item:
                    missing = "section" if "section" not in item else "lessons"
                    problem(at, f"lesson {i + 1}: a section needs 'section' (its title) and 'lessons' (its scripts); missing {missing!r}")
                    continue
                title = _text(item["section"], (*at, "section"), limits.TITLE_CHARS, problem)
                inner = item["lessons"]
                if not isinstance(inner, list) or not inner:
                    problem((*at, "lessons"), f"section {i + 1}: write a list of at least one lesson script here")
                    continue
                for j, script in enumerate(inner):
                    name = _text(script, (*at, "lessons", j), limits.PATH_CHARS, problem)
                    if name is not None and title is not None:
                        entries.append((name, (*at, "lessons", j), title))
            else:
                name = _text(item, at, limits.PATH_CHARS, problem)
                if name is not None:
                    entries.append((name, at, None))
    if len(entries) > limits.COURSE_LESSONS:
        problem(("lessons",), f"lessons: at most {limits.COURSE_LESSONS} lessons in a course; there are {len(entries)}")
        entries = entries[: limits.COURSE_LESSONS]


    lessons: list[CourseLesson] = []
    warnings: list[Problem] = []
    seen_files: dict[Path, tuple] = {}
    seen_ids: dict[str, tuple[tuple, str]] = {}
    for name, at, section in entries:
        try:
            file = script_file(path.parent, name, "lesson script", allow_outside=allow_outside)
        except LessonError as exc:
            problem(at, exc.problems[0].message.replace("lesson script's folder", "course file's folder").replace("next to the lesson script", "next to the course file").replace("relative to the lesson script", "relative to the course file"))
            continue
        if file in seen_files:
            line = src.where(seen_files[file])[0]
            problem(at, f"the lesson {name!r} is listed twice (first at line {line}); a course names each lesson once")
            continue
        seen_files[file] = at
        try:
            checked = check_lesson(file, allow_outside=allow_outside)
        except UsageError as exc:
            problem(at, "; ".join(p.message for p in exc.problems))
            continue
        except LessonError as exc:  # the lesson's own problems, at its own FILE:LINE:COL
            problems.extend(exc.problems)
            continue
        lesson_id = checked.lesson.id
        if lesson_id in seen_ids:
            first, first_name = seen_ids[lesson_id]
            problem(at, f"the lesson {name!r} has the id {lesson_id!r}, as {first_name!r} (line {src.where(first)[0]}) has; "
                        "lesson ids name the folders of a course, so each must differ")
            continue
        seen_ids[lesson_id] = (at, name)
        warnings.extend(checked.warnings)
        lessons.append(CourseLesson(name, file, section, checked))
    if problems:
        raise LessonError(problems)
    return Course(
        id=values["id"], title=values["title"], description=values.get("description", ""), author=values.get("author", ""),
        language=values.get("language", "en"), path=path, text=raw, lessons=tuple(lessons), warnings=tuple(warnings),
        id_base_given=values.get("id_base", ""),
    )


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def read_uuid(path: Path) -> str | None:
    """The UUID kept in ``path``, or None if there is none (or the file holds something else)."""
    try:
        text = path.read_text(encoding="ascii").strip().lower()
    except (OSError, UnicodeDecodeError):
        return None
    return text if _UUID.match(text) else None


def ensure_uuid(path: Path) -> str:
    """The UUID kept in ``path``, made and written there (atomically, never over another's) if there is none."""
    import os
    import uuid as uuidlib

    have = read_uuid(path)
    if have:
        return have
    new = str(uuidlib.uuid4())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(new + "\n", encoding="ascii")
        try:
            os.link(tmp, path)  # fails if another build wrote it first: then theirs is the course's
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: create it only if it is not there
            try:
                with path.open("x", encoding="ascii") as f:
                    f.write(new + "\n")
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot keep the course's UUID here ({exc.strerror or exc}): make the course folder "
                         "writable, or give the course an 'id_base:' (see lessons/README.md)", path) from None
    got = read_uuid(path)
    if got is None:
        raise UsageError("this file does not hold a UUID: delete it (a new one is made, and learning platforms see a new "
                         "course) or put the course's UUID back", path)
    return got


def _text(value: Any, where: tuple, chars: int, problem) -> str | None:
    """``value`` if it is non-empty text of at most ``chars`` characters, else None after reporting why."""
    what = ".".join(str(p + 1) if isinstance(p, int) else p for p in where)
    if not isinstance(value, str):
        problem(where, f"{what}: write text here (in quotes if it could be read as a number, yes/no or null)")
        return None
    if not value.strip():
        problem(where, f"{what}: write some text here; it is empty")
        return None
    if len(value) > chars:
        problem(where, f"{what}: at most {chars} characters; this has {len(value)}")
        return None
    return value.strip()


def _short(value: Any) -> str:
    return one_line(repr(value), 60)


__all__ = ["Course", "CourseLesson", "Located", "check_course", "looks_like_course"]
