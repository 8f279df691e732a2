"""Read a lesson script and validate it, reporting every problem at once as FILE:LINE:COL: message."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from lesson.errors import LessonError, Problem, UsageError
from lesson.script import placeholders
from lesson.script.model import STEP_KINDS, Lesson
from lesson.script.yamlsource import MAX_BYTES, Located, Path_, read_yaml


def load_lesson(path: str | Path) -> Lesson:
    """Read and validate the lesson script at ``path``; raise :class:`LessonError` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no such lesson script: {path}", path)
    if path.stat().st_size > MAX_BYTES:
        raise LessonError(f"file is larger than {MAX_BYTES // 1000} kB; a lesson script is much smaller", path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LessonError(f"not UTF-8 text (byte {exc.start})", path) from None
    return parse_lesson(text, str(path))


def parse_lesson(text: str, filename: str = "<lesson>") -> Lesson:
    src = read_yaml(text)
    problems = [Problem(filename, line, col, msg) for line, col, msg in src.errors]
    if problems or src.data is None:
        raise LessonError(problems or [Problem(filename, 1, 1, "the file is empty")])
    if not isinstance(src.data, dict):
        raise LessonError([Problem(filename, 1, 1, "a lesson script is a mapping of keys such as id, title, steps")])
    try:
        lesson = Lesson.model_validate(src.data)
    except ValidationError as exc:
        raise LessonError(_pydantic_problems(exc, src, filename)) from None
    problems = [
        Problem(filename, *src.where(loc, key=key), msg) for loc, msg, key in _cross_checks(lesson, Path(filename).parent)
    ]
    if problems:
        raise LessonError(problems)
    return lesson


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _data_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """Pydantic's error location, less the union tags it adds for tagged unions."""
    path: list[str | int] = []
    for part in loc:
        after_index = bool(path) and isinstance(path[-1], int)
        if after_index and isinstance(data, dict) and data.get("kind") == part:
            continue  # the tag pydantic adds after a list index for a tagged union
        if isinstance(part, str) and part.startswith(("function-after", "function-plain")):
            continue
        path.append(part)
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            data = None
    return tuple(path)


def _model_for(path: Path_, data: Any) -> type[BaseModel] | None:
    """The model that validates the mapping at ``path`` (for 'did you mean' on unknown keys)."""
    from lesson.script import model as m

    node: Any = data
    cls: Any = m.Lesson
    for part in path:
        node = node[part] if isinstance(node, (dict, list)) else None
        if isinstance(part, int):
            continue
        field = getattr(cls, "model_fields", {}).get(part)
        if field is None:
            return None
        cls = _model_class(field.annotation, node)
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _model_class(annotation: Any, node: Any) -> Any:
    from typing import get_args

    from lesson.script import model as m

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        found = _model_class(arg, node)
        if found is not None:
            return found
    if annotation is not None and "Step" in str(annotation) and isinstance(node, dict):
        for cls in m.Step.__origin__.__args__:  # type: ignore[attr-defined]
            if cls.model_fields["kind"].annotation.__args__[0] == node.get("kind"):
                return cls
    return None


def _pydantic_problems(exc: ValidationError, src: Located, filename: str) -> list[Problem]:
    problems: set[Problem] = set()
    for err in exc.errors(include_url=False):
        path = _data_path(err["loc"], src.data)
        kind = err["type"]
        at_key = False
        if kind == "extra_forbidden":
            name = path[-1]
            cls = _model_for(path[:-1], src.data)
            hint = did_you_mean(str(name), cls.model_fields) if cls else ""
            msg = f"unknown key {name!r}{hint}"
            at_key = True
        elif kind == "missing":
            msg = f"missing required key {path[-1]!r}"
            path = path[:-1]
            at_key = True
        elif kind in ("union_tag_invalid", "literal_error") and path and path[-1] == "kind" or kind == "union_tag_invalid":
            got = err.get("input")
            got = got.get("kind") if isinstance(got, dict) else got
            msg = f"unknown step kind {got!r}{did_you_mean(str(got), STEP_KINDS)} (kinds: {', '.join(STEP_KINDS)})"
            if kind == "union_tag_invalid":
                path = (*path, "kind")
        elif kind == "union_tag_not_found":
            msg = "a step needs a 'kind'"
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            msg = f"{err['input']!r} is not one of {expected}{did_you_mean(str(err['input']), _literal_words(expected))}"
        elif kind == "string_pattern_mismatch":
            msg = f"{err['input']!r} is not allowed here: {_pattern_words(path)}"
        elif kind in ("float_parsing", "float_type", "int_parsing", "int_type") and isinstance(err.get("input"), str):
            msg = f"expected a number, got {err['input']!r}"
        else:
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
        line, col = src.where(path, key=at_key)
        where = ".".join(str(p) for p in path)
        problems.add(Problem(filename, line, col, f"{where}: {msg}" if where else msg))
    return sorted(problems)


def _literal_words(expected: str) -> list[str]:
    return [w.strip(" '\"") for w in expected.replace(" or ", ",").split(",")]


def _pattern_words(path: Path_) -> str:
    name = str(path[-1]) if path else ""
    if name in ("color", "background", "text", "muted", "accent"):
        return "write a colour as #rrggbb"
    if path == ("id",):
        return "use lower-case letters, digits, - and _ (it names the output files)"
    if name == "language":
        return "use a language code such as en or en-GB"
    return "use lower-case letters, digits and _, starting with a letter"


def _cross_checks(lesson: Lesson, folder: Path) -> list[tuple[Path_, str, bool]]:
    """Checks that span several parts of the script: shapes, names, references, placeholders, files."""
    out: list[tuple[Path_, str, bool]] = []
    net = lesson.network
    inputs = [i.name for i in net.inputs]
    classes = [c.name for c in net.classes]
    for what, names, base in (("input", inputs, "inputs"), ("class", classes, "classes")):
        seen: set[str] = set()
        for k, name in enumerate(names):
            if name in seen:
                out.append((("network", base, k, "name"), f"{what} name {name!r} is used twice", False))
            seen.add(name)
    width = len(inputs)
    for k, layer in enumerate(net.layers):
        at = ("network", "layers", k)
        last = k == len(net.layers) - 1
        if len(layer.bias) != len(layer.weights):
            out.append(((*at, "bias"), f"layer {k + 1} has {len(layer.weights)} weight rows but {len(layer.bias)} biases", False))
        for r, row in enumerate(layer.weights):
            if len(row) != width:
                feeds = f"{width} inputs" if k == 0 else f"the {width} nodes of layer {k}"
                out.append(((*at, "weights", r), f"layer {k + 1} row {r + 1} has {len(row)} weights; it takes {feeds}", False))
        if last and len(layer.weights) != len(classes):
            out.append(((*at, "weights"), f"the last layer has {len(layer.weights)} nodes but there are {len(classes)} classes", False))
        if layer.nodes is not None and len(layer.nodes) != len(layer.weights):
            out.append(((*at, "nodes"), f"{len(layer.nodes)} node names for {len(layer.weights)} nodes", False))
        width = len(layer.weights)
    ex = lesson.example
    given = ex.scaled if ex.scaled is not None else ex.raw
    which = "scaled" if ex.scaled is not None else "raw"
    for name in given or {}:
        if name not in inputs:
            out.append((("example", which, name), f"unknown input {name!r}{did_you_mean(name, inputs)}", True))
    for name in inputs:
        if name not in (given or {}):
            out.append((("example", which), f"missing a value for input {name!r}", False))
    if ex.label is not None and ex.label not in classes:
        out.append((("example", "label"), f"unknown class {ex.label!r}{did_you_mean(ex.label, classes)}", False))
    if lesson.training is not None:
        for name in lesson.training.columns:
            if name not in inputs:
                out.append((("training", "columns", name), f"unknown input {name!r}{did_you_mean(name, inputs)}", True))
        for name in inputs:
            if name not in lesson.training.columns:
                out.append((("training", "columns"), f"missing the CSV column for input {name!r}", False))
    names = placeholders.names(lesson)
    for s, step in enumerate(lesson.steps):
        at = ("steps", s)
        for option in ("of_class",):
            value = getattr(step, option, None)
            if value is not None and value not in classes:
                out.append(((*at, option), f"unknown class {value!r}{did_you_mean(value, classes)}", False))
        if step.kind == "softmax_properties" and step.compare_training and lesson.training is None:
            out.append(((*at, "compare_training"), "needs a 'training' section (or set compare_training: false)", False))
        if step.kind == "cross_entropy" and ex.label is None:
            out.append(((*at, "kind"), "needs the example's observed class: set example.label", False))
        if step.audio is not None and not (folder / step.audio).is_file():
            out.append(((*at, "audio"), f"no such recording: {folder / step.audio}", False))
        texts: list[tuple[Path_, str]] = [((*at, "narration"), step.narration), ((*at, "title"), step.title)]
        texts += [((*at, "points", i), p) for i, p in enumerate(getattr(step, "points", []))]
        for where, text in texts:
            for msg in placeholders.problems(text, names):
                out.append((where, msg, False))
    ids = [s.id for s in lesson.steps if s.id]
    if lesson.video.poster is not None and lesson.video.poster not in ids:
        out.append((("video", "poster"), f"no step with id {lesson.video.poster!r}{did_you_mean(lesson.video.poster, ids)}", False))
    for s, step in enumerate(lesson.steps):
        if step.id and ids.count(step.id) > 1:
            out.append((("steps", s, "id"), f"step id {step.id!r} is used twice", False))
    return out
