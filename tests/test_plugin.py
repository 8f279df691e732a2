"""A step kind from another installed package (entry-point group ``lesson.step_kinds``).

``tests/plugin_example`` is a real package: it is built and installed with pip (no network: setuptools comes
with the test extra) into a folder of its own, which the ``lesson`` commands then see on PYTHONPATH.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typing import Literal

from lesson import kinds
from lesson.script.parts import StepBase

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "tests" / "plugin_example"

LESSON = """\
id: plugin_lesson
title: Weather
network:
  inputs:
    - {name: humidity, label: Humidity, unit: "%", range: [0, 100]}
  layers:
    - activation: identity
      weights: [[0.8], [-0.6]]
      bias: [0.1, 0.3]
  classes:
    - {name: rain, label: Rain, color: "#4fa3e0"}
    - {name: dry, label: Dry, color: "#f08a4b"}
example:
  raw: {humidity: 85}
narration: {voice: none}
steps:
  - {kind: title, title: Weather, narration: "Will it rain?"}
  - kind: big_number
    title: The chance of rain
    narration: "The network gives rain a probability of {softmax.rain}."
    value: "{softmax.rain}"
    caption: "SoftMax output for {label.rain}"
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The plug-in built from a copy of its source and installed into a folder of its own."""
    tmp = tmp_path_factory.mktemp("plugin")
    source = tmp / "source"
    shutil.copytree(PLUGIN, source)
    site = tmp / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", "--target", str(site), str(source)],
        check=True, capture_output=True, text=True,
    )
    script = tmp / "lesson.yaml"
    script.write_text(LESSON)
    return site, script


def line_of(text: str) -> int:
    return next(n for n, line in enumerate(LESSON.splitlines(), start=1) if text in line)


def lesson(*args: str, site: Path | None, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site) if site else ""}
    return subprocess.run([sys.executable, "-m", "lesson", *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_without_the_plugin_the_kind_is_unknown_at_its_line(installed):
    site, script = installed
    done = lesson("check", str(script), site=None, cwd=script.parent)
    assert done.returncode == 1
    assert f"{script}:{line_of('kind: big_number')}:" in done.stderr and "unknown step kind 'big_number'" in done.stderr


def test_the_plugin_kind_is_checked_like_a_built_in_one(installed):
    site, script = installed
    assert lesson("check", str(script), site=site, cwd=script.parent).returncode == 0
    broken = script.with_name("broken.yaml")
    broken.write_text(LESSON.replace('value: "{softmax.rain}"', 'value: "{softmax.rian}"'))
    done = lesson("check", str(broken), site=site, cwd=script.parent)
    assert done.returncode == 1
    assert f"{broken}:{line_of('value:')}:" in done.stderr and "did you mean {softmax.rain}" in done.stderr


def test_lesson_kinds_lists_the_plugin_kind_with_its_package(installed):
    site, script = installed
    listed = lesson("kinds", site=site, cwd=script.parent).stdout.splitlines()
    assert any(line.startswith("big_number ") and "(from lesson-plugin-example)" in line for line in listed)
    assert any(line.startswith("softmax ") and "(from" not in line for line in listed)
    assert not any(line.startswith("big_number ") for line in lesson("kinds", site=None, cwd=script.parent).stdout.splitlines())


@pytest.mark.render
def test_the_plugin_kind_renders_and_is_drawn_again_when_its_source_changes(installed):
    site, script = installed
    out, cache = script.parent / "out", script.parent / "cache"
    args = ("render", str(script), "-q", "low", "--strict-layout", "-o", str(out), "--cache-dir", str(cache))
    first = lesson(*args, site=site, cwd=script.parent)
    assert first.returncode == 0, first.stderr
    assert "step02_big_number: rendered" in first.stderr
    assert (out / "plugin_lesson.mp4").stat().st_size > 10_000
    again = lesson(*args, site=site, cwd=script.parent)
    assert "step02_big_number: cached" in again.stderr
    scene = site / "lesson_plugin_example" / "scene.py"
    scene.write_text(scene.read_text().replace("buff=0.5)", "buff=0.6)"))
    changed = lesson(*args, site=site, cwd=script.parent)
    assert changed.returncode == 0, changed.stderr
    assert "step02_big_number: rendered" in changed.stderr
    assert "step01_title: cached" in changed.stderr  # the other kinds' steps are not drawn again


def test_a_kind_whose_options_do_not_name_it_is_refused():
    class Options(StepBase):
        kind: Literal["other"]

    with pytest.raises(kinds.KindError, match=r"kind: Literal\['mine'\]"):
        kinds._validate(kinds.StepKind("mine", Options, lambda s, c: {}, "x:Y", "mine"), "plug-in test")
    with pytest.raises(kinds.KindError, match="lower-case"):
        kinds._validate(kinds.StepKind("Mine", Options, lambda s, c: {}, "x:Y", "mine"), "plug-in test")
