"""A seeded mutation fuzzer for lesson scripts (used by ``bench/fuzz.py`` and ``tests/test_fuzz.py``).

Seeds are every ``lessons/**/*.yaml`` and ``tests/fixtures/five_classes.yaml``. Case ``n`` of
fuzz seed ``s`` is made from seed ``n % len(seeds)`` by a ``random.Random`` seeded with
``(s, n)``, so every case can be made again from its two numbers. A case mixes several mutations:

* structural ones on the parsed YAML tree (delete, duplicate or misspell a key, change a value's
  type, swap/delete/duplicate list items, edge numbers and strings, odd placeholders, paths,
  training seeds, deep nesting, alias cycles and bombs, keys grafted from other seeds, an extra
  CSV file for ``training.data``), written out again with a ``yaml.SafeDumper`` (``allow_unicode``);
* byte-level ones on the text (flip/insert/delete bytes, delete/duplicate/swap lines, cut the file,
  unclosed brackets and quotes, tabs, broken indentation, YAML syntax, raw control characters).

Each case runs in a worker process, in-process through the command line (``lesson check FILE``;
if that accepts it, ``lesson numbers FILE --json`` and :func:`lesson.plan.build_plan`), on a copy
of the seed's folder so that relative paths resolve as they would next to the seed. The outcome is

* ``accepted`` -- every stage succeeded;
* ``rejected`` -- a clean user error: exit status 1 or 2, every stderr line ``FILE:LINE:COL: msg``
  or ``FILE: msg`` (FILE being the script given), no traceback;
* ``crash`` -- anything else: an exception, another exit status, a traceback, "internal error" or a
  Python warning in the output, an output line over 2000 characters, ``numbers --json`` output that
  is not strict JSON;
* ``hang`` -- the case ran over the time limit; the worker is killed (the hang may be in C code that
  ignores Python's signal handling) and started again. Just before, ``faulthandler`` writes the worker's
  stack from a C signal handler (SIGUSR1), which gives the hang's location.

Workers run under ``RLIMIT_AS`` (2 GB by default), so a runaway allocation is a MemoryError, a crash.
A crash's signature is the exception type and the innermost frame in the project's own code.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import difflib
import faulthandler
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lesson.course.load import looks_like_course  # a course file (lessons/course.yaml) is not a lesson script
from lesson.base.errors import LessonError
from lesson.plan import build_plan
from lesson.check import load_lesson

ROOT = Path(__file__).resolve().parents[1]
CASE_NAME = "fuzz_case.yaml"
MAX_LINE = 2000
OUTCOMES = ("accepted", "rejected", "crash", "hang")
_SKIP_COPY = {"out", ".cache", "__pycache__", ".git", ".venv", "node_modules", "media"}
_BIG_FILE = 5_000_000


# ---------------------------------------------------------------- seeds


@dataclass
class Seed:
    path: Path  # absolute
    name: str  # relative to the project root, for reports
    text: str
    tree: Any  # the parsed YAML (None if the seed does not parse)


def seed_paths(root: Path = ROOT) -> list[Path]:
    """Every lesson under lessons/ (recursively, so new lessons are fuzzed too) and the 5-class fixture."""
    paths = sorted(p for p in (root / "lessons").rglob("*.yaml") if not looks_like_course(p))
    extra = root / "tests" / "fixtures" / "five_classes.yaml"
    if extra.is_file():
        paths.append(extra)
    return [p.resolve() for p in paths]


def load_seeds(paths: Iterable[Path] | None = None, root: Path = ROOT) -> list[Seed]:
    seeds = []
    for path in seed_paths(root) if paths is None else paths:
        path = Path(path).resolve()
        text = path.read_text(encoding="utf-8")
        try:
            tree = yaml.safe_load(text)
        except yaml.YAMLError:
            tree = None
        try:
            name = str(path.relative_to(root))
        except ValueError:
            name = str(path)
        seeds.append(Seed(path, name, text, tree))
    return seeds


# ---------------------------------------------------------------- the tree and its serialisation


class DupMap(dict):
    """A mapping that is written with extra (duplicate) keys after its own items."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dups: list[tuple[Any, Any]] = []


class Raw:
    """A value written into the YAML text as is (a huge integer literal, `.NaN`, deep flow nesting...)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({_short(self.text)})"

    def __deepcopy__(self, memo: dict) -> Raw:
        return Raw(self.text)


class _Dumper(yaml.SafeDumper):
    raws: list[Raw]


def _represent_dupmap(dumper: _Dumper, data: DupMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", [*data.items(), *data.dups])


def _represent_raw(dumper: _Dumper, data: Raw) -> yaml.Node:
    dumper.raws.append(data)
    return dumper.represent_scalar("tag:yaml.org,2002:str", f"FUZZRAW{len(dumper.raws) - 1}Z")


_Dumper.add_representer(DupMap, _represent_dupmap)
_Dumper.add_representer(Raw, _represent_raw)


def dump(tree: Any, style: dict | None = None) -> str:
    """The tree as YAML text (SafeDumper with unicode), Raw values spliced in afterwards."""
    raws: list[Raw] = []

    class Dumper(_Dumper):
        pass

    Dumper.raws = raws
    opts = {"allow_unicode": True, "sort_keys": False, "default_flow_style": False, "width": 100}
    opts.update(style or {})
    text = yaml.dump(tree, Dumper=Dumper, **opts)
    # later tokens first, so that FUZZRAW1Z never eats part of FUZZRAW12Z
    for k in range(len(raws) - 1, -1, -1):
        text = text.replace(f"FUZZRAW{k}Z", raws[k].text)
    return text


def _to_dupmaps(node: Any) -> Any:
    if isinstance(node, dict):
        return DupMap({k: _to_dupmaps(v) for k, v in node.items()})
    if isinstance(node, list):
        return [_to_dupmaps(v) for v in node]
    return node


def _walk(tree: Any) -> list[tuple[tuple, Any, Any, Any]]:
    """(path, parent, key, value) of every node, each container visited once (trees may hold cycles)."""
    out: list[tuple[tuple, Any, Any, Any]] = []
    seen: set[int] = set()
    stack: list[tuple[tuple, Any, Any, Any]] = [((), None, None, tree)]
    while stack:
        path, parent, key, value = stack.pop()
        out.append((path, parent, key, value))
        if isinstance(value, (dict, list)) and len(path) < 40:
            if id(value) in seen:
                continue
            seen.add(id(value))
            items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
            for k, v in reversed(items):
                stack.append(((*path, k), value, k, v))
    return out


def _short(value: Any, n: int = 40) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= n else f"{text[: n - 12]}…({len(text)} chars)"


def _where(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "<root>"


# ---------------------------------------------------------------- edge values

TEX_SPECIALS = "\\ { } $ & # ^ _ ~ %"
CONTROL_CHARS = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u202e", "\u202d", "\u200b", "\u200c", "\u200d",
                                                 "\u2060", "\ufeff", "\u2028", "\u2029", "\ud800", "\ufffe"]
SCRIPTS = [
    "Σοφτμάξ και αργμάξ", "Софтмакс и аргмакс", "软最大值与最大参数", "ソフトマックス", "소프트맥스",
    "السوفت ماكس", "סופטמקס", "सॉफ्टमैक्स", "ซอฟต์แม็กซ์", "😀🎓🌸🌺", "👩‍👩‍👧‍👦", "e\u0301\u0301\u0301", "Ǳǲǳ ﬁ ß ẞ",
    "\u202eevil\u202c", "𝔰𝔬𝔣𝔱𝔪𝔞𝔵", "Ⅻ ½ ² ٣ ۳ ߃",
]
NUMBER_EDGES: list[Any] = [
    True, False, Raw("yes"), Raw("off"),  # YAML's booleans where a number belongs (pydantic's lax mode read them as 1, 0)
    1e308, -1e308, 1.7976931348623157e308, Raw("1" + "0" * 5000), Raw("-" + "9" * 5000), Raw("1" + "0" * 4300),
    1e-320, 5e-324, -5e-324, 0, 0.0, -0.0, -1, -2.5, -1e-9, 2**63, 2**64 + 1, -(2**63) - 1, 10**20, 99999, 100000,
    100001, Raw(".nan"), Raw(".NaN"), Raw(".inf"), Raw("-.inf"), Raw("+.Inf"), Raw("1e999"), Raw("-1e999"),
    Raw("1.0e+400"), Raw("0x7fffffffffffffffff"), Raw("0o777"), Raw("1_000_000"), Raw("190:20:30"), Raw("0b101"),
    Raw("'1.5'"), Raw('"nan"'), Raw('"1e308"'), Raw('"-0"'), 1e16 + 1, 123456789.123456789, 1e-7, 0.5, 1, 2,
    # around the validator's limits (lesson/script/limits.py), so that some cases pass and reach the math
    1e6, -1e6, 1e-6, -1e-6, 999999, 1000001, 9.99999e-7, 1.00001e6, 0.123456, 0.1234567, 30, -30, 29.99, 30.01, 1e4,
    -1e4, 100, 100.5, 5000, 5001, 2**32 - 1, 2**32, 12345.6, 1.5e-6,
]
PATHS = [
    "/etc/passwd", "../../etc/hostname", "../" * 40 + "etc/hostname", "a" * 300 + ".wav", "recordings/" + "b" * 256 + ".wav",
    "c" * 4096, "x\x00y.wav", "recordings/x\x00.wav", "", ".", "/", "~", "~/x.wav", "recordings/", "recordings/x.wav",
    "C:\\x.wav", CASE_NAME, "README.md", "/dev/null", "/proc/self/status", "/tmp", "iris", "IRIS", "iris.csv",
    "%s%n%x", "file:///etc/passwd", "http://example.com/x.wav", "x" * 255, "d/" * 300 + "x.wav", "\u202ewav.exe",
    "名前.wav", "emoji😀.wav",
]
FORMAT_SPECS = [
    ",>99999999.3f", ">99999999", ".5000f", ".5000e", ".1000000f", "n", "", ".2", ".3", ".0", ".0%", ".1%", "+.2f",
    "e", "g", "x", "c", "d", "b", ",", "_", "=^30", "*<20.4f", "%", "z.2f", "#.3g", ".-1f", "{x}", "2147483648",
    "99999999999999999999", "999999999.1f", ".999999999f", "-^,.2f", "\x00", " ", "+", "=+07.3f",
    # the whitelisted forms and their edges: [sign][,][.precision][f|%], [sign][,]d
    "+,.8f", " .8%", ",.8f", ".8f", ".9f", ".8%", "+.0%", "-", "+,", ",d", "-,d", " d", ".0f", "+.1f", ",.0%", ".08f",
    ".008f", ".00f", "d", "+d", ",f", "%", " %",
]
SCHEMA_VALUES: dict[str, list[Any]] = {
    "decimals": [0, 6, 7, -1, 3, 1, 2.0, 2.5, "2", True, None],
    "epochs": [1, 2, 0, -5, 100000, 100001, 50, 10, 1.5, "300", 5000, 5001, 4999],
    "learning_rate": [100, 100.5, 1e-300, 5e-324, 0, -0.5, 0.001, 10, 50],
    "words_per_minute": [60, 300, 59, 301, 150.0, 200],
    "pause": [0, 10, 10.0001, -0.1, 0.0, 5e-324],
    "seeds": [[1, 2], [0, 0], [-1, 2], [1], [1, 2, 3, 4], [1, 2, 3, 4, 5], [2**64, 1], [10**30, 2], [-(2**63), 5],
              [1.5, 2], ["1", 2], [True, False], [Raw("1" + "0" * 5000), 1], [2**32 - 1, 2**32], [-1, -1]],
    "range": [[0, 0], [1, 0], [-1e308, 1e308], [0, 1e-320], [5e-324, 1e-323], [0, 1e308], [-1e308, -1e307], [0],
              [0, 1, 2], [0.1, 0.1000000000000001], [2, 3]],
    "quality": ["low", "medium", "course", "high", "4k", "8k", "LOW"],
    "voice": ["piper", "espeak", "none", "Piper", ""],
    "color": ["#FFFFFF", "#fff", "red", "#12345g", "#000000"],
    "background": ["#FFFFFF", "#000000", "#fff"],
    "id": ["a", "A", "-a", "a" * 64, "a" * 65, "x_y-z", "intro", "softmax", "net work", "ä"],
    "language": ["en-GB", "EN", "zz-ZZ", "en-gb", "de"],
    "kind": ["title", "network", "raw_outputs", "argmax", "argmax_gradient", "softmax", "softmax_properties",
             "softmax_formula", "softmax_derivatives", "summary", "cross_entropy", "argmx", "Softmax", ""],
    "activation": ["relu", "softplus", "sigmoid", "identity", "tanh", "ReLU"],
    "compare_training": [True, False, "yes", 1, None],
    "label_column": ["species", "petal_width_cm", "nonexistent", "", "sepal_length_cm"],
    "data": ["iris", "IRIS", "/etc/passwd", "../../etc/hostname", "a" * 300 + ".csv", "x\x00.csv", CASE_NAME,
             "README.md", "/proc/self/status", ""],
    "nodes": [[], ["a"], ["a", "b"], ["a", "b", "c"], ["top", "top"], ["1", "2"], ["2", "1"], ["99"], ["x" * 17],
              ["", "b"], ["a.b", "c"], ["{x}", "y"]],
    "points": [[], ["a"], ["x" * 60], ["x" * 61], ["a", "b", "c", "d", "e"], ["{n_classes}"], ["{softmax_sum:.2}"]],
    "poster": ["softmax", "intro", "nope", "", "Softmax"],
    "unit": ["", "cm", "x" * 12, "x" * 13, "µm²", "%", "$"],
    "font": ["", "Nimbus Sans", "x" * 61, "DejaVu Sans", "\x00"],
    "label": ["", "x" * 16, "x" * 17, "Setosa", "setosa", "versicolor", "nope"],
    "of_class": ["setosa", "versicolor", "virginica", "apple", "grape", "nope", ""],
    "scaled": [{}, {"petal_width": 0.5}, {"petal_width": 2, "sepal_width": -1}],
    "raw": [{}, {"petal_width": 1.0, "sepal_width": 3.0}, {"weight": 100, "sweetness": 10, "acidity": 4}],
}
YAML_SNIPPETS = [
    "&a ", "*a", "*undefined", "!!python/object/apply:os.system ['true'] ", "!!binary aGVsbG8= ", "!!set ", "!!omap ",
    "!!timestamp ", "2001-12-14 ", "<<: *a\n", "? ", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!x ",
    "0x1F", "0o17", "1_000", "+.inf", "~", "null", "yes", "no", "on", "off", "= ", "|\n", ">-\n", "@", "`", "|-9\n",
    "{a: 1, a: 2}", "[1, 2", '"\\x', '"\\u12', '"\\U0010FFFF"', "'''", ": :", "- - - ", "\\", "#", " #", "&a [*a]",
]


# ---------------------------------------------------------------- structural mutators


@dataclass(frozen=True)
class Special:
    """A file next to the script that is not plain bytes: a symbolic link (to ``target``), a FIFO or a folder."""

    kind: str  # "link", "fifo" or "dir"
    target: str = ""


@dataclass
class _State:
    tree: Any
    rng: random.Random
    seeds: list[Seed]
    seed: Seed
    number: int
    aux: dict[str, bytes | Special] = field(default_factory=dict)


def _pick(state: _State, want: Callable[[tuple, Any], bool] | None = None, *, rooted: bool = False):
    nodes = [n for n in _walk(state.tree) if (rooted or n[1] is not None) and (want is None or want(n[0], n[3]))]
    return state.rng.choice(nodes) if nodes else None


def _set(state: _State, parent: Any, key: Any, value: Any) -> None:
    if parent is None:
        state.tree = value
    else:
        parent[key] = value


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_text_path(path: tuple) -> bool:
    return len(path) >= 3 and path[0] == "steps" and (path[2] in ("narration", "title") or path[2] == "points")


def _m_delete_key(s: _State) -> str | None:
    n = _pick(s, lambda p, v: isinstance(p[-1], str) if p else False)
    if n is None:
        return None
    path, parent, key, _ = n
    del parent[key]
    return f"delete key {_where(path)}"


def _m_duplicate_key(s: _State) -> str | None:
    n = _pick(s, lambda p, v: bool(p) and isinstance(p[-1], str))
    if n is None or not isinstance(n[1], DupMap):
        return None
    path, parent, key, value = n
    other = copy.deepcopy(value) if s.rng.random() < 0.6 else _mild_value(s.rng, value)
    parent.dups.append((key, other))
    return f"duplicate key {_where(path)}"


def _typo(rng: random.Random, word: str) -> str:
    if not word:
        return "x"
    i = rng.randrange(len(word))
    how = rng.randrange(7)
    if how == 0 and len(word) > 1:
        j = min(i + 1, len(word) - 1)
        w = list(word)
        w[i], w[j] = w[j], w[i]
        return "".join(w)
    if how == 1:
        return word[:i] + word[i + 1:]
    if how == 2:
        return word[:i] + word[i] + word[i:]
    if how == 3:
        return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz_") + word[i + 1:]
    if how == 4:
        return word.upper() if rng.random() < 0.5 else word.capitalize()
    if how == 5:
        return word + rng.choice([" ", "s", "_", "\u200b", ":"])
    return rng.choice(["", " ", "-"]) + word.replace("_", rng.choice(["-", " ", "", "__"]))


def _m_rename_key(s: _State) -> str | None:
    n = _pick(s, lambda p, v: bool(p) and isinstance(p[-1], str))
    if n is None:
        return None
    path, parent, key, _ = n
    new = _typo(s.rng, key)
    if new in parent:
        return None
    items = list(parent.items())
    parent.clear()
    for k, v in items:
        parent[new if k == key else k] = v
    return f"rename key {_where(path)} -> {new!r}"


def _mild_value(rng: random.Random, value: Any) -> Any:
    if _is_number(value):
        return value
    return copy.deepcopy(value)


def _other_type(rng: random.Random, value: Any) -> Any:
    kinds = ["number", "string", "list", "map", "null", "bool"]
    now = ("bool" if isinstance(value, bool) else "number" if _is_number(value) else "string" if isinstance(value, str)
           else "list" if isinstance(value, list) else "map" if isinstance(value, dict) else "null")
    kind = rng.choice([k for k in kinds if k != now])
    if kind == "number":
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        return rng.choice([0, 1, -1, 2.5, 1000, len(value) if isinstance(value, (str, list, dict)) else 3])
    if kind == "string":
        if isinstance(value, (dict, list)):
            return rng.choice(["", "text", json.dumps(value)[:200] if not _cyclic(value) else "x"])
        return rng.choice([str(value), "", "text", "null", "true", "1.0"])
    if kind == "list":
        return rng.choice([[], [copy.deepcopy(value)], [copy.deepcopy(value), copy.deepcopy(value)]])
    if kind == "map":
        return rng.choice([DupMap(), DupMap({"value": copy.deepcopy(value)}), DupMap({str(value)[:20]: 1})])
    if kind == "null":
        return None
    return rng.choice([True, False])


def _cyclic(value: Any) -> bool:
    try:
        json.dumps(value)
        return False
    except (ValueError, TypeError, RecursionError):
        return True


def _m_retype(s: _State) -> str | None:
    n = _pick(s)
    if n is None:
        return None
    path, parent, key, value = n
    new = _other_type(s.rng, value)
    _set(s, parent, key, new)
    return f"retype {_where(path)} -> {_short(new, 24)}"


def _m_swap_items(s: _State) -> str | None:
    n = _pick(s, lambda p, v: isinstance(v, list) and len(v) >= 2, rooted=True)
    if n is None:
        return None
    path, _, _, lst = n
    i, j = s.rng.sample(range(len(lst)), 2)
    lst[i], lst[j] = lst[j], lst[i]
    return f"swap {_where(path)}[{i}] and [{j}]"


def _m_delete_item(s: _State) -> str | None:
    n = _pick(s, lambda p, v: isinstance(v, list) and len(v) >= 1, rooted=True)
    if n is None:
        return None
    path, _, _, lst = n
    i = s.rng.randrange(len(lst))
    del lst[i]
    return f"delete item {_where(path)}[{i}]"


def _m_duplicate_item(s: _State) -> str | None:
    n = _pick(s, lambda p, v: isinstance(v, list) and len(v) >= 1, rooted=True)
    if n is None:
        return None
    path, _, _, lst = n
    i = s.rng.randrange(len(lst))
    lst.insert(s.rng.randrange(len(lst) + 1), copy.deepcopy(lst[i]))
    return f"duplicate item {_where(path)}[{i}]"


def _m_number_edge(s: _State) -> str | None:
    n = _pick(s, lambda p, v: _is_number(v)) if s.rng.random() < 0.85 else _pick(s)
    if n is None:
        return None
    path, parent, key, _ = n
    new = copy.deepcopy(s.rng.choice(NUMBER_EDGES))
    _set(s, parent, key, new)
    return f"number {_where(path)} = {_short(new, 24)}"


def _m_number_mild(s: _State) -> str | None:
    n = _pick(s, lambda p, v: _is_number(v))
    if n is None:
        return None
    path, parent, key, value = n
    rng = s.rng
    if isinstance(value, int):
        new: Any = value + rng.choice([-2, -1, 1, 2, 3])
    else:
        how = rng.randrange(4)
        new = (value * rng.uniform(-3, 3) if how == 0 else value + rng.uniform(-1, 1) if how == 1
               else round(value, rng.randrange(3)) if how == 2 else rng.uniform(-5, 5))
    _set(s, parent, key, new)
    return f"nudge {_where(path)} = {_short(new, 24)}"


def _edge_string(rng: random.Random) -> tuple[str, str]:
    kind = rng.randrange(8)
    if kind == 0:
        n = rng.choice([16, 17, 24, 25, 60, 61, 120, 121, 200, 201, 1999, 2000, 2001, 10_000, 100_000, 300_000])
        unit = rng.choice(["x", "ab ", "9", "é", "{{", "word " * 3, "漢", "😀", "e\u0301"])
        return f"long({n})", (unit * (n // len(unit) + 1))[:n]
    if kind == 1:
        return "tex", rng.choice([TEX_SPECIALS, TEX_SPECIALS.replace(" ", ""), "\\", "$x^2$", "\\input{/etc/passwd}",
                                  "%", "~", "#1", "\\\\", "_^", "\\end{document}"])
    if kind == 2:
        c = rng.choice(CONTROL_CHARS)
        return f"control U+{ord(c):04X}", rng.choice(["", "a", "step "]) + c + rng.choice(["", "b"])
    if kind == 3:
        return "script", rng.choice(SCRIPTS)
    if kind == 4:
        return "digits", rng.choice(["9" * 5000, "1" * 4301, "-" + "1" * 400, "1,000,000,000,000,000,000",
                                     "1" * 30 + "%", "e^{" + "9" * 500 + "}", "0." + "0" * 1000 + "1", "9" * 15,
                                     "9" * 16, "-" + "9" * 15, "1,234,567,890,123,456", "999,999,999,999,999.99",
                                     "1.7976931348623157e308", "e^{1e308}", "0." + "0" * 14 + "1", "12%34", "−0.5",
                                     "1e999", "2^1000", "½", "٣٤٥", "１２３", "۳"])
    if kind == 5:
        return "blank", rng.choice(["", " ", "\t", "\n", "   \n  "])
    if kind == 6:
        return "yaml-ish", rng.choice(["null", "~", "true", "1e3", ".nan", "- a", "a: b", "&a", "*a", "!!str", "%"])
    return "path", rng.choice(PATHS)


def _m_string_edge(s: _State) -> str | None:
    n = _pick(s, lambda p, v: isinstance(v, str)) if s.rng.random() < 0.8 else _pick(s)
    if n is None:
        return None
    path, parent, key, value = n
    what, text = _edge_string(s.rng)
    if isinstance(value, str) and value and s.rng.random() < 0.5:
        i = s.rng.randrange(len(value) + 1)
        text = value[:i] + text + value[i:]
        what = f"insert {what}"
    _set(s, parent, key, text)
    return f"string {_where(path)} <- {what}"


def _m_string_key(s: _State) -> str | None:
    """An edge string as a mapping key."""
    n = _pick(s, lambda p, v: isinstance(v, dict), rooted=True)
    if n is None:
        return None
    what, text = _edge_string(s.rng)
    n[3][text] = s.rng.choice([1, "x", None, [], DupMap()])
    return f"add key {what} to {_where(n[0])}"


def _placeholder_names(s: _State) -> list[str]:
    found = re.findall(r"\{([A-Za-z_][\w.]*)", s.seed.text)
    classes, inputs = [], []
    try:
        classes = [c["name"] for c in s.tree["network"]["classes"] if isinstance(c, dict) and isinstance(c.get("name"), str)]
        inputs = [i["name"] for i in s.tree["network"]["inputs"] if isinstance(i, dict) and isinstance(i.get("name"), str)]
    except (KeyError, TypeError, IndexError):
        pass
    out = sorted(set(found)) + ["n_classes", "prediction", "exp_sum", "softmax_sum", "observed", "p_observed",
                                "cross_entropy", "hidden.1.1", "hidden.1.2", "trained.1.seed", "trained.2.accuracy",
                                "trained.1.prediction"]
    for c in classes[:3]:
        out += [f"argmax.{c}", f"softmax.{c}", f"raw.{c}", f"exp.{c}", f"label.{c}", f"threshold.{c}",
                f"jacobian.{c}.{c}", f"trained.1.softmax.{c}"]
    for i in inputs[:2]:
        out += [f"input.{i}", f"raw_input.{i}"]
    return out


def _odd_placeholder(s: _State) -> str:
    rng = s.rng
    name = rng.choice(_placeholder_names(s))
    kind = rng.randrange(4)
    if kind == 0:  # a known name with an odd format spec
        return "{%s:%s}" % (name, rng.choice(FORMAT_SPECS))
    if kind == 1:  # a known name, maybe a conversion or indexing
        return rng.choice(["{%s}", "{%s!r}", "{%s!s}", "{%s!a}", "{%s[0]}", "{%s.y}", "{%s:{%s}}", "{%s:.2}"]).replace(
            "%s", name)
    if kind == 2:  # odd names
        return rng.choice(["{{", "}}", "{", "}", "{0}", "{}", "{1:.2f}", "{unknown_name}", "{hidden.1.99}",
                           "{hidden.9.1}", "{hidden.0.1}", "{hidden.1.0}", "{hidden.2.1}", "{hidden.1.-1}",
                           "{trained.9.accuracy}", "{trained.0.seed}", "{softmax.}", "{.}", "{ softmax.setosa }",
                           "{jacobian.setosa}", "{{softmax.setosa}}", "{{{softmax.setosa}}}", "{x:" + "9" * 50 + "}",
                           "{softmax.setosa:,>99999999.3f}", "{x:.5000f}", "{x:n}", "{x!r}", "{x[0]}", "{x.y}",
                           "{n_classes:.2}", "{n_classes:.3f}", "{argmax.setosa:.1}", "{trained.1.seed:.2}",
                           "{n_classes:c}", "{prediction:.2f}", "{prediction:>20}", "{label.setosa:d}"])
    return "{%s}" % name  # a plain, valid placeholder


def _m_placeholder(s: _State) -> str | None:
    n = _pick(s, lambda p, v: isinstance(v, str) and _is_text_path(p))
    if n is None:
        n = _pick(s, lambda p, v: isinstance(v, str))
    if n is None:
        return None
    path, parent, key, value = n
    ph = _odd_placeholder(s)
    if s.rng.random() < 0.3:
        new = ph
    else:
        cut = s.rng.randrange(len(value) + 1)
        new = value[:cut] + " " + ph + " " + value[cut:]
    _set(s, parent, key, new)
    return f"placeholder {_where(path)} += {_short(ph, 48)}"


def _m_path_value(s: _State) -> str | None:
    rng = s.rng
    target = rng.random()
    if target < 0.5:  # a step's recording
        steps = [st for st in (s.tree.get("steps") if isinstance(s.tree, dict) else None) or [] if isinstance(st, dict)]
        if not steps:
            return None
        step = rng.choice(steps)
        step["audio"] = rng.choice(PATHS)
        return f"audio <- {_short(step['audio'], 30)}"
    if target < 0.8 and isinstance(s.tree, dict) and isinstance(s.tree.get("training"), dict):
        s.tree["training"]["data"] = rng.choice(PATHS)
        return f"training.data <- {_short(s.tree['training']['data'], 30)}"
    n = _pick(s, lambda p, v: isinstance(v, str))
    if n is None:
        return None
    path, parent, key, _ = n
    _set(s, parent, key, rng.choice(PATHS))
    return f"path {_where(path)} <- {_short(parent[key], 30)}"


def _m_schema_value(s: _State) -> str | None:
    """A value at or around the limits of a known key (epochs, decimals, seeds, range, kind...)."""
    n = _pick(s, lambda p, v: bool(p) and p[-1] in SCHEMA_VALUES)
    if n is None:
        return None
    path, parent, key, _ = n
    new = copy.deepcopy(s.rng.choice(SCHEMA_VALUES[key]))
    _set(s, parent, key, _to_dupmaps(new))
    return f"set {_where(path)} = {_short(new, 30)}"


def _m_training_seeds(s: _State) -> str | None:
    if not (isinstance(s.tree, dict) and isinstance(s.tree.get("training"), dict)):
        return None
    seeds = s.tree["training"].get("seeds")
    values = [-1, -2, -(2**31), -(2**63), 2**63, 2**64, 2**128, 10**30, Raw("1" + "0" * 5000), Raw("-1" + "0" * 5000), 0,
              1, 7, 2**32 - 1, 2**32]
    if isinstance(seeds, list) and seeds and s.rng.random() < 0.7:
        i = s.rng.randrange(len(seeds))
        seeds[i] = copy.deepcopy(s.rng.choice(values))
        return f"training.seeds[{i}] = {_short(seeds[i], 24)}"
    s.tree["training"]["seeds"] = [copy.deepcopy(s.rng.choice(values)) for _ in range(s.rng.randint(2, 4))]
    return f"training.seeds = {_short(s.tree['training']['seeds'], 30)}"


def _m_deep_nesting(s: _State) -> str | None:
    n = _pick(s)
    if n is None:
        return None
    path, parent, key, _ = n
    depth = s.rng.choice([30, 60, 200, 990, 1000, 3000, 20000, 60000])
    how = s.rng.randrange(3)
    if how == 0:
        new: Any = Raw("[" * depth + "]" * depth)
    elif how == 1:
        new = Raw("{a: " * depth + "1" + "}" * depth)
    else:  # a real nested list, written in block style
        depth = min(depth, 120)
        new = 1.0
        for _ in range(depth):
            new = [new]
    _set(s, parent, key, new)
    return f"nest {_where(path)} {depth} deep ({['flow lists', 'flow maps', 'block lists'][how]})"


def _m_alias_cycle(s: _State) -> str | None:
    n = _pick(s, lambda p, v: isinstance(v, (dict, list)), rooted=True)
    if n is None:
        return None
    path, _, _, container = n
    ancestors = [v for p, _, _, v in _walk(s.tree) if isinstance(v, (dict, list)) and p == path[: len(p)]]
    target = s.rng.choice(ancestors) if ancestors else container
    if isinstance(container, dict):
        keys = list(container)
        key = s.rng.choice(keys) if keys and s.rng.random() < 0.7 else "self"
        container[key] = target
        return f"alias cycle {_where((*path, key))} -> ancestor"
    if container and s.rng.random() < 0.6:
        i = s.rng.randrange(len(container))
        container[i] = target
    else:
        container.append(target)
    return f"alias cycle in {_where(path)} -> ancestor"


def _m_alias_bomb(s: _State) -> str | None:
    n = _pick(s)
    if n is None:
        return None
    path, parent, key, _ = n
    width, depth = s.rng.choice([(9, 9), (10, 6), (4, 8), (2, 17), (9, 5), (3, 10)])
    node: Any = s.rng.choice(["lol", 1.5, DupMap({"a": 1})])
    for _ in range(depth):
        node = [node] * width if s.rng.random() < 0.7 else DupMap({f"k{i}": node for i in range(width)})
    _set(s, parent, key, node)
    return f"alias bomb {width}^{depth} at {_where(path)}"


def _m_alias_share(s: _State) -> str | None:
    """Two places holding the same object: written as an anchor and an alias."""
    a = _pick(s, lambda p, v: isinstance(v, (dict, list)))
    b = _pick(s)
    if a is None or b is None or b[0][: len(a[0])] == a[0]:
        return None
    _set(s, b[1], b[2], a[3])
    return f"alias {_where(b[0])} = *{_where(a[0])}"


def _m_graft(s: _State) -> str | None:
    donor = s.rng.choice(s.seeds)
    if donor.tree is None:
        return None
    nodes = [n for n in _walk(donor.tree) if n[1] is not None]
    if not nodes:
        return None
    path, _, key, value = s.rng.choice(nodes)
    value = _to_dupmaps(copy.deepcopy(value))
    node = s.tree
    for part in path[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and node:
            node = node[part % len(node)]
        else:
            node = None
            break
    if isinstance(node, dict) and isinstance(key, str):
        node[key] = value
    elif isinstance(node, list) and isinstance(key, int):
        if key < len(node):
            node[key] = value
        else:
            node.append(value)
    else:
        return None
    return f"graft {_where(path)} from {Path(donor.name).name}"


def _m_add_key(s: _State) -> str | None:
    vocab: dict[str, list[Any]] = {}
    for seed in s.seeds:
        for p, _, k, v in _walk(seed.tree):
            if isinstance(k, str):
                vocab.setdefault(k, []).append(v)
    vocab.setdefault("audio", []).extend(["recordings/step.wav", "README.md", CASE_NAME])
    vocab.setdefault("poster", []).extend(["softmax", "intro"])
    vocab.setdefault("nodes", []).extend([["a", "b"], ["a"], ["a", "b", "c"]])
    vocab.setdefault("points", []).append(["a point"])
    vocab.setdefault("author", []).append("A. Author")
    vocab.setdefault("font", []).append("DejaVu Sans")
    vocab.setdefault("raw", []).append({"petal_width": 1.0, "sepal_width": 3.0})
    n = _pick(s, lambda p, v: isinstance(v, dict), rooted=True)
    if n is None:
        return None
    key = s.rng.choice(sorted(vocab))
    n[3][key] = _to_dupmaps(copy.deepcopy(s.rng.choice(vocab[key])))
    return f"add {_where((*n[0], key))}"


def _csv_variant(s: _State, inputs: list[str], classes: list[str], ranges: list[tuple[float, float]]) -> tuple[str, bytes]:
    rng = s.rng
    header = [*inputs, "species"]
    rows = []
    many = rng.random() < 0.06  # as many rows as allowed: training time grows with them
    for r in range(rng.choice([2000, 10_000, 10_001]) if many else rng.choice([0, 1, 3, 12, 40])):
        cls = classes[r % len(classes)] if classes else "a"
        rows.append([f"{rng.uniform(lo, hi):.3f}" for lo, hi in ranges] + [cls])
    kind = "many rows" if many else rng.choice(["valid", "valid", "empty", "header only", "short row", "long row", "non-UTF-8", "BOM",
                       "nan", "inf", "blank value", "unknown label", "one class", "huge values", "NUL",
                       "huge field", "duplicate header", "CRLF", "CR only", "quoted newline", "no label column",
                       "text value", "number syntax", "number syntax", "duplicate label header", "capitalised labels"])
    if kind == "header only":
        rows = []
    if kind == "short row" and rows:
        rows[rng.randrange(len(rows))] = rows[0][:1]
    if kind == "long row" and rows:
        rows[0] = rows[0] + ["extra", "9"]
    if kind in ("nan", "inf", "blank value", "huge values", "text value") and rows:
        value = {"nan": "nan", "inf": rng.choice(["inf", "-inf", "1e999"]), "blank value": "",
                 "huge values": rng.choice(["1e308", "-1e308", "1" + "0" * 400]), "text value": "abc"}[kind]
        rows[rng.randrange(len(rows))][0] = value
    if kind == "number syntax" and rows:  # what Python's float() reads but a person does not write as a number
        rows[rng.randrange(len(rows))][0] = rng.choice(["1_0", "0x10", "１２", "٣", "infinity", "NaN", "+.5", " 1.5 ", "1e5",
                                                        "1e-7", "-0", "1.", ".5", "1e", "--1", "1,5", "½", "0b1", "1j"])
    if kind == "duplicate label header":
        header = [*inputs, "species", "species"]
        rows = [[*r, r[-1]] for r in rows]
    if kind == "capitalised labels":
        for row in rows:
            row[-1] = row[-1].capitalize()
    if kind == "unknown label" and rows:
        rows[-1][-1] = rng.choice(["nope", "", "SETOSA", "\u200bsetosa"])
    if kind == "one class":
        for row in rows:
            row[-1] = classes[0] if classes else "a"
    if kind == "duplicate header":
        header = [*inputs, inputs[0] if inputs else "x", "species"]
        rows = [[*r[:-1], "1.0", r[-1]] for r in rows]
    if kind == "no label column":
        header = header[:-1]
        rows = [r[:-1] for r in rows]
    if kind == "quoted newline" and rows:
        rows[0][-1] = f"{rows[0][-1]}\nsecond line"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if kind == "CRLF" else "\r" if kind == "CR only" else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    if kind == "empty":
        data = b""
    if kind == "non-UTF-8":
        data = data[: len(data) // 2] + rng.choice([b"\xff", b"\xe9", b"\x80\x80", b"\xc3"]) + data[len(data) // 2:]
    if kind == "BOM":
        data = b"\xef\xbb\xbf" + data
    if kind == "NUL":
        data = data.replace(b",", b",\x00", 1)
    if kind == "huge field":
        data = data + b"1" * 140_000 + b",1,x\n"
    return kind, data


def _csv_columns(s: _State) -> tuple[list[str], list[tuple[float, ...]], list[str]] | None:
    """The network's input names, their ranges and the class names, for a CSV of its data; None if the tree is mangled."""
    try:
        inputs = [i["name"] for i in s.tree["network"]["inputs"]]
        ranges = [tuple(float(x) for x in i["range"]) for i in s.tree["network"]["inputs"]]
        classes = [c["name"] for c in s.tree["network"]["classes"]]
        assert all(isinstance(x, str) for x in [*inputs, *classes]) and all(len(r) == 2 for r in ranges)
    except Exception:  # noqa: BLE001 -- the tree may already be mangled
        return None
    return inputs, ranges, classes


def _m_aux_csv(s: _State) -> str | None:
    """training.data names a CSV file written next to the script (valid, or broken in one of many ways)."""
    if not isinstance(s.tree, dict) or (columns := _csv_columns(s)) is None:
        return None
    inputs, ranges, classes = columns
    training = s.tree.get("training")
    if not isinstance(training, dict):
        training = s.tree["training"] = DupMap({"epochs": s.rng.choice([5, 30]), "seeds": [1, 2]})
        if s.rng.random() < 0.5:
            for st in s.tree.get("steps") or []:
                if isinstance(st, dict) and st.get("kind") == "softmax_properties":
                    st["compare_training"] = True
    training["columns"] = DupMap({name: name for name in inputs})
    training["label_column"] = "species"
    kind, data = _csv_variant(s, inputs, classes, ranges)
    if kind == "many rows" and s.rng.random() < 0.7:
        training["epochs"] = s.rng.choice([1000, 5000])
        training["seeds"] = [1, 2, 3, 4][: s.rng.choice([2, 4])]
    name = s.rng.choice(["", "data/", "sub dir/"]) + f"fuzz_aux_{s.number}.csv"
    s.aux[name] = data
    training["data"] = name
    return f"training.data = CSV ({kind})"


def _network_parts(s: _State) -> tuple[dict, list, list, list] | None:
    net = s.tree.get("network") if isinstance(s.tree, dict) else None
    if not isinstance(net, dict):
        return None
    inputs, layers, classes = net.get("inputs"), net.get("layers"), net.get("classes")
    if not (isinstance(inputs, list) and isinstance(layers, list) and isinstance(classes, list) and layers):
        return None
    if not all(isinstance(x, dict) for x in [*layers, *classes]):
        return None
    return net, inputs, layers, classes


def _weights(rng: random.Random, rows: int, cols: int) -> list[list[float]]:
    return [[round(rng.uniform(-3, 3), rng.choice([1, 2])) for _ in range(cols)] for _ in range(rows)]


def _m_reshape_network(s: _State) -> str | None:
    """A consistent new shape: 0 to 2 hidden layers of 1 to 8 nodes, with fresh weights (usually still valid)."""
    parts = _network_parts(s)
    if parts is None:
        return None
    net, inputs, layers, classes = parts
    rng = s.rng
    hidden = [rng.randint(1, 8) for _ in range(rng.choice([0, 1, 1, 2]))]
    sizes = [len(inputs), *hidden, len(classes)]
    new = []
    for k in range(1, len(sizes)):
        old = layers[k - 1] if k - 1 < len(layers) - 1 else layers[-1] if k == len(sizes) - 1 else {}
        layer = DupMap()
        layer["activation"] = old.get("activation", rng.choice(["relu", "softplus", "sigmoid", "identity"]))
        if k < len(sizes) - 1 and rng.random() < 0.3:
            layer["activation"] = rng.choice(["relu", "softplus", "sigmoid", "identity"])
        if k < len(sizes) - 1 and isinstance(old.get("nodes"), list):
            names = [n for n in old["nodes"] if isinstance(n, str)][: sizes[k]]
            layer["nodes"] = names + [f"n{i + 1}" for i in range(len(names), sizes[k])]
        layer["weights"] = _weights(rng, sizes[k], sizes[k - 1])
        layer["bias"] = [round(rng.uniform(-1, 1), 1) for _ in range(sizes[k])]
        new.append(layer)
    net["layers"] = new
    return f"reshape network to {sizes}"


def _m_add_class(s: _State) -> str | None:
    """One more class, with its row of output weights (valid unless there were 6 already)."""
    parts = _network_parts(s)
    if parts is None:
        return None
    net, inputs, layers, classes = parts
    last = layers[-1]
    if not (isinstance(last.get("weights"), list) and last["weights"] and isinstance(last["weights"][0], list)):
        return None
    rng = s.rng
    name = rng.choice(["extra", "other", "zz_last", "plum"]) + str(len(classes))
    classes.append(DupMap({"name": name, "label": rng.choice([name.title(), "Ω", "日本", "x" * 16]), "color": f"#{rng.randrange(2**24):06x}"}))
    last["weights"].append(_weights(rng, 1, len(last["weights"][0]))[0])
    if isinstance(last.get("bias"), list):
        last["bias"].append(round(rng.uniform(-1, 1), 1))
    return f"add class {name}"


def _m_computations(s: _State) -> str | None:
    """Sections of several examples, losses, gradients, sweeps, descents and define: (usually valid, sometimes not:
    a learning rate that diverges, a row past the data, a parameter that does not exist, an odd expression)."""
    parts = _network_parts(s)
    if parts is None or not isinstance(s.tree, dict):
        return None
    net, inputs, layers, classes = parts
    rng = s.rng
    valid = rng.random() < 0.7

    def pick(good: list, bad: list) -> Any:
        return rng.choice(good if valid or rng.random() < 0.6 else bad)

    names = [i.get("name") for i in inputs if isinstance(i, dict)]
    labels = [c.get("name") for c in classes]
    tree = s.tree
    layer = pick([len(layers)], [1, len(layers) + 1])
    node = pick([1, *labels], ["nope", 9])
    spec = DupMap({"layer": layer, "bias": node}) if rng.random() < 0.6 else DupMap({"layer": layer, "weight": [node, pick([1], ["x", 99])]})
    if rng.random() < 0.4:
        spec["value"] = pick([-2, 0.5, 1], [1e6, -30])
    tree["parameters"] = DupMap({"p": spec})
    examples = DupMap()
    for k in range(rng.randint(1, 4)):
        if rng.random() < 0.25:
            examples[f"e{k}"] = DupMap({"row": pick([1, 50, 150], [151, 10_000])})
        elif rng.random() < 0.1:
            examples[f"e{k}"] = DupMap({"where": {pick(["species"], ["petal_width_cm", "nope"]): pick(["setosa", "virginica"], [0.2, "x"])},
                                        "nth": pick([1, 2], [60])})
        else:
            examples[f"e{k}"] = DupMap({"scaled": {n: round(rng.uniform(0, 1), 2) for n in names}, "label": pick(labels, ["nope"])})
    tree["examples"] = examples
    if any("row" in e or "where" in e for e in examples.values()):
        if set(labels) != {"setosa", "versicolor", "virginica"} and valid:  # iris rows have iris labels
            for e in examples:
                examples[e] = DupMap({"scaled": {n: 0.5 for n in names}, "label": labels[0]})
        else:
            tree["data"] = DupMap({"file": pick(["iris"], ["missing.csv"]),
                                   "columns": {n: pick(["petal_width_cm", "sepal_width_cm"], ["nope"]) for n in names}})
    tree["losses"] = DupMap({"total": DupMap({"loss": rng.choice(["cross_entropy", "squared_residuals"])})})
    tree["gradients"] = DupMap({"g": DupMap({"of": pick(["total"], ["nope"]), "by": pick(["p"], ["q"])})})
    low = pick([-4, -1], [-50, 1e5])
    tree["sweeps"] = DupMap({"s": DupMap({"of": "total", "by": "p", "range": [low, low + pick([8, 2], [0.001, 1e5])]})})
    descent = DupMap({"of": "total", "by": "p", "learning_rate": pick([0.1, 1], [50, 100])})
    if rng.random() < 0.5:
        descent["steps"] = pick([1, 5], [1000])
    else:
        descent["until"] = pick([0.01, 0.5], [1e-6])
    tree["descents"] = DupMap({"d": descent})
    tree["define"] = DupMap({"v": pick(["g * 2", "sum(total.*) / 3", "log(total)", "p - d.1.step", "sum(example.e0.softmax.*)", "total ^ 0.5"],
                                       ["exp(1000 * total)", "1 / (g - g)", "(-1) ^ 0.5", "g +* 2", "sum(nothing.*)"])})
    newer = rng.random()
    if newer < 0.35:  # gradients, sweeps and descents of a define: value, descents of several parameters
        tree["define"]["w"] = pick(["total ^ 0.5 + p ^ 2", "log(1 + total) * 2", "softplus(total - p)", "total / total.count"],
                                   ["total + d.1.step", "1 / (p - p)", "exp(1000 * p)", "(-total) ^ 0.5"])
        tree["gradients"]["gw"] = DupMap({"of": "w", "by": pick(["p"], ["q"])})
        tree["sweeps"]["sw"] = DupMap({"of": "w", "by": "p", "range": [pick([-2], [-1e5]), pick([2], [1e5])]})
        tree["descents"]["dw"] = DupMap({"of": pick(["w", "total"], ["g"]), "by": pick([["p"], "p"], [["p", "p"], [], ["p", "q"], ["p"] * 5]),
                                         "learning_rate": pick([0.1, 0.5], [100]), "steps": pick([3, 20], [1000])})
    elif newer < 0.55:  # a regression: one identity output per class, numeric observed values, its losses
        net["output"] = pick(["identity"], ["sigmoid", 1])
        for e in examples.values():
            if "label" in e:
                del e["label"]
                e["observed"] = pick([0, 0.5, 1.5], ["x", None, {"nope": 1}])
        top = tree.get("example")
        if isinstance(top, dict) and "label" in top:
            del top["label"]
            top["observed"] = pick([1], ["one"])
        tree["losses"]["total"]["loss"] = pick(["squared_residuals", "mse"], ["cross_entropy"])
        tree["define"]["v"] = pick(["total * 2", "example.e0.residual.{0} ^ 2".format(labels[0] if labels else "x"), "sum(total.*)"], ["p_observed"])
        if isinstance(tree.get("steps"), list):
            tree["steps"].append(DupMap({"kind": "fitted_curve", "title": "Fit",
                                         "stages": [{"show": s} for s in pick([["curve", "points", "residuals"], ["parts", "sum"]],
                                                                              [["residuals"], ["points", "points"]])],
                                         "bias": pick(["p", 0.5], ["nope"]), "narration": "The curve. The points. The gaps."}))
    steps = tree.get("steps")
    if isinstance(steps, list) and steps:
        used = pick(["{total}", "{g}", "{d.1.value}", "{d.last.step}", "{s.argmin}", "{v}", "{example.e0.p_observed}", "{parameters.total}",
                     "{total.e0}", "{p}"], ["{d.10.loss}", "{total.e9}"])
        steps.append(DupMap({"kind": "text", "title": "Computed", "points": [used], "narration": f"It is {used}."}))
        if rng.random() < 0.5:
            steps.append(DupMap({"kind": "plot", "title": "Sweep", "sweep": {"name": "s"}, "descent": pick(["d"], ["e"]),
                                 "narration": "Down we go."}))
    return "add computations" + ("" if valid else " (some of them wrong)")


# define: values too large to write out, too small, overflowing or not numbers at all, and ordinary ones
EXPRESSIONS = [
    "10^60", "exp(709)", "softplus(1e308)", "1e300", "-1e300", "10^15", "10^14 + 0.5", "999999999999999", "2^1023",
    "1e-300", "-(10^40)", "exp(700) / exp(699)", "1 / 1e-300", "sigmoid(1e308)", "log(1e-300)", "exp(1000)",
    "10^16 / 10", "1e6 * 1e6 * 1e6", "(0.1 + 0.2) * 10^17", "relu(-1e308)", "identity(1e200) - 1e200", "0.5", "2 * 3",
    "1 / 3", "0.125", "log(0)", "(-8) ^ (1/3)", "0 ^ 0", "0 ^ -1", "2 ^ 0.5", "1e6 ^ 60",
]
LONG_TERMS = [12, 30, 70]  # terms of a long sum in an equation line (70 fit under its 160 characters only with one-letter names)


def _random_expr(rng: random.Random, names: list[str], depth: int = 0) -> str:
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(names) if names and rng.random() < 0.6 else rng.choice(
            ["0", "1", "2", "0.5", "1e6", "1e-6", "1e300", "10", "0.001", "3.14159"])
    op = rng.random()
    if op < 0.6:
        return f"({_random_expr(rng, names, depth + 1)} {rng.choice('+-*/^')} {_random_expr(rng, names, depth + 1)})"
    if op < 0.85:
        return f"{rng.choice(['exp', 'log', 'softplus', 'sigmoid', 'relu', 'identity'])}({_random_expr(rng, names, depth + 1)})"
    return f"-{_random_expr(rng, names, depth + 1)}"


def _network_names(s: _State) -> list[str]:
    """Placeholder names every script with a network and an example has (the classes' outputs)."""
    parts = _network_parts(s)
    if parts is None:
        return []
    classes = [c.get("name") for c in parts[3] if isinstance(c.get("name"), str)]
    return [f"{family}.{c}" for c in classes for family in ("raw", "softmax", "exp")] + ["exp_sum", "softmax_sum"]


def _m_expressions(s: _State) -> str | None:
    """define: entries from a table of extreme values and random expression trees, shown on screen and in the voice,
    and equation lines over them: a long sum, a huge operand (up to 13 entries, one past the limit)."""
    if not isinstance(s.tree, dict) or _network_parts(s) is None:
        return None
    rng = s.rng
    known = _network_names(s)
    define = DupMap()
    for k in range(rng.choice([1, 2, 3, 6, 12, 12, 13])):
        earlier = [*known, *define]
        define[f"d{k}"] = rng.choice(EXPRESSIONS) if rng.random() < 0.5 else _random_expr(rng, earlier)
        if rng.random() < 0.15 and known:
            define[f"d{k}"] = f"sum({rng.choice(['softmax', 'raw', 'exp'])}.*)"
    s.tree["define"] = define
    steps = s.tree.get("steps")
    if not isinstance(steps, list):
        return "define: extreme values"
    names = list(define)
    shown = [rng.choice(names) for _ in range(rng.randint(1, 3))]
    spec = rng.choice(["", "", ":.2f", ":.8f", ":,", ":.0%", ":+.3f"])
    steps.append(DupMap({"kind": "text", "title": "Values", "points": [f"{{{n}{spec}}}" for n in shown],
                         "narration": " and ".join(f"{{{n}{spec}}}" for n in shown) + "."}))
    if rng.random() < 0.6:
        name = rng.choice(names)
        lines = [DupMap({"expr": define[name], "result": name})]
        if rng.random() < 0.5:  # a long sum of one-letter names
            define["a"], define["b"] = "0.75", "0.5"
            lines.append(DupMap({"expr": " + ".join("ab"[k % 2] for k in range(rng.choice(LONG_TERMS)))}))
        steps.append(DupMap({"kind": "equation", "title": "Worked out", "lines": lines, "narration": f"This gives {{{name}}}."}))
    return f"define: {len(define)} entries, shown"


# ranges of typed axes and sweeps: too narrow to label, huge, reversed, empty, at the number limits
RANGES = [[1, 1.000001], [0, 1e-6], [-1e6, 1e6], [999999, 1000000], [0.5, 0.5], [3, 1], [1e-6, 2e-6], [-1e-6, 1e-6],
          [100000, 100000.5], [0, 1e6], [-4, 4], [0.001, 0.002], [12345.6, 12345.7]]


def _m_ranges(s: _State) -> str | None:
    """A range (a sweep's, a plot's x or y, a number line's, bars' scale) set to one of :data:`RANGES`."""
    n = _pick(s, lambda p, v: bool(p) and p[-1] in ("range", "x", "y", "scale") and isinstance(v, list) and len(v) == 2
              and all(_is_number(x) for x in v))
    if n is None:
        return None
    path, parent, key, _ = n
    new = list(s.rng.choice(RANGES))
    _set(s, parent, key, new)
    return f"range {_where(path)} = {new}"


# files a script may name, as other things than a readable CSV
SPECIAL_FILES = [("self link", Special("link", "{name}")), ("link chain", None), ("dangling link", Special("link", "nowhere.csv")),
                 ("link outside", Special("link", "/etc/passwd")), ("link to folder", Special("link", ".")),
                 ("FIFO", Special("fifo")), ("folder", Special("dir"))]


def _m_special_file(s: _State) -> str | None:
    """data.file or training.data names a symbolic link (to itself, in a chain of 45, dangling, outside the folder, to a
    folder), a FIFO or a folder; a data: section is added when there is none."""
    if not isinstance(s.tree, dict) or _network_parts(s) is None:
        return None
    rng = s.rng
    what, special = rng.choice(SPECIAL_FILES)
    name = f"fuzz_special_{s.number}.csv"
    if special is None:  # a chain of links, longer than the kernel follows (40)
        for k in range(45):
            s.aux[f"{name}.{k}" if k else name] = Special("link", f"{name}.{k + 1}")
    else:
        s.aux[name] = Special(special.kind, special.target.replace("{name}", name))
    section = s.tree.get("training") if rng.random() < 0.4 else None
    if isinstance(section, dict):
        section["data"] = name
        return f"training.data = {what}"
    inputs = [i.get("name") for i in _network_parts(s)[1] if isinstance(i, dict)]
    s.tree["data"] = DupMap({"file": name, "columns": {n: n for n in inputs if isinstance(n, str)}})
    return f"data.file = {what}"


def _m_data_csv(s: _State) -> str | None:
    """A data: section over a CSV of the author's (valid, or broken: headers, number syntax, labels), with or without
    examples that pick its rows."""
    if _network_parts(s) is None or not isinstance(s.tree, dict) or (columns := _csv_columns(s)) is None:
        return None
    names, ranges, labels = columns
    kind, data = _csv_variant(s, names, labels, ranges)
    name = f"fuzz_aux_{s.number}.csv"
    s.aux[name] = data
    s.tree["data"] = DupMap({"file": name, "columns": {n: n for n in names}, "label_column": "species"})
    if s.rng.random() < 0.6:
        pick = s.rng.choice([DupMap({"row": s.rng.choice([1, 2, 3, 40])}), DupMap({"where": {"species": labels[0]}}),
                             DupMap({"where": {"species": labels[0].capitalize()}, "nth": 2})])
        examples = s.tree.get("examples") if isinstance(s.tree.get("examples"), dict) else DupMap()
        examples["picked"] = pick
        s.tree["examples"] = examples
    return f"data.file = CSV ({kind})"


def _m_at_the_limits(s: _State) -> str | None:
    """Every computation at its limit at once: 12 sweeps, 12 descents of up to 1000 steps, 12 define: entries, 20
    examples, long training; the whole-script budget must refuse it cleanly or it must finish in time."""
    parts = _network_parts(s)
    if parts is None or not isinstance(s.tree, dict):
        return None
    rng = s.rng
    net, inputs, layers, classes = parts
    names = [i.get("name") for i in inputs if isinstance(i, dict)]
    labels = [c.get("name") for c in classes]
    tree = s.tree
    tree["parameters"] = DupMap({f"p{k}": DupMap({"layer": len(layers), "bias": 1}) for k in range(12)})
    tree["examples"] = DupMap({f"e{k}": DupMap({"scaled": {n: round(rng.uniform(0, 1), 2) for n in names}, "label": labels[k % len(labels)]})
                               for k in range(20)})
    tree["losses"] = DupMap({f"l{k}": DupMap({"loss": "cross_entropy"}) for k in range(12)})
    count = rng.choice([4, 12, 12])
    tree["sweeps"] = DupMap({f"s{k}": DupMap({"of": f"l{k}", "by": f"p{k}", "range": [-4, 4]}) for k in range(count)})
    how = rng.choice(["steps", "until", "both"])
    tree["descents"] = DupMap({f"d{k}": DupMap({"of": f"l{k}", "by": f"p{k}", "learning_rate": rng.choice([1e-6, 0.5, 100]),
                                                **({"steps": 1000} if how != "until" else {}),
                                                **({"until": 1e-6} if how != "steps" else {})}) for k in range(count)})
    tree["define"] = DupMap({f"x{k}": f"sum(l{k}.*) + sum(example.e0.softmax.*) * {k}" for k in range(12)})
    if isinstance(tree.get("training"), dict) and rng.random() < 0.5:
        tree["training"]["epochs"] = rng.choice([2000, 5000])
        tree["training"]["seeds"] = [1, 2, 3, 4][: rng.choice([2, 4])]
    return f"everything at its limit ({count} sweeps and descents by {how})"


STRUCTURAL: list[tuple[Callable[[_State], str | None], float]] = [
    (_m_delete_key, 6), (_m_duplicate_key, 3), (_m_rename_key, 5), (_m_retype, 6), (_m_swap_items, 4),
    (_m_delete_item, 4), (_m_duplicate_item, 4), (_m_number_edge, 10), (_m_number_mild, 10), (_m_string_edge, 8),
    (_m_string_key, 1), (_m_placeholder, 12), (_m_path_value, 4), (_m_schema_value, 8), (_m_training_seeds, 3),
    (_m_deep_nesting, 1.5), (_m_alias_cycle, 1.5), (_m_alias_bomb, 1), (_m_alias_share, 2), (_m_graft, 5),
    (_m_add_key, 4), (_m_aux_csv, 3), (_m_reshape_network, 3), (_m_add_class, 2), (_m_computations, 3),
    (_m_expressions, 4), (_m_ranges, 3), (_m_special_file, 2), (_m_data_csv, 3), (_m_at_the_limits, 1),
]
# mutations that usually keep a script valid, so that a share of cases reaches numbers and the plan
MILD: list[tuple[Callable[[_State], str | None], float]] = [
    (_m_number_mild, 6), (_m_placeholder, 4), (_m_schema_value, 4), (_m_swap_items, 2), (_m_aux_csv, 1),
    (_m_training_seeds, 1), (_m_graft, 1), (_m_reshape_network, 3), (_m_add_class, 1.5), (_m_computations, 2),
    (_m_expressions, 2), (_m_ranges, 1), (_m_data_csv, 1), (_m_at_the_limits, 0.5),
]


# ---------------------------------------------------------------- byte-level mutators


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _b_flip(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    if not d:
        return d, "flip (empty)"
    i = rng.randrange(len(d))
    bit = 1 << rng.randrange(8)
    return d[:i] + bytes([d[i] ^ bit]) + d[i + 1:], f"flip bit {bit:#x} at byte {i}"


def _b_insert(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    i = rng.randrange(len(d) + 1)
    b = rng.choice([b"\x00", b"\t", b"\n", b"\r", b"\x1b", b"\x7f", b"\x80", b"\xc3", b"\xff", b"\xef\xbb\xbf",
                    b"{", b"}", b"[", b"]", b":", b"-", b"#", b"&", b"*", b"!", b"|", b">", b"%", b"@", b"`", b'"',
                    b"'", b" ", b",", b"?", bytes([rng.randrange(256)])])
    return d[:i] + b + d[i:], f"insert {b!r} at byte {i}"


def _b_delete(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    if not d:
        return d, "delete (empty)"
    i = rng.randrange(len(d))
    n = rng.choice([1, 1, 2, 4, 16])
    return d[:i] + d[i + n:], f"delete {n} byte(s) at {i}"


def _b_delete_line(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    lines = _lines(d)
    i = rng.randrange(len(lines))
    del lines[i]
    return b"".join(lines), f"delete line {i + 1}"


def _b_duplicate_line(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    lines = _lines(d)
    i = rng.randrange(len(lines))
    line = lines[i] if lines[i].endswith(b"\n") else lines[i] + b"\n"
    lines.insert(rng.choice([i, rng.randrange(len(lines) + 1)]), line)
    return b"".join(lines), f"duplicate line {i + 1}"


def _b_swap_lines(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    lines = _lines(d)
    if len(lines) < 2:
        return d, "swap (short)"
    i = rng.randrange(len(lines) - 1)
    j = i + 1 if rng.random() < 0.6 else rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines), f"swap lines {i + 1} and {j + 1}"


def _b_cut(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    i = rng.randrange(len(d) + 1)
    return d[:i], f"cut at byte {i}"


def _b_unclosed(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    token = rng.choice([b"[", b"{", b'"', b"'", b"[[", b'"\\', b"{a: [", b"'{"])
    spots = [m.end() for m in re.finditer(rb": ", d)]
    i = rng.choice(spots) if spots and rng.random() < 0.7 else rng.randrange(len(d) + 1)
    return d[:i] + token + d[i:], f"unclosed {token!r} at byte {i}"


def _b_tab(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    lines = _lines(d)
    i = rng.randrange(len(lines))
    if rng.random() < 0.6:
        lines[i] = b"\t" + lines[i]
    else:
        lines[i] = lines[i].replace(b"  ", b"\t", 1)
    return b"".join(lines), f"tab in line {i + 1}"


def _b_indent(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    lines = _lines(d)
    indented = [k for k, line in enumerate(lines) if line.startswith(b" ")] or list(range(len(lines)))
    i = rng.choice(indented)
    n = rng.choice([1, 2, 3])
    if rng.random() < 0.5 and lines[i].startswith(b" " * n):
        lines[i] = lines[i][n:]
        return b"".join(lines), f"dedent line {i + 1} by {n}"
    lines[i] = b" " * n + lines[i]
    return b"".join(lines), f"indent line {i + 1} by {n}"


def _b_yaml(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    token = rng.choice(YAML_SNIPPETS).encode()
    spots = [m.end() for m in re.finditer(rb": |- |^", d, re.M)]
    i = rng.choice(spots) if spots and rng.random() < 0.8 else rng.randrange(len(d) + 1)
    return d[:i] + token + d[i:], f"insert {token!r} at byte {i}"


def _b_number(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    spots = list(re.finditer(rb"(?<![\w.])-?\d+(\.\d+)?(?![\w.])", d))
    if not spots:
        return d, "number (none)"
    m = rng.choice(spots)
    new = rng.choice([b"1e308", b"1.0e+308", b"-1.0e+308", b"1e-320", b"5.0e-324", b"0", b"-0", b".nan", b".NaN",
                      b".inf", b"-.Inf", b"1" + b"0" * 5000, b"-" + b"9" * 4400, b"0x10", b"1_0", b"1e999", b"99999",
                      b"2e0", b"0.1e1"])
    return d[: m.start()] + new + d[m.end():], f"number at byte {m.start()} -> {_short(new.decode(), 20)}"


def _b_unicode(rng: random.Random, d: bytes) -> tuple[bytes, str]:
    c = rng.choice(CONTROL_CHARS[:-2] + ["\u00a0", "\u3000", "\u0300", "é", "😀"])
    i = rng.randrange(len(d) + 1)
    return d[:i] + c.encode("utf-8", "surrogatepass") + d[i:], f"insert U+{ord(c):04X} at byte {i}"


BYTES: list[tuple[Callable[[random.Random, bytes], tuple[bytes, str]], float]] = [
    (_b_flip, 3), (_b_insert, 3), (_b_delete, 3), (_b_delete_line, 3), (_b_duplicate_line, 3), (_b_swap_lines, 2),
    (_b_cut, 1.5), (_b_unclosed, 2), (_b_tab, 1.5), (_b_indent, 2), (_b_yaml, 3), (_b_number, 2), (_b_unicode, 2),
]


# ---------------------------------------------------------------- cases


@dataclass
class Case:
    fuzz_seed: int
    number: int
    seed_index: int
    seed_name: str
    data: bytes  # the script as written to disk
    aux: dict[str, bytes | Special]  # more files next to the script (a CSV for training.data), by relative name
    mutations: list[str]
    base: bytes  # the unmutated text the mutations started from (for diffs and minimising)


def _choose(rng: random.Random, table: list[tuple[Any, float]]) -> Any:
    return rng.choices([f for f, _ in table], weights=[w for _, w in table])[0]


def make_case(seeds: list[Seed], fuzz_seed: int, number: int) -> Case:
    """Case ``number`` of fuzz seed ``fuzz_seed``: the same bytes every time."""
    rng = random.Random(f"lesson-fuzz:{fuzz_seed}:{number}")
    index = number % len(seeds)
    seed = seeds[index]
    mode = rng.random()
    mild = mode < 0.22
    structural = seed.tree is not None and mode < 0.80
    use_bytes = not mild and (mode >= 0.55 or seed.tree is None)
    mutations: list[str] = []
    aux: dict[str, bytes | Special] = {}
    style = {"default_flow_style": rng.choice([False, False, None]), "width": rng.choice([80, 100, 4096])}
    base = seed.text.encode("utf-8")
    data = base
    if structural:
        tree = _to_dupmaps(copy.deepcopy(seed.tree))
        state = _State(tree, rng, seeds, seed, number)
        count = 1 if mild and rng.random() < 0.7 else min(1 + int(rng.expovariate(0.9)), 6)
        tries = 0
        while len([m for m in mutations]) < count and tries < count * 4:
            tries += 1
            fn = _choose(rng, MILD if mild else STRUCTURAL)
            try:
                desc = fn(state)
            except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError):
                desc = None
            if desc:
                mutations.append(desc)
        try:
            text = dump(state.tree, style)
            base = dump(_to_dupmaps(seed.tree), style).encode("utf-8")
            data = text.encode("utf-8", "surrogatepass")
            aux = state.aux
        except (RecursionError, ValueError, yaml.YAMLError) as exc:
            mutations.append(f"(tree not written: {type(exc).__name__}; byte mutations only)")
            data, base, use_bytes = seed.text.encode("utf-8"), seed.text.encode("utf-8"), True
    if use_bytes:
        for _ in range(min(1 + int(rng.expovariate(1.0)), 5)):
            fn = _choose(rng, BYTES)
            data, desc = fn(rng, data)
            mutations.append(desc)
    return Case(fuzz_seed, number, index, seed.name, data, aux, mutations, base)


def diff_text(base: bytes, data: bytes, context: int = 0, limit: int = 40) -> str:
    """A short unified diff (long lines shortened) of a case against the text it started from."""
    a = base.decode("utf-8", "replace").splitlines()
    b = data.decode("utf-8", "replace").splitlines()
    out = []
    for line in list(difflib.unified_diff(a, b, "seed", "case", n=context, lineterm=""))[2:]:
        line = line.encode("unicode_escape").decode("ascii") if any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 or c in "\u202e\u200b\u2028\u2029\ufeff" for c in line) else line
        out.append(line if len(line) <= 160 else f"{line[:140]}…(+{len(line) - 140} chars)")
    if len(out) > limit:
        out = [*out[:limit], f"… ({len(out) - limit} more diff lines)"]
    return "\n".join(out)


def diff_size(base: bytes, data: bytes) -> int:
    sm = difflib.SequenceMatcher(None, base.splitlines(), data.splitlines(), autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")


# ---------------------------------------------------------------- running one case (in a worker)


@dataclass
class Outcome:
    outcome: str  # accepted, rejected, crash, hang
    stage: str = ""  # check, numbers, plan (where it ended)
    signature: str = ""  # for crashes and hangs
    detail: str = ""  # traceback, offending output line, or the hang's stack
    seconds: float = 0.0


_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


def _project_file(filename: str) -> str | None:
    try:
        rel = Path(filename).resolve().relative_to(ROOT)
    except (ValueError, OSError):
        return None
    if rel.parts and rel.parts[0] in (".venv", "tests", "bench"):  # the fuzzer itself and its harness
        return None
    return str(rel)


def _site_file(filename: str) -> str:
    parts = Path(filename).parts
    for marker in ("site-packages", "lib"):
        if marker in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(marker):])
    return Path(filename).name


def exception_signature(exc: BaseException) -> str:
    """Exception type and the innermost frame in the project's code (else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    inner = None
    for fs in frames:
        rel = _project_file(fs.filename)
        if rel is not None:
            inner = f"{rel}:{fs.lineno} in {fs.name}"
    if inner is None and frames:
        inner = f"{_site_file(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name}"
    return f"{type(exc).__name__} at {inner or '?'}"


def _normalise_line(line: str, path: str) -> str:
    """What an unlocated error line says, without names, numbers or paths: for grouping."""
    line = line.replace(path, "FILE").replace(str(Path(path).parent), "DIR")
    line = re.sub(r"(DIR/)?([\w ]+/)?fuzz_aux_\d+\.csv", "CSV", line)
    line = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", line)
    line = re.sub(r"/[^\s:]+", "/PATH", line)
    line = re.sub(r"\d+", "N", line)
    head = re.match(r"([^:]{1,60}?): ", line)  # what stands where FILE should: another file, or a message
    return head.group(1) if head else line[:60]


class _Capture:
    def __init__(self) -> None:
        self.out, self.err = io.StringIO(), io.StringIO()


def _invoke(args: list[str]) -> tuple[int, str, str, BaseException | None, list]:
    """Run the CLI in this process: (exit status, stdout, stderr, exception, warnings)."""
    from contextlib import redirect_stderr, redirect_stdout

    from lesson.cli import cli

    cap = _Capture()
    code: int | None = 0
    error: BaseException | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with redirect_stdout(cap.out), redirect_stderr(cap.err):
            try:
                cli.main(args, prog_name="lesson", standalone_mode=False)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) or exc.code is None else 1
                if not isinstance(exc.code, (int, type(None))):
                    cap.err.write(str(exc.code) + "\n")
            except BaseException as exc:  # noqa: BLE001 -- everything else is a crash
                error = exc
    return code or 0, cap.out.getvalue(), cap.err.getvalue(), error, list(caught)


def _unprintable(line: str) -> str | None:
    """The first character of ``line`` that a terminal would act on rather than show: a control character
    (tab aside), a line or paragraph separator, a bidi override."""
    import unicodedata

    for c in line:
        if c in _BIDI or (c != "\t" and unicodedata.category(c) in ("Cc", "Zl", "Zp")):
            return c
    return None


_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _check_output(stage: str, path: str, code: int, out: str, err: str, caught: list) -> Outcome | None:
    """A crash if the output breaks the rules; None if it is clean.

    The rules: no Python warning, no traceback or "internal error", no line over 2000 characters, exit status
    0, 1 or 2, a message for 1 and 2, and every stderr line ``FILE:LINE:COL: message`` or ``FILE: message``
    (FILE the path given) holding no raw control, line-break or bidi character (they would break the line
    apart, or act on the terminal).
    """
    for w in caught:
        rel = _project_file(w.filename) or _site_file(w.filename)
        return Outcome("crash", stage, f"{w.category.__name__} printed at {rel}:{w.lineno}", f"{w.category.__name__}: {w.message}")
    text = out + err
    for marker in ("Traceback (most recent call last)", "internal error", "Internal error"):
        if marker in text:
            return Outcome("crash", stage, f"{stage}: {marker!r} in the output", text[-3000:])
    for line in text.split("\n"):
        if len(line) > MAX_LINE:
            return Outcome("crash", stage, f"{stage}: output line longer than {MAX_LINE} characters",
                           f"{len(line)} characters: {line[:300]}…")
    if code not in (0, 1, 2):
        return Outcome("crash", stage, f"{stage}: exit status {code}", err[-2000:])
    lines = err.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if code in (1, 2) and not any(line.strip() for line in lines):
        return Outcome("crash", stage, f"{stage}: exit status {code} without a message", out[-1000:])
    good = re.compile(re.escape(path) + r"(:\d+:\d+)?: .*\S")
    located = False
    for line in lines:
        c = _unprintable(line)
        if c is not None:
            return Outcome("crash", stage, f"{stage}: raw control/line-break character in an error message",
                           f"U+{ord(c):04X} in: {line[:1000]!r}")
        if good.match(line):
            located = True
        elif located:
            return Outcome("crash", stage, f"{stage}: an error message spans several lines (a raw line break in it)",
                           "\n".join(lines)[:1500])
        else:
            return Outcome("crash", stage, f"{stage}: error line not 'FILE:LINE:COL: message' but "
                                           f"{_normalise_line(line, path)!r}: …", line[:1000])
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def run_script(path: Path) -> Outcome:
    """check; if accepted, numbers --json and the plan. In this process (see :class:`Pool` for isolation)."""
    started = time.perf_counter()
    spath = str(path)

    def done(o: Outcome) -> Outcome:
        o.seconds = time.perf_counter() - started
        return o

    for stage, args in (("check", ["check", spath]), ("numbers", ["numbers", spath, "--json"])):
        code, out, err, error, caught = _invoke(args)
        if error is not None:
            tb = "".join(traceback.format_exception(error))
            return done(Outcome("crash", stage, exception_signature(error), tb[-6000:]))
        bad = _check_output(stage, spath, code, out, err, caught)
        if bad is not None:
            return done(bad)
        if code != 0:
            return done(Outcome("rejected", stage, detail=err[:500]))
        if stage == "numbers":
            try:
                json.loads(out, parse_constant=_reject_constant)
            except ValueError as exc:
                return done(Outcome("crash", stage, "numbers --json: output is not strict JSON", f"{exc}: {out[:500]}"))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            build_plan(load_lesson(path), path.parent)
        except LessonError as exc:
            lines = [str(p) for p in exc.problems]
            bad = _check_output("plan", spath, 1, "", "\n".join(lines) + "\n", [])
            return done(bad or Outcome("rejected", "plan", detail="\n".join(lines)[:500]))
        except BaseException as exc:  # noqa: BLE001
            tb = "".join(traceback.format_exception(exc))
            return done(Outcome("crash", "plan", exception_signature(exc), tb[-6000:]))
    bad = _check_output("plan", spath, 0, "", "", list(caught))
    return done(bad or Outcome("accepted", "plan"))


def _copy_folder(src: Path, dst: Path) -> None:
    def ignore(folder: str, names: list[str]) -> list[str]:
        out = []
        for name in names:
            p = Path(folder) / name
            if name in _SKIP_COPY or name.startswith(".") or (p.is_file() and p.stat().st_size > _BIG_FILE):
                out.append(name)
        return out

    shutil.copytree(src, dst, ignore=ignore, symlinks=True, dirs_exist_ok=True)


def write_aux(path: Path, content: bytes | Special) -> None:
    """Make the file ``path``: its bytes, or the link, FIFO or folder a :class:`Special` says."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content.kind == "link":
        os.symlink(content.target, path)
    elif content.kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()


class _Sandbox:
    """A worker's copies of every seed's folder; cases are written into the copy of their seed's folder."""

    def __init__(self, seeds: list[Seed], base: Path) -> None:
        self.dirs: dict[Path, Path] = {}
        self.seeds = seeds
        for seed in seeds:
            folder = seed.path.parent
            if folder not in self.dirs:
                dst = base / f"seed{len(self.dirs)}"
                _copy_folder(folder, dst)
                self.dirs[folder] = dst

    def run(self, seed_index: int, data: bytes, aux: dict[str, bytes | Special]) -> Outcome:
        folder = self.dirs[self.seeds[seed_index].path.parent]
        path = folder / CASE_NAME
        written: list[Path] = []
        try:
            path.write_bytes(data)
            for name, content in aux.items():
                p = folder / name
                p.parent.mkdir(parents=True, exist_ok=True)
                written.append(p)
                write_aux(p, content)
            return run_script(path)
        finally:
            for p in reversed(written):
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)


# ---------------------------------------------------------------- worker processes


def _worker_main(
    conn: Any, seed_files: list[str], base: str, memory_mb: int, hang_file: str, debug: bool
) -> None:
    import resource

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if debug:  # the CLI then lets a bug's exception through (else it prints "internal error"), so it has a signature
        os.environ["LESSON_DEBUG"] = "1"
    else:
        os.environ.pop("LESSON_DEBUG", None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C and stops the workers
    import lesson.cli  # noqa: F401 -- import before the memory limit
    import lesson.numbers.compute  # noqa: F401
    import lesson.plan  # noqa: F401

    seeds = load_seeds([Path(p) for p in seed_files])
    sandbox = _Sandbox(seeds, Path(base))
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    hang = open(hang_file, "w+")  # noqa: SIM115 -- faulthandler writes the stack of a case that runs too long
    # On SIGUSR1 (sent by the parent when a task runs over its time), faulthandler's C signal handler writes the
    # stack of the interrupted thread, even in C code that never returns to Python.
    faulthandler.register(signal.SIGUSR1, file=hang, all_threads=True, chain=False)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        kind = task[0]
        hang.seek(0)
        hang.truncate()
        try:
            if kind == "case":
                _, fuzz_seed, number = task
                case = make_case(seeds, fuzz_seed, number)
                outcome = sandbox.run(case.seed_index, case.data, case.aux)
            elif kind == "bytes":
                _, seed_index, data, aux = task
                outcome = sandbox.run(seed_index, data, aux)
            elif kind == "sleep":  # for testing the pool: a task that runs too long
                time.sleep(task[1])
                outcome = Outcome("accepted", "sleep")
            else:  # ("path", file): a script run where it is
                outcome = run_script(Path(task[1]))
        except BaseException as exc:  # noqa: BLE001 -- a bug in the fuzzer itself, not in the project
            outcome = Outcome("crash", "fuzzer", f"fuzzer error: {exception_signature(exc)}", traceback.format_exc()[-4000:])
        try:
            conn.send(("done", dataclasses.asdict(outcome)))
        except (OSError, ValueError):
            return


def hang_signature(stack: str) -> str:
    """Where a hang is, from a faulthandler dump of the worker: the innermost frame of the ``lesson`` package
    (a loop in the math core or numpy is reached from there, and the innermost frame of all varies with the
    moment of the dump), else the innermost frame of the project's code."""
    blocks = re.split(r"\n(?=(?:Current thread|Thread) 0x)", stack.strip())
    main = next((b for b in blocks if b.startswith("Current thread")), None)
    main = main or next((b for b in blocks if 'File "' in b), "")  # a dump_traceback_later names no current thread
    frames = []
    for m in re.finditer(r'File "([^"]+)", line (\d+) in (\S+)', main):
        rel = _project_file(m.group(1))
        if rel is not None:
            frames.append(f"{rel}:{m.group(2)} in {m.group(3)}")
    if not frames:
        return "hang (no stack)" if not stack.strip() else "hang outside the project's code"
    inner = next((f for f in frames if f.startswith("lesson/")), frames[0])
    return f"hang at {inner}"


def _hang_stage(stack: str) -> str:
    """check, numbers or plan: the outermost of the CLI's commands (or the planner) in a faulthandler dump."""
    for name, stage in (("in numbers", "numbers"), ("in check", "check"), ("in run_script", "plan")):
        if re.search(rf"line \d+ {name}\b", stack):
            return stage
    return ""


@dataclass
class _Worker:
    process: Any
    conn: Any
    base: Path
    hang_file: Path
    task: Any = None
    started: float = 0.0


class Pool:
    """Worker processes that each run one task at a time; a task over the time limit kills its worker."""

    def __init__(self, jobs: int | None = None, *, time_limit: float = 10.0, memory_mb: int = 2048,
                 seeds: list[Seed] | None = None, debug: bool = True) -> None:
        import multiprocessing

        self.ctx = multiprocessing.get_context("spawn")
        self.seeds = seeds if seeds is not None else load_seeds()
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self.debug = debug
        self.tmp = Path(tempfile.mkdtemp(prefix="lesson-fuzz-"))
        self.workers: list[_Worker] = []
        self.restarts = 0
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        for k in range(self.jobs):
            self.workers.append(self._start(k))
        for w in self.workers:
            self._await_ready(w)

    def _start(self, k: int) -> _Worker:
        base = self.tmp / f"w{k}-{self.restarts}"
        base.mkdir()
        hang_file = base / "stack.txt"
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(
            target=_worker_main,
            args=(child, [str(s.path) for s in self.seeds], str(base), self.memory_mb, str(hang_file), self.debug),
            daemon=True,
        )
        process.start()
        child.close()
        return _Worker(process, parent, base, hang_file)

    def _await_ready(self, w: _Worker) -> None:
        if not w.conn.poll(120):
            raise RuntimeError("a fuzz worker did not start")
        msg = w.conn.recv()
        assert msg[0] == "ready", msg

    def _replace(self, w: _Worker) -> _Worker:
        k = self.workers.index(w)
        try:
            w.process.kill()
        except Exception:  # noqa: BLE001
            pass
        w.process.join(5)
        w.conn.close()
        shutil.rmtree(w.base, ignore_errors=True)
        self.restarts += 1
        new = self._start(k)
        self._await_ready(new)
        self.workers[k] = new
        return new

    def free(self) -> int:
        return sum(1 for w in self.workers if w.task is None)

    def busy(self) -> int:
        return sum(1 for w in self.workers if w.task is not None)

    def submit(self, task: Any, message: tuple) -> None:
        w = next(w for w in self.workers if w.task is None)
        w.task = task
        w.started = time.monotonic()
        w.conn.send(message)

    def wait(self) -> list[tuple[Any, Outcome]]:
        """Block until at least one task ends (done, over time, or its worker died)."""
        from multiprocessing.connection import wait

        results: list[tuple[Any, Outcome]] = []
        while not results:
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                return results
            now = time.monotonic()
            timeout = max(0.0, min(w.started + self.time_limit - now for w in busy))
            ready = wait([w.conn for w in busy], timeout=timeout + 0.01)
            for w in busy:
                if w.conn in ready:
                    try:
                        msg = w.conn.recv()
                    except (EOFError, OSError):
                        msg = None
                    if msg is not None and msg[0] == "done":
                        results.append((w.task, Outcome(**msg[1])))
                        w.task = None
                        continue
                    w.process.join(1)
                    code = w.process.exitcode
                    task = w.task
                    sig = f"worker died (signal {-code})" if code is not None and code < 0 else f"worker exited ({code})"
                    results.append((task, Outcome("crash", "", sig, _read(w.hang_file), time.monotonic() - w.started)))
                    self._replace(w)
                elif time.monotonic() - w.started > self.time_limit:
                    task, seconds = w.task, time.monotonic() - w.started
                    stack = self._stack_of(w)
                    try:
                        w.process.kill()
                    except Exception:  # noqa: BLE001
                        pass
                    w.process.join(5)
                    results.append((task, Outcome("hang", _hang_stage(stack), hang_signature(stack), stack[-4000:], seconds)))
                    self._replace(w)
        return results

    def _stack_of(self, w: _Worker) -> str:
        """Ask a worker that runs over its time for its stack (SIGUSR1, see ``_worker_main``)."""
        try:
            os.kill(w.process.pid, signal.SIGUSR1)
        except (OSError, TypeError):
            return ""
        last, deadline = -1, time.monotonic() + 2.0
        while time.monotonic() < deadline:
            time.sleep(0.05)
            size = w.hang_file.stat().st_size if w.hang_file.exists() else 0
            if size and size == last:
                break
            last = size
        return _read(w.hang_file)

    def close(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except Exception:  # noqa: BLE001
                pass
        for w in self.workers:
            w.process.join(2)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(2)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


# ---------------------------------------------------------------- a campaign


@dataclass
class Group:
    """Every crash (or hang) with one signature."""

    signature: str
    outcome: str
    stages: dict[str, int] = field(default_factory=dict)
    cases: list[int] = field(default_factory=list)  # case numbers (the first few)
    count: int = 0
    detail: str = ""  # of the first case
    example: Case | None = None  # the smallest case seen (by its diff from the seed)
    example_size: int = 10**9
    minimal: bytes | None = None  # after minimising
    minimal_tries: int = 0


@dataclass
class Report:
    fuzz_seed: int
    cases: int
    seconds: float
    counts: dict[str, int]
    by_seed: dict[str, dict[str, int]]
    stages: dict[str, int]  # where accepted/rejected cases ended ("rejected at numbers" ...)
    groups: dict[str, Group]
    seeds: list[Seed]
    slowest: tuple[float, int] = (0.0, -1)
    restarts: int = 0

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0

    def crashes(self) -> list[Group]:
        return sorted((g for g in self.groups.values() if g.outcome == "crash"), key=lambda g: -g.count)

    def hangs(self) -> list[Group]:
        return sorted((g for g in self.groups.values() if g.outcome == "hang"), key=lambda g: -g.count)

    def summary(self, *, details: bool = True) -> str:
        n = max(self.cases, 1)
        lines = [
            f"{self.cases} cases (fuzz seed {self.fuzz_seed}) in {self.seconds:.1f}s: {self.rate:.1f} cases/s;"
            f" slowest case {self.slowest[0]:.2f}s (case {self.slowest[1]}); {self.restarts} worker restart(s)",
            "outcomes: " + ", ".join(f"{k} {self.counts.get(k, 0)} ({100 * self.counts.get(k, 0) / n:.1f}%)" for k in OUTCOMES),
            "ended at: " + ", ".join(f"{k} {v}" for k, v in sorted(self.stages.items())),
        ]
        for name, counts in self.by_seed.items():
            lines.append(f"  {name}: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in OUTCOMES))
        for title, groups in (("crash", self.crashes()), ("hang", self.hangs())):
            lines.append(f"{len(groups)} distinct {title} signature(s)" + (":" if groups else ""))
            for g in groups:
                ex = g.example
                stages = ", ".join(f"{k or '?'} {v}" for k, v in sorted(g.stages.items()))
                lines.append(f"  [{g.count}x] {g.signature}   (stage: {stages})")
                if ex is not None:
                    lines.append(f"      example: case {ex.number} of {ex.seed_name}: {'; '.join(ex.mutations)}")
                if details:
                    first = _last_line(g.detail) if g.outcome == "crash" else _innermost_frame(g.detail)
                    if first:
                        lines.append(f"      {first}")
                    if ex is not None:
                        data = g.minimal if g.minimal is not None else ex.data
                        label = "minimised diff" if g.minimal is not None else "diff"
                        body = diff_text(ex.base, data, limit=12)
                        lines.append(f"      {label} from the seed:")
                        lines.extend("        " + x for x in body.splitlines())
        return "\n".join(lines)


def _innermost_frame(stack: str) -> str:
    m = re.search(r'File "[^"]+", line \d+ in \S+', stack)
    return m.group(0) if m else ""


def _last_line(detail: str) -> str:
    lines = [x for x in detail.strip().splitlines() if x.strip()]
    return _short(lines[-1].strip(), 200) if lines else ""


def run_campaign(
    cases: int,
    fuzz_seed: int = 0,
    *,
    jobs: int | None = None,
    time_limit: float = 10.0,
    memory_mb: int = 2048,
    seeds: list[Seed] | None = None,
    progress: Callable[[str], None] | None = None,
    first_case: int = 0,
    minimise: bool = False,
    minimise_budget: int = 250,
    hang_budget: int = 6,
    debug: bool = True,
) -> Report:
    seeds = seeds if seeds is not None else load_seeds()
    counts = {k: 0 for k in OUTCOMES}
    by_seed = {s.name: {k: 0 for k in OUTCOMES} for s in seeds}
    stages: dict[str, int] = {}
    groups: dict[str, Group] = {}
    slowest = (0.0, -1)
    started = time.perf_counter()
    last_note = started
    done = 0
    numbers = iter(range(first_case, first_case + cases))
    with Pool(jobs, time_limit=time_limit, memory_mb=memory_mb, seeds=seeds, debug=debug) as pool:
        while True:
            while pool.free():
                n = next(numbers, None)
                if n is None:
                    break
                pool.submit(n, ("case", fuzz_seed, n))
            if not pool.busy():
                break
            for n, o in pool.wait():
                done += 1
                counts[o.outcome] = counts.get(o.outcome, 0) + 1
                by_seed[seeds[n % len(seeds)].name][o.outcome] += 1
                if o.outcome in ("accepted", "rejected"):
                    stages[f"{o.outcome} at {o.stage}"] = stages.get(f"{o.outcome} at {o.stage}", 0) + 1
                if o.seconds > slowest[0]:
                    slowest = (o.seconds, n)
                if o.outcome in ("crash", "hang"):
                    g = groups.setdefault(o.signature, Group(o.signature, o.outcome, detail=o.detail))
                    g.count += 1
                    g.stages[o.stage] = g.stages.get(o.stage, 0) + 1
                    if len(g.cases) < 12:
                        g.cases.append(n)
                        case = make_case(seeds, fuzz_seed, n)
                        size = diff_size(case.base, case.data) * 1000 + len(case.mutations) * 100 + min(len(case.data) // 1000, 99)
                        if size < g.example_size:
                            g.example, g.example_size, g.detail = case, size, o.detail
            now = time.perf_counter()
            if progress and (now - last_note > 5 or done == cases):
                last_note = now
                progress(f"  {done}/{cases} cases, {done / (now - started):.1f}/s, "
                         + ", ".join(f"{k} {counts[k]}" for k in OUTCOMES) + f", {len(groups)} signature(s)")
        seconds = time.perf_counter() - started
        if minimise and groups:
            if progress:
                progress(f"minimising {len(groups)} example(s)...")
            minimise_groups(pool, list(groups.values()), budget=minimise_budget, hang_budget=hang_budget)
        restarts = pool.restarts
    return Report(fuzz_seed, done, seconds, counts, by_seed, stages, groups, seeds, slowest, restarts)


def run_files(
    paths: list[Path], *, jobs: int | None = None, time_limit: float = 10.0, memory_mb: int = 2048, debug: bool = True
) -> dict[Path, Outcome]:
    """Run scripts where they are (regression fixtures), each isolated in a worker with the time limit."""
    results: dict[Path, Outcome] = {}
    todo = list(paths)
    n = min(jobs or os.cpu_count() or 1, max(len(todo), 1))
    with Pool(n, time_limit=time_limit, memory_mb=memory_mb, seeds=[], debug=debug) as pool:
        while todo or pool.busy():
            while todo and pool.free():
                p = todo.pop(0)
                pool.submit(p, ("path", str(Path(p).resolve())))
            for p, o in pool.wait():
                results[p] = o
    return results


# ---------------------------------------------------------------- minimising


def _line_edits(base: bytes, data: bytes) -> list[tuple[int, int, list[bytes]]]:
    """Line-level edits (base start, base end, new lines) that turn base into data."""
    a, b = base.splitlines(keepends=True), data.splitlines(keepends=True)
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        n, m = i2 - i1, j2 - j1
        k = min(n, m)
        for t in range(k):  # replaced lines, one by one
            edits.append((i1 + t, i1 + t + 1, [b[j1 + t]]))
        if n > k:
            edits.extend((i1 + t, i1 + t + 1, []) for t in range(k, n))
        if m > k:
            edits.append((i2, i2, b[j1 + k: j2]))
    return edits


def _apply_edits(base: bytes, edits: list[tuple[int, int, list[bytes]]], keep: Iterable[int]) -> bytes:
    a = base.splitlines(keepends=True)
    chosen = set(keep)
    out: list[bytes] = []
    pos = 0
    for k, (i1, i2, new) in enumerate(edits):
        out.extend(a[pos:i1])
        if k in chosen:
            out.extend(new)
        else:
            out.extend(a[i1:i2])
        pos = i2
    out.extend(a[pos:])
    return b"".join(out)


def _ddmin(n: int, budget: list[int]) -> Generator[list[int], bool, list[int]]:
    """Delta debugging: yields subsets of range(n) to try (send True if it still fails); returns a small one."""
    items = list(range(n))
    if n == 0:
        return items
    granularity = 2
    while len(items) >= 2 and budget[0] > 0:
        size = max(1, len(items) // granularity)
        chunks = [items[i: i + size] for i in range(0, len(items), size)]
        reduced = False
        for chunk in chunks:
            budget[0] -= 1
            if (yield chunk):
                items, granularity, reduced = chunk, 2, True
                break
        if not reduced and len(chunks) > 2:
            for chunk in chunks:
                rest = [i for i in items if i not in chunk]
                budget[0] -= 1
                if (yield rest):
                    items, granularity, reduced = rest, max(granularity - 1, 2), True
                    break
        if not reduced:
            if granularity >= len(items):
                break
            granularity = min(len(items), granularity * 2)
    if len(items) == 1 and budget[0] > 0:
        budget[0] -= 1
        if (yield []):
            items = []
    return items


def _minimiser(group: Group, budget: int) -> Generator[tuple[bytes, dict], Outcome, bytes]:
    """Shrinks a group's example towards its seed, keeping its signature: whole lines, then characters."""
    ex = group.example
    assert ex is not None
    left = [budget]

    def same(o: Outcome) -> bool:
        return o.outcome == group.outcome and (o.outcome == "hang" or o.signature == group.signature)

    base, data = ex.base, ex.data
    edits = _line_edits(base, data)
    gen = _ddmin(len(edits), left)
    try:
        subset = next(gen)
        while True:
            o = yield _apply_edits(base, edits, subset), ex.aux
            subset = gen.send(same(o))
    except StopIteration as stop:
        keep = stop.value
    data = _apply_edits(base, edits, keep)
    # then characters, inside each line that replaced a line of the seed
    for k in keep:
        i1, i2, new = edits[k]
        if i2 - i1 != 1 or len(new) != 1 or left[0] <= 0:
            continue
        old_line = base.splitlines(keepends=True)[i1]
        new_line = new[0]
        if len(old_line) + len(new_line) > 6000:
            continue
        ops = [op for op in difflib.SequenceMatcher(None, old_line, new_line, autojunk=False).get_opcodes() if op[0] != "equal"]
        if len(ops) < 2:
            continue

        def line_with(subset: Iterable[int], old: bytes = old_line, new_l: bytes = new_line, ops: list = ops) -> bytes:
            chosen = set(subset)
            out, pos = [], 0
            for t, (tag, a1, a2, b1, b2) in enumerate(ops):
                out.append(old[pos:a1])
                out.append(new_l[b1:b2] if t in chosen else old[a1:a2])
                pos = a2
            out.append(old[pos:])
            return b"".join(out)

        lines = data.splitlines(keepends=True)
        index = _index_of_edit(edits, keep, k)
        gen = _ddmin(len(ops), left)
        try:
            subset = next(gen)
            while True:
                trial = lines[:index] + [line_with(subset)] + lines[index + 1:]
                o = yield b"".join(trial), ex.aux
                subset = gen.send(same(o))
        except StopIteration as stop:
            lines[index] = line_with(stop.value)
            data = b"".join(lines)
    group.minimal_tries = budget - left[0]
    return data


def _index_of_edit(edits: list[tuple[int, int, list[bytes]]], keep: list[int], k: int) -> int:
    """Line index, in the text with only the edits ``keep`` applied, of the (one-line) edit ``k``."""
    chosen = set(keep)
    shift = 0
    for t, (i1, i2, new) in enumerate(edits):
        if t == k:
            return i1 + shift
        if t in chosen:
            shift += len(new) - (i2 - i1)
    raise ValueError(k)


def minimise_groups(pool: Pool, groups: list[Group], *, budget: int = 250, hang_budget: int = 6) -> None:
    """Minimise each group's example in parallel over the pool's workers; sets ``group.minimal``."""
    active: list[tuple[Group, Generator, tuple[bytes, dict] | None]] = []
    for g in groups:
        if g.example is None or g.signature.startswith("fuzzer error"):
            continue
        gen = _minimiser(g, hang_budget if g.outcome == "hang" else budget)
        try:
            active.append((g, gen, next(gen)))
        except StopIteration as stop:
            g.minimal = stop.value
    waiting: dict[int, tuple[Group, Generator]] = {}
    queue = list(active)
    while queue or waiting:
        while queue and pool.free():
            g, gen, (data, aux) = queue.pop(0)
            key = id(gen)
            waiting[key] = (g, gen)
            assert g.example is not None
            pool.submit(key, ("bytes", g.example.seed_index, data, aux))
        for key, outcome in pool.wait():
            g, gen = waiting.pop(key)
            try:
                queue.append((g, gen, gen.send(outcome)))
            except StopIteration as stop:
                g.minimal = stop.value


def slug(signature: str) -> str:
    text = re.sub(r"[^A-Za-z0-9]+", "-", signature.replace(".py", "")).strip("-").lower()
    return text[:80].strip("-") or "crash"


def save_group(group: Group, folder: Path, name: str | None = None) -> list[Path]:
    """Write a group's (minimised) example as ``name``.yaml, with its CSV beside it; returns the files."""
    ex = group.example
    assert ex is not None
    folder.mkdir(parents=True, exist_ok=True)
    stem = name or slug(group.signature)
    if name is None:  # never overwrite the example of another signature
        k = 2
        while (folder / f"{stem}.yaml").exists():
            stem, k = f"{slug(group.signature)}-{k}", k + 1
    data = group.minimal if group.minimal is not None else ex.data
    written = []
    for k, (aux_name, content) in enumerate(sorted(ex.aux.items())):
        if not isinstance(content, bytes):  # a link, FIFO or folder: kept as the case made it (a test makes it again)
            continue
        new_name = f"{stem}.csv" if k == 0 else f"{stem}.{k}.csv"
        data = data.replace(aux_name.encode(), new_name.encode())
        (folder / new_name).write_bytes(content)
        written.append(folder / new_name)
    path = folder / f"{stem}.yaml"
    path.write_bytes(data)
    written.insert(0, path)
    return written


__all__ = [
    "Case", "Group", "Outcome", "Pool", "Report", "Seed", "diff_text", "load_seeds", "make_case", "minimise_groups",
    "run_campaign", "run_files", "run_script", "save_group", "seed_paths",
]
