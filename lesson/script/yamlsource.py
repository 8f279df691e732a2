"""Safe YAML reading that remembers where every value came from.

Only plain data is built (mappings, sequences, strings, numbers, booleans,
null); any other tag (``!!python/object`` and friends) is an error. Duplicate
keys are errors. The file size, the nesting depth, the number of digits of a
number and the number of nodes after aliases are expanded are bounded, so an
alias bomb, an alias cycle or a thousand nested brackets are refused quickly in
bounded memory. Control characters are refused where they stand (they are
invisible in an editor and break captions and fonts).

Syntax errors say what to write instead, and where the bracket, quote or
block that was left open began.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from lesson.script import limits

MAX_BYTES = limits.SCRIPT_BYTES
MAX_NODES = limits.SCRIPT_NODES
MAX_DEPTH = limits.SCRIPT_DEPTH

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

# C0 and C1 controls except tab, newline and carriage return; bidirectional overrides (they make text read in
# another order than it is stored); the byte-order mark anywhere but the start; surrogates and non-characters
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ud800-\udfff\ufffe\uffff]"
)


def character_problem(ch: str) -> str:
    name = {"\t": "a tab"}.get(ch, f"the control character U+{ord(ch):04X}")
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f\u061c":
        name = f"the invisible direction mark U+{ord(ch):04X}"
    elif ch == "\ufeff":
        name = "a byte-order mark (U+FEFF)"
    elif "\ud800" <= ch <= "\udfff" or ch in "\ufffe\uffff":
        name = f"the invalid character U+{ord(ch):04X}"
    return f"{name} is not allowed in a lesson script; delete it"


@dataclass
class Located:
    """Parsed data plus the (line, column) of each value and each mapping key, by path."""

    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    spans: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # character offsets of each scalar's source
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    text: str = ""

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

    def where_text(self, path: Path_, needle: str) -> tuple[int, int]:
        """Where ``needle`` stands in the source of the string at ``path`` (inside a ``>`` or ``|`` block too);
        the string's own location when it cannot be found verbatim (folded across lines, or escaped)."""
        span = self.spans.get(path)
        if span is not None and needle:
            at = self.text.find(needle, span[0], span[1])
            if at >= 0:
                return line_col(self.text, at)
        return self.where(path)


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses nesting deeper than MAX_DEPTH while composing (PyYAML's composer recurses)."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"the data is nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's message, said as what to write instead."""
    problem = exc.problem or ""
    context = exc.context or ""
    opened = exc.context_mark
    where = f" (line {opened.line + 1}, column {opened.column + 1})" if opened is not None else ""
    if "nested more than" in problem:
        return problem
    if "'\\t'" in problem or "\\t" in problem:
        return "a tab character: indent with spaces, never tabs"
    if "quoted scalar" in context:
        return f"the quote opened{where} is not closed: end the text with the same quote"
    if "flow sequence" in context:
        return f"the list opened with '['{where} is not closed: separate items with ',' and end with ']'"
    if "flow mapping" in context:
        return f"the mapping opened with '{{'{where} is not closed: write {{key: value, ...}} and end with '}}'"
    if "block scalar" in context:
        return f"the text block opened with '|' or '>'{where} has a broken indicator: write '>' or '|' (optionally '-')"
    if "mapping values are not allowed" in problem:
        return "a ':' followed by a space inside a value: put the whole value in quotes"
    if "expected <block end>" in problem or "expected <document start>" in problem or "could not find expected ':'" in problem:
        inside = f" (in the block that starts at line {opened.line + 1}, column {opened.column + 1})" if opened is not None else ""
        return f"the indentation does not match the lines above{inside}: indent each key under its parent with spaces"
    if "found undefined alias" in problem:
        return f"{problem}: define the anchor (&name) before using it (*name)"
    if "found character" in problem and "cannot start any token" in problem:
        return f"{problem}: put the value in quotes"
    if "unexpected end of stream" in problem:
        return f"the file ends inside something left open{where}"
    return f"{problem or context}".strip() or "not valid YAML"


def _open_quote(text: str, before_line: int) -> tuple[int, int] | None:
    """The last line before ``before_line`` on which a value starts with a quote that the line does not close."""
    found = None
    for n, line in enumerate(text.splitlines()[: max(before_line - 1, 0)], start=1):
        m = re.match(r"\s*(?:-\s+)?[^\s:#'\"][^:#]*:\s+(['\"])|\s*-\s+(['\"])", line)
        if not m:
            continue
        q = m.group(1) or m.group(2)
        start = m.end() - 1
        rest = line[start + 1:]
        closed = rest.replace("''", "") if q == "'" else re.sub(r"\\.", "", rest)
        if q not in closed:
            found = (n, start + 1)
    return found


def read_yaml(text: str) -> Located:
    out = Located(text=text)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        out.errors.append((0, 0, f"file is larger than {MAX_BYTES // 1000} kB; a lesson script is much smaller"))
        return out
    start = 1 if text.startswith("\ufeff") else 0
    bad = [m for m in FORBIDDEN_CHARACTERS.finditer(text, start)]
    if bad:
        for m in bad[:20]:
            out.errors.append((*line_col(text, m.start()), character_problem(m.group())))
        return out
    # libyaml composes twenty times faster than PyYAML's Python code, but recursively in C: it is used only when
    # the nesting cannot be deep (an upper bound: every bracket opened, plus the deepest indentation); on any
    # error the Python loader reads the file again, for its messages and marks
    fast = _C_LOADER is not None and _nesting_bound(text) <= _C_DEPTH
    if fast:
        loader: Any = _C_LOADER(text)
        try:
            node = loader.get_single_node()
        except yaml.YAMLError:
            fast = False
        finally:
            loader.dispose()
        if fast:
            return _built(node, out, loader)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = f"YAML syntax error: {_syntax_message(exc)}"
        quote = _open_quote(text, line)
        if quote is not None and "quote opened" not in message:
            message += f" (the quote at line {quote[0]}, column {quote[1]} is never closed on its line; is it meant to be?)"
        out.errors.append((line, col, message))
        return out
    except yaml.YAMLError as exc:  # ReaderError: a character PyYAML cannot read (the scan above catches most)
        position = getattr(exc, "position", None)
        line, col = line_col(text, position) if isinstance(position, int) else (0, 0)
        out.errors.append((line, col, "a character that YAML does not allow; delete it"))
        return out
    except RecursionError:
        out.errors.append((0, 0, f"the data is nested more than {MAX_DEPTH} levels deep"))
        return out
    finally:
        loader.dispose()
    return _built(node, out, loader)


_C_LOADER = getattr(yaml, "CSafeLoader", None)
_C_DEPTH = 1000


def _nesting_bound(text: str) -> int:
    indent = max((len(line) - len(line.lstrip(" ")) for line in text.splitlines()), default=0)
    return text.count("[") + text.count("{") + indent


def _built(node: Any, out: Located, loader: Any) -> Located:
    if node is None:
        out.errors.append((1, 1, "the file is empty"))
        return out
    count = [0]
    try:
        out.data = _build(node, (), out, loader, count, ())
    except _TooBig:
        out.data = None
        out.errors.append((0, 0, f"the document expands to more than {MAX_NODES} values (too many aliases?)"))
    return out


class _TooBig(Exception):
    pass


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_INT_DIGITS = re.compile(r"[0-9a-fA-F]")


def _build(node: yaml.Node, path: Path_, out: Located, loader: yaml.SafeLoader, count: list[int], above: tuple[int, ...]) -> Any:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _TooBig
    out.values.setdefault(path, _pos(node))
    if id(node) in above:
        out.errors.append((*_pos(node), "an alias refers to the mapping or list that contains it (a cycle)"))
        return None
    if len(above) >= MAX_DEPTH:
        out.errors.append((*_pos(node), f"the data is nested more than {MAX_DEPTH} levels deep"))
        return None
    if node.tag not in _PLAIN_TAGS:
        out.errors.append((*_pos(node), f"the tag {node.tag!r} is not allowed: lesson scripts hold plain data only"))
        return None
    inside = (*above, id(node))
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                out.errors.append((*_pos(key_node), "keys must be plain names"))
                continue
            key = str(key_node.value)
            if len(key) > limits.KEY_CHARS:
                out.errors.append((*_pos(key_node), f"a key of {len(key)} characters; keys are short names"))
                continue
            if key in result or (*path, key) in out.keys:
                first = out.keys[(*path, key)]
                out.errors.append((*_pos(key_node), f"duplicate key {key!r} (first given at line {first[0]})"))
                continue
            out.keys[(*path, key)] = _pos(key_node)
            result[key] = _build(value_node, (*path, key), out, loader, count, inside)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), out, loader, count, inside) for i, item in enumerate(node.value)]
    out.spans.setdefault(path, (node.start_mark.index, node.end_mark.index))
    if node.tag == "tag:yaml.org,2002:int" and len(_INT_DIGITS.findall(node.value)) > limits.NUMBER_DIGITS:
        out.errors.append((*_pos(node), f"a number of more than {limits.NUMBER_DIGITS} digits; numbers in a lesson are small"))
        return None
    if node.tag == "tag:yaml.org,2002:float" and len(node.value) > 4 * limits.NUMBER_DIGITS:
        out.errors.append((*_pos(node), f"a number of {len(node.value)} characters; numbers in a lesson are small"))
        return None
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str):
        bad = FORBIDDEN_CHARACTERS.search(value)
        if bad:  # written as an escape ("\x01") in a quoted string
            out.errors.append((*_pos(node), character_problem(bad.group())))
            return None
    return value
