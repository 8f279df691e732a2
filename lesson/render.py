"""Render a plan: one Manim scene per step in worker processes, cached by content, joined without re-encoding.

A step is cached twice. Its *drawing* (``drawings/<key>/``) is what Manim made: a clip per
animation, the still picture of every hold (PNG) with a clip of it, and ``script.json``, the
timeline with the rule of each hold (:class:`lesson.timing.Wait`: so long, until the voice
reaches a placeholder, until the step's end). Its key hashes everything that changes the pictures:
the step's plan without its narration, the style, the quality preset, the source of the code
that draws it. The step's *video* (``sections/<key>.mp4``) is the drawing laid out for one
narration timing, and its key adds that timing. New narration for a step that is drawn already
is laid out again in the main process, without Manim: each hold's rule is worked out for the new
timing, and the hold is its still clip repeated by stream copy (no B-frames, so any prefix of a
clip is a valid clip), which also makes a hold's cost independent of its length. The steps are
then joined by stream copy with the narration track (see :mod:`lesson.build`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson.atomic import replacing
from lesson.errors import LessonError
from lesson.plan import StepPlan, Style
from lesson.timing import Hold, Play, StepTiming, Wait, after_hold, holds_as_frames

QUALITIES: dict[str, tuple[int, int, int]] = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "course": (1920, 1080, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
ROOT = Path(__file__).resolve().parent.parent
KEYFRAME_SECONDS = 2  # at most this far between keyframes, so seeking stays quick


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lesson"


def encoder_options(fps: int) -> dict[str, str]:
    """libx264 settings for every clip: the same for motion and holds, so that clips join by stream copy.

    ``veryfast``: on flat lesson graphics it encodes a third faster than ``medium`` at the same
    quality (crf 23) and no larger a file (measured on the network step at 1080p: 11.2 s vs 16.7 s, 1.49 vs 1.65 MB).
    One encoder thread: the parallelism is one worker per core; extra x264 threads on top of that
    cost CPU (default lesson at 1080p, -j2: 45.6 s instead of 48.7 s).
    """
    return {"crf": "23", "preset": "veryfast", "g": str(KEYFRAME_SECONDS * fps), "bf": "0", "threads": "1"}


SHARED_SCENE_CODE = ("__init__.py", "base.py", "layout.py", "style.py")


def code_version(kind: str) -> str:
    """A hash of the code that draws a step of this kind (the kind's own files as the registry names them, the
    shared scene code, the renderer) and Manim's version."""
    import importlib.metadata

    from lesson import kinds

    h = hashlib.sha256(importlib.metadata.version("manim").encode())
    own = kinds.get(kind).code_files()
    for path in [ROOT / "scenes" / n for n in SHARED_SCENE_CODE] + own + [Path(__file__), ROOT / "lesson" / "timing.py", ROOT / "lesson" / "frames.py"]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


STEP_FIELDS_NOT_DRAWN = ("index", "narration", "tokens", "spoken", "cues", "audio")  # scenes get the voice's timing instead


def drawing_key(step: StepPlan, style: Style, quality: str, timing: StepTiming, code: str) -> str:
    """What a step's pictures depend on: everything but the narration's timing, which only sets the lengths of its holds.

    With burned-in captions, or with holds drawn as frames (the benchmark's old way), the pictures depend on
    the timing too, and it is part of the key.
    """
    doc = {
        "step": {k: v for k, v in dataclasses.asdict(step).items() if k not in STEP_FIELDS_NOT_DRAWN},
        "style": dataclasses.asdict(style),
        "quality": QUALITIES[quality],
        "code": code,
        "timing": dataclasses.asdict(timing) if (timing.captions or holds_as_frames()) else None,
    }
    return _digest(doc)


def step_key(step: StepPlan, style: Style, quality: str, timing: StepTiming, code: str) -> str:
    doc = {
        "step": dataclasses.asdict(step) | {"index": None},  # moving a step does not change its pixels
        "style": dataclasses.asdict(style),
        "quality": QUALITIES[quality],
        "timing": dataclasses.asdict(timing),
        "code": code,
    }
    return _digest(doc)


def _digest(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class StepVideo:
    """What a rendered step is made of (kept beside it in the cache)."""

    frames: int
    motion_frames: int
    hold_frames: int
    layout_problems: tuple[str, ...] = ()
    seconds: float = 0.0  # wall time it took to render
    peak_mb: float = 0.0  # the peak resident memory of the worker that drew it, so far (0: not drawn)

    @property
    def drawn(self) -> bool:
        """False: laid out again from the step's drawing for new timing, without Manim."""
        return self.peak_mb > 0


@dataclass(frozen=True)
class StepResult:
    step: StepPlan
    path: Path
    cached: bool
    video: StepVideo

    @property
    def layout_problems(self) -> tuple[str, ...]:
        return self.video.layout_problems


def render_step(
    step: StepPlan, style: Style, quality: str, timing: StepTiming, target: Path, drawing: Path, *, replace: bool = False,
    strict_layout: bool = False,
) -> StepVideo:
    """Draw one step with Manim into ``drawing`` (its animations, the still of every hold and the rules of the holds),
    then lay it out for ``timing`` into ``target`` (an .mp4, with ``target.json``), atomically. Runs in a worker.
    ``replace``: draw even if ``drawing`` exists, and replace it (``--no-cache``)."""
    from manim import config, tempconfig

    from lesson import kinds

    if not holds_as_frames():  # the benchmark's baseline is stock Manim
        from lesson import frames

        frames.install()
    share_svgs()
    began = time.perf_counter()
    width, height, fps = QUALITIES[quality]
    target.parent.mkdir(parents=True, exist_ok=True)
    drawing.parent.mkdir(parents=True, exist_ok=True)
    # this process's own work folder (Manim's media folder); its name carries the pid, see _remove_stale
    prefix = f".work-{os.getpid()}-{step.id}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=target.parent) as work, tex_sandbox():
        settings = {
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": fps,
            "media_dir": work,
            "disable_caching": True,
            "progress_bar": "none",
            "verbosity": "ERROR",
            "output_file": "section",
            "format": "mp4",
            "write_to_movie": True,
            "save_last_frame": False,
            "video_encoder_options": encoder_options(fps),
            # LaTeX and text pictures are made once and kept beside the sections, shared by every step and every
            # render: each is made in a private place and renamed into these folders whole (see share_svgs)
            "tex_dir": str(target.parent.parent / "tex"),
            "text_dir": str(target.parent.parent / "texts"),
        }
        with tempconfig(settings):
            config.background_color = style.background
            scene = kinds.get(step.kind).scene_class()(step, style, timing, strict_layout=strict_layout)
            scene.render()
            partials = [Path(p) if p else None for p in scene.renderer.file_writer.partial_movie_files]
            spec = scene.session_spec.video_encoder
        staged = Path(tempfile.mkdtemp(prefix=f".draw-{os.getpid()}-", dir=drawing.parent))
        aside = drawing.with_name(f".old-{os.getpid()}-{drawing.name}")
        try:
            _save_drawing(staged, scene, partials, spec)
            if replace:  # --no-cache: this drawing replaces any earlier one (moved aside whole, not deleted in place)
                try:
                    os.rename(drawing, aside)
                except OSError:
                    pass
            try:
                os.rename(staged, drawing)
            except OSError:  # drawn meanwhile by another render: theirs is the same, ours is discarded
                pass
        finally:
            shutil.rmtree(staged, ignore_errors=True)
            shutil.rmtree(aside, ignore_errors=True)
        import resource

        video = assemble(drawing, timing, target, began, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        expected = sum(h.frames for h in scene.timeline if isinstance(h, Hold))
        if video.hold_frames != expected:  # the rules, worked out again, must give what Manim just did
            raise RuntimeError(f"holds laid out again: {video.hold_frames} frames, the scene held {expected}")
    return video


def _save_drawing(folder: Path, scene, partials: list[Path | None], spec) -> None:
    """The scene's timeline as files: each animation's clip, each hold's still (PNG) and a clip of it, and script.json."""
    from PIL import Image

    fps = int(spec.frame_rate)
    settings = _spec_doc(spec)
    items: list[dict] = []
    for n, item in enumerate(scene.timeline):
        if isinstance(item, Play):
            path = partials[item.index]
            clip = None
            if path is not None:
                clip = f"play-{n:03d}.mp4"
                shutil.move(path, folder / clip)
            items.append({"play": clip, "seconds": item.seconds})
            continue
        still = f"still-{n:03d}"
        Image.fromarray(item.still).save(folder / f"{still}.png", compress_level=3)
        if item.frames > 0:
            frames = min(item.frames, KEYFRAME_SECONDS * fps)
            encode_still(folder / f"{still}-{frames}.mp4", item.still, frames, settings)
        wait = None if item.wait is None else dataclasses.asdict(item.wait)
        items.append({"still": still, "wait": wait, "frames": item.frames})
    script = {
        "replayable": scene.replayable,
        "spec": settings,
        "items": items,
        "layout_problems": list(scene.layout_problems),
    }
    (folder / "script.json").write_text(json.dumps(script, indent=1))


def _spec_doc(spec) -> dict:
    return {
        "container_format": spec.container_format,
        "codec": spec.codec,
        "pixel_format": spec.pixel_format,
        "width": spec.width,
        "height": spec.height,
        "frame_rate": [spec.frame_rate.numerator, spec.frame_rate.denominator],
        "options": [list(o) for o in spec.options],
    }


def encode_still(target: Path, pixels: np.ndarray, frames: int, spec: dict) -> None:
    """A clip of ``frames`` copies of one RGBA picture, with the very settings of Manim's clips, so that they join by stream copy."""
    import av

    rate = Fraction(*spec["frame_rate"])
    with replacing(target) as tmp, av.open(str(tmp), "w", format=spec["container_format"]) as out:
        stream = out.add_stream(spec["codec"], rate=rate, options=dict(map(tuple, spec["options"])))
        stream.pix_fmt = spec["pixel_format"]
        stream.width = spec["width"]
        stream.height = spec["height"]
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgba").reformat(format=spec["pixel_format"])
        frame.time_base = 1 / rate
        for i in range(frames):
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


# ---------------------------------------------------------------- LaTeX and text pictures, shared safely

# kpathsea reads these from the environment before texmf.cnf: no shell escape (\write18), and TeX may open
# files only below its working folder (no absolute paths, no "..", no dot files) for reading and for writing
TEX_SANDBOX = {"shell_escape": "f", "openin_any": "p", "openout_any": "p"}


@contextmanager
def tex_sandbox() -> Iterator[None]:
    """Run TeX with :data:`TEX_SANDBOX` in this process while inside (a worker keeps it for good, see _start_worker)."""
    before = {k: os.environ.get(k) for k in TEX_SANDBOX}
    os.environ.update(TEX_SANDBOX)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def compile_tex_svg(code: str, work: Path, template) -> Path:
    """Typeset the LaTeX document ``code`` to ``work/formula.svg`` the way Manim does, but inside ``work`` only.

    TeX runs with ``work`` as its current folder on relative file names and with :data:`TEX_SANDBOX` added to its
    environment, whatever this process's environment says (paranoid ``openin_any`` refuses absolute paths, so
    the names must be relative). Leaves TeX's files in ``work``; raises ValueError if TeX or dvisvgm fails.
    """
    from manim.utils.tex_file_writing import make_tex_compilation_command, print_all_tex_errors

    env = os.environ | TEX_SANDBOX
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
            if (work / "formula.log").is_file():
                print_all_tex_errors(work / "formula.log", compiler, tex)
            notes = sorted({line.strip() for line in done.stderr.decode(errors="replace").splitlines() if line.strip()})
            said = "".join(f"; {n}" for n in notes)
            raise ValueError(f"{compiler} could not typeset a formula (see the LaTeX errors above){said}")
    svg = work / "formula.svg"
    command = ["dvisvgm", *(["--pdf"] if fmt == ".pdf" else []), "--page=1", "--no-fonts", "--verbosity=0",
               f"--output={svg.name}", f"formula{fmt}"]
    subprocess.run(command, cwd=work, env=env, stdout=subprocess.DEVNULL)
    if not svg.is_file():
        raise ValueError(f"dvisvgm could not convert formula{fmt} to SVG")
    return svg


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
    shared = config.get_dir("tex_dir")
    svg = shared / f"{tex_hash(code)}.svg"
    if svg.is_file():
        return svg
    shared.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=shared))
    try:
        made = compile_tex_svg(code, work, template)
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

    return wrapper


def _generate_mobject(self):
    """Manim's ``SVGMobject.generate_mobject``, parsing its modified copy of the SVG from memory: Manim writes it
    beside the SVG as ``<name>_.svg`` and deletes it after, which collides with any other process doing the same."""
    import io

    from manim.mobject.svg import svg_mobject

    tree = self.modify_xml_tree(svg_mobject.ET.parse(self.get_file_path()))
    modified = io.BytesIO()
    tree.write(modified)
    modified.seek(0)
    svg = svg_mobject.se.SVG.parse(modified)
    mobjects, mobject_dict = self.get_mobjects_from(svg)
    self.add(*mobjects)
    self.id_to_vgroup_dict = mobject_dict
    self.flip(svg_mobject.RIGHT)  # Flip y
    return self


_svgs_shared = False


def share_svgs() -> None:
    """Make Manim's folders of LaTeX and text pictures safe to share between processes (idempotent).

    Stock Manim compiles LaTeX inside ``tex_dir`` itself (and then deletes every file there but the .tex and .svg
    files, a concurrent compile's too) and has Pango write text pictures straight to their final name; either
    lets another process read or delete a half-made file; and every SVG is copied to ``<name>_.svg`` beside it
    to be parsed, then deleted. Here a formula is compiled in a private folder (:func:`tex_to_svg`), a text
    picture is written under a temporary name, each then renamed into place, and the copy is parsed from memory.
    """
    global _svgs_shared
    if _svgs_shared:
        return
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
    _svgs_shared = True


def _remove_last_m(file_name: str) -> None:
    """manimpango's ``PangoUtils.remove_last_M`` (the same edit of the SVG), written whole or not at all."""
    import re

    with open(file_name, encoding="utf-8") as f:
        content = f.read()
    edited = re.sub(r'Z M [^A-Za-z]*? "\/>', 'Z "/>', content)
    if edited == content:
        return
    with replacing(file_name) as tmp:
        tmp.write_text(edited, encoding="utf-8")


def drawing_ready(drawing: Path) -> bool:
    """Whether ``drawing`` can be laid out for any timing (else its step must be drawn again)."""
    try:
        return bool(json.loads((drawing / "script.json").read_text())["replayable"])
    except (OSError, ValueError, KeyError):
        return False


def assemble(drawing: Path, timing: StepTiming, target: Path, began: float | None = None, peak_mb: float = 0.0) -> StepVideo:
    """Lay a drawn step out for ``timing``: its animations in order, each hold as long as its rule says now.

    Each hold is a clip of its still repeated by stream copy (the last copy cut short), so its length costs
    nothing; a still whose clip is too short for the new length is encoded again from its PNG.
    """
    began = time.perf_counter() if began is None else began
    script = json.loads((drawing / "script.json").read_text())
    spec = script["spec"]
    fps = Fraction(*spec["frame_rate"])
    assert fps.denominator == 1
    fps = int(fps)
    clips: list[tuple[Path, int | None]] = []
    clock, hold_frames = 0.0, 0
    for item in script["items"]:
        if "play" in item:
            if item["play"]:
                clips.append((drawing / item["play"], None))
            clock += item["seconds"]
            continue
        wait = item["wait"]
        frames = item["frames"] if not script["replayable"] else Wait(wait["kind"], wait["seconds"], tuple(wait["names"])).frames(clock, timing, fps)
        if frames > 0:
            clips += _hold_clips(drawing, item["still"], frames, fps, spec)
            hold_frames += frames
        clock = after_hold(clock, frames, fps)
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as tmp:  # replaced last: a section counts as cached only when its video is in place
        frames = write_clips(tmp, clips, fps)
        video = StepVideo(
            frames, frames - hold_frames, hold_frames, tuple(script["layout_problems"]), time.perf_counter() - began,
            peak_mb=round(peak_mb, 1),
        )
        with replacing(target.with_suffix(".json")) as meta:
            meta.write_text(json.dumps(dataclasses.asdict(video)))
    return video


def _hold_clips(drawing: Path, still: str, frames: int, fps: int, spec: dict) -> list[tuple[Path, int | None]]:
    """(clip, frames to take or None for all) that make a hold of ``frames``: a clip of at most KEYFRAME_SECONDS, repeated."""
    need = min(frames, KEYFRAME_SECONDS * fps)
    have = sorted(int(p.stem.rsplit("-", 1)[1]) for p in drawing.glob(f"{still}-*.mp4"))
    length = next((k for k in have if k >= need), None)
    if length is None:
        from PIL import Image

        length = need
        pixels = np.asarray(Image.open(drawing / f"{still}.png").convert("RGBA"))
        encode_still(drawing / f"{still}-{length}.mp4", pixels, length, spec)
    clip = drawing / f"{still}-{length}.mp4"
    whole, rest = divmod(frames, length)
    return [(clip, None)] * whole + ([(clip, rest)] if rest else [])


def write_clips(
    output: Path,
    clips: Iterable[tuple[Path, int | None]],
    fps: int,
    audio: list[bytes] | None = None,
    chapters: list[dict] | None = None,
) -> int:
    """Concatenate H.264 clips by stream copy into ``output`` (moov first), one packet per frame, re-timed frame by frame.

    ``audio``: the AAC packets of a mono track at 48 kHz (:func:`lesson.audio.aac_track`), interleaved with the video by time;
    ``chapters``: PyAV chapter dicts. Returns the number of video frames written.
    """
    import av

    from lesson.audio import add_aac_stream

    frame = 0
    with av.open(str(output), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = None
        pending: list = []
        for path, limit in clips:
            with av.open(str(path)) as src:
                vin = src.streams.video[0]
                if stream is None:
                    stream = out.add_stream_from_template(vin)
                    if audio is not None:
                        pending = add_aac_stream(out, audio)
                        pending.reverse()  # popped from the end, earliest first
                    if chapters:
                        out.set_chapters(chapters)
                taken = 0
                for packet in src.demux(vin):
                    if packet.dts is None:
                        continue
                    if limit is not None and taken >= limit:
                        break
                    while pending and pending[-1].pts * pending[-1].time_base <= Fraction(frame, fps):
                        out.mux(pending.pop())
                    packet.stream = stream
                    packet.time_base = Fraction(1, fps)
                    packet.pts = packet.dts = frame
                    packet.duration = 1
                    out.mux(packet)
                    frame += 1
                    taken += 1
        while pending:
            out.mux(pending.pop())
    return frame


def cached_video(path: Path) -> StepVideo | None:
    meta = path.with_suffix(".json")
    if not (path.is_file() and meta.is_file()):
        return None
    try:
        doc = json.loads(meta.read_text())
        return StepVideo(**doc | {"layout_problems": tuple(doc["layout_problems"])})
    except (ValueError, KeyError, TypeError):
        return None


STALE_SECONDS = 3600.0  # a work file untouched this long was left by a render that was killed
DEAD_OWNER_SECONDS = 60.0  # ... and sooner, if the process its name carries is gone (a short grace, in case the
# cache is shared with processes whose pids this one cannot see: another container, another host)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (one that ended but was not reaped yet)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] != "Z"
    except (OSError, ValueError, IndexError):
        return True


def _owner(name: str) -> int | None:
    """The pid a work file's name carries: ``.work-<pid>-…``, ``.draw-<pid>-…``, ``.old-<pid>-…`` (folders),
    ``….<pid>``, ``….<pid>.npz`` (files)."""
    m = re.match(r"\.(?:work|draw|old)-(\d+)-", name) or re.search(r"\.(\d+)(?:\.npz)?$", name)
    return int(m.group(1)) if m else None


def _last_touched(path: Path) -> float:
    """The newest modification time of ``path`` and, for a folder, of everything in it."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for p in path.rglob("*"):
            try:
                newest = max(newest, p.lstat().st_mtime)
            except OSError:
                pass
    return newest


def _remove_stale(folder: Path, patterns: tuple[str, ...], age: float = STALE_SECONDS) -> None:
    """Remove work files and folders matching ``patterns`` left by renders that were killed: those whose name
    carries the pid of a process that is gone (untouched for DEAD_OWNER_SECONDS), and any untouched for ``age``
    seconds (a live render's are newer)."""
    now = time.time()
    for pattern in patterns:
        for path in folder.glob(pattern):
            try:
                idle = now - _last_touched(path)
                owner = _owner(path.name)
                gone = owner is not None and owner != os.getpid() and not pid_alive(owner)
                if idle > age or (gone and idle > DEAD_OWNER_SECONDS):
                    shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            except OSError:
                pass


def remove_stale_work_files(cache_dir: Path) -> None:
    """Clean the cache of what killed renders left: work folders, half-written drawings, sections, pictures, speech."""
    _remove_stale(cache_dir / "sections", (".*", "lesson-*", "*.json.[0-9]*"))  # lesson-*, *.json.<pid>: older names
    _remove_stale(cache_dir / "drawings", (".*", "*/.*"))  # .draw-<pid>-… being written, .old-…, stills being encoded
    for pictures in ("tex", "texts"):
        _remove_stale(cache_dir / pictures, (".*",))  # .work-<pid>-… folders, .<name>.svg.<pid>
        if (cache_dir / pictures).is_dir():  # one folder per step id: the older layout, no longer read
            for old in (cache_dir / pictures).iterdir():
                if old.is_dir() and not old.name.startswith("."):
                    _remove_stale(cache_dir / pictures, (old.name,))
    _remove_stale(cache_dir / "speech", ("*.tmp*", "*.[0-9]*.npz", ".*"))
    _remove_stale(cache_dir / "voices", (".*",))


def _failure(step: StepPlan, exc: Exception) -> str:
    return f"step {step.index + 1} '{step.id}' ({step.kind}) failed: {type(exc).__name__}: {exc}"


PR_SET_PDEATHSIG = 1  # linux/prctl.h
_inherited_fds: set[int] = set()  # the main process's descriptors a worker must not keep (the output folder's lock)


def _die_with_parent(parent: int, forked_by_main_thread: bool) -> None:
    """End this process as soon as ``parent`` does, even when it is killed with SIGKILL (which it cannot pass on)."""
    if sys.platform.startswith("linux") and forked_by_main_thread:  # the signal comes when the forking *thread* ends
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            no = ctypes.c_ulong(0)
            libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), no, no, no)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)

    def watch() -> None:  # the fallback, where prctl is not there: look every second
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="lesson-parent-watch", daemon=True).start()


def _start_worker(parent: int | None = None, forked_by_main_thread: bool = True) -> None:
    """Each worker: ends with the main process, leaves Ctrl-C to it (it stops the workers), runs TeX sandboxed,
    and imports Manim once, as it starts (while the main process may be speaking the narration)."""
    if parent is not None:
        _die_with_parent(parent, forked_by_main_thread)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the main process kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler, inherited through fork
    for fd in _inherited_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    os.environ.update(TEX_SANDBOX)
    import manim  # noqa: F401

    share_svgs()


class StepRenderer:
    """Renders steps as they are handed in: from the cache at once, else in a pool of worker processes.

    ``submit(step, timing)`` may be called while the narration is still being made for later steps;
    ``start(n)`` forks the workers early (before a voice model with its threads is loaded, and so that
    Manim is imported in the workers while the voice speaks); ``results()`` waits for every step and
    returns them in step order, or raises one :class:`LessonError` naming every step that failed.
    """

    def __init__(
        self,
        style: Style,
        quality: str,
        *,
        jobs: int = 1,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        on_step: Callable[[StepResult], None] | None = None,
        on_start: Callable[[StepPlan, bool], None] | None = None,
        strict_layout: bool = False,
    ):
        self.style, self.quality, self.jobs, self.use_cache = style, quality, jobs, use_cache
        self.strict_layout = strict_layout  # a layout problem fails its step (also one found when it was drawn before)
        self.on_step, self.on_start = on_step, on_start
        self.cache = (cache_dir or default_cache_dir()) / "sections"
        self.cache.mkdir(parents=True, exist_ok=True)
        self.drawings = self.cache.parent / "drawings"
        self._failures: list[str] = []
        remove_stale_work_files(self.cache.parent)  # left by renders that were killed
        self._codes: dict[str, str] = {}
        self._done: dict[int, StepResult] = {}
        self._futures: dict[Future, tuple[StepPlan, Path]] = {}
        self._pool: ProcessPoolExecutor | None = None

    def _code(self, kind: str) -> str:
        if kind not in self._codes:
            self._codes[kind] = code_version(kind)
        return self._codes[kind]

    def path(self, step: StepPlan, timing: StepTiming) -> Path:
        return self.cache / f"{step_key(step, self.style, self.quality, timing, self._code(step.kind))}.mp4"

    def drawing(self, step: StepPlan, timing: StepTiming) -> Path:
        return self.drawings / drawing_key(step, self.style, self.quality, timing, self._code(step.kind))

    def cached(self, step: StepPlan, timing: StepTiming) -> StepResult | None:
        path = self.path(step, timing)
        video = cached_video(path) if self.use_cache else None
        return None if video is None else StepResult(step, path, True, video)

    def can_lay_out(self, step: StepPlan) -> bool:
        """Whether the step is drawn already and only needs laying out for its (new) timing: no Manim, no worker."""
        return self.use_cache and drawing_ready(self.drawing(step, StepTiming(0.0, 0.0, 0.0)))  # any timing without captions: the key leaves it out

    def start(self, workers: int) -> None:
        """Fork the worker pool now (at most ``jobs`` workers, and no more than there are steps to draw)."""
        if self._pool is None and workers > 0:
            ctx = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                max_workers=max(1, min(self.jobs, workers)), mp_context=ctx, initializer=_start_worker,
                initargs=(os.getpid(), threading.current_thread() is threading.main_thread()),
            )
            self._pool.submit(int)  # with fork, every worker starts now, at the first task

    def submit(self, step: StepPlan, timing: StepTiming) -> None:
        found = self.cached(step, timing)
        if found is not None:
            if self.on_start:
                self.on_start(step, True)
            self._finished(found)
            return
        path, drawing = self.path(step, timing), self.drawing(step, timing)
        if self.use_cache and drawing_ready(drawing):  # drawn before: lay it out for this timing, here and now
            try:
                video = assemble(drawing, timing, path)
            except Exception as exc:
                self._failures.append(_failure(step, exc))
                return
            self._finished(StepResult(step, path, False, video))
            return
        if self.on_start:
            self.on_start(step, False)
        self.start(1)
        future = self._pool.submit(render_step, step, self.style, self.quality, timing, path, drawing, replace=not self.use_cache, strict_layout=self.strict_layout)  # type: ignore[union-attr]
        self._futures[future] = (step, path)

    def _finished(self, result: StepResult) -> None:
        self._done[result.step.index] = result
        if self.on_step:
            self.on_step(result)

    def results(self, steps: Iterable[StepPlan]) -> list[StepResult]:
        failures = self._failures
        try:
            for future in as_completed(self._futures):
                step, path = self._futures[future]
                try:
                    video = future.result()
                except Exception as exc:  # a step failed: report it, keep the others
                    failures.append(_failure(step, exc))
                    continue
                self._finished(StepResult(step, path, False, video))
        except BaseException:  # Ctrl-C, SIGTERM, an error in on_step: the workers stop now
            self.close(abort=True)
            raise
        finally:
            self.close()
        if self.strict_layout:  # steps drawn by an earlier render without the flag
            failures += [f"step {r.step.index + 1} '{r.step.id}' ({r.step.kind}) is not laid out cleanly: {p}"
                         for r in sorted(self._done.values(), key=lambda r: r.step.index) for p in r.layout_problems]
        if failures:
            raise LessonError(failures + ["the steps that rendered are cached; fix the failing step and render again"])
        return [self._done[s.index] for s in steps]

    def close(self, abort: bool = False) -> None:
        """Stop the workers: once the steps they are drawing are done, or at once (``abort``: Ctrl-C, an error)."""
        pool = self._pool
        if pool is None:
            return
        if abort:
            for process in list((getattr(pool, "_processes", None) or {}).values()):  # CPython keeps them there
                process.kill()  # every file a worker writes is renamed into place whole, so nothing half-made stays
        pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None  # only now: a Ctrl-C while waiting above still finds the workers to kill
