"""The course package's files beside the video: its manifest, its poster, and whether a folder holds it already.

The manifest (``DIR/<id>.json``) lists the chapters, every file with its SHA-256, and every number with its mathcore
value; its ``build_key`` hashes everything the package depends on, so that a render with nothing changed finds the
package in place (:func:`up_to_date`) and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np

from lesson.base.codehash import module_files
from lesson.numbers.compute import LessonNumbers
from lesson.base.plandata import Plan, StepPlan

# the modules that make the package from the rendered steps (whose own keys name the code that drew them)
PACKAGE_CODE = ("lesson.package.build", "lesson.package.manifest", "lesson.narration.captions", "lesson.narration.audio",
                "lesson.render.mux", "lesson.narration.narrate")


def build_key(plan: Plan, sections: list[Path], quality: str, voice: str, poster: str | None, burn: bool) -> str:
    """Everything the package depends on: every step's section (its cache key), the options, the code that assembles it."""
    h = hashlib.sha256(json.dumps([plan.lesson_id, plan.title, quality, voice, poster, burn, [p.name for p in sections]]).encode())
    for path in module_files(PACKAGE_CODE):
        h.update(path.read_bytes())
    return h.hexdigest()[:24]


def up_to_date(out_dir: Path, lesson_id: str, key: str) -> dict | None:
    """The manifest in ``out_dir`` if it was made with ``key`` and every file it lists is there, unchanged."""
    return manifest_up_to_date(out_dir / f"{lesson_id}.json", key)


def manifest_up_to_date(manifest_path: Path, key: str) -> dict | None:
    """The manifest at ``manifest_path`` (a lesson's, a course's) if it was made with ``key`` and every file it lists,
    named relative to its folder, is there with its size and SHA-256."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("build_key") != key:
        return None
    for f in manifest.get("files", []):
        path = manifest_path.parent / f["name"]
        if not path.is_file() or path.stat().st_size != f["bytes"] or sha256(path) != f["sha256"]:
            return None
    return manifest


def poster_step(steps: list[StepPlan], poster: str | None) -> int:
    """The index of the step whose last frame is the poster: the one named, else the SoftMax step, else the middle one."""
    ids = [s.id for s in steps]
    if poster in ids:
        return ids.index(poster)
    kinds = [s.kind for s in steps]
    return kinds.index("softmax") if "softmax" in kinds else len(steps) // 2


def shown(plan: Plan, numbers: LessonNumbers) -> list[dict]:
    """Every placeholder the narration fills in, per step: the text shown and the mathcore value."""
    values = numbers.values()
    out = []
    for step in plan.steps:
        for name, i in step.cues:
            if name not in values:  # a sentence's start (sentence.N), not a placeholder
                continue
            value = values[name]
            out.append({"step": step.id, "placeholder": name, "shown": step.tokens[i], "value": value if not isinstance(value, np.generic) else value.item()})
    return out


def numbers_shown(plan: Plan) -> list[dict]:
    """Every number drawn or spoken, per step, with the quantity it stands for (a placeholder or computed name) and its
    text; ``format`` is the author's where one was written at that place. With the lesson's ``numbers`` anyone can
    check that one quantity has one form in a step and that two values do not read the same."""
    return [{"step": step.id, "quantity": q, "text": t, "how": how, **({"format": spec} if spec else {})}
            for step in plan.steps for q, t, how, spec in step.numbers]


def relations_spoken(plan: Plan) -> list[dict]:
    """Every relation the narration states in arithmetic words, at the digits spoken, with its verdict."""
    return [{"step": step.id, "said": said, "expression": expression, "relation": relation, "verdict": verdict}
            for step in plan.steps for said, expression, relation, verdict, _ in step.relations]


def equations(plan: Plan) -> list[dict]:
    """Every equation the video shows, per step, so that anyone can check its arithmetic without this project:
    ``expression`` is plain ASCII with the operands exactly as shown (decimal numbers, + - * / ^, parentheses,
    exp, log, relu, softplus, sigmoid), ``relation`` "=" or "≈", ``result`` one number as shown."""
    return [
        {"step": step.id, "shown": _typeset(f"{expression} {relation} {result}"), "expression": expression,
         "relation": relation, "result": result}
        for step in plan.steps for expression, relation, result in step.equations
    ]


def _typeset(ascii_text: str) -> str:
    """The equation as a reader sees it: a real minus sign and × for the ASCII - and *."""
    return re.sub(r"(?<![eE])-", "\u2212", ascii_text).replace(" * ", " \u00d7 ").replace("*", "\u00d7")


def files_list(files: list[Path]) -> list[dict]:
    """The manifest's ``files``: each file's name, size and SHA-256."""
    return [{"name": p.name, "bytes": p.stat().st_size, "sha256": sha256(p)} for p in files]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def frame_at(video: Path, seconds: float, tolerance: float = 1e-6):
    """The frame shown at ``seconds`` (the first whose time is at least ``seconds - tolerance``), as a PIL image."""
    import av

    with av.open(str(video)) as src:
        stream = src.streams.video[0]
        src.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        chosen = None
        for frame in src.decode(stream):
            chosen = frame
            if frame.time is not None and frame.time >= seconds - tolerance:
                break
        if chosen is None:
            raise RuntimeError(f"no frame at {seconds:.2f}s in {video}")
        return chosen.to_image()


def save_frame(video: Path, seconds: float, target: Path) -> None:
    """The frame shown at ``seconds`` as a PNG."""
    frame_at(video, seconds).save(target)
