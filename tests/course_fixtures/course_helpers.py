"""Shared by tests/test_course*.py: the tiny course built once per test session, headless Chromium, a local HTTP server."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COURSE = HERE / "course.yaml"
_built: dict[str, object] = {}


def build_tiny_course(base: Path):
    """The two-lesson test course (silent, -q low), built into ``base/out`` with its own cache (once per session)."""
    if "result" not in _built:
        from lesson.course.build import build_course
        from lesson.course.load import check_course

        course = check_course(COURSE)
        result = build_course(course, base / "out", quality="low", jobs=2, cache_dir=base / "cache")
        _built["result"] = (course, result, base)
    return _built["result"]


def chrome(width: int = 1280, height: int = 900):
    """Headless Debian Chromium driven by Selenium (the system's chromedriver), playing video without a gesture.

    A navigation returns at DOMContentLoaded ("eager"): a page's ``<video>`` holds back its load event until the
    media is ready, and one CI run saw a first navigation wait on it past Selenium's 120 s. The tests wait for what
    they need themselves (``wait_for``). Nothing plays on a sound device (there is none on a CI machine), no GPU
    process starts and nothing reaches for the network in the background.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    options.page_load_strategy = "eager"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
                f"--window-size={width},{height}", "--hide-scrollbars", "--mute-audio", "--disable-audio-output",
                "--force-device-scale-factor=1", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    return driver


def wait_for(driver, script: str, timeout: float = 20.0, *args):
    """Poll ``script`` (a JS expression returned by the page) until it is truthy; its value."""
    end = time.monotonic() + timeout
    while True:
        value = driver.execute_script("return " + script, *args)
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.05)


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 serving ``root``; ``handler`` may answer some requests itself."""

    def __init__(self, root: Path, special=None):
        outer = self
        self.root = root
        self.special = special

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(root), **kw)

            def log_message(self, *a):  # quiet
                pass

            def _special(self, method: str) -> bool:
                if outer.special is None:
                    return False
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = outer.special(method, self.path, dict(self.headers), body)
                if answer is None:
                    return False
                status, payload = answer
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(data)
                return True

            def do_GET(self):
                if not self._special("GET"):
                    self._file()

            def _file(self):
                """A file, or the byte range asked for (a video is seekable only when its server answers ranges)."""
                path = Path(self.translate_path(self.path))
                if not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                ctype = self.guess_type(str(path))
                m = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range") or "")
                if m and (m[1] or m[2]):
                    start = int(m[1]) if m[1] else len(data) - int(m[2])
                    end = min(int(m[2]), len(data) - 1) if m[1] and m[2] else len(data) - 1
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
                    data = data[start:end + 1]
                else:
                    self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                if not self._special("POST"):
                    self.send_error(404)

            def do_PUT(self):
                if not self._special("PUT"):
                    self.send_error(404)

            def do_OPTIONS(self):
                self.send_response(204)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Experience-API-Version")
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def unzip(zip_path: Path, target: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(zip_path) as z:
        z.extractall(target)
    return target


NODE = HERE.parent / "node" / "node_modules"  # the tests' npm packages (dev.sh: npm ci in tests/node)


def node_file(package: str, name: str) -> Path:
    """A file of a test-only npm package; a clear failure when ./dev.sh setup has not installed them."""
    path = NODE / package / name
    if not path.is_file():
        raise AssertionError(f"{path} is missing: run ./dev.sh setup (it runs npm ci in tests/node)")
    return path


def copy_lms_page(target: Path) -> None:
    """The SCORM 1.2 LMS page and scorm-again's SCORM 1.2 API beside the unzipped package."""
    shutil.copy(HERE / "scorm_lms.html", target / "scorm_lms.html")
    shutil.copy(node_file("scorm-again", "dist/scorm12.js"), target / "scorm12.js")


@functools.lru_cache(maxsize=None)
def vtt_cues(path: Path) -> tuple[tuple[float, float, str], ...]:
    """The cues of a WebVTT file, read here independently of lesson.course.page: (start, end, text)."""
    def seconds(t: str) -> float:
        h, m, s = t.strip().split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    out = []
    for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        lines = [x for x in block.strip().split("\n") if x]
        if len(lines) >= 3:
            a, b = lines[1].split(" --> ")
            out.append((seconds(a), seconds(b), " ".join(lines[2:])))
    return tuple(out)
