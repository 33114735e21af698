"""Worker processes for a batch: a pebble ``ProcessPool`` with a time limit per task and a memory cap.

Every task runs in a long-lived worker process whose ``setup`` (the model, for a batch) ran
once, in pebble's initializer, outside the time limit. A task that overruns its timeout has
its worker stopped by the pool, which starts a fresh one; a task that runs out of memory
under the cap, or whose worker crashes, costs that worker too. Each such task is reported as
a :class:`WorkerFailure` and the other tasks go on. A worker that cannot start stops the run
with :class:`WorkerStartError`.

:class:`WorkerPool` is the same machinery kept open: ``ksb analyse`` and ``ksb serve`` submit
one report at a time to it (see :mod:`analyser.isolation`); :func:`run_isolated` runs a
batch's reports through one.

Memory: the cap is an address-space limit (``RLIMIT_AS``) set in each worker's initializer;
an allocation beyond it raises MemoryError in the worker, which then exits with
``_EXIT_OUT_OF_MEMORY`` so that a fresh process takes its place. A worker holding torch,
sentence-transformers and all-MiniLM-L6-v2 maps about 1.3 GB of address space before it
reads a report and peaks near 1.55 GB on a normal one (about 0.8 GB resident), measured on
2026-11-22. glibc gives each thread its own 64 MB malloc arena: with 8 torch threads the
peak was 1.99 GB, so workers cap the arenas at two (1.57 GB with 8 threads) and torch's
threads at min(4, cores / workers); the default 2 GB cap then leaves about 450 MB for one
report's extraction and matching (a 67,000-word text report peaked at 1.35 GB). C and C++
libraries do not raise MemoryError: pdfium, inflating a stream beyond the cap, aborts the
worker (SIGABRT), so under a cap an aborted worker is counted as out of memory too.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from pebble import ProcessExpired, ProcessPool

from ..errors import AnalyserError

__all__ = ["WorkerFailure", "WorkerLimits", "WorkerPool", "WorkerStartError", "failure_reason", "run_isolated"]

_MB = 1024 * 1024
_STARTUP_SECONDS = 600.0  # a worker loading the model on a busy machine
_POLL_SECONDS = 5.0  # how often the run looks for workers that never become ready
_SETTLE_SECONDS = 30.0  # how long settle() waits for a replacement worker to finish starting
_M_ARENA_MAX = -8  # glibc mallopt parameter
_EXIT_OUT_OF_MEMORY = 86  # a worker's exit status after a task ran out of memory


@dataclass(frozen=True)
class WorkerLimits:
    """Per-report limits in batch mode: wall time and address space of the worker process."""

    timeout_s: float = 60.0
    max_memory_mb: int = 2048

    def __post_init__(self) -> None:
        if not isinstance(self.timeout_s, (int, float)) or self.timeout_s <= 0:
            raise ValueError(f"The 'timeout_s' parameter must be a positive number. Got {self.timeout_s!r} instead.")
        if not isinstance(self.max_memory_mb, int) or self.max_memory_mb <= 0:
            raise ValueError(
                f"The 'max_memory_mb' parameter must be a positive integer. Got {self.max_memory_mb!r} instead."
            )


@dataclass(frozen=True)
class WorkerFailure:
    """A task whose worker was stopped: ``kind`` is ``timeout``, ``memory`` or ``crash``."""

    kind: str
    detail: str = ""


class WorkerStartError(AnalyserError):
    """The worker processes could not start (model missing, memory cap too low ...)."""


def failure_reason(failure: WorkerFailure, limits: WorkerLimits) -> str:
    """What a person is told when a report's worker had to be stopped."""
    if failure.kind == "timeout":
        return (
            f"took longer than {limits.timeout_s:g} s and was stopped; the file may be damaged or crafted: "
            "open it and save it again, or raise the limit with --timeout"
        )
    if failure.kind == "memory":
        return (
            f"ran out of memory (limit {limits.max_memory_mb} MB): it needed more than {limits.max_memory_mb} MB "
            "and was stopped; the file may be damaged or crafted: open it and save it again, or raise the "
            "limit with --max-memory-mb"
        )
    detail = f" ({failure.detail})" if failure.detail else ""
    return (
        f"the analysis crashed{detail}; the file may be damaged or crafted: open it and save it again"
    )


class WorkerPool:
    """``workers`` long-lived worker processes, each set up once, taking one task at a time under limits.

    ``setup(*setup_args)`` runs once per worker (pebble's initializer), before its first task
    and outside the time limit; the workers start with the first :meth:`submit` (or
    :meth:`start`). A task overrunning ``timeout_s``, running out of memory under
    ``max_memory_mb`` or crashing costs its worker, which the pool replaces (running ``setup``
    again); :meth:`outcome` then gives a :class:`WorkerFailure`. ``task`` and ``setup`` must be
    importable module-level functions. Close the pool (or use it as a context manager) to stop
    the workers.
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        setup: Callable[..., None] | None = None,
        setup_args: tuple[Any, ...] = (),
        timeout_s: float | None = None,
        max_memory_mb: int | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"The 'workers' parameter must be a positive integer. Got {workers!r} instead.")
        self.timeout_s = timeout_s
        self.max_memory_bytes = max_memory_mb * _MB if max_memory_mb else None
        self._workers = workers
        self._replaced = False  # a worker was lost, and pebble started another in its place
        self._pool = ProcessPool(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(setup, setup_args, self.max_memory_bytes),
            # Spawned, not forked: a worker must not inherit the parent's threads and locks.
            context=multiprocessing.get_context("spawn"),
        )

    def submit(self, task: Callable[[Any], Any], item: Any) -> concurrent.futures.Future:
        """Schedule ``task(item)``; its future's :meth:`outcome` is the result or the failure."""
        return self._pool.schedule(_run_task, args=(task, item), timeout=self.timeout_s)

    def start(self) -> concurrent.futures.Future:
        """Start the workers now (each runs ``setup``); the future is done once one of them is ready."""
        return self.submit(_ready, None)

    def outcome(self, future: concurrent.futures.Future) -> Any:
        """A finished task's result, or the :class:`WorkerFailure` that ended it; raises WorkerStartError.

        An exception the task raised is raised again here.
        """
        result = _result(future, self.max_memory_bytes)
        if isinstance(result, WorkerFailure):
            self._replaced = True
        return result

    def close(self) -> None:
        """Stop the workers (a busy one is stopped: its task is abandoned) and wait for them."""
        self._pool.stop()
        self._pool.join()

    def settle(self) -> None:
        """Before closing a pool with nothing left to do: after a worker was lost, wait (at most _SETTLE_SECONDS)
        until every worker has answered. The one pebble started in place of the lost worker may still be starting,
        and stopped while it unpickles the pool's semaphores it prints a traceback on the user's terminal. Each
        answer holds its worker a moment, so the answers spread over the workers. Nothing to wait for otherwise."""
        if not self._replaced:
            return
        deadline = time.monotonic() + _SETTLE_SECONDS
        seen: set[int] = set()
        while len(seen) < self._workers and time.monotonic() < deadline:
            try:
                futures = [self.submit(_worker_id, None) for _ in range(self._workers)]
            except RuntimeError:  # the pool is no longer running: nothing is starting
                return
            done, _ = concurrent.futures.wait(futures, timeout=max(deadline - time.monotonic(), 0))
            seen |= {f.result() for f in done if f.exception() is None and isinstance(f.result(), int)}

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run_isolated(
    items: Sequence[Any],
    task: Callable[[Any], Any],
    *,
    jobs: int = 1,
    setup: Callable[..., None] | None = None,
    setup_args: tuple[Any, ...] = (),
    timeout_s: float | None = None,
    max_memory_mb: int | None = None,
) -> Iterator[tuple[int, Any]]:
    """Run ``task(item)`` for every item in ``jobs`` long-lived worker processes (a :class:`WorkerPool`).

    Yields ``(index, result)`` in completion order; ``result`` is a :class:`WorkerFailure`
    when the worker overran ``timeout_s``, ran out of memory under ``max_memory_mb`` or
    crashed (the worker is then replaced and the others go on). ``setup(*setup_args)`` runs
    once per worker, before its first task and outside the time limit. ``task`` and
    ``setup`` must be importable module-level functions. Raises WorkerStartError when a
    worker cannot start.
    """
    if jobs < 1:
        raise ValueError(f"The 'jobs' parameter must be a positive integer. Got {jobs!r} instead.")
    if not items:
        return
    pool = WorkerPool(
        workers=min(jobs, len(items)), setup=setup, setup_args=setup_args, timeout_s=timeout_s, max_memory_mb=max_memory_mb
    )
    with pool:
        futures = {pool.submit(task, item): index for index, item in enumerate(items)}
        pending = set(futures)
        waiting_since = time.monotonic()  # since when no task has been running
        while pending:
            done, pending = concurrent.futures.wait(
                pending, timeout=_POLL_SECONDS, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                yield futures[future], pool.outcome(future)
            if done or any(future.running() for future in pending):
                waiting_since = time.monotonic()
            elif time.monotonic() - waiting_since > _STARTUP_SECONDS:
                raise WorkerStartError(f"a worker did not finish loading the model in {_STARTUP_SECONDS:g} s")
        pool.settle()


def _result(future: concurrent.futures.Future, max_memory_bytes: int | None) -> Any:
    """A finished task's result, or the WorkerFailure that ended it; raises WorkerStartError."""
    try:
        result = future.result()
    except concurrent.futures.TimeoutError:
        return WorkerFailure("timeout")
    except ProcessExpired as expired:
        if expired.exitcode in (_EXIT_OUT_OF_MEMORY, -signal.SIGKILL):  # SIGKILL: the kernel's OOM killer
            return WorkerFailure("memory")
        if expired.exitcode == -signal.SIGABRT and max_memory_bytes is not None:  # a C++ allocation failed
            return WorkerFailure("memory")
        return WorkerFailure("crash", _exit_detail(expired.exitcode))
    except BrokenProcessPool as err:
        raise WorkerStartError(_start_reason("the worker processes exited", max_memory_bytes)) from err
    if isinstance(result, _NotStarted):
        raise WorkerStartError(_start_reason(result.reason, max_memory_bytes))
    return result


def _exit_detail(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def _start_reason(detail: str, max_memory_bytes: int | None) -> str:
    """Why the workers could not start; under a memory cap, say how to raise it."""
    if max_memory_bytes is None:
        return f"the analysis workers could not start: {detail}"
    lowered = detail.lower()
    advice = f"raise --max-memory-mb (now {max_memory_bytes // _MB}; a normal analysis needs about 500 with the ONNX backend, 1600 with sentence-transformers)"
    if any(sign in lowered for sign in ("memory", "allocate", "map segment", "mmap")):
        return f"the analysis workers cannot load the model within {max_memory_bytes // _MB} MB: {advice}"
    return f"the analysis workers could not start ({detail}); if the memory limit is the cause, {advice}"


# ----------------------------------------------------------------------------------------
# Inside a worker process
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NotStarted:
    """What a task answers in a worker whose setup failed: why it failed, for the parent to report."""

    reason: str


_start_failure: str | None = None  # set once per worker process, by _start_worker


def _start_worker(setup: Callable[..., None] | None, setup_args: tuple[Any, ...], max_memory_bytes: int | None) -> None:
    """pebble's initializer: set the limits, then run ``setup`` once; a failure is kept for the tasks to report."""
    global _start_failure
    # Under the spawn method, semaphores that libraries create (tqdm's lock, say) are
    # registered with the parent's resource tracker, which complains about every one a
    # killed worker leaves. Under fork they are unlinked at once and nothing can leak.
    multiprocessing.set_start_method("fork", force=True)
    try:
        _limit_resources(max_memory_bytes)
        if setup is not None:
            setup(*setup_args)
    except MemoryError:
        _start_failure = "memory"
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which stops the batch
        _start_failure = " ".join(str(err).split()) or type(err).__name__


def _ready(_: Any) -> bool:
    """The task :meth:`WorkerPool.start` schedules: it runs once a worker has been set up."""
    return True


def _worker_id(_: Any) -> int:
    """The task :meth:`WorkerPool.settle` schedules after a worker was replaced: this worker's process id."""
    time.sleep(0.2)
    return os.getpid()


def _run_task(task: Callable[[Any], Any], item: Any) -> Any:
    """Run one task; after a MemoryError the worker exits, so that a fresh one takes over."""
    if _start_failure is not None:
        return _NotStarted(_start_failure)
    try:
        return task(item)
    except MemoryError:
        os._exit(_EXIT_OUT_OF_MEMORY)


def _limit_resources(max_memory_bytes: int | None) -> None:
    """Cap this process's address space and glibc's malloc arenas."""
    import resource

    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass
    if max_memory_bytes is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = max_memory_bytes if hard == resource.RLIM_INFINITY else min(max_memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
