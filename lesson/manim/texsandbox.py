"""The sandbox TeX runs in: kpathsea settings that keep a formula from running programs or touching other files.

kpathsea reads these from the environment before texmf.cnf: no shell escape (\\write18), and TeX may open files
only below its working folder (no absolute paths, no "..", no dot files) for reading and for writing. A render
worker keeps them for good (:mod:`lesson.render.workers`); a step drawn in the calling process has them while it is drawn.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

TEX_SANDBOX = {"shell_escape": "f", "openin_any": "p", "openout_any": "p"}


@contextmanager
def tex_sandbox() -> Iterator[None]:
    """Run TeX with :data:`TEX_SANDBOX` in this process while inside."""
    before = {k: os.environ.get(k) for k in TEX_SANDBOX}
    os.environ.update(TEX_SANDBOX)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
