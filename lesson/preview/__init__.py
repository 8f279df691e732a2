"""The author's loop: ``lesson still`` (one picture of one step at one moment) and ``lesson preview`` (a local page
that renders the lesson again on every save and shows it with its numbers, equations and warnings).

:mod:`lesson.preview.still` needs only the render stages; :mod:`lesson.preview.session` (the watching and the
builds) and :mod:`lesson.preview.server` (the page) need the ``preview`` extra (Starlette, uvicorn, watchfiles).
"""
