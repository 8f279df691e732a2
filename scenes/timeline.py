"""The timeline of a step scene: plays and holds that follow the narration's cues, each hold recorded as a still
and its rule (the renderer lays it out by stream copy): a mixin of :class:`scenes.base.StepScene`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from lesson.base.timing import Change, Hold, Play, Wait, after_hold
from lesson.manim import adapter as manim_adapter
from scenes import style


class Timeline:
    """Timing that follows the voice: :meth:`cue` holds until a placeholder is spoken."""

    changes: list[Change]  # every change tied to a cue: its cue's names and when it began (plain data, for tests)
    _cue_names: tuple[str, ...] = ()  # the cue the next animation follows, if any

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
        """Hold until the voice reaches one of these placeholders (no wait if it is not spoken, or already past); the
        next animation is the change tied to it, and its start is recorded (``self.changes``).

        The change starts at the word: :data:`style.CUE_LEAD` before it, and ``ahead`` (the length of the animation
        that leads up to the number) may start it earlier, but never more than :data:`style.CHANGE_LEAD` before the
        word, so that what changes is what the voice names (the animation ends a little after the word).
        """
        self.hold_for(Wait("cue", min(style.CUE_LEAD + max(0.0, ahead), style.CHANGE_LEAD), tuple(names)))
        # one change claims a word: a second change at the word of the change before follows it (not tied to it)
        self._cue_names = () if self.changes and self.changes[-1].names == tuple(names) else tuple(names)

    def hold_to_end(self) -> None:
        """Hold until the voice and the script's pause are over, and for at least a beat after the last animation."""
        self.hold_for(Wait("end", style.BEAT))

    def in_spoken_order(self, items: list, cues_of: Any) -> list:
        """``items`` in the order the narration first speaks their cues (``cues_of(item)``: its cue names); those it
        never speaks first, in their own order. A scene shows its things in this order, so that each waits for its
        own word and none waits behind a thing named later."""
        def when(item: Any) -> int:
            at = self.spoken_at(cues_of(item))
            return -1 if at is None else at

        return sorted(items, key=when)  # sorted() is stable: equal keys keep their order

    def spoken_at(self, cues: Sequence[str]) -> int | None:
        """The narration's token where the first of ``cues`` is spoken (None: none is)."""
        found = [token for name, token in self.step.cues if name in cues]
        return min(found) if found else None

    def first_words(self) -> dict[str, int]:
        """Each cue of the step and the narration's token where the voice first reaches it."""
        first: dict[str, int] = {}
        for name, token in self.step.cues:
            first[name] = min(token, first.get(name, token))
        return first

    def still_to_come(self, name: str) -> bool:
        """Whether the voice says ``name`` now or later (its word began at most :data:`style.LATE` ago): a value on
        screen is pointed at then, never late."""
        word = self.timing.cue_time(name)
        return word is not None and word >= self.time - style.LATE

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
        names, self._cue_names = self._cue_names, ()
        if names:  # the first animation after a cue is the change tied to it
            self.changes.append(Change(names, t0))
        super().play(*args, **kwargs)
        self.timeline.append(Play(manim_adapter.plays(self) - 1, self.time - t0))
        self.check_layout()
