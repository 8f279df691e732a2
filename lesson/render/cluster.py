"""``--cluster``: draw the steps on a Dask cluster (the ``cluster`` extra, dask[distributed]).

``--cluster ADDRESS`` uses a running scheduler (``tcp://host:8786``); ``--cluster local:N`` starts a ``LocalCluster``
of N worker processes on 127.0.0.1 for this run. Each task draws one step into the shared cache folder under its
content key and returns only the key and the hash of the step's video (:func:`lesson.render.executor.cluster_task`); the
client checks that hash on the file it sees, so a cache folder the workers do not share is an error, not a silent
fallback. A task that dies with its worker is run again on another by the scheduler (up to its
``distributed.scheduler.allowed-failures``); a step that fails for a reason in the lesson returns that reason and is
reported by step, never retried. The only module that imports Dask.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from collections.abc import Iterable, Iterator

from lesson.base.errors import UsageError
from lesson.render.executor import Outcome, StepJob, cluster_task, file_hash, prepare_worker
from lesson.render.replay import cached_video

CONNECT_SECONDS = float(os.environ.get("LESSON_CLUSTER_TIMEOUT", "10"))  # a scheduler that does not answer: exit 2
_LOCAL = re.compile(r"local:(\d+)")
_ADDRESS = re.compile(r"(?:(tcp|tls)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})")
USAGE = "expected local:N (N worker processes on this machine) or a Dask scheduler's address such as tcp://host:8786"


def parse(spec: str) -> tuple[str, int | str]:
    """``("local", N)`` or ``("address", "tcp://host:port")``; a malformed spec is a :class:`UsageError`."""
    m = _LOCAL.fullmatch(spec)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 256:
            raise UsageError(f"--cluster {spec}: N must be 1 to 256 worker processes")
        return "local", n
    m = _ADDRESS.fullmatch(spec)
    if not m or not 1 <= int(m.group(3)) <= 65535:
        raise UsageError(f"--cluster {spec}: {USAGE}")
    return "address", f"{m.group(1) or 'tcp'}://{m.group(2)}:{int(m.group(3))}"


def connect(spec: str) -> DaskExecutor:
    """Parse ``spec``, import Dask, and connect (or start a local cluster): a :class:`DaskExecutor`, or a one-line
    :class:`UsageError` (exit 2) before any work."""
    what, where = parse(spec)
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--cluster needs Dask distributed, the cluster extra: pip install 'lesson[cluster]'") from None

    if what == "local":
        from distributed import LocalCluster

        try:  # on 127.0.0.1 only, every port (the dashboard's too) a free one
            cluster = LocalCluster(n_workers=int(where), threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
        except Exception as exc:
            raise UsageError(f"--cluster {spec}: could not start a local Dask cluster: {_one_line(exc)}") from None
        return DaskExecutor(Client(cluster), cluster)
    try:
        client = Client(str(where), timeout=CONNECT_SECONDS)
    except Exception as exc:  # OSError, TimeoutError, a handshake with something that is not a scheduler
        raise UsageError(f"--cluster {spec}: no Dask scheduler answered at {where} within {CONNECT_SECONDS:g} s ({_one_line(exc)})") from None
    return DaskExecutor(client, None)


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


class DaskExecutor:
    """Steps as tasks on a Dask cluster; shared by every lesson of a run, closed by whoever connected it."""

    shared = True

    def __init__(self, client, cluster=None):
        self.client, self.cluster = client, cluster
        self._jobs: dict[object, StepJob] = {}
        self._drawing: dict[object, object] = {}  # drawing folder -> the task that draws it
        self._lock = threading.Lock()
        # Manim imported in every worker now, while the client reads or speaks the narration (kept: a released
        # future's task may be dropped)
        self._warm = [client.submit(prepare_worker, key=f"lesson-prepare-{uuid.uuid4().hex[:8]}", workers=[w], pure=False)
                      for w in self.workers()]

    @property
    def address(self) -> str:
        return self.client.scheduler.address

    @property
    def dashboard(self) -> str | None:
        """The scheduler's dashboard, when it has one (its pages need bokeh on the scheduler)."""
        try:
            if "dashboard" not in self.client.scheduler_info().get("services", {}):
                return None
            return self.client.dashboard_link
        except Exception:
            return None

    def workers(self) -> list[str]:
        return sorted(self.client.scheduler_info().get("workers", {}))

    def describe(self) -> str:
        n = len(self.workers())
        where = "a local Dask cluster" if self.cluster is not None else "the Dask cluster"
        text = f"steps are drawn on {where} at {self.address}, {n} worker{'s' if n != 1 else ''}"
        if n == 0:
            text += " (none yet: steps wait until one joins)"
        if self.dashboard:
            text += f"; dashboard {self.dashboard}"
        return text

    def start(self, workers: int) -> None:
        pass  # the cluster's workers are running already

    def submit(self, job: StepJob) -> object:
        key = f"lesson-step-{job.key}" + (f"-{uuid.uuid4().hex[:8]}" if job.replace else "")  # same step, same task
        # the same picture for another timing (the same step in two lessons built at once) is drawn once: this task
        # waits for that one and lays its drawing out
        with self._lock:  # lessons submit from their threads
            before = self._drawing.get(job.drawing)
            future = self.client.submit(cluster_task, job, before, key=key, pure=False)
            self._drawing.setdefault(job.drawing, future)
            self._jobs[future] = job
        return future

    def completed(self, handles: Iterable[object]) -> Iterator[tuple[object, Outcome]]:
        from distributed import as_completed

        handles = list(handles)
        if not handles:
            return
        for future in as_completed(handles):
            job = self._jobs.pop(future)
            yield future, self._outcome(future, job)

    def _outcome(self, future, job: StepJob) -> Outcome:
        try:
            key, digest, error = future.result()
        except Exception as exc:  # KilledWorker (its workers died, allowed-failures times), a cancelled task
            return Outcome(None, _one_line(exc))
        if error is not None:
            return Outcome(None, error)
        try:
            worker = next(iter(self.client.who_has([future]).get(future.key, ())), None)
        except Exception:
            worker = None
        video = cached_video(job.target)
        if video is None or file_hash(job.target) != digest:
            return Outcome(None, f"a worker drew it into its cache folder, but {job.target} is not the same file here: "
                                 "--cache-dir must be one folder every worker sees at the same path (docs/cluster.md)", worker)
        return Outcome(video, None, worker)

    def close(self, handles: Iterable[object] = (), abort: bool = False) -> None:
        """The render is done with ``handles``: on an abort they are cancelled (a step a worker has begun is still
        written whole into the cache, for the next run). The cluster stays up (:meth:`shutdown`)."""
        handles = [h for h in handles if h in self._jobs]
        for h in handles:
            self._jobs.pop(h, None)
        if abort and handles:
            try:
                self.client.cancel(handles)
            except Exception:
                pass

    def cancel_all(self) -> None:
        """Cancel every step in flight (Ctrl-C on a course whose lessons are built at once): each lesson waiting for
        them ends; what a worker has begun is still written whole into the cache."""
        try:
            self.client.cancel(list(self._jobs))
        except Exception:
            pass

    def shutdown(self) -> None:
        """Disconnect; a local cluster started for this run is stopped (its workers too)."""
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


__all__ = ["DaskExecutor", "connect", "parse"]
