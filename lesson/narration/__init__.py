"""The voice of a plan: the spoken narration, its audio track and its captions."""
