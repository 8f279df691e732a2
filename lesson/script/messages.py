"""Pydantic's validation errors as a person reads them: where (``step 4 (argmax) narration``) and what is wrong,
in the script's own words."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from lesson.base.errors import Problem, one_line
from lesson.base.hints import did_you_mean, one_of
from lesson.script import model as m
from lesson.script.model import STEP_KINDS
from lesson.script.yamlsource import Located, Path_


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


def pydantic_problems(exc: ValidationError, src: Located, filename: str) -> list[Problem]:
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
