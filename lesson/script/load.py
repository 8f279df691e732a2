"""Read a lesson script: YAML text into a validated, frozen :class:`Lesson` model, or every problem at once, each at
FILE:LINE:COL with a message a person understands (pydantic's errors translated, "did you mean ...?").

This module knows the script's structure only; :mod:`lesson.check` runs the checks that need the math core, the
step kinds and the planner, and so everything ``lesson check`` promises.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from lesson.errors import Finding, LessonError, Problem, UsageError, one_line
from lesson.hints import did_you_mean, one_of
from lesson.script import limits
from lesson.script import model as m
from lesson.script import names as script_names
from lesson.script import placeholders
from lesson.script.model import STEP_KINDS, Lesson
from lesson.script.yamlsource import MAX_BYTES, Located, Path_, line_col, read_yaml


def read_script(path: Path, what: str) -> str:
    """The UTF-8 text of the script at ``path`` (a lesson script, a course file): a missing, unreadable, too large
    or undecodable file is a :class:`UsageError` or :class:`LessonError` saying so, at its line and column."""
    try:
        if not path.is_file():
            if path.is_symlink() and not path.exists():  # a link to itself, or in a loop of links, or dangling
                raise UsageError(f"{what} {path} is a symbolic link to nothing that can be read (a loop, or a missing file)", path)
            raise UsageError(f"no such {what}: {path}", path)
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_BYTES else b""
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}", one_line(str(path), 120)) from None
    if size > MAX_BYTES:
        raise LessonError(f"file is larger than {MAX_BYTES // 1000} kB; a {what} is much smaller", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LessonError([Problem(str(path), line, col, "not UTF-8 text; save the file as UTF-8")]) from None


def validate(text: str, filename: str) -> tuple[Lesson, Located]:
    """The script ``text`` read into a validated, frozen model, and where each of its values stands in the text; a
    :class:`LessonError` listing every problem found (YAML, structure, and placeholders of the steps that parse)."""
    src = read_yaml(text)
    problems = [Problem(filename, line, col, msg) for line, col, msg in src.errors]
    if problems or src.data is None:
        raise LessonError(problems or [Problem(filename, 1, 1, "the file is empty")])
    if not isinstance(src.data, dict):
        raise LessonError([Problem(filename, 1, 1, "a lesson script is a mapping of keys such as id, title, steps")])
    try:
        return Lesson.model_validate(src.data), src
    except ValidationError as exc:
        found = _placeholders_despite(exc, src)
        extra = problems_at(src, filename, found)
        raise LessonError(sorted({*_pydantic_problems(exc, src, filename), *extra})) from None


def problems_at(src: Located, filename: str, found: list[Finding], prefix: str = "") -> list[Problem]:
    """Each problem a check found, at its FILE:LINE:COL."""
    return [Problem(filename, *locate(src, f.where, f.at_key, f.needle), prefix + f.message) for f in found]


def locate(src: Located, path: Path_, key: bool, needle: str | tuple[str, int]) -> tuple[int, int]:
    if isinstance(needle, tuple):  # character ``char`` of the text, wherever the text's lines break in the file
        text, char = needle
        span = src.spans.get(path)
        at = _source_offset(src.text, span, text, char) if span is not None and text else None
        return line_col(src.text, at) if at is not None else src.where(path)
    return src.where_text(path, needle) if needle else src.where(path, key=key)


def _source_offset(source: str, span: tuple[int, int], text: str, char: int) -> int | None:
    """Where character ``char`` of the string ``text`` stands in ``source`` within ``span``: the text as written there,
    its spaces perhaps folded into line breaks and indentation (a ``>`` block), else None (escapes, a quoted string
    across lines)."""
    pieces = [p for p in re.split(r"(\s+)", text) if p]
    pattern = "".join("(\\s+)" if p.isspace() else f"({re.escape(p)})" for p in pieces)
    m = re.compile(pattern).search(source, span[0], span[1])
    if m is None:
        return None
    at = 0
    for g, piece in enumerate(pieces, start=1):
        if at + len(piece) > char:
            return m.start(g) + (0 if piece.isspace() else char - at)
        at += len(piece)
    return m.end()


def where_words(path: Path_, data: Any) -> str:
    """A data path as a person counts: ``steps.3.narration`` → ``step 4 (argmax) narration``."""
    words: list[str] = []
    node = data
    for k, part in enumerate(path):
        if isinstance(part, int):
            parent = str(path[k - 1]) if k else ""
            if k >= 2 and isinstance(path[k - 1], int) and path[k - 2] == "weights":
                parent = "weight"
            kind = node[part].get("kind") if isinstance(node, list) and 0 <= part < len(node) and isinstance(node[part], dict) else None
            name = {"steps": "step", "layers": "layer", "inputs": "input", "classes": "class", "weights": "row", "points": "point",
                    "seeds": "seed", "bias": "bias", "range": "value", "nodes": "node", "weight": "weight"}.get(parent, "item")
            if words and words[-1] == parent:
                words.pop()
            known = isinstance(kind, str) and kind in STEP_KINDS and parent == "steps"
            words.append(f"{name} {part + 1}" + (f" ({kind})" if known else ""))
        else:
            words.append(part if part.isidentifier() else _short(part))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return " ".join(words)


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
        ctx = err.get("ctx") or {}
        got = err.get("input")
        at_key = False
        if kind == "extra_forbidden":
            name = path[-1]
            cls = _model_for(path[:-1], src.data)
            msg = f"unknown key {_short(name)}{one_of(str(name), cls.model_fields, 'keys here') if cls else ''}"
            at_key = True
        elif kind == "missing":
            msg = f"missing required key {path[-1]!r}"
            path = path[:-1]
            at_key = True
        elif kind in ("union_tag_invalid", "literal_error") and path and path[-1] == "kind" or kind == "union_tag_invalid":
            tag = got.get("kind") if isinstance(got, dict) else got
            msg = f"unknown step kind {_short(tag)}{did_you_mean(str(tag), STEP_KINDS)} (kinds: {', '.join(STEP_KINDS)})"
            if kind == "union_tag_invalid":
                path = (*path, "kind")
        elif kind == "union_tag_not_found":
            msg = f"a step needs a 'kind' (kinds: {', '.join(STEP_KINDS)})"
        elif kind == "literal_error":
            expected = ctx.get("expected", "")
            msg = f"{_short(got)} is not one of {expected}{did_you_mean(str(got), _literal_words(expected))}"
        elif kind == "string_pattern_mismatch":
            msg = f"{_short(got)} is not allowed here: {_pattern_words(path)}"
        elif kind in ("float_parsing", "float_type", "int_parsing", "int_type") and isinstance(got, str):
            msg = f"expected a number, got {_short(got)}"
        elif kind in ("int_from_float", "int_parsing", "int_type"):
            msg = "write a whole number"
        elif kind in ("float_type", "float_parsing"):
            msg = "write a number"
        elif kind == "string_type":
            msg = "write text here (in quotes if it could be read as a number, yes/no or null)"
        elif kind == "string_too_short":
            msg = "write some text here; it is empty"
        elif kind == "string_too_long":
            msg = f"at most {ctx.get('max_length')} characters; this has {len(got) if isinstance(got, str) else 'more'}"
        elif kind in ("list_type", "tuple_type"):
            msg = "write a list here, such as [1, 2]"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            msg = "write a mapping of keys here (key: value on each line, or {key: value})"
        elif kind == "bool_type" or kind == "bool_parsing":
            msg = "write true or false"
        elif kind == "too_short":
            msg = f"give at least {ctx.get('min_length')} item(s); there {'is' if ctx.get('actual_length') == 1 else 'are'} {ctx.get('actual_length')}"
        elif kind == "too_long":
            count = ctx.get("actual_length")
            if count is None and isinstance(got, (dict, list, tuple)):  # pydantic leaves it out for a mapping
                count = len(got)
            msg = f"give at most {ctx.get('max_length')} item(s)" + (f"; there are {count}" if count is not None else "")
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            bound = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
                     "greater_than": ("more than", "gt"), "less_than": ("less than", "lt")}[kind]
            msg = f"must be {bound[0]} {ctx.get(bound[1])}; got {_short(got)}"
        else:
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
        line, col = src.where(path, key=at_key)
        where = where_words(path, src.data)
        problems.add(Problem(filename, line, col, f"{where}: {msg}" if where else msg))
    return sorted(problems)


def _short(value: Any) -> str:
    """A value from the script quoted in a message: its repr, cut short."""
    return one_line(repr(value), 60)


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
    if len(path) >= 2 and path[-2] == "nodes":
        return "a node's name is letters, digits and _, starting with a letter, at most 16"
    return "use lower-case letters, digits and _, starting with a letter"


def _placeholders_despite(exc: ValidationError, src: Located) -> list[Finding]:
    """Placeholder problems in a script whose only structural mistakes are inside some steps, so that every problem
    comes in one run: the rest of the script tells the names, the other steps are checked in full, and the broken
    steps' narration and title as far as they are text."""
    errors = exc.errors(include_url=False)
    broken = {e["loc"][1] for e in errors if len(e["loc"]) > 1 and e["loc"][0] == "steps" and isinstance(e["loc"][1], int)}
    steps = src.data.get("steps") if isinstance(src.data, dict) else None
    if not broken or len(broken) != len({e["loc"][:2] for e in errors}) or not isinstance(steps, list):
        return []  # a mistake outside the steps (the names may depend on it), or none inside them
    kept = [i for i in range(len(steps)) if i not in broken]
    try:
        lesson = Lesson.model_validate({**src.data, "steps": [steps[i] for i in kept] or [{"kind": "title", "title": "-", "narration": "-"}]})
    except ValidationError:
        return []
    known = script_names.kinds(lesson)
    texts = [(where, text) for i, step in zip(kept, lesson.steps) for where, text in templates(step, ("steps", i))]
    for i in sorted(broken):
        if isinstance(steps[i], dict):
            texts += [(("steps", i, key), steps[i][key]) for key in ("title", "narration") if isinstance(steps[i].get(key), str)]
    return [Finding(where, msg, needle=needle) for where, text in texts for msg, needle in placeholders.problems(text, known)]


def no_network_problems(lesson: Lesson) -> list[Finding]:
    """A lesson without a network may not give what only a network uses."""
    return [Finding((section,), f"'{section}' needs a network: section to go through", at_key=True)
            for section in ("example", "training") if getattr(lesson, section) is not None]


def network_problems(lesson: Lesson) -> list[Finding]:
    """The network's shapes and names, the example's inputs and class, the training data's columns."""
    out: list[Finding] = []
    net = lesson.network
    assert net is not None
    inputs = [i.name for i in net.inputs]
    classes = [c.name for c in net.classes]
    for what, names, base in (("input", inputs, "inputs"), ("class", classes, "classes")):
        seen: set[str] = set()
        for k, name in enumerate(names):
            if name in seen:
                out.append(Finding(("network", base, k, "name"), f"{what} name {name!r} is used twice"))
            seen.add(name)
    width = len(inputs)
    for k, layer in enumerate(net.layers):
        at = ("network", "layers", k)
        last = k == len(net.layers) - 1
        if len(layer.bias) != len(layer.weights):
            out.append(Finding((*at, "bias"), f"layer {k + 1} has {len(layer.weights)} weight rows but {len(layer.bias)} biases"))
        for r, row in enumerate(layer.weights):
            if len(row) != width:
                feeds = f"{width} inputs" if k == 0 else f"the {width} nodes of layer {k}"
                out.append(Finding((*at, "weights", r), f"layer {k + 1} row {r + 1} has {len(row)} weights; it takes {feeds}"))
        if last and len(layer.weights) != len(classes):
            out.append(Finding((*at, "weights"), f"the last layer has {len(layer.weights)} nodes but there are {len(classes)} classes"))
        if layer.nodes is not None:
            if len(layer.nodes) != len(layer.weights):
                out.append(Finding((*at, "nodes"), f"{len(layer.nodes)} node names for {len(layer.weights)} nodes"))
            for n, node in enumerate(layer.nodes):
                if layer.nodes.index(node) != n:
                    out.append(Finding((*at, "nodes", n), f"node name {node!r} is used twice"))
        width = len(layer.weights)
    ex = lesson.example
    if ex is None:
        return [*out, Finding(("network",), "a lesson with a network needs an example: section (the numbers it shows are that example's)", at_key=True)]
    given = ex.scaled if ex.scaled is not None else ex.raw
    which = "scaled" if ex.scaled is not None else "raw"
    for name in given or {}:
        if name not in inputs:
            out.append(Finding(("example", which, name), f"unknown input {name!r}{one_of(name, inputs, 'inputs')}", at_key=True))
    for name in inputs:
        if name not in (given or {}):
            out.append(Finding(("example", which), f"missing a value for input {name!r}"))
    if ex.label is not None and ex.label not in classes:
        out.append(Finding(("example", "label"), f"unknown class {ex.label!r}{one_of(ex.label, classes, 'classes')}"))
    if net.output == "identity" and ex.label is not None:
        out.append(Finding(("example", "label"), "a regression (output: identity) has observed values, not a class: observed: <number>", at_key=True))
    if net.output == "softmax" and ex.observed is not None:
        out.append(Finding(("example", "observed"), "a classifier (output: softmax) has an observed class: label: <class>", at_key=True))
    if net.output == "identity" and lesson.training is not None:
        out.append(Finding(("training",), "training: trains classifiers (output: softmax); this network is a regression", at_key=True))
    if lesson.training is not None:
        for label, cls in lesson.training.labels.items():
            if cls not in classes:
                out.append(Finding(("training", "labels", label), f"unknown class {cls!r}{one_of(cls, classes, 'classes')}"))
        for name in lesson.training.columns:
            if name not in inputs:
                out.append(Finding(("training", "columns", name), f"unknown input {name!r}{one_of(name, inputs, 'inputs')}", at_key=True))
        for name in inputs:
            if name not in lesson.training.columns:
                out.append(Finding(("training", "columns"), f"missing the CSV column for input {name!r}"))
    return out


def templates(model: BaseModel, at: Path_) -> list[tuple[Path_, str]]:
    """Every text with placeholders in a step's options (the fields typed ``parts.template``), where it is."""
    return [(where, text) for where, text, _ in sized_templates(model, at)]


def sized_templates(model: BaseModel, at: Path_) -> list[tuple[Path_, str, int | None]]:
    """:func:`templates`, each with the most characters it may have once its placeholders are filled in."""
    out: list[tuple[Path_, str, int | None]] = []

    def walk(value: Any, where: Path_, marked: dict | None) -> None:
        if isinstance(value, str) and marked is not None:
            out.append((where, value, marked.get("filled_max")))
        elif isinstance(value, BaseModel):
            for name, info in type(value).model_fields.items():
                extras = [info.json_schema_extra, *_extras(info.annotation)]
                found = next((m for m in extras if isinstance(m, dict) and m.get("placeholders") is True), None)
                walk(getattr(value, name), (*where, name), found)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, (*where, i), marked)

    walk(model, at, None)
    return out


def _extras(annotation: Any) -> list[Any]:
    """The json_schema_extra of every Field() inside an annotation (list[template(...)] and the like)."""
    import typing

    found: list[Any] = []
    for meta in getattr(annotation, "__metadata__", ()):
        extra = getattr(meta, "json_schema_extra", None)
        if extra is not None:
            found.append(extra)
    for arg in typing.get_args(annotation):
        found += _extras(arg)
    return found


def word_problems(text: str) -> list[tuple[str, str]]:
    """Words too long for a caption line, and numbers too long to read aloud (placeholders aside)."""
    plain = re.sub(r"\{[^{}]*\}", "0", text)
    out = []
    for word in plain.split():
        if len(word) > limits.WORD_CHARS:
            out.append((f"a word of {len(word)} characters; words may have at most {limits.WORD_CHARS}", word[:30]))
        elif run := re.search(rf"\d{{{limits.NUMBER_RUN_DIGITS + 1},}}", word):
            out.append((f"a number of {len(run.group())} digits; the voice reads numbers of at most {limits.NUMBER_RUN_DIGITS}", run.group()))
    return out


