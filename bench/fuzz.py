"""Mutation fuzzer for lesson scripts (prints figures; exit status 1 if any case crashed or hung).

    .venv/bin/python bench/fuzz.py --cases 20000 --seed 1 -j 2 [--save-crashes DIR]
    .venv/bin/python bench/fuzz.py --show 1234 --seed 1        # one case: its mutations, diff and outcome
    .venv/bin/python bench/fuzz.py --write 1234 --seed 1 -o x.yaml

Every lessons/**/*.yaml and tests/fixtures/five_classes.yaml is a seed. Case N of --seed S is the same
file every time (see bench/fuzzing.py for the mutations). Each case runs `lesson check FILE` in a worker
process, and if that accepts it `lesson numbers FILE --json` and the planner; a case over --time-limit
kills its worker and counts as a hang. At the end: the rate, the count of each outcome, and every
distinct crash signature (exception type + innermost frame of the project's code) and hang, each with
its smallest example; with --save-crashes each example, minimised towards its seed, is written to DIR.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import fuzzing  # noqa: E402  (bench/fuzzing.py, beside this script)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", "-n", type=int, default=2000, help="number of cases [%(default)s]")
    ap.add_argument("--seed", "-s", type=int, default=0, help="fuzz seed [%(default)s]")
    ap.add_argument("--first", type=int, default=0, help="number of the first case [%(default)s]")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes [%(default)s]")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per case before it is a hang [%(default)s]")
    ap.add_argument("--memory-mb", type=int, default=2048, help="RLIMIT_AS of each worker, MB [%(default)s]")
    ap.add_argument("--save-crashes", type=Path, metavar="DIR", help="write one (minimised) input per crash/hang signature")
    ap.add_argument("--no-minimise", action="store_true", help="save the examples as found, without minimising")
    ap.add_argument("--minimise-budget", type=int, default=250, help="runs per crash signature when minimising [%(default)s]")
    ap.add_argument("--no-debug", action="store_true",
                    help="run without LESSON_DEBUG=1 (crashes then show as the CLI's 'internal error' line)")
    ap.add_argument("--show", type=int, metavar="CASE", help="make case CASE, print its mutations and diff, run it, print the outcome")
    ap.add_argument("--write", type=int, metavar="CASE", help="write case CASE to -o FILE (and its CSV beside it)")
    ap.add_argument("-o", "--output", type=Path, help="file for --write")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)

    seeds = fuzzing.load_seeds()
    if args.show is not None or args.write is not None:
        return _one(seeds, args)

    print(f"seeds: {', '.join(s.name for s in seeds)}", flush=True)
    print(f"{args.cases} cases from {args.first}, fuzz seed {args.seed}, {args.jobs} worker(s), "
          f"{args.time_limit:g}s per case, {args.memory_mb} MB each", flush=True)
    report = fuzzing.run_campaign(
        args.cases,
        args.seed,
        jobs=args.jobs,
        time_limit=args.time_limit,
        memory_mb=args.memory_mb,
        seeds=seeds,
        progress=None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True)),
        first_case=args.first,
        minimise=bool(args.save_crashes) and not args.no_minimise,
        minimise_budget=args.minimise_budget,
        debug=not args.no_debug,
    )
    print(report.summary())
    if args.save_crashes:
        groups = [*report.crashes(), *report.hangs()]
        for g in groups:
            files = fuzzing.save_group(g, args.save_crashes)
            with open(args.save_crashes / "README.txt", "a", encoding="utf-8") as index:
                ex = g.example
                index.write(f"{files[0].name}: {g.signature} ({g.count}x)\n  case {ex.number} of {ex.seed_name}, "
                            f"fuzz seed {args.seed}: {'; '.join(ex.mutations)}\n")
        if groups:
            print(f"wrote {len(groups)} example(s) to {args.save_crashes}")
    return 1 if report.crashes() or report.hangs() else 0


def _one(seeds: list[fuzzing.Seed], args: argparse.Namespace) -> int:
    number = args.show if args.show is not None else args.write
    case = fuzzing.make_case(seeds, args.seed, number)
    if args.write is not None:
        if args.output is None:
            raise SystemExit("--write needs -o FILE")
        data = case.data
        for k, (name, content) in enumerate(sorted(case.aux.items())):
            new = f"{args.output.stem}.csv" if k == 0 else f"{args.output.stem}.{k}.csv"
            data = data.replace(name.encode(), new.encode())
            (args.output.parent / new).write_bytes(content)
        args.output.write_bytes(data)
        print(f"wrote case {number} of {case.seed_name} to {args.output}: {'; '.join(case.mutations)}")
        return 0
    print(f"case {number} of {case.seed_name} (fuzz seed {args.seed}): {'; '.join(case.mutations)}")
    print(fuzzing.diff_text(case.base, case.data))
    with fuzzing.Pool(1, time_limit=args.time_limit, memory_mb=args.memory_mb, seeds=seeds, debug=not args.no_debug) as pool:
        pool.submit(number, ("case", args.seed, number))
        (_, outcome), = pool.wait()
    print(f"outcome: {outcome.outcome} at {outcome.stage or '?'} in {outcome.seconds:.2f}s {outcome.signature}")
    if outcome.detail:
        print(outcome.detail)
    return 1 if outcome.outcome in ("crash", "hang") else 0


if __name__ == "__main__":
    sys.exit(main())
