"""The timeline of a step scene: plays and holds that follow the narration's cues, each hold recorded as a still
and its rule (the renderer lays it out by stream copy): a mixin of :class:`scenes.base.StepScene`."""

from __future__ import annotations

from typing import Any
from lesson.base.timing import Hold, Play, Wait, after_hold
from lesson.manim import adapter as manim_adapter
from scenes import style


class Timeline:
    """Timing that follows the voice: :meth:`cue` holds until a placeholder is spoken."""

    @property
    def fps(self) -> int:
        return int(round(self.camera.frame_rate))

    @property
    def frame(self) -> int:
        """Frames of this step so far (motion and holds)."""
        return int(round(manim_adapter.clock(self) * self.fps))

    def hold(self, seconds: float) -> None:
        """Keep the current picture for ``seconds`` (rounded to whole frames), without drawing frames."""
        self.hold_for(Wait("for", seconds))

    def wait(self, duration: float = style.BEAT, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.hold(duration)

    def cue(self, *names: str, ahead: float = 0.0) -> None:
        """Hold until the voice reaches one of these placeholders (no wait if it is not spoken, or already past).

        ``ahead``: the length of the animations that lead up to the number, so that it lands as it is spoken.
        """
        self.hold_for(Wait("cue", style.CUE_LEAD + ahead, tuple(names)))

    def hold_to_end(self) -> None:
        """Hold until the voice and the script's pause are over, and for at least a beat after the last animation."""
        self.hold_for(Wait("end", style.BEAT))

    def cue_time(self, *names: str) -> float | None:
        """When the narration speaks the first of these placeholders, in seconds from the step's start."""
        return self.timing.cue_time(*names)

    def hold_for(self, wait: Wait) -> None:
        """Hold the picture as ``wait`` says. The still and the rule are recorded (also when no frames are needed
        at this timing), so that the renderer can lay the step out again for new narration without Manim."""
        frames = wait.frames(self.time, self.timing, self.fps)
        if self.timing.captions:  # one still per caption: split the hold where the caption changes
            self.replayable = False
            end_frame = self.frame + frames
            for t in self.caption_changes(self.time, end_frame / self.fps):
                self._hold_frames(int(round(t * self.fps)) - self.frame, None)
            self._hold_frames(end_frame - self.frame, None)
            return
        self._hold_frames(frames, wait)

    def _hold_frames(self, frames: int, wait: Wait | None) -> None:
        if frames <= 0 and wait is None:
            return
        self.show_caption(self.time)
        still = manim_adapter.picture(self)  # the picture as it is now, with anything added or removed since the last play
        self.timeline.append(Hold(max(0, frames), still, wait))
        manim_adapter.set_clock(self, after_hold(self.time, frames, self.fps))

    def play(self, *args: Any, **kwargs: Any) -> None:
        t0 = self.time
        super().play(*args, **kwargs)
        self.timeline.append(Play(manim_adapter.plays(self) - 1, self.time - t0))
        self.check_layout()
