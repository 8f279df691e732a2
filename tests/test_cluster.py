"""--cluster: a course drawn on a real Dask cluster (the `dask scheduler` and `dask worker` commands on 127.0.0.1),
its outputs byte for byte those of the local workers, work spread over both workers, a worker killed mid-run, an
interrupted client; misuse of --cluster; and no Dask without it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from course_fixtures.course_helpers import COURSE, HERE

ROOT = Path(__file__).resolve().parents[1]
LESSON = [sys.executable, "-m", "lesson"]
DASK = [sys.executable, "-m", "dask"]  # the dask command line (`dask scheduler`, `dask worker`) of this environment


def until(condition, timeout: float, what: str, every: float = 0.05):
    """Poll ``condition`` until it is truthy (its value), or fail naming ``what`` after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process group, then SIGKILL what is still there after a bounded wait."""
    for p in processes:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in processes:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=10)


class DaskCluster:
    """A `dask scheduler` and two `dask worker` processes (no nanny: killing one is a machine lost) on 127.0.0.1, every
    port chosen free by the system; the scheduler's address is read from its scheduler file."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}  # address -> process
        self.client = None

    def _start(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        p = subprocess.Popen(args, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes.append(p)
        return p

    def start(self, workers: int = 2) -> None:
        from distributed import Client

        file = self.folder / "scheduler.json"
        self._start([*DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
                     "--scheduler-file", str(file)], "scheduler")
        until(lambda: file.is_file() and file.stat().st_size > 0 and "address" in file.read_text(), 60, "the scheduler file")
        self.address = json.loads(file.read_text())["address"]
        assert self.address.startswith("tcp://127.0.0.1:")
        started = [self._start([*DASK, "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                                "--no-dashboard", "--death-timeout", "60", "--name", f"w{k}"], f"worker{k}") for k in range(workers)]
        self.client = Client(self.address, timeout=30)
        self.client.wait_for_workers(workers, timeout=90)
        from lesson.render.executor import prepare_worker

        self.client.run(prepare_worker)  # warm, as the long-running workers of a cluster are: Manim imported
        info = self.client.scheduler_info()["workers"]
        self.workers = {address: started[int(str(w["name"])[1:])] for address, w in info.items()}  # by its --name wK
        assert len(self.workers) == workers

    def close(self) -> None:
        try:
            if self.client is not None:
                self.client.close(timeout=10)
        finally:
            stop(self.processes)


@pytest.fixture
def dask_cluster(tmp_path):
    cluster = DaskCluster(tmp_path)
    try:
        cluster.start()
        yield cluster
    finally:  # every process the test started is stopped, whatever happened
        cluster.close()
    assert all(p.poll() is not None for p in cluster.processes)


class Run:
    """`lesson ...` in a subprocess, its stderr read line by line as it comes."""

    def __init__(self, args: list[str], cwd: Path):
        self.lines: list[str] = []
        self.p = subprocess.Popen([*LESSON, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  start_new_session=True)
        self.out: list[str] = []
        self._threads = [threading.Thread(target=self._read, args=(self.p.stderr, self.lines), daemon=True),
                         threading.Thread(target=self._read, args=(self.p.stdout, self.out), daemon=True)]
        for t in self._threads:
            t.start()

    @staticmethod
    def _read(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))

    def wait(self, timeout: float = 600) -> int:
        try:
            code = self.p.wait(timeout=timeout)
        finally:
            stop([self.p])
        for t in self._threads:
            t.join(timeout=10)
        return code

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def course_build(out: Path, cache: Path, *extra: str) -> Run:
    return Run(["course", "build", str(COURSE), "-q", "low", "-o", str(out), "--cache-dir", str(cache), *extra], ROOT)


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (hidden ones too) with its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def drawn_on(run: Run) -> list[tuple[str, str]]:
    """(step id, worker address) of each step the run's cluster drew, from its progress lines."""
    return [(step, worker) for _, step, worker in drawn_in_lessons(run)]


def drawn_in_lessons(run: Run) -> list[tuple[str, str, str]]:
    """(lesson id, step id, worker address) of each step the run's cluster drew."""
    return steps_on(run, "rendered")


def steps_on(run: Run, how: str) -> list[tuple[str, str, str]]:
    """(lesson id, step id, worker address) of each step the cluster drew ("rendered") or laid out ("laid out again")."""
    pattern = rf"  (\S+) step \d+ (\S+): {how} on (tcp://\S+)"
    return [m.groups() for line in list(run.lines) if (m := re.fullmatch(pattern, line))]  # type: ignore[misc]


def drawings(cache: Path) -> int:
    return len(list((cache / "drawings").glob("*/script.json")))


@pytest.fixture(scope="module")
def local_course(tmp_path_factory):
    """The test course built by the local worker processes: the reference."""
    base = tmp_path_factory.mktemp("local")
    run = course_build(base / "out", base / "cache", "-j", "2")
    assert run.wait() == 0, run.text
    assert drawings(base / "cache") == 3  # tiny_second's "scores" is tiny_first's picture, laid out for its narration
    return tree(base / "out")


@pytest.mark.render
def test_a_course_on_a_real_scheduler_is_byte_identical_to_the_local_render_and_uses_both_workers(dask_cluster, local_course, tmp_path):
    run = course_build(tmp_path / "out", tmp_path / "cache", "--cluster", dask_cluster.address)
    assert run.wait() == 0, run.text
    assert f"steps are drawn on the Dask cluster at {dask_cluster.address}, 2 workers" in run.text
    assert tree(tmp_path / "out") == local_course  # every file, course.json with its build keys and hashes included
    manifest = json.loads((tmp_path / "out" / "tiny_course" / "course.json").read_text())
    assert [lesson["id"] for lesson in manifest["lessons"]] == ["tiny_first", "tiny_second"]
    drawn = drawn_in_lessons(run)
    print(run.text)
    # the lessons are built at once; their "scores" steps are one step (the same picture and narration): one task
    assert sorted((lesson, step) for lesson, step, _ in drawn) == [
        ("tiny_first", "intro"), ("tiny_first", "scores"), ("tiny_second", "intro"), ("tiny_second", "scores")]
    assert drawings(tmp_path / "cache") == 3 and len(list((tmp_path / "cache" / "sections").glob("*.mp4"))) == 3
    assert {worker for _, _, worker in drawn} == set(dask_cluster.workers)  # both workers drew


@pytest.mark.render
def test_one_picture_in_two_lessons_built_at_once_is_drawn_once_and_laid_out_for_each_narration(dask_cluster, tmp_path):
    for name in ("course.yaml", "tiny_first.yaml"):
        (tmp_path / name).write_text((HERE / name).read_text())
    second = (HERE / "tiny_second.yaml").read_text()
    assert "  words_per_minute: 240\n" in second
    # read slower: tiny_second's "scores" step is tiny_first's picture with other timing (another step key, one drawing)
    (tmp_path / "tiny_second.yaml").write_text(second.replace("  words_per_minute: 240\n", "  words_per_minute: 200\n"))
    cache = tmp_path / "cache"
    run = Run(["course", "build", str(tmp_path / "course.yaml"), "-q", "low", "-o", str(tmp_path / "out"), "--cache-dir", str(cache),
               "--cluster", dask_cluster.address], ROOT)
    assert run.wait() == 0, run.text
    scores = sorted((how, lesson) for how in ("rendered", "laid out again") for lesson, step, _ in steps_on(run, how) if step == "scores")
    assert [how for how, _ in scores] == ["laid out again", "rendered"], run.text  # one drew it, the other waited and laid it out
    assert sorted(lesson for _, lesson in scores) == ["tiny_first", "tiny_second"]
    assert drawings(cache) == 3 and len(list((cache / "sections").glob("*.mp4"))) == 4


@pytest.mark.render
def test_a_worker_killed_mid_run_the_course_still_finishes_identical(dask_cluster, local_course, tmp_path):
    cache = tmp_path / "cache"
    pids = {p.pid: address for address, p in dask_cluster.workers.items()}
    run = course_build(tmp_path / "out", cache, "--cluster", dask_cluster.address)

    def drawing() -> tuple[int, str] | None:  # a worker's work folder for a step: it is drawing it now
        for folder in (cache / "sections").glob(".work-*"):
            m = re.match(r"\.work-(\d+)-(.+)-[^-]+$", folder.name)
            if m and int(m.group(1)) in pids:
                return int(m.group(1)), m.group(2)
        return None

    try:
        victim, step = until(lambda: (cache / "sections").is_dir() and drawing(), 120, "a worker to start drawing a step")
        os.killpg(victim, signal.SIGKILL)
        dask_cluster.workers[pids[victim]].wait(timeout=10)
    finally:
        code = run.wait()
    survivor = next(a for p, a in pids.items() if p != victim)
    print(f"killed {pids[victim]} (pid {victim}) while it drew {step!r}\n{run.text}")  # shown with -s or on a failure
    assert code == 0, run.text
    assert tree(tmp_path / "out") == local_course
    assert (step, survivor) in drawn_on(run)  # the step the killed worker was drawing, drawn again by the other
    assert pids[victim] not in dask_cluster.client.scheduler_info()["workers"]


@pytest.mark.render
def test_an_interrupted_client_leaves_no_output_and_the_next_run_reuses_what_the_workers_finished(dask_cluster, local_course, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    run = course_build(out, cache, "--cluster", dask_cluster.address)
    try:
        until(lambda: drawn_in_lessons(run), 120, "a step drawn on the cluster")
        os.kill(run.p.pid, signal.SIGTERM)  # as Ctrl-C: the client stops
    finally:
        code = run.wait()
    assert code == 143, run.text
    # no file in part: no course manifest, no work file, and a lesson whose last step came back just before the
    # interrupt and was joined is there whole (its manifest lists every file with its hash), any other not at all
    assert not (out / "tiny_course" / "course.json").exists()
    left = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert not [name for name in left if "/." in name or name.startswith(".")], left
    for lesson in ("tiny_first", "tiny_second"):
        manifest = out / "tiny_course" / lesson / f"{lesson}.json"
        files = [f"tiny_course/{lesson}/{f['name']}" for f in json.loads(manifest.read_text())["files"]] if manifest.exists() else []
        assert {n for n in left if n.startswith(f"tiny_course/{lesson}/")} == ({*files, manifest.relative_to(out).as_posix()} if files else set())
        assert all(local_course[n] == tree(out)[n] for n in files)
    finished = {(lesson, step) for lesson, step, _ in drawn_in_lessons(run)}
    assert finished
    again = course_build(out, cache, "--cluster", dask_cluster.address)
    assert again.wait() == 0, again.text
    assert tree(out) == local_course
    print(f"interrupted after {sorted(finished)}\n{run.text}\nagain:\n{again.text}")
    assert not finished & {(lesson, step) for lesson, step, _ in drawn_in_lessons(again)}  # what the workers finished is reused


@pytest.mark.render
def test_render_on_a_local_cluster_of_two_matches_the_local_workers(tmp_path):
    """`lesson render --cluster local:2`: a LocalCluster started and stopped by the command, the same files."""
    script = str(HERE / "tiny_first.yaml")
    local = Run(["render", script, "-o", str(tmp_path / "local"), "--cache-dir", str(tmp_path / "c1"), "-j", "2"], ROOT)
    assert local.wait() == 0, local.text
    run = Run(["render", script, "-o", str(tmp_path / "dask"), "--cache-dir", str(tmp_path / "c2"), "--cluster", "local:2"], ROOT)
    assert run.wait() == 0, run.text
    assert re.search(r"^steps are drawn on a local Dask cluster at tcp://127\.0\.0\.1:\d+, 2 workers", run.text, re.M), run.text
    drawn = re.findall(r"^\[\d/2\] (\S+): rendered on (tcp://127\.0\.0\.1:\d+)$", run.text, re.M)
    assert sorted(step for step, _ in drawn) == ["intro", "scores"]
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


@pytest.mark.render
def test_a_step_that_fails_in_the_lesson_is_reported_by_step_and_not_retried(dask_cluster, tmp_path):
    def break_layout():  # in each worker process: the title card "overlaps" something, and every draw is counted
        import lesson.render.draw
        from scenes import layout

        real_check, real_render = layout.check, lesson.render.draw.render_step

        def check(mobjects, **kw):
            found = real_check(mobjects, **kw)
            return found + ["text overlaps text: Text('ArgMax and SoftMax') and Text('a test')"] if mobjects else found

        def render_step(*args, **kw):
            lesson.render.draw.draws = getattr(lesson.render.draw, "draws", 0) + 1
            return real_render(*args, **kw)

        layout.check, lesson.render.draw.render_step = check, render_step

    def draws():
        import lesson.render.draw

        return getattr(lesson.render.draw, "draws", 0)

    dask_cluster.client.run(break_layout)
    out = tmp_path / "out"
    run = Run(["render", str(ROOT / "tests" / "fixtures" / "extreme" / "title_only.yaml"), "-q", "low", "--voice", "none",
               "--strict-layout", "-o", str(out), "--cache-dir", str(tmp_path / "cache"), "--cluster", dask_cluster.address], ROOT)
    assert run.wait() == 1, run.text
    assert re.search(r"^step 1 'step01_title' \(title\) failed: LayoutError: step step01_title \(title\) is not laid out cleanly "
                     r"\(--strict-layout\):\n.* text overlaps text: Text\('ArgMax and SoftMax'\)", run.text, re.M), run.text
    assert "Traceback" not in run.text and "internal error" not in run.text
    assert sum(dask_cluster.client.run(draws).values()) == 1  # drawn once, on one worker: not retried
    assert not (out / "title_only.mp4").exists()


@pytest.mark.render
def test_the_workers_of_a_local_cluster_end_with_a_client_killed_with_sigkill(tmp_path):
    run = Run(["render", str(HERE / "tiny_first.yaml"), "-q", "low", "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
               "--cluster", "local:2"], ROOT)

    def session() -> list[str]:  # the processes of the command's session (it started one): the client and its workers
        out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "-s", str(run.p.pid)], capture_output=True, text=True).stdout
        return [line for line in out.splitlines() if line.strip() and int(line.split()[0]) != run.p.pid]

    try:
        until(lambda: "steps are drawn on a local Dask cluster" in run.text, 120, "the local cluster to start")
        assert len([line for line in session() if "spawn_main" in line]) == 2, session()  # its two worker processes
        os.kill(run.p.pid, signal.SIGKILL)
        run.p.wait(timeout=10)
        until(lambda: not session(), 60, "the local cluster's processes to end with their client")
    finally:
        run.wait()
        for line in session():
            os.kill(int(line.split()[0]), signal.SIGKILL)


# ---- misuse, and no Dask without --cluster ----

USAGE = "expected local:N (N worker processes on this machine) or a Dask scheduler's address such as tcp://host:8786"


@pytest.mark.parametrize("spec, why", [
    ("nonsense", USAGE), ("local:x", USAGE), ("tcp://127.0.0.1", USAGE), ("tcp://127.0.0.1:99999", USAGE), ("http://h:1", USAGE),
    ("local:0", "N must be 1 to 256 worker processes"),
])
def test_a_malformed_cluster_is_misuse_told_in_one_line_and_nothing_is_written(tmp_path, spec, why):
    result = subprocess.run([*LESSON, "render", str(HERE / "tiny_first.yaml"), "-o", str(tmp_path / "out"),
                             "--cache-dir", str(tmp_path / "cache"), "--cluster", spec], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (2, f"--cluster {spec}: {why}\n")
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()


def test_a_scheduler_that_does_not_answer_is_misuse_told_in_one_line(tmp_path):
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LESSON_CLUSTER_TIMEOUT": "2"}
    result = subprocess.run([*LESSON, "course", "build", str(COURSE), "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
                             "--cluster", f"tcp://127.0.0.1:{port}"], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"--cluster tcp://127.0.0.1:{port}: no Dask scheduler answered at "
                                                   f"tcp://127.0.0.1:{port} within 2 s ("), lines
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()


def test_without_the_cluster_extra_cluster_is_misuse_that_says_how_to_install_it(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['distributed'] = None  # as if the cluster extra were not installed\n"
        "from lesson.cli import main\n"
        f"sys.argv = ['lesson', 'render', {str(HERE / 'tiny_first.yaml')!r}, '-o', {str(tmp_path / 'out')!r}, "
        f"'--cache-dir', {str(tmp_path / 'cache')!r}, '--cluster', 'local:2']\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert (result.returncode, result.stderr) == (2, "--cluster needs Dask distributed, the cluster extra: pip install 'lesson[cluster]'\n")
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()


@pytest.mark.render
def test_render_without_cluster_never_imports_dask(tmp_path):
    code = (
        "import sys\n"
        "from lesson.cli import main\n"
        f"sys.argv = ['lesson', 'render', {str(HERE / 'tiny_first.yaml')!r}, '--only', 'intro', '-o', {str(tmp_path / 'out')!r}, "
        f"'--cache-dir', {str(tmp_path / 'cache')!r}]\n"
        "status = None\n"
        "try:\n    main()\nexcept SystemExit as e:\n    status = e.code\n"
        "print('exit', status, sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.stdout.splitlines()[-1] == "exit 0 []", result.stdout + result.stderr
    assert (tmp_path / "out" / "tiny_first.mp4").is_file()


def test_a_worker_with_other_drawing_code_refuses_the_step_and_draws_nothing(tmp_path):
    from lesson.render.executor import StepJob, cluster_task
    from lesson.check import check_lesson
    from lesson.base.timing import StepTiming

    plan = check_lesson(HERE / "tiny_first.yaml").plan
    step = plan.steps[0]
    target = tmp_path / "sections" / "k.mp4"
    job = StepJob(step, plan.style, "low", StepTiming(0.3, 2.0, 0.6), target, tmp_path / "drawings" / "d",
                  code=step.code[::-1])
    key, digest, error = cluster_task(job)
    assert (key, digest) == ("k", None)
    assert error.endswith(f"has other code for steps of kind '{step.kind}' than the client: install the same version of "
                          "lesson (and Manim) on the client and every worker")
    assert not (tmp_path / "sections").exists() and not (tmp_path / "drawings").exists()
