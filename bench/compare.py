"""Do two source trees make the same lessons? For a change meant to leave behaviour alone (a refactor), this compares,
for every shipped lesson, what the plan shows: every number drawn or spoken with its quantity, every equation and
every spoken relation, and the narration (prints figures and differences; not a test).

    .venv/bin/python bench/compare.py OLD_TREE [NEW_TREE]      # NEW_TREE: this tree

Each tree is run in its own interpreter with its own source first on the path, so the two never share a module. A
tree from before the plan recorded numbers (issue 23) gives its equations and narration only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = r"""
import json, sys
from pathlib import Path
from lesson.check import check_lesson
from lesson.course.load import looks_like_course
out = {}
for path in sorted(Path("lessons").rglob("*.yaml")):
    if looks_like_course(path):
        continue
    plan = check_lesson(path).plan
    out[str(path)] = [{"id": s.id, "narration": s.narration, "equations": [list(e) for e in s.equations],
                       "numbers": sorted(map(list, set(getattr(s, "numbers", ())))),
                       "relations": [list(r[:4]) for r in getattr(s, "relations", ())]} for s in plan.steps]
json.dump(out, sys.stdout)
"""


def plans(tree: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROGRAM], cwd=tree, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'}")
    return json.loads(done.stdout)


def main() -> None:
    old, new = Path(sys.argv[1]).resolve(), Path(sys.argv[2] if len(sys.argv) > 2 else ROOT).resolve()
    a, b = plans(old), plans(new)
    differing = 0
    for lesson in sorted(set(a) | set(b)):
        if lesson not in a or lesson not in b:
            print(f"{lesson}: only in {'the new' if lesson in b else 'the old'} tree")
            differing += 1
            continue
        for sa, sb in zip(a[lesson], b[lesson]):
            for key in ("narration", "equations", "numbers", "relations"):
                if sa[key] != sb[key] and (sa[key] or key in ("narration", "equations")):
                    differing += 1
                    print(f"{lesson} step {sb['id']}: {key} differ")
        if len(a[lesson]) != len(b[lesson]):
            differing += 1
            print(f"{lesson}: {len(a[lesson])} steps before, {len(b[lesson])} after")
    print(f"{len(set(a) & set(b))} lessons compared: {differing} differences")


if __name__ == "__main__":
    main()
