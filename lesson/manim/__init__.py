"""The one boundary with Manim and manimpango: every use of their internals is in :mod:`lesson.manim.adapter`
(patches made only under the versions it was written for, else stock Manim with one warning), and the rest of the
project reaches a scene's clock, picture and encoder files only through its accessors. ``tests/test_render_modules.py``
fails on a read or write of renderer or file-writer internals anywhere else; ``tests/test_manim_adapter.py`` renders
a step in fallback mode."""
