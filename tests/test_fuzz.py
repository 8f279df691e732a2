"""Fuzzing: mutated lesson scripts never crash or hang `lesson check`, `lesson numbers` or the planner.

A fixed-seed run of the mutation fuzzer (bench/fuzzing.py; `bench/fuzz.py` runs longer campaigns) over
every lesson under lessons/ and the 5-class fixture must give only accepted scripts and clean
FILE:LINE:COL rejections. Every file in tests/fixtures/fuzz/ is an input that once crashed or hung; each
must now be accepted or cleanly rejected. LESSON_FUZZ_CASES=N runs N cases instead of the default.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import fuzzing  # bench/fuzzing.py: a tool of the project, not part of the product

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "fuzz"
FUZZ_SEED = 20261126
CASES = int(os.environ.get("LESSON_FUZZ_CASES", "4000"))  # about 40 s with 2 workers (quiet machine)
JOBS = os.cpu_count() or 1
TIME_LIMIT = 10.0


@pytest.fixture(scope="module")
def report() -> fuzzing.Report:
    return fuzzing.run_campaign(CASES, FUZZ_SEED, jobs=JOBS, time_limit=TIME_LIMIT)


def test_fuzzing_finds_no_crash_and_no_hang(report):
    assert report.cases == CASES
    assert not report.crashes() and not report.hangs(), "\n" + report.summary()


def test_the_fuzzer_makes_a_mix_of_valid_and_invalid_scripts(report):
    """Neither mutating nothing nor breaking everything: both outcomes are common, for every seed."""
    n = report.cases
    accepted, rejected = report.counts["accepted"] / n, report.counts["rejected"] / n
    assert accepted >= 0.10, report.summary(details=False)
    assert rejected >= 0.40, report.summary(details=False)
    assert set(report.by_seed) == {s.name for s in fuzzing.load_seeds()}
    for name, counts in report.by_seed.items():
        total = sum(counts.values())
        assert total >= n // len(report.by_seed), name
        assert counts["accepted"] >= 0.05 * total, (name, counts)
        assert counts["rejected"] >= 0.25 * total, (name, counts)


def test_every_lesson_and_the_five_class_fixture_are_seeds():
    seeds = {p.relative_to(ROOT) for p in fuzzing.seed_paths()}
    lessons = {p.relative_to(ROOT) for p in (ROOT / "lessons").rglob("*.yaml") if p.name != "course.yaml"}  # a course file
    assert lessons and lessons <= seeds
    assert Path("tests/fixtures/five_classes.yaml") in seeds


def test_a_case_is_the_same_bytes_every_time_and_cases_differ():
    seeds = fuzzing.load_seeds()
    made = [fuzzing.make_case(seeds, FUZZ_SEED, n) for n in range(60)]
    again = [fuzzing.make_case(seeds, FUZZ_SEED, n) for n in range(60)]
    assert [(c.data, c.aux, c.mutations) for c in made] == [(c.data, c.aux, c.mutations) for c in again]
    assert all(c.mutations for c in made)
    assert sum(c.data != c.base for c in made) >= 55
    assert len({c.data for c in made}) >= 55


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.yaml"))


@pytest.fixture(scope="module")
def fixture_outcomes() -> dict[Path, fuzzing.Outcome]:
    return fuzzing.run_files([*_fixture_files(), *fuzzing.seed_paths()], jobs=JOBS, time_limit=TIME_LIMIT)


def test_there_are_regression_fixtures():
    assert len(_fixture_files()) >= 1


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.stem)
def test_an_input_that_once_crashed_gives_a_clean_outcome(path, fixture_outcomes):
    outcome = fixture_outcomes[path]
    assert outcome.outcome in ("accepted", "rejected"), f"{outcome.outcome}: {outcome.signature}\n{outcome.detail}"


def test_every_seed_itself_is_accepted(fixture_outcomes):
    for path in fuzzing.seed_paths():
        outcome = fixture_outcomes[path]
        assert outcome.outcome == "accepted", f"{path}: {outcome.outcome} {outcome.signature}\n{outcome.detail}"


def test_the_pool_kills_a_task_over_the_time_limit_and_goes_on(tmp_path):
    """A hang in C code ignores signals: the worker is killed, the task is a hang, and the next task runs."""
    started = time.monotonic()
    with fuzzing.Pool(1, time_limit=1.5, seeds=[]) as pool:
        pool.submit("sleeper", ("sleep", 60))
        ((task, outcome),) = pool.wait()
        assert (task, outcome.outcome) == ("sleeper", "hang")
        assert "time.sleep" in outcome.detail or "_worker_main" in outcome.detail  # faulthandler's stack
        pool.submit("fixture", ("path", str(fuzzing.seed_paths()[-1])))
        ((task, outcome),) = pool.wait()
        assert (task, outcome.outcome) == ("fixture", "accepted")
        assert pool.restarts == 1
    assert time.monotonic() - started < 30


def test_the_classifier_calls_a_traceback_or_an_unlocated_message_a_crash(tmp_path, monkeypatch):
    script = tmp_path / "lesson.yaml"
    script.write_text((ROOT / "tests" / "fixtures" / "five_classes.yaml").read_text())
    assert fuzzing.run_script(script).outcome == "accepted"
    import lesson.check as load

    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setenv("LESSON_DEBUG", "1")
    monkeypatch.setattr(load, "check_text", boom)
    crashed = fuzzing.run_script(script)
    assert crashed.outcome == "crash" and crashed.signature.startswith("ZeroDivisionError at "), crashed
    assert fuzzing._check_output("check", str(script), 1, "", f"{script}:3:4: fine\nno file here\n", []).outcome == "crash"
    assert fuzzing._check_output("check", str(script), 1, "", f"{script}:3:4: fine\n{script}: also fine\n", []) is None
    assert fuzzing._check_output("check", str(script), 1, "", f"{script}: " + "x" * 2001, []).outcome == "crash"
    assert fuzzing._check_output("check", str(script), 3, "", f"{script}: x", []).outcome == "crash"
