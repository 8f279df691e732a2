"""Files and processes: one render at a time per output folder, workers that end with their parent, folders checked
before any work, work files of killed renders cleaned away, and TeX that cannot read, write or run anything
outside its work folder."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from hashlib import sha256
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "argmax_softmax.yaml"
pytestmark = pytest.mark.render


def render_cmd(out: Path, cache: Path, *steps: str, jobs: int = 1) -> list[str]:
    only = [a for s in steps for a in ("--only", s)]
    return [sys.executable, "-m", "lesson", "render", str(LESSON), "-q", "low", "--voice", "none", "-j", str(jobs),
            *only, "-o", str(out), "--cache-dir", str(cache)]


def assert_one_whole_package(out: Path) -> None:
    """``out`` holds exactly the files of one render, each as its manifest describes it, and nothing half-made."""
    manifest = json.loads((out / "argmax_softmax.json").read_text())
    listed = {f["name"]: f for f in manifest["files"]}
    # nothing else: no lock file, no staging folder
    assert sorted(p.name for p in out.iterdir()) == sorted([*listed, "argmax_softmax.json"])
    for name, f in listed.items():
        data = (out / name).read_bytes()
        assert len(data) == f["bytes"] and sha256(data).hexdigest() == f["sha256"], name


def test_two_renders_into_one_folder_at_once_both_succeed(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    cmd = render_cmd(out, cache, "intro", "summary")
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    assert_one_whole_package(out)
    # a render that had to wait named the one it waited for
    for (_, err), other in zip(results, reversed(procs)):
        if "waiting for" in err:
            assert f"waiting for process {other.pid}, which is rendering into {out}/" in err


def test_a_render_waits_for_the_folder_lock_says_so_once_then_renders(tmp_path):
    from lesson.package.outdir import output_lock

    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    log = tmp_path / "stderr.txt"
    with output_lock(out):  # as another render would hold it
        with log.open("w") as err:
            proc = subprocess.Popen(render_cmd(out, cache, "intro"), stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 120
        while "waiting for" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.1)
        assert f"waiting for process {os.getpid()}, which is rendering into {out}/" in log.read_text()
        time.sleep(1.0)
        assert proc.poll() is None  # it keeps waiting ...
        assert not list(out.glob("argmax_softmax*"))  # ... and writes nothing meanwhile
    assert proc.wait(timeout=600) == 0, log.read_text()
    assert log.read_text().count("waiting for") == 1
    assert_one_whole_package(out)


def test_renders_into_two_folders_sharing_one_cache_at_once(tmp_path):
    """Both draw the same steps into one cache at once: LaTeX, text pictures, drawings and sections never collide."""
    from lesson.narration.narrate import narrate
    from lesson.numbers.compute import compute
    from lesson.plan import build_plan
    from lesson.check import load_lesson

    cache = tmp_path / "cache"
    lesson = load_lesson(LESSON)
    # the silent narration first: both renders then only read the speech cache (lesson/narration/narrate.py writes its
    # temporary files without a pid, which is not what this test is about)
    narrate(build_plan(lesson, LESSON.parent, compute(lesson, LESSON.parent)), "none", 150, cache)
    outs = [tmp_path / "a", tmp_path / "b"]
    procs = [subprocess.Popen(render_cmd(o, cache, "intro", "formula"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for o in outs]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err
    for o in outs:
        assert_one_whole_package(o)
    durations = {json.loads((o / "argmax_softmax.json").read_text())["duration"] for o in outs}
    assert len(durations) == 1
    assert list((cache / "tex").glob("*.svg"))  # the formula step's LaTeX, shared
    assert not [p for p in cache.rglob(".*")]  # no work file left behind


def children_of(pid: int) -> dict[int, str]:
    """{pid: start time} of the processes whose parent is ``pid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found[int(entry.name)] = fields[19]
    return found


def still_running(pid: int, started: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] != "Z"  # the same process, not a zombie waiting to be reaped


def render_with_workers_drawing(tmp_path: Path, **popen) -> tuple[subprocess.Popen, dict[int, str]]:
    """A whole-lesson render with two workers, once both are there and steps are being drawn; and its workers."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    proc = subprocess.Popen(render_cmd(out, cache, jobs=2), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen)
    deadline = time.monotonic() + 300
    workers: dict[int, str] = {}
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        workers = children_of(proc.pid)
        if len(workers) == 2 and list((cache / "sections").glob(".work-*")):
            break
        time.sleep(0.1)
    assert len(workers) == 2
    return proc, workers


def test_workers_end_when_the_main_process_is_killed(tmp_path):
    proc, workers = render_with_workers_drawing(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)  # the main process only: it cannot pass anything on
    proc.wait()
    deadline = time.monotonic() + 10
    while any(still_running(p, s) for p, s in workers.items()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p, s in workers.items() if still_running(p, s)]


def test_ctrl_c_stops_the_workers_at_once(tmp_path):
    proc, workers = render_with_workers_drawing(tmp_path, start_new_session=True)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole process group
    assert proc.wait(timeout=30) == 130
    err = proc.stderr.read().decode()
    assert "Traceback" not in err and "interrupted" in err
    assert not [p for p, s in workers.items() if still_running(p, s)]
    out = tmp_path / "out"
    assert not (out / "argmax_softmax.mp4").exists() and not list(out.glob(".*"))  # no partial files, no lock


def test_sigterm_stops_the_render_and_its_workers(tmp_path):
    proc, workers = render_with_workers_drawing(tmp_path)
    proc.terminate()  # the main process only
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert "Traceback" not in proc.stderr.read().decode()
    assert not [p for p, s in workers.items() if still_running(p, s)]
    out = tmp_path / "out"
    assert not (out / "argmax_softmax.mp4").exists() and not list(out.glob(".*"))


UNUSABLE = {  # tests run as root, whom permissions do not stop: folders under a file, and /proc, which no one writes
    "out is a file": ("-o", "afile"),
    "out under a file": ("-o", "afile/sub"),
    "out in /proc": ("-o", "/proc/lesson-out"),
    "out is /proc": ("-o", "/proc"),
    "cache is a file": ("--cache-dir", "afile"),
    "cache under a file": ("--cache-dir", "afile/sub"),
    "cache in /proc": ("--cache-dir", "/proc/lesson-cache"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_unusable_folders_are_refused_before_any_work(tmp_path, case):
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    out, cache = tmp_path / "out", tmp_path / "cache"
    bad = (UNUSABLE[case][0], tmp_path / UNUSABLE[case][1])  # an absolute second part stays as it is
    cmd = render_cmd(out, cache, "intro")
    cmd[cmd.index(bad[0]) + 1] = str(bad[1])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert str(bad[1]) in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert afile.read_text() == "not a folder"
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith("argmax_softmax")]
    assert not (cache / "sections").exists() and not (cache / "speech").exists()  # nothing rendered, nothing spoken


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_work_files_of_dead_renders_are_removed_by_the_next_render(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    dead, alive = dead_pid(), os.getpid()
    files = {  # what a render killed while writing leaves, by the pid in its name
        "sections/.k.mp4.{}": "file", "sections/.k.json.{}": "file", "sections/.work-{}-intro-x1": "folder",
        "drawings/.draw-{}-x2": "folder", "drawings/d1/.still-001-30.mp4.{}": "file", "tex/.work-{}-x3": "folder",
        "texts/.a.svg.{}": "file", "speech/k.aac.{}.npz": "file", "voices/.model.onnx.{}": "file",
    }
    two_minutes_ago = time.time() - 120

    def make(name: str, kind: str) -> Path:
        path = cache / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "folder":
            path.mkdir()
            (path / "half-written").write_bytes(b"x")
            os.utime(path / "half-written", (two_minutes_ago, two_minutes_ago))
        else:
            path.write_bytes(b"x")
        os.utime(path, (two_minutes_ago, two_minutes_ago))
        return path

    of_dead = [make(n.format(dead), k) for n, k in files.items()]
    of_live = [make(n.format(alive), k) for n, k in files.items()]  # a render still running
    just_now = cache / "sections" / f".j.mp4.{dead}"  # a pid this process cannot see may still be writing it
    just_now.write_bytes(b"x")
    old_tmp = make("speech/k2.tmp.npz", "file")  # no pid: removed once an hour old
    os.utime(old_tmp, (time.time() - 7200, time.time() - 7200))
    kept = cache / "drawings" / "d1" / "script.json"
    kept.write_text("{}")

    done = subprocess.run(render_cmd(out, cache, "intro"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert [p for p in of_dead if p.exists()] == []
    assert not old_tmp.exists()
    assert all(p.exists() for p in of_live) and just_now.exists() and kept.exists()


# ---------------------------------------------------------------- TeX

def typeset(body: str, work: Path, env: dict) -> tuple[int, str]:
    """Typeset ``body`` as a formula of the project's template the way lesson.manim.adapter.compile_tex_svg does
    (in ``work``, relative names), with the environment ``env``: (exit status, TeX's log)."""
    from manim.utils.tex_file_writing import make_tex_compilation_command

    from scenes.style import SANS_MATH

    work.mkdir(parents=True, exist_ok=True)
    (work / "formula.tex").write_text(SANS_MATH.get_texcode_for_expression_in_env(body, "align*"), encoding="utf-8")
    command = make_tex_compilation_command(
        SANS_MATH.tex_compiler, SANS_MATH.output_format, Path("formula.tex"), Path(".")
    )
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, timeout=120)
    log = work / "formula.log"
    return done.returncode, log.read_text(errors="replace") if log.exists() else ""


def test_tex_sandbox_settings_stop_reading_writing_and_running_outside_the_work_folder(tmp_path):
    from lesson.manim.texsandbox import TEX_SANDBOX

    token = secrets.token_hex(8)
    secret = tmp_path / "secret.tex"
    secret.write_text(f"\\typeout{{LEAKED-{token}}}leaked", encoding="utf-8")
    written, ran = tmp_path / "written.tex", tmp_path / "ran"
    probes = {
        "read": f"\\text{{\\input{{{secret}}}}}",
        "read /etc/hostname": r"\text{\input{/etc/hostname}}",
        "write": f"\\immediate\\newwrite\\leak\\immediate\\openout\\leak={written}"
                 "\\immediate\\write\\leak{x}\\immediate\\closeout\\leak x",
        "shell": f"\\immediate\\write18{{touch {ran}}}x",
    }
    permissive = os.environ | {"shell_escape": "t", "openin_any": "a", "openout_any": "a"}
    sandboxed = os.environ | TEX_SANDBOX

    # without the settings, each probe gets through (so the checks below can see a leak)
    _, log = typeset(probes["read"], tmp_path / "open-1", permissive)
    assert f"LEAKED-{token}" in log
    _, log = typeset(probes["read /etc/hostname"], tmp_path / "open-2", permissive)
    assert "(/etc/hostname" in log
    typeset(probes["write"], tmp_path / "open-3", permissive)
    assert written.exists()
    typeset(probes["shell"], tmp_path / "open-4", permissive)
    assert ran.exists()
    written.unlink()
    ran.unlink()

    # with them, nothing does: the read fails (and so the formula), nothing is written, nothing runs
    status, log = typeset(probes["read"], tmp_path / "closed-1", sandboxed)
    assert status != 0 and f"LEAKED-{token}" not in log
    status, log = typeset(probes["read /etc/hostname"], tmp_path / "closed-2", sandboxed)
    assert status != 0 and "(/etc/hostname" not in log
    typeset(probes["write"], tmp_path / "closed-3", sandboxed)
    assert not written.exists()
    typeset(probes["shell"], tmp_path / "closed-4", sandboxed)
    assert not ran.exists()


def _formula_in_worker(tex_dir: str, body: str) -> tuple[dict, str]:
    """In a render worker: its TeX settings, and what Manim's MathTex (as a scene makes it) does with ``body``."""
    from manim import MathTex, tempconfig

    from lesson.manim.texsandbox import TEX_SANDBOX
    from scenes.style import SANS_MATH

    env = {k: os.environ.get(k) for k in TEX_SANDBOX}
    try:
        with tempconfig({"tex_dir": tex_dir}):
            MathTex(body, tex_template=SANS_MATH)
    except ValueError as exc:
        return env, f"refused: {exc}"
    return env, "typeset"


def test_render_workers_run_tex_sandboxed(tmp_path):
    from lesson.plan import Style
    from lesson.render.steps import StepRenderer
    from lesson.manim.texsandbox import TEX_SANDBOX

    style = Style("#000000", "#ffffff", "#888888", "#ff0000", "Sans", ())
    renderer = StepRenderer(style, "low", jobs=1, cache_dir=tmp_path / "cache")
    renderer.start(1)
    tex = str(tmp_path / "tex")
    try:  # the worker the renderer forked, as it would draw a step
        env, hostname = renderer.executor._pool.submit(_formula_in_worker, tex, r"\text{\input{/etc/hostname}}").result(120)
        _, plain = renderer.executor._pool.submit(_formula_in_worker, tex, r"x^2").result(120)
    finally:
        renderer.close()
    assert env == TEX_SANDBOX
    assert hostname.startswith("refused")
    assert plain == "typeset"
    assert len(list((tmp_path / "tex").glob("*.svg"))) == 1 and not list((tmp_path / "tex").glob(".*"))


def test_an_invalid_lesson_leaves_no_output_folder_behind(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text((ROOT / "lessons" / "argmax_softmax.yaml").read_text().replace("decimals: 2", "decimals: 12"))
    out = tmp_path / "new" / "out"
    result = subprocess.run([sys.executable, "-m", "lesson", "render", str(broken), "-o", str(out), "--cache-dir", str(tmp_path / "c")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "display decimals: must be at most 6" in result.stderr
    assert not (tmp_path / "new").exists() and not (tmp_path / "c").exists()
