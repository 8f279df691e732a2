"""Drawing and rendering a plan's steps: cache keys, Manim workers, replays of holds, muxing, the cluster."""
