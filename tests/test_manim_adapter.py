"""lesson.manim.adapter: Manim is patched only when it is the version the patches were written for; otherwise one
warning, Manim left exactly as it is, and a step still renders (stock Manim), to the same pictures."""

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]

# What the adapter replaces, each read straight from where Manim and manimpango keep it (the class's own dict, so a
# staticmethod is compared as the object stored).
PATCHED = (
    "CairoRenderer.update_frame", "CairoRenderer.render", "VideoSegmentEncoder.write_frame",
    "tex_mobject.tex_to_svg_file", "SVGMobject.generate_mobject", "manimpango.text2svg",
    "MarkupUtils.text2svg", "PangoUtils.remove_last_M", "VMobject.get_points_defining_boundary",
    "Mobject.reduce_across_dimension", "Scene.get_moving_and_static_mobjects", "CairoRenderer.save_static_frame_data",
)

# Runs in a new interpreter (the test process may have patched Manim already, by drawing a step in it): installs the
# adapter, WRITTEN_FOR first replaced if asked, reports which of PATCHED changed, then draws one step (the SoftMax
# step of the default lesson: formulas and text) in a render worker, as `lesson render` does.
CHILD = textwrap.dedent("""
    import json, sys, warnings
    from pathlib import Path

    from lesson.manim import adapter as manim_adapter

    fake, cache = sys.argv[1], Path(sys.argv[2])
    if fake:
        manim_adapter.WRITTEN_FOR = dict(manim_adapter.WRITTEN_FOR, manim=fake)

    import manimpango
    from manim.mobject.mobject import Mobject
    from manim.mobject.svg.svg_mobject import SVGMobject
    from manim.mobject.text import tex_mobject
    from manim.mobject.types.vectorized_mobject import VMobject
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene import Scene
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
            "VMobject.get_points_defining_boundary": vars(VMobject)["get_points_defining_boundary"],
            "Mobject.reduce_across_dimension": vars(Mobject)["reduce_across_dimension"],
            "Scene.get_moving_and_static_mobjects": vars(Scene)["get_moving_and_static_mobjects"],
            "CairoRenderer.save_static_frame_data": vars(CairoRenderer)["save_static_frame_data"],
        }

    before = snapshot()
    stock_tex = tex_mobject.tex_to_svg_file is tex_file_writing.tex_to_svg_file
    installed = manim_adapter.install()
    after = snapshot()
    changed = sorted(name for name in before if after[name] is not before[name])

    from lesson.numbers.compute import compute
    from lesson.plan import build_plan
    from lesson.render.steps import StepRenderer
    from lesson.check import load_lesson
    from lesson.base.timing import StepTiming

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
    from lesson.manim import adapter as manim_adapter

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
    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.installed_versions() == manim_adapter.WRITTEN_FOR


# ---------------------------------------------------------------- what the patches change, against Manim's own


def vmobject_tree(draw, depth: int = 0):
    """A VMobject with random whole cubic curves (or one lone point, or none) and up to three such children."""
    from manim import VMobject

    m = VMobject()
    shape = draw(st.sampled_from(["curves", "curves", "point", "none"]))
    if shape == "curves":
        n = draw(st.integers(1, 6))
        coords = draw(st.lists(st.sampled_from([-3.0, -1.5, 0.0, 0.25, 1.0, 2.5]), min_size=n * 12, max_size=n * 12))
        m.points = np.array(coords).reshape(-1, 3)
    elif shape == "point":
        m.points = np.array([draw(st.tuples(*[st.floats(-5, 5)] * 3))], dtype=float)
    if depth < 2:
        m.add(*(vmobject_tree(draw, depth + 1) for _ in range(draw(st.integers(0, 3)))))
    return m


def extreme(m, reduce, dim: int):
    """The test's own reading of Manim's rule: the extreme coordinate over every point of the family, or None."""
    values = [float(v) for member in m.get_family() for v in member.points[:, dim]]
    return reduce(values) if values else None


def assert_bounds_are_manims(m) -> None:
    from lesson.manim import adapter as manim_adapter

    ours, stock = manim_adapter.points_defining_boundary(m), manim_adapter._stock_boundary(m)
    # the very array: the same anchors in the same order (ties in get_boundary_point go the same way)
    assert ours.shape == stock.shape and np.array_equal(ours, stock)
    for reduce in (max, min):
        for dim in range(3):
            assert manim_adapter.reduce_across_dimension(m, reduce, dim) == extreme(m, reduce, dim)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_bounds_in_numpy_are_the_points_and_extremes_manim_finds(data):
    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.install()
    assert_bounds_are_manims(vmobject_tree(data.draw))


def test_bounds_of_drawn_things_are_manims_and_broken_curves_still_raise():
    from manim import Circle, DashedLine, Dot, Text, VGroup, VMobject

    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.install()
    for m in (Circle(), Dot(), DashedLine([-1, 0, 0], [2, 1, 0]), Text("0.69 softmax"), VGroup(Circle(), VGroup(), Dot()), VGroup()):
        assert_bounds_are_manims(m)
    text = Text("0.69 softmax")
    assert text.width == extreme(text, max, 0) - extreme(text, min, 0)  # Manim's own width, through the patch
    odd = VMobject()
    odd.points = np.array([[0.0, 1.0, 0.0], [np.nan, 2.0, 0.0], [3.0, -1.0, 0.0], [1.0, 0.0, 0.0]])
    for reduce in (max, min):  # a NaN: Manim's own answer, whatever it is, not numpy's NaN
        ours, stock = manim_adapter.reduce_across_dimension(odd, reduce, 0), manim_adapter._stock_reduce(odd, reduce, 0)
        assert ours == stock or (np.isnan(ours) and np.isnan(stock))
    broken = VMobject()
    broken.points = np.zeros((5, 3))  # not whole curves: Manim's own raises, and so does the patched one
    with pytest.raises(ValueError):
        manim_adapter._stock_boundary(broken)
    with pytest.raises(ValueError):
        manim_adapter.points_defining_boundary(broken)


def test_a_text_lets_go_of_its_parsed_svg_paths_and_its_copy_is_the_same_drawing():
    from manim import Text
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.install()
    text = Text("softmax(z) = 0.69")
    glyphs = [m for m in text.get_family() if isinstance(m, VMobjectFromSVGPath)]
    assert len(glyphs) >= 12 and not any(hasattr(g, "path_obj") for g in glyphs)
    copy = text.copy()
    pairs = list(zip(text.get_family(), copy.get_family(), strict=True))
    assert all(a is not b and np.array_equal(a.points, b.points) and np.array_equal(a.fill_rgbas, b.fill_rgbas) for a, b in pairs)


LABEL_BOX = r"\text{\special{dvisvgm:raw <g id='lessonlabel000'>}\rule[-0.2em]{2.5em}{0.9em}\special{dvisvgm:raw </g>}}"
FORMULAS = [
    [r"\frac{e^{2.31}}{e^{2.31} + e^{0.52} + e^{1.17}}", "=", "0.686"],
    [r"\sigma(1.15)", r"\approx", "0.76"],
    [r"p_{" + LABEL_BOX + "}", "=", r"0.69 \cdot (1 - 0.69)", r"\approx", "0.21"],
    [r"\mathrm{ReLU}(-0.30) = 0.00"],
]


def formula(parts):
    from manim import MathTex

    from scenes.style import SANS_MATH

    return MathTex(*parts, tex_template=SANS_MATH)


def drawn_formula(m) -> tuple:
    """What a formula draws: its parts' TeX, the number of points of every member, and the groups the raw
    specials made (the points themselves: :func:`assert_same_points`)."""
    groups = sorted(g for g in m.id_to_vgroup_dict if not re.fullmatch(r"g\d+-\d+", g))  # not dvisvgm's glyph names
    return [p.tex_string for p in m.submobjects], [len(member.points) for member in m.get_family()], groups


def assert_same_points(a, b) -> None:
    """The same drawing to a millionth of a unit (a pixel of a 1080p frame is 0.0074 units): in a run of several
    formulas, dvisvgm may write a glyph as another size's glyph scaled by a factor of seven digits."""
    for x, y in zip(a.get_family(), b.get_family(), strict=True):
        assert x.points.shape == y.points.shape and np.abs(x.points - y.points).max(initial=0.0) < 1e-6


@pytest.mark.render
def test_formulas_typeset_together_draw_as_formulas_typeset_alone(tmp_path, monkeypatch):
    """One LaTeX run makes a page per formula; each page's SVG is read as the formula's own, and draws the same
    parts and points (label boxes included). Formulas already typeset are left out of the run."""
    from functools import partial

    from manim import tempconfig

    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.install()
    runs: list[int] = []
    compile_tex_svg = manim_adapter.compile_tex_svg

    def counted(*args, **kwargs):
        runs.append(kwargs.get("pages", 1))
        return compile_tex_svg(*args, **kwargs)

    monkeypatch.setattr(manim_adapter, "compile_tex_svg", counted)
    with tempconfig({"tex_dir": str(tmp_path / "alone")}):
        alone = [formula(f) for f in FORMULAS]
    assert runs == [1] * len(FORMULAS)
    runs.clear()
    with tempconfig({"tex_dir": str(tmp_path / "together")}):
        assert manim_adapter.typeset_together(partial(formula, f) for f in FORMULAS) == len(FORMULAS)
        assert runs == [len(FORMULAS)]  # one run, a page each
        together = [formula(f) for f in FORMULAS]
        assert runs == [len(FORMULAS)]  # and making them afterwards typesets nothing
        assert manim_adapter.typeset_together(partial(formula, f) for f in FORMULAS) == 0
    assert runs == [len(FORMULAS)]
    assert [drawn_formula(m) for m in together] == [drawn_formula(m) for m in alone]
    assert "lessonlabel000" in together[2].id_to_vgroup_dict
    for a, b in zip(alone, together):
        assert_same_points(a, b)
    assert len(list((tmp_path / "together").glob("*.svg"))) == len(FORMULAS)
    assert not [p for p in (tmp_path / "together").iterdir() if p.name.startswith(".work-")]  # the run's folder went


@pytest.mark.render
def test_a_formula_latex_cannot_typeset_leaves_the_others_to_be_typeset_alone(tmp_path):
    """A broken formula breaks the joint run: nothing is typeset together, nothing half-made stays, and each formula
    is then typeset as it is made: the good ones draw, the broken one fails with LaTeX's message as always."""
    from functools import partial

    from manim import tempconfig

    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.install()
    broken = [r"\nosuchcommand{1}", "2"]
    with tempconfig({"tex_dir": str(tmp_path / "tex")}):
        assert manim_adapter.typeset_together(partial(formula, f) for f in [FORMULAS[0], broken, FORMULAS[1]]) == 0
        assert list((tmp_path / "tex").iterdir()) == []
        assert drawn_formula(formula(FORMULAS[0]))[0] == FORMULAS[0]
        with pytest.raises(ValueError, match="could not typeset a formula"):
            formula(broken)


@pytest.mark.render
def test_a_run_that_cannot_start_typesets_nothing_together(tmp_path, monkeypatch):
    """TeX or dvisvgm missing (or any other failure of the joint run): nothing is typeset together and nothing is
    left behind; the formulas are typeset alone when made, where the failure is reported as usual."""
    from functools import partial

    from manim import tempconfig

    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.install()

    def missing(*args, **kwargs):
        raise FileNotFoundError("dvisvgm")

    monkeypatch.setattr(manim_adapter, "compile_tex_svg", missing)
    with tempconfig({"tex_dir": str(tmp_path / "tex")}):
        assert manim_adapter.typeset_together(partial(formula, f) for f in FORMULAS) == 0
    assert list((tmp_path / "tex").iterdir()) == []


@pytest.mark.render
def test_tex_and_dvisvgm_make_their_files_inside_the_work_folder_only(tmp_path):
    """dvisvgm makes a temporary folder of its own (``dvisvgm-*``), in TMPDIR: the typesetting gives it the work folder,
    so nothing is made (and deleted) in /tmp or anywhere else. Every folder the run makes is traced (strace)."""
    work = tmp_path / "work"
    work.mkdir()
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from lesson.manim.adapter import compile_tex_svg
        from scenes import style
        code = style.SANS_MATH.get_texcode_for_expression_in_env("x^2", "align*")
        print(compile_tex_svg(code, Path({str(work)!r}), style.SANS_MATH))
    """)
    trace = tmp_path / "trace"
    done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=mkdir,mkdirat", "-o", str(trace), sys.executable, "-c", script],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    made = re.findall(r'mkdir(?:at)?\((?:AT_FDCWD, )?"([^"]+)"', trace.read_text())
    theirs = [m for m in made if Path(m).name.startswith("dvisvgm-")]
    assert theirs, made  # dvisvgm did make its folder ...
    assert all(Path(m).parent == work for m in theirs), theirs  # ... in the work folder, not in /tmp


def unmoved_scene(draw):
    """A scene of rectangles, triangles with sharp corners and thick strokes (their mitred joins reach well past their
    points), dots and a text, some see-through, in a random order, and an animation that moves, recolours or fades
    some of them: a scene where what does not move lies both under and over what does."""
    from manim import (BLUE, GREEN, ORANGE, RED, WHITE, YELLOW, Dot, FadeIn, FadeOut, Polygon, Rectangle, Scene, Text,
                       VGroup)

    colours = [BLUE, GREEN, ORANGE, RED, WHITE, YELLOW]
    coordinate = st.floats(-3.5, 3.5, allow_nan=False)

    def shape(i):
        kind = draw(st.sampled_from(["rectangle", "triangle", "dot", "text"]))
        colour = colours[i % len(colours)]
        if kind == "rectangle":
            m = Rectangle(width=draw(st.floats(0.2, 4)), height=draw(st.floats(0.2, 3)), color=colour)
        elif kind == "triangle":  # a thin spike: its join reaches out up to five line widths
            tip = draw(st.floats(0.02, 0.3))
            m = Polygon([-1, 0, 0], [1, tip, 0], [1, -tip, 0], color=colour)
        elif kind == "dot":
            m = Dot(radius=draw(st.floats(0.05, 0.5)), color=colour)
        else:
            m = Text(f"{i}.69", font_size=draw(st.integers(12, 60)), color=colour)
        m.set_fill(colour, opacity=draw(st.sampled_from([0.0, 0.3, 0.7, 1.0])))
        m.set_stroke(width=draw(st.sampled_from([0, 1, 4, 12, 24])), opacity=draw(st.sampled_from([0.5, 1.0])))
        return m.move_to([draw(coordinate), draw(coordinate) / 2, 0])

    things = [shape(i) for i in range(draw(st.integers(2, 9)))]
    moved = draw(st.lists(st.integers(0, len(things) - 1), min_size=1, max_size=3, unique=True))
    grouped = draw(st.booleans())

    class Unmoved(Scene):
        def construct(self):
            self.add(VGroup(*things[:2]) if grouped else things[0], *things[2 if grouped else 1:])
            animations = []
            for i in moved:
                how = draw(st.sampled_from(["shift", "colour", "fade out", "fade in", "scale"]))
                m = things[i]
                if how == "shift":
                    animations.append(m.animate.shift([draw(coordinate), draw(coordinate) / 2, 0]))
                elif how == "colour":
                    animations.append(m.animate.set_color(RED))
                elif how == "fade out":
                    animations.append(FadeOut(m))
                elif how == "fade in":
                    self.remove(m)
                    animations.append(FadeIn(m))
                else:
                    animations.append(m.animate.scale(draw(st.floats(0.3, 2.5))))
            self.play(*animations, run_time=0.4)

    return Unmoved


def frames_as_stock_draws_them(scene_class, media: Path) -> dict:
    """Render ``scene_class`` small, and check each frame drawn with the unmoved mobjects in the static picture against
    the frame stock Manim draws (its static picture of what comes before the first moving mobject, and everything
    from there on drawn over it), to the byte. Returns how many frames were checked, and how many mobjects were
    drawn in them, and stock Manim would have drawn."""
    from manim import tempconfig

    from lesson.manim import adapter as manim_adapter

    assert manim_adapter.install()
    drawn_again = manim_adapter._draw_over_unmoved
    frames = {"checked": 0, "drawn": 0, "stock": 0}

    def compared(renderer, mobjects):
        camera = renderer.camera
        under, _, _ = renderer._lesson_under
        camera.set_frame_to_background(under)
        camera.capture_mobjects(mobjects)
        stock = camera.pixel_array.copy()
        counted = camera.display_vectorized
        calls = [0]

        def display(*args, **kwargs):
            calls[0] += 1
            return counted(*args, **kwargs)

        camera.display_vectorized = display
        try:
            drawn_again(renderer, mobjects)
        finally:
            del camera.display_vectorized
        assert np.array_equal(camera.pixel_array, stock)
        frames["checked"] += 1
        frames["drawn"] += calls[0]
        frames["stock"] += len([m for m in mobjects if len(m.points)])

    with pytest.MonkeyPatch.context() as patch, tempconfig({
            "pixel_width": 320, "pixel_height": 180, "frame_rate": 15, "media_dir": str(media), "write_to_movie": False,
            "save_last_frame": False, "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR"}):
        patch.setattr(manim_adapter, "_draw_over_unmoved", compared)
        scene_class().render()
    return frames


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def unmoved_examples(data, media: Path, seen: list[dict]) -> None:
    """Random scenes (:func:`unmoved_scene`), each frame checked against stock Manim's; what each example drew is
    added to ``seen``."""
    seen.append(frames_as_stock_draws_them(unmoved_scene(data.draw), Path(tempfile.mkdtemp(dir=media))))


@pytest.mark.render
def test_unmoved_mobjects_kept_in_the_static_picture_leave_every_frame_as_stock_manim_draws_it(tmp_path):
    """While an animation plays, the mobjects that do not move are in the static picture and drawn again only where
    something moved may lie under them; every frame is still, to the byte, the frame stock Manim draws. Over the
    examples, frames went through the new drawing and drew fewer mobjects than stock Manim would have (how many
    depends on the examples drawn)."""
    seen: list[dict] = []
    unmoved_examples(media=tmp_path, seen=seen)
    assert len(seen) >= 20
    assert sum(f["checked"] for f in seen) >= 30
    assert sum(f["drawn"] for f in seen) < sum(f["stock"] for f in seen)


@pytest.mark.render
def test_unmoved_text_over_a_moving_dot_elsewhere_is_not_drawn_again(tmp_path):
    """A dot under four texts and a frame that do not move, and far from them: each frame draws the dot alone, where
    stock Manim draws all six."""
    from manim import DOWN, RED, UP, Dot, Rectangle, Scene, Text

    class Apart(Scene):
        def construct(self):
            dot = Dot(DOWN * 3)
            texts = [Text(f"p = 0.{i}8", font_size=30).move_to(UP * (2.5 - i * 0.8)) for i in range(4)]
            self.add(dot, Rectangle(width=6, height=3.5).shift(UP), *texts)
            self.play(dot.animate.shift([4, 0, 0]).set_color(RED), run_time=0.4)

    frames = frames_as_stock_draws_them(Apart, tmp_path)
    assert frames["checked"] >= 5 and frames["drawn"] == frames["checked"]
    assert frames["stock"] > 6 * frames["checked"]  # every glyph of the texts is a mobject of its own


@pytest.mark.render
def test_a_mitred_corner_over_a_moving_dot_is_drawn_again_over_it(tmp_path):
    """A thick stroke's mitred join reaches far past its points: a spike's tip (its corner just inside Cairo's miter
    limit) lies over a dot that changes colour, well outside the spike's points. The spike is drawn again over the dot."""
    from manim import BLUE, RED, Dot, Polygon, Scene

    class Spike(Scene):
        def construct(self):
            dot = Dot([-1.9, 0, 0], radius=0.1, color=BLUE)
            spike = Polygon([-1, 0, 0], [1, 0.2, 0], [1, -0.2, 0], stroke_width=24).set_fill(opacity=0)
            self.add(dot, spike)
            self.play(dot.animate.set_color(RED), run_time=0.4)

    frames = frames_as_stock_draws_them(Spike, tmp_path)
    assert frames["checked"] >= 5 and frames["drawn"] == 2 * frames["checked"]  # the dot, and the spike over it
