"""Read a lesson script and validate it, reporting every problem at once as FILE:LINE:COL: message.

Validation owns every limit: a script this module accepts goes through the math core and the
planner without an error (they run here too, and what they cannot handle is reported at the place
in the script that causes it). After that, only reasons outside the script (a full disk, a kill)
can stop a render.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from lesson.digits import whole_digits
from lesson.errors import LessonError, Problem, UsageError, one_line
from lesson.hints import did_you_mean, one_of
from lesson.truth import scientific
from lesson.script import limits, placeholders
from lesson import kinds
from lesson.script.model import STEP_KINDS, Lesson
from lesson.script.placeholders import class_families
from lesson.script.yamlsource import MAX_BYTES, Located, Path_, line_col, read_yaml

if TYPE_CHECKING:
    from lesson.numbers import LessonNumbers
    from lesson.plan import Plan


@dataclass(frozen=True)
class Checked:
    """A lesson that passed every check, with its numbers, its plan and the warnings found."""

    lesson: Lesson
    numbers: LessonNumbers
    plan: Plan
    warnings: tuple[Problem, ...]


def load_lesson(path: str | Path, *, allow_outside: bool = False) -> Lesson:
    """Read and validate the lesson script at ``path``; raise :class:`LessonError` listing every problem."""
    return check_lesson(path, allow_outside=allow_outside).lesson


def check_lesson(path: str | Path, *, allow_outside: bool = False) -> Checked:
    """Read, validate, compute and plan the lesson at ``path``: everything ``lesson check`` promises."""
    path = Path(path)
    return check_text(read_script(path, "lesson script"), str(path), path.parent, allow_outside=allow_outside)


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


def parse_lesson(text: str, filename: str = "<lesson>", *, allow_outside: bool = False) -> Lesson:
    """Validate the script ``text`` (files it names are looked for next to ``filename``)."""
    return check_text(text, filename, Path(filename).parent, allow_outside=allow_outside).lesson


def check_text(text: str, filename: str, folder: Path, *, allow_outside: bool = False) -> Checked:
    src = read_yaml(text)
    problems = [Problem(filename, line, col, msg) for line, col, msg in src.errors]
    if problems or src.data is None:
        raise LessonError(problems or [Problem(filename, 1, 1, "the file is empty")])
    if not isinstance(src.data, dict):
        raise LessonError([Problem(filename, 1, 1, "a lesson script is a mapping of keys such as id, title, steps")])
    try:
        lesson = Lesson.model_validate(src.data)
    except ValidationError as exc:
        found = _placeholders_despite(exc, src)
        extra = [Problem(filename, *_locate(src, loc, key, needle), msg) for loc, msg, key, needle in found]
        raise LessonError(sorted({*_pydantic_problems(exc, src, filename), *extra})) from None
    found = _cross_checks(lesson, folder, allow_outside)
    problems = [Problem(filename, *_locate(src, loc, key, needle), msg) for loc, msg, key, needle in found]
    if problems:
        raise LessonError(problems)
    from lesson import words

    with words.recording() as drawn_words:
        numbers, plan, found = _computed(lesson, folder, allow_outside)
    if found:
        raise LessonError([Problem(filename, *_locate(src, loc, key, needle), msg) for loc, msg, key, needle in found])
    assert numbers is not None and plan is not None
    found_warnings = _warnings(lesson) + typed_numbers(lesson, numbers)
    # a word of words: that no step of this lesson draws changes nothing (the steps that draw it are not used)
    found_warnings += [(("words", key), f"no step of this lesson draws the word {key!r}, so this changes nothing", True, "")
                       for key in (lesson.words or {}) if key not in drawn_words]
    warnings = tuple(Problem(filename, *_locate(src, loc, key, needle), f"warning: {msg}") for loc, msg, key, needle in found_warnings)
    return Checked(lesson, numbers, plan, warnings)


# a problem found by a check: (where in the data, message, at the key rather than the value, what to point at:
# a text inside the value, or (the value's whole text, a character of it))
Found = tuple[Path_, str, bool, str | tuple[str, int]]


def _locate(src: Located, path: Path_, key: bool, needle: str | tuple[str, int]) -> tuple[int, int]:
    if isinstance(needle, tuple):  # character ``char`` of the text, where the text stands in the file on one line
        text, char = needle
        span = src.spans.get(path)
        at = src.text.find(text, span[0], span[1]) if span is not None and text and "\n" not in text else -1
        return line_col(src.text, at + char) if at >= 0 else src.where(path)
    return src.where_text(path, needle) if needle else src.where(path, key=key)


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


def _cross_checks(lesson: Lesson, folder: Path, allow_outside: bool) -> list[Found]:
    """Checks that span several parts of the script: shapes, names, references, placeholders, files."""
    from lesson.paths import script_file

    out: list[Found] = _network_checks(lesson) if lesson.network is not None else _no_network(lesson)
    from lesson.script import computations

    out += [(where, msg, key, "") for where, msg, key in computations.check(lesson)]  # examples, losses, gradients, ...
    classes = [c.name for c in lesson.network.classes] if lesson.network is not None else []
    known = placeholders.kinds(lesson)
    for s, step in enumerate(lesson.steps):
        at = ("steps", s)
        kind = kinds.get(step.kind)
        if lesson.network is None and kind.needs_network:
            out.append(((*at, "kind"), f"a {step.kind!r} step shows the lesson's network and example: "
                        "add the network: and example: sections, or use a kind that does not need them", False, ""))
            continue
        if step.beside is not None and step.beside.each_class is not None:
            families = class_families(known, classes)
            if step.beside.each_class not in families:
                out.append(((*at, "beside", "each_class"), f"{step.beside.each_class!r} is not a per-class value{one_of(step.beside.each_class, families, 'per-class values')}", False, ""))
        if step.beside is not None and not step.beside.rows and step.beside.each_class is None:
            out.append(((*at, "beside"), "a panel needs rows or each_class", False, ""))
        if kind.check is not None:
            context = kinds.Context(lesson, None, lesson.display.decimals, {}, folder, known)
            for where, msg, *char in kind.check(step, context):  # (where, message[, the character to point at])
                out.append(((*at, *where), msg, False, _char_of(step, where, char[0]) if char else ""))
        if step.audio is not None:
            try:
                recording = script_file(folder, step.audio, "recording", allow_outside=allow_outside)
            except LessonError as exc:
                out.append(((*at, "audio"), exc.problems[0].message, False, ""))
            else:
                from lesson.audio import recording_problem

                if why := recording_problem(recording):
                    out.append(((*at, "audio"), f"recording {step.audio!r}: {why}", False, ""))
        for where, text in templates(step, at):
            for msg, needle in placeholders.problems(text, known):
                out.append((where, msg, False, needle))
            out += [(where, msg, False, needle) for msg, needle in _word_problems(text)]
    out += _font_problems(lesson)
    from lesson import words

    out += words.problems(lesson)  # the script's words: section
    ids = [s.id for s in lesson.steps if s.id]
    if lesson.video.poster is not None and lesson.video.poster not in ids:
        out.append((("video", "poster"), f"no step with id {lesson.video.poster!r}{one_of(lesson.video.poster, ids, 'step ids')}", False, ""))
    for s, step in enumerate(lesson.steps):
        if step.id and ids.count(step.id) > 1:
            out.append((("steps", s, "id"), f"step id {step.id!r} is used twice", False, ""))
    return out


def _char_of(step: Any, where: tuple[Any, ...], char: int) -> tuple[str, int]:
    """A needle for :func:`_locate` that points at character ``char`` of the text option at ``where``."""
    value: Any = step
    for part in where:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return str(value), char


def _placeholders_despite(exc: ValidationError, src: Located) -> list[Found]:
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
    known = placeholders.kinds(lesson)
    texts = [(where, text) for i, step in zip(kept, lesson.steps) for where, text in templates(step, ("steps", i))]
    for i in sorted(broken):
        if isinstance(steps[i], dict):
            texts += [(("steps", i, key), steps[i][key]) for key in ("title", "narration") if isinstance(steps[i].get(key), str)]
    return [(where, msg, False, needle) for where, text in texts for msg, needle in placeholders.problems(text, known)]


def _no_network(lesson: Lesson) -> list[Found]:
    """A lesson without a network may not give what only a network uses."""
    return [((section,), f"'{section}' needs a network: section to go through", True, "")
            for section in ("example", "training") if getattr(lesson, section) is not None]


def _network_checks(lesson: Lesson) -> list[Found]:
    """The network's shapes and names, the example's inputs and class, the training data's columns."""
    out: list[Found] = []
    net = lesson.network
    assert net is not None
    inputs = [i.name for i in net.inputs]
    classes = [c.name for c in net.classes]
    for what, names, base in (("input", inputs, "inputs"), ("class", classes, "classes")):
        seen: set[str] = set()
        for k, name in enumerate(names):
            if name in seen:
                out.append((("network", base, k, "name"), f"{what} name {name!r} is used twice", False, ""))
            seen.add(name)
    width = len(inputs)
    for k, layer in enumerate(net.layers):
        at = ("network", "layers", k)
        last = k == len(net.layers) - 1
        if len(layer.bias) != len(layer.weights):
            out.append(((*at, "bias"), f"layer {k + 1} has {len(layer.weights)} weight rows but {len(layer.bias)} biases", False, ""))
        for r, row in enumerate(layer.weights):
            if len(row) != width:
                feeds = f"{width} inputs" if k == 0 else f"the {width} nodes of layer {k}"
                out.append(((*at, "weights", r), f"layer {k + 1} row {r + 1} has {len(row)} weights; it takes {feeds}", False, ""))
        if last and len(layer.weights) != len(classes):
            out.append(((*at, "weights"), f"the last layer has {len(layer.weights)} nodes but there are {len(classes)} classes", False, ""))
        if layer.nodes is not None:
            if len(layer.nodes) != len(layer.weights):
                out.append(((*at, "nodes"), f"{len(layer.nodes)} node names for {len(layer.weights)} nodes", False, ""))
            for n, node in enumerate(layer.nodes):
                if layer.nodes.index(node) != n:
                    out.append(((*at, "nodes", n), f"node name {node!r} is used twice", False, ""))
        width = len(layer.weights)
    ex = lesson.example
    if ex is None:
        return [*out, (("network",), "a lesson with a network needs an example: section (the numbers it shows are that example's)", True, "")]
    given = ex.scaled if ex.scaled is not None else ex.raw
    which = "scaled" if ex.scaled is not None else "raw"
    for name in given or {}:
        if name not in inputs:
            out.append((("example", which, name), f"unknown input {name!r}{one_of(name, inputs, 'inputs')}", True, ""))
    for name in inputs:
        if name not in (given or {}):
            out.append((("example", which), f"missing a value for input {name!r}", False, ""))
    if ex.label is not None and ex.label not in classes:
        out.append((("example", "label"), f"unknown class {ex.label!r}{one_of(ex.label, classes, 'classes')}", False, ""))
    if lesson.training is not None:
        for name in lesson.training.columns:
            if name not in inputs:
                out.append((("training", "columns", name), f"unknown input {name!r}{one_of(name, inputs, 'inputs')}", True, ""))
        for name in inputs:
            if name not in lesson.training.columns:
                out.append((("training", "columns"), f"missing the CSV column for input {name!r}", False, ""))
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


def _filled_too_long(lesson: Lesson, values: Any) -> list[Found]:
    """Texts that fit as written but not once their placeholders are filled in (a cell of 24 characters)."""
    out: list[Found] = []
    for s, step in enumerate(lesson.steps):
        for where, text, most in sized_templates(step, ("steps", s)):
            if most is not None and len(filled := placeholders.fill(text, values, lesson.display.decimals)) > most:
                out.append((where, f"at most {most} characters once filled in; this reads {one_line(filled, 40)!r} "
                            f"({len(filled)})", False, ""))
    return out


def _too_large_to_show(lesson: Lesson, values: Any) -> list[Found]:
    """Placeholders whose value has more whole digits than a person reads (10^60 from define:, say): refused where
    they are written, since no screen or voice shows such a number as digits."""
    out: list[Found] = []
    most = limits.NUMBER_RUN_DIGITS
    for s, step in enumerate(lesson.steps):
        for where, text in templates(step, ("steps", s)):
            for name, spec in placeholders.fields(text):
                value = values[name]
                if isinstance(value, str) or isinstance(value, bool):
                    continue
                percent = float(value) * 100 if spec.endswith("%") else 0.0  # 1e308 as a percentage: no finite number
                shown = placeholders.format_value(value, spec, lesson.display.decimals) if math.isfinite(percent) else "∞"
                whole = (len(re.sub(r"\D", "", shown.partition(".")[0])) if math.isfinite(percent)
                         else whole_digits(float(value)) + 2)
                if whole > most:  # digits.too_large, or a percentage of a large value
                    out.append((where, f"{{{name}}} is about {scientific(float(value), 3)}, a number of {whole} digits; a number "
                                f"shown or read aloud has at most {most} before its decimal point: show it in larger units "
                                "(a define: entry that divides it by a power of ten)", False, "{" + name))
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


def _font_problems(lesson: Lesson) -> list[Found]:
    """Drawn text with characters no installed font has (they would show as empty boxes)."""
    from lesson.fonts import font_package, installed_families, undrawable

    out: list[Found] = []
    families = installed_families()
    generic = {"sans", "sans-serif", "serif", "monospace", "mono"}  # fontconfig's own names for its default fonts
    if families is not None and lesson.theme.font.casefold() not in {f.casefold() for f in families} | generic:
        # Pango would draw the text in some other font without a word, beside formulas in Nimbus Sans
        out.append((("theme", "font"), f"the font {lesson.theme.font!r} is not installed"
                    + one_of(lesson.theme.font, families, "installed fonts"), False, ""))
    drawn: list[tuple[Path_, str | None]] = [(("title",), lesson.title), (("subtitle",), lesson.subtitle), (("author",), lesson.author)]
    if lesson.network is not None:
        for k, i in enumerate(lesson.network.inputs):
            drawn += [(("network", "inputs", k, "label"), i.label), (("network", "inputs", k, "unit"), i.unit)]
        drawn += [(("network", "classes", k, "label"), c.label) for k, c in enumerate(lesson.network.classes)]
    for s, step in enumerate(lesson.steps):
        drawn += [(where, text) for where, text in templates(step, ("steps", s)) if where[-1] != "narration"]
    for where, text in drawn:
        if text and any(ord(ch) > 0xFF for ch in text) and (missing := undrawable(text)):
            shown = "".join(missing[:8])
            packages = ", ".join(sorted({font_package(ch) for ch in missing}))
            out.append((where, f"no installed font can draw {shown!r}; install a font that does (Debian: {packages})", False, missing[0]))
    return out


def _word_problems(text: str) -> list[tuple[str, str]]:
    """Words too long for a caption line, and numbers too long to read aloud (placeholders aside)."""
    import re

    plain = re.sub(r"\{[^{}]*\}", "0", text)
    out = []
    for word in plain.split():
        if len(word) > limits.WORD_CHARS:
            out.append((f"a word of {len(word)} characters; words may have at most {limits.WORD_CHARS}", word[:30]))
        elif run := re.search(rf"\d{{{limits.NUMBER_RUN_DIGITS + 1},}}", word):
            out.append((f"a number of {len(run.group())} digits; the voice reads numbers of at most {limits.NUMBER_RUN_DIGITS}", run.group()))
    return out


def _computed(lesson: Lesson, folder: Path, allow_outside: bool) -> tuple[Any, Any, list[Found]]:
    """Run the math core and the planner; report, at its cause in the script, anything they cannot show."""
    import numpy as np

    from mathcore.errors import MathError
    from lesson.numbers import TrainingTooLong, compute
    from lesson.plan import PlanError, build_plan

    from lesson.computations import ComputeProblem

    try:
        numbers = compute(lesson, folder, allow_outside=allow_outside)
    except ComputeProblem as exc:
        return None, None, [(exc.where, exc.message, False, "")]
    except TrainingTooLong as exc:
        return None, None, [(("training", "epochs"), exc.problems[0].message, False, "")]
    except LessonError as exc:  # the training data
        return None, None, [(("training", "data"), f"{p.message}", False, "") for p in exc.problems]
    except MathError as exc:
        return None, None, [(("network",), f"the math core cannot compute this network: {exc}", True, "")]
    out: list[Found] = []
    given = "scaled" if lesson.example is not None and lesson.example.scaled is not None else "raw"
    for i in numbers.inputs:
        if not abs(i.scaled) <= limits.SCALED_INPUT_MAX:
            out.append((("example", given, i.name), f"input {i.name!r} scales to {i.scaled:.4g} over its range "
                        f"[{i.low:g}, {i.high:g}]; scaled inputs must lie within ±{limits.SCALED_INPUT_MAX:g}", False, ""))
    last = len(numbers.layers) - 1
    for k, layer in enumerate(numbers.layers):
        values = [*layer.weighted_sums, *layer.values]
        bound = limits.RAW_OUTPUT_MAX if k == last else limits.HIDDEN_MAX
        worst = max(values, key=lambda v: abs(v) if np.isfinite(v) else np.inf)
        if not abs(worst) <= bound:
            what = "a raw output" if k == last else f"a node of layer {k + 1}"
            why = " (SoftMax shows e to the power of each raw output)" if k == last else ""
            out.append((("network", "layers", k, "weights"), f"{what} comes to {worst:.4g} for the example; it must lie within "
                        f"±{bound:g}{why}: use smaller weights, biases or inputs", True, ""))
    for t, run in enumerate(numbers.trained):
        if not (np.all(np.isfinite(run.softmax)) and np.isfinite(run.final_loss)):
            out.append((("training", "learning_rate"), f"training from seed {run.seed} diverged (the loss is no longer a number): "
                        "use a smaller learning_rate", False, ""))
    values = numbers.values()
    for s, step in enumerate(lesson.steps):  # a name the script structure gives but the computation has no value for
        for where, text in templates(step, ("steps", s)):
            for name, _ in placeholders.fields(text):
                if name not in values:
                    out.append((where, f"{{{name}}} has no value: {_why_no_value(lesson, numbers, name)}", False, "{" + name))
    if not out:
        out += _too_large_to_show(lesson, values)
    if not out:
        out += _filled_too_long(lesson, values)
    if out:
        return numbers, None, out
    try:
        plan = build_plan(lesson, folder, numbers)
    except PlanError as exc:
        return numbers, None, [(("steps", exc.step, *exc.where), exc.message, False, "")]
    return numbers, plan, []


def _why_no_value(lesson: Lesson, numbers: Any, name: str) -> str:
    head = name.split(".")[0]
    if head in lesson.descents and numbers.computed is not None:
        return f"the descent {head!r} stops after {numbers.computed.values.get(head + '.steps')} steps (use {head}.last for the last one)"
    return "the lesson does not compute it"


def typed_numbers(lesson: Lesson, numbers: Any) -> list[Found]:
    """Numbers typed into narration and on-screen text that equal a computed value at the digits typed: each
    should be a placeholder (so that it changes with the script and is the math core's)."""
    import re

    from lesson.digits import fixed

    values = [(k, float(v)) for k, v in numbers.values().items() if not isinstance(v, str) and not isinstance(v, bool)]
    out: list[Found] = []
    number = re.compile(r"(?<![\w.])([-−]?\d+\.\d+|[-−]?\d+(?=\s?%))(\s?%)?")
    for s, step in enumerate(lesson.steps):
        for where, text in templates(step, ("steps", s)):
            plain = re.sub(r"\{[^{}]*\}", lambda m: " " * len(m.group()), text)
            for m in number.finditer(plain):
                typed = m.group(1).replace("−", "-")
                percent = bool(m.group(2))
                places = len(typed.partition(".")[2])
                same = [key for key, v in values if float(typed) != 0 and fixed(v * 100 if percent else v, places) == typed]
                if same:
                    spec = f":.{places}%" if percent else (f":.{places}f" if places != lesson.display.decimals else "")
                    names = " or ".join(f"{{{key}{spec}}}" for key in same[:3]) + (" or another" if len(same) > 3 else "")
                    out.append((where, f"the number {m.group().strip()} is a value the lesson computes: write {names}", False, m.group().strip()))
    return out


def _warnings(lesson: Lesson) -> list[Found]:
    """What renders, but badly: text hard to read on the background."""
    theme = lesson.theme
    out: list[Found] = []
    colours = [(("theme", "text"), "text", theme.text), (("theme", "muted"), "muted text", theme.muted),
               (("theme", "accent"), "the accent", theme.accent)]
    if lesson.network is not None:
        colours += [(("network", "classes", c, "color"), f"class {cls.name!r}", cls.color) for c, cls in enumerate(lesson.network.classes)]
    for where, what, colour in colours:
        ratio = contrast(colour, theme.background)
        if ratio < limits.MIN_CONTRAST:
            out.append((where, f"{what} {colour} on the background {theme.background} has a contrast of {ratio:.1f}:1; "
                        f"at least {limits.MIN_CONTRAST:g}:1 is needed to read it", False, ""))
    return out


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
