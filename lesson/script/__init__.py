"""Lesson scripts, the first stage: YAML text into a validated, frozen :class:`lesson.script.model.Lesson`, or every
problem at once with its FILE:LINE:COL (:mod:`lesson.script.load`). It knows the script's structure and the names it
defines, not its numbers or its plan: ``lesson check`` as a whole is :mod:`lesson.check`."""
