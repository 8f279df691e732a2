"""Safe YAML reading that remembers where every value came from.

Only plain data is built (mappings, sequences, strings, numbers, booleans,
null); any other tag (``!!python/object`` and friends) is an error. Duplicate
keys are errors. The file size and the number of nodes, after aliases are
expanded, are bounded, so an alias bomb is refused quickly in bounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_NODES = 100_000

Path_ = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Located:
    """Parsed data plus the (line, column) of each value and each mapping key, by path."""

    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    errors: list[tuple[int, int, str]] = field(default_factory=list)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The closest known location of ``path`` (its key if asked and known, else the value, else a parent)."""
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


class _TooBig(Exception):
    pass


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_yaml(text: str) -> Located:
    out = Located()
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        out.errors.append((0, 0, f"file is larger than {MAX_BYTES // 1000} kB; a lesson script is much smaller"))
        return out
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        out.errors.append((line, col, f"YAML syntax error: {exc.problem or exc.context}"))
        return out
    except yaml.YAMLError as exc:
        out.errors.append((0, 0, f"YAML error: {exc}"))
        return out
    finally:
        loader.dispose()
    if node is None:
        out.errors.append((1, 1, "the file is empty"))
        return out
    count = [0]
    try:
        out.data = _build(node, (), out, loader, count)
    except _TooBig:
        out.data = None
        out.errors.append((0, 0, f"the document expands to more than {MAX_NODES} values (too many aliases?)"))
    return out


def _build(node: yaml.Node, path: Path_, out: Located, loader: yaml.SafeLoader, count: list[int]) -> Any:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _TooBig
    out.values.setdefault(path, _pos(node))
    if node.tag not in _PLAIN_TAGS:
        out.errors.append((*_pos(node), f"the tag {node.tag!r} is not allowed: lesson scripts hold plain data only"))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                out.errors.append((*_pos(key_node), "keys must be plain names"))
                continue
            key = str(key_node.value)
            if key in result:
                first = out.keys[(*path, key)]
                out.errors.append((*_pos(key_node), f"duplicate key {key!r} (first given at line {first[0]})"))
                continue
            out.keys[(*path, key)] = _pos(key_node)
            result[key] = _build(value_node, (*path, key), out, loader, count)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), out, loader, count) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
