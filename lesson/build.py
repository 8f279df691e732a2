"""From a plan to the course package: narration, rendered steps, the MP4 with voice and chapters, and the files beside it.

    DIR/<id>.mp4             H.264 + AAC (48 kHz, -16 LUFS), chapters, moov first
    DIR/<id>.srt, .vtt       captions from the narration's word timings
    DIR/<id>.chapters.vtt    one chapter per step
    DIR/<id>.transcript.md   the narration with timestamps
    DIR/<id>.poster.png      a frame for the course page
    DIR/<id>.json            manifest: chapters, files with SHA-256, every number with its mathcore value

Everything is written to a hidden folder inside DIR first and moved into place
at the end, so a failed or interrupted render leaves the previous files whole.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson import captions
from lesson.audio import AAC_FRAME, aac_track
from lesson.errors import UsageError
from lesson.narrate import Narrated
from lesson.numbers import LessonNumbers
from lesson.plan import Plan, StepPlan
from lesson import render as _render
from lesson.render import QUALITIES, StepRenderer, StepResult, default_cache_dir, write_clips
from lesson.speech import RATE
from lesson.timing import LEAD, StepTiming



@dataclass(frozen=True)
class BuildResult:
    video: Path
    files: tuple[Path, ...]
    steps: tuple[StepResult, ...]
    duration: float  # seconds
    speech_seconds: float  # seconds of narration in the video
    synthesis_seconds: float  # wall time spent on the voice (0 when cached)
    loudness: float | None  # LUFS of the track, None without sound
    peak: float | None  # dBFS


LOCK_NAME = ".lesson.lock"  # in the output folder while a render writes there; holds the renderer's pid


def check_folder(path: Path, what: str) -> None:
    """A UsageError unless ``path`` is a folder this process can write into, or can make, tried by writing a file.

    For the command line to call before any work; ``what`` names the option (``-o``, ``--cache-dir``).
    """
    try:
        if path.exists() and not path.is_dir():
            raise UsageError(f"{what} {path}: is a file, not a folder")
        existing = path  # a folder not made yet is checked where it would be made: nothing is created here
        while not existing.exists():
            if existing.parent == existing:
                break
            existing = existing.parent
        if not existing.is_dir():
            raise UsageError(f"{what} {path}: cannot create the folder: {existing} is a file")
    except OSError as exc:  # a name too long, a loop of links, ...
        raise UsageError(f"{what} {path}: {exc.strerror or exc}") from None
    try:
        # a name no render's stale-folder rule (".<lesson id>-*", the id has no dot) can match
        with tempfile.NamedTemporaryFile(prefix=f".lesson.check-{os.getpid()}-", dir=existing):
            pass
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot write into {existing}: {exc.strerror or exc}") from None


def _lock_holder(fd: int) -> str:
    for _ in range(20):  # the holder writes its pid just after it takes the lock
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text:
            return text
        time.sleep(0.05)
    return ""


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s lock (an advisory flock of ``out_dir/.lesson.lock``): one render at a time writes into a
    folder. Another render waits for it, saying so once on stderr. The file is removed when the lock is let go."""
    path = out_dir / LOCK_NAME
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not told:
                    holder = _lock_holder(fd)
                    who = f"process {holder}" if holder.isdigit() else "another process"
                    print(f"waiting for {who}, which is rendering into {out_dir}/", file=sys.stderr, flush=True)
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            mine, now = os.fstat(fd), os.stat(path)  # the holder removes the file as it lets go: lock the new one then
            locked = (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)
        except FileNotFoundError:
            locked = False
        except BaseException:
            os.close(fd)
            raise
        if locked:
            break
        os.close(fd)
    _render._inherited_fds.add(fd)  # the workers forked meanwhile close their copy
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        _render._inherited_fds.discard(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)


def _one_render_per_folder(fn: Callable[..., BuildResult]) -> Callable[..., BuildResult]:
    """Check the output and cache folders first, and hold the output folder's lock while ``fn`` runs.

    Renders into one folder then never remove each other's files (each clears the stale ``.<id>-*`` folders
    of killed renders, which only a render holding the lock may do)."""

    @wraps(fn)
    def locked(plan: Plan, numbers: LessonNumbers, out_dir: Path, **options) -> BuildResult:
        check_folder(out_dir, "output folder")
        check_folder(options.get("cache_dir") or default_cache_dir(), "cache folder")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"output folder {out_dir}: cannot create it: {exc.strerror or exc}") from None
        with output_lock(out_dir):
            return fn(plan, numbers, out_dir, **options)

    return locked


@_one_render_per_folder
def build(
    plan: Plan,
    numbers: LessonNumbers,
    out_dir: Path,
    *,
    quality: str | None = None,
    voice: str = "piper",
    words_per_minute: int = 150,
    poster: str | None = None,
    burn_captions: bool = False,
    jobs: int = 1,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    on_step: Callable[[StepResult], None] | None = None,
    on_start: Callable[[StepPlan, bool], None] | None = None,
    strict_layout: bool = False,
) -> BuildResult:
    from lesson.audio import loudness, peak_dbfs
    from lesson.narrate import Narrator

    quality = quality or plan.quality
    width, height, fps = QUALITIES[quality]
    cache_dir = cache_dir or default_cache_dir()
    narrator = Narrator(plan, voice, words_per_minute, cache_dir, use_cache)
    renderer = StepRenderer(plan.style, quality, jobs=jobs, cache_dir=cache_dir, use_cache=use_cache, on_step=on_step, on_start=on_start, strict_layout=strict_layout)
    narrated: dict[int, Narrated] = {}
    timings: dict[int, StepTiming] = {}  # what the scenes get: the narration's timing, with the captions when burned in

    def narrate(step: StepPlan) -> None:
        n = narrated[step.index] = narrator.narrate(step)
        timings[step.index] = n.timing
        if burn_captions:  # the scene draws the step's cues into the bottom band
            cues = captions.make_cues([_words(step, n, LEAD)], n.timing.min_seconds)
            timings[step.index] = dataclasses.replace(n.timing, captions=tuple((c.start, c.end, c.text) for c in cues))

    try:
        # Workers only for the steps that must be drawn (a step drawn before is laid out for its new timing in this
        # process). Which steps those are does not depend on the timing (unless captions are burned in), so the
        # workers are forked first, before a voice model loads, and import Manim while the narration is read or
        # spoken. The steps whose speech is cached go to the renderer at once, longest first so that the workers
        # finish together; each step the voice speaks goes as soon as its speech is there.
        if not burn_captions:
            renderer.start(sum(not renderer.can_lay_out(s) for s in plan.steps))
        to_speak = [s for s in plan.steps if narrator.needs_voice(s)]
        known = [s for s in plan.steps if s not in to_speak]
        for step in known:
            narrate(step)  # from the cache, or a recording read now
        known.sort(key=lambda s: -timings[s.index].min_seconds)
        if burn_captions:
            renderer.start(len(to_speak) + sum(renderer.cached(s, timings[s.index]) is None for s in known))
        for step in known:
            renderer.submit(step, timings[step.index])
        for step in to_speak:
            narrate(step)
            renderer.submit(step, timings[step.index])
        results = renderer.results(plan.steps)
    except BaseException:  # Ctrl-C, SIGTERM, a narration that failed: the workers stop now
        renderer.close(abort=True)
        raise
    finally:
        renderer.close()
    synthesis = narrator.synthesis_seconds
    starts = np.concatenate([[0], np.cumsum([r.video.frames for r in results])]).astype(int)
    total_frames = int(starts[-1])
    duration = total_frames / fps
    speech_seconds = sum(n.speech.seconds for n in narrated.values())
    # each step's voice starts on the AAC frame at or just before LEAD seconds into the step (at most 21 ms early)
    voice_at = [(int(start) * RATE // fps + int(LEAD * RATE)) // AAC_FRAME for start in starts[:-1]]

    # nothing changed since the last render into out_dir: the files there are the answer
    key = _build_key(plan, results, quality, voice, poster, burn_captions)
    previous = _up_to_date(out_dir, plan.lesson_id, key)
    if previous is not None:
        audio = previous.get("audio") or {}
        return BuildResult(
            video=out_dir / f"{plan.lesson_id}.mp4",
            files=tuple(out_dir / f["name"] for f in previous["files"]) + (out_dir / f"{plan.lesson_id}.json",),
            steps=tuple(results), duration=duration, speech_seconds=speech_seconds, synthesis_seconds=synthesis,
            loudness=audio.get("loudness_lufs"), peak=audio.get("peak_dbfs"),
        )

    has_sound = any(n.packets for n in narrated.values())  # a voice, or a recorded step
    track_frames = total_frames * RATE // fps // AAC_FRAME  # whole AAC frames: the sound never outlasts the picture
    track = _narration_track(results, voice_at, narrated, track_frames) if has_sound else None
    pieces = [(at, list(narrated[r.step.index].packets)) for r, at in zip(results, voice_at)]
    packets = aac_track(track_frames, pieces) if has_sound else None
    # the track's loudness is measured in a thread while the MP4 is written
    measuring = ThreadPoolExecutor(max_workers=1)
    measured = measuring.submit(lambda: (None, None) if track is None else (loudness(track), peak_dbfs(track)))

    chapters = [
        captions.Chapter(r.step.title, float(a) / fps, float(b) / fps) for r, a, b in zip(results, starts[:-1], starts[1:])
    ]
    cues = captions.make_cues([_words(r.step, narrated[r.step.index], at * AAC_FRAME / RATE) for r, at in zip(results, voice_at)], duration)

    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(f".{plan.lesson_id}-*"):  # left by a killed render (we hold the lock: not a live one's)
        shutil.rmtree(stale, ignore_errors=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{plan.lesson_id}-", dir=out_dir))
    try:
        name = plan.lesson_id
        video = stage / f"{name}.mp4"
        mp4_chapters = [
            {"id": i + 1, "start": round(c.start * 1000), "end": round(c.end * 1000), "time_base": Fraction(1, 1000), "metadata": {"title": c.title}}
            for i, c in enumerate(chapters)
        ]
        write_clips(video, [(r.path, None) for r in results], fps, audio=packets, chapters=mp4_chapters)
        (stage / f"{name}.srt").write_text(captions.srt(cues), encoding="utf-8")
        (stage / f"{name}.vtt").write_text(captions.webvtt(cues), encoding="utf-8")
        (stage / f"{name}.chapters.vtt").write_text(captions.chapters_webvtt(chapters), encoding="utf-8")
        (stage / f"{name}.transcript.md").write_text(
            captions.transcript(plan.title, chapters, [r.step.narration for r in results]), encoding="utf-8"
        )
        poster_index = _poster_step(plan, results, poster)
        save_frame(video, (int(starts[poster_index + 1]) - 1) / fps, stage / f"{name}.poster.png")
        files = sorted(p for p in stage.iterdir())
        track_loudness, track_peak = measured.result()
        manifest = {
            "build_key": key,
            "lesson": plan.lesson_id,
            "title": plan.title,
            "duration": round(duration, 3),
            "resolution": [width, height],
            "fps": fps,
            "audio": None if track is None else {"codec": "aac", "sample_rate": RATE, "loudness_lufs": round(track_loudness, 2), "peak_dbfs": round(track_peak, 2)},
            "chapters": [{"title": c.title, "start": round(c.start, 3), "end": round(c.end, 3)} for c in chapters],
            "files": [{"name": p.name, "bytes": p.stat().st_size, "sha256": _sha256(p)} for p in files],
            "numbers": numbers.to_json(),
            "shown": _shown(plan, numbers),
        }
        manifest_path = stage / f"{name}.json"
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        finals = []
        for p in [*files, manifest_path]:
            os.replace(p, out_dir / p.name)
            finals.append(out_dir / p.name)
    finally:
        measuring.shutdown(wait=True)
        shutil.rmtree(stage, ignore_errors=True)
    return BuildResult(
        video=out_dir / f"{plan.lesson_id}.mp4",
        files=tuple(finals),
        steps=tuple(results),
        duration=duration,
        speech_seconds=speech_seconds,
        synthesis_seconds=synthesis,
        loudness=track_loudness,
        peak=track_peak,
    )


def _words(step: StepPlan, narrated, at: float) -> list[captions.Word]:
    """The step's caption tokens with their spoken times, the voice starting at ``at`` seconds."""
    return [captions.Word(tok, at + a, at + b) for tok, (a, b) in zip(step.tokens, narrated.speech.times)]


def _narration_track(results: list[StepResult], voice_at: list[int], narrated: dict, frames: int) -> np.ndarray:
    """The whole lesson's audio as samples (for its loudness): each step's speech from AAC frame ``voice_at``, silence elsewhere."""
    track = np.zeros(frames * AAC_FRAME, dtype=np.float32)
    for r, at in zip(results, voice_at):
        samples = narrated[r.step.index].speech.samples
        start = at * AAC_FRAME
        track[start:start + len(samples)] = samples[: max(0, len(track) - start)]
    return track


def _build_key(plan: Plan, results: list[StepResult], quality: str, voice: str, poster: str | None, burn: bool) -> str:
    """Everything the package depends on: every step's section (its cache key), the options, the code that assembles it."""
    here = Path(__file__).parent
    h = hashlib.sha256(json.dumps([plan.lesson_id, plan.title, quality, voice, poster, burn, [r.path.name for r in results]]).encode())
    for name in ("build.py", "captions.py", "audio.py", "render.py", "narrate.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:24]


def _up_to_date(out_dir: Path, lesson_id: str, key: str) -> dict | None:
    """The manifest in ``out_dir`` if it was made with ``key`` and every file it lists is there, unchanged."""
    try:
        manifest = json.loads((out_dir / f"{lesson_id}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("build_key") != key:
        return None
    for f in manifest.get("files", []):
        path = out_dir / f["name"]
        if not path.is_file() or path.stat().st_size != f["bytes"] or _sha256(path) != f["sha256"]:
            return None
    return manifest


def _poster_step(plan: Plan, results: list[StepResult], poster: str | None) -> int:
    ids = [r.step.id for r in results]
    if poster in ids:
        return ids.index(poster)
    kinds = [r.step.kind for r in results]
    return kinds.index("softmax") if "softmax" in kinds else len(results) // 2


def _shown(plan: Plan, numbers: LessonNumbers) -> list[dict]:
    """Every placeholder the narration fills in, per step: the text shown and the mathcore value."""
    values = numbers.values()
    out = []
    for step in plan.steps:
        for name, i in step.cues:
            if name not in values:  # a sentence's start (sentence.N), not a placeholder
                continue
            value = values[name]
            out.append({"step": step.id, "placeholder": name, "shown": step.tokens[i], "value": value if not isinstance(value, np.generic) else value.item()})
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_frame(video: Path, seconds: float, target: Path) -> None:
    """The frame shown at ``seconds`` as a PNG."""
    import av

    with av.open(str(video)) as src:
        stream = src.streams.video[0]
        src.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        chosen = None
        for frame in src.decode(stream):
            chosen = frame
            if frame.time is not None and frame.time >= seconds - 1e-6:
                break
        if chosen is None:
            raise RuntimeError(f"no frame at {seconds:.2f}s in {video}")
        chosen.to_image().save(target)
