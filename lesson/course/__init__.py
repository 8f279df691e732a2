"""Courses: many lessons built into one course, with an offline web page and SCORM 1.2 / cmi5 packages.

``course.yaml`` names the lessons (:mod:`lesson.course.load`); :mod:`lesson.course.build` renders them and writes
the course folder; :mod:`lesson.course.page` the page and :mod:`lesson.course.packages` the platforms' packages.
"""
