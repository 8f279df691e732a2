"""Every change this project makes to Manim's and manimpango's internals, in one place, for the versions it was written for.

Four sets of patches, made by :func:`install` in each process that draws steps (the render's workers):

- **the frame hand-off** (see :mod:`lesson.manim.frames`): ``CairoRenderer.update_frame`` and ``CairoRenderer.render``
  make the camera draw into an array from a pool and hand that very array to the encoder;
  ``VideoSegmentEncoder.write_frame`` wraps it as a video frame without a copy and gives it back to the pool.
  Stock Manim copies every frame twice more on its way to the encoder; the clips are the same bytes.
- **LaTeX and text pictures shared between processes**: the render's workers keep one folder of formulas
  (``tex_dir``) and one of text pictures (``text_dir``) in the cache, shared by every step and every render.
  ``tex_mobject.tex_to_svg_file`` typesets a formula in a private folder, sandboxed (:mod:`lesson.manim.texsandbox`),
  and renames its SVG into the shared folder whole; ``manimpango.text2svg`` and ``MarkupUtils.text2svg`` write
  under a temporary name renamed into place; ``PangoUtils.remove_last_M`` rewrites a picture only when that
  changes it, the same way; ``SVGMobject.generate_mobject`` parses its edited copy of an SVG from memory instead
  of writing it beside the SVG, and drops the parsed SVG paths once the points are made (copies are ten times
  cheaper). Stock Manim compiles inside ``tex_dir`` (and then deletes every other file there,
  a concurrent compile's too) and writes and deletes pictures in place, which another process may read half-made.

- **what does not move stays in the static picture**: while an animation plays, stock Manim draws every mobject from
  the first one that moves to the top of the scene in every frame, the ones that do not move too, because they may
  cover one that does. ``Scene.get_moving_and_static_mobjects`` finds those that do not move, and
  ``CairoRenderer.save_static_frame_data`` adds them to the picture Manim makes once per animation (keeping the
  picture under them). In each frame ``CairoRenderer.update_frame`` then starts from that picture and draws again
  only a region: the pixel boxes of what moves (points, widened by the reach of the strokes' mitred joins and two
  pixels), grown by the box of every unmoved mobject that meets it until none more does. There it puts the picture
  under the unmoved ones back and draws, in order, what lies in the region. Every pixel is drawn by the mobjects that
  cover it, in their order, as before: every frame is the same to the byte, and the default lesson's frames draw
  15 % fewer mobjects (Wide ResNet's 40 %). Only for animations with no updater in the scene: an updater may
  change any mobject, and then every mobject is drawn as stock Manim draws it.

- **bounds in numpy**: ``VMobject.get_points_defining_boundary`` (behind every ``get_center``, ``get_corner``,
  ``next_to`` and ``move_to``) gathers the anchors of a mobject's family with numpy slices instead of one Python
  tuple per point, and ``Mobject.reduce_across_dimension`` (behind ``width`` and ``height``) takes ``min`` and
  ``max`` with numpy instead of iterating over every coordinate. The same points in the same order, the same
  extremes (points that are not finite go to Manim's own): a scene's layout and every frame are the same, in a
  fraction of the time.

The patches reach into private parts of these versions (an encoder's stream and frame counter, how an SVG is read),
so they are made only when the installed versions are exactly :data:`WRITTEN_FOR`. Otherwise the process warns once
(:class:`ManimVersionWarning`), patches nothing, and stock Manim draws: slower, and with its pictures in a folder of
the drawing process's own (:func:`picture_folders`) rather than the shared cache, where stock Manim is not safe.
"""

from __future__ import annotations

import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson.base.atomic import replacing
from lesson.manim.texsandbox import TEX_SANDBOX
from lesson.manim.frames import pool

WRITTEN_FOR = {"manim": "0.22.0", "manimpango": "0.7.1"}  # the versions whose internals the patches below rely on


class ManimVersionWarning(UserWarning):
    """Manim or manimpango is not the version the patches were written for: steps are drawn by stock Manim."""


def installed_versions() -> dict[str, str]:
    """The installed version of each package in :data:`WRITTEN_FOR` (read without importing it)."""
    found = {}
    for name in WRITTEN_FOR:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


_lock = threading.Lock()
_matches: bool | None = None  # the versions checked in this process (a forked worker inherits the verdict)
_patched = False


def check() -> bool:
    """Whether the installed versions are those the patches were written for; if not, one warning per process
    (and none in the workers it forks after it checked), naming both."""
    global _matches
    with _lock:
        if _matches is None:
            have = installed_versions()
            _matches = have == WRITTEN_FOR
            if not _matches:
                wanted = ", ".join(f"{k} {v}" for k, v in WRITTEN_FOR.items())
                found = ", ".join(f"{k} {v}" for k, v in have.items())
                warnings.warn(
                    f"lesson's changes to Manim were written for {wanted}, but the installed versions are {found}: steps are drawn "
                    "by stock Manim instead, which is slower and keeps LaTeX and text pictures per process",
                    ManimVersionWarning, stacklevel=2,
                )
        return _matches


def install() -> bool:
    """Patch Manim and manimpango in this process, if they are the versions :data:`WRITTEN_FOR` (idempotent).
    Returns whether they are patched; if not, Manim is left as it is (see :func:`check`)."""
    global _patched
    if _patched:
        return True
    if not check():
        return False
    _install_frame_handoff()
    _install_static_above()
    _install_shared_pictures()
    _install_vectorised_bounds()
    _patched = True
    return True


def patched() -> bool:
    """Whether :func:`install` patched this process."""
    return _patched


@contextmanager
def picture_folders(cache: Path) -> Iterator[dict[str, str]]:
    """Manim's settings for its folders of LaTeX and text pictures, for a step drawn while inside.

    Patched: the cache's shared folders ``tex/`` and ``texts/``, safe for any number of processes. Stock Manim:
    a folder of this process's own (:func:`own_pictures`), whose pictures the steps this process draws share; TeX
    may then open files by absolute name inside it (``TEXMFOUTPUT``), as stock Manim names them so, and still
    nowhere else.
    """
    if _patched:
        yield {"tex_dir": str(cache / "tex"), "text_dir": str(cache / "texts")}
        return
    own = own_pictures()
    tex, texts = own / "tex", own / "texts"
    tex.mkdir(parents=True, exist_ok=True)
    texts.mkdir(parents=True, exist_ok=True)
    before = os.environ.get("TEXMFOUTPUT")
    os.environ["TEXMFOUTPUT"] = str(tex)
    try:
        yield {"tex_dir": str(tex), "text_dir": str(texts)}
    finally:
        if before is None:
            os.environ.pop("TEXMFOUTPUT", None)
        else:
            os.environ["TEXMFOUTPUT"] = before


_own: tuple[int, Path] | None = None  # (pid, folder): a forked worker makes its own


def own_pictures() -> Path:
    """This process's folder of LaTeX and text pictures for stock Manim: in the system's temporary folder (TeX's
    sandbox refuses any path with a dot folder in it, such as ``~/.cache``), removed when the process ends."""
    global _own
    if _own is None or _own[0] != os.getpid() or not _own[1].is_dir():
        import multiprocessing.util

        folder = Path(tempfile.mkdtemp(prefix=f"lesson-pictures-{os.getpid()}-"))
        if any(part.startswith(".") for part in folder.parts):
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"stock Manim names its LaTeX files by absolute path, which TeX's sandbox refuses under "
                               f"a folder whose name starts with a dot: {folder} (set TMPDIR to another folder)")
        # run at the end of this process, a render worker's too (atexit is not, there); a fork does not inherit it
        multiprocessing.util.Finalize(None, shutil.rmtree, args=(str(folder),), kwargs={"ignore_errors": True}, exitpriority=0)
        _own = (os.getpid(), folder)
    return _own[1]


# ---------------------------------------------------------------- the frame hand-off


# ---------------------------------------------------------------- the scene's clock, frames and files
# What the project reads or writes of a scene's renderer and file writer goes through these, and nowhere else
# (tests/test_render_modules.py checks it): under another Manim version a change shows here, at one place.


def clock(scene) -> float:
    """The scene's time in seconds: where the next frame goes."""
    return float(scene.renderer.time)


def set_clock(scene, seconds: float) -> None:
    """Move the scene's time on past frames added without Manim (a hold's still picture)."""
    scene.renderer.time = seconds


def plays(scene) -> int:
    """How many animations the scene has played (each is one of Manim's partial movie files)."""
    return int(scene.renderer.num_plays)


def picture(scene) -> np.ndarray:
    """The frame as it is now, with anything added or removed since the last animation, as RGBA bytes."""
    scene.renderer.update_frame(scene)
    return np.ascontiguousarray(scene.renderer.get_frame(), dtype=np.uint8)


def movie_parts(scene) -> list[Path | None]:
    """The clip of each animation the scene played (None where an animation wrote none)."""
    return [Path(p) if p else None for p in scene.renderer.file_writer.partial_movie_files]


def video_encoder(scene):
    """The encoder settings the scene's clips were written with."""
    return scene.session_spec.video_encoder


def _install_frame_handoff() -> None:
    """The camera draws into an array from :func:`lesson.manim.frames.pool`, which goes to the encoder uncopied."""
    import av
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.video_segment_encoder import VideoSegmentEncoder


    stock_update_frame = CairoRenderer.update_frame

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs) -> None:
        # Manim resets the camera's array from the background in place and draws into it; if the encoder holds that
        # array (the last picture went to it), the camera first gets another one from the pool
        camera = self.camera
        draws = ignore_skipping or not self.skip_animations
        if draws and getattr(self, "_lesson_sent", None) is camera.pixel_array:
            camera.pixel_array = pool(camera.pixel_width, camera.pixel_height).take()
            camera.pixel_array_to_cairo_context.clear()  # Cairo contexts are cached by id(), which a new array may reuse
        if draws and mobjects is scene.moving_mobjects and getattr(self, "_lesson_under", None) is not None \
                and self.static_image is not None and include_submobjects and not kwargs:
            _draw_over_unmoved(self, mobjects)
            return
        stock_update_frame(self, scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def render(self, scene, time: float, moving_mobjects=None) -> None:
        self.update_frame(scene, moving_mobjects)
        if not self.skip_animations:
            self._lesson_sent = self.camera.pixel_array
        self.add_frame(self.camera.pixel_array)  # the encoder owns it now; get_frame() still copies from it for stills

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        # VideoSegmentEncoder.write_frame, wrapping the array instead of copying it, then recycling it
        self._validate_frame(pixels, repeat)
        frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        frame.time_base = 1 / Fraction(self.spec.frame_rate)
        try:
            for _ in range(repeat):
                frame.pts = self._next_pts
                self._next_pts += 1
                for packet in self._stream.encode(frame):  # converted to YUV here: x264 keeps no reference to it
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error
        del frame
        pool(pixels.shape[1], pixels.shape[0]).give(pixels)

    CairoRenderer.update_frame = update_frame
    CairoRenderer.render = render
    VideoSegmentEncoder.write_frame = write_frame


# ---------------------------------------------------------------- what does not move stays in the static picture


def _install_static_above() -> None:
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene import Scene

    stock_split = vars(Scene)["get_moving_and_static_mobjects"]
    stock_save = vars(CairoRenderer)["save_static_frame_data"]

    def get_moving_and_static_mobjects(self, animations):
        moving, static = stock_split(self, animations)
        self._lesson_unmoved = None
        if moving and not any(m.updaters for m in self.get_mobject_family_members()):
            moved: set = set()
            for m in _animated(animations) + list(self.foreground_mobjects):
                moved.update(m.get_family())
            # drawn into the picture with its family: none of that may move
            unmoved = [m for m in moving if len(m.points) and _bounded(m) and not any(f in moved for f in m.get_family())]
            self._lesson_unmoved = unmoved or None
        return moving, static

    def save_static_frame_data(self, scene, static_mobjects):
        under = stock_save(self, scene, static_mobjects)
        unmoved = getattr(scene, "_lesson_unmoved", None)
        self._lesson_under = None
        if unmoved and not self.skip_animations:
            camera = self.camera
            if under is None:
                camera.reset()
                under = self.get_frame()
            else:
                camera.set_frame_to_background(under)
            camera.capture_mobjects(unmoved, include_submobjects=False)
            self.static_image = self.get_frame()
            boxes = np.array([_pixel_box(_box(m), camera) for m in unmoved], dtype=int).reshape(-1, 4)
            self._lesson_under = (under, {m: i for i, m in enumerate(unmoved)}, boxes)
        return self.static_image

    Scene.get_moving_and_static_mobjects = get_moving_and_static_mobjects
    CairoRenderer.save_static_frame_data = save_static_frame_data


def _draw_over_unmoved(renderer, mobjects) -> None:
    """Draw a frame of an animation whose unmoved mobjects are in the static picture (see
    :func:`_install_static_above`). The region drawn again is the pixel boxes of what moves, grown by the box of
    every unmoved mobject that meets it, until none more does; there the picture under the unmoved ones is put back
    and what lies in the region is drawn again, in order. Everything drawn lies inside the region and everything in
    it is drawn, so each pixel is drawn by the mobjects that cover it, in their order, as stock Manim does."""
    from manim.utils.family import extract_mobject_family_members

    camera = renderer.camera
    under, unmoved, boxes = renderer._lesson_under
    camera.set_frame_to_background(renderer.static_image)
    ordered = extract_mobject_family_members(mobjects, use_z_index=camera.use_z_index, only_those_with_points=True)
    region = [_pixel_box(_box(m), camera) if _bounded(m) else _whole(camera) for m in ordered if m not in unmoved]
    if not region:
        return
    grown = np.zeros(len(boxes), dtype=bool)
    frontier = region
    while len(frontier):
        meets = np.zeros(len(boxes), dtype=bool)
        for x0, y0, x1, y1 in frontier:
            meets |= (boxes[:, 0] < x1) & (x0 < boxes[:, 2]) & (boxes[:, 1] < y1) & (y0 < boxes[:, 3])
        new = meets & ~grown
        grown |= new
        frontier = boxes[new]
    frame = camera.pixel_array
    for x0, y0, x1, y1 in [*region, *boxes[grown]]:
        frame[y0:y1, x0:x1] = under[y0:y1, x0:x1]
    camera.capture_mobjects([m for m in ordered if m not in unmoved or grown[unmoved[m]]], include_submobjects=False)


def _animated(animations) -> list:
    """The mobjects of ``animations`` and of the animations they group (as Manim's ``get_moving_mobjects`` finds them)."""
    from manim.animation.composition import AnimationGroup

    out = []
    for animation in animations:
        out.append(animation.mobject)
        if isinstance(animation, AnimationGroup):
            out += _animated(animation.animations)
    return out


def _bounded(mobject) -> bool:
    """Whether the mobject is a VMobject, whose pixels lie in its points' bounding box widened by its strokes."""
    from manim.mobject.types.vectorized_mobject import VMobject

    return isinstance(mobject, VMobject)


def _box(mobject) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of what the VMobject's points and strokes cover, in scene units."""
    points = mobject.points[:, :2]
    widest = max(float(np.max(mobject.stroke_width, initial=0.0)), float(np.max(mobject.background_stroke_width, initial=0.0)))
    # Manim's Cairo line width is the stroke width times 0.01; at a sharp corner a mitred join (Cairo's default, with
    # its miter limit of 10) reaches out up to five line widths from the point
    reach = widest * 0.01 * 5
    (x0, y0), (x1, y1) = points.min(axis=0) - reach, points.max(axis=0) + reach
    return x0, y0, x1, y1


def _pixel_box(box, camera) -> tuple[int, int, int, int]:
    """The pixels (x0, y0, x1, y1, ends excluded) a box in scene units can touch, two more on each side for smoothed
    edges, within the frame."""
    pw, ph, fw, fh = camera.pixel_width, camera.pixel_height, camera.frame_width, camera.frame_height
    cx, cy = camera.frame_center[0], camera.frame_center[1]
    left, bottom, right, top = box
    if not all(np.isfinite(box)):
        return _whole(camera)
    x0 = int(np.floor((left - cx) * pw / fw + pw / 2)) - 2
    x1 = int(np.ceil((right - cx) * pw / fw + pw / 2)) + 2
    y0 = int(np.floor(ph / 2 - (top - cy) * ph / fh)) - 2
    y1 = int(np.ceil(ph / 2 - (bottom - cy) * ph / fh)) + 2
    return max(x0, 0), max(y0, 0), min(max(x1, 0), pw), min(max(y1, 0), ph)


def _whole(camera) -> tuple[int, int, int, int]:
    return 0, 0, camera.pixel_width, camera.pixel_height


# ---------------------------------------------------------------- bounds in numpy


def points_defining_boundary(self) -> np.ndarray:
    """Manim's ``VMobject.get_points_defining_boundary``: every curve's start and end anchor, in that order, over
    the mobject's family (a lone point counts as an anchor), as one array; the stock method when a family member's
    points are not whole curves (Manim's own version raises for them)."""
    parts = []
    for member in self.get_family():
        points = member.points
        if len(points) == 1:
            parts.append(points)
        elif len(points):
            n = member.n_points_per_cubic_curve
            starts, ends = points[::n], points[n - 1::n]
            if len(starts) != len(ends):
                return _stock_boundary(self)
            parts.append(np.stack((starts, ends), axis=1).reshape(-1, points.shape[1]))
    return np.concatenate(parts) if parts else np.array(())


_stock_boundary: Callable = None  # type: ignore[assignment]  # Manim's own, kept by _install_vectorised_bounds
_stock_reduce: Callable = None  # type: ignore[assignment]
_NUMPY_REDUCTIONS = {max: np.max, min: np.min}


def reduce_across_dimension(self, reduce_func: Callable, dim: int):
    """Manim's ``Mobject.reduce_across_dimension`` for ``min`` and ``max`` (what ``width`` and ``height`` use): the
    extreme coordinate over the points of the mobject and its family, or None if none has points; any other
    reduction goes to Manim's own."""
    assert 0 <= dim <= 2
    fast = _NUMPY_REDUCTIONS.get(reduce_func)
    if fast is None:
        return _stock_reduce(self, reduce_func, dim)
    values = [fast(m.points[:, dim]) for m in self.get_family() if len(m.points)]
    if not values:
        return None
    extreme = values[0] if len(values) == 1 else fast(values)
    # a NaN among the points: Manim's own answer (which depends on where the NaN is), not numpy's NaN
    return extreme if np.isfinite(extreme) else _stock_reduce(self, reduce_func, dim)


def _install_vectorised_bounds() -> None:
    global _stock_boundary, _stock_reduce
    from manim.mobject.mobject import Mobject
    from manim.mobject.types.vectorized_mobject import VMobject

    _stock_boundary = vars(VMobject)["get_points_defining_boundary"]
    _stock_reduce = vars(Mobject)["reduce_across_dimension"]
    VMobject.get_points_defining_boundary = points_defining_boundary
    Mobject.reduce_across_dimension = reduce_across_dimension


# ---------------------------------------------------------------- LaTeX and text pictures, shared safely


def _install_shared_pictures() -> None:
    import manimpango
    from manim.mobject.svg.svg_mobject import SVGMobject
    from manim.mobject.text import tex_mobject

    tex_mobject.tex_to_svg_file = tex_to_svg
    SVGMobject.generate_mobject = _generate_mobject
    manimpango.text2svg = _written_whole(manimpango.text2svg, 4)  # Text (manim.mobject.text.text_mobject calls it so)
    manimpango.MarkupUtils.text2svg = staticmethod(_written_whole(manimpango.MarkupUtils.text2svg, 7))  # MarkupText
    # Text rewrites its (shared, cached) picture in place after every load; another process could read it half
    # written. Here the file is rewritten only when that changes it, under a temporary name renamed into place.
    manimpango.PangoUtils.remove_last_M = staticmethod(_remove_last_m)


def compile_tex_svg(code: str, work: Path, template, *, pages: int = 1, quiet: bool = False) -> list[Path]:
    """Typeset the LaTeX document ``code`` to ``work/formula-NNN.svg`` (one SVG per page, ``pages`` of them) the way
    Manim does, but inside ``work`` only.

    TeX runs with ``work`` as its current folder on relative file names and with :data:`TEX_SANDBOX` added to its
    environment, whatever this process's environment says (paranoid ``openin_any`` refuses absolute paths, so
    the names must be relative). Leaves TeX's files in ``work``; raises ValueError if TeX or dvisvgm fails (after
    printing TeX's errors, unless ``quiet``) or makes another number of pages.
    """
    from manim.utils.tex_file_writing import make_tex_compilation_command, print_all_tex_errors

    env = os.environ | TEX_SANDBOX | {"TMPDIR": str(Path(work).resolve())}  # dvisvgm's own temporary folder, in ``work``
    tex = work / "formula.tex"
    tex.write_text(code, encoding="utf-8")
    fmt = template.output_format
    compilers = [template.tex_compiler] if isinstance(template.tex_compiler, str) else list(template.tex_compiler)
    for compiler in compilers:
        command = make_tex_compilation_command(compiler, fmt, Path(tex.name), Path("."))
        # kpathsea's notes go to stderr (the standalone class probes /dev/null, which the sandbox refuses): kept
        # for the message if TeX fails
        done = subprocess.run(command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0:
            if (work / "formula.log").is_file() and not quiet:
                print_all_tex_errors(work / "formula.log", compiler, tex)
            notes = sorted({line.strip() for line in done.stderr.decode(errors="replace").splitlines() if line.strip()})
            said = "".join(f"; {n}" for n in notes)
            raise ValueError(f"{compiler} could not typeset a formula (see the LaTeX errors above){said}")
    command = ["dvisvgm", *(["--pdf"] if fmt == ".pdf" else []), "--page=1-", "--no-fonts", "--verbosity=0",
               "--output=formula-%3p.svg", f"formula{fmt}"]  # every page there is: one too many or too few is seen
    done = subprocess.run(command, cwd=work, env=env, stdout=subprocess.DEVNULL)
    made = sorted(work.glob("formula-*.svg"))
    if done.returncode != 0 or len(made) != pages:
        raise ValueError(f"dvisvgm could not convert formula{fmt} to SVG ({len(made)} pages for {pages} formulas)")
    return made


# ---------------------------------------------------------------- many formulas in one LaTeX run

FORMULA_PAGE = "lessonformula"  # the environment each formula of a batch sits in: one page each
MOST_PER_RUN = 400  # formulas in one LaTeX run (the page numbers of the SVGs have three digits)


class _Gathered(Exception):
    """A formula's LaTeX document was noted by :func:`tex_to_svg` while :func:`typeset_together` gathers them."""


_gathering: list[tuple[str, object]] | None = None  # (document, template) noted instead of typeset, while gathering


def typeset_together(makers: Iterable[Callable[[], object]]) -> int:
    """Typeset in one LaTeX run every formula that calling each of ``makers`` would typeset one by one (a LaTeX
    run costs about a quarter of a second, mostly TeX starting), and put each formula's SVG in the shared folder
    under the name Manim looks for, so that making those formulas afterwards reads them.

    Each maker is called until Manim asks for its formula's SVG (nothing after that point runs). Each page's SVG
    draws what a run of that formula alone draws, to a millionth of a unit (dvisvgm may write a glyph as the same
    glyph of another size, scaled by a factor of seven digits); formulas already in the folder are left out. If
    the documents cannot be joined (another document class) or the run fails, nothing is typeset here and each
    formula is typeset alone when it is made, with LaTeX's errors shown as usual. Only in a patched process (else
    it does nothing). Returns the number of formulas typeset.
    """
    global _gathering
    if not _patched:
        return 0
    from manim import config
    from manim.utils.tex_file_writing import tex_hash

    wanted: list[tuple[str, object]] = []
    _gathering = wanted
    try:
        for make in makers:
            try:
                make()
            except _Gathered:
                pass
            except Exception:  # noqa: BLE001 - it fails again, with its message, when the scene makes it
                pass
    finally:
        _gathering = None
    shared = config.get_dir("tex_dir")
    batches: dict[tuple[str, str, int], tuple[object, dict[str, str]]] = {}  # (preamble, ending, template) -> documents
    for code, template in wanted:
        name = f"{tex_hash(code)}.svg"
        joined = _split_document(code)
        if joined is None or (shared / name).is_file():
            continue
        head, body, tail = joined
        batches.setdefault((head, tail, id(template)), (template, {}))[1].setdefault(name, body)
    done = 0
    for (head, tail, _), (template, bodies) in batches.items():
        names = list(bodies)
        for start in range(0, len(names), MOST_PER_RUN):
            done += _typeset_batch(head, tail, template, {n: bodies[n] for n in names[start:start + MOST_PER_RUN]}, shared)
    return done


def _split_document(code: str) -> tuple[str, str, str] | None:
    """A one-formula document as (preamble with a document class that makes a page per formula, body, ending),
    or None if its class is not Manim's ``standalone`` with ``preview``."""
    begin, end = "\\begin{document}", "\\end{document}"
    if code.count(begin) != 1 or code.count(end) != 1 or code.count("\\documentclass[preview]{standalone}") != 1:
        return None
    head, rest = code.split(begin)
    body, tail = rest.split(end)
    head = head.replace("\\documentclass[preview]{standalone}", f"\\documentclass[preview,multi={FORMULA_PAGE}]{{standalone}}")
    return head + begin, body, end + tail


def _typeset_batch(head: str, tail: str, template, bodies: dict[str, str], shared: Path) -> int:
    pages = "".join(f"\\begin{{{FORMULA_PAGE}}}{body}\\end{{{FORMULA_PAGE}}}\n" for body in bodies.values())
    shared.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=shared))
    try:
        try:
            made = compile_tex_svg(f"{head}\n{pages}{tail}", work, template, pages=len(bodies), quiet=True)
            for number, svg in enumerate(made, start=1):  # every page made ready before any goes into the folder
                if number > 1:  # the page's group is named by its number; alone, the formula is page 1
                    text = svg.read_text(encoding="utf-8")
                    svg.write_text(text.replace(f"<g id='page{number}'>", "<g id='page1'>", 1), encoding="utf-8")
        except Exception:  # noqa: BLE001 - TeX or dvisvgm failed or is missing: each formula is typeset alone, as made
            return 0
        for svg, name in zip(made, bodies):
            if not (shared / name).exists():  # else another process made it meanwhile: the same picture
                os.replace(svg, shared / name)
        return len(bodies)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def tex_to_svg(expression: str, environment: str | None = None, tex_template=None) -> Path:
    """Manim's ``tex_to_svg_file``, safe for processes that share ``config.tex_dir``: the SVG of a formula
    (named as Manim names it) is compiled in a private folder and renamed into ``tex_dir`` whole."""
    from manim import config
    from manim.utils.tex_file_writing import tex_hash

    template = tex_template or config["tex_template"]
    if environment is not None:
        code = template.get_texcode_for_expression_in_env(expression, environment)
    else:
        code = template.get_texcode_for_expression(expression)
    if _gathering is not None:  # typeset_together is gathering documents: note this one, make nothing
        _gathering.append((code, template))
        raise _Gathered
    shared = config.get_dir("tex_dir")
    svg = shared / f"{tex_hash(code)}.svg"
    if svg.is_file():
        return svg
    shared.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=shared))
    try:
        [made] = compile_tex_svg(code, work, template)
        if not svg.exists():  # else another process made it meanwhile: the same picture
            os.replace(made, svg)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return svg


def _written_whole(write: Callable, position: int) -> Callable:
    """``write`` (a Pango text-to-SVG function taking its output file at ``position``) writing to a temporary name
    and renaming it into place, so that another process never reads half a picture."""

    def wrapper(*args, **kwargs):
        args = list(args)
        target = args[position] if len(args) > position else kwargs["file_name"]
        with replacing(target) as tmp:
            if len(args) > position:
                args[position] = str(tmp)
            else:
                kwargs["file_name"] = str(tmp)
            write(*args, **kwargs)
        return target

    wrapper.__wrapped__ = write  # type: ignore[attr-defined]
    return wrapper


def _generate_mobject(self):
    """Manim's ``SVGMobject.generate_mobject``, parsing its modified copy of the SVG from memory: Manim writes it
    beside the SVG as ``<name>_.svg`` and deletes it after, which collides with any other process doing the same.

    Each path drawn from the SVG then lets go of the parsed SVG path it was made from (``path_obj``): its points
    are made once, in its ``__init__``, and nothing reads the parsed path again, but every copy of the mobject
    deep-copied it (about 0.7 ms a glyph: nine tenths of copying a Text, and Manim copies a mobject at the start of
    every animation of it)."""
    from manim.mobject.svg import svg_mobject

    tree = self.modify_xml_tree(svg_mobject.ET.parse(self.get_file_path()))
    modified = io.BytesIO()
    tree.write(modified)
    modified.seek(0)
    svg = svg_mobject.se.SVG.parse(modified)
    mobjects, mobject_dict = self.get_mobjects_from(svg)
    for mobject in mobjects:
        for part in mobject.get_family():
            if isinstance(part, svg_mobject.VMobjectFromSVGPath):
                part.__dict__.pop("path_obj", None)
    self.add(*mobjects)
    self.id_to_vgroup_dict = mobject_dict
    self.flip(svg_mobject.RIGHT)  # Flip y
    return self


def _remove_last_m(file_name: str) -> None:
    """manimpango's ``PangoUtils.remove_last_M`` (the same edit of the SVG), written whole or not at all."""
    with open(file_name, encoding="utf-8") as f:
        content = f.read()
    edited = re.sub(r'Z M [^A-Za-z]*? "\/>', 'Z "/>', content)
    if edited == content:
        return
    with replacing(file_name) as tmp:
        tmp.write_text(edited, encoding="utf-8")
