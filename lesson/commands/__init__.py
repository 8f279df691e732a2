"""The commands of ``lesson``, one module each; :mod:`lesson.cli` loads a command's module when it runs (so
``lesson check`` never imports the renderer)."""
