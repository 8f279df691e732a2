"""From a plan to the course package: narration and step renders overlapped, then the MP4 with voice and chapters, and the files beside it.

    DIR/<id>.mp4             H.264 + AAC (48 kHz, -16 LUFS), chapters, moov first
    DIR/<id>.srt, .vtt       captions from the narration's word timings
    DIR/<id>.chapters.vtt    one chapter per step
    DIR/<id>.transcript.md   the narration with timestamps
    DIR/<id>.poster.png      a frame for the course page
    DIR/<id>.json            manifest: chapters, files with SHA-256, every number with its mathcore value

Everything is written to a hidden folder inside DIR first and moved into place
at the end, so a failed or interrupted render leaves the previous files whole.
One render at a time writes into DIR (:mod:`lesson.package.outdir`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from lesson.narration import captions

from lesson.package import manifest as package
from lesson.narration.audio import AAC_FRAME, aac_track
from lesson.base.cachedir import default_cache_dir
from lesson.render.mux import write_clips
from lesson.narration.narrate import Narrated
from lesson.numbers.compute import LessonNumbers
from lesson.package.outdir import one_render_per_folder
from lesson.plan import Plan, StepPlan
from lesson.base.qualities import QUALITIES
from lesson.render.steps import StepRenderer, StepResult
from lesson.speech import RATE
from lesson.base.timing import LEAD, StepTiming
from lesson.narration.audio import loudness, peak_dbfs
from lesson.narration.narrate import Narrator


# One narration at a time in a process: a course on a cluster builds lessons in threads (lesson.course.build), and a
# voice's files (its prepared model, the speech cache) are written under this process's id.
NARRATION = threading.Lock()


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


@one_render_per_folder
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
    executor=None,  # lesson.render.executor.Executor: a cluster (--cluster) shared by a course's lessons; None: local workers
) -> BuildResult:
    quality = quality or plan.quality
    width, height, fps = QUALITIES[quality]
    cache_dir = cache_dir or default_cache_dir()
    narrator = Narrator(plan, voice, words_per_minute, cache_dir, use_cache)
    renderer = StepRenderer(plan.style, quality, jobs=jobs, cache_dir=cache_dir, use_cache=use_cache, on_step=on_step, on_start=on_start, strict_layout=strict_layout, executor=executor)
    narrated: dict[int, Narrated] = {}
    timings: dict[int, StepTiming] = {}  # what the scenes get: the narration's timing, with the captions when burned in

    def narrate(step: StepPlan) -> None:
        with NARRATION:
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
    key = package.build_key(plan, [r.path for r in results], quality, voice, poster, burn_captions)
    previous = package.up_to_date(out_dir, plan.lesson_id, key)
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
        poster_index = package.poster_step([r.step for r in results], poster)
        package.save_frame(video, (int(starts[poster_index + 1]) - 1) / fps, stage / f"{name}.poster.png")
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
            "files": package.files_list(files),
            "numbers": numbers.to_json(),
            "shown": package.shown(plan, numbers),
            "equations": package.equations(plan),
            "numbers_shown": package.numbers_shown(plan),
            "relations": package.relations_spoken(plan),
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
