"""How long `lesson check` takes on the heaviest scripts within every limit (prints figures; not a test).

    .venv/bin/python bench/check_bench.py [--repeat 3]

Each script is built from lessons/cross_entropy_backprop.yaml and is accepted by `lesson check`, its work just
under the whole-script budget (lesson/numbers/work.py, limits.WORK_SECONDS):

- descents: 20 examples, 12 parameters, losses, gradients and sweeps, 12 descents of 1000 steps each, 12 define:
  entries with sums, and iris training that fills the budget up;
- training: four seeds on a CSV of three rows (the epochs' own cost is largest there) for as many epochs as fit.

And one over the budget, which must be refused at once. Each `lesson check` runs as an author runs it, in a new
process; the figure is the median of --repeat runs, with the budget's estimate beside it.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lesson.numbers import work  # noqa: E402
from lesson.script import limits  # noqa: E402
from lesson.script.model import Lesson  # noqa: E402

BASE = (ROOT / "lessons" / "cross_entropy_backprop.yaml").read_text(encoding="utf-8")
LESSON = [str(ROOT / ".venv" / "bin" / "lesson")] if (ROOT / ".venv" / "bin" / "lesson").exists() else ["lesson"]


def many_items(descent: str) -> str:
    """Every computations section at its limit: 20 examples, 12 of each, descents as ``descent`` says."""
    text = BASE
    examples = "".join(f"  e{k}: {{scaled: {{petal_width: {0.04 * k:.2f}, sepal_width: 0.42}}, label: setosa}}\n" for k in range(3, 20))
    text = text.replace("  third:  {scaled: {petal_width: 0.50, sepal_width: 0.37}, label: versicolor}\n",
                        "  third:  {scaled: {petal_width: 0.50, sepal_width: 0.37}, label: versicolor}\n" + examples)
    text = text.replace("  total: {loss: cross_entropy}\n", "  total: {loss: cross_entropy, examples: [first, second, third]}\n"
                        + "".join(f"  l{k}: {{loss: cross_entropy}}\n" for k in range(11)))
    text = text.replace("parameters:\n", "parameters:\n" + "".join(f"  p{k}: {{layer: 2, bias: setosa, value: -2}}\n" for k in range(11)))
    text = text.replace("gradients:\n", "gradients:\n" + "".join(f"  g{k}: {{of: l{k}, by: p{k}}}\n" for k in range(11)))
    text = text.replace("sweeps:\n", "sweeps:\n" + "".join(f"  s{k}: {{of: l{k}, by: p{k}, range: [-4, 4]}}\n" for k in range(11)))
    descents = "".join(f"  d{k}: {{of: l{k}, by: p{k}, learning_rate: 0.000001, {descent}}}\n" for k in range(10))
    text = re.sub(r"descents:\n(  .*\n)+", "descents:\n" + descents
                  + "  one_step: {of: total, by: b3, learning_rate: 1, steps: 1}\n"
                  + f"  descent: {{of: total, by: b3, learning_rate: 0.000001, {descent}}}\n", text)
    define = "".join(f'  x{k}: "sum(l{k % 11}.*) + sum(example.first.softmax.*) * {k}"\n' for k in range(12))
    return text.replace("display:\n", "define:\n" + define + "display:\n", 1)


def with_training(text: str, data: str, epochs: int, seeds: int) -> str:
    seeds_list = ", ".join(str(s) for s in range(1, seeds + 1))
    section = (f"training:\n  data: {data}\n  columns: {{petal_width: petal_width_cm, sepal_width: sepal_width_cm}}\n"
               f"  label_column: species\n  learning_rate: 0.5\n  epochs: {epochs}\n  seeds: [{seeds_list}]\n\n")
    return text.replace("parameters:\n", section + "parameters:\n", 1)


def estimate(text: str, rows: int) -> float:
    """The budget's seconds for a script (lesson.numbers.work), read from the script itself."""
    lesson = Lesson.model_validate(yaml.safe_load(text))
    spent = sum(item.seconds for item in work.items(lesson))
    if lesson.training is not None:
        spent += work.training(rows, lesson.training.epochs, len(lesson.training.seeds))
    return spent


def fill_epochs(spent: float, rows: int, seeds: int) -> int:
    """The most epochs of ``seeds`` trainings on ``rows`` rows that keep the work within the budget."""
    per_epoch = seeds * (work.EPOCH + rows * work.ROW_PASS)
    return max(1, min(limits.EPOCHS_MAX, int((limits.WORK_SECONDS - spent) / per_epoch * 0.999)))


def scripts(folder: Path) -> dict[str, tuple[Path, float, bool]]:
    small = folder / "three_rows.csv"
    small.write_text("petal_width_cm,sepal_width_cm,species\n0.2,3.5,setosa\n1.3,2.8,versicolor\n2.1,3.0,virginica\n", encoding="utf-8")
    out = {}
    text = many_items("steps: 1000")
    out["descents"] = with_training(text, "iris", fill_epochs(estimate(text, 0), 150, 2), 2)
    out["training"] = with_training(BASE, "three_rows.csv", fill_epochs(estimate(BASE, 0), 3, 4), 4)
    out["over the budget"] = with_training(many_items("steps: 1000"), "iris", 3000, 2)
    found = {}
    for name, text in out.items():
        path = folder / f"{name.replace(' ', '_')}.yaml"
        path.write_text(text, encoding="utf-8")
        rows = 3 if "three_rows" in text else 150
        found[name] = (path, estimate(text, rows), name != "over the budget")
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"budget: {limits.WORK_SECONDS:g} s of estimated work; `lesson check` in a new process, median of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (path, estimated, accepted) in scripts(Path(tmp)).items():
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                done = subprocess.run([*LESSON, "check", str(path)], capture_output=True, text=True)
                times.append(time.perf_counter() - start)
                if (done.returncode == 0) != accepted:
                    print(f"{name}: expected {'accepted' if accepted else 'refused'}, got:\n{done.stdout}{done.stderr}")
                    return 1
            verdict = "accepted" if accepted else "refused: " + (done.stdout + done.stderr).strip().splitlines()[-1].split(": ", 1)[1][:120]
            print(f"{name:16} estimated {estimated:4.2f} s  check {statistics.median(times):5.2f} s  ({verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
