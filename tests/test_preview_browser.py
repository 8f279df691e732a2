"""``lesson preview`` as an author uses it: the page in headless Chromium (Selenium, Debian's chromedriver) while the
lesson script is edited, broken and fixed; its server's refusals (paths out of its folder, another Host); Ctrl-C.

    LESSON_PREVIEW_SCREENSHOT=docs/preview-page.png python -m pytest tests/test_preview_browser.py   # the README's screenshot
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from media import write_tone

from course_fixtures.course_helpers import HERE, chrome, wait_for

pytestmark = pytest.mark.browser
LESSON = HERE / "tiny_first.yaml"  # two steps, silent (timed at its words per minute), -q low
OLD = "It scores a dry day at {raw.dry}."
NEW = "It scores a dry day at {raw.dry}, and a score of 1.09 wins."  # a typed number: lesson check warns
VIDEO = "document.getElementById('video')"


class Preview:
    """``lesson preview`` of the script named as an author does (in its folder), running in its own process on a free
    port; its stderr read in a thread."""

    def __init__(self, script: Path, cache: Path, *options: str, env: dict | None = None):
        self.script = script
        self.lines: list[str] = []
        self.seen = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lesson", "preview", script.name, "--port", "0", "--cache-dir", str(cache), *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=script.parent, env={**os.environ, **(env or {})},
        )
        threading.Thread(target=self._read, daemon=True).start()
        found = self.wait_line(r"http://127\.0\.0\.1:(\d+)/")
        self.port = int(found[1])
        self.url = f"http://127.0.0.1:{self.port}/"

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.seen:
                self.lines.append(line.rstrip("\n"))
                self.seen.notify_all()
        with self.seen:
            self.lines.append("<exit>")
            self.seen.notify_all()

    def wait_line(self, pattern: str, after: int = 0, timeout: float = 180.0) -> re.Match:
        """The first line from ``after`` on that matches ``pattern`` (waiting for it; an exit first fails)."""
        with self.seen:
            found: list[re.Match] = []

            def ready() -> bool:
                for line in self.lines[after:]:
                    m = re.search(pattern, line)
                    if m:
                        found.append(m)
                        return True
                return "<exit>" in self.lines

            assert self.seen.wait_for(ready, timeout), f"no line matching {pattern!r}: {self.lines}"
            assert found, f"lesson preview ended before {pattern!r}: {self.lines}"
            return found[0]

    def request(self, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
        """``path`` sent exactly as written (no normalisation), with ``host`` as the Host header."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            connection.endheaders()
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preview")
    script = folder / "tiny_first.yaml"
    shutil.copyfile(LESSON, script)
    running = Preview(script, tmp_path_factory.mktemp("cache"))
    try:
        running.wait_line(r"new video")
        yield running
    finally:
        if running.process.poll() is None:
            running.interrupt()


@pytest.fixture(scope="module")
def driver():
    d = chrome(1366, 900)
    try:
        yield d
    finally:
        d.quit()


def state(d) -> dict:
    return d.execute_script("return window.preview.state")


def screenshot(d, at: float, target: Path, copy: str | None) -> None:
    """The page with the video paused at ``at`` seconds, once that frame is on screen and its caption showing."""
    d.execute_script(f"{VIDEO}.pause()")
    presented = d.execute_async_script(
        f"const done = arguments[arguments.length - 1], v = {VIDEO};"
        "if (Math.abs(v.currentTime - arguments[0]) < 0.001 && v.readyState >= 2) done(v.currentTime);"  # shown already
        "else { v.requestVideoFrameCallback((now, meta) => done(meta.mediaTime)); v.currentTime = arguments[0]; }", at)
    assert abs(presented - at) < 0.1
    wait_for(d, f"!{VIDEO}.seeking && {VIDEO}.textTracks[0].activeCues.length > 0")
    d.save_screenshot(str(target))
    if copy:
        shutil.copyfile(target, copy)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_an_edit_reloads_the_video_at_the_changed_step_and_a_broken_script_shows_its_error(preview, driver, tmp_path):
    d = driver
    d.get(preview.url)
    wait_for(d, f"window.preview && window.preview.state && {VIDEO}.dataset.version && {VIDEO}.readyState >= 1")
    first = d.execute_script(f"return {VIDEO}.dataset.version")
    src = d.execute_script(f"return {VIDEO}.currentSrc")
    steps = state(d)["lessons"][0]["steps"]
    listed = d.execute_script("return [...document.querySelectorAll('#steps li')].map(li => li.innerText)")
    assert [text.split(" frames")[0] for text in listed] == [f"0:0{int(s['start'])} {s['title']} ({s['duration']:.1f} s)" for s in steps]
    numbers = dict(d.execute_script("return [...document.querySelectorAll('#numbers tbody tr')]"
                                    ".map(tr => [tr.cells[0].innerText, tr.cells[1].innerText])"))
    assert numbers["{raw.rain}"] == "1.09" and numbers["{raw.dry}"] == "-0.31"  # as lesson numbers prints it
    assert d.find_element("id", "warnings").text == "none"
    assert [d.find_element("id", name).text for name in ("equations", "relations")] == ["none", "none"]  # this lesson has neither

    # an edited sentence in the second step: a new video, from the start of that step, with the new captions
    text = preview.script.read_text(encoding="utf-8")
    mark = len(preview.lines)
    (preview.script.parent / "notes.log").write_text("the author's own file, which the lesson does not read\n", encoding="utf-8")
    preview.script.write_text(text.replace(OLD, NEW), encoding="utf-8")
    wait_for(d, f"{VIDEO}.dataset.version != arguments[0] && {VIDEO}.readyState >= 1 && !{VIDEO}.seeking", 10, first)
    steps = state(d)["lessons"][0]["steps"]
    assert [s["changed"] for s in steps] == [False, True]
    assert [line for line in preview.lines[mark:] if line.startswith("saved:")] == ["saved: tiny_first.yaml"]
    assert d.execute_script(f"return {VIDEO}.currentSrc") != src
    assert d.execute_script("return window.preview.seekedTo") == steps[1]["start"] == 4.0
    assert steps[1]["start"] <= d.execute_script(f"return {VIDEO}.currentTime") < steps[1]["start"] + steps[1]["duration"]
    wait_for(d, f"[...{VIDEO}.textTracks[0].cues || []].some(c => c.text.includes('1.09 wins'))", 10)
    assert d.execute_script(f"return {VIDEO}.textTracks[0].mode") == "showing"

    # the typed number is a warning at its line; clicking it seeks to where the voice begins its sentence (the second)
    warning = d.find_element("css selector", "#warnings button.warning")
    warning_text = warning.text
    assert warning.text.startswith(f"{preview.script.name}:{line_of(text, OLD)}:")
    assert "the number 1.09 is a value the lesson computes" in warning.text
    d.execute_script(f"{VIDEO}.pause(); {VIDEO}.currentTime = 0.5")
    wait_for(d, f"!{VIDEO}.seeking && {VIDEO}.currentTime < 1")
    warning.click()
    sentence = next(c["time"] for c in steps[1]["cues"] if c["name"] == "sentence.2")
    assert state(d)["lessons"][0]["warnings"][0]["time"] == round(4.0 + sentence, 3) and sentence > 2
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - {4.0 + sentence}) < 0.01")

    # frame by frame: the cue buttons and the frame buttons show stills of the step
    cue = next(b for b in d.find_elements("css selector", "#cues button.cue") if b.text == "raw.rain")
    cue.click()
    frame = next(c["frame"] for c in steps[1]["cues"] if c["name"] == "raw.rain")
    wait_for(d, "document.getElementById('still').complete && document.getElementById('still').naturalWidth == 854 "
                f"&& document.getElementById('still').src.endsWith('/scores/{frame}.png')")
    d.find_element("id", "next-frame").click()
    wait_for(d, f"document.getElementById('still').src.endsWith('/scores/{frame + 1}.png') && document.getElementById('still').complete")
    assert d.find_element("id", "frame-label").text == f"The scores: frame {frame + 2} of {steps[1]['frames']} ({(frame + 1) / 15:.2f} s)"
    screenshot(d, steps[1]["start"] + 3.0, tmp_path / "preview-page.png", os.environ.get("LESSON_PREVIEW_SCREENSHOT"))

    # a broken script: its error with its line over the last good video, which stays
    good = d.execute_script(f"return {VIDEO}.dataset.version")
    broken = text.replace(OLD, NEW).replace("kind: text", "kind: txet")
    preview.script.write_text(broken, encoding="utf-8")
    wait_for(d, "!document.getElementById('errors').hidden", 10)
    errors = d.find_element("id", "error-list").text
    assert errors.startswith(f"{preview.script.name}:{line_of(broken, 'kind: txet')}:"), errors
    assert "txet" in errors
    assert d.execute_script(f"return {VIDEO}.dataset.version") == good
    assert d.find_element("id", "status").text == "the script has errors"
    screenshot(d, steps[1]["start"] + 3.0, tmp_path / "preview-errors.png", os.environ.get("LESSON_PREVIEW_ERRORS_SCREENSHOT"))

    # fixed again, saved as many editors save (a new file renamed over the old): no errors, the video as it was
    fixed = preview.script.with_name(".tiny_first.yaml.new")
    fixed.write_text(text.replace(OLD, NEW), encoding="utf-8")
    os.replace(fixed, preview.script)
    wait_for(d, "document.getElementById('errors').hidden && window.preview.state.status == 'ready'", 10)
    assert d.execute_script(f"return {VIDEO}.dataset.version") == good
    assert d.find_element("css selector", "#warnings button.warning").text == warning_text


def test_axe_core_finds_no_violation_on_the_page(preview, driver):
    from course_fixtures.course_helpers import node_file

    d = driver
    d.get(preview.url)
    wait_for(d, f"window.preview && window.preview.state && window.preview.state.status == 'ready' && {VIDEO}.readyState >= 1 "
                "&& document.getElementById('still').complete")
    d.execute_script(node_file("axe-core", "axe.min.js").read_text(encoding="utf-8"))
    found = d.execute_async_script("const done = arguments[arguments.length - 1];"
                                   "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])), e => done(String(e)))")
    assert found == []


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/static/../../../etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/..%2fsession.py", "/static/preview.html%00.js",
    "/media/1/tiny_first/../../../../etc/passwd", "/media/1/tiny_first/..%2f..%2f..%2fetc%2fpasswd",
    "/media/1/..%2f..%2fversions/tiny_first.mp4", "/media/1/tiny_first/%2fetc%2fpasswd", "/media/1/tiny_first/tiny_first.json",
    "/still/1/tiny_first/..%2f..%2fetc/1.png", "//etc/passwd", "/state/../../etc/passwd",
])
def test_paths_out_of_the_preview_are_not_found(preview, path):
    status, body = preview.request(path)
    assert status == 404 and b"root:" not in body


def test_only_its_own_loopback_host_is_answered_and_nothing_is_written(preview):
    assert preview.request("/state")[0] == 200
    assert preview.request("/state", host=f"localhost:{preview.port}")[0] == 200
    for host in ("evil.example", f"evil.example:{preview.port}", "127.0.0.1", f"127.0.0.1:{preview.port + 1}", f"127.0.0.2:{preview.port}"):
        status, body = preview.request("/state", host=host)
        assert (status, body) == (421, b"refused: this preview answers only requests for its own loopback address")
    for method in ("PUT", "POST", "DELETE"):
        assert preview.request("/media/1/tiny_first/tiny_first.mp4", method=method)[0] == 405
    assert preview.request("/upload", method="POST")[0] == 404


def test_a_course_follows_the_lesson_that_changed(tmp_path, driver):
    for name in ("course.yaml", "tiny_first.yaml", "tiny_second.yaml"):
        shutil.copyfile(HERE / name, tmp_path / name)
    hostile = '<img src=x onerror="document.title=1"> & <b>scores</b>'  # author text is data: shown, never run
    second = tmp_path / "tiny_second.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace("title: The scores", f"title: '{hostile}'"), encoding="utf-8")
    running = Preview(tmp_path / "course.yaml", tmp_path / "cache")
    try:
        running.wait_line(r"new video")
        d = driver
        d.get(running.url)
        wait_for(d, f"window.preview && window.preview.state && {VIDEO}.readyState >= 1")
        # each read in one script: the page may draw its lists again between finding an element and reading it
        assert d.execute_script("return [...document.querySelectorAll('#lessons button')].map(b => b.innerText)") == [
            "Raw scores", "The larger score"]
        assert d.execute_script(f"return {VIDEO}.dataset.lesson") == "tiny_first"
        text = second.read_text(encoding="utf-8")
        assert text.count(OLD) == 1
        second.write_text(text.replace(OLD, NEW), encoding="utf-8")
        wait_for(d, f"{VIDEO}.dataset.lesson == 'tiny_second' && {VIDEO}.readyState >= 1 && !{VIDEO}.seeking", 10)
        lesson = state(d)["lessons"][1]
        changed = [s for s in lesson["steps"] if s["changed"]]
        assert [s["id"] for s in changed] == ["scores"]
        assert d.execute_script("return window.preview.seekedTo") == changed[0]["start"] > 0
        assert d.execute_script("return document.querySelector('#lessons button[aria-current=page]').innerText") == "The larger score"
        steps = d.execute_script("return [...document.querySelectorAll('#steps li')].map(li => [li.dataset.step, li.innerText])")
        assert [step for step, _ in steps] == [s["id"] for s in lesson["steps"]]
        assert steps[1][1].startswith(f"0:{int(changed[0]['start']):02d} {hostile} (")
        assert d.execute_script("return document.querySelectorAll('img:not(#still), b').length") == 0
        assert d.title == "The larger score — lesson preview"
    finally:
        assert running.interrupt() == 130


def test_a_recording_saved_again_is_rendered_again(tmp_path):
    script = tmp_path / "tiny_first.yaml"
    script.write_text(LESSON.read_text(encoding="utf-8").replace("    id: scores\n", "    id: scores\n    audio: recordings/scores.wav\n"),
                      encoding="utf-8")
    (tmp_path / "recordings").mkdir()
    write_tone(tmp_path / "recordings" / "scores.wav", 2.0)
    running = Preview(script, tmp_path / "cache")
    try:
        running.wait_line(r"new video")
        mark = len(running.lines)
        write_tone(tmp_path / "recordings" / "scores.wav", 9.0)  # the author's voice, recorded again: longer
        assert running.wait_line(r"^saved: .*", mark)[0] == "saved: recordings/scores.wav"
        running.wait_line(r"^new video in", mark)
        status, body = running.request("/state")
        steps = json.loads(body)["lessons"][0]["steps"]
        assert status == 200 and [s["changed"] for s in steps] == [False, True] and steps[1]["duration"] > 9.0
    finally:
        assert running.interrupt() == 130


def test_ctrl_c_while_a_step_is_drawn_stops_every_process(tmp_path):
    script = tmp_path / "tiny_first.yaml"
    shutil.copyfile(LESSON, script)
    temp = tmp_path / "temp"
    temp.mkdir()
    # an empty cache: both steps are drawn by worker processes; the preview's own folder made in ``temp``
    running = Preview(script, tmp_path / "cache", env={"TMPDIR": str(temp)})
    me = psutil.Process(running.process.pid)
    children = wait_children(me)
    assert any(p.name.startswith("lesson-preview-") for p in temp.iterdir())
    assert running.interrupt() == 130
    assert "interrupted" in running.lines
    assert not [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not [p for p in temp.iterdir() if p.name.startswith("lesson-preview-")]


def wait_children(process: psutil.Process, timeout: float = 120.0) -> list[psutil.Process]:
    """The process's children, once it has forked its workers (looked for every 20 ms)."""
    end = time.monotonic() + timeout
    while not (found := process.children(recursive=True)):
        assert time.monotonic() < end and process.is_running(), "no worker process was started"
        time.sleep(0.02)
    return found
