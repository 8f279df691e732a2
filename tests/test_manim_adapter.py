"""lesson.manim_adapter: Manim is patched only when it is the version the patches were written for; otherwise one
warning, Manim left exactly as it is, and a step still renders (stock Manim), to the same pictures."""

import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What the adapter replaces, each read straight from where Manim and manimpango keep it (the class's own dict, so a
# staticmethod is compared as the object stored).
PATCHED = (
    "CairoRenderer.update_frame", "CairoRenderer.render", "VideoSegmentEncoder.write_frame",
    "tex_mobject.tex_to_svg_file", "SVGMobject.generate_mobject", "manimpango.text2svg",
    "MarkupUtils.text2svg", "PangoUtils.remove_last_M",
)

# Runs in a new interpreter (the test process may have patched Manim already, by drawing a step in it): installs the
# adapter, WRITTEN_FOR first replaced if asked, reports which of PATCHED changed, then draws one step (the SoftMax
# step of the default lesson: formulas and text) in a render worker, as `lesson render` does.
CHILD = textwrap.dedent("""
    import json, sys, warnings
    from pathlib import Path

    from lesson import manim_adapter

    fake, cache = sys.argv[1], Path(sys.argv[2])
    if fake:
        manim_adapter.WRITTEN_FOR = dict(manim_adapter.WRITTEN_FOR, manim=fake)

    import manimpango
    from manim.mobject.svg.svg_mobject import SVGMobject
    from manim.mobject.text import tex_mobject
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.video_segment_encoder import VideoSegmentEncoder
    from manim.utils import tex_file_writing

    def snapshot():
        return {
            "CairoRenderer.update_frame": vars(CairoRenderer)["update_frame"],
            "CairoRenderer.render": vars(CairoRenderer)["render"],
            "VideoSegmentEncoder.write_frame": vars(VideoSegmentEncoder)["write_frame"],
            "tex_mobject.tex_to_svg_file": tex_mobject.tex_to_svg_file,
            "SVGMobject.generate_mobject": vars(SVGMobject)["generate_mobject"],
            "manimpango.text2svg": manimpango.text2svg,
            "MarkupUtils.text2svg": vars(manimpango.MarkupUtils)["text2svg"],
            "PangoUtils.remove_last_M": vars(manimpango.PangoUtils)["remove_last_M"],
        }

    before = snapshot()
    stock_tex = tex_mobject.tex_to_svg_file is tex_file_writing.tex_to_svg_file
    installed = manim_adapter.install()
    after = snapshot()
    changed = sorted(name for name in before if after[name] is not before[name])

    from lesson.numbers import compute
    from lesson.plan import build_plan
    from lesson.render import StepRenderer
    from lesson.script import load_lesson
    from lesson.timing import StepTiming

    script = Path("lessons/argmax_softmax.yaml")
    lesson = load_lesson(script)
    plan = build_plan(lesson, script.parent, compute(lesson, script.parent))
    step = next(s for s in plan.steps if s.kind == "softmax")
    timing = StepTiming(0.3, 2.0, 0.5)
    renderer = StepRenderer(plan.style, "low", jobs=1, cache_dir=cache)
    renderer.submit(step, timing)
    [result] = renderer.results([step])
    print(json.dumps({
        "installed": installed, "patched": manim_adapter.patched(), "stock_tex_before": stock_tex,
        "changed": changed, "tex_is_adapters": tex_mobject.tex_to_svg_file is manim_adapter.tex_to_svg,
        "frames": result.video.frames, "motion_frames": result.video.motion_frames,
        "drawing": str(renderer.drawing(step, timing)),
    }))
""")


def run_child(tmp: Path, fake_version: str) -> tuple[dict, str]:
    """(the child's report, its stderr); its temporary folder is ``tmp/tmp``, to see what it leaves there."""
    (tmp / "tmp").mkdir(parents=True)
    env = os.environ | {"TMPDIR": str(tmp / "tmp")}
    done = subprocess.run([sys.executable, "-c", CHILD, fake_version, str(tmp / "cache")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same step drawn with the patches (the versions they were written for) and with stock Manim (a version
    they were not written for)."""
    patched = run_child(tmp_path_factory.mktemp("patched"), "")
    stock_tmp = tmp_path_factory.mktemp("stock")
    stock = run_child(stock_tmp, "0.0.1")
    return patched, stock, stock_tmp


def drawn_files(drawing: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(drawing).iterdir()) if p.suffix in (".mp4", ".png")}


@pytest.mark.render
def test_the_versions_written_for_install_every_patch_without_a_warning(both):
    (report, stderr), _, _ = both
    assert report["installed"] is True and report["patched"] is True
    assert report["stock_tex_before"] is True
    assert report["changed"] == sorted(PATCHED)
    assert report["tex_is_adapters"] is True
    assert "ManimVersionWarning" not in stderr
    assert report["motion_frames"] > 0 and report["frames"] > report["motion_frames"]


@pytest.mark.render
def test_other_versions_warn_once_and_leave_manim_as_it_is(both):
    _, (report, stderr), _ = both
    assert report["installed"] is False and report["patched"] is False
    assert report["changed"] == []  # every attribute is the very object it was before
    assert report["tex_is_adapters"] is False
    # one warning for the render, naming both versions, though the worker that drew the step installed again
    assert stderr.count("ManimVersionWarning") == 1
    warning = next(line for line in stderr.splitlines() if "ManimVersionWarning" in line)
    installed = subprocess.run([sys.executable, "-c", "import manim; print(manim.__version__)"], capture_output=True,
                               text=True, check=True).stdout.strip()
    assert "manim 0.0.1" in warning and f"manim {installed}" in warning


@pytest.mark.render
def test_stock_manim_draws_the_step_to_the_same_pictures(both):
    (patched, _), (stock, _), stock_tmp = both
    assert stock["frames"] == patched["frames"] and stock["motion_frames"] == patched["motion_frames"] > 0
    a, b = drawn_files(patched["drawing"]), drawn_files(stock["drawing"])
    assert len(a) >= 3 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    # stock Manim kept its LaTeX and text pictures in the worker's own folder, not in the shared cache, and that
    # folder went with the worker
    cache = stock_tmp / "cache"
    assert not list((cache / "tex").glob("*.svg")) and not list((cache / "texts").glob("*.svg"))
    assert list((stock_tmp / "tmp").iterdir()) == []


def test_check_names_both_versions_once(monkeypatch):
    from lesson import manim_adapter

    monkeypatch.setattr(manim_adapter, "_matches", None)
    monkeypatch.setattr(manim_adapter, "WRITTEN_FOR", {"manim": "9.9.9", "manimpango": "0.0.0"})
    with pytest.warns(manim_adapter.ManimVersionWarning, match=r"manim 9\.9\.9, manimpango 0\.0\.0.*manim \d"):
        assert manim_adapter.check() is False
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        assert manim_adapter.check() is False
    assert again == []  # told once


def test_the_versions_written_for_are_the_installed_ones():
    """Fails after an upgrade of Manim or manimpango: check the patches against the new version's source (and run
    this file), then set WRITTEN_FOR to it."""
    from lesson import manim_adapter

    assert manim_adapter.installed_versions() == manim_adapter.WRITTEN_FOR
