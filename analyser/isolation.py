"""One report at a time in a worker process that can be stopped: the batch's limits for ``ksb analyse`` and ``ksb serve``.

:class:`AnalysisWorkers` keeps worker processes (a :class:`~analyser.batch.workers.WorkerPool`),
each holding one :class:`~analyser.pipeline.Analyser`, so that the model loads once per worker
and not per report. Each report runs under the time limit and the memory cap of
:class:`~analyser.batch.workers.WorkerLimits`; a report that overruns either costs its worker,
which is replaced, and is answered with :class:`AnalysisStopped` (an InputError: exit status 3,
a 422 on the web page), as is a report whose worker crashed. Anything else the analysis raises
(an InputError about the file, a CriteriaError about the scheme, a bug) is raised again in the
caller.

A request may carry ``present``, a module-level function applied to the Analysis inside the
worker (the web page's context, the JSON document), so the limits cover rendering too.
:func:`analyse_isolated` is the one-shot form ``ksb analyse`` uses: one worker, which loads the
model inside the time limit, and the Analysis handed back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .batch.workers import WorkerFailure, WorkerLimits, WorkerPool, failure_reason
from .datamodel import Analysis, Scheme
from .embed import prepare_model
from .errors import InputError
from .extract import ExtractSettings

__all__ = ["AnalysisStopped", "AnalysisWorkers", "analyse_isolated"]


class AnalysisStopped(InputError):
    """A report whose worker was stopped: by the time limit, by the memory cap (the reason says how to
    raise it), or by a crash."""


@dataclass(frozen=True)
class _Request:
    """One report for a worker: its path, its scheme (an id, a file or a loaded Scheme), and what to hand back."""

    path: str
    scheme: Scheme | str
    present: Callable[[Analysis], Any] | None = None


class AnalysisWorkers:
    """Worker processes, each with one Analyser for ``scheme``, analysing one report at a time under ``limits``.

    ``workers`` reports can run at once; more wait their turn. With ``warm`` each worker loads
    the model as it starts (outside the time limit); without, on its first report (inside it).
    ``threads`` caps each worker's math threads (None: the libraries' defaults). The workers
    start with the first report or :meth:`start`; :meth:`close` stops them.
    """

    def __init__(
        self,
        scheme: Scheme | str,
        *,
        settings: ExtractSettings | None = None,
        limits: WorkerLimits | None = None,
        workers: int = 1,
        warm: bool = True,
        threads: int | None = None,
    ) -> None:
        self.scheme = scheme
        self.settings = settings or ExtractSettings()
        self.limits = limits or WorkerLimits()
        self.workers = workers
        self._prepared = False
        self._pool = WorkerPool(
            workers=workers,
            setup=_start_worker,
            setup_args=(scheme, self.settings, threads, warm),
            timeout_s=self.limits.timeout_s,
            max_memory_mb=self.limits.max_memory_mb,
        )

    def start(self) -> concurrent.futures.Future:
        """Start the workers; the future is done when one is ready (raises WorkerStartError via :meth:`wait_ready`)."""
        self._prepare()
        return self._pool.start()

    def _prepare(self) -> None:
        """Before the first worker: a first run's one-time model export, outside the workers' memory cap."""
        if not self._prepared:
            prepare_model()
            self._prepared = True

    def wait_ready(self, future: concurrent.futures.Future) -> None:
        """Block until ``future`` (from :meth:`start`) is done; raises WorkerStartError if no worker could start."""
        concurrent.futures.wait([future])
        self._pool.outcome(future)

    def submit(
        self, path: Path, *, scheme: Scheme | str | None = None, present: Callable[[Analysis], Any] | None = None
    ) -> concurrent.futures.Future:
        """Schedule one report; pass the future to :meth:`result`."""
        self._prepare()
        return self._pool.submit(_analyse_in_worker, _Request(str(path), scheme or self.scheme, present))

    def result(self, future: concurrent.futures.Future, path: Path) -> Any:
        """The presented Analysis of a finished report; raises AnalysisStopped, WorkerStartError or what the analysis raised."""
        outcome = self._pool.outcome(future)
        if isinstance(outcome, WorkerFailure):
            raise AnalysisStopped(failure_reason(outcome, self.limits), path=path)
        return outcome

    def analyse(
        self, path: Path, *, scheme: Scheme | str | None = None, present: Callable[[Analysis], Any] | None = None
    ) -> Any:
        """Analyse one report and wait for it (see :meth:`submit` and :meth:`result`)."""
        future = self.submit(path, scheme=scheme, present=present)
        concurrent.futures.wait([future])
        return self.result(future, path)

    async def analyse_async(
        self, path: Path, *, scheme: Scheme | str | None = None, present: Callable[[Analysis], Any] | None = None
    ) -> Any:
        """Analyse one report without blocking the event loop: other requests are answered meanwhile."""
        future = self.submit(path, scheme=scheme, present=present)
        try:
            await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # the request was abandoned: its worker is stopped
            future.cancel()
            raise
        except Exception:  # noqa: BLE001 - a failure or an error: read from the future below
            pass
        return self.result(future, path)

    def settle(self) -> None:
        """With no report in progress: let a worker started in place of a lost one finish starting (see WorkerPool.settle)."""
        self._pool.settle()

    def close(self) -> None:
        """Stop the workers (a report being analysed is abandoned)."""
        self._pool.close()

    def __enter__(self) -> "AnalysisWorkers":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def analyse_isolated(
    path: Path,
    *,
    scheme: Scheme | str,
    settings: ExtractSettings | None = None,
    limits: WorkerLimits | None = None,
) -> Analysis:
    """Analyse one report in a new worker process under ``limits`` (the model loads there, inside the time limit).

    Raises what :func:`~analyser.pipeline.analyse` raises, AnalysisStopped when a limit (or a
    crash) stopped the report, WorkerStartError when the worker could not start.
    """
    with AnalysisWorkers(scheme, settings=settings, limits=limits, warm=False) as workers:
        try:
            analysis: Analysis = workers.analyse(path)
        finally:
            workers.settle()
    return analysis


# ----------------------------------------------------------------------------------------
# Inside a worker process: its Analysers, one per scheme asked for, sharing one model
# ----------------------------------------------------------------------------------------

_worker_settings: ExtractSettings | None = None  # set once per worker process, by _start_worker
_worker_analysers: dict[str, Any] = {}  # scheme id or reference -> this worker's Analyser for it


def _start_worker(scheme: Scheme | str, settings: ExtractSettings, threads: int | None, warm: bool) -> None:
    """The pool's setup: thread caps, quiet libraries, and (``warm``) the Analyser for ``scheme`` loaded."""
    global _worker_settings
    if threads is not None:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(threads)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Library warnings about odd files are not for the user: the caller reports one line.
    warnings.simplefilter("ignore")
    logging.getLogger().addHandler(logging.NullHandler())
    _worker_settings = settings
    if warm:
        _analyser_for(scheme).warm_up()


def _analyser_for(scheme: Scheme | str) -> Any:
    """This worker's Analyser for ``scheme``: the first one made loads the model, the others share it."""
    from .pipeline import Analyser

    key = scheme if isinstance(scheme, str) else scheme.id
    analyser = _worker_analysers.get(key)
    if analyser is not None and (isinstance(scheme, str) or analyser.scheme == scheme):
        return analyser  # a scheme file edited since is read again
    first = next(iter(_worker_analysers.values()), None)
    analyser = first.with_scheme(scheme) if first is not None else Analyser(scheme, settings=_worker_settings)
    _worker_analysers[key] = analyser
    return analyser


def _analyse_in_worker(request: _Request) -> Any:
    """The pool's task: analyse one report with this worker's Analyser, then present it."""
    try:
        analysis = _analyser_for(request.scheme)(Path(request.path))
        return request.present(analysis) if request.present is not None else analysis
    except RuntimeError as err:
        if "allocate" in str(err):  # onnxruntime's way of running out of memory
            raise MemoryError(str(err)) from err
        raise
